"""A survey round run inside the dashboard, through the app (AppTest, signed-in mode): the admin creates and
opens it, staff take the self-assessment (leave half-way and resume, submit), the admin follows the response
rate and the live figures and closes it, each person's My results shows their own ratings and growth plan and
nobody else's; focus areas pooled on Team growth; supervisors' ratings beside self-ratings; the admins' edited
professional-learning suggestions reach the plan."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from framework import campaigns, state
from framework.access import STAFF
from framework.campaigns import SUPERVISOR
from framework.definitions import get_framework
from framework.growth_library import default_growth_text
from framework.store import Store
from tests.conftest import ROOT, SAMPLE, plain
from tests.store_support import save
from tests.test_access import SECRETS, page_text

FW = get_framework()
CTO = "cto@district.org"
TEAM = [(f"p{i}@district.org", f"Person {i}", "Help Desk Technician" if i < 6 else "Network Engineer", "North")
        for i in range(8)]


def person(monkeypatch, email: str, name: str = "") -> AppTest:
    import ui.auth as auth

    monkeypatch.setattr(auth, "identity", lambda cfg: (email, name, True))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in SECRETS.items():
        at.secrets[key] = value
    return at.run()


def click(at, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def invite_text(team=TEAM, supervisor: str = "") -> str:
    return "\n".join(f"{e}, {n}, {r}, {s}, {supervisor}" for e, n, r, s in team)


def create_and_open(monkeypatch, label="Spring 2027", supervisors=False, source="self", supervisor="") -> AppTest:
    at = person(monkeypatch, CTO, "Pat Lee")
    at.switch_page("pages/run_round.py").run()
    assert not at.exception, at.exception
    at.text_input(key="new-label").set_value(label)
    at.text_area(key="new-invitees").set_value(invite_text(supervisor=supervisor))
    if supervisors:
        at.toggle(key="new-supervisors").set_value(True)
        at.radio(key="new-source").set_value(source)
    click(at, "Create the round (as a draft)")
    assert any("Created" in plain(s.value) and "8 people invited" in plain(s.value) for s in at.success)
    click(at, "Open the round")
    assert any("is open" in plain(s.value) for s in at.success)
    return at


def answer_step(at, cid: int, levels: dict[str, object]) -> None:
    for area_id, level in levels.items():
        at.radio(key=f"ans-{cid}-{area_id}").set_value(level).run()
        assert not at.exception, at.exception


def take_assessment(monkeypatch, email: str, name: str, level_of) -> AppTest:
    at = person(monkeypatch, email, name)
    assert [t.value for t in at.title] == ["Self-assessment"]
    cid = campaigns.list_campaigns(Store())[-1].id
    for cat in FW.categories:
        areas = [a for a in FW.areas if a.category == cat.id]
        answer_step(at, cid, {a.id: level_of(a.id) for a in areas})
        click(at, "Next" if cat is not FW.categories[-1] else "Review and submit")
    click(at, "Submit my self-assessment")
    assert any("Submitted" in plain(s.value) for s in at.success)
    return at


def test_a_whole_round_inside_the_dashboard(monkeypatch):
    admin = create_and_open(monkeypatch)
    with Store() as store:
        c = campaigns.list_campaigns(store)[-1]
    assert c.status == "open"

    # a staff member answers the first category, leaves, and comes back in a new session: the answers are there
    first = [a for a in FW.areas if a.category == FW.categories[0].id]
    at = person(monkeypatch, "p0@district.org", "Person 0")
    assert [t.value for t in at.title] == ["Self-assessment"]
    answer_step(at, c.id, {a.id: 2 for a in first})
    assert any(f"{len(first)} of {len(FW.areas)} skill areas answered" in str(p.proto.text) for p in at.get("progress"))
    at = person(monkeypatch, "p0@district.org", "Person 0")  # a new session: left and came back
    assert [at.radio(key=f"ans-{c.id}-{a.id}").value for a in first] == [2] * len(first)
    assert campaigns.response(Store(), c.id, "p0@district.org")["submitted_at"] is None

    # nothing can be submitted until every area has an answer
    for cat in FW.categories:
        click(at, "Next" if cat is not FW.categories[-1] else "Review and submit")
    submit = next(b for b in at.button if b.label == "Submit my self-assessment")
    assert submit.disabled and any("Still to answer" in plain(w.value) for w in at.warning)

    # everyone answers (Person 0 again from the start, changing their first answers to 3)
    take_assessment(monkeypatch, "p0@district.org", "Person 0", lambda a: "N/A" if a == "business-management" else 3)
    for email, name, *_ in TEAM[1:6]:
        take_assessment(monkeypatch, email, name, lambda a: 2)
    with Store() as store:
        assert campaigns.response_rate(store, c.id, 5)["submitted"] == 6
        assert campaigns.response(store, c.id, "p0@district.org")["answers"]["leadership-vision"] == 3

    # the admin sees the count rise, and the live figures include the answers
    admin = person(monkeypatch, CTO, "Pat Lee")
    admin.switch_page("pages/run_round.py").run()
    assert [m.value for m in admin.metric if m.label == "Submitted"] == ["6"]
    admin.session_state["source"] = f"live:{c.id}"
    admin.switch_page("pages/overview.py").run()
    assert not admin.exception, admin.exception
    text = page_text(admin)
    assert "Respondents 6" in text and "Spring 2027" in text

    # closing saves the round: every page can use it
    admin.switch_page("pages/run_round.py").run()
    click(admin, "Close the round and save its answers")
    with Store() as store:
        rounds = store.list_rounds()
        assert [r.label for r in rounds] == ["Spring 2027"] and rounds[0].respondents == 6
        assert campaigns.get(store, c.id).status == "closed"

    # Person 0's My results: their own ratings and a growth plan; nobody else's
    me = person(monkeypatch, "p0@district.org", "Person 0")
    assert [t.value for t in me.title] == ["My results"]
    table = me.table[0].value
    assert table.loc["Leadership and Vision", "Your rating"] == "3 Proficient"
    assert table.loc["Business Management", "Your rating"] == "not part of my role"
    text = page_text(me)
    assert "My growth plan" in text and "Person 1" not in text
    chart = me.get("plotly_chart")[0].proto.spec
    assert "Person 1" not in chart and "p1@district.org" not in chart

    # Person 1 (all 2s) sees their own gaps and steps, and not Person 0's ratings
    other = person(monkeypatch, "p1@district.org", "Person 1")
    table = other.table[0].value
    assert set(table["Your rating"]) == {"2 Developing"}
    assert "Person 0" not in page_text(other)
    # ... and cannot open an admin's page or the team's
    for page in ("pages/overview.py", "pages/run_round.py", "pages/team_growth.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            other.switch_page(page)

    # someone not invited and not on the access list has nothing
    stranger = person(monkeypatch, "p7@elsewhere.org", "Stranger")
    assert "has not been opened to you" in plain(page_text(stranger))


def test_focus_areas_are_kept_and_pooled_for_admins_with_k(monkeypatch):
    create_and_open(monkeypatch)
    for email, name, *_ in TEAM[:6]:
        take_assessment(monkeypatch, email, name, lambda a: 1 if a in ("leadership-vision", "strategic-planning") else 3)
    admin = person(monkeypatch, CTO, "Pat Lee")
    admin.switch_page("pages/run_round.py").run()
    click(admin, "Close the round and save its answers")
    for i, (email, name, *_) in enumerate(TEAM[:6]):
        me = person(monkeypatch, email, name)
        chosen = ["leadership-vision", "strategic-planning"] if i < 5 else ["leadership-vision", "data-privacy-security"]
        me.multiselect(key="focus-areas").set_value(chosen)
        me.text_area(key="focus-note").set_value(f"my private note {i}")
        me.button(key="FormSubmitter:focus-form-Save my focus").click().run()
        assert not me.exception, me.exception
        assert any("Saved" in plain(s.value) for s in me.success)
    me = person(monkeypatch, TEAM[0][0], TEAM[0][1])  # kept: the next visit shows the choice
    assert me.multiselect(key="focus-areas").value == ["leadership-vision", "strategic-planning"]

    admin = person(monkeypatch, CTO, "Pat Lee")
    admin.switch_page("pages/team_growth.py").run()
    assert not admin.exception, admin.exception
    table = admin.dataframe[0].value.set_index("Skill area")["People who chose it"]
    assert str(table["Leadership and Vision"]) == "6"
    assert table["Data Privacy and Security"] == "fewer than 5"  # one person: no count in the anonymous view
    # ... and Strategic Planning's 5 is left out too: were it shown, nothing else would hide the one person's
    # choice from anyone who knew how many choices were made
    assert table["Strategic Planning"].startswith("not shown")
    assert "my private note" not in page_text(admin)
    admin.session_state["named_view"] = True
    admin.run()
    assert str(admin.dataframe[0].value.set_index("Skill area")["People who chose it"]["Data Privacy and Security"]) == "1"
    who = next(d.value for d in admin.dataframe if "Their note" in d.value.columns)
    assert len(who) == 6 and "my private note 5" in set(who["Their note"])


def test_supervisors_rate_their_reports_and_each_person_sees_both(monkeypatch):
    boss = "boss@district.org"
    with Store() as store:
        state.grant(store, CTO, boss, STAFF)
    create_and_open(monkeypatch, supervisors=True, source=SUPERVISOR, supervisor=boss)
    with Store() as store:
        c = campaigns.list_campaigns(store)[-1]
    assert c.supervisor_ratings and c.anonymous_source == SUPERVISOR
    for email, name, *_ in TEAM[:5]:
        take_assessment(monkeypatch, email, name, lambda a: 3)
    sup = person(monkeypatch, boss, "The Boss")
    sup.switch_page("pages/supervise.py").run()
    assert not sup.exception, sup.exception
    for email, _name, *_ in TEAM[:5]:
        sup.selectbox(key="supervise-person").set_value(f"{c.id}|{email}").run()
        for a in FW.areas:
            sup.radio(key=f"sup-{c.id}-{email}-{a.id}").set_value(2).run()
        click(sup, "Submit my ratings")
    admin = person(monkeypatch, CTO, "Pat Lee")
    admin.switch_page("pages/run_round.py").run()
    admin.session_state["named_view"] = True
    admin.run()
    pairs = next(d.value for d in admin.dataframe if "Person" in d.value.columns)
    assert len(pairs) == 5 and set(pairs["Leadership & Vision"]) == {"3 / 2"}
    click(admin, "Close the round and save its answers")
    admin.session_state["source"] = f"round:{Store().list_rounds()[0].id}"
    admin.session_state["named_view"] = False
    admin.switch_page("pages/overview.py").run()
    assert "supervisor's rating, not self-ratings" in plain(page_text(admin))  # every chart says whose ratings

    me = person(monkeypatch, TEAM[0][0], TEAM[0][1])
    table = me.table[0].value
    assert table.loc["Leadership and Vision", "Your rating"] == "3 Proficient"
    assert table.loc["Leadership and Vision", "Your supervisor's rating"] == "2 Developing"


def test_the_admins_edited_suggestions_reach_every_growth_plan(monkeypatch):
    with Store() as store:
        save(store, SAMPLE.read_bytes(), "Fall 2026", date(2026, 10, 15), name=SAMPLE.name)
        state.grant(store, CTO, "mhughes@example-district.org", STAFF)
    me = person(monkeypatch, "mhughes@example-district.org", "Michael Hughes")
    assert "Ask Dana Ruiz first." not in plain(page_text(me))
    admin = person(monkeypatch, CTO, "Pat Lee")
    admin.switch_page("pages/settings.py").run()
    text = default_growth_text()
    edited = text.replace('text = "', 'text = "Ask Dana Ruiz first. ')  # every suggestion, as an admin might
    admin.file_uploader(key="growth_file").set_value(("growth.toml", edited.encode(), "text/plain")).run()
    assert not admin.exception, admin.exception
    assert any("Loaded growth.toml" in plain(s.value) for s in admin.success)
    me = person(monkeypatch, "mhughes@example-district.org", "Michael Hughes")
    assert "Ask Dana Ruiz first." in plain(page_text(me))
    # a file that does not read is refused whole, with one sentence, and the plan keeps the last good one
    admin.file_uploader(key="growth_file").set_value(("bad.toml", b"scale = '1-4'\n[[areas]]\nid = 'x'\n",
                                                      "text/plain")).run()
    assert any("bad.toml was not loaded" in plain(e.value) for e in admin.error)
    assert state.growth_text(Store()) == edited


# ---- a round of many people: what is computed once, and a page of people at a time ----------------------------------
def table_with(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def seeded_round(n: int, label="Spring 2027", supervisors=False) -> int:
    """A round of ``n`` people opened, answered and submitted through framework.campaigns (as the pages call it,
    without driving a page per person): people 0-4 supervise everyone else when ``supervisors``."""
    team = [(f"q{i:03}@district.org", f"Member {i:03}", "Help Desk Technician" if i % 2 else "Network Engineer",
             "North" if i % 3 else "South") for i in range(n)]
    text = "\n".join(f"{e}, {name}, {r}, {s}, {f'q{i % 5:03}@district.org' if supervisors and i >= 5 else ''}"
                     for i, (e, name, r, s) in enumerate(team))
    with Store() as store:
        c = campaigns.create(store, CTO, label, FW, "1-4", campaigns.parse_invitations(text)[0],
                             supervisor_ratings=supervisors)
        campaigns.open_round(store, CTO, c.id)
        for i, (email, *_) in enumerate(team):
            for a in FW.area_ids:
                campaigns.answer(store, c.id, email, a, 1 + (i + len(a)) % 4)
            campaigns.submit(store, c.id, email)
            if supervisors and i >= 5:
                boss = f"q{i % 5:03}@district.org"
                for a in FW.area_ids:
                    campaigns.answer(store, c.id, email, a, 1 + i % 4, rater=SUPERVISOR, by=boss)
                campaigns.submit(store, c.id, email, rater=SUPERVISOR, by=boss)
    return c.id


def test_the_live_figures_are_read_once_per_submission_and_show_each_new_one(monkeypatch):
    """An admin following a round live: a rerun that changes nothing reads no answers again; answers not yet
    submitted change nothing shown; a new submission shows at the admin's next run, in the same session."""
    cid = seeded_round(6)
    reads = []
    real = campaigns.live_ratings
    monkeypatch.setattr(campaigns, "live_ratings", lambda *a, **kw: reads.append(a[1]) or real(*a, **kw))
    admin = person(monkeypatch, CTO, "Pat Lee")
    admin.session_state["source"] = f"live:{cid}"
    admin.switch_page("pages/overview.py").run()
    assert not admin.exception, admin.exception
    assert "Respondents 6" in page_text(admin) and reads == [cid]
    admin.run()
    admin.switch_page("pages/gaps.py").run()
    assert not admin.exception, admin.exception
    assert reads == [cid]  # reruns and other pages select and draw: the answers were read once

    newcomer = "q006@district.org"
    with Store() as store:
        campaigns.invite(store, CTO, cid, campaigns.parse_invitations(f"{newcomer}, Member 006, Help Desk, North")[0])
    admin.switch_page("pages/overview.py").run()
    assert "Respondents 6" in page_text(admin) and len(reads) == 2  # an invitation: read again, nothing new
    with Store() as store:
        for a in FW.area_ids:
            campaigns.answer(store, cid, newcomer, a, 4)
    admin.run()
    assert "Respondents 6" in page_text(admin) and len(reads) == 2  # answered, not submitted: nothing to show
    with Store() as store:
        campaigns.submit(store, cid, newcomer)
    admin.run()
    assert not admin.exception, admin.exception
    assert "Respondents 7" in page_text(admin) and len(reads) == 3
    admin.switch_page("pages/run_round.py").run()
    assert [m.value for m in admin.metric if m.label == "Submitted"] == ["7"]


def test_self_beside_supervisor_comes_a_page_of_people_at_a_time(monkeypatch):
    cid = seeded_round(62, supervisors=True)
    admin = person(monkeypatch, CTO, "Pat Lee")
    admin.switch_page("pages/run_round.py").run()
    admin.session_state["named_view"] = True
    admin.run()
    assert not admin.exception, admin.exception
    grid = table_with(admin, "Email")
    page = admin.number_input(key=f"run-round-pairs-page-{cid}")
    assert len(grid) == 50 and page.value == 1 and page.max == 2
    page.set_value(2).run()
    rest = table_with(admin, "Email")
    assert len(rest) == 12
    with Store() as store:
        pairs = campaigns.supervisor_pairs(store, cid)
    both = pd.concat([grid, rest])
    assert sorted(both["Email"]) == sorted(set(pairs["email"])) and len(set(both["Email"])) == 62
    row = both.set_index("Email").loc["q007@district.org"]
    lv = pairs[(pairs["email"] == "q007@district.org") & (pairs["area_id"] == "leadership-vision")].iloc[0]
    assert row["Leadership & Vision"] == f"{int(lv['self'])} / {int(lv['supervisor'])}" == "1 / 4"  # not 4.0
    assert both.set_index("Email").loc["q001@district.org", "Leadership & Vision"].endswith("/ —")  # not rated


def test_who_chose_what_comes_a_page_of_people_at_a_time(monkeypatch):
    with Store() as store:
        for i in range(57):
            campaigns.save_focus(store, f"q{i:03}@district.org", "Fall 2026",
                                 ["leadership-vision"] + (["data-management"] if i % 2 else []), f"note {i}")
    admin = person(monkeypatch, CTO, "Pat Lee")
    admin.switch_page("pages/team_growth.py").run()
    counts = table_with(admin, "People who chose it").set_index("Skill area")["People who chose it"]
    assert (str(counts["Leadership and Vision"]), str(counts["Data Management"])) == ("57", "28")
    admin.session_state["named_view"] = True
    admin.run()
    assert not admin.exception, admin.exception
    who = table_with(admin, "Their note")
    assert len(who) == 50 and who["Person"].iloc[0] == "q000@district.org"
    admin.number_input(key="growth-who-page").set_value(2).run()
    rest = table_with(admin, "Their note").set_index("Person")
    assert len(rest) == 7 and rest.index[0] == "q050@district.org"
    assert rest.loc["q051@district.org"].tolist() == ["Leadership and Vision, Data Management", "note 51"]
    with Store() as store:  # a focus saved now shows at the next run
        campaigns.save_focus(store, "q051@district.org", "Fall 2026", ["it-management"], "changed")
    admin.run()
    rest = table_with(admin, "Their note").set_index("Person")
    assert rest.loc["q051@district.org"].tolist() == ["Information Technology Management", "changed"]


def test_my_growth_plan_pdf_is_made_on_click(monkeypatch):
    """The one-page PDF is set only when asked for (a few passes of type setting are not paid at every run)."""
    import io

    from pypdf import PdfReader
    from streamlit.runtime.media_file_manager import MediaFileManager

    import framework.report_plan as report_plan

    made, deferred = [], []
    real_build, real_add = report_plan.build_plan_pdf, MediaFileManager.add_deferred
    monkeypatch.setattr(report_plan, "build_plan_pdf", lambda *a, **kw: made.append(a) or real_build(*a, **kw))
    monkeypatch.setattr(MediaFileManager, "add_deferred",
                        lambda self, fn, *a, **kw: deferred.append(fn) or real_add(self, fn, *a, **kw))
    with Store() as store:
        save(store, SAMPLE.read_bytes(), "Fall 2026", date(2026, 10, 15), name=SAMPLE.name)
        state.grant(store, CTO, "mhughes@example-district.org", STAFF)
    me = person(monkeypatch, "mhughes@example-district.org", "Michael Hughes")
    me.run()
    assert [t.value for t in me.title] == ["My results"] and made == []
    button = next(b.proto for b in me.get("download_button") if "growth plan" in b.proto.label)
    assert button.HasField("deferred_file_id")
    pdf = deferred[-1]()
    assert len(made) == 1
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Michael Hughes" in text and "Fall 2026" in text
