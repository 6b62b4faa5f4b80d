"""``python -m framework rounds list|save|delete``: survey rounds in the same database as the app.

    python -m framework rounds list [--json]
    python -m framework rounds save FILE --label "Fall 2026" [--date 2026-10-15] [--scale auto|1-4|1-5]
    python -m framework rounds delete ID [--yes]

The database is ``--database URL``, else $DATABASE_URL, else DATABASE_URL in .streamlit/secrets.toml,
else data/dashboard.sqlite. Saving a file that is stored already (same bytes, framework and scale)
saves nothing and exits 0, so a script may run it again safely. Problems exit 2 with one sentence.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from framework.definitions import DEFAULT_FRAMEWORK_ID, builtin_frameworks

EXIT_UNUSABLE = 2


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written as YYYY-MM-DD") from None


def _round_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a round ID (a whole number)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a round ID (a whole number)")
    return value


def add_rounds_parser(sub) -> None:
    """Add ``rounds`` to the command line's subcommands (``sub`` is its subparsers action)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database", metavar="URL", default=None,
                        help="database URL (default: $DATABASE_URL, DATABASE_URL in .streamlit/secrets.toml, "
                             "else data/dashboard.sqlite)")
    r = sub.add_parser("rounds", help="survey rounds kept in the database: list, save, delete")
    rs = r.add_subparsers(dest="rounds_command", required=True, parser_class=type(r))
    ls = rs.add_parser("list", parents=[common], help="list the stored rounds, oldest survey first")
    ls.add_argument("--json", action="store_true", help="print one JSON array")
    s = rs.add_parser("save", parents=[common], help="read a survey export and store it as a round")
    s.add_argument("file", help="the survey export (CSV or XLSX)")
    s.add_argument("--label", required=True, help='the round\'s name, e.g. "Fall 2026" (unique)')
    s.add_argument("--date", type=_date, default=None, help="the survey date, YYYY-MM-DD (default: today)")
    s.add_argument("--scale", choices=["auto", "1-4", "1-5"], default="auto", help="rating scale (default: detect)")
    s.add_argument("--framework", choices=list(builtin_frameworks()), default=DEFAULT_FRAMEWORK_ID,
                   help="framework version (default: the current CoSN framework)")
    s.add_argument("--json", action="store_true", help="print the round as one JSON object")
    d = rs.add_parser("delete", parents=[common], help="delete a round and every rating it had")
    d.add_argument("id", type=_round_id, help="the round's ID (see `rounds list`)")
    d.add_argument("--yes", action="store_true", help="do not ask (asked only when run in a terminal)")


def _round_json(r) -> dict:
    return {
        "id": r.id, "label": r.label, "date": r.survey_date.isoformat(), "framework_id": r.framework_id,
        "framework_version": r.framework_version, "scale": {"id": r.scale_id, "min": r.scale_min, "max": r.scale_max},
        "source_name": r.source_name, "source_sha256": r.source_sha256, "respondents": r.respondents,
        "ratings": r.ratings, "saved_at": r.saved_at.isoformat(),
    }


def run_rounds(args) -> int:
    from framework.store import Store, StoreError

    try:
        with Store(args.database) as store:
            if args.rounds_command == "list":
                return _list(store, args)
            if args.rounds_command == "save":
                return _save(store, args)
            return _delete(store, args)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNUSABLE


def _list(store, args) -> int:
    rounds = store.list_rounds()
    if args.json:
        json.dump([_round_json(r) for r in rounds], sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if not rounds:
        print(f"No rounds are stored in the {store.description}.")
        return 0
    head = ["ID", "Date", "Round", "Respondents", "Ratings", "Scale", "Framework", "Source"]
    rows = [[str(r.id), r.survey_date.isoformat(), r.label, str(r.respondents), str(r.ratings),
             f"{r.scale_min}-{r.scale_max}", r.framework_id, r.source_name] for r in rounds]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    right = {0, 3, 4}
    for row in [head, *rows]:
        print("  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip())
    print(f"{len(rounds)} {'round' if len(rounds) == 1 else 'rounds'} in the {store.description}.")
    return 0


def _save(store, args) -> int:
    from framework.cli import _read
    from framework.combine import combine
    from framework.definitions import get_framework
    from framework.importer import read_survey, require_usable
    from framework.importer.limits import COMMAND_LINE
    from framework.store import file_digest
    from framework.targets import default_targets

    data, name = _read(args.file)
    result = require_usable(read_survey(data, name, get_framework(args.framework), scale=args.scale,
                                        targets=default_targets(), limits=COMMAND_LINE))
    saved = store.save_round(combine([result]), args.label, args.date or date.today(), [file_digest(data)])
    if args.json:
        json.dump(_round_json(saved.round) | {"created": saved.created}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    rep = result.report
    print(saved.message)
    if saved.created:
        print(f"{rep.filename}: {rep.rows_read} rows read = {rep.rows_used} used + {rep.rows_rejected} rejected; "
              f"scale {result.scale.range_text} ({rep.scale_reason}); {len(rep.warnings)} warning(s)"
              + ("" if args.date else "; dated today (use --date for the survey's date)") + ".")
    return 0


def _delete(store, args) -> int:
    rnd = store.get_round(args.id)
    if not args.yes and sys.stdin.isatty():
        answer = input(f"Delete round {rnd.id} {rnd.label!r} ({rnd.survey_date.isoformat()}) and its {rnd.ratings} "
                       "ratings? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was deleted.")
            return 1
    removed = store.delete_round(rnd.id)
    print(f"Deleted round {rnd.id} {rnd.label!r} ({rnd.survey_date.isoformat()}) and its {removed} ratings.")
    return 0
