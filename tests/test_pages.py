"""AppTest of the team pages through dashboard.py: sample data, a 5,000-person file, filters,
privacy modes, edited targets and a custom framework."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from framework.safe_text import md_text
from tests.conftest import ROOT, SAMPLE, plain
from tests.test_privacy import synthetic_district

TEAM_PAGES = ["pages/overview.py", "pages/gaps.py", "pages/area.py", "pages/coverage.py", "pages/compare.py",
              "pages/settings.py", "pages/upload.py", "pages/trends.py", "pages/rounds.py", "pages/board.py"]
NAMES = [row["Full name"] for row in csv.DictReader(io.StringIO(SAMPLE.read_text("utf-8")))]

ISTE = """
id = "iste-leaders"
name = "ISTE Standards for Education Leaders"
version = "2018"
[[categories]]
id = "iste"
name = "ISTE Standards for Education Leaders"
[[areas]]
id = "equity-citizenship"
name = "Equity and Citizenship Advocate"
label = "Equity & Citizenship"
category = "iste"
[[areas]]
id = "visionary-planner"
name = "Visionary Planner"
category = "iste"
[[areas]]
id = "empowering-leader"
name = "Empowering Leader"
category = "iste"
[[areas]]
id = "systems-designer"
name = "Systems Designer"
category = "iste"
[[areas]]
id = "connected-learner"
name = "Connected Learner"
category = "iste"
"""


@pytest.fixture(autouse=True)
def _own_targets_file(tmp_path, monkeypatch):
    """Edited targets go to a temporary file, never to the repository's data/."""
    monkeypatch.setenv("DASHBOARD_TARGETS_PATH", str(tmp_path / "targets.toml"))
    monkeypatch.setenv("DASHBOARD_MAPPINGS_DIR", str(tmp_path / "mappings"))


def everything_shown(at) -> str:
    """All text an AppTest run put on the page: text elements, metrics, tables and chart specs."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value.to_csv() for e in at.dataframe]
    parts += [el.proto.spec for el in at.get("plotly_chart")]
    parts += [json.dumps(el.proto.spec) for el in at.get("arrow_data_frame")]
    return "\n".join(parts)


def go(at, page):
    """Open a page through the entry point. (AppTest 1.67 keeps the sidebar's elements in its tree
    for the first run only, so sidebar settings are put in session_state before that run.)"""
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", TEAM_PAGES)
def test_every_page_renders_in_both_views(app, page):
    """Each page runs with the sample district, anonymous and named."""
    go(app.run(), page)
    app.session_state["named_view"] = True
    go(app, page)


@pytest.mark.parametrize("page", TEAM_PAGES)
def test_anonymous_pages_show_no_name(app, page):
    """No respondent's name appears anywhere on any page in the anonymous view."""
    text = everything_shown(go(app.run(), page))
    leaked = [n for n in NAMES if n in text]
    assert leaked == []


def test_named_view_shows_names_and_a_banner(app):
    """Switching the named view on shows people on Team gaps, under a visible banner."""
    app.session_state["named_view"] = True
    app.run()  # the entry point draws the banner above every page
    assert any("Named view: individual ratings are visible" in i.value for i in app.info)
    go(app, "pages/gaps.py")
    text = everything_shown(app)
    assert sum(n in text for n in NAMES) == len(NAMES)


def test_filters_change_the_numbers(app):
    """A role filter narrows every figure to that role, and the caption says so; it holds across pages."""
    from streamlit.testing.v1 import AppTest

    go(app.run(), "pages/overview.py")
    team_mean = next(m.value for m in app.metric if m.label.startswith("Team mean"))
    assert [m.value for m in app.metric if m.label == "Respondents"] == ["25"]
    filtered = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    filtered.session_state["filter_role"] = ["Help Desk Technician"]
    filtered.run()
    assert not filtered.exception
    assert filtered.multiselect(key="w_filter_role").value == ["Help Desk Technician"]
    assert [m.value for m in filtered.metric if m.label == "Respondents"] == ["9"]
    assert next(m.value for m in filtered.metric if m.label.startswith("Team mean")) != team_mean
    assert any("role Help Desk Technician" in c.value for c in filtered.caption)
    go(filtered, "pages/coverage.py")
    assert any("(role Help Desk Technician)" in c.value for c in filtered.caption)


def test_small_units_are_not_offered_as_filters(app):
    """Roles under the minimum size are pooled; a pooled-away role is not a filter option."""
    app.run()
    options = app.multiselect(key="w_filter_role").options
    assert "Director of Technology" not in options and "Other roles" in options
    groups = app.multiselect(key="w_filter_group").options
    assert "District Office" not in groups


def test_five_thousand_respondents_render_on_every_page(app):
    """A 5,000-person file: every page renders, the anonymous heatmap stays a screenful."""
    big = synthetic_district(5000, seed=3)
    app.run()
    app.switch_page("pages/upload.py").run()
    app.file_uploader(key="uploader").set_value(("big.csv", big, "text/csv")).run()
    assert not app.exception
    assert [m.value for m in app.metric if m.label == "Rows read"] == ["5000"]
    for page in TEAM_PAGES[:5]:
        go(app, page)
    go(app, "pages/overview.py")
    assert [m.value for m in app.metric if m.label == "Respondents"] == ["5000"]
    go(app, "pages/gaps.py")
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert len(spec["data"][0]["y"]) <= 40


def test_saved_targets_change_every_gap(app, tmp_path):
    """Targets saved in the store (by any server) move the targets and gaps at the next run."""
    from framework import state
    from framework.store import Store
    from framework.targets import default_targets

    go(app.run(), "pages/overview.py")
    before = app.dataframe[0].value.set_index("Skill area")
    assert (before["Target"] == 3).all()
    with Store() as store:  # the test's own database (DATABASE_URL), as another server would write it
        state.save_targets(store, "cto@district.org", default_targets().model_copy(
            update={"areas": {"business-management": 4}}))
    go(app, "pages/overview.py")
    after = app.dataframe[0].value.set_index("Skill area")
    assert after.loc["Business Management", "Target"] == 4
    assert after.loc["Business Management", "Gap"] == pytest.approx(before.loc["Business Management", "Gap"] + 1)


def test_custom_framework_file_changes_the_whole_app(app):
    """Loading an ISTE definition switches the app to its five areas: the sample (made for CoSN) is
    refused with a sentence, an ISTE survey is read; a broken definition gets one sentence."""
    go(app.run(), "pages/settings.py")
    app.file_uploader(key="framework_file").set_value(("iste.toml", ISTE.encode(), "text/plain")).run()
    assert not app.exception
    assert app.session_state["framework_id"].startswith("custom:")  # by content, never by its id
    go(app, "pages/overview.py")
    assert app.error and "none of them a skill area of the ISTE Standards" in app.error[0].value
    iste_survey = (
        "Name,Email,Equity and Citizenship Advocate,Visionary Planner,Empowering Leader,Systems Designer,"
        "Connected Learner\n" + "".join(f"P{i},p{i}@x.org,{1 + i % 4},3,2,4,3\n" for i in range(6))
    ).encode()
    go(app, "pages/upload.py")
    app.file_uploader(key="uploader").set_value(("iste.csv", iste_survey, "text/csv")).run()
    go(app, "pages/overview.py")
    table = app.dataframe[0].value
    assert list(table["Skill area"]) == ["Equity and Citizenship Advocate", "Visionary Planner", "Empowering Leader",
                                         "Systems Designer", "Connected Learner"]
    assert table.set_index("Skill area").loc["Equity and Citizenship Advocate", "Mean"] == pytest.approx(
        (1 + 2 + 3 + 4 + 1 + 2) / 6)
    go(app, "pages/settings.py")
    app.file_uploader(key="framework_file").set_value(("bad.toml", b"id = 'x'\n[[areas]]\n", "text/plain")).run()
    assert not app.exception
    assert app.error and md_text("bad.toml") in app.error[0].value  # the message is shown as text


def test_two_frameworks_with_one_id_and_title_never_share_cached_figures(tmp_path):
    """Caches are keyed by a definition's content: two custom frameworks with the same id and title but
    different areas, chosen in two sessions of one server, each show their own areas (the attack: one
    session's definition showed up in another's)."""
    from streamlit.testing.v1 import AppTest

    second = ISTE.replace('name = "Visionary Planner"', 'name = "Visionary Planner Two"')
    survey = ("Name,Equity and Citizenship Advocate,Visionary Planner,Visionary Planner Two,Empowering Leader,"
              "Systems Designer,Connected Learner\n" + "".join(f"P{i},3,2,4,3,2,4\n" for i in range(6))).encode()
    seen = []
    for definition, name in ((ISTE, "one.toml"), (second, "two.toml")):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        go(at.run(), "pages/settings.py")
        at.file_uploader(key="framework_file").set_value((name, definition.encode(), "text/plain")).run()
        assert not at.exception
        go(at, "pages/upload.py")
        at.file_uploader(key="uploader").set_value(("iste.csv", survey, "text/csv")).run()
        go(at, "pages/overview.py")
        seen.append(list(at.dataframe[0].value["Skill area"]))
    assert "Visionary Planner" in seen[0] and "Visionary Planner Two" not in seen[0]
    assert "Visionary Planner Two" in seen[1] and "Visionary Planner" not in seen[1]


HOSTILE = {"name": "![](http://evil.example/x.png)", "role": ":red[Help Desk]", "school": "<a href=\"http://evil.example/\">South</a>"}


def test_names_roles_and_schools_are_shown_as_text_never_as_markdown(app):
    """A name holding a Markdown image, a role holding a colour directive and a school holding a link reach
    every page (named view, so names are shown) only as text: no element's Markdown source carries them
    unescaped."""
    rows = ["Name,Email,Role,School,Leadership and Vision,Strategic Planning"]
    for i in range(12):
        name = HOSTILE["name"] if i == 0 else f"Person {i} [x](http://evil.example/{i})"
        rows.append(f'"{name}",p{i}@x.org,"{HOSTILE["role"]}","{HOSTILE["school"]}",{1 + i % 4},{1 + (i + 1) % 4}')
    go(app.run(), "pages/upload.py")
    app.file_uploader(key="uploader").set_value(("hostile.csv", ("\n".join(rows) + "\n").encode(), "text/csv")).run()
    assert not app.exception
    app.session_state["named_view"] = True
    for page in ("pages/overview.py", "pages/gaps.py", "pages/area.py", "pages/coverage.py", "pages/compare.py",
                 "pages/upload.py", "pages/rounds.py"):
        go(app, page)
        sources = []
        for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
            sources += [str(e.value) for e in getattr(app, kind)]
        text = "\n".join(sources)
        if page == "pages/area.py":  # the people at target, by name: the text is there, as text
            assert "evil.example" in plain(text) and r"\[Help Desk\]" in text
        for pattern in (r"!\[", r"(?<!\\)\]\(", r":red\[", r"(?<!\\)<a href"):  # ... but never unescaped
            assert not re.search(pattern, text), (page, pattern)


def test_the_named_view_of_a_large_team_sends_a_page_of_names_at_a_time(app):
    """260 people: the Skill area page lists those at target 50 at a time, Coverage names a dozen per area and how
    many more, Compare offers 200 people and finds the others by name; nothing lists everyone at once."""
    levels = ["1", "2", "3", "4"]
    rows = ["Name,Email,Role,Leadership and Vision,Strategic Planning"]
    rows += [f"Person {i:03d},p{i}@x.org,Help Desk Technician,{levels[2 + i % 2]},{levels[i % 4]}" for i in range(260)]
    go(app.run(), "pages/upload.py")
    app.file_uploader(key="uploader").set_value(("big.csv", ("\n".join(rows) + "\n").encode(), "text/csv")).run()
    assert not app.exception
    app.session_state["named_view"] = True
    go(app, "pages/area.py")
    assert not app.exception
    people = next(d.value for d in app.dataframe if "Person" in d.value.columns)
    assert len(people) == 50 and people["Person"].iloc[0].startswith("Person 000")
    app.number_input(key="area_people_page").set_value(6).run()  # 260 at target (3 or 4 against 2)
    people = next(d.value for d in app.dataframe if "Person" in d.value.columns)
    assert len(people) == 10 and people["Person"].iloc[-1].startswith("Person 259")
    go(app, "pages/coverage.py")
    who = app.dataframe[0].value.set_index("Skill area")["Who"]
    assert who["Leadership and Vision"].endswith("and 248 more") and who["Leadership and Vision"].count("Person") == 12
    go(app, "pages/compare.py")
    app.session_state["compare_by"] = "person"
    app.run()
    assert len(app.multiselect(key="compare_people").options) == 200
    app.text_input(key="compare_find").set_value("Person 25").run()
    options = app.multiselect(key="compare_people").options
    assert set(options) >= {f"Person {i} · Help Desk Technician" for i in range(250, 260)}
    app.multiselect(key="compare_people").set_value(["Person 000 · Help Desk Technician",
                                                       "Person 255 · Help Desk Technician"]).run()
    assert not app.exception and len(app.get("plotly_chart")) >= 1
