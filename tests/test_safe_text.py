"""User text is shown as text: never as plotly's HTML in a chart, never as Markdown on a page.

The chart tests build every figure from a survey and a custom framework whose names hold links,
bold and styled spans, and look at the figure as the browser gets it (its JSON): no tag from the
data may be left, and the text must read as typed once plotly has turned the entities back.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date

import pytest

from framework import board_figures, figures, trend_figures
from framework.aggregate import group_summary
from framework.combine import combine
from framework.definitions import Framework, get_framework
from framework.gaps import group_matrix, person_matrix
from framework.importer import read_survey
from framework.narrative import md_escape
from framework.publication import publish
from framework.safe_text import chart_text, md_text
from framework.targets import default_targets
from framework.trends import round_from_combined, trend_summary
from tests.store_support import survey_csv

LINK = '<a href="http://evil/">x</a>'
BOLD = "<b>bold</b> & <i>co</i>"
SPAN = "<span style='color:red'>S</span>"
# the figure's own markup: line breaks, subtitles, bold flags and hover boxes
OWN_TAGS = re.compile(r"</?(br|sup|b|extra)>")


def evil_framework() -> Framework:
    """The CoSN framework with every name and label turned into markup (the old names kept as aliases,
    so the survey's columns still map)."""
    raw = get_framework().model_dump()
    raw["id"], raw["name"] = "evil", f"{BOLD} framework"
    for c in raw["categories"]:
        c["name"] = f"{LINK} {c['name']}"
    for i, a in enumerate(raw["areas"]):
        a["aliases"] = [*a["aliases"], a["name"]]
        a["name"] = f"{LINK} {a['name']}"
        a["label"] = f'<b>L{i}</b> <a href="//e">'  # an unclosed link: the rest of the text would follow it
    return Framework.model_validate(raw)


FW = evil_framework()
AREAS = [a.name for a in get_framework().areas]
PEOPLE = [f"{LINK} {i}" for i in range(12)]
ROLES = [LINK] * 6 + [BOLD] * 6
SCHOOLS = [SPAN] * 6 + [f"{LINK} 2"] * 6
ROUNDS = [f"{LINK} Fall", f"{BOLD} Spring"]


def survey(seed: int) -> bytes:
    cols = {area: [str(1 + (i * 7 + j * 3 + seed) % 4) for i in range(12)] for j, area in enumerate(AREAS[:-1])}
    cols[AREAS[-1]] = [""] * 12  # one area without ratings: the board charts name it in a note
    return survey_csv(cols, names=PEOPLE, roles=ROLES, groups=SCHOOLS)


@pytest.fixture(scope="module")
def data():
    result = read_survey(survey(0), "evil.csv", FW, targets=default_targets())
    assert {m.target for m in result.report.mapping if m.kind == "area"} == set(FW.area_ids), "every column mapped"
    pub = publish(result.ratings, FW, result.scale, default_targets(), 5)
    rounds = [round_from_combined(combine([read_survey(survey(s), "evil.csv", FW, targets=default_targets())]),
                                  label, date(2025 + s, 10, 1), s + 1) for s, label in enumerate(ROUNDS)]
    return result, pub, trend_summary(rounds, FW)


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def shown(text: str) -> str:
    """What plotly draws: its own tags read as line breaks or nothing, entities as their characters."""
    return html.unescape(OWN_TAGS.sub(" ", text))


def check(fig, expected: list[str]) -> list[str]:
    """No markup from the data in the figure's JSON (the browser's input), and each expected text reads
    as typed in some piece of the figure."""
    texts = strings(json.loads(fig.to_json()))
    for text in texts:
        left = OWN_TAGS.sub("", text)
        assert "<" not in left and ">" not in left, f"markup from the data reaches the chart: {text!r}"
        assert "<b>L" not in text and "<b>bold" not in text, f"the data's own <b> reaches the chart: {text!r}"
    drawn = " | ".join(" ".join(shown(t).split()) for t in texts)
    for want in expected:
        assert " ".join(want.split()) in drawn, f"{want!r} does not read as typed"
    return texts


def test_chart_text_escapes_exactly_the_markup_characters():
    assert chart_text(LINK) == '&lt;a href="http://evil/"&gt;x&lt;/a&gt;'
    assert chart_text("R&D <b>") == "R&amp;D &lt;b&gt;"
    assert chart_text("&lt;") == "&amp;lt;"  # an entity typed by a person stays as typed
    assert html.unescape(chart_text(BOLD)) == BOLD
    assert chart_text(3) == "3"


def test_wrap_escapes_each_line_and_keeps_its_own_line_breaks():
    """Lines are cut on the text, so an entity is never split, and only the code's <br> stays a tag."""
    text = '<a href="http://evil.example/long">Data</a> &amp; more'
    wrapped = figures.wrap(text, 14)
    assert "<a" not in wrapped and "</a>" not in wrapped and wrapped.count("<br>") >= 2
    lines = wrapped.split("<br>")
    assert all(chart_text(html.unescape(line)) == line for line in lines), "no line ends inside an entity"
    assert "".join(html.unescape(line) for line in lines).replace(" ", "") == text.replace(" ", "")


def test_overview_figures_show_area_and_category_names_as_text(data):
    _, pub, _ = data
    areas = pub.areas()
    names = [a.name for a in FW.areas]
    check(figures.radar_figure(areas, FW, pub.scale, 12), [*names, *(c.name for c in FW.categories), "<b>L0</b>"])
    check(figures.gap_figure(areas, pub.scale, 12), [names[0], "<b>L0</b> <a href=\"//e\">"])
    check(figures.coverage_figure(areas, 12), [names[0], "<b>L1</b>"])


def test_heatmaps_show_people_groups_and_areas_as_text(data):
    result, pub, _ = data
    people = person_matrix(result.ratings, FW, pub.scale, default_targets(), sort="name")
    fig = figures.heatmap_figure(people.values, people.targets, people.hidden, people.labels, FW, pub.scale)
    check(fig, [*PEOPLE, FW.areas[0].name, FW.categories[0].name, "<b>L2</b>"])
    assert people.labels[0].startswith("<a href"), "the matrix keeps plain text for tables and pages"
    for by, names in (("role", [LINK, BOLD]), ("group", [SPAN])):
        m = group_matrix(pub.breakdown(None, by), FW, by=by)
        check(figures.heatmap_figure(m.values, m.targets, m.hidden, m.labels, FW, pub.scale, k=5), names)
        named = group_matrix(group_summary(result.ratings, FW, pub.scale, default_targets(), by=by), FW, by=by)
        check(figures.heatmap_figure(named.values, named.targets, named.hidden, named.labels, FW, pub.scale), names)


def test_distribution_and_compare_figures_show_groups_as_text(data):
    _, pub, _ = data
    rows = pub.breakdown(None, "role").xs(FW.area_ids[0], level="area_id")
    labels = [f"{g} (n = {int(r['n'])})" for g, r in rows.iterrows()]
    levels = [f"level_{v}" for v in pub.scale.values]
    check(figures.distribution_figure(rows[levels], rows["n_na"].fillna(0), labels, pub.scale), labels)
    means = pub.breakdown(None, "role")["mean"].unstack("area_id")
    series = {f"{g} (n = 6)": means.loc[g] for g in means.index}
    target = pub.areas()["target"]
    check(figures.compare_radar(series, target, FW, pub.scale), list(series))
    check(figures.compare_bars(series, target, FW, pub.scale), [*series, "<b>L3</b>"])


def test_board_figures_show_area_labels_and_notes_as_text(data):
    _, pub, _ = data
    areas = pub.areas()
    last = FW.areas[-1].label  # no ratings: named in the note under each chart
    check(board_figures.coverage_figure(areas, 12, 5), [FW.areas[0].name, "<b>L0</b>", last])
    check(board_figures.levels_figure(areas, pub.scale, 12, 5), [FW.areas[0].name, "<b>L1</b>", last])
    fig = board_figures.priority_figure(areas, 12, 5)
    assert len(fig.data[0].y), "some areas are below target"
    check(fig, [last])


def test_trend_figures_show_rounds_and_areas_as_text(data):
    _, _, trend = data
    assert trend.drop_duplicates("round_id")["round_label"].tolist() == ROUNDS
    check(trend_figures.trend_figure(trend), [*ROUNDS, FW.areas[0].name, FW.categories[0].name])
    check(trend_figures.compare_radar_figure(trend), [*ROUNDS, FW.areas[0].name, FW.categories[0].name, "<b>L0</b>"])
    table = trend_figures.change_table(trend)
    assert f"{ROUNDS[1]} mean" in table.columns, "the change table is plain text, not chart markup"


# ---- Markdown ------------------------------------------------------------------------------------
def unescape_md(text: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


@pytest.mark.parametrize("attack", [
    "![](http://host/x.png)", "[click](http://evil)", ":red[coloured]", ":material/warning: x", "**bold** _it_",
    "# Heading", "> quote", "`code`", "a | b", "~~gone~~", "$x^2$", "<img src=x>", "&lt;b&gt;", "C:\\new\\[x]",
    "- item", "1. first", "http://evil.example/", "www.evil.example", "x\n===", "{#id}",
])
def test_md_text_escapes_every_markdown_character(attack):
    """Every ASCII punctuation character gets a backslash (CommonMark: the character itself), so no
    link, image, emphasis, heading, list, table, HTML, LaTeX, bare URL or Streamlit directive remains."""
    escaped = md_text(attack)
    assert unescape_md(escaped) == attack
    # read left to right, every punctuation character is escaped by a backslash of its own
    tokens = re.findall(r"\\.|.", escaped, flags=re.S)
    assert [t[-1] for t in tokens] == list(attack)
    assert all((len(t) == 2) == bool(re.fullmatch(r"[!-/:-@\[-`{-~]", t[-1])) for t in tokens)


def test_md_text_leaves_letters_digits_and_other_scripts_alone():
    assert md_text("Ana María Núñez 3") == "Ana María Núñez 3"
    assert md_text(42) == "42"


def test_md_escape_is_md_text():
    assert md_escape("*bold* [x](http://e)") == md_text("*bold* [x](http://e)") == \
        "\\*bold\\* \\[x\\]\\(http\\:\\/\\/e\\)"

