"""Framework definition files: the built-in CoSN frameworks and validation of malformed files."""

from __future__ import annotations

import pytest

from framework.definitions import (
    DEFAULT_FRAMEWORK_ID,
    DefinitionError,
    builtin_frameworks,
    get_framework,
    load_framework_file,
    parse_framework,
)

AREAS_2018 = [
    "Leadership and Vision",
    "Strategic Planning",
    "Ethics and Policies",
    "Instructional Focus and Professional Development",
    "Team Building and Staffing",
    "Information Technology Management",
    "Communication Systems Management",
    "Business Management",
    "Data Management",
    "Data Privacy and Security",
]
AREAS_2009 = [*AREAS_2018[:-1], "Stakeholder Focus"]
CETL_WEIGHTS_2009 = {
    "Leadership and Vision": 15,
    "Strategic Planning": 15,
    "Ethics and Policies": 10,
    "Instructional Focus and Professional Development": 12,
    "Team Building and Staffing": 9,
    "Stakeholder Focus": 9,
    "Information Technology Management": 9,
    "Communication Systems Management": 7,
    "Business Management": 7,
    "Data Management": 7,
}

# A small valid definition; the malformed cases below each change one thing in it.
VALID = """
id = "mini"
name = "Mini framework"

[[categories]]
id = "people"
name = "People"

[[categories]]
id = "systems"
name = "Systems"

[[areas]]
id = "leading"
name = "Leading"
category = "people"
description = "Leads the team."

[[areas]]
id = "networks"
name = "Networks"
category = "systems"
description = "Runs the network."
"""


def test_both_builtin_frameworks_load_with_the_default_first():
    """The two shipped frameworks load, keyed by id, with the current one first."""
    frameworks = builtin_frameworks()
    assert list(frameworks) == ["cosn-2018", "cosn-2009"]
    assert DEFAULT_FRAMEWORK_ID == "cosn-2018"
    assert get_framework() is frameworks["cosn-2018"]


def test_current_framework_has_three_categories_and_ten_areas_in_order():
    """cosn-2018: exactly 3 categories and the 10 area names in framework order."""
    fw = get_framework("cosn-2018")
    assert [c.name for c in fw.categories] == [
        "Leadership & Vision",
        "Understanding the Educational Environment",
        "Managing Technology & Support Resources",
    ]
    assert [a.name for a in fw.areas] == AREAS_2018
    assert not fw.has_weights


def test_current_framework_areas_per_category():
    """The areas fall 3 / 2 / 5 into the three categories."""
    fw = get_framework("cosn-2018")
    per_category = {c.id: [a.name for a in fw.areas if a.category == c.id] for c in fw.categories}
    assert per_category == {
        "leadership-vision": AREAS_2018[0:3],
        "educational-environment": AREAS_2018[3:5],
        "managing-technology": AREAS_2018[5:10],
    }


def test_2009_framework_has_stakeholder_focus_and_cetl_weights():
    """cosn-2009 has Stakeholder Focus in place of Data Privacy and Security, weighted 15/15/10/12/9/9/9/7/7/7."""
    fw = get_framework("cosn-2009")
    names = [a.name for a in fw.areas]
    assert sorted(names) == sorted(AREAS_2009)
    assert "Data Privacy and Security" not in names
    assert len(fw.categories) == 3
    assert fw.has_weights
    weights = {a.name: a.weight for a in fw.areas}
    assert weights == CETL_WEIGHTS_2009
    assert [a.weight for a in fw.areas] == [15, 15, 10, 12, 9, 9, 9, 7, 7, 7]
    assert sum(weights.values()) == 100


@pytest.mark.parametrize("framework_id", ["cosn-2018", "cosn-2009"])
def test_every_area_has_description_unique_id_and_short_label(framework_id):
    """Each area has a description, a unique id and a short label of at most 24 characters."""
    fw = get_framework(framework_id)
    ids = [a.id for a in fw.areas]
    assert len(set(ids)) == len(ids) == 10
    for area in fw.areas:
        assert area.description.strip(), area.id
        assert 0 < len(area.label) <= 24, area.label
        assert area.category in {c.id for c in fw.categories}


def test_unknown_framework_id_names_the_builtin_ones():
    """Asking for a framework that is not shipped raises DefinitionError listing the known ids."""
    with pytest.raises(DefinitionError, match="cosn-2018, cosn-2009"):
        get_framework("cosn-1999")


def test_minimal_valid_definition_parses():
    """The base text used for the malformed cases is itself valid."""
    fw = parse_framework(VALID, source="x.toml")
    assert fw.area_ids == ["leading", "networks"]
    assert fw.area("networks").category == "systems"
    assert fw.area("leading").label == "Leading"  # label defaults to the name


def test_long_name_without_label_gets_a_truncated_label():
    """An area name over 24 characters without a label gets a 24-character label ending in an ellipsis."""
    text = VALID.replace('name = "Leading"', 'name = "Leading the district technology team"')
    label = parse_framework(text, source="x.toml").area("leading").label
    assert len(label) == 24
    assert label == "Leading the district te…"


MALFORMED = {
    "bad TOML": (VALID.replace('id = "mini"', 'id = "mini'), "not valid TOML"),
    "missing field": (VALID.replace('name = "Networks"\n', ""), "areas.1.name"),
    "unknown category": (VALID.replace('category = "systems"', 'category = "finance"'), "'finance'"),
    "duplicate id": (VALID.replace('id = "networks"', 'id = "leading"'), "'leading' is used twice"),
    "weights on only some areas": (
        VALID.replace('description = "Leads the team."', 'description = "Leads the team."\nweight = 50'),
        "either every skill area has a weight or none has",
    ),
    "extra key": (VALID.replace('description = "Runs the network."', 'description = "Runs."\ncolour = "blue"'),
                  "colour"),
    "label too long": (VALID.replace('description = "Leads the team."',
                                     'description = "Leads."\nlabel = "A label that is far too long to fit"'),
                       "label"),
    "category with no areas": (VALID.replace('category = "systems"', 'category = "people"'), "'Systems' has no skill"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_text_raises_definition_error_naming_the_source(case):
    """Each malformed definition raises DefinitionError whose message names the file and the problem."""
    text, detail = MALFORMED[case]
    with pytest.raises(DefinitionError) as info:
        parse_framework(text, source="x.toml")
    message = str(info.value)
    assert message.startswith("x.toml ")
    assert detail in message
    assert "\n" not in message


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_file_raises_definition_error_naming_the_file(tmp_path, case):
    """load_framework_file reports a malformed file by its file name."""
    path = tmp_path / "district-framework.toml"
    path.write_text(MALFORMED[case][0], encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"^district-framework\.toml "):
        load_framework_file(path)


def test_valid_file_on_disk_loads(tmp_path):
    """A valid file (with a UTF-8 BOM, as Notepad writes it) loads from disk."""
    path = tmp_path / "mine.toml"
    path.write_bytes(VALID.encode("utf-8-sig"))
    assert load_framework_file(path).id == "mini"


def test_missing_or_non_utf8_file_names_the_file(tmp_path):
    """A file that does not exist, or is not UTF-8, raises DefinitionError naming it."""
    with pytest.raises(DefinitionError, match=r"^absent\.toml cannot be read"):
        load_framework_file(tmp_path / "absent.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes(VALID.replace("Leading", "Lédership").encode("latin-1"))
    with pytest.raises(DefinitionError, match=r"^latin\.toml is not a UTF-8 text file"):
        load_framework_file(latin)


# ---- limits: a district's file costs little before it is refused ------------------------------------------
def many_areas(n: int, categories: int = 2) -> str:
    cats = "".join(f'[[categories]]\nid = "c{j}"\nname = "Category {j}"\n\n' for j in range(categories))
    areas = "".join(f'[[areas]]\nid = "a{i}"\nname = "Area {i}"\ncategory = "c{i % categories}"\n\n' for i in range(n))
    return f'id = "big"\nname = "Big"\n\n{cats}{areas}'


@pytest.mark.parametrize("text", [
    "a = " + "[" * 10_000 + "]" * 10_000,  # the attack: tomllib recursed until RecursionError
    "a = " + "{b = " * 10_000 + "1" + "}" * 10_000,
    "a = " + "[" * 11 + "]" * 11,  # parses, but deeper than any definition needs
    ".".join(f"k{i}" for i in range(5_000)) + " = 1",  # dotted keys: deep tables without recursion
])
def test_deeply_nested_files_are_refused_in_one_sentence(text):
    with pytest.raises(DefinitionError) as info:
        parse_framework(text, source="deep.toml")
    assert str(info.value) == ("deep.toml nests tables or lists more than 10 levels deep; a framework definition "
                               "needs four.")


def test_a_definition_nested_as_deep_as_the_format_needs_still_loads():
    assert parse_framework(VALID.replace('description = "Leads the team."', 'aliases = ["Lead", "Leader"]'),
                           source="x.toml").area("leading").aliases == ("Lead", "Leader")


def test_more_than_200_areas_or_50_categories_are_refused():
    """A 10,000-area framework made every rerun take 20-25 s; past the limit it is one sentence."""
    assert len(parse_framework(many_areas(200, 50), source="ok.toml").areas) == 200
    with pytest.raises(DefinitionError, match=r"^big\.toml has 300 skill areas; a framework can have at most 200\.$"):
        parse_framework(many_areas(300), source="big.toml")
    with pytest.raises(DefinitionError, match=r"^big\.toml has 51 categories; a framework can have at most 50\.$"):
        parse_framework(many_areas(60, 51), source="big.toml")
    # written compactly, thousands of areas fit under the size limit: the count is what refuses them
    compact = 'id = "big"\nname = "Big"\ncategories = [{id = "c", name = "C"}]\nareas = [' + ",".join(
        f'{{id="a{i}",name="{i}",category="c"}}' for i in range(6_000)) + "]\n"
    assert len(compact) < 256 * 1024
    with pytest.raises(DefinitionError, match=r"^big\.toml has 6,000 skill areas"):
        parse_framework(compact, source="big.toml")


def test_a_file_over_256_kb_is_refused_before_it_is_read(tmp_path, monkeypatch):
    text = VALID + "\n# padding\n" + "#" * (256 * 1024)
    for given in (text, text.encode()):
        with pytest.raises(DefinitionError, match=r"^big\.toml is 257 KB; a framework definition file can be at most "
                                                  r"256 KB\.$"):
            parse_framework(given, source="big.toml")
    path = tmp_path / "big.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("the oversized file was read"))
    with pytest.raises(DefinitionError, match=r"^big\.toml is 257 KB"):
        load_framework_file(path)
