"""Import benchmark: wide CSVs of 1,000, 10,000 and 100,000 respondents x 10 skill areas.

For each size it prints the seconds and peak memory of (a) a bare ``pandas.read_csv`` of the file and
(b) the dashboard's import and aggregation (``read_survey`` + ``area_summary``), and the ratio of the
two. Each measurement runs in a fresh process, so peak memory (max RSS above the process's baseline
after imports) is not polluted by the previous one. Aim: 100,000 respondents within 3x the bare read.

Usage: .venv/bin/python bench/bench_import.py [--sizes 1000,10000,100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LABELS = ["1 - Beginning", "2 - Developing", "3 - Proficient", "4 - Advanced", "N/A - Not part of my role"]
ROLES = ["Network Administrator", "Help Desk Technician", "Instructional Technology Coach", "Systems Engineer",
         "Data / SIS Manager", "Information Security Officer", "Director of Technology"]
GROUPS = ["District Office", "Technology Services", "Secondary Schools", "Elementary Schools"]


def make_csv(path: Path, n: int, seed: int = 7) -> None:
    from framework.definitions import get_framework

    rng = random.Random(seed)
    areas = get_framework().areas
    header = ["Timestamp", "Email Address", "Full name", "Job role", "School or department"]
    header += [f"How would you rate your current proficiency in each skill area? [{a.name}]" for a in areas]
    weights = [2, 4, 4, 2, 1]
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(f'"{h}"' for h in header) + "\r\n")
        for i in range(n):
            cells = [f"10/{1 + i % 28}/2026 08:{i % 60:02d}:00", f"person{i}@example.org", f"Person {i}",
                     rng.choice(ROLES), rng.choice(GROUPS)]
            cells += rng.choices(LABELS, weights=weights, k=len(areas))
            f.write(",".join(cells) + "\r\n")


def _child(mode: str, path: str) -> None:
    import pandas as pd

    from framework.aggregate import area_summary
    from framework.definitions import get_framework
    from framework.importer import read_survey
    from framework.targets import default_targets

    fw, targets = get_framework(), default_targets()
    data = Path(path).read_bytes()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    if mode == "bare":
        frame = pd.read_csv(path)
        rows = len(frame)
    else:
        res = read_survey(data, Path(path).name, fw, targets=targets)
        area_summary(res.ratings, fw, res.scale, targets)
        rows = res.report.rows_used
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "rows": rows}))


def measure(mode: str, path: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True,
                             check=True, cwd=ROOT)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["seconds"])
    return {"seconds": best["seconds"], "peak_mb": max(r["peak_mb"] for r in runs), "rows": best["rows"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"))
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    print(f"{'respondents':>11} {'file MB':>8} {'read_csv s':>11} {'import+agg s':>13} {'ratio':>6} "
          f"{'read_csv MB':>12} {'import MB':>10} {'mem ratio':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"wide_{n}.csv"
            make_csv(path, n)
            bare = measure("bare", path, args.repeat)
            full = measure("full", path, args.repeat)
            assert full["rows"] == n, f"imported {full['rows']} of {n} rows"
            print(f"{n:>11,} {path.stat().st_size / 1e6:>8.1f} {bare['seconds']:>11.3f} {full['seconds']:>13.3f} "
                  f"{full['seconds'] / bare['seconds']:>5.1f}x {bare['peak_mb']:>12.1f} {full['peak_mb']:>10.1f} "
                  f"{full['peak_mb'] / max(bare['peak_mb'], 0.1):>8.1f}x")
    print(f"(best of {args.repeat} runs for time, worst for memory; peak = max RSS above the post-import baseline)")


if __name__ == "__main__":
    main()
