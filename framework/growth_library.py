"""The professional-learning library: suggested next steps per skill area and level, as data admins can edit.

The shipped file is ``framework/data/growth.toml`` (its header comment documents the format). An admin's edited
copy is kept by the app as text; :func:`parse_growth` reads and validates any such text, and :func:`to_toml`
writes a library back as text that parses to the same library (``parse_growth(to_toml(lib)) == lib``).

Per skill area: the ISTE Standards for Education Leaders that fit, the 2009 CETL exam content area that covers
it (with its weight), and, per current level on the 1–4 proficiency scale, the next steps: levels 1–3 (what to
do to move up a level) take 2–4 steps of the learning kinds; level 4 (at the top) takes 1–3 steps of mentoring or
leading. Every skill area of the built-in frameworks must be covered; areas of a district's own framework may
be added under their ids.
"""

from __future__ import annotations

import contextlib
import tomllib
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from framework.definitions import DATA_DIR, DefinitionError, builtin_frameworks

GROWTH_FILE = DATA_DIR / "growth.toml"
TOP_LEVEL = 4
LEVELS = (1, 2, 3, 4)
STEP_MAX = 400  # characters in one step
MAX_FILE_BYTES = 512 * 1024  # the shipped file is about 24 KB
MAX_AREAS = 200  # as a framework file
STEPS_BELOW_TOP = (2, 4)  # at least, at most, for levels 1–3
STEPS_AT_TOP = (1, 3)

StepKind = Literal["shadowing", "course", "community", "stretch", "reading", "mentoring", "leading"]
KIND_LABELS: dict[str, str] = {
    "shadowing": "Shadowing",
    "course": "Course",
    "community": "Professional community",
    "stretch": "Stretch assignment",
    "reading": "Reading",
    "mentoring": "Mentoring",
    "leading": "Leading",
}
LEARNING_KINDS = ("shadowing", "course", "community", "stretch", "reading")
TOP_KINDS = ("mentoring", "leading")

IsteStandard = Literal[
    "Equity and Citizenship Advocate", "Visionary Planner", "Empowering Leader", "Systems Designer", "Connected Learner",
]
ISTE_LEADERS: dict[str, str] = {  # name -> its number in the ISTE Standards for Education Leaders (2018)
    "Equity and Citizenship Advocate": "3.1",
    "Visionary Planner": "3.2",
    "Empowering Leader": "3.3",
    "Systems Designer": "3.4",
    "Connected Learner": "3.5",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Step(_Strict):
    kind: StepKind
    text: str = Field(min_length=1, max_length=STEP_MAX)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


class Cetl(_Strict):
    """A content area of CoSN's 2009 CETL exam outline, with its share of the exam."""

    code: str = Field(default="", max_length=12)  # "I.A"
    category: str = Field(min_length=1)
    category_weight: int = Field(ge=0, le=100)
    area: str = Field(min_length=1)
    weight: int = Field(ge=0, le=100)
    note: str = ""

    @property
    def text(self) -> str:
        """ "CETL content area I.A Leadership & Vision (15% of the exam; Leadership and Vision 40%)" """
        code = f"{self.code} " if self.code else ""
        return (f"CETL content area {code}{self.area} ({self.weight}% of the exam; {self.category} "
                f"{self.category_weight}%)")


class AreaGrowth(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = ""
    iste: tuple[IsteStandard, ...] = ()
    cetl: Cetl | None = None
    steps: dict[int, tuple[Step, ...]]

    @field_validator("iste")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("an ISTE standard is named twice")
        return value

    @model_validator(mode="after")
    def _levels(self) -> AreaGrowth:
        if sorted(self.steps) != list(LEVELS):
            raise ValueError(f"steps must be given for the levels 1, 2, 3 and 4, not {sorted(self.steps)}")
        for level, steps in sorted(self.steps.items()):
            low, high = STEPS_AT_TOP if level == TOP_LEVEL else STEPS_BELOW_TOP
            kinds = TOP_KINDS if level == TOP_LEVEL else LEARNING_KINDS
            if not low <= len(steps) <= high:
                raise ValueError(f"level {level} has {len(steps)} steps; it takes {low} to {high}")
            wrong = [s.kind for s in steps if s.kind not in kinds]
            if wrong:
                where = "at the top level" if level == TOP_LEVEL else f"at level {level}"
                raise ValueError(f"a {wrong[0]} step is not allowed {where}; use {', '.join(kinds)}")
        return self


class GrowthLibrary(_Strict):
    scale: Literal["1-4"] = "1-4"
    areas: tuple[AreaGrowth, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> GrowthLibrary:
        ids = [a.id for a in self.areas]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"the skill area {twice[0]!r} is listed twice")
        for fw in builtin_frameworks().values():
            for area in fw.areas:
                if area.id not in ids:
                    raise ValueError(f"the skill area {area.name} ({area.id}) of {fw.title} has no suggestions")
        return self

    def area(self, area_id: str) -> AreaGrowth | None:
        for a in self.areas:
            if a.id == area_id:
                return a
        return None

    def steps_for(self, area_id: str, level: int) -> tuple[Step, ...]:
        """The next steps for someone at ``level`` (1–4) in the area; () when the area is not in the library."""
        a = self.area(area_id)
        return a.steps.get(level, ()) if a is not None else ()


def _describe(err: ValidationError, raw: object) -> str:
    first = err.errors()[0]
    loc = list(first.get("loc", ()))
    if len(loc) >= 2 and loc[0] == "areas" and isinstance(loc[1], int) and isinstance(raw, dict):
        with contextlib.suppress(KeyError, IndexError, TypeError):
            loc[1] = str(raw["areas"][loc[1]]["id"])
    where = ".".join(str(p) for p in loc)
    msg = first.get("msg", "invalid").removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def parse_growth(text: str | bytes, source: str = "growth file") -> GrowthLibrary:
    """Read and validate a library given as TOML text; a bad one raises DefinitionError with one sentence."""
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", errors="replace"))
    if size > MAX_FILE_BYTES:
        raise DefinitionError(f"{source} is larger than {MAX_FILE_BYTES // 1024} KB; a growth library is far smaller.")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DefinitionError(f"{source} is not a UTF-8 text file.") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(f"{source} is not valid TOML ({exc}).") from None
    except RecursionError:
        raise DefinitionError(f"{source} nests tables too deeply.") from None
    if isinstance(raw.get("areas"), list) and len(raw["areas"]) > MAX_AREAS:
        raise DefinitionError(f"{source} lists {len(raw['areas']):,} skill areas; at most {MAX_AREAS} are read.")
    try:
        return GrowthLibrary.model_validate(raw)
    except ValidationError as exc:
        raise DefinitionError(f"{source} is not a valid growth library: {_describe(exc, raw)}.") from None


def default_growth_text() -> str:
    """The shipped library as text (what an admin starts editing from)."""
    return GROWTH_FILE.read_text("utf-8")


@cache
def builtin_growth() -> GrowthLibrary:
    """The library shipped with the app."""
    return parse_growth(default_growth_text(), GROWTH_FILE.name)


def _s(text: str) -> str:
    """A TOML basic string: backslash, quote and every control character escaped."""
    out = ['"']
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


HEADER = """\
# Professional-learning suggestions per skill area and level (edited in the dashboard).
# Format: see framework/data/growth.toml. Levels 1-3 take 2 to 4 steps of the kinds shadowing, course,
# community, stretch, reading; level 4 takes 1 to 3 steps of the kinds mentoring, leading.
"""


def to_toml(library: GrowthLibrary) -> str:
    """The library as TOML text in the shipped file's layout; it parses back to an equal library."""
    lines = [HEADER, f"scale = {_s(library.scale)}"]
    for a in library.areas:
        lines += ["", "[[areas]]", f"id = {_s(a.id)}"]
        if a.name:
            lines.append(f"name = {_s(a.name)}")
        lines.append("iste = [" + ", ".join(_s(i) for i in a.iste) + "]")
        if a.cetl is not None:
            c = a.cetl
            parts = [f"code = {_s(c.code)}", f"category = {_s(c.category)}", f"category_weight = {c.category_weight}",
                     f"area = {_s(c.area)}", f"weight = {c.weight}"] + ([f"note = {_s(c.note)}"] if c.note else [])
            lines.append("cetl = { " + ", ".join(parts) + " }")
        lines += ["", "[areas.steps]"]
        for level, steps in sorted(a.steps.items()):
            lines.append(f"{level} = [")
            lines += [f"  {{ kind = {_s(s.kind)}, text = {_s(s.text)} }}," for s in steps]
            lines.append("]")
    return "\n".join(lines) + "\n"


__all__ = [
    "GROWTH_FILE",
    "ISTE_LEADERS",
    "KIND_LABELS",
    "LEARNING_KINDS",
    "TOP_KINDS",
    "TOP_LEVEL",
    "AreaGrowth",
    "Cetl",
    "GrowthLibrary",
    "Step",
    "builtin_growth",
    "default_growth_text",
    "parse_growth",
    "to_toml",
]
