"""Where `summarize FILE --json` spends its time: wall-clock seconds of each step, in one fresh process.

Each named function is wrapped with a timer for this run only (nothing in framework/ is changed); a
step's time includes the steps nested in it, which are indented below it. Peak memory is the
process's maximum resident set size.

    .venv/bin/python bench/profile_import.py FILE [--cprofile 30]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import io
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# (module, function) in the order they run; nesting is found from the call stack
STEPS = [
    ("framework.importer.core", "read_survey"),
    ("framework.importer.table", "read_table"),
    ("framework.importer.table", "_encoding"),
    ("framework.importer.shape", "check_csv"),
    ("pandas", "read_csv"),
    ("framework.importer.table", "_tidy_cells"),
    ("framework.importer.core", "pick_format"),
    ("framework.importer.core", "blank_rows"),
    ("framework.importer.core", "map_columns"),
    ("framework.importer.core", "_identity"),
    ("framework.importer.core", "detect_scale_counts"),
    ("framework.importer.core", "_wide"),
    ("framework.scales", "Scale.parse_block"),
    ("framework.importer.core", "_dedupe_people"),
    ("framework.importer.core", "_repeat_people"),
    ("framework.importer.core", "_tidy_frame"),
    ("framework.importer.core", "_columns_without_ratings"),
    ("framework.publication.model", "publish"),
    ("framework.publication.build", "grid_of"),
    ("framework.publication.build", "settle"),
    ("framework.publication.model", "_figures"),
]

_depth = 0
_rows: list[tuple[int, str, float]] = []


def _timed(label: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        global _depth
        at = len(_rows)
        _rows.append((_depth, label, 0.0))
        _depth += 1
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _depth -= 1
            _rows[at] = (_rows[at][0], label, time.perf_counter() - t)
    return wrapper


def _install() -> None:
    """Wrap each step wherever it is reachable: its module, and every module that imported it by name."""
    import framework.cli  # noqa: F401  (loads everything summarize uses)

    for module_name, name in STEPS:
        module = importlib.import_module(module_name)
        if "." in name:  # a method
            cls, attr = name.split(".")
            owner = getattr(module, cls)
            if hasattr(owner, attr):
                setattr(owner, attr, _timed(name, getattr(owner, attr)))
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
    print(f"{'importing the modules':<40}{imported:>8.3f} s")
    print(f"{'summarize (everything below)':<40}{total:>8.3f} s")
    for depth, label, seconds in _rows:
        print(f"{'  ' * (depth + 1) + label:<40}{seconds:>8.3f} s")
    print(f"peak memory {peak:,.0f} MB")
    if profiler:
        import pstats

        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
