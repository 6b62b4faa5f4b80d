"""The board summary: deterministic plain-language findings whose numbers are the aggregation's."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from framework.aggregate import area_summary, respondent_count
from framework.definitions import get_framework
from framework.importer import read_survey
from framework.narrative import and_list, board_summary, rank_gaps
from framework.publication import publish
from framework.targets import default_targets
from tests.conftest import SAMPLE

AREAS_2018 = ["Leadership and Vision", "Strategic Planning", "Ethics and Policies", "Data Management"]


def survey(columns: list[str], ratings: list[list[str]]) -> bytes:
    """A small wide CSV: one row per person (Name, Email, Role) and a column per skill area."""
    lines = [",".join(["Name", "Email", "Role", *columns])]
    for i, row in enumerate(ratings):
        lines.append(",".join([f"Person {i}", f"p{i}@district.example.org", "Help Desk", *row]))
    return ("\n".join(lines) + "\n").encode()


def summarize(data: bytes, framework_id: str = "cosn-2018", k: int = 5):
    fw = get_framework(framework_id)
    res = read_survey(data, "s.csv", fw)
    areas = publish(res.ratings, fw, res.scale, default_targets(), k).areas()
    n = respondent_count(res.ratings)
    return board_summary(areas, fw, res.scale, n, k), areas, n


# six people: Leadership 4,4,4,3,3,3 (3.50, all at target); Strategic Planning 2,2,2,2,2,1 (1.83, nobody);
# Ethics 4,2,2,2,2,2 (2.33, one person); Data Management rated by 4 (hidden at k = 5)
SIX = survey(AREAS_2018, [
    ["4", "2", "4", "3"], ["4", "2", "2", "3"], ["4", "2", "2", "3"],
    ["3", "2", "2", "3"], ["3", "2", "2", "N/A"], ["3", "1", "2", "N/A"],
])


def test_six_people_findings_follow_the_hand_worked_numbers():
    """Standing, strengths, gaps, coverage, hidden and asks all say what the hand-worked numbers say."""
    summary, _areas, n = summarize(SIX)
    assert n == 6 and not summary.suppressed
    assert [f.key for f in summary.findings] == ["standing", "strengths", "gaps", "coverage", "base", "hidden", "asks"]

    standing = summary.finding("standing")
    # Data Management is hidden, so the team average (the mean of every area's average) is not reported:
    # the mean of the other three, (3.5 + 11/6 + 14/6) / 3, would be a different figure
    assert math.isnan(standing.numbers["team_mean"])
    assert standing.numbers["areas_below"] == 2 and standing.numbers["areas_rated"] == 3
    assert "2 of the 3 skill areas that can be shown are below target" in standing.headline
    assert "not reported while 1 skill area is hidden" in standing.points[0]
    assert "2.56" not in standing.text

    strengths = summary.finding("strengths")
    assert strengths.areas == ("leadership-vision",)  # a third of 3 rated areas: one
    assert "Leadership and Vision: average 3.50 against a target of 3 (above target); 6 of 6 people (100%)" in strengths.points[0]

    gaps = summary.finding("gaps")
    assert [a["area"] for a in gaps.numbers["areas"]] == ["Strategic Planning", "Ethics and Policies"]
    assert gaps.headline == "The largest gaps are in Strategic Planning and Ethics and Policies."
    assert "average 1.83 against a target of 3, 1.17 levels below; 0 of 6 people" in gaps.points[0]
    assert "average 2.33 against a target of 3, 0.67 levels below; 1 of 6 people" in gaps.points[1]

    coverage = summary.finding("coverage")
    assert [a["area"] for a in coverage.numbers["nobody"]] == ["Strategic Planning"]
    assert [a["area"] for a in coverage.numbers["spof"]] == ["Ethics and Policies"]
    assert coverage.headline == ("Nobody on the team is at target in Strategic Planning; one area depends on a single "
                                 "person: Ethics and Policies.")
    assert any("Cover in the 1 hidden area is not reported" in p for p in coverage.points)

    hidden = summary.finding("hidden")
    assert hidden.numbers["hidden"] == ["Data Management"]
    assert len(hidden.numbers["no_ratings"]) == 6  # the six areas the file has no column for
    assert "Data Management: hidden, fewer than 5 people rated it." in hidden.points

    base = summary.finding("base")
    assert base.headline == "These results rest on 6 people."
    assert base.numbers["not_applicable"] == 0  # N/A answers in the hidden area are not reported either

    asks = summary.asks
    assert asks[0].startswith("Professional learning in Strategic Planning and Ethics and Policies")
    assert "(1.17 and 0.67 levels below target)" in asks[0]
    assert any(a.startswith("Staffing or cross-training so that more than one person covers Ethics and Policies")
               for a in asks)
    assert any(a.startswith("Outside expertise, hiring or training for Strategic Planning") for a in asks)
    assert any(a.startswith("A fuller response to the next survey round: 1 area") for a in asks)


def test_every_number_in_the_text_is_the_aggregations():
    """On the sample district, each area sentence's average, gap and counts are the area_summary's."""
    summary, areas, _n = summarize(SAMPLE.read_bytes())
    by_name = areas.set_index("area")
    checked = 0
    for finding in summary.findings:
        for point in finding.points:
            m = re.match(r"^(?P<area>[^:]+): average (?P<mean>\d\.\d\d) against a target of (?P<target>\d)", point)
            if not m:
                continue
            row = by_name.loc[m["area"]]
            assert m["mean"] == f"{row['mean']:.2f}"
            assert int(m["target"]) == row["target"]
            people = re.search(r"(\d+) of (\d+) people", point)
            assert (int(people[1]), int(people[2])) == (int(row["at_target_n"]), int(row["n"]))
            gap = re.search(r"(\d\.\d\d) levels below", point)
            if gap:
                assert gap[1] == f"{row['gap']:.2f}"
            checked += 1
    assert checked == 6  # three strengths, three gaps
    assert summary.finding("standing").numbers["team_mean"] == pytest.approx(areas["mean"].mean())


def test_gaps_are_ranked_by_gap_times_area_weight():
    """2009 weights: Data Management 1.5 × 7 = 10.5, Leadership 0.5 × 15 = 7.5, Business 1.0 × 7 = 7.0."""
    cols = ["Leadership and Vision", "Business Management", "Data Management", "Communication Systems Management"]
    rows = [["3", "2", "1", "3"], ["3", "2", "1", "3"], ["3", "2", "1", "3"],
            ["2", "2", "2", "3"], ["2", "2", "2", "3"], ["2", "2", "2", "3"]]
    weighted, _, _ = summarize(survey(cols, rows), "cosn-2009")
    gaps = weighted.finding("gaps")
    assert [a["area"] for a in gaps.numbers["areas"]] == ["Data Management", "Leadership and Vision", "Business Management"]
    assert [round(a["priority"], 6) for a in gaps.numbers["areas"]] == [10.5, 7.5, 7.0]
    assert gaps.headline.startswith("Weighted by each area's weight in the framework")
    assert "(× weight 7 = priority 10.5)" in gaps.points[0]
    assert gaps.chart == "priority"

    plain, _, _ = summarize(survey(cols, rows), "cosn-2018")  # no weights: weight 1, ranked by gap
    gaps = plain.finding("gaps")
    assert [a["area"] for a in gaps.numbers["areas"]] == ["Data Management", "Business Management", "Leadership and Vision"]
    assert all(a["weight"] == 1 for a in gaps.numbers["areas"])
    assert "weight" not in " ".join(gaps.points)


def test_ties_in_gaps_keep_framework_order():
    """Equal gap × weight: the larger gap first, then the framework's order."""
    rows = pd.DataFrame({"mean": [2.0, 2.0, 2.5], "gap": [1.0, 1.0, 0.5], "weight": [1.0, 1.0, 2.0],
                         "priority": [1.0, 1.0, 1.0], "order": [3, 1, 0], "area": ["C", "A", "Z"]}).to_dict("records")
    assert [r["area"] for r in rank_gaps(rows)] == ["A", "C", "Z"]


def test_too_few_respondents_hides_everything():
    """Four people (k = 5): no figures, no means in the text, and the ask is a fuller response."""
    four = survey(AREAS_2018, [["4", "2", "4", "3"], ["4", "2", "2", "3"], ["4", "2", "2", "3"], ["3", "2", "2", "3"]])
    summary, _, n = summarize(four)
    assert n == 4 and summary.suppressed
    assert [f.key for f in summary.findings] == ["standing", "hidden", "asks"]
    text = summary.text()
    assert not re.search(r"\d\.\d", text), "no averages or gaps when everything is hidden"
    assert "4 people responded, fewer than the 5 needed" in text
    assert summary.asks == ("Encourage the whole technology team to take the next survey: at least 5 responses are "
                            "needed before any results can be reported (this round had 4).",)


def test_nothing_to_ask_when_every_area_is_covered():
    """All at or above target with at least two people each: the ask is to keep going, nothing invented."""
    rows = [["3", "4"], ["3", "3"], ["4", "3"], ["3", "3"], ["3", "4"]]
    summary, _, _ = summarize(survey(["Leadership and Vision", "Strategic Planning"], rows))
    assert summary.finding("gaps").headline == "No skill area is below its target."
    assert summary.finding("coverage").headline == "Every rated area has at least two people at or above target."
    assert summary.finding("asks").headline == "Nothing new to ask this round."
    assert len(summary.asks) == 1 and summary.asks[0].startswith("No new request")


def test_the_summary_is_deterministic_and_invents_no_causes():
    """The same data in another row order gives the same text; no speculative wording appears."""
    first, _, _ = summarize(SIX)
    lines = SIX.decode().splitlines()
    shuffled = ("\n".join([lines[0], *reversed(lines[1:])]) + "\n").encode()
    second, _, _ = summarize(shuffled)
    assert first.text() == second.text()
    speculative = ["likely", "probably", "due to", "caused", "suggests", "might", "perhaps", "lack of"]
    assert not [w for w in speculative if w in first.text().lower()]


def test_the_summary_is_always_anonymous():
    """A named view (no minimum group size) or one below 3 is refused."""
    fw = get_framework()
    res = read_survey(SIX, "s.csv", fw)
    areas = area_summary(res.ratings, fw, res.scale, default_targets())
    with pytest.raises(ValueError, match="always anonymous"):
        board_summary(areas, fw, res.scale, 6, None)
    with pytest.raises(ValueError, match="at least 3"):
        board_summary(areas, fw, res.scale, 6, 2)


def test_lists_read_as_english():
    assert and_list(["A"]) == "A"
    assert and_list(["A", "B"]) == "A and B"
    assert and_list(["A", "B", "C"]) == "A, B and C"
    assert and_list(["Leadership and Vision", "B", "C"]) == "Leadership and Vision; B; and C"


def test_markdown_escapes_area_names():
    """Text shown as Markdown cannot be turned into links or emphasis by a name in the data."""
    summary, _, _ = summarize(SIX)
    md = summary.markdown()
    assert "**What we ask of the board.**" in md
    from framework.narrative import md_escape

    assert md_escape("*bold* [x](http://e)") == "\\*bold\\* \\[x\\]\\(http\\:\\/\\/e\\)"


def test_strengths_say_whether_the_highest_rated_areas_reach_target():
    """Highest means first; the headline says in numbers how many of them meet their target."""
    cols = ["Leadership and Vision", "Strategic Planning", "Ethics and Policies", "Data Management",
            "Business Management", "Team Building and Staffing"]
    # means: 3.2, 2.8, 2.0, 1.6, 1.4, 1.2 -> two strongest: Leadership (met) and Strategic Planning (not met)
    rows = [["4", "3", "2", "2", "1", "1"], ["3", "3", "2", "2", "2", "1"], ["3", "3", "2", "1", "1", "1"],
            ["3", "3", "2", "2", "1", "2"], ["3", "2", "2", "1", "2", "1"]]
    mixed, _, _ = summarize(survey(cols, rows))
    strengths = mixed.finding("strengths")
    assert [a["area"] for a in strengths.numbers["areas"]] == ["Leadership and Vision", "Strategic Planning"]
    assert strengths.headline == ("The highest rated areas are Leadership and Vision and Strategic Planning; "
                                  "1 of them reaches target.")
    low = [[str(min(int(v), 2)) for v in r] for r in rows]  # nobody above 2: no area reaches 3
    none, _, _ = summarize(survey(cols, low))
    assert none.finding("strengths").headline.startswith("No skill area reaches its target yet; the highest rated are")
