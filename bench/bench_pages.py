"""Page benchmark: every page of the app on an upload of 100,000 respondents x 10 areas, as the server runs it.

For the anonymous and the named view it measures, through Streamlit's AppTest (the page script run in this
process, its elements serialised as for the browser):

- the first view after the upload (the upload's run, then the Overview's first run): goal 3 s;
- each page's first run and its warm rerun (the median of the reruns after it, the same page and the same
  data, as when someone changes a widget): goal 0.3 s;
- the largest chart JSON a page sends to the browser: goal 2 MB; and the most table rows it sends.

Usage: .venv/bin/python bench/bench_pages.py [--people 100000] [--repeat 3] [--pages overview,gaps,...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PAGES = ["overview", "gaps", "area", "coverage", "compare", "compare:compare_by=person", "board", "trends", "upload",
         "rounds", "settings"]


def _largest_chart(at) -> int:
    return max((len(el.proto.spec) for el in at.get("plotly_chart")), default=0)


def _table_rows(at) -> int:
    rows = [len(d.value) for d in at.dataframe] + [len(t.value) for t in at.table]
    return max(rows, default=0)


def measure(people: int, repeat: int, pages: list[str]) -> list[dict]:
    from bench_import import make_csv
    from streamlit.testing.v1 import AppTest

    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite'}"
    os.environ["DASHBOARD_TARGETS_PATH"] = str(folder / "targets.toml")
    os.environ["DASHBOARD_MAPPINGS_DIR"] = str(folder / "mappings")
    csv = folder / "survey.csv"
    make_csv(csv, people)
    data = csv.read_bytes()
    os.chdir(ROOT)
    import streamlit.config as config

    config.get_config_options(force_reparse=True)

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    at.run()
    at.switch_page("pages/upload.py").run()
    t0 = time.perf_counter()
    at.file_uploader(key="uploader").set_value((csv.name, data, "text/csv")).run()
    upload_s = time.perf_counter() - t0
    assert not at.exception, at.exception
    t0 = time.perf_counter()
    at.switch_page("pages/overview.py").run()
    first_view = upload_s + time.perf_counter() - t0
    assert at.session_state["source"] == "upload", "the upload was not taken"
    results = [{"page": "first view after the upload", "view": "anonymous", "first": first_view,
                "upload": upload_s}]
    for named in (False, True):
        at.session_state["named_view"] = named
        for entry in pages:
            page, _, setting = entry.partition(":")
            if setting and not named:
                continue  # the variants are the named view's (people)
            if setting:  # "compare:compare_by=person": a widget's value set before the page runs
                name, _, value = setting.partition("=")
                at.session_state[name] = value
            at.switch_page(f"pages/{page}.py")
            t0 = time.perf_counter()
            at.run()
            first = time.perf_counter() - t0
            assert not at.exception, (page, at.exception)
            warm = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                at.run()
                warm.append(time.perf_counter() - t0)
            results.append({"page": entry, "view": "named" if named else "anonymous", "first": first,
                            "warm": statistics.median(warm), "chart_bytes": _largest_chart(at),
                            "rows": _table_rows(at)})
            print(f"  {results[-1]['view']:9} {entry:9} first {first:6.2f} s  warm {results[-1]['warm']:6.3f} s  "
                  f"largest chart {results[-1]['chart_bytes'] / 1e6:5.2f} MB  rows sent {results[-1]['rows']:,}",
                  file=sys.stderr, flush=True)
    return results


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--people", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--pages", default=",".join(PAGES))
    args = p.parse_args()
    import logging

    logging.disable(logging.WARNING)  # AppTest's "no runtime" warnings
    results = measure(args.people, args.repeat, [s for s in args.pages.split(",") if s])
    first = results[0]
    print(f"\n{args.people:,} respondents x 10 areas, warm = median of {args.repeat} reruns")
    print(f"first view after the upload: {first['first']:.2f} s (upload run {first['upload']:.2f} s); goal 3 s, "
          f"ratio {first['first'] / 3:.2f}")
    print("| page | view | first run | warm rerun | goal | ratio | largest chart JSON | table rows sent |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results[1:]:
        print(f"| {r['page']} | {r['view']} | {r['first']:.2f} s | {r['warm']:.3f} s | 0.3 s | "
              f"{r['warm'] / 0.3:.2f} | {r['chart_bytes'] / 1e6:.2f} MB | {r['rows']:,} |")


if __name__ == "__main__":
    main()
