"""Saving, trending, loading and deleting rounds of 300, 10,000 and 100,000 people x 10 areas.

    .venv/bin/python bench/bench_store.py                      # a temporary SQLite file
    .venv/bin/python bench/bench_store.py --database URL       # e.g. a scratch PostgreSQL database (emptied!)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from framework.definitions import get_framework
from framework.store import Store, file_digest
from framework.trends import trend_summary
from tests.store_support import read, team


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=None, help="store URL (default: a temporary SQLite file); it is emptied")
    parser.add_argument("--sizes", default="300,10000,100000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/bench.sqlite"
        with Store(url) as store:
            print(f"{store.description}\n{'people':>8} {'rows':>9} {'save':>7} {'trend':>7} {'load':>7} {'delete':>7}")
            for n in (int(x) for x in args.sizes.split(",")):
                store.delete_all()
                data = team(n, 3, skip=7)
                combined = read(data, "bench.csv")
                times = []
                t = time.perf_counter()
                saved = store.save_round(combined, "Bench", date(2026, 1, 1), [file_digest(data)]).round
                times.append(time.perf_counter() - t)
                t = time.perf_counter()
                trend_summary(store, get_framework())
                times.append(time.perf_counter() - t)
                t = time.perf_counter()
                store.load_ratings(saved.id)
                times.append(time.perf_counter() - t)
                t = time.perf_counter()
                store.delete_round(saved.id)
                times.append(time.perf_counter() - t)
                print(f"{n:>8,} {saved.ratings:>9,} " + " ".join(f"{s:>6.2f}s" for s in times))


if __name__ == "__main__":
    main()
