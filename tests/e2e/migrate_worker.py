"""`custtui migrate` that kills itself (SIGKILL) just before its Nth SQL statement; tests/e2e/test_migration_crash.py.

With N = 0 it runs to the end and prints how many statements it ran.
"""

from __future__ import annotations

import os
import signal
import sys

from sqlalchemy import event
from sqlalchemy.engine import Engine

from custtui.cli import main

url, kill_before = sys.argv[1], int(sys.argv[2])
statements = 0


def _count(*_args: object) -> None:
    global statements
    statements += 1
    if statements == kill_before:
        os.kill(os.getpid(), signal.SIGKILL)


# Before each statement, and the moment between the last statement and COMMIT.
event.listen(Engine, "before_cursor_execute", _count)
event.listen(Engine, "commit", _count)


code = main(["migrate", "--db", url])
print(f"statements={statements}")
sys.exit(code)
