from custtui.cli import command

# Guarded: a process that multiprocessing spawns imports this module again (as __mp_main__).
if __name__ == "__main__":
    command()
