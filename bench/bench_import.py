"""Import benchmark: `python -m framework summarize FILE --json`, whole process, beside a bare
`pandas.read_csv` of the same file in its own process, for wide CSVs of 100,000 and 1,000,000
respondents x 10 skill areas (25 MB and 255 MB, as Google Forms writes them).

Every measurement is a fresh process, timed from its start to its exit (Python starting and importing
its modules included) with its peak resident memory; the figures are the median of --repeat runs
(memory: the largest), the floor and the measured commands taking turns. Beside the command, `read_survey_file` alone in a process of its own (the file read
and imported, no publication): the importer's share. Goals (issue 13): summarize within 3x the bare
read at 1,000,000 and 2x at 100,000, peak memory within 4x the file's size.

Usage: .venv/bin/python bench/bench_import.py [--sizes 100000,1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
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
BARE = "import sys, pandas; pandas.read_csv(sys.argv[1])"
IMPORT_ONLY = ("import sys; from pathlib import Path; from framework.definitions import get_framework; "
               "from framework.importer import read_survey_file; from framework.importer.limits import COMMAND_LINE; "
               "p = Path(sys.argv[1]); r = read_survey_file(p, get_framework(), limits=COMMAND_LINE); "
               "assert r.report.rows_used > 0")


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


class _Popen(subprocess.Popen):
    """Popen that keeps the child's own peak memory (wait4's rusage), not the largest of all children."""

    _peak_kb = 0

    def _try_wait(self, wait_flags):
        pid, status, usage = os.wait4(self.pid, wait_flags)
        if pid == self.pid:
            self._peak_kb = usage.ru_maxrss
        return pid, status


def run(args: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds and peak resident MB of one process, from its start to its exit; its stdout."""
    t = time.perf_counter()
    proc = _Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    seconds = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(f"{' '.join(args[:4])} failed: {err.decode()[-2000:]}")
    return seconds, proc._peak_kb / 1024, out.decode()


def measure(commands: list[list[str]], repeat: int, env: dict) -> list[dict]:
    """Each command ``repeat`` times, taking turns (the floor, then each measured command, then the floor
    again...), so that a slow spell of a shared machine falls on all of them alike."""
    runs: list[list] = [[] for _ in commands]
    for _ in range(repeat):
        for i, args in enumerate(commands):
            runs[i].append(run(args, env))
    return [{"seconds": statistics.median(r[0] for r in rs), "mb": max(r[1] for r in rs), "out": rs[0][2]}
            for rs in runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DASHBOARD_TARGETS_PATH=str(Path(tmp) / "no-targets.toml"), PYTHONPATH=str(ROOT))
        print(f"median of {args.repeat} fresh processes each (memory: the largest peak); "
              f"load average {os.getloadavg()[0]:.2f} at start")
        print(f"{'respondents':>11} {'file MB':>8} | {'read_csv s':>10} {'MB':>6} | {'summarize s':>11} {'MB':>6} "
              f"{'x time':>7} {'x file':>7} | {'read_survey s':>13} {'MB':>6} {'x time':>7}")
        for n in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"wide_{n}.csv"
            make_csv(path, n)
            size = path.stat().st_size / 1e6
            bare, full, alone = measure([[py, "-c", BARE, str(path)],
                                         [py, "-m", "framework", "summarize", str(path), "--json"],
                                         [py, "-c", IMPORT_ONLY, str(path)]], args.repeat, env)
            assert f'"respondents": {n},' in full["out"], full["out"][:200]
            print(f"{n:>11,} {size:>8.1f} | {bare['seconds']:>10.2f} {bare['mb']:>6.0f} | {full['seconds']:>11.2f} "
                  f"{full['mb']:>6.0f} {full['seconds'] / bare['seconds']:>6.1f}x {full['mb'] / size:>6.1f}x | "
                  f"{alone['seconds']:>13.2f} {alone['mb']:>6.0f} {alone['seconds'] / bare['seconds']:>6.1f}x",
                  flush=True)
            path.unlink()
        print(f"load average {os.getloadavg()[0]:.2f} at the end ('x time': against read_csv; 'x file': peak "
              "memory against the file's size)")


if __name__ == "__main__":
    main()
