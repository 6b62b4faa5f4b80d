"""Privacy modes, filters and small-group pooling.

Anonymous (the default) shows group results only, and every group a view rests on has at least k
people (the minimum group size, default 5, never below 3):

* **Units.** Roles and schools/departments with fewer than k people are pooled into "Other roles" /
  "Other schools and departments". If the pool itself stays below k, the smallest other unit
  joins it until it reaches k (or everything is one unit), so no unit can be recovered from the
  team total by subtraction.
* **Filters** pick one unit of one dimension at a time (a role, or a school or department). A
  filter is offered only if its view has at least k people and every other view it nests in or
  around (the team, the other units) differs from it by 0 or at least k people.
* **Breakdowns inside a filtered view** (for example schools within one role) are checked against
  the same groups unfiltered: a group or cell that differs by 1 to k − 1 people is hidden (see
  :func:`framework.aggregate.group_summary`'s ``parent``).

Named (an explicit switch, the team's own view) shows people and applies no suppression; any
combination of filters is allowed there.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from framework.aggregate import NOT_STATED
from framework.scales import RATED

ANONYMOUS, NAMED = "anonymous", "named"
DIMENSIONS = {"role": "Role", "group": "School or department"}
OTHER = {"role": "Other roles", "group": "Other schools and departments"}
ALL = "All"


@dataclass(frozen=True)
class Filters:
    role: tuple[str, ...] = ()
    group: tuple[str, ...] = ()

    @property
    def active(self) -> list[str]:
        return [d for d in DIMENSIONS if getattr(self, d)]

    def describe(self) -> str:
        parts = [f"{DIMENSIONS[d].lower()} {', '.join(getattr(self, d))}" for d in self.active]
        return "; ".join(parts) if parts else "whole team"


def _clean(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("").str.strip().replace("", NOT_STATED)


def people_per(tidy: pd.DataFrame, by: str) -> pd.Series:
    """People who rated anything, per value of ``by``, largest first."""
    rated = tidy[tidy["status"].eq(RATED)]
    return rated.groupby(_clean(rated[by]), observed=True)["respondent"].nunique().sort_values(
        ascending=False, kind="stable"
    )


def unit_map(tidy: pd.DataFrame, by: str, k: int | None) -> dict[str, str]:
    """Each value of ``by`` -> the unit it is shown as (itself, or the pooled "Other …")."""
    sizes = people_per(tidy, by)
    if not k:
        return {v: v for v in sizes.index}
    pooled = [v for v in sizes.index if sizes[v] < k]
    rest = [v for v in sizes.index if v not in pooled]
    while pooled and sum(sizes[v] for v in pooled) < k and rest:
        pooled.append(rest.pop())  # the smallest remaining unit joins the pool
    label = OTHER[by]
    return {v: (label if v in pooled else v) for v in sizes.index}


def pool(tidy: pd.DataFrame, k: int | None) -> pd.DataFrame:
    """The tidy frame with role and group replaced by their units (anonymous view)."""
    if not k or tidy.empty:
        return tidy
    out = tidy.copy()
    for by in DIMENSIONS:
        mapping = unit_map(tidy, by, k)
        out[by] = _clean(tidy[by]).map(mapping).fillna(NOT_STATED).astype("category")
    return out


def _members(tidy: pd.DataFrame, by: str | None = None, unit: str | None = None) -> frozenset:
    rated = tidy[tidy["status"].eq(RATED)]
    if by is not None:
        rated = rated[_clean(rated[by]).eq(unit)]
    return frozenset(rated["respondent"].astype(str).unique())


def filter_options(pooled: pd.DataFrame, k: int | None) -> dict[str, list[str]]:
    """The units each dimension's filter may offer (anonymous: see the module's rules)."""
    sizes = {by: people_per(pooled, by) for by in DIMENSIONS}
    if not k:
        return {by: list(s.index) for by, s in sizes.items()}
    team = _members(pooled)
    views = {(by, u): _members(pooled, by, u) for by, s in sizes.items() for u in s.index}
    allowed = {key for key, members in views.items() if len(members) >= k}
    changed = True
    while changed:  # drop views that differ from a nested shown view by 1 to k − 1 people
        changed = False
        shown = [team] + [views[key] for key in allowed]
        for key in sorted(allowed, key=lambda kk: len(views[kk])):
            v = views[key]
            for w in shown:
                if w is v:
                    continue
                if (v <= w or w <= v) and 0 < len(v ^ w) < k:
                    allowed.discard(key)
                    changed = True
                    break
            if changed:
                break
    return {by: [u for u in sizes[by].index if (by, u) in allowed] for by in DIMENSIONS}


def apply_filters(tidy: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    out = tidy
    for by in filters.active:
        out = out[_clean(out[by]).isin(getattr(filters, by))]
    return out


def check_filters(pooled: pd.DataFrame, filters: Filters, k: int | None) -> str:
    """"" when the filtered view may be shown, else one sentence saying why not."""
    if not k or not filters.active:
        return ""
    if len(filters.active) > 1:
        return "In the anonymous view, filter by role or by school or department, one at a time."
    by = filters.active[0]
    chosen = getattr(filters, by)
    if len(chosen) != 1:
        return "In the anonymous view, choose one role or one school or department at a time."
    if chosen[0] not in filter_options(pooled, k)[by]:
        return (f"{chosen[0]} cannot be shown on its own in the anonymous view: it rests on fewer than {k} "
                "people, or on a number that differs from another shown group by fewer than {k}.").replace("{k}", str(k))
    return ""
