"""The Textual user interface. Screens call services; they never write SQL."""
