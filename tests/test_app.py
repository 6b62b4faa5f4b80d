"""AppTest of every page through dashboard.py: no exception, and the figures shown are the data's."""

from __future__ import annotations

import json

import pytest

from framework.aggregate import area_summary, headline, respondent_count
from framework.definitions import get_framework
from framework.importer import read_survey
from framework.publication import publish
from framework.targets import default_targets
from tests.conftest import SAMPLE, plain

PAGES = ["pages/overview.py", "pages/upload.py", "pages/trends.py", "pages/rounds.py", "pages/board.py"]

SMALL = (
    b"Name,Email,Role,School,Leadership and Vision,Strategic Planning,Data Management\n"
    b"A One,a@x.org,CTO,HQ,4,3,N/A\n"
    b"B Two,b@x.org,Help Desk,HQ,2,2,3\n"
    b"C Three,c@x.org,Help Desk,HQ,3,1,3\n"
    b"D Four,d@x.org,Network Admin,HQ,1,2,4\n"
    b"E Five,e@x.org,Network Admin,HQ,2,4,2\n"
    b"F Six,f@x.org,Tech Coach,HQ,3,3,\n"
)


def sample_summary(framework_id="cosn-2018", k=5):
    fw = get_framework(framework_id)
    res = read_survey(SAMPLE.read_bytes(), SAMPLE.name, fw)
    if k is None:
        return res, area_summary(res.ratings, fw, res.scale, default_targets())
    return res, publish(res.ratings, fw, res.scale, default_targets(), k).areas()


def metric(at, label_start: str) -> str:
    found = [m.value for m in at.metric if m.label.startswith(label_start)]
    assert found, f"no metric {label_start!r}: {[m.label for m in at.metric]}"
    return found[0]


def charts(at) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(app, page):
    """Each page runs through the entry point with the sample district and raises nothing."""
    app.run()
    if page != PAGES[0]:
        app.switch_page(page).run()
    assert not app.exception, app.exception


def test_overview_figures_equal_the_sample_data(app):
    """Headline metrics, table and radar show the means computed from the sample CSV."""
    res, areas = sample_summary()
    h = headline(areas, respondent_count(res.ratings))
    app.run()
    assert not app.exception
    assert metric(app, "Respondents") == "25" == str(h["respondents"])
    assert metric(app, "Team mean") == f"{h['team_mean']:.2f}"
    assert metric(app, "Areas below target") == f"{h['areas_below_target']} of {h['areas_rated']}"
    assert metric(app, "Single points of failure") == str(h["spof_areas"])

    table = app.dataframe[0].value
    assert list(table["Skill area"]) == list(areas["area"])
    assert table["Mean"].round(6).tolist() == areas["mean"].round(6).tolist()
    assert table["n"].tolist() == areas["n"].tolist()

    radar = next(c for c in charts(app) if any(t.get("type") == "scatterpolar" for t in c["data"]))
    team = next(t for t in radar["data"] if t.get("name", "").startswith("Team mean"))
    assert [round(v, 6) for v in team["r"][:-1]] == areas["mean"].round(6).tolist()
    assert team["r"][0] == team["r"][-1], "the polygon is closed"
    assert radar["layout"]["polar"]["radialaxis"]["range"] == [1, 4]


def test_framework_switch_changes_areas(app):
    """Choosing the 2009 version shows Stakeholder Focus and no Data Privacy and Security."""
    app.run()
    app.selectbox(key="w_framework_id").select("cosn-2009").run()
    assert not app.exception
    names = list(app.dataframe[0].value["Skill area"])
    assert "Stakeholder Focus" in names and "Data Privacy and Security" not in names


def test_upload_switches_the_dashboard_to_the_file(app):
    """Uploading a CSV shows its import report and the overview then rests on that file."""
    app.run()
    app.switch_page("pages/upload.py").run()
    app.file_uploader(key="uploader").set_value(("six.csv", SMALL, "text/csv")).run()
    assert not app.exception
    assert metric(app, "Rows read") == "6"
    assert metric(app, "Rows used") == "6"
    assert metric(app, "Rows rejected") == "0"
    assert app.session_state["source"] == "upload"
    app.switch_page("pages/overview.py").run()
    assert metric(app, "Respondents") == "6"
    table = app.dataframe[0].value.set_index("Skill area")
    # Leadership and Vision: (4+2+3+1+2+3)/6 = 2.5 ; Data Management: (3+3+4+2)/4 = 3.0, n 4 < 5 -> hidden
    assert table.loc["Leadership and Vision", "Mean"] == pytest.approx(2.5)
    assert table.loc["Leadership and Vision", "n"] == 6
    assert table.loc["Data Management", "Status"].startswith("hidden")
    assert table["Mean"].isna()["Data Management"]


def test_unusable_upload_shows_one_sentence_and_keeps_the_sample(app):
    """A file with no skill-area column gets an error message, not a traceback, and the sample stays."""
    app.run()
    app.switch_page("pages/upload.py").run()
    app.file_uploader(key="uploader").set_value(("x.csv", b"a,b\n1,2\n", "text/csv")).run()
    assert not app.exception
    assert app.error and "none of them a skill area" in app.error[0].value
    assert app.session_state["source"] == "sample"
    app.switch_page("pages/overview.py").run()
    assert metric(app, "Respondents") == "25"


def test_a_refused_upload_offers_its_columns_in_the_mapping_editor(app):
    """'Map them on the Upload page': a file without a recognisable skill-area column gets the mapping editor,
    and what the editor stores makes the file readable."""
    app.run()
    app.switch_page("pages/upload.py").run()
    coded = b"Who,Q1,Q2\nAnn,3,4\nBo,2,2\nCy,4,1\n"
    app.file_uploader(key="uploader").set_value(("coded.csv", coded, "text/csv")).run()
    assert not app.exception
    assert app.error and plain(app.error[0].value).startswith("coded.csv has 3 columns ('Who', 'Q1', 'Q2'), none of them")
    assert any("How the columns of coded.csv were read" in m.value for m in app.markdown)
    assert any(b.label == "Apply these columns" for b in app.button)
    app.session_state["upload"]["files"][0]["overrides"] = {"Who": "name", "Q1": "leadership-vision", "Q2": ""}
    app.run()
    assert not app.exception and not app.error
    assert app.success and "coded.csv: 3 respondents" in app.success[0].value


def test_small_team_is_suppressed_on_the_overview(app):
    """Four respondents are fewer than the minimum group size: no means are shown."""
    four = b"\n".join(SMALL.splitlines()[:5]) + b"\n"
    app.run()
    app.switch_page("pages/upload.py").run()
    app.file_uploader(key="uploader").set_value(("four.csv", four, "text/csv")).run()
    app.switch_page("pages/overview.py").run()
    assert not app.exception
    assert metric(app, "Respondents") == "4"
    assert app.warning and "fewer than the minimum group size" in app.warning[0].value
    assert app.dataframe[0].value["Mean"].isna().all()


def test_min_group_size_cannot_go_below_three(app):
    """The sidebar's minimum group size has a floor of 3."""
    app.run()
    box = app.number_input(key="w_min_group_size")
    assert box.min == 3 and box.value == 5


SAME_B = b"Name,Email,Role,School,Leadership and Vision\nG Seven,g@x.org,CTO,HQ,4\nH Eight,h@x.org,CTO,HQ,2\n"
FIVE_B = b"Name,Email,Leadership and Vision\nG Seven,g@x.org,Strongly agree\nH Eight,h@x.org,5\nI Nine,i@x.org,2\n"


def test_two_files_on_one_scale_are_one_team(app):
    """Uploading two files reads both; the overview counts everyone once."""
    app.run()
    app.switch_page("pages/upload.py").run()
    app.file_uploader(key="uploader").set_value([("a.csv", SMALL, "text/csv"), ("b.csv", SAME_B, "text/csv")]).run()
    assert not app.exception
    assert [m.value for m in app.metric if m.label == "Rows read"] == ["6", "2"]
    app.switch_page("pages/overview.py").run()
    assert metric(app, "Respondents") == "8"
    lv = app.dataframe[0].value.set_index("Skill area").loc["Leadership and Vision"]
    assert lv["Mean"] == pytest.approx((4 + 2 + 3 + 1 + 2 + 3 + 4 + 2) / 8)


def test_files_on_two_scales_need_an_explicit_rescale(app):
    """A 1–4 and a 1–5 file are refused until a rescale is chosen, which is then shown."""
    app.run()
    app.switch_page("pages/upload.py").run()
    app.file_uploader(key="uploader").set_value([("a.csv", SMALL, "text/csv"), ("five.csv", FIVE_B, "text/csv")]).run()
    assert not app.exception
    assert app.error and "different rating scales" in app.error[0].value
    assert app.session_state["source"] == "sample"
    app.selectbox(key="rescale_choice").select("1-4").run()
    assert not app.exception
    assert any("five.csv was rescaled" in plain(i.value) and "5→4" in plain(i.value) for i in app.info)
    assert app.session_state["source"] == "upload"
    app.switch_page("pages/overview.py").run()
    # 1–4 file: 4,2,3,1,2,3; five.csv rescaled: 5→4, 5→4, 2→2
    lv = app.dataframe[0].value.set_index("Skill area").loc["Leadership and Vision"]
    assert lv["n"] == 9 and lv["Mean"] == pytest.approx((4 + 2 + 3 + 1 + 2 + 3 + 4 + 4 + 2) / 9)


def test_overrides_in_the_session_change_what_is_read(app):
    """A corrected mapping (as the editor stores it) is applied to the upload."""
    app.run()
    app.switch_page("pages/upload.py").run()
    app.file_uploader(key="uploader").set_value(("six.csv", SMALL, "text/csv")).run()
    upload = app.session_state["upload"]
    upload["files"][0]["overrides"] = {
        "Name": "name", "Email": "email", "Role": "role", "School": "group",
        "Leadership and Vision": "", "Strategic Planning": "strategic-planning", "Data Management": "data-management",
    }
    app.switch_page("pages/overview.py").run()
    assert not app.exception
    table = app.dataframe[0].value.set_index("Skill area")
    assert table.loc["Leadership and Vision", "n"] == 0
    assert table.loc["Strategic Planning", "n"] == 6
