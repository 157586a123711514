"""What a test does when something it needs is missing: skip on a developer's machine, fail in CI.

Under CI=true (`.ci/run` sets it) a skip would hide a failure: the PostgreSQL
server, sshd, ssh, tmux and tmpfs mounts are all there, so a test that cannot
find one fails. LibreOffice is the one exception: CI installs it when it can
(see .ci/run), and its test stays a skip either way (tests/services/test_export_safety.py).
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(what: str, reason: str) -> NoReturn:
    """Skip the test because `what` cannot be had here (`reason`), or fail it under CI=true."""
    if IN_CI:
        pytest.fail(f"{what} is required in CI: {reason}")
    pytest.skip(f"{what}: {reason}")
