"""The professional-learning library (framework/data/growth.toml): complete, validated, and round-tripping as text."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framework.definitions import DefinitionError, builtin_frameworks, get_framework
from framework.growth_library import (
    GROWTH_FILE,
    ISTE_LEADERS,
    KIND_LABELS,
    AreaGrowth,
    GrowthLibrary,
    Step,
    builtin_growth,
    default_growth_text,
    parse_growth,
    to_toml,
)

SHIPPED = default_growth_text()


def test_every_area_of_the_built_in_frameworks_has_steps_at_every_level():
    lib = builtin_growth()
    for fw in builtin_frameworks().values():
        for area in fw.areas:
            entry = lib.area(area.id)
            assert entry is not None, area.id
            assert entry.name == area.name
            for level in (1, 2, 3):
                steps = lib.steps_for(area.id, level)
                assert 2 <= len(steps) <= 4
                assert {s.kind for s in steps} <= {"shadowing", "course", "community", "stretch", "reading"}
                assert len({s.kind for s in steps}) >= 2, f"{area.id} {level}: only one kind of step"
            top = lib.steps_for(area.id, 4)
            assert 1 <= len(top) <= 3 and "mentoring" in {s.kind for s in top}
            assert set(entry.iste) <= set(ISTE_LEADERS) and entry.iste, area.id


def test_cetl_content_areas_and_weights_match_the_2009_outline():
    """framework-facts.md: I 40% (15/15/10), II 30% (12/9/9), III 30% (9/7/7/7); the 2009 framework's weights."""
    lib = builtin_growth()
    legacy = get_framework("cosn-2009")
    by_category: dict[str, int] = {}
    for area in legacy.areas:
        cetl = lib.area(area.id).cetl
        assert cetl.weight == area.weight, area.id
        by_category.setdefault(cetl.category, 0)
        by_category[cetl.category] += cetl.weight
        assert cetl.category_weight == {"I": 40, "II": 30, "III": 30}[cetl.code.split(".")[0]]
    assert sorted(by_category.values()) == [30, 30, 40]
    assert sum(by_category.values()) == 100
    privacy = lib.area("data-privacy-security").cetl
    assert privacy.area == "Data Management" and "no separate privacy" in privacy.note
    assert lib.area("leadership-vision").cetl.text == (
        "CETL content area I.A Leadership & Vision (15% of the exam; Leadership and Vision 40%)")


def test_the_shipped_steps_are_plain_text_without_links():
    for area in builtin_growth().areas:
        for steps in area.steps.values():
            for s in steps:
                assert not re.search(r"https?://|www\.|\.org\b|\.com\b", s.text), s.text
                assert s.text[0].isupper() and s.text.endswith(".")
                assert 8 <= len(s.text.split()) <= 40


def test_the_library_round_trips_through_text():
    lib = builtin_growth()
    text = to_toml(lib)
    again = parse_growth(text)
    assert again == lib
    assert to_toml(again) == text
    assert parse_growth(text.encode("utf-8-sig")) == lib


step_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=400).filter(
    lambda t: t.strip() != "" and len(t.strip()) <= 400)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(step_text, min_size=2, max_size=2), name=st.text(max_size=60),
       note=st.text(alphabet=string.printable + "é’—\x7f\x00", max_size=80))
def test_any_text_an_admin_types_round_trips(texts, name, note):
    """Quotes, backslashes, line breaks, control characters and any Unicode survive to_toml and parse_growth."""
    base = builtin_growth()
    first = base.areas[0]
    steps = dict(first.steps)
    steps[2] = tuple(Step(kind=k, text=t) for k, t in zip(("course", "reading"), texts))
    cetl = first.cetl.model_copy(update={"note": note.strip()})
    edited = first.model_copy(update={"steps": steps, "name": name.strip(), "cetl": cetl})
    lib = GrowthLibrary(areas=(edited, *base.areas[1:]))
    assert parse_growth(to_toml(lib)) == lib


def test_a_district_may_add_an_area_of_its_own_framework():
    extra = SHIPPED + """
[[areas]]
id = "digital-equity"
iste = []

[areas.steps]
1 = [{ kind = "reading", text = "Read the district's device access survey." }, { kind = "course", text = "Take a course." }]
2 = [{ kind = "stretch", text = "Run a hotspot lending pilot." }, { kind = "community", text = "Join a digital equity group." }]
3 = [{ kind = "stretch", text = "Lead the access plan." }, { kind = "shadowing", text = "Shadow a peer district's lead." }]
4 = [{ kind = "leading", text = "Lead a regional access coalition." }]
"""
    lib = parse_growth(extra)
    assert lib.steps_for("digital-equity", 2)[0].text == "Run a hotspot lending pilot."
    assert lib.area("digital-equity").cetl is None
    assert parse_growth(to_toml(lib)) == lib
    assert lib.steps_for("no-such-area", 1) == ()


def _edit(old: str, new: str) -> str:
    assert old in SHIPPED
    return SHIPPED.replace(old, new, 1)


FIRST_STEP = '{ kind = "shadowing", text = "Ask to sit in on a technology advisory committee'


@pytest.mark.parametrize("text, says", [
    (_edit('id = "data-management"', 'id = "data-mgmt"'), "Data Management (data-management) of"),
    (_edit('id = "data-management"', 'id = "leadership-vision"'), "'leadership-vision' is listed twice"),
    (_edit(FIRST_STEP, FIRST_STEP.replace("shadowing", "webinar")), "areas.leadership-vision.steps.1.0.kind"),
    (_edit('{ kind = "mentoring", text = "Mentor an emerging', '{ kind = "reading", text = "Mentor an emerging'),
     "a reading step is not allowed at the top level"),
    (_edit(FIRST_STEP, FIRST_STEP.replace("shadowing", "mentoring")), "a mentoring step is not allowed at level 1"),
    (_edit("2 = [\n  { kind = \"stretch\", text = \"Lead a small project",
           "5 = [\n  { kind = \"stretch\", text = \"Lead a small project"), "levels 1, 2, 3 and 4, not [1, 3, 4, 5]"),
    (_edit('iste = ["Visionary Planner", "Empowering Leader"]', 'iste = ["Visionary Leader"]'),
     "areas.leadership-vision.iste.0"),
    (_edit('iste = ["Visionary Planner", "Empowering Leader"]', 'iste = ["Visionary Planner", "Visionary Planner"]'),
     "named twice"),
    (_edit("weight = 15 }", "weight = 150 }"), "areas.leadership-vision.cetl.weight"),
    ('scale = "1-4"\nareas = [', "not valid TOML"),
    (_edit('scale = "1-4"', 'scale = "1-5"'), "scale"),
    (_edit('scale = "1-4"', 'scale = "1-4"\ncolour = "red"'), "Extra inputs"),
])
def test_malformed_libraries_are_refused_with_one_sentence(text, says):
    with pytest.raises(DefinitionError) as err:
        parse_growth(text, "the district's growth library")
    assert says in str(err.value)
    assert str(err.value).startswith("the district's growth library is not ")
    assert "\n" not in str(err.value)


def test_too_few_and_too_many_steps_are_refused():
    lv = builtin_growth().area("ethics-policies")
    one = dict(lv.steps)
    one[1] = one[1][:1]
    with pytest.raises(ValueError, match="level 1 has 1 steps; it takes 2 to 4"):
        AreaGrowth(id=lv.id, steps=one)
    many = dict(lv.steps)
    many[3] = many[3] * 2
    with pytest.raises(ValueError, match="level 3 has 6 steps; it takes 2 to 4"):
        AreaGrowth(id=lv.id, steps=many)


def test_bytes_that_are_not_utf8_are_refused():
    with pytest.raises(DefinitionError, match="not a UTF-8 text file"):
        parse_growth(b"\xff\xfe\x00garbage", "upload.toml")


def test_kind_labels_cover_every_kind_and_the_file_is_where_the_docs_say():
    assert set(KIND_LABELS) == {"shadowing", "course", "community", "stretch", "reading", "mentoring", "leading"}
    assert GROWTH_FILE.name == "growth.toml" and GROWTH_FILE.parent.name == "data"
