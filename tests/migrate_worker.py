"""`custtui migrate` that kills itself (SIGKILL) just before its Nth SQL statement; tests/test_migration_crash.py.

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


@event.listens_for(Engine, "before_cursor_execute")
def _count(*_args: object) -> None:
    global statements
    statements += 1
    if statements == kill_before:
        os.kill(os.getpid(), signal.SIGKILL)


@event.listens_for(Engine, "commit")
def _before_commit(*_args: object) -> None:
    # The moment between the last statement and COMMIT counts as one more point.
    global statements
    statements += 1
    if statements == kill_before:
        os.kill(os.getpid(), signal.SIGKILL)


code = main(["migrate", "--db", url])
print(f"statements={statements}")
sys.exit(code)
