"""Page benchmark: every page of the app on an upload of 100,000 respondents x 10 areas, as the server runs it,
and the pages of a survey round run in the dashboard with 100,000 people invited.

For the anonymous and the named view it measures, through Streamlit's AppTest (the page script run in this
process, its elements serialised as for the browser):

- the first view after the upload (the upload's run, then the Overview's first run): goal 3 s;
- each page's first run and its warm rerun (the median of the reruns after it, the same page and the same
  data, as when someone changes a widget): goal 0.3 s;
- the largest chart JSON a page sends to the browser: goal 2 MB; and the most table rows it sends.

The survey-round pages run signed in (AppTest cannot sign in: ui.auth.identity is replaced, as the tests do),
each as the person who sees it, on a store seeded with three rounds of the same 100,000 people: "Spring 2026",
an export saved as a round; and two rounds run in the dashboard (each person rated by themself and, but for one
in ten, by a supervisor who is one of them): "Fall 2026", closed and saved (with everyone's chosen focus areas),
and "Spring 2027", open, everyone's answers submitted. The admin runs Run a survey round, Team growth, Access,
and every team page on the open round's live answers ("page@live") and on the latest saved round
("page@round"); one person is measured on Self-assessment and My results, their supervisor on Rate my team.
The rounds' life cycle, the measured person's answers and their supervisor's go through framework.campaigns as
the pages call it; everyone else's answers and focus areas are written in bulk as the same rows (3.8 million
answers, one call each, would take about two hours: --api-seed does that), and the bench checks that a person
written in bulk reads back through framework.campaigns like one who answered through it.

Usage: .venv/bin/python bench/bench_pages.py [--people 100000] [--repeat 3] [--pages overview,gaps,...]
           [--campaign-pages run_round,supervise,...] [--api-seed]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PAGES = ["overview", "gaps", "area", "coverage", "compare", "compare:compare_by=person", "board", "trends", "upload",
         "rounds", "settings"]
# the survey-round pages, and the team pages on an open round's live answers; who sees each
TEAM = ["overview", "gaps", "area", "coverage", "compare", "board", "trends"]
CAMPAIGN_PAGES = ["run_round", "team_growth", "access", "assessment", "my_results", "supervise",
                  *(f"{p}@live" for p in TEAM), *(f"{p}@round" for p in TEAM)]
ADMIN, ADMIN_NAME = "cto@district.org", "Pat Lee"
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "a long random bench secret",
        "client_id": "dashboard", "client_secret": "x",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
SECRETS = {"auth": AUTH, "dashboard": {"admins": [ADMIN], "access_contact": "the CTO, Pat Lee"}}
# what each page shows when it works (a page that stopped early, say for the wrong person, would be quick)
SHOWS = {"run_round": ("Run a survey round", "metric"), "team_growth": ("Team growth", "dataframe"),
         "access": ("Access and audit log", "dataframe"), "assessment": ("Self-assessment", "radio"),
         "my_results": ("My results", "table"), "supervise": ("Rate my team", "radio")}
MEASURED = 12_345  # the person measured on Self-assessment and My results; their supervisor on Rate my team


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


# ---- survey rounds run in the dashboard -------------------------------------------------------------------------
def _email(i: int) -> str:
    return f"person{i}@example.org"


def _invitees(people: int, seed: int = 11):
    """Everyone, with a role and school as make_csv gives them; one in ten (person 0, 10, 20, ...) supervises the
    nine after them."""
    import random

    import pandas as pd
    from bench_import import GROUPS, ROLES

    rng = random.Random(seed)
    return pd.DataFrame({"email": [_email(i) for i in range(people)], "name": [f"Person {i}" for i in range(people)],
                         "role": [rng.choice(ROLES) for _ in range(people)],
                         "school": [rng.choice(GROUPS) for _ in range(people)],
                         "supervisor": ["" if i % 10 == 0 else _email(i - i % 10) for i in range(people)]})


def _levels(rng, areas: list[str]) -> dict:
    return dict(zip(areas, rng.choices([1, 2, 3, 4, "N/A"], weights=[2, 4, 4, 2, 1], k=len(areas))))


def _through_api(store, cid: int, email: str, levels: dict, rater: str = "self", by: str | None = None) -> None:
    """One response as the pages give it: each answer saved as chosen, then submitted."""
    from framework import campaigns

    for area_id, value in levels.items():
        campaigns.answer(store, cid, email, area_id, value, rater=rater, by=by)
    campaigns.submit(store, cid, email, rater=rater, by=by)


def _in_bulk(store, cid: int, invitees, areas: list[str], rng, skip: set[str], api: bool) -> None:
    """Everyone's submitted self-rating and their supervisor's (where they have one): the rows campaigns.answer and
    campaigns.submit write, written in one transaction (or, with ``api``, through them one answer at a time)."""
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from framework.campaigns import SELF, SUPERVISOR
    from framework.scales import NOT_APPLICABLE, RATED
    from framework.store import answers_table, campaigns_table, responses_table

    answers, responses = [], []
    for person in invitees.itertuples(index=False):
        if person.email in skip:
            continue
        for rater, by in ((SELF, person.email), (SUPERVISOR, person.supervisor)):
            if not by:
                continue
            levels = _levels(rng, areas)
            if api:
                _through_api(store, cid, person.email, levels, rater, by)
                continue
            now = datetime.now(UTC)
            answers += [{"campaign_id": cid, "email": person.email, "rater": rater, "area_id": a,
                         "rating": None if v == "N/A" else v, "status": NOT_APPLICABLE if v == "N/A" else RATED,
                         "updated_at": now} for a, v in levels.items()]
            responses.append({"campaign_id": cid, "email": person.email, "rater": rater, "note": "",
                              "submitted_at": now, "rated_by": by})
    if answers:
        with store.engine.begin() as conn:
            conn.execute(sa.insert(answers_table), answers)
            conn.execute(sa.insert(responses_table), responses)
            conn.execute(sa.update(campaigns_table).where(campaigns_table.c.id == cid)  # as a submission does
                         .values(revision=campaigns_table.c.revision + 1))


def seed_campaigns(url: str, people: int, api: bool = False) -> dict:
    """An imported round and two rounds run in the dashboard, of the same ``people`` (see the module's docstring);
    returns who is measured."""
    import random
    from datetime import date

    import sqlalchemy as sa
    from bench_import import make_csv

    from framework import campaigns
    from framework.campaigns import SELF, SUPERVISOR
    from framework.combine import combine
    from framework.definitions import get_framework
    from framework.importer import read_survey
    from framework.store import Store, file_digest, focus_table
    from framework.targets import default_targets

    fw = get_framework()
    areas = fw.area_ids
    rng = random.Random(5)
    invitees = _invitees(people)
    measured = MEASURED if people > MEASURED + 1 else people // 2 + 5
    me, boss = _email(measured), _email(measured - measured % 10)
    with Store(url) as store:
        t0 = time.perf_counter()
        # the round before: an export of the same people saved as a round, as the Survey rounds page saves one
        csv = Path(tempfile.mkdtemp(prefix="bench-round-")) / "spring-2026.csv"
        make_csv(csv, people, seed=3)
        data = csv.read_bytes()
        store.save_round(combine([read_survey(data, csv.name, fw, targets=default_targets())]), "Spring 2026",
                         date(2026, 4, 15), [file_digest(data)])
        fall = campaigns.create(store, ADMIN, "Fall 2026", fw, "1-4", invitees, date(2026, 10, 1), date(2026, 10, 21),
                                supervisor_ratings=True)
        campaigns.open_round(store, ADMIN, fall.id)
        _in_bulk(store, fall.id, invitees, areas, rng, set(), api)
        saved = campaigns.close_round(store, ADMIN, fall.id, targets=default_targets())
        focus = [{"email": e, "round_label": saved.label, "areas": json.dumps(rng.sample(areas, rng.randint(1, 3))),
                  "note": "", "updated_at": datetime.now(UTC)} for e in invitees["email"] if e != me]
        if api:
            for row in focus:
                campaigns.save_focus(store, row["email"], saved.label, json.loads(row["areas"]), "")
        else:
            with store.engine.begin() as conn:
                conn.execute(sa.insert(focus_table), focus)
        campaigns.save_focus(store, me, saved.label, areas[:2], "my note")

        spring = campaigns.create(store, ADMIN, "Spring 2027", fw, "1-4", invitees, date(2027, 3, 1),
                                  date(2027, 3, 21), supervisor_ratings=True)
        campaigns.open_round(store, ADMIN, spring.id)
        _in_bulk(store, spring.id, invitees, areas, rng, {me}, api)
        _through_api(store, spring.id, me, _levels(rng, areas))
        _through_api(store, spring.id, me, _levels(rng, areas), SUPERVISOR, boss)
        # a person written in bulk reads back as one who answered through framework.campaigns
        other = _email(measured + 1)
        for rater in (SELF, SUPERVISOR):
            got, mine = campaigns.response(store, spring.id, other, rater), campaigns.response(store, spring.id, me, rater)
            assert set(got["answers"]) == set(mine["answers"]) == set(areas) and got["note"] == mine["note"] == ""
            assert got["submitted_at"] is not None and mine["submitted_at"] is not None
        assert campaigns.response_rate(store, spring.id, 5)["submitted"] == people
        seeded = time.perf_counter() - t0
    return {"live": spring.id, "round": saved.id, "person": (me, f"Person {measured}"),
            "supervisor": (boss, f"Person {measured - measured % 10}"), "seconds": seeded}


def measure_campaign(people: int, repeat: int, pages: list[str], api: bool = False) -> list[dict]:
    from streamlit.testing.v1 import AppTest

    import ui.auth as auth

    folder = Path(tempfile.mkdtemp(prefix="bench-campaign-"))
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    os.environ["DATABASE_URL"] = url
    os.environ["DASHBOARD_TARGETS_PATH"] = str(folder / "targets.toml")
    os.environ["DASHBOARD_MAPPINGS_DIR"] = str(folder / "mappings")
    os.chdir(ROOT)
    import streamlit as st
    import streamlit.config as config

    config.get_config_options(force_reparse=True)
    st.cache_data.clear()
    st.cache_resource.clear()  # the upload bench's store (another database) and figures
    seeded = seed_campaigns(url, people, api)
    print(f"  seeded three rounds of {people:,} people in {seeded['seconds']:.1f} s", file=sys.stderr, flush=True)
    who = {"admin": (ADMIN, ADMIN_NAME), "person": seeded["person"], "supervisor": seeded["supervisor"]}
    sessions = {}

    def run(role: str):
        email, name = who[role]
        auth.identity = lambda cfg: (email, name, True)  # as the tests do: AppTest cannot sign in
        if role not in sessions:  # a new session's first run (sign-in, the pages it may see)
            sessions[role] = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
            for key, value in SECRETS.items():
                sessions[role].secrets[key] = value
            sessions[role].run()
        at = sessions[role]
        at.run()
        assert not at.exception, (role, at.exception)
        return at

    results = []
    for entry in pages:
        page, _, source = entry.partition("@")
        role = {"assessment": "person", "my_results": "person", "supervise": "supervisor"}.get(page, "admin")
        for named in ((False, True) if role == "admin" and page != "access" else (False,)):
            at = sessions.get(role) or run(role)
            if role == "admin":
                at.session_state["named_view"] = named
                at.session_state["source"] = {"live": f"live:{seeded['live']}",
                                              "round": f"round:{seeded['round']}"}.get(source, "sample")
            at.switch_page(f"pages/{page}.py")
            t0 = time.perf_counter()
            run(role)
            first = time.perf_counter() - t0
            title, element = SHOWS.get(page, (None, "plotly_chart"))
            assert title is None or [t.value for t in at.title][:1] == [title], (entry, [t.value for t in at.title])
            assert len(at.get(element)), (entry, f"no {element} drawn")
            warm = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                run(role)
                warm.append(time.perf_counter() - t0)
            view = "named" if named else ("anonymous" if role == "admin" else f"{role} (own)")
            results.append({"page": entry, "view": view, "first": first, "warm": statistics.median(warm),
                            "chart_bytes": _largest_chart(at), "rows": _table_rows(at)})
            print(f"  {view:9} {entry:14} first {first:6.2f} s  warm {results[-1]['warm']:6.3f} s  largest chart "
                  f"{results[-1]['chart_bytes'] / 1e6:5.2f} MB  rows sent {results[-1]['rows']:,}",
                  file=sys.stderr, flush=True)
    return results


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--people", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--pages", default=",".join(PAGES), help="pages on the upload ('' for none)")
    p.add_argument("--campaign-pages", default=",".join(CAMPAIGN_PAGES),
                   help="survey-round pages; team pages on the open round as page@live, on the saved one as "
                        "page@round ('' for none)")
    p.add_argument("--api-seed", action="store_true",
                   help="every answer through framework.campaigns, one at a time (about half an hour at 100,000)")
    args = p.parse_args()
    import logging

    logging.disable(logging.WARNING)  # AppTest's "no runtime" warnings
    pages = [s for s in args.pages.split(",") if s]
    results = measure(args.people, args.repeat, pages) if pages else []
    campaign = [s for s in args.campaign_pages.split(",") if s]
    results += measure_campaign(args.people, args.repeat, campaign, args.api_seed) if campaign else []
    print(f"\n{args.people:,} respondents x 10 areas, warm = median of {args.repeat} reruns")
    if pages:
        first = results[0]
        print(f"first view after the upload: {first['first']:.2f} s (upload run {first['upload']:.2f} s); goal 3 s, "
              f"ratio {first['first'] / 3:.2f}")
    print("| page | view | first run | warm rerun | goal | ratio | largest chart JSON | table rows sent |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results[1 if pages else 0:]:
        print(f"| {r['page']} | {r['view']} | {r['first']:.2f} s | {r['warm']:.3f} s | 0.3 s | "
              f"{r['warm'] / 0.3:.2f} | {r['chart_bytes'] / 1e6:.2f} MB | {r['rows']:,} |")


if __name__ == "__main__":
    main()
