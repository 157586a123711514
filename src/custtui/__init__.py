"""custtui: customer management in the terminal for field-service companies."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("custtui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
