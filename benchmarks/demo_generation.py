"""How long `custtui demo` takes, and how much memory, for N customers.

    .venv/bin/python benchmarks/demo_generation.py --customers 100000
    .venv/bin/python benchmarks/demo_generation.py --customers 10000 --db postgresql://postgres@127.0.0.1/test

Prints figures; it asserts nothing (machines are noisy). With --db the
database must be empty: use a scratch one.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from custtui.db import make_engine, migrate
from custtui.demo import generate_demo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", help="database URL (default: a new SQLite file in a temporary folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        migrate(engine)
        started = time.perf_counter()
        result = generate_demo(engine, customers=args.customers, seed=args.seed)
        elapsed = time.perf_counter() - started
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        engine.dispose()
    print(f"backend            {engine.dialect.name}")
    print(f"customers          {result.customers:>10,}")
    print(f"locations          {result.locations:>10,}")
    print(f"buildings          {result.buildings:>10,}")
    print(f"installations      {result.installations:>10,}")
    print(f"missions           {result.missions:>10,}")
    print(f"duplicates         {len(result.duplicates):>10,}")
    print(f"seconds            {elapsed:>10.1f}")
    print(f"customers/second   {result.customers / elapsed:>10,.0f}")
    print(f"peak RSS (MiB)     {peak_mib:>10,.0f}")


if __name__ == "__main__":
    main()
