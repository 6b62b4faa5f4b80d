"""Aggregation: per-area statistics, targets, role and group breakdowns, categories, headline; and the
anonymous publication of the same hand-worked teams (suppression lives only in the publication).

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
)
from framework.definitions import get_framework
from framework.importer import read_survey
from framework.publication import publish
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
    """The anonymous publication's area figures at k, or everyone's (the named view) with k None."""
    if k is None:
        return area_summary(tidy(csv_text), FW, SCALE, TARGETS)
    return publish(tidy(csv_text), FW, SCALE, TARGETS, k).areas()


def breakdown(csv_text: str, by: str, k: int | None) -> pd.DataFrame:
    if k is None:
        return group_summary(tidy(csv_text), FW, SCALE, TARGETS, by=by)
    return publish(tidy(csv_text), FW, SCALE, TARGETS, k).breakdown(None, by)


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
    """The team's named view (no minimum group size) shows even an area rated by four people."""
    bm = areas(TEAM, k=None).loc["business-management"]
    # Business Management: 1, 2, 1, 2 -> n 4, mean 1.5, std sqrt(1/3)
    assert not bm["suppressed"]
    assert bm["mean"] == 1.5
    assert bm["std"] == pytest.approx(math.sqrt(1 / 3))
    assert bm["nobody_at_target"]


# --------------------------------------------------------------------------------------------
# suppression, in the publication


def test_area_below_min_group_size_is_suppressed():
    """With k=5, Business Management (n 4) is published with no figures at all, not even its n; areas
    with n >= 5 are shown."""
    summary = areas(TEAM, k=5)
    assert_no_figures(summary.loc[["business-management"]])
    assert math.isnan(summary.loc["business-management", "n"])
    assert summary.loc["it-management", "mean"] == pytest.approx(3.2)  # n 5: shown
    assert not summary.loc["it-management", "suppressed"]
    assert summary["suppressed"].sum() == 1


def test_fewer_respondents_than_k_suppresses_everything():
    """Four respondents with k=5: every area is suppressed and no mean is shown."""
    four = "\n".join(TEAM.splitlines()[:5]) + "\n"  # header + Ann, Bea, Cal, Dee
    ratings = tidy(four)
    assert respondent_count(ratings) == 4
    summary = publish(ratings, FW, SCALE, TARGETS, 5).areas()
    assert summary["suppressed"].all()
    assert summary["mean"].isna().all()
    assert_no_figures(summary)
    cats = category_summary(summary, FW)
    assert cats["suppressed"].all() and cats["mean"].isna().all()
    h = headline(summary, 4)
    assert math.isnan(h["team_mean"]) and h["areas_rated"] == 0
    # the same four with k=3: Leadership and Vision 4, 3, 2, 2 -> mean 11/4
    shown = publish(ratings, FW, SCALE, TARGETS, 3).areas()
    assert shown.loc["leadership-vision", "mean"] == pytest.approx(11 / 4)


@pytest.mark.parametrize("k", [2, 1, 0, -5, 3.5, None])
def test_min_group_size_below_three_or_fractional_raises(k):
    """The minimum group size of a publication is a whole number of at least 3."""
    ratings = tidy(TEAM)
    with pytest.raises(ValueError, match="at least 3"):
        publish(ratings, FW, SCALE, TARGETS, k)


# --------------------------------------------------------------------------------------------
# breakdowns by role and by group


def test_publication_by_group_pools_the_small_ones():
    """By school/department, k=3: District Office (2) is pooled, and with it the next smallest, Secondary
    Schools (4), so that the pool reaches k; Technology Services is shown with its own figures."""
    out = breakdown(BREAKDOWN, "group", 3)
    groups = out.index.get_level_values("group")
    assert list(dict.fromkeys(groups)) == ["Technology Services", "Other schools and departments"]
    assert out.xs("Other schools and departments", level="group")["group_n"].iloc[0] == 6
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
    """By role, k=3: the one-person roles are pooled with the next smallest role (the two alone could be
    worked out from the total), and the pool compares with the team target; a role of its own compares
    with its own targets."""
    out = breakdown(BREAKDOWN, "role", 3)
    assert list(dict.fromkeys(out.index.get_level_values("role"))) == ["Help Desk Technician", "Other roles"]
    other = out.xs("Other roles", level="role")
    assert other["group_n"].iloc[0] == 5  # Network Administrator 3, Director 1, Data / SIS Manager 1
    assert (other["target"] == 3).all()
    assert not out.xs("Help Desk Technician", level="role")["suppressed"].any()
    named = breakdown(BREAKDOWN, "role", None)
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
    out = breakdown(text, "group", 3)
    assert group_summary(tidy(text), FW, SCALE, TARGETS, by="group").loc[("South", "data-privacy-security"), "n"] == 2
    dps = out.xs("data-privacy-security", level="area_id", drop_level=False)
    assert_no_figures(dps)  # both groups' cells hidden in this area: North's would give South's away
    lv = out.xs("leadership-vision", level="area_id")
    assert not lv["suppressed"].any()
    # Leadership and Vision: North 3, 2, 4, 3 -> 3; South 2, 2, 3, 1 -> 2
    assert lv.loc["North", "mean"] == 3
    assert lv.loc["South", "mean"] == 2


def test_missing_group_is_not_stated_and_named_view_hides_nothing():
    """A blank school/department becomes 'Not stated'; with no minimum size every group is shown."""
    text = "Name,School or department,Leadership and Vision\nA,North,3\nB,,2\nC,,4\n"
    out = breakdown(text, "group", None)
    lv = out.xs("leadership-vision", level="area_id")
    assert not out["suppressed"].any()
    assert lv.loc["Not stated", "n"] == 2
    assert lv.loc["Not stated", "mean"] == 3  # (2 + 4) / 2
    assert lv.loc["North", "mean"] == 3


def test_unknown_breakdown_is_refused():
    """group_summary only breaks down by role or group."""
    with pytest.raises(ValueError, match="by must be"):
        group_summary(tidy(TEAM), FW, SCALE, TARGETS, by="email")


# --------------------------------------------------------------------------------------------
# categories, people, headline


def test_category_summary_by_hand():
    """A category's figure is the plain mean of its areas' means (each area counting once)."""
    cats = category_summary(areas(TEAM, k=None), FW)
    assert cats.index.tolist() == ["leadership-vision", "educational-environment", "managing-technology"]
    assert cats["areas"].tolist() == [3, 2, 5]
    # Leadership & Vision: LV 8/3, SP 9/5, EP 10/3 -> 13/5; Educational Environment: IF 7/3, TB 7/3 -> 7/3;
    # Managing Technology: IT 16/5, CS 3, BM 3/2, DM 2, DPS 11/6 -> 173/75
    for cat_id, mean in (("leadership-vision", F(13, 5)), ("educational-environment", F(7, 3)),
                         ("managing-technology", F(173, 75))):
        row = cats.loc[cat_id]
        assert row["mean"] == pytest.approx(float(mean)), cat_id
        assert row["target"] == 3
        assert row["gap"] == pytest.approx(3 - float(mean))
        assert not row["suppressed"]
    assert cats["areas_rated"].tolist() == [3, 2, 5]


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
    """Headline: respondents, areas below target, spof, nobody, suppressed; the team mean (the mean of the
    area means) is not reported while an area is hidden."""
    ratings = tidy(TEAM)
    summary = publish(ratings, FW, SCALE, TARGETS, 5).areas()
    h = headline(summary, respondent_count(ratings))
    assert h["respondents"] == 6
    assert h["areas_rated"] == 9  # every area but Business Management (n 4)
    assert math.isnan(h["team_mean"])  # hidden: Business Management is hidden
    # gap > 0: LV 1/3, SP 1.2, IF 2/3, TB 2/3, DM 1, DPS 7/6 (EP and IT above, CS exactly at 3)
    assert h["areas_below_target"] == 6
    assert h["spof_areas"] == 2  # Data Management, Data Privacy and Security
    assert h["nobody_areas"] == 1  # Strategic Planning
    assert h["suppressed_areas"] == 1  # Business Management
    # the named view: area means 8/3, 9/5, 10/3, 7/3, 7/3, 16/5, 3, 3/2, 2, 11/6 sum to 24 -> 2.4
    named = headline(area_summary(ratings, FW, SCALE, TARGETS), 6)
    assert named["team_mean"] == pytest.approx(2.4)
    assert named["areas_rated"] == 10


def test_category_figures_are_hidden_with_any_of_their_areas():
    """A hidden area (1 to k−1 ratings) hides its category: a mean of the rest would be another figure,
    and one over all its areas would give the hidden one away."""
    csv = (
        b"Name,Email,Business Management,Data Management\n"
        b"A,a@x.org,4,1\nB,b@x.org,,1\nC,c@x.org,,1\nD,d@x.org,,1\nE,e@x.org,,1\n"
    )
    res = read_survey(csv, "c.csv", FW)
    cats = publish(res.ratings, FW, res.scale, TARGETS, 5).categories().set_index("category")
    managing = cats.loc["Managing Technology & Support Resources"]
    assert managing["suppressed"] and math.isnan(managing["mean"])  # Business Management has 1 rating
    named = category_summary(area_summary(res.ratings, FW, res.scale, TARGETS), FW).set_index("category")
    # named view: the mean of the rated areas' means, Business Management 4 and Data Management 1 -> 2.5
    assert named.loc["Managing Technology & Support Resources", "mean"] == pytest.approx(2.5)
