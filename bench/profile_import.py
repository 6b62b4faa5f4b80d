"""Where `summarize FILE --json` spends its time: wall-clock seconds of each step, in one fresh process.

Each named function is wrapped with a timer for this run only (nothing in framework/ is changed); a
step's time includes the steps nested in it, which are indented below it. Beside each step, the
process's peak resident memory so far, and its resident memory, at the step's end.

    .venv/bin/python bench/profile_import.py FILE [--cprofile 30]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import io
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# (module, function) in the order they run; nesting is found from the call stack
STEPS = [
    ("framework.importer.core", "read_survey_file"),
    ("framework.importer.core", "read_survey"),
    ("framework.importer.table", "read_table"),
    ("framework.importer.table", "_encoding"),
    ("framework.importer.shape", "check_csv"),
    ("pandas", "read_csv"),
    ("framework.importer.table", "_tidy_cells"),
    ("framework.importer.core", "pick_format"),
    ("framework.importer.sources.google_forms", "GoogleForms.prepare"),
    ("framework.importer.core", "blank_rows"),
    ("framework.importer.core", "map_columns"),
    ("framework.importer.core", "_identity"),
    ("framework.scales", "Answers.of"),
    ("framework.importer.core", "detect_scale_counts"),
    ("framework.importer.core", "_wide"),
    ("framework.scales", "Scale.parse_block"),
    ("framework.importer.core", "_dedupe_people"),
    ("framework.importer.core", "_repeat_people"),
    ("framework.importer.core", "WideRatings.tidy"),
    ("framework.importer.core", "_columns_without_ratings"),
    ("framework.publication.model", "publish"),
    ("framework.publication.build", "grid_of"),
    ("framework.publication.build", "settle"),
    ("framework.publication.model", "_figures"),
]

_depth = 0
_rows: list[tuple[int, str, float, float, float]] = []  # depth, step, seconds, peak so far and resident MB at its end


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _resident_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _timed(label: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        global _depth
        at = len(_rows)
        _rows.append((_depth, label, 0.0, 0.0, 0.0))
        _depth += 1
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _depth -= 1
            _rows[at] = (_rows[at][0], label, time.perf_counter() - t, _peak_mb(), _resident_mb())
    return wrapper


def _install() -> None:
    """Wrap each step wherever it is reachable: its module, and every module that imported it by name."""
    import framework.cli  # noqa: F401  (loads everything summarize uses)

    for module_name, name in STEPS:
        module = importlib.import_module(module_name)
        if "." in name:  # a method (a classmethod stays one)
            cls, attr = name.split(".")
            owner = getattr(module, cls, None)
            raw = owner.__dict__.get(attr) if owner is not None else None
            if isinstance(raw, classmethod):
                setattr(owner, attr, classmethod(_timed(name, raw.__func__)))
            elif raw is not None:
                setattr(owner, attr, _timed(name, raw))
            continue
        fn = getattr(module, name, None)
        if fn is None:  # not (or no longer) there: nothing to time
            continue
        wrapped = _timed(name, fn)
        for other in list(sys.modules.values()):
            if (getattr(other, "__name__", "").startswith(("framework", "pandas")) or other is module) \
                    and getattr(other, name, None) is fn:
                setattr(other, name, wrapped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file")
    parser.add_argument("--cprofile", type=int, default=0, help="also print the N costliest functions (cProfile)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    from framework.cli import main as cli

    imported = time.perf_counter() - t0
    _install()
    out = io.StringIO()
    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = cli(["summarize", args.file, "--json"])
    total = time.perf_counter() - t
    if profiler:
        profiler.disable()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.file}: exit {code}, {len(out.getvalue()):,} characters of JSON")
    print(f"{'step':<40}{'seconds':>8}  {'peak MB so far':>14}  {'resident MB at its end':>22}")
    print(f"{'importing the modules':<40}{imported:>8.3f}")
    print(f"{'summarize (everything below)':<40}{total:>8.3f}  {peak:>14,.0f}")
    for depth, label, seconds, mb, now in _rows:
        print(f"{'  ' * (depth + 1) + label:<40}{seconds:>8.3f}  {mb:>14,.0f}  {now:>22,.0f}")
    print(f"peak memory {peak:,.0f} MB")
    if profiler:
        import pstats

        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
