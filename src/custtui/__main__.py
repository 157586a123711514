from custtui.cli import command

command()
