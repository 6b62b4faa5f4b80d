"""Command line: ``python -m framework summarize FILE [--scale auto|1-4|1-5] [--min-group-size N] [--json]``
and ``python -m framework publication FILE [FILE ...] [--min-group-size K] [--framework ID] [--json]``.

Unusable input, including a file from which not one respondent's rating could be read, exits with
status 2 and one plain sentence on stderr; nothing prints a traceback or a library's warning.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from pathlib import Path

from framework.aggregate import DEFAULT_MIN_GROUP_SIZE, headline
from framework.definitions import DEFAULT_FRAMEWORK_ID, DefinitionError, builtin_frameworks, get_framework
from framework.importer import SurveyFileError, read_survey, read_survey_file, require_usable
from framework.importer.limits import COMMAND_LINE, size_text
from framework.publication import RoundInput, publish, publish_rounds
from framework.report_cli import add_report_parser, min_group_size_arg, run_report
from framework.rounds_cli import add_rounds_parser, run_rounds
from framework.targets import current_targets

EXIT_UNUSABLE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one sentence, status 2, as for bad input
        print(f"error: {message} (see {self.prog} --help).", file=sys.stderr)
        raise SystemExit(EXIT_UNUSABLE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m framework", description="District technology maturity dashboard tools.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    s = sub.add_parser("summarize", help="summarise a survey export (CSV or XLSX)")
    s.add_argument("file", help="the survey export")
    s.add_argument("--scale", choices=["auto", "1-4", "1-5"], default="auto", help="rating scale (default: detect)")
    s.add_argument("--min-group-size", type=min_group_size_arg, default=DEFAULT_MIN_GROUP_SIZE,
                   help=f"hide results resting on fewer people (default {DEFAULT_MIN_GROUP_SIZE}, at least 3)")
    s.add_argument("--framework", choices=list(builtin_frameworks()), default=DEFAULT_FRAMEWORK_ID,
                   help="framework version (default: the current CoSN framework)")
    s.add_argument("--json", action="store_true", help="print one JSON object instead of a readable summary")
    m = sub.add_parser("make-sample", help="write the bundled sample district CSV")
    m.add_argument("--out", type=Path, default=None, help="where to write it (default: data/sample_district.csv)")
    p = sub.add_parser("publication", help="every anonymous figure of a survey (or of survey rounds), audited")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="a survey export; several files are successive survey rounds, oldest first")
    p.add_argument("--min-group-size", type=min_group_size_arg, default=DEFAULT_MIN_GROUP_SIZE,
                   help=f"hide results resting on fewer people (default {DEFAULT_MIN_GROUP_SIZE}, at least 3)")
    p.add_argument("--framework", choices=list(builtin_frameworks()), default=DEFAULT_FRAMEWORK_ID,
                   help="framework version (default: the current CoSN framework)")
    p.add_argument("--scale", choices=["auto", "1-4", "1-5"], default="auto", help="rating scale (default: detect)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a readable summary")
    add_report_parser(sub)
    add_rounds_parser(sub)
    from framework.serve import add_parser as add_serve_parser

    add_serve_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    warnings.simplefilter("ignore")  # a library's warning (with its file path) is never for the user
    args = build_parser().parse_args(argv)
    try:
        if args.command == "summarize":
            return summarize(args)
        if args.command == "make-sample":
            from framework.sample import SAMPLE_PATH, write_sample

            print(write_sample(args.out or SAMPLE_PATH))
            return 0
        if args.command == "report":
            return run_report(args)
        if args.command == "rounds":
            return run_rounds(args)
        if args.command == "publication":
            return publication(args)
        if args.command == "serve":
            from framework.serve import run as serve

            return serve(args)
    except (SurveyFileError, DefinitionError) as exc:
        print(_sentence(str(exc)), file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of ours: still no traceback for the user
        print(f"Something went wrong that the dashboard did not expect ({type(exc).__name__}: {exc}). "
              "Please report it with the file that caused it.", file=sys.stderr)
        return 1
    return 0


def _sentence(text: str) -> str:
    text = text.strip()
    if text and text.split()[0].isalpha():  # a leading word, not a file name ("h.csv is empty")
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _survey_path(path_text: str) -> Path:
    path = Path(path_text)
    if not path.exists():
        raise SurveyFileError(f"there is no file {path_text}")
    if path.is_dir():
        raise SurveyFileError(f"{path_text} is a folder, not a survey file")
    return path


def _read(path_text: str) -> tuple[bytes, str]:
    path = _survey_path(path_text)
    try:
        size = path.stat().st_size
        if size > COMMAND_LINE.max_bytes:  # before reading it: the limit is on the bytes
            raise SurveyFileError(f"{path.name} is {size_text(size)}; the dashboard reads files of at most "
                                  f"{size_text(COMMAND_LINE.max_bytes)}")
        return path.read_bytes(), path.name
    except OSError as exc:
        raise SurveyFileError(f"{path_text} cannot be read ({exc.strerror})") from None


def summarize(args) -> int:
    path = _survey_path(args.file)
    framework = get_framework(args.framework)
    targets = current_targets()  # the district's saved targets, as in the app and the report
    # (from the file: its bytes are let go once read, before the rest of the work)
    result = require_usable(read_survey_file(path, framework, scale=args.scale, targets=targets,
                                             limits=COMMAND_LINE))
    k = args.min_group_size
    # the anonymous figures, audited; a wide file's publication is read from its matrices (no tidy frame)
    pub = publish(result.wide if result.wide is not None else result.ratings, framework, result.scale, targets, k)
    areas = pub.areas()
    respondents = pub.respondents
    report = result.report
    if args.json:
        payload = {
            "respondents": respondents,
            "scale": {"min": result.scale.min, "max": result.scale.max},
            "suppressed": respondents < k,
            "areas": {
                row.area: {"n": None if row.suppressed else int(row.n),
                           "mean": None if row.suppressed or math.isnan(row.mean) else round(float(row.mean), 4)}
                for row in areas.itertuples()
            },
            "warnings": list(report.warnings),
            "rejected": report.rejected_records(),
        }
        json.dump(payload, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(render_text(result, areas, respondents, k))
    return 0


def publication(args) -> int:
    """The ``publication`` command: one file's publication, or several files as successive rounds."""
    from framework.publication.export import publication_json, series_json

    framework = get_framework(args.framework)
    targets = current_targets()
    results = []
    for path in args.files:
        data, name = _read(path)
        results.append((name, require_usable(read_survey(data, name, framework, scale=args.scale, targets=targets,
                                                         limits=COMMAND_LINE))))
    k = args.min_group_size
    if len(results) == 1:
        name, result = results[0]
        pub = publish(result.ratings, framework, result.scale, targets, k)
        doc = publication_json(pub)
        notes, title = pub.notes, f"{name}: {pub.respondents} respondents"
    else:
        scales = {r.scale.id for _, r in results}
        if len(scales) > 1:
            which = ", ".join(f"{n} on {r.scale.range_text}" for n, r in results)
            raise SurveyFileError(f"these rounds use different rating scales ({which}); give --scale to read them "
                                  "all on one scale")
        names = [n for n, _ in results]
        if len(set(names)) != len(names):
            raise SurveyFileError("two rounds have the same file name; rename one so that the rounds can be told apart")
        pub = publish_rounds([RoundInput(n, r.ratings) for n, r in results], framework, results[0][1].scale,
                             targets, k)
        doc = series_json(pub)
        notes, title = pub.notes, f"{len(names)} rounds, {pub.people} people"
    if args.json:
        json.dump(doc, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    shown = sum(1 for f in doc["figures"] if "n" in f or ("mean" in f and "area" not in f))
    print(f"{title}; minimum group size {k}; {shown} of {len(doc['figures'])} figures shown.")
    for note in notes:
        print(f"- {note}")
    return 0


def render_text(result, areas, respondents: int, k: int) -> str:
    rep, sc, fw = result.report, result.scale, result.framework
    lines = [
        f"{rep.filename}: {rep.source_format}, {rep.file_kind}, {rep.layout} layout",
        f"Framework: {fw.title}",
        f"Scale: {sc.name}, {sc.range_text} ({rep.scale_reason})",
        f"Rows: {rep.rows_read} read = {rep.rows_used} used + {rep.rows_rejected} rejected"
        + (f" ({rep.blank_rows} empty rows skipped)" if rep.blank_rows else ""),
        f"Respondents: {respondents}. Anonymous results: groups under {k} people are hidden.",
        "",
    ]
    if respondents < k:
        lines.append(f"Fewer than {k} people responded, so no figures are shown (anonymous results).")
    else:
        width = max(len(a) for a in areas["area"]) + 2
        lines.append(f"{'Skill area':<{width}}{'n':>4}{'mean':>7}{'target':>8}{'gap':>7}  at or above target")
        for cat, part in areas.groupby("category", sort=False):
            lines.append(cat)
            for row in part.itertuples():
                if row.suppressed:
                    lines.append(f"  {row.area:<{width - 2}}{'–':>4}   hidden (fewer than {k} people, alone or "
                                 "with the other figures)")
                    continue
                n = int(row.n)
                if n == 0:
                    lines.append(f"  {row.area:<{width - 2}}{0:>4}   no ratings")
                    continue
                flag = "  <- one person only" if row.spof else "  <- nobody" if row.nobody_at_target else ""
                lines.append(
                    f"  {row.area:<{width - 2}}{n:>4}{row.mean:>7.2f}{row.target:>8.0f}{row.gap:>7.2f}"
                    f"  {int(row.at_target_n)} of {n} ({row.at_target_share:.0%}){flag}"
                )
        h = headline(areas, respondents)
        mean = ("not reported while an area is hidden" if h["team_mean"] != h["team_mean"]
                else f"{h['team_mean']:.2f} (average of the area means)")
        lines += ["", f"Team mean {mean}; "
                  f"{h['areas_below_target']} of {h['areas_rated']} areas below target; "
                  f"{h['spof_areas']} area(s) rest on one person; {h['nobody_areas']} have nobody at target."]
    if rep.warnings:
        lines += ["", "Warnings:"] + [f"  - {w}" for w in rep.warnings]
    if len(rep.rejected):
        lines += ["", f"Rejected ({len(rep.rejected)}):"]
        lines += [f"  row {r['row']}, {r['column']}: {r['value']!r}: {r['reason']}" for r in rep.rejected_records()[:50]]
        if len(rep.rejected) > 50:
            lines.append(f"  … and {len(rep.rejected) - 50} more (use --json for all)")
    return "\n".join(lines)
