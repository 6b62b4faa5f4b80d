"""Export benchmark: the full board PDF and the full PowerPoint deck, cold and warm.

A full export is what one click (or one ``python -m framework report`` run) does: build the
anonymous report (aggregation, findings, figures), draw every chart as a PNG through kaleido, and
write the document. Each format is measured

* cold: in a fresh process, so the time includes starting Chromium (the first export after the
  app or the command line starts), but not importing Python packages (shown separately);
* warm: the same export again in that process with the browser kept alive (what every later
  click costs), median of ``--repeat`` runs; images are drawn again each time, not cached.

Usage: .venv/bin/python bench/bench_export.py [--file data/sample_district.csv] [--repeat 5]
Needs Debian's chromium (`make chromium`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def measure(fmt: str, path: Path, repeat: int) -> dict:
    """Run in a fresh process: cold export, then ``repeat`` warm exports of one format."""
    t0 = time.perf_counter()
    from framework.board import ReportMeta, build_board_report, render_chart_images
    from framework.definitions import get_framework
    from framework.images import Renderer
    from framework.importer import read_survey
    from framework.publication import publish
    from framework.report_pdf import build_pdf
    from framework.report_pptx import build_pptx
    from framework.targets import default_targets

    imports = time.perf_counter() - t0
    framework = get_framework()
    data = path.read_bytes()
    result = read_survey(data, path.name, framework)
    build = build_pdf if fmt == "pdf" else build_pptx
    renderer = Renderer()

    def export() -> tuple[dict, int]:
        steps = {}
        t = time.perf_counter()
        report = build_board_report(publish(result.ratings, framework, result.scale, default_targets(), 5),
                                    ReportMeta("Bench district", "Fall 2026", ""))
        steps["report"] = time.perf_counter() - t
        t = time.perf_counter()
        images = render_chart_images(report, renderer)  # starts the browser on the first call
        steps["images"] = time.perf_counter() - t
        t = time.perf_counter()
        blob = build(report, images)
        steps["document"] = time.perf_counter() - t
        steps["total"] = sum(steps.values())
        return steps, len(blob)

    try:
        cold, size = export()
        warm = [export()[0] for _ in range(repeat)]
    finally:
        renderer.stop()
    return {
        "format": fmt, "imports": imports, "cold": cold, "size": size, "charts": renderer.images // (repeat + 1),
        "warm": {k: statistics.median(w[k] for w in warm) for k in cold},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=ROOT / "data" / "sample_district.csv")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", choices=["pdf", "pptx"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.file, args.repeat)))
        return

    from framework.images import INSTALL_HINT, browser_path

    if browser_path() is None:
        sys.exit(INSTALL_HINT)
    print(f"Full board export of {args.file.name}: report + chart images + document "
          f"(warm = median of {args.repeat}; cold includes starting Chromium)\n")
    print(f"{'':22}{'cold (s)':>10}{'warm (s)':>10}   {'report':>7}{'images':>8}{'document':>10}  (warm steps)")
    for fmt in ("pdf", "pptx"):
        done = subprocess.run([sys.executable, __file__, "--child", fmt, "--file", str(args.file), "--repeat",
                               str(args.repeat)], capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        label = {"pdf": "PDF report", "pptx": "PowerPoint deck"}[fmt] + f" ({r['size'] // 1024} KB)"
        w = r["warm"]
        print(f"{label:22}{r['cold']['total']:>10.2f}{w['total']:>10.2f}   "
              f"{w['report']:>7.2f}{w['images']:>8.2f}{w['document']:>10.2f}")
        print(f"{'':22}cold steps: report {r['cold']['report']:.2f}, images {r['cold']['images']:.2f} "
              f"({r['charts']} charts, browser start included), document {r['cold']['document']:.2f}; "
              f"Python imports {r['imports']:.2f} s before that")


if __name__ == "__main__":
    main()
