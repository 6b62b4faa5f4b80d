"""Aggregation: per-area statistics, targets, suppression, role and group breakdowns, categories, headline.

The expected figures are worked out by hand from the small CSVs below (team target 3 everywhere, the
default of framework/data/targets.toml).
"""

from __future__ import annotations

import math
import statistics
from fractions import Fraction as F

import pandas as pd
import pytest

from framework.aggregate import (
    STAT_COLUMNS,
    area_summary,
    category_summary,
    group_summary,
    headline,
    level_columns,
    person_table,
    respondent_count,
    suppressed_groups,
)
from framework.definitions import get_framework
from framework.importer import read_survey
from framework.scales import get_scale
from framework.targets import default_targets

FW = get_framework("cosn-2018")
SCALE = get_scale("1-4")
TARGETS = default_targets()
AREA_COLUMNS = ",".join(a.name for a in FW.areas)

# Six people, every area; Cal left Strategic Planning blank.
#            LV SP EP IF TB IT  CS BM  DM DPS
TEAM = f"""Name,Email,Role,School or department,{AREA_COLUMNS}
Ann,ann@x.org,Network Administrator,Technology Services,4,2,3,2,3,4,4,1,2,2
Bea,bea@x.org,Network Administrator,Technology Services,3,2,3,2,2,4,3,2,2,2
Cal,cal@x.org,Help Desk Technician,Technology Services,2,,3,2,2,3,3,N/A,2,1
Dee,dee@x.org,Help Desk Technician,Schools,2,1,4,3,2,N/A,3,N/A,2,2
Eli,eli@x.org,Help Desk Technician,Schools,1,2,3,2,2,2,2,1,1,1
Fay,fay@x.org,Director of Technology,District Office,4,2,4,3,3,3,3,2,3,3
"""

# Eleven people for the breakdowns: Technology Services 5, Secondary Schools 4, District Office 2;
# Help Desk Technician 6, Network Administrator 3, and two roles of one person each.
BREAKDOWN = """Name,Email,Role,School or department,Leadership and Vision,IT Management,Data Privacy and Security
N1,n1@x.org,Network Administrator,Technology Services,2,4,3
N2,n2@x.org,Network Administrator,Technology Services,2,4,2
N3,n3@x.org,Network Administrator,Technology Services,3,3,3
H1,h1@x.org,Help Desk Technician,Technology Services,2,3,2
H2,h2@x.org,Help Desk Technician,Technology Services,1,2,2
H3,h3@x.org,Help Desk Technician,Secondary Schools,2,3,1
H4,h4@x.org,Help Desk Technician,Secondary Schools,2,2,2
H5,h5@x.org,Help Desk Technician,Secondary Schools,3,3,N/A
H6,h6@x.org,Help Desk Technician,Secondary Schools,1,3,N/A
D1,d1@x.org,Director of Technology,District Office,4,3,3
D2,d2@x.org,Data / SIS Manager,District Office,2,3,4
"""


def tidy(csv_text: str) -> pd.DataFrame:
    """The tidy ratings frame of a hand-written CSV, read on the 1-4 scale."""
    result = read_survey(csv_text.encode("utf-8"), "team.csv", FW, scale="1-4", targets=TARGETS)
    assert result.report.reconciles
    return result.ratings


def areas(csv_text: str, k: int | None = 5) -> pd.DataFrame:
    return area_summary(tidy(csv_text), FW, SCALE, TARGETS, min_group_size=k)


def figure_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that carry results (which suppression must blank)."""
    return [c for c in [*STAT_COLUMNS, *level_columns(SCALE), "n_na"] if c in frame.columns]


def assert_no_figures(rows: pd.DataFrame):
    """Suppressed rows show no statistic, count of levels or flag."""
    assert len(rows) > 0
    assert rows["suppressed"].all()
    assert rows[figure_columns(rows)].isna().all().all()
    assert rows["spof"].isna().all()


# --------------------------------------------------------------------------------------------
# per-area statistics


def test_area_statistics_by_hand():
    """n, mean, median, min, max, std (ddof=1), level counts and gap of Leadership and Vision."""
    lv = areas(TEAM).loc["leadership-vision"]
    # ratings 4, 3, 2, 2, 1, 4: n 6, sum 16, mean 8/3; sorted 1 2 2 3 4 4 -> median (2 + 3) / 2
    # squared deviations from 8/3: 16/9 + 1/9 + 4/9 + 4/9 + 25/9 + 16/9 = 66/9; variance 66/9 / 5
    assert lv["n"] == 6
    assert lv["mean"] == pytest.approx(8 / 3)
    assert lv["median"] == 2.5
    assert (lv["min"], lv["max"]) == (1, 4)
    assert lv["std"] == pytest.approx(math.sqrt(66 / 9 / 5))
    assert lv["std"] == pytest.approx(statistics.stdev([4, 3, 2, 2, 1, 4]))
    assert [lv[c] for c in level_columns(SCALE)] == [1, 2, 1, 2]
    assert lv["target"] == 3
    assert lv["gap"] == pytest.approx(3 - 8 / 3)
    # at or above 3: Ann 4, Bea 3, Fay 4
    assert lv["at_target_n"] == 3
    assert lv["at_target_share"] == pytest.approx(0.5)
    assert not lv["spof"] and not lv["nobody_at_target"] and not lv["suppressed"]


def test_every_area_mean_n_and_target_counts():
    """Each area's n, mean and at-target count match the hand arithmetic."""
    summary = areas(TEAM, k=None)
    expected = {  # area: (ratings) -> n, mean, at or above 3
        "leadership-vision": ([4, 3, 2, 2, 1, 4], 3),
        "strategic-planning": ([2, 2, 1, 2, 2], 0),  # Cal blank
        "ethics-policies": ([3, 3, 3, 4, 3, 4], 6),
        "instructional-focus-pd": ([2, 2, 2, 3, 2, 3], 2),
        "team-building-staffing": ([3, 2, 2, 2, 2, 3], 2),
        "it-management": ([4, 4, 3, 2, 3], 4),  # Dee N/A
        "communication-systems": ([4, 3, 3, 3, 2, 3], 5),
        "business-management": ([1, 2, 1, 2], 0),  # Cal and Dee N/A
        "data-management": ([2, 2, 2, 2, 1, 3], 1),
        "data-privacy-security": ([2, 2, 1, 2, 1, 3], 1),
    }
    assert summary.index.tolist() == list(expected)  # framework order
    for area_id, (ratings, at_target) in expected.items():
        row = summary.loc[area_id]
        assert row["n"] == len(ratings), area_id
        assert row["mean"] == pytest.approx(sum(ratings) / len(ratings)), area_id
        assert row["at_target_n"] == at_target, area_id
        assert row["at_target_share"] == pytest.approx(at_target / len(ratings)), area_id
        assert row["gap"] == pytest.approx(3 - sum(ratings) / len(ratings)), area_id


def test_it_management_with_one_not_applicable():
    """IT Management: 4, 4, 3, N/A, 2, 3 gives n 5, mean 16/5, median 3, std sqrt(2.8/4), one N/A."""
    it = areas(TEAM).loc["it-management"]
    # deviations from 3.2: .8 .8 -.2 -1.2 -.2 -> squares .64 .64 .04 1.44 .04 = 2.8
    assert it["n"] == 5
    assert it["mean"] == pytest.approx(3.2)
    assert it["median"] == 3
    assert it["std"] == pytest.approx(math.sqrt(2.8 / 4))
    assert it["gap"] == pytest.approx(-0.2)
    assert it["n_na"] == 1
    assert it["at_target_n"] == 4


def test_single_point_of_failure_and_nobody_at_target():
    """spof is exactly one person at target; nobody_at_target is none at target among some ratings."""
    summary = areas(TEAM)
    # Data Management: only Fay (3); Data Privacy and Security: only Fay (3)
    assert summary.loc["data-management", "spof"]
    assert summary.loc["data-privacy-security", "spof"]
    assert summary.loc["data-management", "at_target_n"] == 1
    # Strategic Planning: 2, 2, 1, 2, 2 - nobody at 3
    assert summary.loc["strategic-planning", "nobody_at_target"]
    assert not summary.loc["strategic-planning", "spof"]
    # Ethics and Policies: everyone at target
    assert not summary.loc["ethics-policies", "spof"]
    assert not summary.loc["ethics-policies", "nobody_at_target"]
    assert summary["spof"].fillna(False).sum() == 2


def test_not_applicable_is_not_counted_as_zero():
    """The mean of [4, N/A, 2] is 3 with n 2, not 2 with n 3."""
    # B also rates IT Management, so B's row is used and the N/A stays in the data
    summary = areas("Name,Leadership and Vision,IT Management\nA,4,3\nB,N/A,3\nC,2,3\n", k=None)
    lv = summary.loc["leadership-vision"]
    assert lv["n"] == 2
    assert lv["mean"] == 3
    assert lv["min"] == 2
    assert lv["n_na"] == 1
    assert lv["level_1"] == 0


def test_named_view_suppresses_nothing():
    """min_group_size=None (the team's named view) shows even an area rated by four people."""
    bm = areas(TEAM, k=None).loc["business-management"]
    # Business Management: 1, 2, 1, 2 -> n 4, mean 1.5, std sqrt(1/3)
    assert not bm["suppressed"]
    assert bm["mean"] == 1.5
    assert bm["std"] == pytest.approx(math.sqrt(1 / 3))
    assert bm["nobody_at_target"]


# --------------------------------------------------------------------------------------------
# suppression


def test_area_below_min_group_size_is_suppressed():
    """With k=5, Business Management (n 4) is suppressed with no figures; areas with n >= 5 are shown."""
    summary = areas(TEAM, k=5)
    assert_no_figures(summary.loc[["business-management"]])
    assert summary.loc["business-management", "n"] == 4
    assert summary.loc["it-management", "mean"] == pytest.approx(3.2)  # n 5: shown
    assert not summary.loc["it-management", "suppressed"]
    assert summary["suppressed"].sum() == 1


def test_fewer_respondents_than_k_suppresses_everything():
    """Four respondents with k=5: every area is suppressed and no mean is shown."""
    four = "\n".join(TEAM.splitlines()[:5]) + "\n"  # header + Ann, Bea, Cal, Dee
    ratings = tidy(four)
    assert respondent_count(ratings) == 4
    summary = area_summary(ratings, FW, SCALE, TARGETS, min_group_size=5)
    assert summary["suppressed"].all()
    assert summary["mean"].isna().all()
    assert_no_figures(summary[summary["n"] > 0])
    cats = category_summary(ratings, FW, SCALE, TARGETS, min_group_size=5)
    assert cats["suppressed"].all() and cats["mean"].isna().all()
    h = headline(summary, 4)
    assert math.isnan(h["team_mean"]) and h["areas_rated"] == 0
    # the same four with k=3: Leadership and Vision 4, 3, 2, 2 -> mean 11/4
    shown = area_summary(ratings, FW, SCALE, TARGETS, min_group_size=3)
    assert shown.loc["leadership-vision", "mean"] == pytest.approx(11 / 4)


@pytest.mark.parametrize("k", [2, 1, 0, -5, 3.5])
def test_min_group_size_below_three_or_fractional_raises(k):
    """The minimum group size is a whole number of at least 3 in every summary."""
    ratings = tidy(TEAM)
    with pytest.raises(ValueError, match="at least 3"):
        area_summary(ratings, FW, SCALE, TARGETS, min_group_size=k)
    with pytest.raises(ValueError, match="at least 3"):
        category_summary(ratings, FW, SCALE, TARGETS, min_group_size=k)
    with pytest.raises(ValueError, match="at least 3"):
        group_summary(ratings, FW, SCALE, TARGETS, by="role", min_group_size=k)


# --------------------------------------------------------------------------------------------
# breakdowns by role and by group


def test_group_summary_by_group_with_complementary_suppression():
    """By school/department, k=3: District Office (2) is hidden, so the next smallest, Secondary Schools (4), is too."""
    out = group_summary(tidy(BREAKDOWN), FW, SCALE, TARGETS, by="group", min_group_size=3)
    groups = out.index.get_level_values("group")
    assert list(dict.fromkeys(groups)) == ["Technology Services", "Secondary Schools", "District Office"]
    assert out.xs("District Office", level="group")["group_n"].iloc[0] == 2
    for hidden in ("District Office", "Secondary Schools"):
        assert_no_figures(out.xs(hidden, level="group", drop_level=False))
    shown = out.xs("Technology Services", level="group")
    assert not shown["suppressed"].any()
    # Technology Services (N1 N2 N3 H1 H2), team target 3:
    # Leadership and Vision 2, 2, 3, 2, 1 -> mean 2, one at target (spof)
    # IT Management 4, 4, 3, 3, 2 -> mean 16/5, four at target
    # Data Privacy and Security 3, 2, 3, 2, 2 -> mean 12/5, two at target
    assert shown.loc["leadership-vision", "mean"] == 2
    assert shown.loc["leadership-vision", "spof"]
    assert shown.loc["it-management", "mean"] == pytest.approx(16 / 5)
    assert shown.loc["it-management", "target"] == 3
    assert shown.loc["it-management", "at_target_n"] == 4
    assert shown.loc["data-privacy-security", "mean"] == pytest.approx(12 / 5)
    assert shown.loc["data-privacy-security", "at_target_n"] == 2


def test_group_summary_by_role_uses_role_profile_targets():
    """By role, k=3: the one-person roles are hidden, and with them the next smallest role (the two
    hidden people alone could be worked out from the total); roles compare with their own targets."""
    out = group_summary(tidy(BREAKDOWN), FW, SCALE, TARGETS, by="role", min_group_size=3)
    for hidden in ("Director of Technology", "Data / SIS Manager", "Network Administrator"):
        assert_no_figures(out.xs(hidden, level="role", drop_level=False))
    assert not out.xs("Help Desk Technician", level="role")["suppressed"].any()
    named = group_summary(tidy(BREAKDOWN), FW, SCALE, TARGETS, by="role", min_group_size=None)
    net = named.xs("Network Administrator", level="role")
    assert not net["suppressed"].any()
    # Network Administrator: IT Management target 4 (its role profile), ratings 4, 4, 3
    # -> mean 11/3, gap 4 - 11/3 = 1/3, two of three at target (the 3 is below 4)
    assert net.loc["it-management", "target"] == 4
    assert net.loc["it-management", "mean"] == pytest.approx(11 / 3)
    assert net.loc["it-management", "gap"] == pytest.approx(1 / 3)
    assert net.loc["it-management", "at_target_n"] == 2
    # Leadership and Vision target 2 for network admins: 2, 2, 3 all at target
    assert net.loc["leadership-vision", "target"] == 2
    assert net.loc["leadership-vision", "at_target_n"] == 3
    desk = out.xs("Help Desk Technician", level="role")
    # Help Desk: Leadership and Vision target 2, ratings 2, 1, 2, 2, 3, 1 -> mean 11/6, four at target
    # Data Privacy and Security target 3 (default), ratings 2, 2, 1, 2 (two N/A) -> mean 7/4, none at target
    assert desk.loc["leadership-vision", "target"] == 2
    assert desk.loc["leadership-vision", "mean"] == pytest.approx(11 / 6)
    assert desk.loc["leadership-vision", "at_target_n"] == 4
    assert desk.loc["data-privacy-security", "n"] == 4
    assert desk.loc["data-privacy-security", "mean"] == pytest.approx(7 / 4)
    assert desk.loc["data-privacy-security", "target"] == 3
    assert desk.loc["data-privacy-security", "at_target_n"] == 0


def test_complementary_suppression_of_a_single_small_cell():
    """Two groups of four, k=3: South's 2 ratings in one area hide that cell and North's cell in the same area."""
    text = """Name,Email,School or department,Leadership and Vision,Data Privacy and Security
A1,a1@x.org,North,3,3
A2,a2@x.org,North,2,3
A3,a3@x.org,North,4,2
A4,a4@x.org,North,3,4
B1,b1@x.org,South,2,N/A
B2,b2@x.org,South,2,N/A
B3,b3@x.org,South,3,2
B4,b4@x.org,South,1,3
"""
    out = group_summary(tidy(text), FW, SCALE, TARGETS, by="group", min_group_size=3)
    dps = out.xs("data-privacy-security", level="area_id", drop_level=False)
    assert dps.xs("South", level="group")["n"].iloc[0] == 2
    assert_no_figures(dps)  # both groups' cells hidden in this area
    lv = out.xs("leadership-vision", level="area_id")
    assert not lv["suppressed"].any()
    # Leadership and Vision: North 3, 2, 4, 3 -> 3; South 2, 2, 3, 1 -> 2
    assert lv.loc["North", "mean"] == 3
    assert lv.loc["South", "mean"] == 2


def test_missing_group_is_not_stated_and_named_view_hides_nothing():
    """A blank school/department becomes 'Not stated'; with no minimum size every group is shown."""
    text = "Name,School or department,Leadership and Vision\nA,North,3\nB,,2\nC,,4\n"
    out = group_summary(tidy(text), FW, SCALE, TARGETS, by="group", min_group_size=None)
    lv = out.xs("leadership-vision", level="area_id")
    assert not out["suppressed"].any()
    assert lv.loc["Not stated", "n"] == 2
    assert lv.loc["Not stated", "mean"] == 3  # (2 + 4) / 2
    assert lv.loc["North", "mean"] == 3


def test_suppressed_groups_rule():
    """Below-k groups are hidden, then the smallest others until the hidden people add up to k; empty ones never."""
    sizes = pd.Series({"a": 10, "b": 6, "c": 2})
    assert suppressed_groups(sizes, 5) == ["c", "b"]
    # b and c together are 3 people: subtracting a from the total would show them, so a goes too
    assert sorted(suppressed_groups(pd.Series({"a": 10, "b": 2, "c": 1}), 5)) == ["a", "b", "c"]
    assert sorted(suppressed_groups(pd.Series({"a": 10, "b": 9, "c": 3, "d": 3}), 5)) == ["c", "d"]  # 6 >= 5
    assert suppressed_groups(pd.Series({"a": 10, "b": 6}), 5) == []
    assert suppressed_groups(pd.Series({"a": 10, "b": 0}), 5) == []
    # 4 people already hidden in the breakdown: c (2) brings that to 6, enough
    assert suppressed_groups(pd.Series({"a": 10, "b": 6, "c": 2}), 5, already_hidden=4) == ["c"]
    assert suppressed_groups(pd.Series({"a": 10, "b": 6, "c": 2}), 5, already_hidden=1) == ["c", "b"]


def test_unknown_breakdown_is_refused():
    """group_summary only breaks down by role or group."""
    with pytest.raises(ValueError, match="by must be"):
        group_summary(tidy(TEAM), FW, SCALE, TARGETS, by="email")


# --------------------------------------------------------------------------------------------
# categories, people, headline


def test_category_summary_by_hand():
    """Category figures are statistics over each person's mean across the category's rated areas."""
    # named view: Business Management (4 ratings) would be hidden, and left out, in anonymous results
    cats = category_summary(tidy(TEAM), FW, SCALE, TARGETS, min_group_size=None)
    assert cats.index.tolist() == ["leadership-vision", "educational-environment", "managing-technology"]
    assert cats["areas"].tolist() == [3, 2, 5]
    # Leadership & Vision (LV, SP, EP): Ann (4+2+3)/3, Bea (3+2+3)/3, Cal (2+3)/2 (SP blank),
    # Dee (2+1+4)/3, Eli (1+2+3)/3, Fay (4+2+4)/3
    lead = [F(9, 3), F(8, 3), F(5, 2), F(7, 3), F(6, 3), F(10, 3)]
    # Educational Environment (IF, TB): (2+3)/2, (2+2)/2, (2+2)/2, (3+2)/2, (2+2)/2, (3+3)/2
    edu = [F(5, 2), F(2), F(2), F(5, 2), F(2), F(3)]
    # Managing Technology (IT, CS, BM, DM, DPS): Ann (4+4+1+2+2)/5, Bea (4+3+2+2+2)/5,
    # Cal (3+3+2+1)/4 (BM N/A), Dee (3+2+2)/3 (IT, BM N/A), Eli (2+2+1+1+1)/5, Fay (3+3+2+3+3)/5
    tech = [F(13, 5), F(13, 5), F(9, 4), F(7, 3), F(7, 5), F(14, 5)]
    for cat_id, means in (("leadership-vision", lead), ("educational-environment", edu), ("managing-technology", tech)):
        row = cats.loc[cat_id]
        values = [float(m) for m in means]
        assert row["n"] == 6
        assert row["mean"] == pytest.approx(float(sum(means) / 6)), cat_id
        assert row["median"] == pytest.approx(statistics.median(values)), cat_id
        assert row["std"] == pytest.approx(statistics.stdev(values)), cat_id
        assert (row["min"], row["max"]) == (pytest.approx(min(values)), pytest.approx(max(values)))
        assert row["target"] == 3
        assert row["gap"] == pytest.approx(3 - float(sum(means) / 6))
        assert not row["suppressed"]
    assert cats.loc["leadership-vision", "mean"] == pytest.approx(95 / 36)
    assert cats.loc["leadership-vision", "median"] == pytest.approx(31 / 12)  # (5/2 + 8/3) / 2
    assert cats.loc["managing-technology", "mean"] == pytest.approx(839 / 360)
    # at or above 3: Ann (3) and Fay (10/3); only Fay (3) in Educational Environment; nobody in Managing Technology
    assert cats["at_target_n"].tolist() == [2, 1, 0]
    assert cats["spof"].tolist() == [False, True, False]
    assert cats.loc["leadership-vision", "at_target_share"] == pytest.approx(2 / 6)


def test_person_table_uses_each_person_s_role_target():
    """The named person view compares each rating with the person's role target."""
    people = person_table(tidy(TEAM), FW, SCALE, TARGETS).set_index(["name", "area_id"])
    # Ann, Network Administrator: IT Management 4 against target 4; Leadership and Vision 4 against 2
    assert people.loc[("Ann", "it-management"), "target"] == 4
    assert people.loc[("Ann", "it-management"), "at_target"]
    assert people.loc[("Ann", "leadership-vision"), "gap"] == -2
    # Fay, Director of Technology (CTO profile): Business Management 2 against 4
    assert people.loc[("Fay", "business-management"), "target"] == 4
    assert people.loc[("Fay", "business-management"), "gap"] == 2
    assert not people.loc[("Fay", "business-management"), "at_target"]
    # everyone's team target is the default 3
    assert set(people["team_target"].tolist()) == {3}


def test_headline_counts():
    """Headline: respondents, team mean of shown area means, areas below target, spof, nobody, suppressed."""
    ratings = tidy(TEAM)
    summary = area_summary(ratings, FW, SCALE, TARGETS, min_group_size=5)
    h = headline(summary, respondent_count(ratings))
    # shown: every area but Business Management (n 4); area means
    # 8/3, 9/5, 10/3, 7/3, 7/3, 16/5, 3, 2, 11/6 sum to 135/6 = 22.5 -> 22.5 / 9 = 2.5
    assert h["respondents"] == 6
    assert h["areas_rated"] == 9
    assert h["team_mean"] == pytest.approx(2.5)
    # gap > 0: LV 1/3, SP 1.2, IF 2/3, TB 2/3, DM 1, DPS 7/6 (EP and IT above, CS exactly at 3)
    assert h["areas_below_target"] == 6
    assert h["spof_areas"] == 2  # Data Management, Data Privacy and Security
    assert h["nobody_areas"] == 1  # Strategic Planning
    assert h["suppressed_areas"] == 1  # Business Management


def test_category_figures_leave_out_hidden_areas():
    """A hidden area (1 to k−1 ratings) does not feed its category's anonymous figures."""
    csv = (
        b"Name,Email,Business Management,Data Management\n"
        b"A,a@x.org,4,1\nB,b@x.org,,1\nC,c@x.org,,1\nD,d@x.org,,1\nE,e@x.org,,1\n"
    )
    res = read_survey(csv, "c.csv", FW)
    cats = category_summary(res.ratings, FW, res.scale, TARGETS, 5).set_index("category")
    managing = cats.loc["Managing Technology & Support Resources"]
    # Business Management has 1 rating (hidden); the category rests on Data Management alone: mean 1
    assert managing["mean"] == pytest.approx(1.0)
    named = category_summary(res.ratings, FW, res.scale, TARGETS, None).set_index("category")
    # named view keeps it: A's category mean is (4+1)/2 = 2.5, the others 1 -> (2.5+4)/5 = 1.3
    assert named.loc["Managing Technology & Support Resources", "mean"] == pytest.approx(1.3)
