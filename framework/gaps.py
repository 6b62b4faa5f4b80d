"""Matrices for the team-gaps heatmap: people x areas (named view) or groups x areas (anonymous).

Long data is pivoted here, and only here, because the heatmap needs a matrix. The anonymous
matrix is built from the publication's breakdown (:meth:`framework.publication.Publication.breakdown`),
so it shows exactly what the audit allows; the publication keeps to a screenful of units, the named
view pools past a screenful of groups and pages its people, so the browser never gets a heatmap it
cannot draw.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from framework.aggregate import NOT_STATED, person_table
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
    """Named view only: one row per person; targets are each person's role target."""
    data = person_table(tidy, framework, scale, targets)
    data = data.assign(_rating=data["rating"].astype("float64"), _target=data["target"].astype("float64"))
    values = data.pivot_table(index="respondent", columns="area_id", values="_rating", aggfunc="first",
                              observed=True, dropna=False)
    tgt = data.pivot_table(index="respondent", columns="area_id", values="_target", aggfunc="first", observed=True)
    values = values.reindex(columns=framework.area_ids)
    tgt = tgt.reindex(index=values.index, columns=framework.area_ids)
    people = data.drop_duplicates("respondent").set_index("respondent")
    name = people["name"].astype("string").reindex(values.index)
    email = people["email"].astype("string").reindex(values.index)
    role = people["role"].astype("string").reindex(values.index).fillna("")
    shown = name.where(name.fillna("").ne(""), email.where(email.fillna("").ne(""), "Respondent in row "
                                                           + people["row"].astype(str).reindex(values.index)))
    hidden = pd.DataFrame(False, index=values.index, columns=values.columns)
    order = {
        "gap": _sort_keys(values, tgt, hidden).sort_values(ascending=False, na_position="last", kind="stable").index,
        "name": shown.str.lower().sort_values(kind="stable").index,
        "role": pd.DataFrame({"r": role.str.lower(), "n": shown.str.lower()}).sort_values(["r", "n"]).index,
    }[sort]
    labels = [f"{shown[i]} · {role[i]}" if role[i] else str(shown[i]) for i in order]
    return Matrix(values.loc[order], tgt.loc[order], hidden.loc[order], labels, [1] * len(order), len(order))


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
