"""One person's growth plan: their ratings against their role's targets, the largest gaps first with next steps.

:func:`growth_plan` takes one person's ratings and returns a :class:`GrowthPlan`, pure data, deterministic:

- per skill area (framework order): the rating, the role's target, the gap (target − rating, positive = below
  target), the standing in words, what the current and the next level look like (level descriptors), the next
  steps for the current level (from the professional-learning library), the ISTE standards and the CETL
  content area, the change since the previous round, and the team's anonymous figures as given;
- ``gaps``: the areas below target, the largest gap first; ties go to the larger framework weight where the
  framework has weights (the 2009 CETL weights), then to framework order; at most ``max_gaps`` of them, the
  rest in ``more_gaps``;
- ``strengths``: the areas at or above target, in framework order (at the top of the scale with the library's
  mentoring or leading step);
- an N/A answer means "not part of my role": never a gap, never a strength; an area without an answer has no
  figure at all.

The library's steps are written for the 1–4 proficiency scale. On another scale a rating takes the steps of the
level at the same relative position (the agreement scale: 1 → 1, 2 → 2, 3 → 2, 4 → 3, 5 → 4; a rating exactly
between two levels takes the lower one's steps, which lead to the next).

:class:`FocusChoice` is a person's chosen focus: up to three skill areas and a note of at most 1,000 characters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from framework.definitions import Framework
from framework.growth_library import TOP_LEVEL, Cetl, GrowthLibrary, Step
from framework.scales import NOT_APPLICABLE, RATED, Scale
from framework.targets import TargetSet
from framework.trends import ARROWS

FOCUS_MAX_AREAS = 3
FOCUS_NOTE_MAX = 1_000
NA_TEXT = "not part of my role"
UNANSWERED_TEXT = "not answered"
UNANSWERED = "unanswered"
BELOW, AT, ABOVE = "below target", "at target", "above target"


class PlanError(ValueError):
    """Ratings that cannot make a plan (more than one person, an area twice, a level off the scale)."""


# ---- the plan ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AreaPlan:
    """One skill area of one person's plan."""

    area_id: str
    name: str
    label: str
    category: str
    order: int  # position in the framework, 0-based
    weight: float | None  # the framework's weight, None when it has none
    status: str  # "rated", "not applicable" or "unanswered"
    rating: int | None
    rating_text: str  # "2 Developing", "not part of my role", "not answered"
    target: int
    target_text: str  # "3 Proficient"
    gap: int | None  # target - rating when rated; positive = below target
    standing: str  # "below target", "at target", "above target", "not part of my role", "not answered"
    gap_text: str  # "2 levels below target", "at target", "1 level above target", or the standing
    at_top: bool  # rated at the top of the scale
    current_descriptor: str  # what the current level looks like ("" unless rated)
    next_level: int | None  # the next level up (None at the top or unless rated)
    next_level_text: str
    next_descriptor: str  # "what the next level looks like"
    steps: tuple[Step, ...]  # the library's steps for the current level (mentoring or leading at the top)
    iste: tuple[str, ...]
    cetl: Cetl | None
    in_library: bool  # False: the library has no suggestions for this area (a custom framework's own area)
    previous_status: str = ""  # "" when no previous round was given
    previous_rating: int | None = None
    change: int | None = None  # rating - previous rating, when both are rated
    direction: str = ""  # "up", "down", "same", or "" (not comparable)
    change_text: str = ""  # "▲ up 1 level", "▼ down 2 levels", "► no change", or words for what changed
    team_mean: float = math.nan  # as given: NaN where hidden or not given
    team_n: float = math.nan

    @property
    def is_gap(self) -> bool:
        return self.gap is not None and self.gap > 0

    @property
    def is_strength(self) -> bool:
        return self.gap is not None and self.gap <= 0

    @property
    def references(self) -> str:
        """Where the area sits in ISTE's leader standards and the CETL exam, in one line ("" for neither)."""
        parts = []
        if self.iste:
            parts.append("ISTE Standards for Education Leaders: " + ", ".join(self.iste))
        if self.cetl is not None:
            parts.append(self.cetl.text)
        return " · ".join(parts)

    @property
    def mentoring_steps(self) -> tuple[Step, ...]:
        """The library's top-level (mentoring or leading) steps, for a strength at the top of the scale."""
        return self.steps if self.at_top else ()


@dataclass(frozen=True)
class GrowthPlan:
    framework_id: str
    framework_title: str
    scale_id: str
    scale_name: str
    role_id: str  # "" = the default targets
    role_name: str
    areas: tuple[AreaPlan, ...]  # framework order
    gaps: tuple[AreaPlan, ...]  # the largest gaps, at most max_gaps
    more_gaps: tuple[AreaPlan, ...]  # the other areas below target, in the same order
    strengths: tuple[AreaPlan, ...]  # at or above target, framework order
    not_in_role: tuple[AreaPlan, ...]
    unanswered: tuple[AreaPlan, ...]
    has_previous: bool
    has_team: bool
    weighted_ties: bool = field(default=False)  # ties between equal gaps went to the framework's weights

    def area(self, area_id: str) -> AreaPlan:
        for a in self.areas:
            if a.area_id == area_id:
                return a
        raise KeyError(area_id)

    @property
    def rated(self) -> tuple[AreaPlan, ...]:
        return tuple(a for a in self.areas if a.status == RATED)

    def summary(self) -> str:
        """One plain sentence: how many areas are below, at or above the role's target, and what is left out."""
        below = len(self.gaps) + len(self.more_gaps)
        parts = [f"{below} of {len(self.rated)} rated skill {_plural(len(self.rated), 'area')} below your role's "
                 f"target, {len(self.strengths)} at or above it"]
        if self.not_in_role:
            parts.append(f"{len(self.not_in_role)} not part of your role")
        if self.unanswered:
            parts.append(f"{len(self.unanswered)} not answered")
        return "; ".join(parts) + "."

    def table(self) -> pd.DataFrame:
        """The areas as a table of text (framework order), readable without colour: one row per area."""
        rows = []
        for a in self.areas:
            row = {"Skill area": a.name, "Your rating": a.rating_text, "Your role's target": a.target_text,
                   "Gap": a.gap_text}
            if self.has_previous:
                row["Since last round"] = a.change_text
            if self.has_team:
                row["Team mean"] = "hidden" if math.isnan(a.team_mean) else f"{a.team_mean:.1f}"
                row["Team n"] = "" if math.isnan(a.team_n) else f"{a.team_n:.0f}"
            rows.append(row)
        return pd.DataFrame(rows).astype("string")


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def _levels(n: int) -> str:
    return f"{n} {_plural(n, 'level')}"


# ---- reading the inputs ----------------------------------------------------------------------------------------
def _answers(ratings, scale: Scale, what: str) -> dict[str, tuple[str, int | None]]:
    """area id -> (status, rating) from a tidy frame of one person or a mapping area id -> level / "n/a" / None."""
    out: dict[str, tuple[str, int | None]] = {}
    if ratings is None:
        return out
    if isinstance(ratings, pd.DataFrame):
        if "respondent" in ratings and ratings["respondent"].dropna().nunique() > 1:
            raise PlanError(f"the {what} hold ratings of more than one person; a growth plan is for one person.")
        status = ratings["status"].astype("string") if "status" in ratings else pd.Series(pd.NA, index=ratings.index)
        items = []
        for area_id, rating, st in zip(ratings["area_id"].astype("string"), ratings["rating"], status):
            if pd.isna(st):
                st = RATED if not pd.isna(rating) else UNANSWERED
            items.append((str(area_id), str(st), None if pd.isna(rating) else rating))
    elif isinstance(ratings, Mapping):
        items = []
        for area_id, value in ratings.items():
            if value is None:
                items.append((str(area_id), UNANSWERED, None))
            elif isinstance(value, str) and value.strip().lower() in {"n/a", "na", NOT_APPLICABLE}:
                items.append((str(area_id), NOT_APPLICABLE, None))
            else:
                items.append((str(area_id), RATED, value))
    else:
        raise PlanError(f"the {what} must be a frame of one person's rows or a mapping of area id to level.")
    for area_id, st, rating in items:
        if area_id in out:
            raise PlanError(f"the {what} give the skill area {area_id!r} twice.")
        if st == RATED:
            if rating is None or float(rating) != int(float(rating)) or int(float(rating)) not in scale.values:
                raise PlanError(f"the {what} give {area_id!r} the level {rating!r}, which is not a level of the "
                                f"{scale.name} scale.")
            out[area_id] = (RATED, int(float(rating)))
        elif st == NOT_APPLICABLE:
            out[area_id] = (NOT_APPLICABLE, None)
        else:  # blank, invalid, unanswered: no figure
            out[area_id] = (UNANSWERED, None)
    return out


def _team(team: pd.DataFrame | None) -> dict[str, tuple[float, float]]:
    if team is None:
        return {}
    frame = team.set_index("area_id") if "area_id" in team.columns else team
    out = {}
    for area_id, row in frame.iterrows():
        mean = row.get("mean", math.nan)
        n = row.get("n", math.nan)
        out[str(area_id)] = (math.nan if pd.isna(mean) else float(mean), math.nan if pd.isna(n) else float(n))
    return out


def library_level(rating: int, scale: Scale) -> int:
    """The library's level (1–4) for a rating on ``scale``: the level at the same relative position, the lower one
    when exactly between two."""
    values = scale.values
    m = len(values)
    if m == TOP_LEVEL:
        return values.index(rating) + 1
    x = values.index(rating) * (TOP_LEVEL - 1) / (m - 1)
    low = math.floor(x + 1e-9)
    return 1 + (low if abs(x - low - 0.5) < 1e-9 else round(x))


def _change(now: tuple[str, int | None], before: tuple[str, int | None] | None, scale: Scale):
    """(change, direction, text) for one area."""
    status, rating = now
    p_status, p_rating = before if before is not None else (UNANSWERED, None)
    if status == RATED and p_status == RATED:
        diff = rating - p_rating
        if diff == 0:
            return 0, "same", f"{ARROWS['same']} no change"
        direction = "up" if diff > 0 else "down"
        return diff, direction, f"{ARROWS[direction]} {direction} {_levels(abs(diff))}"
    if status == RATED:
        return None, "", ("was not part of my role" if p_status == NOT_APPLICABLE
                          else "no rating last time")
    if p_status == RATED:
        was = scale.level_text(p_rating)
        return None, "", (f"now not part of my role; was {was}" if status == NOT_APPLICABLE
                          else f"not answered now; was {was}")
    return None, "", ""


# ---- the plan --------------------------------------------------------------------------------------------------
def growth_plan(
    ratings_of_one_person,
    framework: Framework,
    scale: Scale,
    targets: TargetSet,
    role_id: str,
    library: GrowthLibrary,
    descriptors: Mapping[str, Mapping[int, str]],
    previous=None,
    team: pd.DataFrame | None = None,
    max_gaps: int = 3,
) -> GrowthPlan:
    """One person's growth plan.

    ``ratings_of_one_person``: that person's tidy rows (``area_id``, ``rating``, and ``status`` as the importer
    and the store give them: rated / not applicable / blank / invalid), or a mapping area id -> level, "n/a" or
    None (unanswered). Areas the framework does not have are ignored; framework areas missing are unanswered.
    ``role_id``: the person's role profile id (the tidy frame's ``role_id``; "" or an unknown id = the default
    targets). ``descriptors``: :func:`framework.descriptors.descriptors` for this framework and scale.
    ``previous``: the same person's ratings from their previous round, in either form, on the same scale
    (rescale first, as :mod:`framework.combine` does, when it was another). ``team``: the team's anonymous figures
    per area (index or column ``area_id``, columns ``mean`` and ``n``; NaN where hidden), carried through as given.
    """
    if max_gaps < 0:
        raise PlanError("max_gaps cannot be negative.")
    now = _answers(ratings_of_one_person, scale, "ratings")
    before = _answers(previous, scale, "previous round's ratings") if previous is not None else None
    team_figures = _team(team)
    known_roles = {r.id for r in targets.roles}
    role = role_id if role_id in known_roles else ""
    table = targets.table(framework, scale)
    target_of = {str(a): int(t) for a, t in table.loc[table["role_id"] == role, ["area_id", "target"]].itertuples(
        index=False)}

    areas: list[AreaPlan] = []
    for order, area in enumerate(framework.areas):
        status, rating = now.get(area.id, (UNANSWERED, None))
        target = target_of[area.id]
        texts = descriptors.get(area.id, {})
        entry = library.area(area.id)
        gap = target - rating if status == RATED else None
        if status == RATED:
            standing = BELOW if gap > 0 else AT if gap == 0 else ABOVE
            gap_text = (f"{_levels(gap)} below target" if gap > 0 else "at target" if gap == 0
                        else f"{_levels(-gap)} above target")
            rating_text = scale.level_text(rating)
            at_top = rating == scale.max
            next_level = None if at_top else rating + 1
            steps = library.steps_for(area.id, library_level(rating, scale))
        else:
            standing = gap_text = rating_text = NA_TEXT if status == NOT_APPLICABLE else UNANSWERED_TEXT
            at_top, next_level, steps = False, None, ()
        change = direction = change_text = None
        if before is not None:
            change, direction, change_text = _change((status, rating), before.get(area.id), scale)
        p_status, p_rating = before.get(area.id, (UNANSWERED, None)) if before is not None else ("", None)
        mean, n = team_figures.get(area.id, (math.nan, math.nan))
        areas.append(AreaPlan(
            area_id=area.id, name=area.name, label=area.label, category=framework.category(area.category).name,
            order=order, weight=area.weight, status=status, rating=rating, rating_text=rating_text, target=target,
            target_text=scale.level_text(target), gap=gap, standing=standing, gap_text=gap_text, at_top=at_top,
            current_descriptor=texts.get(rating, "") if rating is not None else "",
            next_level=next_level, next_level_text=scale.level_text(next_level) if next_level else "",
            next_descriptor=texts.get(next_level, "") if next_level else "",
            steps=tuple(steps), iste=tuple(entry.iste) if entry else (), cetl=entry.cetl if entry else None,
            in_library=entry is not None, previous_status=p_status, previous_rating=p_rating, change=change,
            direction=direction or "", change_text=change_text or "", team_mean=mean, team_n=n,
        ))

    weighted = framework.has_weights
    below = sorted((a for a in areas if a.is_gap),
                   key=lambda a: (-a.gap, -(a.weight or 0) if weighted else 0, a.order))
    return GrowthPlan(
        framework_id=framework.id, framework_title=framework.title, scale_id=scale.id, scale_name=scale.name,
        role_id=role, role_name=targets.role_name(role), areas=tuple(areas), gaps=tuple(below[:max_gaps]),
        more_gaps=tuple(below[max_gaps:]), strengths=tuple(a for a in areas if a.is_strength),
        not_in_role=tuple(a for a in areas if a.status == NOT_APPLICABLE),
        unanswered=tuple(a for a in areas if a.status == UNANSWERED),
        has_previous=before is not None, has_team=team is not None, weighted_ties=weighted,
    )


def suggested_focus(plan: GrowthPlan) -> list[str]:
    """The areas to offer as focus by default: the largest gaps (at most three)."""
    return [a.area_id for a in plan.gaps[:FOCUS_MAX_AREAS]]


# ---- the person's chosen focus -----------------------------------------------------------------------------------
class FocusChoice(BaseModel):
    """Up to three skill areas a person chooses to work on, and a note (at most 1,000 characters)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    areas: tuple[str, ...] = Field(default=(), max_length=FOCUS_MAX_AREAS)
    note: str = Field(default="", max_length=FOCUS_NOTE_MAX)

    @field_validator("areas")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a skill area is chosen twice")
        return value

    def names(self, framework: Framework) -> list[str]:
        return [framework.area(a).name for a in self.areas]


class FocusError(ValueError):
    """A focus choice that cannot be kept; the message is one sentence for the page."""


def focus_choice(areas, note: str = "", framework: Framework | None = None) -> FocusChoice:
    """A validated focus choice, or FocusError with one sentence (too many areas, an area twice, an area the
    framework does not have, a note that is too long)."""
    try:
        choice = FocusChoice(areas=tuple(areas or ()), note=note or "")
    except ValidationError as exc:
        first = exc.errors()[0]
        where = first.get("loc", ("",))[0]
        if where == "note":
            raise FocusError(f"A note has at most {FOCUS_NOTE_MAX:,} characters.") from None
        if first.get("type") == "too_long":
            raise FocusError(f"Choose at most {FOCUS_MAX_AREAS} focus areas.") from None
        raise FocusError(first.get("msg", "invalid").removeprefix("Value error, ").capitalize() + ".") from None
    if framework is not None:
        unknown = [a for a in choice.areas if a not in framework.area_ids]
        if unknown:
            raise FocusError(f"{unknown[0]!r} is not a skill area of {framework.title}.")
    return choice


__all__ = [
    "FOCUS_MAX_AREAS",
    "FOCUS_NOTE_MAX",
    "AreaPlan",
    "FocusChoice",
    "FocusError",
    "GrowthPlan",
    "PlanError",
    "focus_choice",
    "growth_plan",
    "library_level",
    "suggested_focus",
]
