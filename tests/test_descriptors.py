"""Level descriptors: what each level looks like in each skill area, as data beside the frameworks."""

from __future__ import annotations

import pytest

from framework.definitions import DefinitionError, get_framework, parse_framework

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
