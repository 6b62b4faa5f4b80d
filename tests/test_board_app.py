"""AppTest of the board page, through dashboard.py.

The figures, the summary and the title fields come from the data; presentation mode steps through
one finding per screen and keeps the title fields; the page is anonymous at the sidebar's minimum
group size; without a browser it says what to install.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from framework.board import ReportMeta, build_board_report
from framework.definitions import get_framework
from framework.images import INSTALL_HINT
from framework.importer import read_survey
from framework.publication import publish
from framework.safe_text import md_text
from framework.targets import default_targets
from tests.conftest import ROOT, SAMPLE

BOARD = "pages/board.py"


@pytest.fixture
def board():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(BOARD).run()
    assert not at.exception, at.exception
    return at


def sample_report(k: int = 5, framework_id: str = "cosn-2018"):
    fw = get_framework(framework_id)
    res = read_survey(SAMPLE.read_bytes(), SAMPLE.name, fw)
    return build_board_report(publish(res.ratings, fw, res.scale, default_targets(), k), ReportMeta())


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def markdown_text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def downloads(at) -> dict[str, object]:
    return {el.proto.label: el.proto for el in at.get("download_button")}


def test_board_page_shows_the_samples_figures_summary_and_charts(board):
    report = sample_report()
    assert metrics(board) == dict(report.headline_figures())
    assert metrics(board)["Team average (of 4)"] == f"{report.headline['team_mean']:.2f}" == "2.33"
    assert [t.value for t in board.text_input] == ["Example District", "2026–27 school year", "October 5–14, 2026"]
    text = markdown_text(board).replace("\\", "")
    for finding in report.summary.findings:
        assert finding.headline in text
        for point in finding.points:
            assert point in text
    charts = [json.loads(el.proto.spec) for el in board.get("plotly_chart")]
    titles = [c["layout"]["title"]["text"].split("<br>")[0] for c in charts]
    assert titles == ["Team average against target", "Gap to target", "Who covers each skill area"]
    radar = charts[0]
    team = next(t for t in radar["data"] if t.get("name", "").startswith("Team mean"))
    assert [round(v, 6) for v in team["r"][:-1]] == report.areas["mean"].round(6).tolist()
    chart_captions = [c.value for c in board.caption if "Anonymous: results resting on fewer than 5" in c.value]
    assert len(chart_captions) == 3 and all("Based on 25 respondents" in c for c in chart_captions)
    assert set(downloads(board)) == {"PDF report", "PowerPoint deck", "Tables (CSV)", "Tables (XLSX)", "Chart (PNG)"}
    assert not downloads(board)["Chart (PNG)"].disabled


def test_presentation_steps_through_one_finding_per_screen_and_keeps_the_title(board):
    report = sample_report()
    board.text_input(key="board_district").input("Springfield Public Schools").run()
    board.button(key="board-present").click().run()
    assert not board.exception
    assert board.session_state["board_present"] is True
    assert [t.value for t in board.title] == ["Springfield Public Schools"]
    assert board.button(key="board-prev").disabled
    assert not board.text_input, "presentation mode shows no form"
    seen = []
    for _ in report.summary.findings:
        board.button(key="board-next").click().run()
        seen.append(board.title[0].value)
        finding = report.summary.findings[len(seen) - 1]
        assert finding.headline in markdown_text(board).replace("\\", "")
        assert len(board.get("plotly_chart")) == (1 if finding.chart else 0)
    assert seen == [md_text(f.title) for f in report.summary.findings]  # titles are shown as text
    assert board.button(key="board-next").disabled
    assert board.session_state["board_slide"] == len(report.summary.findings)
    board.button(key="board-prev").click().run()
    assert board.title[0].value == md_text(report.summary.findings[-2].title)
    board.button(key="board-exit").click().run()
    assert board.session_state["board_present"] is False
    assert board.text_input(key="board_district").value == "Springfield Public Schools"
    assert board.header[0].value == "Springfield Public Schools"


def test_board_is_anonymous_at_the_sidebar_minimum_group_size(board):
    """With the minimum group size above the team's 25 people, nothing is shown and nothing is charted."""
    board.session_state["min_group_size"] = 30
    board.run()
    assert not board.exception
    assert metrics(board) == {"Respondents": "25", "Minimum group size": "30"}
    assert board.warning and "fewer than the minimum group size of 30" in board.warning[0].value
    assert not board.get("plotly_chart")
    assert "Chart (PNG)" not in downloads(board)


def test_board_stays_anonymous_in_the_named_view(board):
    """The team's named view elsewhere in the app does not reach the board page or its exports."""
    board.session_state["named_view"] = True
    board.session_state["min_group_size"] = 30
    board.run()
    assert not board.exception
    assert metrics(board) == {"Respondents": "25", "Minimum group size": "30"}
    assert not board.get("plotly_chart")
    text = markdown_text(board)
    assert not any(name in text for name in ("Michael Hughes", "Samuel Lopez", "mhughes@"))


def test_board_follows_the_framework_choice(board):
    board.session_state["framework_id"] = "cosn-2009"
    board.run()
    assert not board.exception
    text = markdown_text(board).replace("\\", "")
    assert "Stakeholder Focus: the survey has no ratings for it." in text
    assert "Weighted by each area's weight in the framework" in text


def test_without_a_browser_the_page_says_what_to_install(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(BOARD).run()
    assert not at.exception
    assert any(INSTALL_HINT in i.value for i in at.info)
    assert downloads(at)["Chart (PNG)"].disabled
    assert not downloads(at)["PDF report"].disabled  # the PDF still comes, with tables for the charts


def test_a_logo_that_is_not_an_image_gets_one_sentence(board):
    board.file_uploader(key="board_logo").set_value(("logo.png", b"not an image", "image/png")).run()
    assert not board.exception
    assert board.error and board.error[0].value.startswith("The logo is not an image file")
    assert "board_logo_png" not in board.session_state
