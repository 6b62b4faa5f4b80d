"""Mapping overrides and saved mapping profiles: the next upload of the same form reads the same way."""

from __future__ import annotations

import json

import pytest

from framework.definitions import get_framework
from framework.importer import read_survey
from framework.mapping import MappingProfile, MappingProfileError, find_profile, load_profiles, save_profile

FW = get_framework()
# headers no matcher could guess: the district's own question codes
CODED = b"Who,Q1,Q2,Q3\nAnn,3,4,hello\nBob,2,2,x\nCy,4,1,\n"
MAPPING = {"Who": "name", "Q1": "leadership-vision", "Q2": "data-management", "Q3": ""}


def test_without_mapping_coded_headers_are_unusable():
    """Coded headers match no skill area: the importer says so instead of guessing."""
    with pytest.raises(ValueError, match="none of them a skill area"):
        read_survey(CODED, "coded.csv", FW)


def test_overrides_decide_what_each_column_holds():
    """User overrides map columns to areas, identity fields, or nothing."""
    res = read_survey(CODED, "coded.csv", FW, overrides=MAPPING)
    kinds = {m.column: (m.kind, m.target, m.method) for m in res.report.mapping}
    assert kinds["Q1"] == ("area", "leadership-vision", "chosen by user")
    assert kinds["Q3"] == ("unmapped", "", "chosen by user")
    lv = res.ratings[res.ratings["area_id"] == "leadership-vision"]
    assert lv["rating"].tolist() == [3, 2, 4]
    assert set(res.ratings["name"]) == {"Ann", "Bob", "Cy"}
    assert res.report.rejected.empty  # Q3's text is in a column that is not used


def test_saved_profile_is_applied_to_the_same_form(tmp_path):
    """A saved profile is found by the file's headers and applied, and the report names it."""
    path = save_profile(MappingProfile("Fall staff survey", FW.id, ("Who", "Q1", "Q2", "Q3"), MAPPING), tmp_path)
    assert path.name == "fall-staff-survey.json"
    profiles, problems = load_profiles(tmp_path)
    assert problems == [] and profiles[0].mapping == MAPPING
    res = read_survey(CODED, "again.csv", FW, profiles=profiles)
    assert res.report.profile == "Fall staff survey"
    assert any("Fall staff survey" in w for w in res.report.warnings)
    assert res.ratings[res.ratings["area_id"] == "data-management"]["rating"].tolist() == [4, 2, 1]


def test_profile_does_not_fit_another_form_or_framework():
    """A profile applies only when its columns are present and the headers largely agree."""
    p = MappingProfile("x", FW.id, ("Who", "Q1", "Q2", "Q3"), MAPPING)
    assert find_profile([p], ["Who", "Q1", "Q2", "Q3"], FW.id) is p
    assert find_profile([p], ["Who", "Q1", "Q2"], FW.id) is None  # Q3 missing
    assert find_profile([p], ["Who", "Q1", "Q2", "Q3", "A", "B", "C"], FW.id) is None  # overlap 4/7
    assert find_profile([p], ["Who", "Q1", "Q2", "Q3"], "cosn-2009") is None


def test_explicit_overrides_win_over_a_profile():
    """What the user sets now beats what was saved."""
    p = MappingProfile("x", FW.id, ("Who", "Q1", "Q2", "Q3"), MAPPING)
    res = read_survey(CODED, "c.csv", FW, overrides={**MAPPING, "Q1": "strategic-planning"}, profiles=[p])
    assert res.report.profile == ""
    assert set(res.ratings["area_id"].astype(str)) == {"strategic-planning", "data-management"}


def test_unreadable_profile_files_are_reported_not_fatal(tmp_path):
    """A broken profile file is skipped with a sentence naming it."""
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "partial.json").write_text(json.dumps({"name": "p"}))
    profiles, problems = load_profiles(tmp_path)
    assert profiles == []
    assert len(problems) == 2 and all("was skipped" in p for p in problems)
    assert "bad.json" in problems[0]


def test_profile_needs_a_name(tmp_path):
    with pytest.raises(MappingProfileError):
        save_profile(MappingProfile("  ", FW.id, ("a",), {"a": ""}), tmp_path)


def test_editor_edits_become_a_full_mapping():
    """The Upload page's editor: changed rows replace the automatic match, the rest stay."""
    from framework.mapping import NOT_USED, choice_labels, mapping_from_edits

    res = read_survey(b"Name,Leadership,Misc\nAnn,3,4\nBo,2,2\n", "e.csv", FW)
    assert {m.column: m.target for m in res.report.mapping} == {"Name": "name", "Leadership": "leadership-vision", "Misc": ""}
    edits = {2: {"Read as": "Skill area: Data Management"}, 1: {"Read as": NOT_USED}}
    mapping = mapping_from_edits(res.report.mapping, edits, FW)
    assert mapping == {"Name": "name", "Leadership": "", "Misc": "data-management"}
    assert set(choice_labels(FW).values()) >= set(FW.area_ids) | {"email", "role", "group", ""}
    again = read_survey(b"Name,Leadership,Misc\nAnn,3,4\nBo,2,2\n", "e.csv", FW, overrides=mapping)
    assert again.ratings[again.ratings["area_id"] == "data-management"]["rating"].tolist() == [4, 2]
