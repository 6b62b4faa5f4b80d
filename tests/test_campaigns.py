"""Survey rounds run in the dashboard: invitation lists, the life cycle, one response per person,
replacing an answer, submitting, closing into a saved round, response rates below k, supervisors, focus.
On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framework import campaigns
from framework.campaigns import CLOSED, DRAFT, OPEN, SELF, SUPERVISOR
from framework.definitions import get_framework
from framework.store import StoreError
from framework.targets import default_targets
from tests.store_support import db_url_fixture, store_fixture  # noqa: F401 (fixtures)

FW = get_framework()
ADMIN = "cto@district.org"


def team_list(n: int = 8, role: str = "Help Desk Technician", school: str = "North", supervisor: str = "") -> str:
    lines = ["email,name,role,school,supervisor"]
    lines += [f"p{i}@district.org,Person {i},{role},{school},{supervisor}" for i in range(n)]
    return "\n".join(lines)


def a_round(store, text: str | None = None, **kw) -> campaigns.Campaign:
    invitees, problems = campaigns.parse_invitations(text or team_list())
    assert problems == []
    return campaigns.create(store, ADMIN, kw.pop("label", "Spring 2027"), FW, "1-4", invitees, **kw)


def answer_all(store, cid: int, email: str, level=3, skip: str | None = None) -> None:
    for area in FW.area_ids:
        if area != skip:
            campaigns.answer(store, cid, email, area, "N/A" if area == "business-management" else level)


def test_invitation_lists_account_for_every_line():
    text = ("Email,Name,Job role,Department,Supervisor\n"
            "Ann@District.org,Ann,Help Desk,North,boss@district.org\n"
            "not-an-email,Bob,Help Desk,North,\n"
            "ann@district.org,Ann again,Help Desk,North,\n"
            "cy@district.org,Cy,Coach,South,nobody\n"
            "\n"
            "di@district.org\n")
    people, problems = campaigns.parse_invitations(text)
    assert people["email"].tolist() == ["ann@district.org", "cy@district.org", "di@district.org"]
    assert people.set_index("email").loc["ann@district.org", "supervisor"] == "boss@district.org"
    assert people.set_index("email").loc["cy@district.org", "supervisor"] == ""
    assert [p.split(":")[0] for p in problems] == ["Line 3", "Line 4", "Line 5"]
    assert len(people) + 2 == 5  # five non-empty lines after the header: three used, two not (one reported twice)
    plain, none = campaigns.parse_invitations("a@x.org\nb@x.org\n")
    assert plain["email"].tolist() == ["a@x.org", "b@x.org"] and none == []


def test_the_life_cycle_from_draft_to_a_saved_round(store):
    c = a_round(store, opens_on=date(2027, 3, 1), closes_on=date(2027, 3, 31))
    assert c.status == DRAFT and len(campaigns.invitations(store, c.id)) == 8
    with pytest.raises(StoreError, match="only while it is open"):
        campaigns.answer(store, c.id, "p0@district.org", "leadership-vision", 3)
    c = campaigns.open_round(store, ADMIN, c.id)
    assert c.status == OPEN and [x.id for x in campaigns.invited_to(store, "P0@district.org")] == [c.id]
    for i in range(6):
        answer_all(store, c.id, f"p{i}@district.org", level=1 + i % 4)
        campaigns.submit(store, c.id, f"p{i}@district.org")
    answer_all(store, c.id, "p6@district.org", level=4)  # answered, never submitted: not counted
    saved = campaigns.close_round(store, ADMIN, c.id, targets=default_targets())
    assert campaigns.get(store, c.id).status == CLOSED and campaigns.get(store, c.id).round_id == saved.id
    assert saved.label == "Spring 2027" and saved.respondents == 6 and saved.survey_date == date(2027, 3, 31)
    tidy = store.load_ratings(saved.id)
    lv = tidy[tidy["area_id"].astype(str).eq("leadership-vision")]
    assert sorted(lv["rating"].astype(int).tolist()) == [1, 1, 2, 2, 3, 4]
    bm = tidy[tidy["area_id"].astype(str).eq("business-management")]
    assert bm["rating"].isna().all() and set(bm["status"].astype(str)) == {"not applicable"}
    assert "p6@district.org" not in set(tidy["email"].astype(str))
    with pytest.raises(StoreError, match="only an open round"):
        campaigns.close_round(store, ADMIN, c.id)
    with pytest.raises(StoreError, match="only while it is open"):
        campaigns.answer(store, c.id, "p0@district.org", "leadership-vision", 2)


def test_one_response_per_person_replaced_by_answering_again(store):
    c = campaigns.open_round(store, ADMIN, a_round(store).id)
    email = "p1@district.org"
    campaigns.answer(store, c.id, email, "leadership-vision", 2)
    campaigns.answer(store, c.id, email, "leadership-vision", 4)  # the same area again: replaced
    assert campaigns.response(store, c.id, email)["answers"] == {"leadership-vision": 4}
    with pytest.raises(StoreError, match="Answer every skill area first"):
        campaigns.submit(store, c.id, email)
    answer_all(store, c.id, email, level=3)
    campaigns.set_note(store, c.id, email, "I want to learn budgeting.")
    campaigns.submit(store, c.id, email)
    assert campaigns.response(store, c.id, email)["submitted_at"] is not None
    campaigns.answer(store, c.id, email, "strategic-planning", 1)  # a change takes the submission back
    resp = campaigns.response(store, c.id, email)
    assert resp["submitted_at"] is None and resp["answers"]["strategic-planning"] == 1
    assert resp["note"] == "I want to learn budgeting."
    campaigns.answer(store, c.id, email, "strategic-planning", None)  # and an answer can be cleared
    assert "strategic-planning" not in campaigns.response(store, c.id, email)["answers"]
    with pytest.raises(StoreError, match="not a level"):
        campaigns.answer(store, c.id, email, "strategic-planning", 7)
    with pytest.raises(StoreError, match="not invited"):
        campaigns.answer(store, c.id, "stranger@district.org", "strategic-planning", 3)
    with pytest.raises(StoreError, match="Only the person themself"):
        campaigns.answer(store, c.id, email, "strategic-planning", 3, by="p2@district.org")


def test_the_framework_is_fixed_once_the_first_answer_is_in(store):
    c = a_round(store)
    c = campaigns.set_framework(store, ADMIN, c.id, get_framework("cosn-2009"), "1-5")
    assert (c.framework_id, c.scale_id) == ("cosn-2009", "1-5")
    c = campaigns.open_round(store, ADMIN, c.id)
    campaigns.answer(store, c.id, "p0@district.org", "stakeholder-focus", 5)
    with pytest.raises(StoreError, match="fixed"):
        campaigns.set_framework(store, ADMIN, c.id, FW, "1-4")


def test_every_change_to_what_a_round_shows_raises_its_revision(store):
    """The pages compute a round's live ratings, response rate and self-beside-supervisor once per (id, revision):
    every write that changes them raises the revision, so a submission shows at the next run. Answers to a
    response not submitted yet, and notes, change none of them and leave the revision (and the round's row)
    alone; reading changes nothing."""
    import pandas as pd

    text = team_list(6, supervisor="boss@district.org")
    c = a_round(store, text, supervisor_ratings=True)

    def shown():
        return (campaigns.live_ratings(store, c.id, SELF), campaigns.live_ratings(store, c.id, SUPERVISOR),
                campaigns.response_rate(store, c.id, 3), campaigns.supervisor_pairs(store, c.id))

    def same(a, b) -> bool:
        def eq(x, y) -> bool:
            if isinstance(x, pd.DataFrame):
                return x.equals(y)
            if isinstance(x, dict):
                return x.keys() == y.keys() and all(eq(x[k], y[k]) for k in x)
            return x == y
        return all(eq(x, y) for x, y in zip(a, b))

    p0, p1, boss = "p0@district.org", "p1@district.org", "boss@district.org"
    steps = [  # (what, whether it raises the revision)
        (lambda: campaigns.set_framework(store, ADMIN, c.id, FW, "1-5"), True),
        (lambda: campaigns.open_round(store, ADMIN, c.id), True),
        (lambda: campaigns.set_framework(store, ADMIN, c.id, FW, "1-4"), True),
        (lambda: answer_all(store, c.id, p0, level=2), False),
        (lambda: campaigns.submit(store, c.id, p0), True),
        (lambda: answer_all(store, c.id, p1, level=3), False),
        (lambda: campaigns.set_note(store, c.id, p1, "a note"), False),
        (lambda: campaigns.submit(store, c.id, p1), True),
        (lambda: campaigns.answer(store, c.id, p0, "leadership-vision", 4), True),  # takes p0's submission back
        (lambda: campaigns.answer(store, c.id, p0, "leadership-vision", 3), False),  # not submitted: nothing shows
        (lambda: campaigns.submit(store, c.id, p0), True),  # and it is back, with the new answer
        (lambda: campaigns.set_note(store, c.id, p1, "another note"), False),
        (lambda: campaigns.answer(store, c.id, p1, "leadership-vision", None), True),
        (lambda: campaigns.answer(store, c.id, p1, "leadership-vision", 1), False),
        (lambda: campaigns.submit(store, c.id, p1), True),
        (lambda: [campaigns.answer(store, c.id, p0, a, 1, rater=SUPERVISOR, by=boss) for a in FW.area_ids], False),
        (lambda: campaigns.submit(store, c.id, p0, rater=SUPERVISOR, by=boss), True),
        # the same people invited again with another role: their live ratings change, the count does not
        (lambda: campaigns.invite(store, ADMIN, c.id, campaigns.parse_invitations(
            team_list(6, role="Network Engineer", supervisor=boss))[0]), True),
    ]
    before, revision = shown(), campaigns.get(store, c.id).revision
    changed = 0
    for i, (step, bumps) in enumerate(steps):
        step()
        after, now = shown(), campaigns.get(store, c.id).revision
        assert now > revision if bumps else now == revision, (i, revision, now)
        assert same(before, after) or now > revision, f"step {i} changed what the pages show, not the revision"
        changed += not same(before, after)
        before, revision = after, now
    assert changed == 8  # the steps did change what the pages show (else the test would prove nothing)
    assert campaigns.get(store, c.id).revision == revision  # reading raised nothing
    assert [x.revision for x in campaigns.list_campaigns(store)] == [revision]
    campaigns.close_round(store, ADMIN, c.id)
    assert campaigns.get(store, c.id).revision > revision


def test_notes_never_reach_a_saved_round(store):
    c = campaigns.open_round(store, ADMIN, a_round(store).id)
    for i in range(5):
        answer_all(store, c.id, f"p{i}@district.org")
        campaigns.set_note(store, c.id, f"p{i}@district.org", f"SECRET NOTE {i}")
        campaigns.submit(store, c.id, f"p{i}@district.org")
    saved = campaigns.close_round(store, ADMIN, c.id)
    from framework.store import round_export

    dump = round_export(store, saved.id).to_csv() + str(store.import_report(saved.id))
    assert "SECRET NOTE" not in dump
    assert campaigns.response(store, c.id, "p0@district.org")["note"] == "SECRET NOTE 0"  # kept for the person


def test_response_rates_are_counts_and_only_for_groups_of_at_least_k(store):
    text = team_list(6, "Help Desk Technician", "North") + "\n" + "\n".join(
        f"c{i}@district.org,Coach {i},Instructional Technology Coach,South," for i in range(3))
    c = campaigns.open_round(store, ADMIN, a_round(store, text).id)
    for email in ("p0@district.org", "p1@district.org", "c0@district.org"):
        answer_all(store, c.id, email)
        campaigns.submit(store, c.id, email)
    rate = campaigns.response_rate(store, c.id, k=5)
    assert (rate["invited"], rate["submitted"]) == (9, 3)
    # the coaches (3 invited) are not shown; and the technicians (6, 2 submitted) are not shown either, because
    # 9 - 6 and 3 - 2 would give the coaches' counts by subtraction
    assert rate["by"]["role"].empty and rate["by"]["role_hidden"] == 2
    assert rate["by"]["school"].empty

    more = "\n".join(f"s{i}@district.org,Analyst {i},Data Analyst,South," for i in range(5))
    campaigns.invite(store, ADMIN, c.id, campaigns.parse_invitations(more)[0])
    rate = campaigns.response_rate(store, c.id, k=5)
    roles = rate["by"]["role"]
    assert roles["role"].tolist() == ["Help Desk Technician"]  # the analysts (5) are left out with the coaches (3)
    assert roles[["invited", "submitted"]].values.tolist() == [[6, 2]]
    assert rate["by"]["role_hidden"] == 2
    assert rate["by"]["school"][["school", "invited", "submitted"]].values.tolist() == [["South", 8, 1],
                                                                                          ["North", 6, 2]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(st.integers(1, 9), min_size=1, max_size=6), k=st.integers(3, 6), data=st.data())
def test_no_left_out_group_of_a_response_rate_can_be_recovered_by_subtraction(store, sizes, k, data):
    """The attacker's oracle: knowing the overall counts and every group shown, the counts of the groups left
    out are known only as a total over at least k people (or not at all)."""
    store.delete_all()
    lines = ["email,name,role,school"]
    for g, size in enumerate(sizes):
        lines += [f"g{g}p{i}@district.org,P,Role {g},School {g % 2}" for i in range(size)]
    c = campaigns.open_round(store, ADMIN, a_round(store, "\n".join(lines)).id)
    everyone = [line.split(",")[0] for line in lines[1:]]
    for email in data.draw(st.lists(st.sampled_from(everyone), unique=True, max_size=len(everyone))):
        answer_all(store, c.id, email)
        campaigns.submit(store, c.id, email)
    rate = campaigns.response_rate(store, c.id, k)
    for by, groups in (("role", len(sizes)), ("school", min(2, len(sizes)))):
        shown = rate["by"][by]
        assert (shown["invited"] >= k).all()
        left_out = rate["invited"] - int(shown["invited"].sum())
        assert rate["by"][by + "_hidden"] == groups - len(shown)
        assert left_out == 0 or left_out >= k or shown.empty, (by, shown, left_out)


def test_supervisors_rate_their_own_reports_only_when_the_round_asks_them(store):
    text = team_list(5, supervisor="boss@district.org")
    c = campaigns.open_round(store, ADMIN, a_round(store, text, supervisor_ratings=True,
                                                   anonymous_source=SUPERVISOR).id)
    assert [p["email"] for _, p in campaigns.supervisees(store, "boss@district.org")][:2] == [
        "p0@district.org", "p1@district.org"]
    campaigns.answer(store, c.id, "p0@district.org", "leadership-vision", 2, rater=SUPERVISOR, by="boss@district.org")
    with pytest.raises(StoreError, match="supervisor"):
        campaigns.answer(store, c.id, "p0@district.org", "leadership-vision", 2, rater=SUPERVISOR,
                         by="p1@district.org")
    assert campaigns.response(store, c.id, "p0@district.org", SUPERVISOR)["answers"] == {"leadership-vision": 2}
    assert campaigns.response(store, c.id, "p0@district.org", SELF)["answers"] == {}
    plain = campaigns.open_round(store, ADMIN, a_round(store, team_list(5, supervisor="boss@district.org"),
                                                       label="No supervisors").id)
    with pytest.raises(StoreError, match="supervisor"):
        campaigns.answer(store, plain.id, "p0@district.org", "leadership-vision", 2, rater=SUPERVISOR,
                         by="boss@district.org")
    with pytest.raises(StoreError, match="supervisors' ratings only"):
        a_round(store, label="Bad", anonymous_source=SUPERVISOR)


def test_focus_areas_are_kept_for_the_next_round(store):
    campaigns.save_focus(store, "P0@district.org", "Spring 2027", ["data-management", "business-management"],
                         "A course this summer")
    got = campaigns.focus_of(store, "p0@district.org")
    assert got["areas"] == ["data-management", "business-management"] and got["round"] == "Spring 2027"
    with pytest.raises(StoreError, match="at most three"):
        campaigns.save_focus(store, "p0@district.org", "Spring 2027", ["a", "b", "c", "d"], "")
    campaigns.save_focus(store, "p1@district.org", "Spring 2027", ["data-management"], "")
    team = campaigns.team_focus(store, "Spring 2027")
    assert team.groupby("area_id").size().to_dict() == {"business-management": 1, "data-management": 2}


def test_a_round_name_must_be_new(store):
    a_round(store)
    with pytest.raises(StoreError, match="exists already"):
        a_round(store)


def test_pooled_focus_hides_small_counts_and_what_would_give_them_away():
    import pandas as pd

    rows = [(f"p{i}", "a") for i in range(6)] + [(f"p{i}", "b") for i in range(5)] + [("p0", "c"), ("p1", "c")]
    focus = pd.DataFrame(rows, columns=["email", "area_id"])
    pooled = campaigns.pooled_focus(focus, 5)
    assert pooled["people"].to_dict() == {"a": 6, "b": 5, "c": 2}
    assert pooled["shown"].to_dict() == {"a": True, "b": False, "c": False}  # 2 alone would be < 5: b joins it
    assert campaigns.pooled_focus(focus, None)["shown"].all()
    more = pd.concat([focus, pd.DataFrame([(f"q{i}", "c") for i in range(3)], columns=["email", "area_id"])])
    assert campaigns.pooled_focus(more, 5)["shown"].to_dict() == {"a": True, "b": True, "c": True}


_LEVEL = st.sampled_from([1, 2, 3, 4, "N/A", None])  # None: left without an answer


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(st.tuples(st.sampled_from(["Ann", "Bo", "Zoë", ""]), st.sampled_from(["Help Desk", "Coach", ""]),
                                 st.sampled_from(["North", "South", ""]),
                                 st.sampled_from(["none", "partial", "submitted", "taken back"]),
                                 st.sampled_from(["none", "partial", "submitted", "taken back"]),
                                 st.lists(_LEVEL, min_size=10, max_size=10)),
                       min_size=0, max_size=7),
       source=st.sampled_from([SELF, SUPERVISOR]))
def test_a_rounds_answers_read_as_arrays_give_the_frames_of_a_loop_over_each_answer(store, people, source):
    """live_ratings, supervisor_pairs, invitations and response_rate, built as arrays for rounds of 100,000 people,
    give the same frames as the loops they replaced (tests/oracle_campaigns.py), whatever was answered, left
    blank, submitted or taken back, by each person and their supervisor."""
    from tests import oracle_campaigns as oracle

    store.delete_all()
    boss = "boss@district.org"
    lines = ["email,name,role,school,supervisor", f"{boss},The Boss,Director,North,"]
    lines += [f"p{i}@district.org,{name},{role},{school},{boss if i % 2 else ''}"
              for i, (name, role, school, *_) in enumerate(people)]
    c = campaigns.open_round(store, ADMIN, a_round(store, "\n".join(lines), supervisor_ratings=True,
                                                   anonymous_source=source).id)
    for i, (*_, own, theirs, levels) in enumerate(people):
        email = f"p{i}@district.org"
        for rater, state, by in ((SELF, own, email), (SUPERVISOR, theirs if i % 2 else "none", boss)):
            if state == "none":
                continue
            answers = dict(zip(FW.area_ids, levels)) if state == "partial" else \
                {a: (v if v is not None else "N/A") for a, v in zip(FW.area_ids, levels)}
            for area, value in answers.items():
                if value is not None:
                    campaigns.answer(store, c.id, email, area, value, rater=rater, by=by)
            if state in ("submitted", "taken back"):
                campaigns.submit(store, c.id, email, rater=rater, by=by)
            if state == "taken back":
                campaigns.answer(store, c.id, email, FW.area_ids[0], None, rater=rater, by=by)
    from pandas import testing as pd_testing
    for rater in (SELF, SUPERVISOR):
        pd_testing.assert_frame_equal(campaigns.live_ratings(store, c.id, rater),
                                      oracle.live_ratings(store, c.id, rater))
    pd_testing.assert_frame_equal(campaigns.supervisor_pairs(store, c.id), oracle.supervisor_pairs(store, c.id))
    pd_testing.assert_frame_equal(campaigns.invitations(store, c.id), oracle.invitations(store, c.id))
    got, want = campaigns.response_rate(store, c.id, 3), oracle.response_rate(store, c.id, 3)
    assert got.keys() == want.keys() and got["by"].keys() == want["by"].keys()
    for key, value in want["by"].items():
        if isinstance(value, int):
            assert got["by"][key] == value
        else:
            pd_testing.assert_frame_equal(got["by"][key], value)
    assert (got["invited"], got["submitted"]) == (want["invited"], want["submitted"])
