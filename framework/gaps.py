"""Matrices for the team-gaps heatmap: people x areas (named view) or groups x areas (anonymous).

Long data is pivoted here, and only here, because the heatmap needs a matrix. The anonymous
matrix is built from the publication's breakdown (:meth:`framework.publication.Publication.breakdown`),
so it shows exactly what the audit allows; the publication keeps to a screenful of units, the named
view pools past a screenful of groups and pages its people, so the browser never gets a heatmap it
cannot draw.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from framework.aggregate import NOT_STATED, _codes, with_targets
from framework.definitions import Framework
from framework.privacy import DIMENSIONS
from framework.scales import RATED, Scale
from framework.targets import TargetSet


@dataclass(frozen=True)
class Matrix:
    values: pd.DataFrame  # row key x area id: rating or mean (NaN when none)
    targets: pd.DataFrame  # row key x area id
    hidden: pd.DataFrame  # row key x area id: True where suppressed
    labels: list[str]  # one per row, with its n; plain text (pages show it, heatmap_figure escapes it)
    n: list[int | None]  # people per row (None when the row is hidden whole)
    total_rows: int
    note: str = ""

    def page(self, number: int, size: int) -> Matrix:
        lo, hi = (number - 1) * size, number * size
        return replace(self, values=self.values.iloc[lo:hi], targets=self.targets.iloc[lo:hi],
                       hidden=self.hidden.iloc[lo:hi], labels=self.labels[lo:hi], n=self.n[lo:hi])

    def at_or_above(self, area_id: str, bar: float | None = None) -> np.ndarray:
        """Positions of the rows rated at or above ``bar`` in an area (each row's own target when None)."""
        v = self.values[area_id].to_numpy(dtype="float64")
        t = self.targets[area_id].to_numpy(dtype="float64") if bar is None else float(bar)
        with np.errstate(invalid="ignore"):
            return np.flatnonzero(~np.isnan(v) & (v >= t))

    def names(self, positions, limit: int | None = None) -> str:
        """The labels at ``positions`` joined by commas, at most ``limit`` of them and then how many more."""
        positions = list(positions)
        shown = [self.labels[i] for i in positions[:limit]]
        more = len(positions) - len(shown)
        return ", ".join(shown) + (f" and {more:,} more" if more else "")

    def table(self, show: str, framework: Framework) -> pd.DataFrame:
        """The heatmap's numbers as a table: hidden cells blank, labelled by area name."""
        body = self.values if show == "rating" else self.targets - self.values
        body = body.mask(self.hidden).reindex(columns=framework.area_ids)
        body.columns = [a.name for a in framework.areas]
        out = body.round(2)
        out.insert(0, "Row", self.labels)
        return out.reset_index(drop=True)


def _sort_keys(values: pd.DataFrame, targets: pd.DataFrame, hidden: pd.DataFrame) -> pd.Series:
    return (targets - values).mask(hidden).mean(axis=1)


def person_matrix(tidy: pd.DataFrame, framework: Framework, scale: Scale, targets: TargetSet,
                  sort: str = "gap") -> Matrix:
    """Named view only: one row per person; targets are each person's role target.

    Built on integer codes (one scatter into a people x areas array), not a pivot: 100,000 people take a
    fraction of a second. Rows come in the respondents' order, then sorted stably by ``sort``."""
    data = with_targets(tidy, framework, scale, targets)
    resp = data["respondent"]
    resp = resp if isinstance(resp.dtype, pd.CategoricalDtype) else resp.astype("category")
    rcodes = resp.cat.codes.to_numpy()
    present = np.unique(rcodes[rcodes >= 0])
    index = pd.Index(resp.cat.categories.take(present), name="respondent")
    row = np.searchsorted(present, rcodes)
    area = _codes(data["area_id"], framework.area_ids)
    ok = (rcodes >= 0) & (area >= 0)
    shape = (len(present), len(framework.area_ids))
    values, tgt = np.full(shape, np.nan), np.full(shape, np.nan)
    rating = data["rating"].to_numpy(dtype="float64", na_value=np.nan)
    target = data["target"].to_numpy(dtype="float64", na_value=np.nan)
    for out, x in ((values, rating), (tgt, target)):  # the first non-missing value per cell, as a pivot's "first"
        keep = np.flatnonzero(ok & ~np.isnan(x))[::-1]
        out[row[keep], area[keep]] = x[keep]
    values = pd.DataFrame(values, index=index, columns=pd.Index(framework.area_ids, name="area_id"))
    tgt = pd.DataFrame(tgt, index=index, columns=values.columns)
    first = np.flatnonzero(rcodes >= 0)
    first = first[np.unique(row[first], return_index=True)[1]]  # each person's first row
    people = data.iloc[first]
    name = pd.Series(people["name"].astype("string").to_numpy(), index=index)
    email = pd.Series(people["email"].astype("string").to_numpy(), index=index)
    role = pd.Series(people["role"].astype("string").to_numpy(), index=index).fillna("")
    rows = pd.Series(people["row"].astype(str).to_numpy(), index=index)
    shown = name.where(name.fillna("").ne(""), email.where(email.fillna("").ne(""), "Respondent in row " + rows))
    hidden = pd.DataFrame(False, index=values.index, columns=values.columns)
    if sort == "gap":
        order = _sort_keys(values, tgt, hidden).sort_values(ascending=False, na_position="last", kind="stable").index
    elif sort == "name":
        order = shown.str.lower().sort_values(kind="stable").index
    else:
        order = pd.DataFrame({"r": role.str.lower(), "n": shown.str.lower()}).sort_values(["r", "n"]).index
    pos = values.index.get_indexer(order)
    labels = [f"{s} · {r}" if r else str(s) for s, r in zip(shown.to_numpy()[pos], role.to_numpy()[pos])]
    return Matrix(values.iloc[pos], tgt.iloc[pos], hidden.iloc[pos], labels, [1] * len(order), len(order))


def screenful(tidy: pd.DataFrame, by: str, max_rows: int) -> tuple[pd.DataFrame, str]:
    """Named view: past ``max_rows`` groups, the smallest are pooled into one row (the anonymous
    publication caps its units itself)."""
    rated = tidy[tidy["status"].eq(RATED)]
    clean = rated[by].astype("string").fillna("").str.strip().replace("", NOT_STATED)
    sizes = rated.groupby(clean, observed=True)["respondent"].nunique().sort_values(ascending=False, kind="stable")
    if len(sizes) <= max_rows:
        return tidy, ""
    keep = set(sizes.index[: max_rows - 1])
    label = f"Other ({len(sizes) - len(keep)} smaller {'roles' if by == 'role' else 'schools and departments'})"
    col = tidy[by].astype("string").fillna("").str.strip().replace("", NOT_STATED)
    pooled = tidy.assign(**{by: col.where(col.isin(keep), label).astype("category")})
    return pooled, f"{len(sizes)} groups are more than a screenful: the {len(sizes) - len(keep)} smallest are pooled as one row."


def group_matrix(summary: pd.DataFrame, framework: Framework, by: str = "role", sort: str = "gap",
                 note: str = "") -> Matrix:
    """One row per role or school/department from a breakdown frame: the publication's (anonymous, hidden
    cells marked) or :func:`framework.aggregate.group_summary`'s (named)."""
    if by not in DIMENSIONS:
        raise ValueError("by must be 'role' or 'group'")
    if summary.empty:
        empty = pd.DataFrame(columns=framework.area_ids, dtype="float64")
        return Matrix(empty, empty, empty.astype(bool), [], [], 0, note)
    values = summary["mean"].astype("float64").unstack("area_id").reindex(columns=framework.area_ids)
    tgt = summary["target"].astype("float64").unstack("area_id").reindex(index=values.index, columns=framework.area_ids)
    hidden = summary["suppressed"].astype(bool).unstack("area_id").reindex(index=values.index, columns=framework.area_ids)
    hidden = hidden.fillna(False).astype(bool)
    group_n = summary["group_n"].groupby(level=by, sort=False).first().reindex(values.index)
    whole = hidden.all(axis=1)
    order = (_sort_keys(values, tgt, hidden).sort_values(ascending=False, na_position="last", kind="stable").index
             if sort == "gap" else pd.Index(sorted(values.index, key=lambda s: str(s).lower())))
    labels = [f"{g} (n hidden)" if whole[g] else f"{g} (n = {int(group_n[g])})" for g in order]
    ns = [None if whole[g] else int(group_n[g]) for g in order]
    return Matrix(values.loc[order], tgt.loc[order], hidden.loc[order], labels, ns, len(order), note)
