"""Saving and loading a survey round of 1,000,000 people x 10 areas (10 million rating rows), beside the
database's own bulk load of the same rows, on SQLite and (given a server) PostgreSQL.

Each measurement runs in a fresh process that first imports the survey (untimed); the figures are the
median of --repeat runs, and memory is the largest growth of the process's peak resident set during
the measured step. Every run gets a fresh database.

  floor   the same rows, prepared beforehand, bulk-loaded in one transaction into a table with the
          ratings table's columns and no constraint or index: executemany (SQLite), COPY FROM STDIN of
          CSV (PostgreSQL); the database's own speed for these rows
  save    Store.save_round: the rounds row, every rating (primary key, checks, foreign key), commit
  load    Store.load_ratings of that round in a fresh store, as the dashboard loads a round
  list    Store.list_rounds in a fresh store (the first listing counts the round's ratings)

    .venv/bin/python bench/bench_store.py [--people 1000000] [--repeat 3]        # SQLite
    bash .ci/with-postgres.sh .venv/bin/python bench/bench_store.py               # SQLite and PostgreSQL
    .venv/bin/python bench/bench_store.py --database postgresql://…/scratch       # PostgreSQL (emptied!)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
COLUMNS = "round_id, respondent, area_id, name, role, group_name, rating, status, email"
FLOOR_TABLE = ("CREATE TABLE floor_ratings (round_id INTEGER, respondent VARCHAR(32), area_id VARCHAR(64), name TEXT, "
               "role TEXT, group_name TEXT, rating SMALLINT, status VARCHAR(16), email TEXT)")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _combined(path: str):
    from framework.combine import combine
    from framework.definitions import get_framework
    from framework.importer import read_survey
    from framework.importer.limits import COMMAND_LINE
    from framework.targets import default_targets

    result = read_survey(Path(path).read_bytes(), Path(path).name, get_framework(), targets=default_targets(),
                         limits=COMMAND_LINE)
    combined = combine([result])
    combined.ratings  # noqa: B018  (the tidy frame is the save's input: built before timing)
    return combined


def _floor_rows(combined) -> tuple[list[list], list[bytes]]:
    """The rows the store would write, as columns of Python values (for executemany) and as CSV (for COPY)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    from framework.store import rating_rows

    rows = rating_rows(combined.ratings)
    rating = rows["rating"].astype("float64").to_numpy()
    columns = [[1] * len(rows), *(rows[c].tolist() for c in ("respondent", "area_id", "name", "role", "group")),
               [None if v != v else int(v) for v in rating.tolist()], rows["status"].tolist(), rows["email"].tolist()]
    table = pa.table({
        "round_id": pa.array(np.ones(len(rows), dtype=np.int32)),
        **{c: pa.array(rows[c].to_numpy(dtype=object), type=pa.string()) for c in ("respondent", "area_id", "name",
                                                                                    "role", "group")},
        "rating": pa.array(np.nan_to_num(rating).astype(np.int16), mask=np.isnan(rating)),
        "status": pa.array(rows["status"].to_numpy(dtype=object), type=pa.string()),
        "email": pa.array(rows["email"].to_numpy(dtype=object), type=pa.string()),
    })
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(table, sink, pa_csv.WriteOptions(include_header=False))
    text = sink.getvalue().to_pybytes()
    step = 16 << 20
    return columns, [text[i:i + step] for i in range(0, len(text), step)]


def _child(action: str, path: str, url: str) -> dict:
    from framework.store import Store

    if action == "save":
        combined = _combined(path)
        with Store(url) as store:
            base, t = _peak_mb(), time.perf_counter()
            saved = store.save_round(combined, "Bench", date(2026, 1, 1), ["0" * 64])
            return {"seconds": time.perf_counter() - t, "mb": _peak_mb() - base, "rows": saved.round.ratings}
    if action == "floor":
        columns, csv_parts = _floor_rows(_combined(path))
        with Store(url) as store:
            raw = store.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute(FLOOR_TABLE)
                raw.commit()
                base, t = _peak_mb(), time.perf_counter()
                if store.backend == "postgresql":
                    with cursor.copy(f"COPY floor_ratings ({COLUMNS}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL "
                                     "(respondent, area_id, name, role, group_name, status, email))") as copy:
                        for part in csv_parts:
                            copy.write(part)
                else:
                    raw.driver_connection.execute("BEGIN")
                    cursor.executemany(f"INSERT INTO floor_ratings ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                       zip(*columns))
                raw.commit()
                seconds = time.perf_counter() - t
                cursor.execute("SELECT count(*) FROM floor_ratings")
                rows = cursor.fetchone()[0]
            finally:
                raw.close()
            return {"seconds": seconds, "mb": _peak_mb() - base, "rows": rows}
    with Store(url) as store:  # load, list: the round saved by "save", in a fresh store
        round_id = _round_id(store)
        base, t = _peak_mb(), time.perf_counter()
        if action == "load":
            rows = len(store.load_ratings(round_id))
        else:
            rows = next(r.ratings for r in store.list_rounds() if r.id == round_id)
        return {"seconds": time.perf_counter() - t, "mb": _peak_mb() - base, "rows": rows}


def _round_id(store) -> int:
    import sqlalchemy as sa

    with store.engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT max(id) FROM rounds")).scalar_one())


def _fresh_database(backend: str, base_url: str | None, folder: Path):
    """A URL of an empty database, and how to remove it."""
    if backend == "sqlite":
        path = folder / f"bench-{uuid.uuid4().hex[:8]}.sqlite"
        return f"sqlite:///{path}", lambda: [p.unlink(missing_ok=True) for p in folder.glob(path.name + "*")]
    import sqlalchemy as sa

    admin_url = sa.engine.make_url(base_url.replace("postgresql://", "postgresql+psycopg://", 1)
                                   if base_url.startswith("postgresql://") else base_url)
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def _run(action: str, path: Path, url: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", action, str(path), url], capture_output=True,
                          text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"{action} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(runs: list[dict]) -> dict:
    return {"seconds": statistics.median(r["seconds"] for r in runs), "mb": max(r["mb"] for r in runs),
            "rows": runs[0]["rows"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", help="a PostgreSQL server URL whose user may create databases "
                                           "(default: $TEST_DATABASE_URL, as .ci/with-postgres.sh sets it)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", nargs=3, metavar=("ACTION", "PATH", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(*args.child)))
        return
    from bench.bench_import import make_csv

    server = args.database or os.environ.get("TEST_DATABASE_URL")
    backends = [b for b in args.backends.split(",") if b == "sqlite" or server]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / f"round_{args.people}.csv"
        make_csv(path, args.people)
        print(f"{args.people:,} people x 10 areas; median of {args.repeat}; memory = peak growth during the step; "
              f"load {os.getloadavg()[0]:.2f} at start")
        print(f"{'database':<11}{'rows':>12}{'floor s':>9}{'save s':>9}{'ratio':>7}{'floor MB':>10}{'save MB':>9}"
              f"{'load s':>8}{'load MB':>9}{'list s':>8}")
        for backend in backends:
            runs: dict[str, list] = {"floor": [], "save": [], "load": [], "list": []}
            for _ in range(args.repeat):
                url, drop = _fresh_database(backend, server, folder)
                try:
                    runs["floor"].append(_run("floor", path, url))
                    runs["save"].append(_run("save", path, url))
                    runs["load"].append(_run("load", path, url))
                    runs["list"].append(_run("list", path, url))
                finally:
                    drop()
            m = {k: _median(v) for k, v in runs.items()}
            assert m["save"]["rows"] == m["floor"]["rows"] == m["load"]["rows"] == args.people * 10, m
            print(f"{backend:<11}{m['save']['rows']:>12,}{m['floor']['seconds']:>9.1f}{m['save']['seconds']:>9.1f}"
                  f"{m['save']['seconds'] / m['floor']['seconds']:>6.1f}x{m['floor']['mb']:>10,.0f}"
                  f"{m['save']['mb']:>9,.0f}{m['load']['seconds']:>8.1f}{m['load']['mb']:>9,.0f}"
                  f"{m['list']['seconds']:>8.2f}")
        print(f"load {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
