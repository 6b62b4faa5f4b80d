"""Trends across rounds: hand-worked figures, privacy per point, explicit rescaling, and the figures and
change table built from them. Store-backed tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from framework.combine import ScaleMismatchError
from framework.definitions import get_framework
from framework.publication import publish
from framework.scales import get_scale
from framework.targets import default_targets
from framework.trend_figures import change_table, compare_radar_figure, trend_figure
from framework.trends import TREND_COLUMNS, RoundData, latest_changes, round_from_combined, trend_summary
from tests.conftest import SAMPLE
from tests.store_support import (
    db_url_fixture,  # noqa: F401 (fixture)
    read,
    save,
    store_fixture,  # noqa: F401 (fixture)
    survey_csv,
    team,
)

LV, SP, EP = "Leadership and Vision", "Strategic Planning", "Ethics and Policies"
FALL, SPRING = date(2025, 10, 1), date(2026, 4, 15)
# Fall: LV 2,2,3,3,4 (n 5, mean 2.8, 3 at target 3); SP 1,2,N/A,2,blank (n 3: hidden at k = 5); EP all 4
ROUND_A = survey_csv({LV: [2, 2, 3, 3, 4], SP: [1, 2, "N/A", 2, ""], EP: [4, 4, 4, 4, 4]})
# Spring, six other people: LV 3,3,3,4,4,4 (mean 3.5, +0.70); SP 2,3,3,4,4,1 (mean 2.83);
# EP 4,4,4,4,3,4 (mean 3.83, −0.17). (Rounds of the same people are audited together; see
# test_a_round_saved_again_with_one_late_respondent_is_hidden_beside_it.)
ROUND_B = survey_csv({LV: [3, 3, 3, 4, 4, 4], SP: [2, 3, 3, 4, 4, 1], EP: [4, 4, 4, 4, 3, 4]},
                     names=[f"Person {i}" for i in range(7, 13)])


@pytest.fixture
def two_rounds(store):
    save(store, ROUND_B, "Spring 2026", SPRING, name="spring.csv")  # saved first, surveyed later
    save(store, ROUND_A, "Fall 2025", FALL, name="fall.csv")
    return store


def row(trend, label, area_id):
    found = trend[trend["round_label"].eq(label) & trend["area_id"].eq(area_id)]
    assert len(found) == 1
    return SimpleNamespace(**found.iloc[0].to_dict())


def test_hand_worked_trend(two_rounds):
    trend = trend_summary(two_rounds, get_framework())
    assert list(trend.columns) == TREND_COLUMNS
    assert len(trend) == 2 * 10
    assert trend.drop_duplicates("round_id")["round_label"].tolist() == ["Fall 2025", "Spring 2026"]
    assert trend.attrs["scale"] == "1-4" and trend.attrs["min_group_size"] == 5 and trend.attrs["notes"] == []

    a = row(trend, "Fall 2025", "leadership-vision")
    assert (a.n, a.mean, a.median, a.at_target_n, a.respondents, a.round_index) == (5, pytest.approx(2.8), 3, 3, 5, 0)
    assert a.target == 3 and a.gap == pytest.approx(0.2) and a.direction == "" and pd.isna(a.change)
    b = row(trend, "Spring 2026", "leadership-vision")
    assert (b.n, b.mean, b.previous_n, b.previous_mean) == (6, pytest.approx(3.5), 5, pytest.approx(2.8))
    assert b.change == pytest.approx(0.7) and (b.direction, b.arrow) == ("up", "▲") and b.small_n
    assert b.previous_label == "Fall 2025" and b.at_target_n == 6 and b.previous_at_target_n == 3

    sp_a = row(trend, "Fall 2025", "strategic-planning")
    assert sp_a.suppressed and pd.isna(sp_a.n) and pd.isna(sp_a.mean) and pd.isna(sp_a.n_na)  # 3 ratings: no figure
    sp_b = row(trend, "Spring 2026", "strategic-planning")
    assert not sp_b.suppressed and sp_b.mean == pytest.approx(17 / 6)
    assert pd.isna(sp_b.change) and sp_b.direction == "" and not sp_b.small_n  # hidden before: no change shown

    ep_b = row(trend, "Spring 2026", "ethics-policies")
    assert ep_b.change == pytest.approx(23 / 6 - 4) and (ep_b.direction, ep_b.arrow) == ("down", "▼")

    empty = row(trend, "Spring 2026", "data-management")
    assert empty.n == 0 and not empty.suppressed and empty.direction == ""


def test_named_view_hides_nothing(two_rounds):
    trend = trend_summary(two_rounds, get_framework(), min_group_size=None)
    sp_a = row(trend, "Fall 2025", "strategic-planning")
    assert not sp_a.suppressed and sp_a.mean == pytest.approx(5 / 3) and sp_a.n_na == 1
    assert row(trend, "Spring 2026", "strategic-planning").change == pytest.approx(17 / 6 - 5 / 3)


def test_a_round_with_fewer_respondents_than_k_is_hidden_whole(store):
    save(store, survey_csv({LV: [1, 2, 3, 4], EP: [2, 2, 2, 2]}), "Tiny", FALL)
    trend = trend_summary(store, get_framework(), min_group_size=5)
    assert trend["suppressed"].all() and trend["mean"].isna().all()
    assert not trend_summary(store, get_framework(), min_group_size=3)["suppressed"].any()
    with pytest.raises(ValueError, match="at least 3"):
        trend_summary(store, get_framework(), min_group_size=2)


def test_trend_figures_equal_the_overview_figures_of_each_round(two_rounds):
    """Counted by the database or by pandas, a round's point is area_summary of its ratings."""
    fw, sc, tg = get_framework(), get_scale("1-4"), default_targets()
    trend = trend_summary(two_rounds, fw)
    for r in two_rounds.list_rounds():
        expected = publish(two_rounds.load_ratings(r.id), fw, sc, tg, 5).areas()
        got = trend[trend["round_id"].eq(r.id)].set_index("area_id")
        for col in ("n", "mean", "median", "std", "min", "max", "at_target_n", "n_na", "gap", "target"):
            pd.testing.assert_series_equal(got[col].astype("float64"), expected[col].astype("float64"),
                                           check_names=False, check_index_type=False, atol=1e-12)
        assert got["suppressed"].tolist() == expected["suppressed"].tolist()


def test_the_sample_district_saved_as_a_round_has_its_overview_figures(store):
    fw = get_framework()
    combined = read(SAMPLE.read_bytes(), SAMPLE.name)
    rid = save(store, SAMPLE.read_bytes(), "Sample", FALL, name=SAMPLE.name).round.id
    expected = publish(combined.ratings, fw, combined.scale, default_targets(), 5).areas()
    got = trend_summary(store, fw).set_index("area_id")
    assert (got["round_id"] == rid).all()
    pd.testing.assert_series_equal(got["mean"], expected["mean"].astype("float64"), check_names=False,
                                   check_index_type=False)
    assert got["n"].astype("float64").tolist() == expected["n"].tolist()
    assert got["suppressed"].tolist() == expected["suppressed"].tolist()


def test_rounds_in_memory_give_the_same_trend_as_the_store(two_rounds):
    fw = get_framework()
    from_store = trend_summary(two_rounds, fw)
    in_memory = [RoundData(r, two_rounds.load_ratings(r.id)) for r in two_rounds.list_rounds()]
    from_frames = trend_summary(in_memory, fw)
    pd.testing.assert_frame_equal(from_store, from_frames)
    unsaved = [round_from_combined(read(ROUND_A), "Fall", FALL, 1), round_from_combined(read(ROUND_B), "Spring", SPRING, 2)]
    assert trend_summary(unsaved, fw)["mean"].equals(from_store["mean"])
    with pytest.raises(ValueError, match="distinct ids"):
        trend_summary([unsaved[0], unsaved[0]], fw)


def test_choosing_rounds(two_rounds):
    ids = {r.label: r.id for r in two_rounds.list_rounds()}
    only = trend_summary(two_rounds, get_framework(), round_ids=[ids["Spring 2026"]])
    assert set(only["round_label"]) == {"Spring 2026"} and only["direction"].eq("").all()


def test_an_empty_store_gives_an_empty_trend(store):
    trend = trend_summary(store, get_framework())
    assert trend.empty and list(trend.columns) == TREND_COLUMNS


def test_rounds_on_different_scales_are_refused_unless_rescaled(store):
    save(store, ROUND_A, "Fall 2025", FALL)
    # agreement scale: 5,5,4,2,1 -> on 1–4: 4,4,3,2,1 (mean 2.8)
    save(store, survey_csv({LV: [5, 5, 4, 2, 1], EP: [3, 3, 3, 3, 3]}), "Spring 2026", SPRING, scale="1-5")
    with pytest.raises(ScaleMismatchError, match=r"Fall 2025 on 1–4, Spring 2026 on 1–5"):
        trend_summary(store, get_framework())
    trend = trend_summary(store, get_framework(), rescale_to="1-4")
    b = row(trend, "Spring 2026", "leadership-vision")
    assert b.mean == pytest.approx(2.8) and b.rescaled and b.direction == "same" and b.change == pytest.approx(0)
    assert not row(trend, "Fall 2025", "leadership-vision").rescaled
    assert row(trend, "Spring 2026", "ethics-policies").mean == pytest.approx(3)
    (note,) = trend.attrs["notes"]
    assert "Spring 2026 was rescaled from 1–5" in note and "4→3" in note and "5→4" in note
    on_five = trend_summary(store, get_framework(), rescale_to=get_scale("1-5"))
    assert on_five.attrs["scale"] == "1-5" and row(on_five, "Spring 2026", "leadership-vision").mean == pytest.approx(3.4)


def test_a_round_saved_against_another_framework_version_is_compared_on_shared_areas(store):
    save(store, survey_csv({LV: [2, 2, 2, 2, 2], "Stakeholder Focus": [3, 3, 3, 3, 3]},
                           names=[f"Earlier {i}" for i in range(5)]), "Fall 2018", FALL, framework_id="cosn-2009")
    save(store, ROUND_A, "Fall 2025", SPRING)
    trend = trend_summary(store, get_framework("cosn-2018"))
    assert "stakeholder-focus" not in set(trend["area_id"])
    assert row(trend, "Fall 2025", "leadership-vision").change == pytest.approx(0.8)
    assert any("Fall 2018" in n and "cosn-2009" in n for n in trend.attrs["notes"])


# ---- figures and the change table ---------------------------------------------------------------
def test_trend_figure_has_n_at_every_point_and_no_hidden_point(two_rounds):
    trend = trend_summary(two_rounds, get_framework())
    fig = json.loads(trend_figure(trend).to_json())
    means = [t for t in fig["data"] if t.get("legendgroup") == "mean"]
    assert len(means) == 10  # one panel per skill area
    lv = means[0]
    assert lv["x"] == ["Fall 2025", "Spring 2026"] and lv["y"] == [pytest.approx(2.8), pytest.approx(3.5)]
    assert lv["text"] == ["2.80<br>n 5", "3.50<br>n 6"]
    sp = means[1]
    assert sp["y"][0] is None and sp["text"][0] == "" and sp["y"][1] == pytest.approx(17 / 6)
    for t in means:  # every drawn point carries its n
        assert all((y is None) == (txt == "") for y, txt in zip(t["y"], t["text"]))
        assert all("n " in txt for y, txt in zip(t["y"], t["text"]) if y is not None)
    notes = [a["text"] for a in fig["layout"]["annotations"]]
    assert "hidden" in notes and "no ratings" in notes
    assert fig["layout"]["yaxis"]["range"] == [pytest.approx(0.85), pytest.approx(4.55)]


def test_compare_radar_shows_this_round_against_the_last(two_rounds):
    trend = trend_summary(two_rounds, get_framework())
    fig = json.loads(compare_radar_figure(trend).to_json())
    polys = {t["name"]: t for t in fig["data"] if t["type"] == "scatterpolar" and t["name"] != "Target"}
    assert set(polys) == {"Fall 2025 (5 people)", "Spring 2026 (6 people)"}
    now, before = polys["Spring 2026 (6 people)"], polys["Fall 2025 (5 people)"]
    assert now["r"][0] == pytest.approx(3.5) and before["r"][0] == pytest.approx(2.8)
    assert before["r"][1] is None  # Strategic Planning hidden in the fall
    assert now["r"][0] == now["r"][-1] and now["line"]["dash"] == "solid" and before["line"]["dash"] == "dash"


def test_change_table_says_it_in_arrows_and_words(two_rounds):
    trend = trend_summary(two_rounds, get_framework())
    table = change_table(trend)
    assert list(table.columns) == ["Category", "Skill area", "Fall 2025 mean", "Fall 2025 n", "Spring 2026 mean",
                                   "Spring 2026 n", "Change", "At or above target", "Caution"]
    lv, sp, ep = table.loc["leadership-vision"], table.loc["strategic-planning"], table.loc["ethics-policies"]
    assert lv["Change"] == "▲ up 0.70" and lv["At or above target"] == "3 of 5 → 6 of 6"
    assert lv["Fall 2025 mean"] == pytest.approx(2.8) and lv["Spring 2026 n"] == 6
    assert lv["Caution"].startswith("Small group: fewer than 10 ratings in Fall 2025 (n = 5) and Spring 2026 (n = 6)")
    assert ep["Change"] == "▼ down 0.17"
    assert sp["Change"] == "– not comparable: hidden in Fall 2025" and sp["Caution"] == ""
    assert sp["Fall 2025 mean"] is None or pd.isna(sp["Fall 2025 mean"])
    assert sp["At or above target"] == "hidden → 4 of 6"
    dm = table.loc["data-management"]
    assert dm["Change"] == "– not comparable: no ratings in Spring 2026"


def test_no_change_and_large_groups_have_no_caution(store):
    save(store, team(12, 4), "Fall 2025", FALL, name="a.csv")
    same_people = team(12, 4).replace(b"Member", b"Staff")  # other bytes, the same ratings
    save(store, same_people, "Spring 2026", SPRING, name="b.csv")
    trend = trend_summary(store, get_framework())
    latest = latest_changes(trend)
    assert latest["direction"].eq("same").all() and not latest["small_n"].any()
    table = change_table(trend)
    assert table["Change"].eq("► no change").all() and table["Caution"].eq("").all()


def test_change_summary_in_words(two_rounds):
    from framework.trends import change_summary

    lines = change_summary(trend_summary(two_rounds, get_framework()))
    assert lines[0] == "From Fall 2025 to Spring 2026, of 2 skill areas that can be compared, 1 went up and 1 went down."
    assert lines[1] == "Largest rise: Leadership and Vision, 2.80 → 3.50 (▲ up 0.70)."
    assert lines[2] == "Largest fall: Ethics and Policies, 4.00 → 3.83 (▼ down 0.17)."
    assert lines[3] == "2 of these changes rest on fewer than 10 ratings in a round; read them with care."
    assert lines[4] == "8 skill areas cannot be compared (hidden or without ratings in one of the rounds)."
    assert change_summary(trend_summary(two_rounds, get_framework(), round_ids=[1])) == []


def test_a_round_saved_again_with_one_late_respondent_is_hidden_beside_it(store):
    """Ten people, then the same ten and one more: the second round's figures are hidden in every area
    (11 × mean − 10 × mean would be the late respondent), whichever rounds the page chooses."""
    ten = {LV: [2, 3, 3, 4, 1, 2, 3, 4, 2, 3], EP: [3, 3, 4, 4, 2, 3, 3, 4, 4, 3]}
    eleven = {area: [*values, 4] for area, values in ten.items()}
    first = save(store, survey_csv(ten), "Fall 2025", FALL).round.id
    second = save(store, survey_csv(eleven), "Spring 2026", SPRING).round.id
    trend = trend_summary(store, get_framework())
    spring = trend[trend["round_id"].eq(second)]
    assert spring["suppressed"].all() and spring["mean"].isna().all() and spring["n"].isna().all()
    assert spring["direction"].eq("").all()  # no change is shown
    fall = trend[trend["round_id"].eq(first) & trend["area_id"].isin(["leadership-vision", "ethics-policies"])]
    assert not fall["suppressed"].any()
    assert any("Some figures of Spring 2026 are hidden beside Fall 2025" in n for n in trend.attrs["notes"])
    alone = trend_summary(store, get_framework(), round_ids=[second])  # choosing it alone shows nothing more
    assert alone["suppressed"].all()
    assert trend_summary(store, get_framework(), min_group_size=None)["suppressed"].sum() == 0  # named view


def test_the_anonymous_round_table_hides_small_areas(two_rounds):
    from framework.trends import round_table

    rid = next(r.id for r in two_rounds.list_rounds() if r.label == "Fall 2025")
    table = round_table(two_rounds, rid, get_framework()).set_index("Skill area")
    assert len(table) == 10 and set(table["Round"]) == {"Fall 2025"}
    assert table.loc["Leadership and Vision", "Mean"] == pytest.approx(2.8)
    assert table.loc["Leadership and Vision", "At or above target"] == 3
    sp = table.loc["Strategic Planning"]
    assert pd.isna(sp["n"]) and pd.isna(sp["Mean"]) and pd.isna(sp["N/A answers"])  # 3 ratings: no figure at all
    assert sp["Status"] == "hidden (fewer than 5)"
    assert table.loc["Data Management", "Status"] == "no ratings"
    assert "Name" not in table.columns and "name" not in table.columns
