"""The publication of one data set: every anonymous figure, already audited, and how pages read it.

:func:`publish` is the only way the anonymous view gets a number. It returns a :class:`Publication`
whose figures are exact counts (level counts, N/A answers, at-target counts, n) per population and
skill area, with everything the audit withheld marked hidden and no figure behind it. The pages,
the board report and every export take their frames from it (:meth:`Publication.areas`,
:meth:`Publication.breakdown`, :meth:`Publication.categories`, :meth:`Publication.overall`), in the
same shape as :mod:`framework.aggregate`'s frames of the named view, so the figure builders serve
both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from framework.aggregate import category_summary, level_columns, overall_mean, stats_from_counts
from framework.definitions import Framework
from framework.publication.build import (
    DIM_WORDS,
    DIMENSIONS,
    OTHER,
    Grid,
    Settled,
    Unit,
    grid_of,
    level_cube,
    role_targets,
    settle,
)
from framework.scales import Scale
from framework.targets import TargetSet

TEAM = "team"


@dataclass(frozen=True)
class Population:
    id: str  # "team", "role:3", "group:1", "cell:3:1"
    kind: str  # team | role | group | cell
    label: str  # as a reader sees it
    roles: tuple[str, ...]  # values of the role column it covers (() = any)
    groups: tuple[str, ...]  # values of the school/department column (() = any)
    people: int
    role_unit: int | None = None
    group_unit: int | None = None
    offered: bool = True  # False: a cell that is never shown (too small, or withdrawn by the audit)

    def describe(self) -> dict:
        """The population as the publication command writes it: the file's values, union within a
        key and intersection across keys; {} is the whole team."""
        out = {}
        if self.roles:
            out["role"] = list(self.roles)
        if self.groups:
            out["school"] = list(self.groups)
        return out


@dataclass(frozen=True)
class Filter:
    """A sidebar filter in the anonymous view: one unit of one dimension (``by`` role or group)."""

    by: str
    label: str


@dataclass
class Publication:
    framework: Framework
    scale: Scale
    k: int
    respondents: int
    populations: dict[str, Population]
    figures: pd.DataFrame  # index (population, area_id); see _figures
    notes: list[str] = field(default_factory=list)
    round: str | None = None

    # ---- lookups ----------------------------------------------------------------------------------
    @property
    def team(self) -> Population:
        return self.populations[TEAM]

    def units(self, by: str) -> list[Population]:
        return [p for p in self.populations.values() if p.kind == by]

    def filter_options(self) -> dict[str, list[str]]:
        """The units each sidebar filter may offer: those with at least one figure shown."""
        shown = self.figures.groupby(level="population")["shown"].any()
        return {by: [p.label for p in self.units(by) if bool(shown.get(p.id, False))] for by in DIMENSIONS}

    def population_for(self, by: str | None = None, label: str | None = None) -> Population:
        if by is None:
            return self.team
        for p in self.units(by):
            if p.label == label:
                return p
        raise KeyError(f"{label} is not a {DIM_WORDS[by][0]} of this publication")

    def children(self, view: Population, by: str) -> list[Population]:
        """The rows of a breakdown of ``view`` by ``by``: units (view = team), cells (view a unit of
        the other dimension), or the view itself (a unit of the same dimension)."""
        if view.kind == TEAM:
            return self.units(by)
        if view.kind == by:
            return [view]
        attr = "role_unit" if view.kind == "role" else "group_unit"
        return [p for p in self.populations.values()
                if p.kind == "cell" and getattr(p, attr) == getattr(view, attr)]

    # ---- frames -------------------------------------------------------------------------------------
    def areas(self, view: Population | None = None) -> pd.DataFrame:
        """One row per skill area of ``view`` (default the team), as :func:`framework.aggregate.area_summary`."""
        view = view or self.team
        rows = self.figures.xs(view.id, level="population")
        return area_info(self.framework).join(rows, how="left")

    def breakdown(self, view: Population | None, by: str) -> pd.DataFrame:
        """Rows of ``view`` broken down by ``by``, as :func:`framework.aggregate.group_summary` (index (by, area_id)).

        Hidden figures have no numbers (NaN); ``group_n`` is the row's people, NaN when the row is hidden
        whole."""
        view = view or self.team
        kids = [p for p in self.children(view, by)]
        if not kids:
            return _empty_breakdown(self.framework, self.scale, by)
        parts = []
        info = area_info(self.framework)[["area", "label"]]
        for p in kids:
            rows = self.figures.xs(p.id, level="population").join(info)
            rows = rows.assign(group_n=float(p.people) if rows["shown"].any() else math.nan)
            rows.index = pd.MultiIndex.from_product([[_row_label(p, by)], rows.index], names=[by, "area_id"])
            parts.append(rows)
        out = pd.concat(parts)
        return out.drop(columns=["shown"]).assign(suppressed=~out["shown"])

    def categories(self, view: Population | None = None) -> pd.DataFrame:
        """One row per category: the plain mean of its areas' shown means, hidden when any of them is."""
        return category_summary(self.areas(view), self.framework)

    def overall(self, view: Population | None = None, weighted: bool = False) -> dict:
        """The team mean of ``view``: the mean (or weighted mean) of the shown area means, hidden (NaN)
        when any area is hidden. Keys: mean, weighted, areas (how many), hidden (how many)."""
        return overall_mean(self.areas(view), weighted)

    def respondents_of(self, view: Population | None = None) -> int:
        return (view or self.team).people


# ---- shapes shared with the named view ----------------------------------------------------------------
def area_info(framework: Framework) -> pd.DataFrame:
    rows = [{
        "area_id": a.id, "area": a.name, "label": a.label, "category_id": a.category,
        "category": framework.category(a.category).name, "order": i,
        "weight": a.weight if a.weight is not None else np.nan,
    } for i, a in enumerate(framework.areas)]
    return pd.DataFrame(rows).set_index("area_id")


def _row_label(p: Population, by: str) -> str:
    if p.kind != "cell":
        return p.label
    return p.label.split(" · ", 1)[1 if by == "group" else 0]


def _empty_breakdown(framework: Framework, scale: Scale, by: str) -> pd.DataFrame:
    idx = pd.MultiIndex.from_arrays([pd.Index([], dtype="string"), pd.Index([], dtype="string")], names=[by, "area_id"])
    cols = ["n", "mean", "median", "min", "max", "std", "target", "gap", "at_target_n", "at_target_share",
            *level_columns(scale), "n_na", "spof", "nobody_at_target", "area", "label", "group_n", "suppressed"]
    return pd.DataFrame(index=idx, columns=cols)


# ---- building ---------------------------------------------------------------------------------------
def publish(tidy: pd.DataFrame, framework: Framework, scale: Scale, targets: TargetSet, k: int,
            round_label: str | None = None) -> Publication:
    """The audited publication of one data set at minimum group size ``k`` (at least 3)."""
    from framework.aggregate import check_min_group_size

    if k is None:
        raise ValueError("a publication is anonymous: give a minimum group size (at least 3)")
    k = check_min_group_size(k)
    grid = grid_of(tidy, framework, scale)
    settled = settle(grid, len(framework.areas), k)
    pops = _populations(settled)
    figures = _figures(grid, settled, pops, framework, scale, targets)
    return Publication(framework, scale, k, grid.n_people, {p.id: p for p in pops}, figures,
                       list(settled.notes) + _area_notes(settled, pops, framework, k), round_label)


def _populations(s: Settled) -> list[Population]:
    pops = [Population(TEAM, TEAM, "Whole team", (), (), int(s.people.sum()))]
    for i, u in enumerate(s.roles):
        pops.append(Population(f"role:{i}", "role", u.label, u.values, (), int(s.people[i].sum()), role_unit=i))
    for j, u in enumerate(s.groups):
        pops.append(Population(f"group:{j}", "group", u.label, (), u.values, int(s.people[:, j].sum()), group_unit=j))
    if len(s.roles) > 1 and len(s.groups) > 1:
        for i, j in zip(*np.nonzero(s.people)):
            i, j = int(i), int(j)
            pops.append(Population(f"cell:{i}:{j}", "cell", f"{s.roles[i].label} · {s.groups[j].label}",
                                   s.roles[i].values, s.groups[j].values, int(s.people[i, j]), i, j,
                                   offered=(i, j) in s.cells))
    return pops


def _shown(s: Settled, p: Population, a: int) -> bool:
    if not s.shown_team[a]:
        return False
    if p.kind == TEAM:
        return True
    if p.kind == "role":
        return bool(s.shown_roles[a, p.role_unit])
    if p.kind == "group":
        return bool(s.shown_groups[a, p.group_unit])
    return (p.role_unit, p.group_unit) in s.shown_cells[a]


def _figures(grid: Grid, s: Settled, pops: list[Population], framework: Framework, scale: Scale,
             targets: TargetSet) -> pd.DataFrame:
    n_areas, n_levels = len(framework.areas), grid.n_levels
    R, G = len(s.roles), len(s.groups)
    width = n_levels + 1  # the levels, then N/A
    cube = s.cube if s.cube is not None else level_cube(grid, s.role_index, s.group_index, R, G)
    team_t = np.array([targets.area_target(a, scale) for a in framework.area_ids], dtype="float64")
    role_t = role_targets(grid, s.roles, framework, scale, targets)
    blocks, tgts, ids, shown = [], [], [], []
    for p in pops:
        if p.kind == TEAM:
            c, t = cube.sum(axis=(0, 1)), team_t
        elif p.kind == "role":
            c, t = cube[p.role_unit].sum(axis=0), role_t[p.role_unit]
        elif p.kind == "group":
            c, t = cube[:, p.group_unit].sum(axis=0), team_t
        else:
            c, t = cube[p.role_unit, p.group_unit], role_t[p.role_unit]
        blocks.append(c)
        tgts.append(t)
        ids.append(p.id)
        shown.append([p.offered and _shown(s, p, a) for a in range(n_areas)])
    counts = np.concatenate(blocks).reshape(len(pops) * n_areas, width)
    target = np.concatenate(tgts)
    levels = np.asarray(scale.values, dtype="float64")
    at = (counts[:, :n_levels] * (levels[None, :] >= target[:, None])).sum(axis=1)
    index = pd.MultiIndex.from_product([ids, framework.area_ids], names=["population", "area_id"])
    out = stats_from_counts(counts[:, :n_levels], scale, target, at, index)
    out["n_na"] = counts[:, n_levels].astype("int64")
    out["spof"] = out["at_target_n"].eq(1)
    out["nobody_at_target"] = out["n"].gt(0) & out["at_target_n"].eq(0)
    out["shown"] = np.array(shown, dtype=bool).ravel()
    out["reason"] = [_reason(s, p, a) for p in pops for a in range(n_areas)]
    hidden = ~out["shown"]
    figures = ["n", "mean", "median", "min", "max", "std", "gap", "at_target_n", "at_target_share",
               *level_columns(scale), "n_na"]
    for col in figures:
        out[col] = out[col].astype("float64").mask(hidden)
    for col in ("spof", "nobody_at_target"):
        out[col] = out[col].astype("boolean").mask(hidden)
    out["suppressed"] = hidden
    return out


def _reason(s: Settled, p: Population, a: int) -> str:
    if not s.shown_team[a]:
        return "primary" if ("team", 0, a) in s.reasons or p.kind == TEAM else "team"
    if p.kind == TEAM:
        return ""
    if p.kind == "cell" and not p.offered:
        return "cell"
    key = {"role": ("role", p.role_unit, a), "group": ("group", p.group_unit, a),
           "cell": ("cell", (p.role_unit, p.group_unit), a)}[p.kind]
    return s.reasons.get(key, "")


def _area_notes(s: Settled, pops: list[Population], framework: Framework, k: int) -> list[str]:
    """Per area, the rows and columns the audit hid to protect others (never naming anyone)."""
    notes = []
    for a, area in enumerate(framework.areas):
        if not s.shown_team[a]:
            if s.people.sum() >= k:
                notes.append(f"{area.name} is hidden: fewer than {k} people rated it.")
            continue
        for dim, units in (("role", s.roles), ("group", s.groups)):
            second = [units[i].label for i in range(len(units))
                      if s.reasons.get((dim, i, a)) == "secondary"]
            if second:
                notes.append(f"{area.name}: {', '.join(second)} {'is' if len(second) == 1 else 'are'} hidden as well, "
                             f"so that {DIM_WORDS[dim][1]} resting on fewer than {k} ratings cannot be worked out "
                             "from the others.")
    return notes


__all__ = ["OTHER", "TEAM", "Filter", "Population", "Publication", "Unit", "publish"]
