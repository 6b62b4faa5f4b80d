"""Privacy modes and the sidebar's filters.

**Anonymous** (the default) shows only what :mod:`framework.publication` publishes for the data set:
every figure of every page, filter view, breakdown, category and export, audited as a whole so that
no combination of them rests on fewer than k people (the minimum group size, default 5, never below
3). A filter in the anonymous view is one unit of one dimension (a role, or a school or department,
as the publication pools them); :func:`anonymous_view` says which population that is, or why it
cannot be shown.

**Named** (an explicit switch, the team's own view) shows people and every figure of everyone; any
combination of filters is allowed there (:func:`apply_filters`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from framework.aggregate import NOT_STATED

ANONYMOUS, NAMED = "anonymous", "named"
DIMENSIONS = {"role": "Role", "group": "School or department"}
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


def named_options(tidy: pd.DataFrame) -> dict[str, list[str]]:
    """Every value of each dimension, largest first (the named view's filter choices)."""
    out = {}
    for by in DIMENSIONS:
        values = _clean(tidy.drop_duplicates("respondent")[by]) if len(tidy) else pd.Series([], dtype="string")
        out[by] = values.value_counts(sort=True).index.tolist()
    return out


def apply_filters(tidy: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The named view's filtered people (any combination of values)."""
    out = tidy
    for by in filters.active:
        out = out[_clean(out[by]).isin(getattr(filters, by))]
    return out


def anonymous_view(publication, filters: Filters):
    """(population, problem): the publication's population a filter shows, or the team and one sentence
    saying why the filter cannot be shown in the anonymous view."""
    if not filters.active:
        return publication.team, ""
    if len(filters.active) > 1:
        return publication.team, "In the anonymous view, filter by role or by school or department, one at a time."
    by = filters.active[0]
    chosen = getattr(filters, by)
    if len(chosen) != 1:
        return publication.team, "In the anonymous view, choose one role or one school or department at a time."
    if chosen[0] not in publication.filter_options()[by]:
        return publication.team, (f"{chosen[0]} cannot be shown on its own in the anonymous view: its figures "
                                  f"would single out fewer than {publication.k} people.")
    return publication.population_for(by, chosen[0]), ""
