"""How fast `custtui import` brings a customer file in, next to a plain bulk insert of the same rows.

The file is made by benchmarks/second_generator.py (written independently of
custtui's demo: persons and businesses of BE/NL/LU/FR/DE with the noise real
files have, about 20 % of entities written more than once), as an office
would hand it over: one row per record, its own column names. Each size is
imported into a new, empty database by `custtui import` in a child process
(everything an import does: validation, the duplicate check against the
customers and the earlier rows, sites and buildings, audit events, the
import's progress and report rows in the database), timed from the start of
the process to its end, with its peak memory (maxrss).

The floor is a plain SQLAlchemy Core bulk insert (executemany) of the same
customers and their sites into a new database, in the same run: no
validation, no duplicate check, no audit. The ratio says how much of the
import's time is its checks.

It also prints how well the import's duplicate check did on the file: of the
rows whose entity appeared earlier in the file, how many were reported as a
likely or possible duplicate of a row of the same entity (recall), and of
the rows reported, how many were right (precision).

    python benchmarks/import_speed.py [--sizes 10000,100000,200000] [--db sqlite|postgresql|both]

The goals (issue 15): at least 2,000 rows/s on SQLite and 1,000 on
PostgreSQL at 100,000 rows, the cost per row flat, and the two processes'
peaks together at most 300 MB at 200,000 rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
# Columns of the second generator's file -> the header an office file has for them (Dutch, as a Flemish ERP writes).
HEADERS = {
    "name": "Naam", "alias": "Interne naam", "street": "Straat", "number": "Huisnummer", "postal_code": "Postcode",
    "city": "Gemeente", "country": "Land", "phone": "Telefoon", "email": "E-mail", "vat_number": "BTW-nummer",
    "customer_number": "Klantnummer",
}  # fmt: skip


def make_file(rows: int, folder: Path) -> tuple[Path, list[str]]:
    """An office's file of about `rows` rows (semicolon CSV, Dutch headers), and each data row's entity."""
    sys.path.insert(0, str(HERE))
    import second_generator

    entities = max(1, int(rows / 1.27))
    records = second_generator.generate(entities, seed=7)
    while len(records) < rows:
        entities = int(entities * 1.05) + 1
        records = second_generator.generate(entities, seed=7)
    records = records[:rows]
    path = folder / f"klanten_{rows}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS.values())
        for record in records:
            writer.writerow(record[column] for column in HEADERS)
    return path, [record["entity_id"] for record in records]


def new_database(kind: str, name: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / (name + '.db')}"
    from sqlalchemy import create_engine, text

    engine = create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{PG_SERVER}/{name}"


def drop_database(kind: str, name: str) -> None:
    if kind != "postgresql":
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def custtui(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CUSTTUI_DATABASE_URL": url, "LANG": "en_US.UTF-8"}
    return subprocess.run([sys.executable, "-m", "custtui", *args], env=env, capture_output=True, text=True)


def timed_import(url: str, path: Path, report: Path) -> dict[str, float | str]:
    migrated = custtui(url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    env = {**os.environ, "CUSTTUI_DATABASE_URL": url, "LANG": "en_US.UTF-8"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "custtui", "import", str(path), "--report", str(report), "--quiet"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    peak_kb = [0]
    child_peaks_kb: dict[int, int] = {}  # the duplicate check's second process (services.transfer.matching)

    def high_water_kb(pid: int) -> int:
        with open(f"/proc/{pid}/status", encoding="ascii") as status_file:
            for line in status_file:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def watch_peak() -> None:
        # VmHWM: the peak of the process's own memory since exec. ru_maxrss is no good here: a child
        # counts the pages it shared with this process (which holds the generated file) before exec.
        while process.returncode is None:
            try:
                peak_kb[0] = max(peak_kb[0], high_water_kb(process.pid))
                with open(f"/proc/{process.pid}/task/{process.pid}/children", encoding="ascii") as children:
                    for child in children.read().split():
                        try:
                            child_peaks_kb[int(child)] = max(child_peaks_kb.get(int(child), 0), high_water_kb(int(child)))
                        except OSError:
                            pass
            except OSError:
                return
            time.sleep(0.1)

    watcher = threading.Thread(target=watch_peak, daemon=True)
    watcher.start()
    out = process.stdout.read()
    # wait4: this child's own CPU time.
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode in (0, 1), out[-2000:]
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "maxrss_mb": peak_kb[0] / 1024,
        "child_maxrss_mb": sum(child_peaks_kb.values()) / 1024,
        "summary": out.strip().splitlines()[-1],
    }


def floor(url: str, path: Path) -> float:
    """Seconds for a plain executemany of the file's customers and sites (with their default buildings)."""
    code = f"""
import csv, sys, time
sys.path.insert(0, {str(ROOT / 'src')!r})
from sqlalchemy import create_engine, insert
from custtui.db import migrate
from custtui.models import Building, Customer, Location, table_of, utcnow
engine = create_engine({url!r})
migrate(engine)
started = time.perf_counter()
now = utcnow()
with open({str(path)!r}, encoding="utf-8", newline="") as handle:
    rows = list(csv.DictReader(handle, delimiter=";"))
customer, location, building = table_of(Customer), table_of(Location), table_of(Building)
with engine.begin() as connection:
    for start in range(0, len(rows), 5000):
        chunk = rows[start:start + 5000]
        first = start + 1  # an empty database: explicit ids, no RETURNING
        connection.execute(insert(customer), [
            {{"id": first + n, "name": r["Naam"][:200], "internal_name": r["Interne naam"] or None,
             "customer_number": r["Klantnummer"][:50] or None, "region_code": "BE-VLG",
             "vat_number": r["BTW-nummer"][:20] or None, "email": r["E-mail"][:254] or None,
             "phone": r["Telefoon"][:40] or None, "created_at": now, "updated_at": now, "version": 1}}
            for n, r in enumerate(chunk)])
        connection.execute(insert(location), [
            {{"id": first + n, "customer_id": first + n, "street": r["Straat"][:200], "number": r["Huisnummer"][:20],
             "postal_code": r["Postcode"][:12], "city": r["Gemeente"][:100], "country": (r["Land"] or "BE")[:2],
             "region_code": "BE-VLG", "created_at": now, "updated_at": now}} for n, r in enumerate(chunk)])
        connection.execute(insert(building), [{{"location_id": first + n, "name": "Main building"}} for n in range(len(chunk))])
    if connection.dialect.name == "postgresql":
        for table in ("customer", "location"):
            connection.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{{table}}', 'id'), {{len(rows) + 1}}, false)")
print(time.perf_counter() - started)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return float(done.stdout.strip().splitlines()[-1])


def duplicate_quality(report: Path, entities: list[str], header_line: int = 1) -> dict[str, float]:
    """Recall and precision of the duplicates the report names, against the file's entities."""
    entity_of_line = {header_line + 1 + n: entity for n, entity in enumerate(entities)}
    line_of_customer: dict[int, int] = {}
    flagged: list[tuple[int, int, bool]] = []  # (line, customer it duplicates, likely)
    with report.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            line = int(row["line"])
            if row["customer_id"]:
                line_of_customer[int(row["customer_id"])] = line
            if row["duplicate_of"]:
                flagged.append((line, int(row["duplicate_of"]), row["status"] == "duplicate"))
    seen: set[str] = set()
    repeats = 0
    for line in sorted(entity_of_line):
        entity = entity_of_line[line]
        repeats += entity in seen
        seen.add(entity)
    def is_right(line: int, other: int) -> bool:
        return other in line_of_customer and entity_of_line[line_of_customer[other]] == entity_of_line[line]

    right = sum(1 for line, other, _likely in flagged if is_right(line, other))
    likely = [(line, other) for line, other, is_likely in flagged if is_likely]
    likely_right = sum(1 for line, other in likely if is_right(line, other))
    return {
        "repeats": repeats,
        "flagged": len(flagged),
        "recall": right / repeats if repeats else 1.0,
        "precision": right / len(flagged) if flagged else 1.0,
        "likely_recall": likely_right / repeats if repeats else 1.0,
        "likely_precision": likely_right / len(likely) if likely else 1.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,200000")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    arguments = parser.parse_args()
    kinds = ("sqlite", "postgresql") if arguments.db == "both" else (arguments.db,)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for size in (int(size) for size in arguments.sizes.split(",")):
            path, entities = make_file(size, folder)
            for kind in kinds:
                name = f"bench_import_{size}"
                url = new_database(kind, name, folder)
                report = folder / f"report_{kind}_{size}.csv"
                try:
                    measured = timed_import(url, path, report)
                finally:
                    drop_database(kind, name)
                url = new_database(kind, name + "_floor", folder)
                try:
                    floor_seconds = floor(url, path)
                finally:
                    drop_database(kind, name + "_floor")
                quality = duplicate_quality(report, entities)
                rate = size / measured["seconds"]
                print(
                    f"{kind:<10} {size:>7} rows: {rate:6.0f} rows/s ({measured['seconds']:.1f} s wall, "
                    f"{measured['cpu']:.1f} s CPU, peak {measured['maxrss_mb']:.0f} MB "
                    f"+ check {measured['child_maxrss_mb']:.0f} MB "
                    f"= {measured['maxrss_mb'] + measured['child_maxrss_mb']:.0f} MB)  "
                    f"floor {size / floor_seconds:6.0f} rows/s ({floor_seconds:.2f} s), "
                    f"ratio {measured['seconds'] / floor_seconds:.0f}x",
                    flush=True,
                )
                print(
                    f"{'':18} in-file duplicates (entities seen earlier in the file: {quality['repeats']}): "
                    f"likely recall {quality['likely_recall']:.3f} precision {quality['likely_precision']:.3f}; "
                    f"with possible recall {quality['recall']:.3f} precision {quality['precision']:.3f}  |  "
                    f"{measured['summary']}",
                    flush=True,
                )
                figures = {"db": kind, "rows": size, **measured, "floor_seconds": floor_seconds, **quality}
                print(json.dumps(figures), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
