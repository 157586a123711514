"""One simulated user for tests/e2e/test_concurrency.py, run as its own process.

Usage: python concurrency_worker.py DATABASE_URL WORKER COUNT SHARED_IDS

Creates COUNT customers and edits each once, and appends its token to the
internal name of every shared customer (re-reading after a conflict, as a user does
with "Take theirs" and then types the change again). Prints one JSON line
with what it did; exits 1 if any error other than an expected conflict
reached it.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback

from sqlmodel import select

from custtui.db import make_engine, run_unit
from custtui.errors import ConflictError
from custtui.models import User
from custtui.services import customers
from custtui.services.customers import CustomerInput


class _RetryCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _append_token(engine, user: User, customer_id: int, token: str) -> int:
    """Append `token` to the internal name; returns how many conflicts it took."""
    conflicts = 0
    while True:
        current = run_unit(engine, lambda s: customers.get_customer(s, customer_id))
        data = CustomerInput.from_customer(current)
        data.internal_name = f"{current.internal_name or ''} {token}".strip()
        try:
            run_unit(
                engine,
                lambda s, data=data, version=current.version: customers.update_customer(s, user, customer_id, data, version),
            )
            return conflicts
        except ConflictError:
            conflicts += 1


def main() -> int:
    url, worker, count, shared = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    shared_ids = [int(part) for part in shared.split(",") if part]
    counter = _RetryCounter()
    db_log = logging.getLogger("custtui.db")
    db_log.setLevel(logging.INFO)
    db_log.addHandler(counter)
    engine = make_engine(url)
    login = f"worker{worker}"
    user = run_unit(engine, lambda s: s.exec(select(User).where(User.login == login)).one())
    conflicts = 0
    try:
        for number in range(count):
            data = CustomerInput(
                name=f"Worker {worker} customer {number}",
                region_code="BE-VLG",
                customer_number=f"W{worker}-{number}",
            )
            created = run_unit(engine, lambda s, data=data: customers.create_customer(s, user, data))
            edited = CustomerInput.from_customer(created)
            edited.internal_name = f"edited by worker {worker}"
            run_unit(engine, lambda s, c=created, e=edited: customers.update_customer(s, user, c.id, e, c.version))
            if shared_ids and number % max(1, count // 10) == 0:
                target = shared_ids[(number + worker) % len(shared_ids)]
                conflicts += _append_token(engine, user, target, f"w{worker}n{number}")
    except Exception:  # noqa: BLE001 - any error here would have reached a user
        traceback.print_exc()
        return 1
    finally:
        engine.dispose()
    print(json.dumps({"worker": worker, "conflicts": conflicts, "retries": counter.count}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
