"""Regenerate screenshots/*.svg from the real app on demo data, at 80x24.

    .venv/bin/python scripts/screenshots.py [--customers 300] [--seed 1]

It walks the same screens as the snapshot tests (tests/support/screen_tour.py).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from screen_tour import STOPS, Targets  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from custtui.db import make_engine, migrate  # noqa: E402
from custtui.demo import generate_demo  # noqa: E402
from custtui.i18n import set_language  # noqa: E402
from custtui.models import Customer, Role, User  # noqa: E402
from custtui.services import customers  # noqa: E402
from custtui.tui.app import CusttuiApp  # noqa: E402


def pick_targets(session: Session) -> Targets:
    by_installations = customers.ordered_customer_ids(session, "installations", descending=True)
    rows = customers.customer_rows(session, by_installations)
    busy = next(cid for cid in by_installations if rows[cid].missions >= 3)
    empty = next(cid for cid in reversed(by_installations) if rows[cid].missions == 0)
    aliased = session.exec(select(Customer).where(Customer.internal_name.is_not(None)).order_by(Customer.id)).first()  # type: ignore[union-attr]
    assert aliased is not None and aliased.internal_name
    return Targets(busy, empty, aliased.id, aliased.internal_name.lower())  # type: ignore[arg-type]


async def shoot(engine, user: User, targets: Targets, name: str, folder: Path) -> None:  # type: ignore[no-untyped-def]
    app = CusttuiApp(engine=engine, user=user)
    async with app.run_test(size=(80, 24)) as pilot:
        await STOPS[name](pilot, targets)
        app.save_screenshot(f"{name}.svg", str(folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args()
    set_language("en")
    args.out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'screens.db'}")
        migrate(engine)
        with Session(engine, expire_on_commit=False) as session:
            user = User(login="demo", display_name="Sofie Peeters", role=Role.ADMIN.value)
            session.add(user)
            session.commit()
        generate_demo(engine, customers=args.customers, seed=args.seed)
        with Session(engine) as session:
            targets = pick_targets(session)
        for name in STOPS:
            asyncio.run(shoot(engine, user, targets, name, args.out))
            print(f"screenshots/{name}.svg")
        engine.dispose()


if __name__ == "__main__":
    main()
