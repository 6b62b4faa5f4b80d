"""Level descriptors: what each level looks like in each skill area, as data beside the frameworks."""

from __future__ import annotations

import re
import shutil
import tomllib

import pytest

from framework.definitions import DATA_DIR, DefinitionError, get_framework, parse_framework
from framework.descriptors import (
    BETWEEN,
    builtin_descriptor_sets,
    descriptor_source,
    descriptors,
    load_descriptor_set,
    mapping_note,
)
from framework.scales import get_scale
from framework.targets import TargetSet

CUSTOM = """
id = "mini"
name = "Mini framework"

[[categories]]
id = "people"
name = "People"

[[areas]]
id = "leading"
name = "Leading"
category = "people"
{descriptors}

[[areas]]
id = "coaching"
name = "Coaching"
category = "people"
"""

FOUR = """
[areas.descriptors]
1 = "I join the team's planning when asked."
2 = "I plan small pieces of work with a colleague."
3 = "I plan my own work and explain it."
4 = "I lead planning for the whole team."
"""


def custom(descriptors: str = "") -> str:
    return CUSTOM.format(descriptors=descriptors)


# ---- the optional field on the skill-area model ---------------------------------------------------------------------
def test_custom_framework_reads_descriptors_as_levels():
    fw = parse_framework(custom(FOUR))
    assert fw.area("leading").descriptors == {
        1: "I join the team's planning when asked.",
        2: "I plan small pieces of work with a colleague.",
        3: "I plan my own work and explain it.",
        4: "I lead planning for the whole team.",
    }
    assert fw.area("coaching").descriptors == {}


def test_inline_descriptor_table_reads_the_same():
    inline = 'descriptors = {1 = "I join the team\'s planning when asked.", 2 = "I plan small pieces of work with a ' \
             'colleague.", 3 = "I plan my own work and explain it.", 4 = "I lead planning for the whole team."}'
    assert parse_framework(custom(inline)) == parse_framework(custom(FOUR))


def test_frameworks_with_descriptors_stay_hashable():
    """A framework was hashable before descriptors existed (all tuples); it still is, with or without them."""
    with_them, without = parse_framework(custom(FOUR)), parse_framework(custom())
    assert hash(with_them) == hash(parse_framework(custom(FOUR)))
    assert hash(with_them) != hash(without)
    assert isinstance(hash(get_framework("cosn-2018")), int)


@pytest.mark.parametrize("bad, says", [
    ('[areas.descriptors]\n1 = "I do a."\n3 = "I do c."', "consecutive levels"),
    ('[areas.descriptors]\n1 = "I do a."', "consecutive levels"),
    ('[areas.descriptors]\n1 = "  "\n2 = "I do b."', "level 1 must have 1 to 240 characters"),
    ('[areas.descriptors]\n1 = "' + "x" * 241 + '"\n2 = "I do b."', "level 1 must have 1 to 240 characters"),
    ('[areas.descriptors]\none = "I do a."\n2 = "I do b."', "valid integer"),
])
def test_malformed_descriptors_are_refused_with_one_sentence(bad, says):
    with pytest.raises(DefinitionError) as err:
        parse_framework(custom(bad), "district.toml")
    assert str(err.value).startswith("district.toml is not a valid framework definition: areas.0.descriptors")
    assert says in str(err.value)


# ---- the built-in descriptor files ----------------------------------------------------------------------------------
PROFICIENCY, AGREEMENT = get_scale("1-4"), get_scale("1-5")
FILES = DATA_DIR / "descriptors"


def raw(framework_id: str) -> dict:
    return tomllib.loads((FILES / f"{framework_id}.toml").read_text("utf-8"))


@pytest.mark.parametrize("framework_id", ["cosn-2018", "cosn-2009"])
def test_every_area_of_the_built_in_frameworks_is_described_at_every_level(framework_id):
    fw = get_framework(framework_id)
    got = descriptors(fw, PROFICIENCY)
    assert list(got) == fw.area_ids
    for area in fw.areas:
        assert list(got[area.id]) == [1, 2, 3, 4]
        texts = list(got[area.id].values())
        assert [t.split(":")[0] for t in texts] == ["Beginning", "Developing", "Proficient", "Advanced"]
        sentences = [t.split(": ", 1)[1] for t in texts]
        assert len(set(sentences)) == 4, f"{area.id}: two levels read the same"
        for s in sentences:
            assert s.startswith("I "), f"{area.id}: not in the first person: {s}"
            assert 15 <= len(s.split()) <= 25, f"{area.id}: {len(s.split())} words: {s}"
            assert s.endswith(".")
        assert descriptor_source(fw, area.id) == "built in"


def test_descriptors_read_back_from_the_files():
    """What the loader returns is what the files say, word for word, with the level's label in front."""
    current, legacy = raw("cosn-2018"), raw("cosn-2009")
    got = descriptors(get_framework("cosn-2018"), PROFICIENCY)
    assert got["data-privacy-security"][1] == "Beginning: " + current["areas"]["data-privacy-security"]["1"]
    assert got["business-management"][4] == "Advanced: " + current["areas"]["business-management"]["4"]
    old = descriptors(get_framework("cosn-2009"), PROFICIENCY)
    assert old["stakeholder-focus"][3] == "Proficient: " + legacy["areas"]["stakeholder-focus"]["3"]
    # the nine shared areas come from the current file through `extends`, unchanged
    assert legacy["extends"] == "cosn-2018" and set(legacy["areas"]) == {"stakeholder-focus"}
    for area_id in old:
        if area_id != "stakeholder-focus":
            assert old[area_id] == got[area_id]
    assert "data-privacy-security" not in old


def test_built_in_sentences_are_written_for_this_project_not_copied():
    """No descriptor repeats a skill area's (CoSN-paraphrased) description or carries a URL."""
    for framework_id, sets in builtin_descriptor_sets().items():
        fw = get_framework(framework_id)
        for area_id, levels in sets.items():
            desc = fw.area(area_id).description.lower()
            for text in levels.values():
                assert text.lower() not in desc
                assert not re.search(r"https?://|www\.", text)


def test_agreement_scale_takes_the_sentences_by_position():
    """The rule, worked by hand: 1 = Beginning, 2 = Developing, 3 = between Developing and Proficient, 4 =
    Proficient, 5 = Advanced, each with the agreement label."""
    fw = get_framework("cosn-2018")
    four = builtin_descriptor_sets()["cosn-2018"]["data-privacy-security"]
    five = descriptors(fw, AGREEMENT)["data-privacy-security"]
    assert five == {
        1: "Strongly disagree: " + four[1],
        2: "Disagree: " + four[2],
        3: "Neither agree nor disagree: " + BETWEEN + four[3],
        4: "Agree: " + four[3],
        5: "Strongly agree: " + four[4],
    }
    assert "written for 4 levels" in mapping_note(fw, AGREEMENT)
    assert mapping_note(fw, PROFICIENCY) == ""


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_a_target_reads_the_same_on_both_scales(level):
    """A target converted to the agreement scale (framework/targets.py) shows the same sentence as on 1–4."""
    fw = get_framework("cosn-2018")
    on_five = TargetSet(default=level).area_target("strategic-planning", AGREEMENT)
    four = descriptors(fw, PROFICIENCY)["strategic-planning"][level].split(": ", 1)[1]
    assert descriptors(fw, AGREEMENT)["strategic-planning"][on_five].endswith(four)
    assert BETWEEN not in descriptors(fw, AGREEMENT)["strategic-planning"][on_five]


# ---- custom frameworks -------------------------------------------------------------------------------------------
def test_custom_framework_with_descriptors_uses_its_own_and_generic_for_the_rest():
    fw = parse_framework(custom(FOUR))
    got = descriptors(fw, PROFICIENCY)
    assert got["leading"] == {1: "Beginning: I join the team's planning when asked.",
                              2: "Developing: I plan small pieces of work with a colleague.",
                              3: "Proficient: I plan my own work and explain it.",
                              4: "Advanced: I lead planning for the whole team."}
    assert descriptor_source(fw, "leading") == "framework file"
    assert descriptor_source(fw, "coaching") == "generic"
    assert got["coaching"][1] == "Beginning: I am new to work in Coaching; I take part when asked and know whom to " \
                                 "ask for help."
    on_five = descriptors(fw, AGREEMENT)["leading"]
    assert on_five[4] == "Agree: I plan my own work and explain it."
    assert on_five[3] == "Neither agree nor disagree: " + BETWEEN + "I plan my own work and explain it."


def test_custom_framework_without_descriptors_gets_generic_sentences_from_labels_and_name():
    fw = parse_framework(custom())
    for scale in (PROFICIENCY, AGREEMENT):
        got = descriptors(fw, scale)
        for area in fw.areas:
            texts = got[area.id]
            assert list(texts) == scale.values
            assert len(set(texts.values())) == len(scale.values)
            for value, text in texts.items():
                assert text.startswith(scale.label_of(value) + ": ")
                assert area.name in text
    assert descriptors(fw, AGREEMENT)["coaching"][3] == (
        "Neither agree nor disagree: I handle parts of the work in Coaching on my own and need guidance with the rest.")
    assert mapping_note(fw, AGREEMENT) == ""


def test_five_descriptors_on_the_five_point_scale_are_taken_as_written():
    five = "\n".join(f'{i} = "I do step {i}."' for i in range(1, 6))
    fw = parse_framework(custom("[areas.descriptors]\n" + five))
    assert descriptors(fw, AGREEMENT)["leading"][3] == "Neither agree nor disagree: I do step 3."
    assert descriptors(fw, PROFICIENCY)["leading"] == {1: "Beginning: I do step 1.", 2: "Developing: I do step 2.",
                                                       3: "Proficient: I do step 4.", 4: "Advanced: I do step 5."}


def test_a_custom_file_reusing_a_built_in_id_gets_built_in_sentences_only_for_the_same_areas():
    text = (FILES.parent / "frameworks" / "cosn-2018.toml").read_text("utf-8")
    text = text.replace('name = "Data Management"', 'name = "Assessment Data"')
    fw = parse_framework(text)
    got = descriptors(fw, PROFICIENCY)
    assert got["strategic-planning"] == descriptors(get_framework("cosn-2018"), PROFICIENCY)["strategic-planning"]
    assert descriptor_source(fw, "data-management") == "generic"
    assert "Assessment Data" in got["data-management"][2]


# ---- the loader refuses incomplete or malformed files --------------------------------------------------------------
@pytest.fixture
def files(tmp_path):
    for p in FILES.glob("*.toml"):
        shutil.copy(p, tmp_path / p.name)
    return tmp_path


def edit(path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_changed_file_changes_what_is_loaded(files):
    edit(files / "cosn-2018.toml", "I know the district's mission and goals", "I can name the district's goals")
    got = load_descriptor_set(get_framework("cosn-2018"), files)
    assert got["leadership-vision"][1].startswith("I can name the district's goals")
    assert load_descriptor_set(get_framework("cosn-2009"), files)["leadership-vision"][1].startswith("I can name")


@pytest.mark.parametrize("framework_id, old, new, says", [
    ("cosn-2018", "[areas.data-management]", "[areas.data-mgmt]", "describes 'data-mgmt', which is not a skill area"),
    ("cosn-2009", "[areas.stakeholder-focus]", "[areas.it-management]", "no descriptors for Stakeholder Focus"),
    ("cosn-2018", '4 = "I lead the district\'s privacy', '5 = "I lead the district\'s privacy', "must describe the levels"),
    ("cosn-2018", '1 = "I enter and update data', '1 = "  "\n# "I enter and update data', "the sentence is empty"),
    ("cosn-2018", '1 = "I enter and update data', '1 = "' + "I do " * 12 + 'enter and update data', "words"),
    ("cosn-2018", '1 = "I enter and update data', '1 = "' + "x" * 240 + 'I enter and update data', "characters"),
    ("cosn-2009", 'extends = "cosn-2018"', 'extends = "cosn-2009"', "in a circle"),
    ("cosn-2018", 'framework = "cosn-2018"', 'framework = "cosn-2009"', "not 'cosn-2018'"),
    ("cosn-2018", 'framework = "cosn-2018"', 'framework = "cosn-2018"\nextra = 1', "Extra inputs"),
])
def test_malformed_descriptor_files_are_refused_with_one_sentence(files, framework_id, old, new, says):
    edit(files / f"{framework_id}.toml", old, new)
    with pytest.raises(DefinitionError) as err:
        load_descriptor_set(get_framework(framework_id), files)
    assert says in str(err.value)
    assert "\n" not in str(err.value)


def test_the_readme_example_with_descriptors_parses():
    """The README's framework-file example is a real file: its descriptors load and show on both scales."""
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    block = next(b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if 'id = "iste-leaders"' in b)
    fw = parse_framework(block, "README example")
    got = descriptors(fw, PROFICIENCY)
    assert got["equity-citizenship"][1].startswith("Beginning: I follow the district's guidance on fair access")
    assert descriptor_source(fw, "visionary-planner") == "generic"
    assert descriptors(fw, AGREEMENT)["equity-citizenship"][5].startswith("Strongly agree: I lead district work")
