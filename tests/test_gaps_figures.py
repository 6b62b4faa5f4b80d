"""Team-gaps, skill-area, coverage and compare figures, tested on frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framework.aggregate import group_summary
from framework.definitions import get_framework
from framework.figures import (
    compare_radar,
    coverage_figure,
    coverage_order,
    distribution_figure,
    heatmap_figure,
)
from framework.gaps import group_matrix, person_matrix, screenful
from framework.importer import read_survey
from framework.publication import publish
from framework.scales import get_scale
from framework.targets import default_targets
from tests.conftest import SAMPLE

FW = get_framework()
SCALE = get_scale("1-4")
TARGETS = default_targets()
TEAM = read_survey(SAMPLE.read_bytes(), SAMPLE.name, FW).ratings
PUB = publish(TEAM, FW, SCALE, TARGETS, 5)


def test_person_heatmap_cells_equal_the_pivot_of_the_input():
    """Named view: each cell is that person's rating, as in the tidy frame; gaps are role target − rating."""
    m = person_matrix(TEAM, FW, SCALE, TARGETS, sort="name")
    rated = TEAM[TEAM["status"] == "rated"]
    expected = rated.pivot_table(index="respondent", columns="area_id", values="rating", aggfunc="first",
                                 observed=True).astype("float64")
    expected.columns = expected.columns.astype(str)
    expected.index = expected.index.astype(str)
    got = m.values.loc[expected.index, expected.columns]
    assert list(got.index) == list(expected.index) and list(got.columns) == list(expected.columns)
    assert np.allclose(got.to_numpy(), expected.to_numpy(), equal_nan=True)
    fig = heatmap_figure(m.values, m.targets, m.hidden, m.labels, FW, SCALE, show="rating")
    z = np.array(fig.data[0].z, dtype=float)
    order = [a.id for a in FW.areas_in_category_order()]
    assert np.allclose(z, (m.targets - m.values)[order].to_numpy(), equal_nan=True)
    assert fig.data[0].zmid == 0  # the colour scale is centred on the target


def test_heatmap_prints_values_and_marks_hidden_cells():
    """Cells print the rating (or the gap); a hidden cell prints "fewer than k", never a number."""
    m = group_matrix(PUB.breakdown(None, "role"), FW, by="role")
    fig = heatmap_figure(m.values, m.targets, m.hidden, m.labels, FW, SCALE, show="gap", k=5)
    text = np.array(fig.data[0].text, dtype=object)
    z = np.array(fig.data[0].z, dtype=float)
    hidden = m.hidden[[a.id for a in FW.areas_in_category_order()]].to_numpy()
    assert hidden.any(), "the sample has hidden cells (Business Management among coaches)"
    assert (text[hidden] == "fewer than 5").all()
    assert np.isnan(z[hidden]).all()
    shown = ~hidden & ~np.isnan(z)
    assert all(t.startswith(("+", "-")) for t in text[shown])  # gaps are signed


def test_group_rows_carry_n_and_equal_the_group_summary():
    """Anonymous rows are the publication's role units with their n; their means are those of the same
    people computed directly (the named view's group summary of the pooled roles)."""
    m = group_matrix(PUB.breakdown(None, "role"), FW, by="role", sort="name")
    assert m.labels == ["Help Desk Technician (n = 9)", "Instructional Technology Coach (n = 6)",
                        "Other roles (n = 10)"]
    pooled = {v: p.label for p in PUB.units("role") for v in p.roles}
    summary = group_summary(TEAM.assign(role=TEAM["role"].astype(str).map(pooled)), FW, SCALE, TARGETS, by="role")
    assert (~m.hidden).to_numpy().sum() > 20
    for g in m.values.index:
        for a in FW.area_ids:
            if not m.hidden.loc[g, a]:
                assert m.values.loc[g, a] == pytest.approx(summary.loc[(g, a), "mean"])


def test_suppressed_group_appears_in_no_trace_and_no_table():
    """A group hidden whole has no number in the heatmap, its table, or the compare radar."""
    summary = PUB.breakdown(None, "group")
    hidden_whole = summary.index.get_level_values("group")[0]
    summary.loc[hidden_whole, "suppressed"] = True  # as a cell the audit hid in every area
    for col in ("mean", "n", "group_n"):
        summary.loc[hidden_whole, col] = np.nan
    m = group_matrix(summary, FW, by="group")
    row = [i for i, lbl in enumerate(m.labels) if lbl.startswith(hidden_whole)]
    assert row and m.labels[row[0]] == f"{hidden_whole} (n hidden)"
    fig = heatmap_figure(m.values, m.targets, m.hidden, m.labels, FW, SCALE, k=5)
    assert np.isnan(np.array(fig.data[0].z, dtype=float)[row[0]]).all()
    table = m.table("rating", FW)
    assert table.iloc[row[0], 1:].isna().all()


def test_rows_past_a_screenful_are_pooled_and_people_are_paged():
    """With more groups than fit, the smallest are pooled into one row; the named view pages."""
    many = TEAM.assign(group=TEAM["respondent"].astype(str))  # 25 one-person "schools"
    pooled, note = screenful(many, "group", 10)
    m = group_matrix(group_summary(pooled, FW, SCALE, TARGETS, by="group"), FW, by="group", note=note)
    assert len(m.labels) == 10
    assert sum(lbl.startswith("Other (16 smaller groups") or lbl.startswith("Other (16 smaller schools")
               for lbl in m.labels) == 1
    assert "pooled" in m.note
    p = person_matrix(TEAM, FW, SCALE, TARGETS).page(2, 10)
    assert len(p.labels) == 10 and p.total_rows == 25


def test_distribution_rows_add_to_100_percent_with_na_apart():
    """Each row's level shares add to 100%; N/A answers are a separate trace, not a level."""
    summary = group_summary(TEAM, FW, SCALE, TARGETS, by="role").xs(
        "business-management", level="area_id")
    summary = summary[summary["n"] > 0]
    levels = [f"level_{v}" for v in SCALE.values]
    fig = distribution_figure(summary[levels], summary["n_na"], list(summary.index), SCALE)
    bars = [t for t in fig.data if t.name != "N/A"]
    shares = np.nansum(np.array([t.x for t in bars], dtype=float), axis=0)
    assert np.allclose(shares, 100)
    na = next(t for t in fig.data if t.name == "N/A")
    assert list(na.x) == summary["n_na"].tolist() and sum(na.x) > 0  # coaches and help desk said N/A


def test_coverage_puts_nobody_then_single_points_first():
    """Areas with one person at target come before the rest; the figure says so in words."""
    areas = PUB.areas()
    order = coverage_order(areas)
    assert list(order.index[:2]) == ["business-management", "data-privacy-security"]
    fig = coverage_figure(areas, 25)
    assert "1 person only of 15" in list(fig.data[0].text)


def test_compare_radar_has_each_series_closed_and_the_target():
    s = {"A (n = 6)": pd.Series({a: 2.0 for a in FW.area_ids}), "B (n = 9)": pd.Series({a: 3.0 for a in FW.area_ids})}
    fig = compare_radar(s, pd.Series({a: 3.0 for a in FW.area_ids}), FW, SCALE)
    names = [t.name for t in fig.data]
    assert names == ["Target", "A (n = 6)", "B (n = 9)"]
    assert all(t.r[0] == t.r[-1] and len(t.r) == len(FW.areas) + 1 for t in fig.data)


def _pivot_person_matrix(tidy, framework, scale, targets, sort):
    """The first (pivot-table) version of person_matrix, kept as the oracle of the array version."""
    from framework.aggregate import person_table
    from framework.gaps import _sort_keys

    data = person_table(tidy, framework, scale, targets)
    data = data.assign(_rating=data["rating"].astype("float64"), _target=data["target"].astype("float64"))
    values = data.pivot_table(index="respondent", columns="area_id", values="_rating", aggfunc="first",
                              observed=True, dropna=False)
    tgt = data.pivot_table(index="respondent", columns="area_id", values="_target", aggfunc="first", observed=True)
    values = values.reindex(columns=framework.area_ids)
    tgt = tgt.reindex(index=values.index, columns=framework.area_ids)
    people = data.drop_duplicates("respondent").set_index("respondent")
    name = people["name"].astype("string").reindex(values.index)
    email = people["email"].astype("string").reindex(values.index)
    role = people["role"].astype("string").reindex(values.index).fillna("")
    shown = name.where(name.fillna("").ne(""), email.where(email.fillna("").ne(""), "Respondent in row "
                                                           + people["row"].astype(str).reindex(values.index)))
    hidden = pd.DataFrame(False, index=values.index, columns=values.columns)
    order = {
        "gap": _sort_keys(values, tgt, hidden).sort_values(ascending=False, na_position="last", kind="stable").index,
        "name": shown.str.lower().sort_values(kind="stable").index,
        "role": pd.DataFrame({"r": role.str.lower(), "n": shown.str.lower()}).sort_values(["r", "n"]).index,
    }[sort]
    labels = [f"{shown[i]} · {role[i]}" if role[i] else str(shown[i]) for i in order]
    return values.loc[order], tgt.loc[order], labels


@pytest.mark.parametrize("sort", ["gap", "name", "role"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_person_matrix_equals_the_pivot_version(sort, seed):
    """Same cells, same targets, same labels in the same order as the pivot-table version, on the sample and on
    teams with blanks, N/A, people without a name or email, a filtered subset and a custom role profile."""
    rng = np.random.default_rng(seed)
    team = TEAM.copy()
    status = team["status"].astype("string").to_numpy(copy=True)
    rating = team["rating"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    blank = rng.random(len(team)) < 0.15
    status[blank] = "blank"
    rating[blank] = np.nan
    team["status"] = pd.Categorical(status, categories=team["status"].cat.categories)
    team["rating"] = pd.array(rating, dtype="Float64").astype("Int64")
    if seed == 1:
        team["name"] = team["name"].astype("string").mask(rng.random(len(team)) < 0.3, "").astype("category")
    if seed == 2:
        keep = team["respondent"].isin(team["respondent"].drop_duplicates().sample(12, random_state=2))
        team = team[keep]
    values, tgt, labels = _pivot_person_matrix(team, FW, SCALE, TARGETS, sort)
    m = person_matrix(team, FW, SCALE, TARGETS, sort=sort)
    assert m.labels == labels
    assert list(m.values.index.astype(str)) == list(values.index.astype(str))
    np.testing.assert_array_equal(m.values.to_numpy(), values.to_numpy(dtype="float64"))
    np.testing.assert_array_equal(m.targets.to_numpy(), tgt.to_numpy(dtype="float64"))
