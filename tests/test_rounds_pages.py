"""AppTest of the Trends and Survey rounds pages through dashboard.py, on SQLite and PostgreSQL:
save an upload as a round, manage rounds, see the trend."""

from __future__ import annotations

import json
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from framework.store import Store
from tests.conftest import ROOT
from tests.store_support import (
    count,
    db_url_fixture,  # noqa: F401 (fixture)
    save,
    survey_csv,
    team,
)
from tests.test_trends import ROUND_A, ROUND_B

TRENDS, ROUNDS, UPLOAD = "pages/trends.py", "pages/rounds.py", "pages/upload.py"
FALL, SPRING = date(2025, 10, 1), date(2026, 4, 15)
SIX = survey_csv({"Leadership and Vision": [4, 2, 3, 1, 2, 3], "Strategic Planning": [3, 2, 1, 2, 4, 3]})


@pytest.fixture
def app(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def store(db_url):
    with Store(db_url) as s:
        yield s


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def button(at, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}: {[b.label for b in at.button]}"
    return found[0]


def upload(at, data: bytes = SIX, name: str = "six.csv"):
    at.switch_page(UPLOAD).run()
    at.file_uploader(key="uploader").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    assert at.session_state["source"] == "upload"


# ---- Survey rounds page -------------------------------------------------------------------------
def test_without_an_upload_there_is_nothing_to_save(app):
    app.switch_page(ROUNDS).run()
    assert not app.exception
    assert any("showing the sample district" in t for t in texts(app.info))
    assert not [b for b in app.button if b.label == "Save as a round"]
    assert any("No rounds are stored yet" in t for t in texts(app.info))


def test_saving_the_upload_as_a_round(app, store):
    """Saving is a choice: nothing is stored by the upload; the form stores it, once."""
    upload(app)
    assert count(store, "SELECT count(*) FROM rounds") == 0
    app.switch_page(ROUNDS).run()
    app.text_input(key="round-label").input("Fall 2025")
    app.date_input(key="round-date").set_value(FALL)
    button(app, "Save as a round").click().run()
    assert not app.exception, app.exception
    assert any("Saved round" in t and "'Fall 2025'" in t and "6 respondents" in t for t in texts(app.success))
    (r,) = store.list_rounds()
    assert (r.label, r.survey_date, r.respondents, r.ratings, r.source_name) == ("Fall 2025", FALL, 6, 12, "six.csv")
    assert app.dataframe[0].value["Round"].tolist() == ["Fall 2025"]
    app.run()  # the same upload again: recognised by its hash, no second form
    assert any("stored already as round" in t for t in texts(app.info))
    assert not [b for b in app.button if b.label == "Save as a round"]
    assert count(store, "SELECT count(*) FROM rounds") == 1


def test_a_taken_name_is_refused_with_a_sentence(app, store):
    save(store, team(5, 1), "Fall 2025", FALL)
    upload(app)
    app.switch_page(ROUNDS).run()
    app.text_input(key="round-label").input("Fall 2025")
    button(app, "Save as a round").click().run()
    assert not app.exception
    assert any("was not saved" in t and "exists already" in t for t in texts(app.error))
    assert count(store, "SELECT count(*) FROM rounds") == 1


def test_rename_and_delete_with_confirmation(app, store):
    a = save(store, ROUND_A, "Fall 2025", FALL).round
    b = save(store, ROUND_B, "Spring 2026", SPRING).round
    app.switch_page(ROUNDS).run()
    assert app.dataframe[0].value["Round"].tolist() == ["Fall 2025", "Spring 2026"]
    app.selectbox(key="rounds-selected").select(a.id).run()
    app.text_input(key="rounds-rename").input("Autumn 2025")
    app.button(key="rounds-rename-button").click().run()
    assert any("now called 'Autumn 2025'" in t for t in texts(app.success))
    assert store.get_round(a.id).label == "Autumn 2025"

    app.button(key="rounds-delete").click().run()
    assert any("Delete round" in t and "15 ratings" in t for t in texts(app.warning))
    assert count(store, "SELECT count(*) FROM rounds WHERE id = :r", r=a.id) == 1  # not yet
    app.button(key="rounds-delete-cancel").click().run()
    assert not app.warning and count(store, "SELECT count(*) FROM rounds") == 2

    app.button(key="rounds-delete").click().run()
    app.button(key="rounds-delete-confirm").click().run()
    assert not app.exception
    assert any("Deleted round" in t and "15 ratings" in t for t in texts(app.success))
    assert count(store, "SELECT count(*) FROM ratings WHERE round_id = :r", r=a.id) == 0
    assert count(store, "SELECT count(*) FROM rounds WHERE id = :r", r=a.id) == 0
    assert [r.id for r in store.list_rounds()] == [b.id]
    assert app.dataframe[0].value["Round"].tolist() == ["Spring 2026"]


def test_delete_all_stored_data_needs_the_word(app, store):
    save(store, ROUND_A, "Fall 2025", FALL)
    save(store, ROUND_B, "Spring 2026", SPRING)
    app.switch_page(ROUNDS).run()
    assert app.button(key="rounds-delete-all").disabled
    app.text_input(key="rounds-wipe-text").input("delete").run()
    assert app.button(key="rounds-delete-all").disabled
    app.text_input(key="rounds-wipe-text").input("DELETE").run()
    assert not app.button(key="rounds-delete-all").disabled
    app.button(key="rounds-delete-all").click().run()
    assert not app.exception
    assert any("Deleted all stored data: 2 rounds and 33 ratings" in t for t in texts(app.success))
    assert count(store, "SELECT count(*) FROM rounds") == 0 and count(store, "SELECT count(*) FROM ratings") == 0
    assert any("No rounds are stored yet" in t for t in texts(app.info))


def test_the_export_follows_the_privacy_mode(app, store):
    """Anonymous view: the round's figures per area; the named view (an explicit switch): every rating."""
    save(store, ROUND_A, "Fall 2025", FALL)
    app.switch_page(ROUNDS).run()
    (download,) = [d for d in app.get("download_button") if d.proto.label == "Export as CSV"]
    assert "Anonymous view" in download.proto.help and "names" not in download.proto.help.split(".")[0]
    app.session_state["named_view"] = True
    app.run()
    (download,) = [d for d in app.get("download_button") if d.proto.label == "Export as CSV"]
    assert "contains names" in download.proto.help


# ---- Trends page --------------------------------------------------------------------------------
def test_trends_without_rounds_says_how_to_get_them(app):
    app.switch_page(TRENDS).run()
    assert not app.exception
    assert any("No survey rounds are stored yet" in t for t in texts(app.info))


def test_trends_show_each_round_with_n_and_the_change(app, store):
    save(store, ROUND_B, "Spring 2026", SPRING)
    save(store, ROUND_A, "Fall 2025", FALL)
    app.switch_page(TRENDS).run()
    assert not app.exception, app.exception
    assert [m.value for m in app.metric] == ["2", "Spring 2026", "6"]
    charts = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    lines = next(c for c in charts if any(t.get("legendgroup") == "mean" for t in c["data"]))
    lv = next(t for t in lines["data"] if t.get("legendgroup") == "mean")
    assert lv["text"] == ["2.80<br>n 5", "3.50<br>n 6"]
    radar = next(c for c in charts if any(t["type"] == "scatterpolar" for t in c["data"]))
    assert {t["name"] for t in radar["data"] if t["type"] == "scatterpolar"} >= {"Spring 2026 (6 people)",
                                                                                  "Fall 2025 (5 people)"}
    table = app.dataframe[0].value.set_index("Skill area")
    assert table.loc["Leadership and Vision", "Change"] == "▲ up 0.70"
    assert table.loc["Strategic Planning", "Change"] == "– not comparable: hidden in Fall 2025"
    assert table.loc["Leadership and Vision", "Caution"].startswith("Small group")
    assert any("fewer than 10 ratings" in c for c in texts(app.caption))


def test_trends_in_the_named_view_hide_nothing(app, store):
    save(store, ROUND_A, "Fall 2025", FALL)
    save(store, ROUND_B, "Spring 2026", SPRING)
    app.session_state["named_view"] = True
    app.switch_page(TRENDS).run()
    assert not app.exception
    table = app.dataframe[0].value.set_index("Skill area")
    assert table.loc["Strategic Planning", "Fall 2025 mean"] == pytest.approx(5 / 3)
    assert table.loc["Strategic Planning", "Change"] == "▲ up 1.17"
    assert any("Named view" in c for c in texts(app.caption))


def test_trends_refuse_mixed_scales_until_a_rescale_is_chosen(app, store):
    save(store, ROUND_A, "Fall 2025", FALL)
    save(store, survey_csv({"Leadership and Vision": [5, 5, 4, 2, 1]}), "Spring 2026", SPRING, scale="1-5")
    app.switch_page(TRENDS).run()
    assert not app.exception
    assert app.error and "different rating scales" in app.error[0].value
    app.selectbox(key="trend-rescale").select("1-4").run()
    assert not app.exception and not app.error
    assert any("Spring 2026 was rescaled" in t for t in texts(app.info))
    assert app.dataframe[0].value.set_index("Skill area").loc["Leadership and Vision", "Change"] == "► no change"


def test_choosing_which_rounds_to_compare(app, store):
    save(store, team(6, 1), "Fall 2024", date(2024, 10, 1))
    save(store, ROUND_A, "Fall 2025", FALL)
    save(store, ROUND_B, "Spring 2026", SPRING)
    app.switch_page(TRENDS).run()
    assert app.selectbox(key="trend-current").value == 3 and app.selectbox(key="trend-previous").value == 2
    app.selectbox(key="trend-previous").select(1).run()
    assert not app.exception
    assert "Fall 2024 mean" in app.dataframe[0].value.columns
    app.multiselect(key="trend-rounds").unselect(3).run()
    assert not app.exception
    assert [m.value for m in app.metric][:2] == ["2", "Fall 2025"]


def test_the_chosen_rounds_are_kept_when_coming_back_to_trends(app, store):
    """Streamlit drops a widget's own state on a run of another page: the choice of rounds survives it (it once
    came back empty, with nothing but "Choose at least one round")."""
    save(store, team(6, 1), "Fall 2024", date(2024, 10, 1))
    save(store, ROUND_A, "Fall 2025", FALL)
    save(store, ROUND_B, "Spring 2026", SPRING)
    app.switch_page(TRENDS).run()
    app.multiselect(key="trend-rounds").unselect(1).run()
    app.switch_page("pages/overview.py").run()
    app.switch_page(TRENDS).run()
    assert not app.exception, app.exception
    assert app.multiselect(key="trend-rounds").value == [2, 3]
    assert [m.value for m in app.metric][:2] == ["2", "Spring 2026"] and app.get("plotly_chart")
    save(store, team(7, 2), "Fall 2026", date(2026, 10, 1))  # a round saved since is added to the choice
    app.switch_page("pages/overview.py").run()
    app.switch_page(TRENDS).run()
    assert app.multiselect(key="trend-rounds").value == [2, 3, 4]


def test_a_trend_is_computed_once_per_stored_rounds(app, store, monkeypatch):
    """Every round is loaded and audited together once, and its charts laid out once; a rerun only draws, and
    the CSV is written on click. A round renamed or saved since is in the trend at the next run."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    import framework.trend_figures as figures
    import framework.trends as trends

    calls, drawn, deferred = [], [], {}
    real, real_lines, real_radar = trends.trend_summary, figures.trend_figure, figures.compare_radar_figure
    real_add = MediaFileManager.add_deferred
    monkeypatch.setattr(trends, "trend_summary", lambda *a, **kw: calls.append(kw["round_ids"]) or real(*a, **kw))
    monkeypatch.setattr(figures, "trend_figure", lambda *a, **kw: drawn.append("lines") or real_lines(*a, **kw))
    monkeypatch.setattr(figures, "compare_radar_figure",
                        lambda *a, **kw: drawn.append("radar") or real_radar(*a, **kw))
    monkeypatch.setattr(MediaFileManager, "add_deferred", lambda self, fn, mime, coordinates, file_name=None, **kw:
                        deferred.setdefault(file_name, fn) and real_add(self, fn, mime, coordinates, file_name, **kw))
    save(store, ROUND_A, "Fall 2025", FALL)
    latest = save(store, ROUND_B, "Spring 2026", SPRING).round
    app.switch_page(TRENDS).run()
    app.run()
    app.switch_page("pages/overview.py").run()
    app.switch_page(TRENDS).run()
    assert not app.exception, app.exception
    assert calls == [[1, 2]]  # once: the pair compared is the same two rounds
    assert sorted(drawn) == ["lines", "radar"]
    csv = deferred["trend.csv"]().decode("utf-8-sig")
    assert csv.splitlines()[0].startswith('"round_id","round_label","survey_date"') and "Spring 2026" in csv
    store.rename_round(latest.id, "Spring semester 2026")
    app.run()
    assert [m.value for m in app.metric][:2] == ["2", "Spring semester 2026"]
    assert "Spring semester 2026 mean" in app.dataframe[0].value.columns and len(calls) == 2


def test_an_unreachable_database_is_a_message_not_a_traceback(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://alice:s3cr3t@127.0.0.1:1/rounds")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    for page in (ROUNDS, TRENDS):
        at.switch_page(page).run()
        assert not at.exception
        assert at.error and "cannot be used" in at.error[0].value and "s3cr3t" not in at.error[0].value
