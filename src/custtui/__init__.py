"""custtui: customer management in the terminal for field-service companies."""

from typing import Any


def __getattr__(name: str) -> Any:
    # custtui.__version__, read when asked (custtui --version): importlib.metadata is 40 ms of a start.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 - see above

        try:
            return version("custtui")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0.0.0"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
