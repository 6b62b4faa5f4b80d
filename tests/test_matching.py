"""Header matching that knows words: the pronoun "it" is never IT, spelling similarity never decides alone, every
automatic match says why, and an unsure match is proposed in the mapping editor instead of used."""

from __future__ import annotations

import pytest

from framework.definitions import get_framework
from framework.importer import read_survey
from framework.importer.columns import AREA, IDENTITY, UNMAPPED, USE_AT, AreaMatcher, map_columns
from framework.mapping import NOT_USED, label_for, mapping_from_edits, proposal_for

FW = get_framework("cosn-2018")
MATCHER = AreaMatcher(FW)


@pytest.mark.parametrize("header", [
    # real questions of the public corpus that the old matcher took for Information Technology Management
    "How useful was it?",
    "# it's a comment!",
    "Generally speaking, is it rude to say more than a few words tothe stranger sitting next to you on a plane?",
    "this CSV has some invalid data in it",
    "Prior to reading about it above, had you heard of the serial (or Oxford) comma?",
    "If there an official course webpage, please list it here:",
    "16. When it comes to working on notebooks in a team setting, with how many other people are you collaborating?",
    "Aspect #1:What aspects of Jupyter Notebook make it pleasant to use in your workflow?",
    "HOW USEFUL WAS IT?",
    "It",
])
def test_the_pronoun_it_is_never_information_technology(header):
    found = MATCHER.find(header)
    assert (found.area, found.confidence) == ("", 0.0), found
    [match] = map_columns([header], FW)
    assert match.kind == UNMAPPED and match.proposed == ""


@pytest.mark.parametrize("header", ["IT Mgmt", "IT management", "it mgmt", " IT Mgmt ", "Rate yourself [IT]",
                                    "Rate yourself - IT", "IT", "Information Technology Management"])
def test_it_as_an_abbreviation_names_it_management(header):
    [match] = map_columns([header], FW)
    assert (match.kind, match.target) == (AREA, "it-management"), match
    assert match.confidence >= USE_AT and match.evidence


def test_is_management_is_no_area_not_even_a_proposal():
    """Spelling similarity with 'IT Management' was enough before; a short or generic word decides nothing now."""
    for header in ("is_management", "is management", "management", "Data", "sys mgmt", "Dta Mgmt"):
        found = MATCHER.find(header)
        assert found.area == "", (header, found)


def test_misspelt_names_are_proposed_not_used():
    """'Leadrship and Vison' is spelled like an area's name: a proposal with its evidence, and the column unused."""
    [match] = map_columns(["Leadrship and Vison"], FW)
    assert (match.kind, match.target, match.proposed) == (UNMAPPED, "", "leadership-vision")
    assert match.confidence < USE_AT and match.method == "proposed: spelled like"
    assert match.evidence == "the header 'Leadrship and Vison' is spelled like the name 'Leadership and Vision'"


@pytest.mark.parametrize(("header", "area", "used"), [
    ("Ethics/Policies", "ethics-policies", True),  # the name's words, another joiner
    ("Data Management skills", "data-management", True),  # the name's words and survey filler
    ("Rate your proficiency in Data Management", "data-management", True),
    ("My level in data privacy and security", "data-privacy-security", True),
    # a name inside a longer question: proposed
    ("How many hours of professional development did you attend this year?", "instructional-focus-pd", False),
    # one word of an alias inside a question: proposed
    ("How would you rate the leadership?", "leadership-vision", False),
    ("How would you rate the leadership of your company?", "", False),  # two words: nothing to propose
])
def test_names_inside_questions_are_used_only_when_they_are_most_of_it(header, area, used):
    [match] = map_columns([header], FW)
    if used:
        assert (match.kind, match.target) == (AREA, area), match
    elif area:
        assert (match.kind, match.proposed) == (UNMAPPED, area), match
        assert match.method.startswith("proposed: ")
    else:
        assert (match.kind, match.proposed) == (UNMAPPED, ""), match
    assert match.evidence or not area


def test_a_header_naming_two_areas_is_ambiguous():
    [match] = map_columns(["Data Management and Data Privacy"], FW)
    assert (match.kind, match.method) == (UNMAPPED, "names more than one skill area")


def test_every_automatic_match_carries_its_method_and_evidence():
    headers = ["Timestamp", "Email Address", "Full name", "Job role", "School or department", "IT Mgmt",
               "Rate yourself [Data Privacy and Security]", "Comm. Systems Mgmt", "Team building/staffing",
               "Q7 Ethics", "Rate yourself.Data Management", "Rate yourself - Strategic Planning"]
    matches = map_columns(headers, FW)
    assert [m.letter for m in matches] == list("ABCDEFGHIJKL")
    assert all(m.kind in (AREA, IDENTITY) for m in matches), [m for m in matches if m.kind == UNMAPPED]
    for m in matches:
        assert m.method and m.evidence, m
    by_column = {m.column: m for m in matches}
    assert by_column["Email Address"].evidence == "the word 'email'"
    assert by_column["IT Mgmt"].evidence == "'IT Mgmt' is the alias 'IT Mgmt'"
    assert by_column["Rate yourself [Data Privacy and Security]"].evidence == (
        "the statement 'Data Privacy and Security' is the name 'Data Privacy and Security'")


def test_a_proposal_is_shown_in_the_editor_and_used_once_chosen():
    """The import leaves the proposed column out and says so; choosing the proposal in the editor uses it."""
    data = (b"Name,Leadership and Vision,How many hours of professional development did you attend this year?\n"
            b"Ann,3,4\nBo,2,2\n")
    result = read_survey(data, "pd.csv", FW)
    rep = result.report
    question = "How many hours of professional development did you attend this year?"
    match = next(m for m in rep.mapping if m.column == question)
    assert label_for(match, FW) == NOT_USED
    assert proposal_for(match, FW) == "Skill area: Instructional Focus and Professional Development (60%)"
    assert set(result.ratings["area_id"].astype(str)) == {"leadership-vision"}
    assert any(w.startswith("1 column(s) may hold a skill area, but the match is not sure enough to use without "
                            f"asking: '{question[:59]}…' (column C) may be Instructional Focus") for w in rep.warnings)
    chosen = mapping_from_edits(rep.mapping, {2: {"Read as": "Skill area: Instructional Focus and Professional "
                                                             "Development"}}, FW)
    again = read_survey(data, "pd.csv", FW, overrides=chosen)
    pd_ratings = again.ratings[again.ratings["area_id"].eq("instructional-focus-pd")]
    assert pd_ratings["rating"].tolist() == [4, 2]


def test_matching_ten_thousand_headers_is_quick():
    """Header matching is per header and cached per word: 10,000 question texts in well under a second."""
    import time

    headers = [f"Question {i}: how often do you use tool number {i} in your work?" for i in range(10_000)]
    t = time.perf_counter()
    matches = map_columns(headers, FW)
    assert time.perf_counter() - t < 1.0
    assert all(m.kind == UNMAPPED for m in matches)
