"""Figure builders tested on frames: the numbers drawn are the numbers computed."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from framework.definitions import get_framework
from framework.figures import area_table, gap_figure, radar_figure
from framework.importer import read_survey
from framework.publication import publish
from framework.safe_text import chart_text
from framework.scales import get_scale
from framework.targets import default_targets

FW = get_framework()
SCALE = get_scale("1-4")

# 6 people; Data Management has 4 ratings (one N/A, one blank), so with k = 5 it is hidden
CSV = (
    b"Name,Email,Leadership and Vision,Strategic Planning,Data Management\n"
    b"A,a@x.org,4,3,N/A\n"
    b"B,b@x.org,2,2,3\n"
    b"C,c@x.org,3,1,3\n"
    b"D,d@x.org,1,2,4\n"
    b"E,e@x.org,2,4,2\n"
    b"F,f@x.org,3,3,\n"
)


@pytest.fixture(scope="module")
def areas():
    res = read_survey(CSV, "t.csv", FW)
    return publish(res.ratings, FW, res.scale, default_targets(), 5).areas()


def test_radar_values_are_means_in_framework_order(areas):
    """The team polygon holds each area's mean, in framework order, closed on its first point."""
    fig = radar_figure(areas, FW, SCALE, 6)
    team = next(t for t in fig.data if (t.name or "").startswith("Team mean"))
    r = list(team["r"])
    assert len(r) == len(FW.areas) + 1 and r[0] == r[-1]
    assert r[0] == pytest.approx((4 + 2 + 3 + 1 + 2 + 3) / 6)  # Leadership and Vision 2.5
    assert r[1] == pytest.approx((3 + 2 + 1 + 2 + 4 + 3) / 6)  # Strategic Planning 2.5
    dm = FW.area_ids.index("data-management")
    assert r[dm] is None or math.isnan(r[dm])  # hidden: 4 ratings < 5
    assert tuple(fig.layout.polar.radialaxis.range) == (SCALE.min, SCALE.max)
    target = next(t for t in fig.data if t.name == "Target")
    assert list(target.r) == [3.0] * (len(FW.areas) + 1)
    assert "6 people" in fig.layout.title.text


def test_radar_groups_areas_by_category(areas):
    """One background sector per area, coloured by category, three legend entries."""
    fig = radar_figure(areas, FW, SCALE, 6)
    sectors = [t for t in fig.data if t.type == "barpolar"]
    assert len(sectors) == len(FW.areas)
    # names are chart text: "Leadership & Vision" reaches plotly as "Leadership &amp; Vision"
    assert {t.name for t in sectors if t.showlegend} == {chart_text(c.name) for c in FW.categories}


def test_gap_bars_sorted_and_suppressed_area_absent(areas):
    """Bars hold target − mean, largest gap on top, and a hidden area is not drawn."""
    bar = gap_figure(areas, SCALE, 6).data[0]
    labels = list(bar.y)
    assert not any("Data Mgmt" in lbl for lbl in labels)
    gaps = list(bar.x)
    assert gaps == sorted(gaps)  # plotly draws the first bar at the bottom
    assert gaps[-1] == pytest.approx(3 - 2.5)
    assert all(("below" in t) == (g > 0) for t, g in zip(bar.text, gaps))


def test_area_table_keeps_na_blank_and_marks_hidden(areas):
    """Hidden areas have no figures; unrated areas are blank, never 0."""
    table = area_table(areas, SCALE, 5).set_index("Skill area")
    assert table.loc["Data Management", "Status"] == "hidden (fewer than 5)"
    assert pd.isna(table.loc["Data Management", "Mean"])
    assert table.loc["Business Management", "n"] == 0
    assert pd.isna(table.loc["Business Management", "Mean"])
    assert table.loc["Business Management", "Status"] == "no ratings"
    assert table.loc["Leadership and Vision", "At or above target"] == 3  # A 4, C 3, F 3
