"""Rating scales: reading answers as levels, missing answers, invalid answers and scale detection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framework.scales import BLANK, INVALID, NOT_APPLICABLE, RATED, default_scale, detect_scale, get_scale

PROFICIENCY = get_scale("1-4")
AGREEMENT = get_scale("1-5")


def parse_one(scale, value) -> dict:
    """Parse a single answer and return its rating, status and reason."""
    row = scale.parse(pd.Series([value], dtype=object)).iloc[0]
    return {"rating": row["rating"], "status": row["status"], "reason": row["reason"]}


def test_proficiency_is_the_default_scale():
    """The 1-4 proficiency scale is the default and has the four CoSN-style levels."""
    assert default_scale().id == "1-4"
    assert (PROFICIENCY.min, PROFICIENCY.max) == (1, 4)
    assert [lv.label for lv in PROFICIENCY.levels] == ["Beginning", "Developing", "Proficient", "Advanced"]
    assert (AGREEMENT.min, AGREEMENT.max) == (1, 5)


@pytest.mark.parametrize(
    "answer", ["3", " 3 ", "3.0", "Proficient", "3 - Proficient", "3 – Proficient", "proficient", "PROFICIENT", 3, 3.0]
)
def test_ways_of_writing_proficient_read_as_3(answer):
    """Number, padded number, decimal, label, number-and-label and case variants all read 3."""
    got = parse_one(PROFICIENCY, answer)
    assert got["status"] == RATED
    assert got["rating"] == 3
    assert got["reason"] == ""


@pytest.mark.parametrize("answer", ["N/A", "Not applicable", "Don't know", "Don’t know", "N/A - Not part of my role"])
def test_missing_words_are_not_applicable_never_zero(answer):
    """The missing words (straight or curly apostrophe) read as not applicable with no rating."""
    got = parse_one(PROFICIENCY, answer)
    assert got["status"] == NOT_APPLICABLE
    assert got["rating"] is pd.NA
    assert got["reason"] == ""


@pytest.mark.parametrize("answer", ["", "   ", np.nan, None])
def test_blank_and_nan_are_blank_never_zero(answer):
    """Empty, whitespace-only, NaN and None cells are blank with no rating."""
    got = parse_one(PROFICIENCY, answer)
    assert got["status"] == BLANK
    assert got["rating"] is pd.NA


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("5", "outside the 1–4 scale"),
        ("0", "outside the 1–4 scale"),
        ("-1", "outside the 1–4 scale"),
        ("2.5", "fractional rating; the scale has whole levels only"),
        ("3 - Advanced", "the number and the label name different levels"),
        ("Excellent", "not a level of the Proficiency (1–4) scale"),
    ],
)
def test_invalid_answers_come_back_with_a_reason(answer, reason):
    """Out-of-range, fractional, conflicting and unknown answers are invalid, with the reason given."""
    got = parse_one(PROFICIENCY, answer)
    assert got["status"] == INVALID
    assert got["rating"] is pd.NA
    assert got["reason"].startswith(reason)


def test_agreement_scale_reads_labels_and_5():
    """On the agreement scale 'Strongly agree' and '5' both read 5, and 6 is out of range."""
    parsed = AGREEMENT.parse(pd.Series(["Strongly agree", "5", "strongly disagree", "Neutral", "Agree", "6"]))
    assert parsed["rating"].tolist()[:5] == [5, 5, 1, 3, 4]
    assert parsed["status"].tolist() == [RATED] * 5 + [INVALID]
    assert parsed["reason"].iloc[5] == "outside the 1–5 scale"


def test_parse_keeps_a_non_default_index_and_order():
    """The result is aligned with the input's own index, also when answers repeat."""
    answers = pd.Series(["4", "N/A", "2", "4", "", "abc", "2 - Developing"], index=[70, 12, 95, 3, 41, 8, 60])
    parsed = PROFICIENCY.parse(answers)
    assert parsed.index.tolist() == [70, 12, 95, 3, 41, 8, 60]
    assert parsed["rating"].tolist() == [4, pd.NA, 2, 4, pd.NA, pd.NA, 2]
    assert parsed["status"].tolist() == [RATED, NOT_APPLICABLE, RATED, RATED, BLANK, INVALID, RATED]
    assert parsed.loc[3, "rating"] == 4
    assert parsed.loc[8, "status"] == INVALID


def test_parse_with_string_index_and_numeric_dtype():
    """A float column with NaN (as Excel gives) parses with its string labels kept."""
    parsed = PROFICIENCY.parse(pd.Series([3.0, np.nan, 4.0, 1.0], index=["ann", "bea", "cal", "dee"]))
    assert parsed.index.tolist() == ["ann", "bea", "cal", "dee"]
    assert parsed["rating"].tolist() == [3, pd.NA, 4, 1]
    assert parsed.loc["bea", "status"] == BLANK


def test_parse_rating_dtype_is_nullable_integer():
    """Ratings come back as nullable integers, so missing stays missing rather than becoming 0 or NaN floats."""
    parsed = PROFICIENCY.parse(pd.Series(["4", "N/A", "2"]))
    assert str(parsed["rating"].dtype) == "Int64"
    assert parsed["rating"].sum() == 6
    assert parsed["rating"].mean() == 3  # (4 + 2) / 2: N/A is not a 0


def test_parse_empty_series():
    """An empty column gives an empty result with the three columns."""
    parsed = PROFICIENCY.parse(pd.Series([], dtype="string"))
    assert parsed.empty
    assert list(parsed.columns) == ["rating", "status", "reason"]


@pytest.mark.parametrize(
    "answers",
    [["1", "2", "3", "4", "5"], ["4", "5", "3"], ["Agree", "Strongly agree", "Disagree"], ["Neutral", "2", "3"]],
)
def test_detect_picks_agreement_for_fives_or_agreement_labels(answers):
    """A file with 5s or agreement labels is read on the 1-5 scale, without doubt."""
    choice = detect_scale(pd.Series(answers))
    assert choice.scale.id == "1-5"
    assert choice.ambiguous is False


def test_detect_plain_numbers_1_to_4_is_proficiency_but_ambiguous():
    """Plain numbers 1..4 fit both scales: 1-4 is picked and flagged as ambiguous."""
    choice = detect_scale(pd.Series(["1", "2", "3", "4", "2", "N/A"]))
    assert choice.scale.id == "1-4"
    assert choice.ambiguous is True
    assert "1 and 4" in choice.reason


def test_detect_proficiency_labels_are_not_ambiguous():
    """Answers written with proficiency labels pick 1-4 without doubt."""
    choice = detect_scale(pd.Series(["3 - Proficient", "4 - Advanced", "1 - Beginning", "N/A - Not part of my role"]))
    assert choice.scale.id == "1-4"
    assert choice.ambiguous is False


def test_detect_nothing_readable_falls_back_to_default():
    """When no answer reads as a level the default scale is used and the choice is flagged."""
    choice = detect_scale(pd.Series(["yes", "no", ""]))
    assert choice.scale.id == "1-4"
    assert choice.ambiguous is True


def test_label_of_and_level_text():
    """Levels are named by their labels and N/A for missing."""
    assert PROFICIENCY.label_of(3) == "Proficient"
    assert PROFICIENCY.label_of(None) == "N/A"
    assert PROFICIENCY.label_of(float("nan")) == "N/A"
    assert PROFICIENCY.level_text(4) == "4 Advanced"
    assert AGREEMENT.label_of(5) == "Strongly agree"


@pytest.mark.parametrize("answer", ["3 - Proficient", "3 – Proficient", "3 — Proficient", "3. Proficient",
                                    "(3) Proficient", "3: Proficient", "3) Proficient", "Proficient (3)", "(3)",
                                    "Level 3", "3."])
def test_a_number_with_its_label_reads_as_that_level(answer):
    got = parse_one(PROFICIENCY, answer)
    assert (got["status"], got["rating"], got["reason"]) == (RATED, 3, "")


@pytest.mark.parametrize("answer", ["2 tier architecture", "3 months", "4 years", "2-3", "1/2", "5 stars",
                                    "3 - 4", "2 or 3", "about 3", "3rd", "#2"])
def test_a_number_inside_other_text_is_not_a_rating(answer):
    """Free text that starts with (or holds) a number is rejected with its reason, never read as its number."""
    got = parse_one(PROFICIENCY, answer)
    assert got["status"] == INVALID and got["rating"] is pd.NA
    assert got["reason"].startswith("not a rating on the Proficiency (1–4) scale")


def test_numbers_in_free_text_are_listed_in_the_import_report():
    """Each such cell is in the report's rejected list with its row, column and the reason."""
    from framework.definitions import get_framework
    from framework.importer import read_survey

    data = b"Name,Data Management\nAnn,2 tier architecture\nBo,3 months\nCy,3 - Proficient\nDi,5 stars\n"
    rep = read_survey(data, "f.csv", get_framework(), scale="1-4").report
    rejected = [(r["row"], r["column"], r["value"]) for r in rep.rejected_records() if r["column"] != "(whole row)"]
    assert rejected == [(2, "Data Management", "2 tier architecture"), (3, "Data Management", "3 months"),
                        (5, "Data Management", "5 stars")]
    assert all(r["reason"].startswith("not a rating on the Proficiency (1–4) scale")
               for r in rep.rejected_records() if r["column"] != "(whole row)")
    assert rep.cells_rated == 1  # Cy's "3 - Proficient"
