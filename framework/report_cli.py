"""``python -m framework report FILE --out board.pdf|board.pptx [--district NAME] [--round LABEL]``.

Writes the board report (PDF) or deck (PowerPoint), the format taken from each ``--out`` file's
extension; ``--out`` can be given twice to write both from one read and one browser. The files are
always anonymous and apply the minimum group size.

Exit status: 0 written; 2 unusable input (a file with no respondent's rating too) or options (one sentence on stderr, no traceback); 3 no
browser to draw the charts (the sentence says what to install, or to pass ``--no-charts``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from pathlib import Path

from framework.aggregate import DEFAULT_MIN_GROUP_SIZE, FLOOR_MIN_GROUP_SIZE
from framework.definitions import DEFAULT_FRAMEWORK_ID, builtin_frameworks

EXIT_UNUSABLE, EXIT_NO_BROWSER = 2, 3
FORMATS = {".pdf": "PDF report", ".pptx": "PowerPoint deck"}


class ReportOptionError(ValueError):
    """An option the report cannot use; the message is one sentence."""


def min_group_size_arg(text: str) -> int:
    """argparse type for --min-group-size (used by summarize and report)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < FLOOR_MIN_GROUP_SIZE:
        raise argparse.ArgumentTypeError(f"the minimum group size is at least {FLOOR_MIN_GROUP_SIZE}")
    return value


def add_report_parser(sub) -> argparse.ArgumentParser:
    r = sub.add_parser("report", help="write the anonymous board report (PDF) or deck (PPTX)",
                       description="Write the anonymous board report: a PDF for the board packet or a 16:9 "
                                   "PowerPoint deck, the format taken from the --out file's extension.")
    r.add_argument("file", help="the survey export (CSV or XLSX)")
    r.add_argument("--out", action="append", required=True, type=Path, metavar="FILE",
                   help="board.pdf or board.pptx; give it twice to write both")
    r.add_argument("--district", default=None, help="district name for the title (default: from the staff email domain)")
    r.add_argument("--round", default=None, help="survey round, e.g. 'Fall 2026' (default: the school year of the responses)")
    r.add_argument("--date", default=None, help="survey date as text (default: the responses' first and last date)")
    r.add_argument("--scale", choices=["auto", "1-4", "1-5"], default="auto", help="rating scale (default: detect)")
    r.add_argument("--min-group-size", type=min_group_size_arg, default=DEFAULT_MIN_GROUP_SIZE,
                   help=f"hide results resting on fewer people (default {DEFAULT_MIN_GROUP_SIZE}, at least 3)")
    r.add_argument("--framework", choices=list(builtin_frameworks()), default=DEFAULT_FRAMEWORK_ID,
                   help="framework version (default: the current CoSN framework)")
    r.add_argument("--logo", type=Path, default=None, help="district logo (PNG or JPEG) for the deck and the title page")
    r.add_argument("--accent", default=None, help="accent colour as hex, e.g. '#0072B2' (default: Okabe–Ito blue)")
    r.add_argument("--no-charts", action="store_true", help="leave the chart images out (no browser needed)")
    return r


def _check_outputs(paths: list[Path]) -> list[Path]:
    for path in paths:
        if path.suffix.lower() not in FORMATS:
            raise ReportOptionError(f"{path} must end in .pdf or .pptx (the format is taken from the extension)")
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.is_dir():
            raise ReportOptionError(f"the folder {parent} for {path.name} does not exist")
        if path.is_dir():
            raise ReportOptionError(f"{path} is a folder, not a file name")
    if len({p.resolve() for p in paths}) != len(paths):
        raise ReportOptionError("the same --out file is given twice")
    return paths


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, so a failed run leaves no half-written report."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as a plain open() would have made it, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_report(args) -> int:
    from framework.board import ReportMeta, build_board_report, default_meta, parse_colour, render_chart_images
    from framework.cli import _read, _sentence
    from framework.definitions import get_framework
    from framework.images import MAX_LOGO_BYTES, BrowserStart, ImageExportUnavailable, clean_logo, take_early
    from framework.importer import read_survey, require_usable
    from framework.importer.limits import COMMAND_LINE
    from framework.publication import publish
    from framework.targets import current_targets

    try:
        outputs = _check_outputs(list(args.out))
        if args.accent is not None:
            parse_colour(args.accent)
        logo = None
        if args.logo is not None:
            if not args.logo.is_file():
                raise ReportOptionError(f"there is no logo file {args.logo}")
            with args.logo.open("rb") as f:  # at most one byte past the limit: a huge file is refused unread
                logo = clean_logo(f.read(MAX_LOGO_BYTES + 1))
    except (ReportOptionError, ValueError) as exc:
        print(_sentence(str(exc)), file=sys.stderr)  # (a browser started early is stopped by __main__)
        return EXIT_UNUSABLE
    except OSError as exc:
        print(_sentence(f"the logo file {args.logo} cannot be read ({exc.strerror or exc})"), file=sys.stderr)
        return EXIT_UNUSABLE

    # The browser that draws the charts takes seconds to start: start it now (unless it was started as the
    # process began), in the background, while the survey is read and the report is built (two cores: the
    # two overlap), and stop it whatever happens: on a thread of its own once the images are drawn, while
    # the documents are built.
    renderer, started, stopping = None, {}, None
    browser = take_early()  # (started by ``python -m framework report`` as the process began)
    if browser is not None and args.no_charts:  # (an abbreviated --no-charts reaches here)
        browser.thread.join()
        browser.renderer.stop()
    elif not args.no_charts:
        # one image request at a time here: a second tab costs more to start than it saves
        browser = browser or BrowserStart(tabs=1).begin()
        renderer, starter, started = browser.renderer, browser.thread, browser.started
    try:
        data, name = _read(args.file)  # SurveyFileError: handled by the caller (status 2, one sentence)
        framework = get_framework(args.framework)
        targets = current_targets()  # the district's saved targets, as the app uses them
        result = require_usable(read_survey(data, name, framework, scale=args.scale, targets=targets,
                                            limits=COMMAND_LINE))
        found = default_meta([result], [(data, name)])
        meta = ReportMeta(
            district=args.district if args.district is not None else found.district,
            round=args.round if args.round is not None else found.round,
            date=args.date if args.date is not None else found.date,
        )
        publication = publish(result.ratings, framework, result.scale, targets, args.min_group_size)
        report = build_board_report(publication, meta, rows_read=result.report.rows_read,
                                    rows_used=result.report.rows_used)

        images: dict[str, bytes] = {}
        if renderer is not None and report.charts:
            starter.join()
            try:
                if "error" in started:
                    raise started["error"]
                images = render_chart_images(report, renderer)
            except ImageExportUnavailable as exc:
                print(f"{exc} Or pass --no-charts to write the report without chart images.", file=sys.stderr)
                return EXIT_NO_BROWSER
    finally:
        if renderer is not None:
            starter.join()
            stopping = threading.Thread(target=renderer.stop, name="chart-browser-stop")
            stopping.start()
    try:
        return _write_documents(args, outputs, report, images, logo)
    finally:
        if stopping is not None:
            stopping.join()


def _write_documents(args, outputs, report, images, logo) -> int:
    from framework.cli import _sentence

    for path in outputs:  # each document's library is imported only when that format is asked for
        if path.suffix.lower() == ".pdf":
            from framework.report_pdf import build_pdf

            blob = build_pdf(report, images, logo=logo, accent=args.accent)
        else:
            from framework.report_pptx import build_pptx

            blob = build_pptx(report, images, logo=logo, accent=args.accent)
        try:
            _write(path, blob)
        except OSError as exc:
            print(_sentence(f"{path} cannot be written ({exc.strerror})"), file=sys.stderr)
            return EXIT_UNUSABLE
        print(f"{path}: {FORMATS[path.suffix.lower()]}, {len(blob) // 1024} KB, {report.respondents} respondents, "
              f"anonymous (minimum group size {report.min_group_size})"
              + ("" if images or not report.charts else ", without chart images"))
    return 0
