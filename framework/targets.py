"""Targets: the level each skill area should reach, by default and per district role.

Stored as data (``framework/data/targets.toml``, on the 1–4 proficiency scale). A person's target
in an area is their role profile's value for it, otherwise the default. On another scale targets
are converted linearly and rounded to a whole level (Proficient 3 of 4 becomes 4 of 5, "Agree").
"""

from __future__ import annotations

import json
import os
import tomllib
from functools import cache
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from framework.definitions import DATA_DIR, DefinitionError, Framework, normalize_text
from framework.scales import Scale, get_scale


class RoleProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    targets: dict[str, int] = {}


class TargetSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    scale: str = "1-4"
    default: int = 3
    areas: dict[str, int] = {}  # per-area defaults that differ from `default`
    roles: tuple[RoleProfile, ...] = ()

    @model_validator(mode="after")
    def _in_scale(self) -> TargetSet:
        sc = get_scale(self.scale)
        checks = [("default", self.default)] + [(f"areas.{k}", v) for k, v in self.areas.items()]
        checks += [(f"{r.id}.{k}", v) for r in self.roles for k, v in r.targets.items()]
        for where, value in checks:
            if not sc.min <= value <= sc.max:
                raise ValueError(f"target {where} = {value} is outside the {sc.range_text} scale")
        ids = [r.id for r in self.roles]
        if len(set(ids)) != len(ids):
            raise ValueError("two role profiles have the same id")
        return self

    # ------------------------------------------------------------------------------------
    def role_lookup(self) -> dict[str, str]:
        """Normalised role text (id, name or alias) -> role profile id."""
        out: dict[str, str] = {}
        for r in self.roles:
            for word in (r.id, r.name, *r.aliases):
                out.setdefault(normalize_text(word), r.id)
        return out

    def match_roles(self, roles: pd.Series) -> pd.Series:
        """The role profile id for each role text ("" when none matches); vectorised over distinct values."""
        codes, uniques = pd.factorize(roles.astype("string").fillna(""))
        matched = pd.Series(self.match_role_values(uniques), dtype="string")
        out = matched.iloc[codes].reset_index(drop=True)
        out.index = roles.index
        return out

    def match_role_values(self, texts) -> list[str]:
        """The role profile id of each distinct role text ("" when none matches)."""
        lookup = self.role_lookup()
        return [lookup.get(normalize_text(t), "") for t in texts]

    def _convert(self, value: float, scale: Scale) -> int:
        src = get_scale(self.scale)
        if scale.id == src.id or (scale.min, scale.max) == (src.min, src.max):
            return int(value)
        frac = (value - src.min) / (src.max - src.min)
        return round(scale.min + frac * (scale.max - scale.min) + 1e-9)

    def area_target(self, area_id: str, scale: Scale) -> int:
        """The team-level target for an area: what a person must reach to cover it."""
        return self._convert(self.areas.get(area_id, self.default), scale)

    def table(self, framework: Framework, scale: Scale) -> pd.DataFrame:
        """Long table of targets: one row per (role_id, area_id); role_id "" is the default profile."""
        rows = []
        for area in framework.areas:
            rows.append(("", area.id, self.area_target(area.id, scale)))
            for r in self.roles:
                base = r.targets.get(area.id, self.areas.get(area.id, self.default))
                rows.append((r.id, area.id, self._convert(base, scale)))
        return pd.DataFrame(rows, columns=["role_id", "area_id", "target"]).astype(
            {"role_id": "string", "area_id": "string", "target": "Int64"}
        )

    def role_name(self, role_id: str) -> str:
        for r in self.roles:
            if r.id == role_id:
                return r.name
        return "Default target"


def parse_targets(text: str, source: str = "targets file") -> TargetSet:
    try:
        return TargetSet.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(f"{source} is not valid TOML ({exc}).") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        msg = first.get("msg", "invalid").removeprefix("Value error, ")
        raise DefinitionError(f"{source} is not a valid target file: {msg}.") from None


def load_targets(path: str | Path | None = None) -> TargetSet:
    path = Path(path) if path else DATA_DIR / "targets.toml"
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise DefinitionError(f"{path.name} cannot be read ({exc.strerror}).") from None
    return parse_targets(text, path.name)


@cache
def default_targets() -> TargetSet:
    """The targets shipped with the app."""
    return load_targets()


def targets_path() -> Path:
    """Where the district's edited targets are saved (``data/targets.toml`` unless
    DASHBOARD_TARGETS_PATH says otherwise)."""
    return Path(os.environ.get("DASHBOARD_TARGETS_PATH", DATA_DIR.parents[1] / "data" / "targets.toml"))


def current_targets() -> TargetSet:
    """The district's saved targets when present, else the defaults."""
    path = targets_path()
    return load_targets(path) if path.exists() else default_targets()


def to_toml(targets: TargetSet) -> str:
    lines = ["# Targets edited in the dashboard (Targets page). Delete this file to go back to the defaults.",
             f'scale = "{targets.scale}"', f"default = {targets.default}", ""]
    if targets.areas:
        lines.append("[areas]")
        lines += [f'"{k}" = {v}' for k, v in targets.areas.items()]
        lines.append("")
    for r in targets.roles:
        lines += ["[[roles]]", f"id = {json.dumps(r.id)}", f"name = {json.dumps(r.name)}",
                  "aliases = [" + ", ".join(json.dumps(a) for a in r.aliases) + "]", "[roles.targets]"]
        lines += [f'"{k}" = {v}' for k, v in r.targets.items()]
        lines.append("")
    return "\n".join(lines)


def save_targets(targets: TargetSet, path: Path | None = None) -> Path:
    path = Path(path or targets_path())
    text = to_toml(targets)
    parse_targets(text, path.name)  # what is written must read back
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def reset_targets(path: Path | None = None) -> None:
    path = Path(path or targets_path())
    if path.exists():
        path.unlink()


def targets_from_table(base: TargetSet, table: pd.DataFrame, scale_max: int | None = None) -> TargetSet:
    """A target set from an edited role x area table (rows: "" for the default profile, then role
    ids; columns: area ids; values on the target file's scale). Raises DefinitionError with one
    sentence when a value is missing, fractional or outside the scale."""
    sc = get_scale(base.scale)
    values = table.apply(pd.to_numeric, errors="coerce")
    for role_id, row in values.iterrows():
        for area_id, v in row.items():
            if pd.isna(v) or v != int(v) or not sc.min <= v <= sc.max:
                who = base.role_name(role_id) if role_id else "Default target"
                raise DefinitionError(
                    f"{who}, {area_id}: '{table.loc[role_id, area_id]}' is not a whole level from {sc.min} to {sc.max}"
                )
    default_row = values.loc[""] if "" in values.index else None
    areas = {a: int(v) for a, v in default_row.items() if int(v) != base.default} if default_row is not None else {}
    roles = []
    for r in base.roles:
        if r.id not in values.index:
            roles.append(r)
            continue
        row = values.loc[r.id]
        own = {a: int(v) for a, v in row.items() if int(v) != areas.get(a, base.default)}
        roles.append(r.model_copy(update={"targets": {**{k: v for k, v in r.targets.items() if k not in row.index}, **own}}))
    return TargetSet(scale=base.scale, default=base.default, areas=areas, roles=tuple(roles))


def targets_table(targets: TargetSet, framework: Framework) -> pd.DataFrame:
    """Role x area table of targets on the target file's scale (the default profile first, index "")."""
    rows = {"": {a.id: targets.areas.get(a.id, targets.default) for a in framework.areas}}
    for r in targets.roles:
        rows[r.id] = {a.id: r.targets.get(a.id, targets.areas.get(a.id, targets.default)) for a in framework.areas}
    return pd.DataFrame.from_dict(rows, orient="index")[framework.area_ids]
