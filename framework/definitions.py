"""Framework definitions (categories and skill areas) loaded from TOML data files.

A definition file is validated on load; anything malformed raises :class:`DefinitionError`
with one sentence naming the file and what is wrong. The built-in files live in
``framework/data/frameworks``; a district can load its own file in the same format.

A district's file is limited before it costs anything: at most :data:`MAX_FILE_BYTES` of text, at
most :data:`MAX_DEPTH` levels of nested tables and lists (the format needs four), and at most
:data:`MAX_AREAS` skill areas in :data:`MAX_CATEGORIES` categories (every page reruns over every area).
"""

from __future__ import annotations

import math
import re
import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DATA_DIR = Path(__file__).parent / "data"
FRAMEWORKS_DIR = DATA_DIR / "frameworks"
DEFAULT_FRAMEWORK_ID = "cosn-2018"

_ID = r"^[a-z0-9][a-z0-9-]*$"
MAX_FILE_BYTES = 256 * 1024  # the built-in definitions are under 5 KB
MAX_DEPTH = 10  # document > areas > area > aliases is 4
MAX_AREAS = 200
MAX_CATEGORIES = 50
DESCRIPTOR_MAX = 240  # characters in one level descriptor


class DefinitionError(ValueError):
    """A framework, scale or target file that cannot be used; the message says which and why."""


class _Levels(dict):
    """A descriptors dict that hashes by content, so a framework stays hashable like its other (tuple) fields."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self.items()))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Category(_Strict):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)


class SkillArea(_Strict):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    label: str = Field(default="", max_length=24)
    category: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    weight: float | None = Field(default=None, gt=0)
    descriptors: dict[int, str] = Field(default_factory=lambda: _Levels())  # optional: level -> one sentence; see framework/descriptors.py

    @field_validator("descriptors")
    @classmethod
    def _descriptor_levels(cls, value: dict[int, str]) -> dict[int, str]:
        if value:
            keys = sorted(value)
            if not 2 <= len(keys) <= 10 or keys != list(range(keys[0], keys[0] + len(keys))):
                raise ValueError("descriptors must name 2 to 10 consecutive levels (1, 2, 3, 4)")
            for level, text in value.items():
                if not 1 <= len(text.strip()) <= DESCRIPTOR_MAX:
                    raise ValueError(f"the descriptor of level {level} must have 1 to {DESCRIPTOR_MAX} characters")
        return _Levels((k, v.strip()) for k, v in sorted(value.items()))

    @model_validator(mode="after")
    def _default_label(self) -> SkillArea:
        if not self.label:
            object.__setattr__(self, "label", self.name if len(self.name) <= 24 else self.name[:23] + "…")
        return self


class Framework(_Strict):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    version: str = ""
    source: str = ""
    notes: str = ""
    categories: tuple[Category, ...] = Field(min_length=1, max_length=MAX_CATEGORIES)
    areas: tuple[SkillArea, ...] = Field(min_length=1, max_length=MAX_AREAS)

    @field_validator("categories", "areas")
    @classmethod
    def _unique_ids(cls, items):
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise ValueError(f"the id {item.id!r} is used twice")
            seen.add(item.id)
        return items

    @model_validator(mode="after")
    def _check_links(self) -> Framework:
        cats = {c.id for c in self.categories}
        for area in self.areas:
            if area.category not in cats:
                raise ValueError(f"skill area {area.id!r} names category {area.category!r}, which is not defined")
        empty = [c.name for c in self.categories if not any(a.category == c.id for a in self.areas)]
        if empty:
            raise ValueError(f"category {empty[0]!r} has no skill areas")
        names = [normalize_text(a.name) for a in self.areas]
        if len(set(names)) != len(names):
            raise ValueError("two skill areas have the same name")
        weights = [a.weight for a in self.areas]
        if any(w is not None for w in weights) and any(w is None for w in weights):
            raise ValueError("either every skill area has a weight or none has")
        return self

    # ----- convenience -------------------------------------------------------------------
    @property
    def title(self) -> str:
        return f"{self.name} ({self.version})" if self.version else self.name

    @property
    def area_ids(self) -> list[str]:
        """Skill-area ids in display order (the order of the definition file)."""
        return [a.id for a in self.areas]

    def area(self, area_id: str) -> SkillArea:
        for a in self.areas:
            if a.id == area_id:
                return a
        raise KeyError(area_id)

    def category(self, category_id: str) -> Category:
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(category_id)

    @property
    def has_weights(self) -> bool:
        return self.areas[0].weight is not None

    def areas_in_category_order(self) -> list[SkillArea]:
        """Areas grouped by category (categories in file order), each group in file order."""
        return [a for c in self.categories for a in self.areas if a.category == c.id]


def normalize_text(text: str) -> str:
    """Lower-case, '&' as 'and', punctuation as spaces, runs of spaces folded."""
    text = str(text).replace("’", "'").replace("&", " and ").lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def _describe(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "__root__")
    msg = first.get("msg", "invalid").removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def _too_large(source: str, size: int) -> DefinitionError:
    return DefinitionError(f"{source} is {math.ceil(size / 1024):,} KB; a framework definition file can be at most "
                           f"{MAX_FILE_BYTES // 1024} KB.")


def _too_deep(source: str) -> DefinitionError:
    return DefinitionError(f"{source} nests tables or lists more than {MAX_DEPTH} levels deep; a framework "
                           "definition needs four.")


def _depth(value: object) -> int:
    """How deeply tables and lists nest in parsed TOML (a scalar is 0), without recursing."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def _check_limits(raw: dict, source: str) -> None:
    if _depth(raw) > MAX_DEPTH:
        raise _too_deep(source)
    for key, limit, what in (("areas", MAX_AREAS, "skill areas"), ("categories", MAX_CATEGORIES, "categories")):
        items = raw.get(key)
        if isinstance(items, list) and len(items) > limit:
            raise DefinitionError(f"{source} has {len(items):,} {what}; a framework can have at most {limit}.")


def parse_framework(text: str | bytes, source: str = "framework file") -> Framework:
    """Parse and validate a framework definition given as TOML text (limits: see the module docstring)."""
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise _too_large(source, size)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DefinitionError(f"{source} is not a UTF-8 text file.") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(f"{source} is not valid TOML ({exc}).") from None
    except RecursionError:  # tomllib reads nested arrays and inline tables recursively
        raise _too_deep(source) from None
    _check_limits(raw, source)
    try:
        return Framework.model_validate(raw)
    except ValidationError as exc:
        raise DefinitionError(f"{source} is not a valid framework definition: {_describe(exc)}.") from None


def load_framework_file(path: str | Path) -> Framework:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:  # refused before it is read
            raise _too_large(path.name, size)
        text = path.read_bytes()
    except OSError as exc:
        raise DefinitionError(f"{path.name} cannot be read ({exc.strerror}).") from None
    return parse_framework(text, source=path.name)


@cache
def builtin_frameworks() -> dict[str, Framework]:
    """The frameworks shipped with the app, keyed by id, the default first."""
    found = {fw.id: fw for fw in (load_framework_file(p) for p in sorted(FRAMEWORKS_DIR.glob("*.toml")))}
    if DEFAULT_FRAMEWORK_ID not in found:
        raise DefinitionError(f"the default framework {DEFAULT_FRAMEWORK_ID!r} is missing from {FRAMEWORKS_DIR}.")
    return {DEFAULT_FRAMEWORK_ID: found.pop(DEFAULT_FRAMEWORK_ID), **found}


def get_framework(framework_id: str = DEFAULT_FRAMEWORK_ID) -> Framework:
    try:
        return builtin_frameworks()[framework_id]
    except KeyError:
        known = ", ".join(builtin_frameworks())
        raise DefinitionError(f"unknown framework {framework_id!r}; the built-in ones are {known}.") from None
