"""One person's growth plan: gaps by hand-worked examples, N/A never a gap, the change since the previous round,
suggestions taken from the data file, team figures carried through, and the focus choice."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framework.definitions import get_framework, parse_framework
from framework.descriptors import descriptors
from framework.growth import (
    FOCUS_NOTE_MAX,
    FocusChoice,
    FocusError,
    PlanError,
    focus_choice,
    growth_plan,
    library_level,
    suggested_focus,
)
from framework.growth_library import builtin_growth, default_growth_text, parse_growth
from framework.importer import read_survey
from framework.scales import get_scale
from framework.targets import TargetSet, default_targets
from tests.conftest import SAMPLE

FW, OLD = get_framework("cosn-2018"), get_framework("cosn-2009")
P4, A5 = get_scale("1-4"), get_scale("1-5")
DEFAULT = TargetSet()  # target 3 in every area, no roles
LIB = builtin_growth()


def plan(ratings, framework=FW, scale=P4, targets=DEFAULT, role_id="", library=LIB, **kw):
    return growth_plan(ratings, framework, scale, targets, role_id, library, descriptors(framework, scale), **kw)


# Ratings of one person on the current framework; the default target is 3 everywhere.
#          LV  SP  EP  IF     TB  IT  CS    BM  DM  DPS
ONE = dict(zip(FW.area_ids, [1, 2, 3, "n/a", 2, 1, None, 4, 2, 2]))


def ids(areas):
    return [a.area_id for a in areas]


# ---- gaps, by hand ---------------------------------------------------------------------------------------------
def test_largest_gaps_first_then_framework_order_without_weights():
    """Gaps (3 - rating): LV 2, SP 1, TB 1, IT 2, DM 1, DPS 1. The current framework has no weights, so equal gaps
    keep framework order: LV, IT (2), then SP, TB, DM, DPS (1); the first three are the plan's gaps."""
    p = plan(ONE)
    assert ids(p.gaps) == ["leadership-vision", "it-management", "strategic-planning"]
    assert ids(p.more_gaps) == ["team-building-staffing", "data-management", "data-privacy-security"]
    assert [a.gap for a in p.gaps + p.more_gaps] == [2, 2, 1, 1, 1, 1]
    assert ids(p.strengths) == ["ethics-policies", "business-management"]
    assert [a.gap_text for a in p.strengths] == ["at target", "1 level above target"]
    assert ids(p.not_in_role) == ["instructional-focus-pd"]
    assert ids(p.unanswered) == ["communication-systems"]
    assert p.summary() == ("6 of 8 rated skill areas below your role's target, 2 at or above it; 1 not part of your "
                           "role; 1 not answered.")
    assert not p.weighted_ties
    assert suggested_focus(p) == ["leadership-vision", "it-management", "strategic-planning"]


def test_ties_go_to_the_frameworks_weights_where_it_has_them():
    """2009 (CETL weights LV 15, SP 15, EP 10, IF 12, TB 9, SF 9, IT 9, CS 7, BM 7, DM 7), everyone at 2 (gap 1):
    by weight, then order: LV, SP, IF, EP, TB, SF, IT, CS, BM, DM. Data Management at 1 (gap 2) comes first."""
    all_two = dict.fromkeys(OLD.area_ids, 2)
    p = plan(all_two, framework=OLD, max_gaps=10)
    assert ids(p.gaps) == ["leadership-vision", "strategic-planning", "instructional-focus-pd", "ethics-policies",
                           "team-building-staffing", "stakeholder-focus", "it-management", "communication-systems",
                           "business-management", "data-management"]
    assert p.weighted_ties
    p = plan({**all_two, "data-management": 1}, framework=OLD)
    assert ids(p.gaps) == ["data-management", "leadership-vision", "strategic-planning"]
    assert len(p.more_gaps) == 7
    # the same ratings on the current framework, without weights: framework order
    same = plan({**dict.fromkeys(FW.area_ids, 2), "data-management": 1})
    assert ids(same.gaps) == ["data-management", "leadership-vision", "strategic-planning"]
    assert ids(same.more_gaps)[:2] == ["ethics-policies", "instructional-focus-pd"]


def test_the_roles_targets_make_the_gaps():
    """Network Administrator: targets LV 2, SP 2, EP 3 (default), IF 2, TB 2, IT 4, CS 4, BM 2, DM 2, DPS 3.
    Gaps: IT 4-1 = 3, CS 4-2 = 2 (from ratings below), LV 2-1 = 1, DPS 3-2 = 1."""
    ratings = {**ONE, "communication-systems": 2}
    p = plan(ratings, targets=default_targets(), role_id="network-admin")
    assert p.role_name == "Network Administrator"
    assert ids(p.gaps) == ["it-management", "communication-systems", "leadership-vision"]
    assert [a.gap for a in p.gaps] == [3, 2, 1]
    assert ids(p.more_gaps) == ["data-privacy-security"]
    assert p.area("strategic-planning").gap_text == "at target"
    assert p.area("it-management").target_text == "4 Advanced"
    unknown = plan(ratings, targets=default_targets(), role_id="astronaut")
    assert unknown.role_id == "" and unknown.role_name == "Default target"
    assert unknown.area("it-management").target == 3


def test_not_applicable_is_never_a_gap_even_where_the_target_is_high():
    p = plan(dict.fromkeys(FW.area_ids, "n/a"), targets=default_targets(), role_id="cto")
    assert p.gaps == () and p.more_gaps == () and p.strengths == ()
    assert len(p.not_in_role) == 10
    for a in p.areas:
        assert a.gap is None and a.steps == () and a.rating_text == "not part of my role"
        assert a.gap_text == "not part of my role" and a.next_descriptor == ""
    assert p.area("leadership-vision").target == 4  # the target is still shown


RATING = st.sampled_from([1, 2, 3, 4, "n/a", None])


@settings(max_examples=80, deadline=None)
@given(values=st.lists(RATING, min_size=10, max_size=10), role=st.sampled_from(["", "cto", "help-desk", "x"]),
       max_gaps=st.integers(0, 10))
def test_every_plan_keeps_the_rules(values, role, max_gaps):
    p = plan(dict(zip(FW.area_ids, values)), targets=default_targets(), role_id=role, max_gaps=max_gaps)
    na = {a for a, v in zip(FW.area_ids, values) if v == "n/a"}
    blank = {a for a, v in zip(FW.area_ids, values) if v is None}
    listed = ids(p.gaps) + ids(p.more_gaps) + ids(p.strengths)
    assert not (set(listed) & (na | blank))
    assert sorted(listed) == sorted(set(FW.area_ids) - na - blank)
    assert len(p.gaps) <= max_gaps
    gaps = [a.gap for a in p.gaps + p.more_gaps]
    assert gaps == sorted(gaps, reverse=True) and all(g > 0 for g in gaps)
    assert all(a.gap <= 0 for a in p.strengths)
    assert [a.area_id for a in p.areas] == FW.area_ids


# ---- next steps and descriptors ----------------------------------------------------------------------------------
def test_each_gap_carries_its_levels_steps_and_what_the_next_level_looks_like():
    p = plan(ONE)
    texts = descriptors(FW, P4)
    lv = p.area("leadership-vision")  # at 1, target 3
    assert lv.steps == LIB.steps_for("leadership-vision", 1)
    assert lv.next_level == 2 and lv.next_level_text == "2 Developing"
    assert lv.next_descriptor == texts["leadership-vision"][2] and lv.next_descriptor.startswith("Developing: I ")
    assert lv.current_descriptor == texts["leadership-vision"][1]
    assert lv.iste == ("Visionary Planner", "Empowering Leader")
    assert lv.cetl.area == "Leadership & Vision" and lv.cetl.weight == 15
    assert lv.references == ("ISTE Standards for Education Leaders: Visionary Planner, Empowering Leader · "
                             + lv.cetl.text)
    sp = p.area("strategic-planning")  # at 2
    assert sp.steps == LIB.steps_for("strategic-planning", 2) and sp.next_level == 3
    bm = p.area("business-management")  # at 4, above target: a strength with the mentoring step
    assert bm.at_top and bm.next_level is None and bm.next_descriptor == ""
    assert bm.mentoring_steps == LIB.steps_for("business-management", 4)
    assert {s.kind for s in bm.mentoring_steps} <= {"mentoring", "leading"}
    assert p.area("ethics-policies").mentoring_steps == ()  # a strength below the top: no mentoring step


def test_the_plans_suggestions_come_from_the_data_file():
    """An admin's edited copy of growth.toml: the plan shows the edited step, and nothing of the old one."""
    old = "Ask to sit in on a technology advisory committee or a cabinet planning meeting"
    new = "Spend a day with the board secretary preparing the technology items of a board meeting"
    text = default_growth_text()
    assert old in text
    edited = parse_growth(text.replace(old, new).replace(
        '{ kind = "mentoring", text = "Coach a colleague', '{ kind = "leading", text = "Coach a colleague'))
    p = plan(ONE, library=edited)
    first = p.area("leadership-vision").steps[0]
    assert first.kind == "shadowing" and first.text.startswith(new)
    assert all(old not in s.text for a in p.areas for s in a.steps)
    top = plan({"strategic-planning": 4}, library=edited).area("strategic-planning").mentoring_steps
    assert top[0].kind == "leading" and top[0].text.startswith("Coach a colleague")
    assert plan(ONE).area("leadership-vision").steps[0].text.startswith(old)  # the shipped file is unchanged


def test_an_area_the_library_does_not_know_has_no_steps():
    text = """
id = "mini"
name = "Mini"
[[categories]]
id = "c"
name = "C"
[[areas]]
id = "digital-equity"
name = "Digital Equity"
category = "c"
"""
    fw = parse_framework(text)
    p = plan({"digital-equity": 1}, framework=fw)
    a = p.area("digital-equity")
    assert not a.in_library and a.steps == () and a.cetl is None and a.iste == () and a.references == ""
    assert a.is_gap and a.next_descriptor.startswith("Developing: I do routine work in Digital Equity")


def test_the_agreement_scale_takes_steps_and_targets_by_position():
    """On 1–5 the default target 3 becomes 4 (Agree). Neither agree nor disagree (3) is 1 below it and takes
    level 2's steps; Agree (4) is at target with level 3's steps; Strongly agree (5) is at the top."""
    assert [library_level(v, A5) for v in A5.values] == [1, 2, 2, 3, 4]
    assert [library_level(v, P4) for v in P4.values] == [1, 2, 3, 4]
    p = plan({"leadership-vision": 3, "strategic-planning": 4, "ethics-policies": 5, "data-management": 1},
             scale=A5)
    lv = p.area("leadership-vision")
    assert lv.target == 4 and lv.gap == 1 and lv.rating_text == "3 Neither agree nor disagree"
    assert lv.steps == LIB.steps_for("leadership-vision", 2)
    assert lv.next_descriptor.startswith("Agree: I help shape the district's technology vision")
    assert p.area("strategic-planning").steps == LIB.steps_for("strategic-planning", 3)
    assert p.area("ethics-policies").mentoring_steps == LIB.steps_for("ethics-policies", 4)
    assert ids(p.gaps) == ["data-management", "leadership-vision"]


# ---- previous round and team -------------------------------------------------------------------------------------
def test_change_since_the_previous_round_in_arrows_and_words():
    now = {"leadership-vision": 2, "strategic-planning": 1, "ethics-policies": 3, "instructional-focus-pd": 2,
           "team-building-staffing": "n/a", "it-management": None, "communication-systems": 3}
    before = {"leadership-vision": 1, "strategic-planning": 3, "ethics-policies": 3, "instructional-focus-pd": "n/a",
              "team-building-staffing": 2, "it-management": 4}
    p = plan(now, previous=before)
    assert p.has_previous
    got = {a.area_id: (a.change, a.direction, a.change_text) for a in p.areas}
    assert got["leadership-vision"] == (1, "up", "▲ up 1 level")
    assert got["strategic-planning"] == (-2, "down", "▼ down 2 levels")
    assert got["ethics-policies"] == (0, "same", "► no change")
    assert got["instructional-focus-pd"] == (None, "", "was not part of my role")
    assert got["team-building-staffing"] == (None, "", "now not part of my role; was 2 Developing")
    assert got["it-management"] == (None, "", "not answered now; was 4 Advanced")
    assert got["communication-systems"] == (None, "", "no rating last time")
    assert got["data-management"] == (None, "", "")
    assert p.area("leadership-vision").previous_rating == 1
    assert "Since last round" in p.table().columns
    without = plan(now)
    assert not without.has_previous and "Since last round" not in without.table().columns
    assert all(a.change_text == "" for a in without.areas)


def test_team_figures_are_carried_through_untouched():
    team = pd.DataFrame({"mean": [7 / 3, math.nan, 2.5], "n": [6.0, math.nan, 12.0]},
                        index=pd.Index(["leadership-vision", "strategic-planning", "data-management"], name="area_id"))
    p = plan(ONE, team=team)
    assert p.area("leadership-vision").team_mean == 7 / 3 and p.area("leadership-vision").team_n == 6
    assert math.isnan(p.area("strategic-planning").team_mean) and math.isnan(p.area("strategic-planning").team_n)
    assert math.isnan(p.area("ethics-policies").team_mean)  # not given
    table = p.table().set_index("Skill area")
    assert table.loc["Leadership and Vision", "Team mean"] == "2.3"
    assert table.loc["Strategic Planning", "Team mean"] == "hidden"
    as_column = plan(ONE, team=team.reset_index())
    assert as_column.area("data-management").team_mean == 2.5
    assert "Team mean" not in plan(ONE).table().columns


# ---- the inputs --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample():
    return read_survey(SAMPLE.read_bytes(), SAMPLE.name, FW, scale="1-4", targets=default_targets()).ratings


def test_a_persons_tidy_rows_make_the_same_plan_as_the_mapping(sample):
    person = sample["respondent"].iloc[0]
    rows = sample[sample["respondent"] == person]
    role = str(rows["role_id"].iloc[0])
    p = plan(rows, targets=default_targets(), role_id=role)
    by_hand = {str(r.area_id): (int(r.rating) if r.status == "rated" else "n/a" if r.status == "not applicable"
                                else None) for r in rows.itertuples()}
    assert p.table().equals(plan(by_hand, targets=default_targets(), role_id=role).table())
    assert p.role_id == role
    with pytest.raises(PlanError, match="more than one person"):
        plan(sample, targets=default_targets())


def test_a_not_applicable_row_of_the_importer_is_not_part_of_my_role(sample):
    na = sample[sample["status"].astype("string") == "not applicable"]
    assert len(na), "the sample district has N/A answers"
    person = na["respondent"].iloc[0]
    rows = sample[sample["respondent"] == person]
    p = plan(rows)
    assert set(na[na["respondent"] == person]["area_id"].astype("string")) <= set(ids(p.not_in_role))


@pytest.mark.parametrize("ratings, says", [
    ({"leadership-vision": 5}, "not a level of the Proficiency"),
    ({"leadership-vision": 2.5}, "not a level"),
    (pd.DataFrame({"area_id": ["leadership-vision"] * 2, "rating": [1, 2], "status": ["rated"] * 2}), "twice"),
    ([("leadership-vision", 2)], "must be a frame"),
])
def test_ratings_that_cannot_make_a_plan_are_refused(ratings, says):
    with pytest.raises(PlanError, match=says):
        plan(ratings)


def test_the_same_inputs_give_the_same_plan():
    a, b = plan(ONE, previous={"leadership-vision": 2}), plan(dict(reversed(list(ONE.items()))),
                                                               previous={"leadership-vision": 2})
    assert a.table().equals(b.table())
    assert ids(a.gaps) == ids(b.gaps) and ids(a.strengths) == ids(b.strengths)


# ---- the focus choice --------------------------------------------------------------------------------------------
def test_focus_choice_takes_up_to_three_areas_and_a_note():
    c = focus_choice(["data-management", "it-management"], "  Finish the SIS course by March.  ", FW)
    assert c == FocusChoice(areas=("data-management", "it-management"), note="Finish the SIS course by March.")
    assert c.names(FW) == ["Data Management", "Information Technology Management"]
    assert focus_choice([], "").areas == ()
    assert len(focus_choice(FW.area_ids[:3], "x" * FOCUS_NOTE_MAX, FW).note) == 1000


@pytest.mark.parametrize("areas, note, says", [
    (FW.area_ids[:4], "", "Choose at most 3 focus areas."),
    (["data-management", "data-management"], "", "A skill area is chosen twice."),
    (["data-management"], "x" * (FOCUS_NOTE_MAX + 1), "A note has at most 1,000 characters."),
    (["stakeholder-focus"], "", "'stakeholder-focus' is not a skill area of CoSN"),
])
def test_focus_choice_refusals_are_one_sentence(areas, note, says):
    with pytest.raises(FocusError) as err:
        focus_choice(areas, note, FW)
    assert str(err.value).startswith(says)


# ---- one's own rows ---------------------------------------------------------------------------------------------
_PEOPLE = st.lists(st.tuples(st.sampled_from(["ann@d.org", " Ann@D.org ", "bo@d.org", "BO@d.org", "", None]),
                             st.sampled_from(["Ann Lee", " ann lee", "Bo", "bo ", "", None])), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(_PEOPLE, st.sampled_from(["ann@d.org", "ANN@d.org ", "bo@d.org", "cy@d.org", ""]),
       st.sampled_from(["Ann Lee", "BO", "Cy", ""]))
def test_own_rows_read_a_stored_rounds_categories_as_its_text(people, email, name):
    """A stored round's emails and names are categorical (each distinct value compared once): the person's rows
    are the same as in the same frame of plain text, found by email (case and spaces aside), else by a name
    only one respondent carries."""
    from framework.personal import own_rows

    frame = pd.DataFrame({"respondent": [f"r{i // 2}" for i in range(len(people))],
                          "email": pd.array([e for e, _ in people], dtype="string"),
                          "name": pd.array([n for _, n in people], dtype="string"),
                          "row": range(len(people))})
    stored = frame.astype({"respondent": "category", "email": "category", "name": "category"})
    plain = own_rows(frame, email, name)
    got = own_rows(stored, email, name)
    assert got.index.tolist() == plain.index.tolist()
    assert got.astype({"email": "string", "name": "string", "respondent": "string"}).equals(
        plain.astype({"respondent": "string"}))
