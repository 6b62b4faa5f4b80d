"""Level descriptors: one short sentence per level per skill area, saying what that level looks like *in that area*.

Where they come from, per area, first match wins:

1. the framework file's own ``descriptors`` for the area (a custom framework's optional ``[areas.descriptors]``);
2. the built-in descriptor file for the framework (``framework/data/descriptors/<framework id>.toml``), when
   the area has the same id and name as in the built-in framework of that id (a custom file that reuses the
   id ``cosn-2018`` with an area of its own does not get CoSN sentences for it);
3. a plain generic sentence per level built from the scale's labels and the area's name.

What :func:`descriptors` returns is always keyed by the *scale's* level values, each text starting with the
level's label ("Proficient: I …", "Agree: I …").

**Another scale** (the rule, stated once): the sentences are written for some number of levels (the
built-in ones for the four levels of the 1–4 proficiency scale). A scale with the same number of levels takes
them in order. Otherwise each scale level takes the sentence of the level at the same relative position, the
same linear rule :mod:`framework.targets` uses to convert targets: on the 5-point agreement scale Strongly
disagree = Beginning, Disagree = Developing, Agree = Proficient (so a Proficient target, which converts to
Agree, is described the same on both scales) and Strongly agree = Advanced. A level exactly between two (the
agreement scale's "Neither agree nor disagree", between Developing and Proficient) says "some of this is true
of me, not all yet:" before the higher level's sentence.

A descriptor file (TOML)::

    framework = "cosn-2018"        # the framework id it describes
    scale = "1-4"                  # the levels are those of this scale
    extends = ""                   # optional: another descriptor file whose areas this one inherits

    [areas.leadership-vision]      # one table per skill area id, every level of the scale
    1 = "I know the district's mission and goals, …"
    2 = "…"

Every area of the framework must be described, at every level, each sentence non-empty, at most 240
characters and 35 words.
"""

from __future__ import annotations

import math
import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from framework.definitions import (
    DATA_DIR,
    DESCRIPTOR_MAX,
    DefinitionError,
    Framework,
    SkillArea,
    builtin_frameworks,
    normalize_text,
)
from framework.scales import Scale, get_scale

DESCRIPTORS_DIR = DATA_DIR / "descriptors"
WORDS_MAX = 35
BETWEEN = "some of this is true of me, not all yet: "

# Generic sentences by relative position on the scale: bottom, below the middle, the middle, above it, top.
GENERIC = {
    "bottom": "I am new to work in {area}; I take part when asked and know whom to ask for help.",
    "low": "I do routine work in {area} with some guidance, and I am building confidence.",
    "middle": "I handle parts of the work in {area} on my own and need guidance with the rest.",
    "high": "I handle work in {area} on my own, reliably, and can explain my choices to others.",
    "top": "I lead work in {area}, improve how it is done, and help others grow in it.",
}
_EPS = 1e-9


class DescriptorFile(BaseModel):
    """One descriptor file as written (before ``extends`` is followed)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    framework: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    scale: str = "1-4"
    extends: str = ""
    areas: dict[str, dict[int, str]] = Field(min_length=1)

    @field_validator("areas")
    @classmethod
    def _sentences(cls, areas: dict[str, dict[int, str]]) -> dict[str, dict[int, str]]:
        for area_id, levels in areas.items():
            for level, text in levels.items():
                text = text.strip()
                if not text:
                    raise ValueError(f"{area_id}, level {level}: the sentence is empty")
                if len(text) > DESCRIPTOR_MAX:
                    raise ValueError(f"{area_id}, level {level}: the sentence has {len(text)} characters, at most "
                                     f"{DESCRIPTOR_MAX} are allowed")
                if len(text.split()) > WORDS_MAX:
                    raise ValueError(f"{area_id}, level {level}: the sentence has {len(text.split())} words, at most "
                                     f"{WORDS_MAX} are allowed")
        return {a: {lv: t.strip() for lv, t in sorted(levels.items())} for a, levels in areas.items()}


def parse_descriptor_file(text: str, source: str = "descriptor file") -> DescriptorFile:
    try:
        return DescriptorFile.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(f"{source} is not valid TOML ({exc}).") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        msg = first.get("msg", "invalid").removeprefix("Value error, ")
        raise DefinitionError(f"{source} is not a valid descriptor file: {where}: {msg}.") from None


def _read(framework_id: str, directory: Path) -> DescriptorFile:
    path = directory / f"{framework_id}.toml"
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise DefinitionError(f"{path.name} cannot be read ({exc.strerror}).") from None
    parsed = parse_descriptor_file(text, path.name)
    if parsed.framework != framework_id:
        raise DefinitionError(f"{path.name} describes the framework {parsed.framework!r}, not {framework_id!r}.")
    return parsed


def load_descriptor_set(framework: Framework, directory: Path = DESCRIPTORS_DIR) -> dict[str, dict[int, str]]:
    """The descriptor file for ``framework`` (its ``extends`` followed), checked against the framework:
    every area described at every level of the file's scale, and no area the framework does not have.
    Returns area id -> level -> sentence (without labels), in the framework's order."""
    chain: list[DescriptorFile] = []
    wanted = framework.id
    while wanted:
        if any(f.framework == wanted for f in chain):
            raise DefinitionError(f"the descriptor files of {framework.id!r} extend each other in a circle.")
        chain.append(_read(wanted, directory))
        wanted = chain[-1].extends
    own = chain[0]
    scale = get_scale(own.scale)
    name = f"{framework.id}.toml"
    unknown = sorted(set(own.areas) - set(framework.area_ids))
    if unknown:
        raise DefinitionError(f"{name} describes {unknown[0]!r}, which is not a skill area of {framework.title}.")
    merged: dict[str, dict[int, str]] = {}
    for f in reversed(chain):
        if f.scale != own.scale:
            raise DefinitionError(f"{name} extends {f.framework}.toml, which is written for another scale.")
        merged.update(f.areas)
    out: dict[str, dict[int, str]] = {}
    for area in framework.areas:
        if area.id not in merged:
            raise DefinitionError(f"{name} has no descriptors for {area.name} ({area.id}).")
        levels = merged[area.id]
        if sorted(levels) != scale.values:
            raise DefinitionError(f"{name}: {area.name} must describe the levels {scale.values} of the {scale.name} "
                                  f"scale, and describes {sorted(levels)}.")
        out[area.id] = dict(levels)
    return out


@cache
def builtin_descriptor_sets() -> dict[str, dict[str, dict[int, str]]]:
    """The descriptor sets shipped with the app, one per built-in framework (each one is required)."""
    return {fw_id: load_descriptor_set(fw) for fw_id, fw in builtin_frameworks().items()}


def _builtin_sentences(framework: Framework, area: SkillArea) -> dict[int, str] | None:
    """The shipped sentences for an area, when it is the built-in framework's area of that id and name."""
    builtin = builtin_frameworks().get(framework.id)
    if builtin is None or area.id not in builtin.area_ids:
        return None
    if normalize_text(builtin.area(area.id).name) != normalize_text(area.name):
        return None
    return builtin_descriptor_sets()[framework.id][area.id]


def _position(i: int, count: int, onto: int) -> float:
    """Where level number ``i`` (0-based) of ``count`` levels falls on ``onto`` levels, 0-based."""
    return i * (onto - 1) / (count - 1)


def map_sentences(sentences: dict[int, str], scale: Scale) -> dict[int, str]:
    """Sentences written for some levels, as the scale's levels (see the module's rule), each "Label: sentence"."""
    keys = sorted(sentences)
    n, m = len(keys), len(scale.levels)
    out: dict[int, str] = {}
    for i, level in enumerate(scale.levels):
        if n == m:
            text = sentences[keys[i]]
        else:
            x = _position(i, m, n)
            low = math.floor(x + _EPS)
            if abs(x - low - 0.5) < _EPS:
                text = BETWEEN + sentences[keys[low + 1]]
            else:
                text = sentences[keys[round(x)]]
        out[level.value] = f"{level.label}: {text}"
    return out


def generic_sentences(area_name: str, scale: Scale) -> dict[int, str]:
    """A plain sentence per level of the scale, from its labels and the area's name."""
    m = len(scale.levels)
    out: dict[int, str] = {}
    for i, level in enumerate(scale.levels):
        f = i / (m - 1)
        kind = ("bottom" if f < _EPS else "top" if f > 1 - _EPS else "middle" if abs(f - 0.5) < _EPS
                else "low" if f < 0.5 else "high")
        out[level.value] = f"{level.label}: " + GENERIC[kind].format(area=area_name)
    return out


def descriptors(framework: Framework, scale: Scale) -> dict[str, dict[int, str]]:
    """area id -> the scale's level value -> "Label: one sentence", for every area of the framework, in order."""
    out: dict[str, dict[int, str]] = {}
    for area in framework.areas:
        own = area.descriptors or _builtin_sentences(framework, area)
        out[area.id] = map_sentences(own, scale) if own else generic_sentences(area.name, scale)
    return out


def descriptor_source(framework: Framework, area_id: str) -> str:
    """Where an area's descriptors come from: "framework file", "built in" or "generic"."""
    area = framework.area(area_id)
    if area.descriptors:
        return "framework file"
    return "built in" if _builtin_sentences(framework, area) else "generic"


def mapping_note(framework: Framework, scale: Scale) -> str:
    """One sentence for the page when descriptors were written for another number of levels than the scale
    has ("" when they fit as they are)."""
    counts = set()
    for area in framework.areas:
        own = area.descriptors or _builtin_sentences(framework, area)
        if own:
            counts.add(len(own))
    if not counts or counts == {len(scale.levels)}:
        return ""
    return (f"The level descriptions were written for {'/'.join(str(c) for c in sorted(counts))} levels; on the "
            f"{scale.name} scale each choice shows the description at the same place on the scale, and a choice "
            "between two says which parts are true of you.")


__all__ = [
    "BETWEEN",
    "DESCRIPTORS_DIR",
    "GENERIC",
    "WORDS_MAX",
    "DescriptorFile",
    "builtin_descriptor_sets",
    "descriptor_source",
    "descriptors",
    "generic_sentences",
    "load_descriptor_set",
    "map_sentences",
    "mapping_note",
    "parse_descriptor_file",
]
