"""Aggregation of the tidy ratings frame: per skill area, category, role, group and person.

Targets. The team target of an area (the default profile, Proficient unless the district edits it)
is the level a person must reach to *cover* the area: bench depth and single points of failure
count people at or above it. Role views compare each role with its own role profile, and the
person view compares each person with their role's target.

Privacy. Everything here is the team's own named view: every figure of everyone. Anonymous figures
come only from :mod:`framework.publication`, which audits them all together before any is shown;
it uses the statistics below (:func:`stats_from_counts`) and the minimum group size rules
(:func:`check_min_group_size`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from framework.definitions import Framework
from framework.scales import NOT_APPLICABLE, RATED, Scale
from framework.targets import TargetSet

DEFAULT_MIN_GROUP_SIZE = 5
FLOOR_MIN_GROUP_SIZE = 3
NOT_STATED = "Not stated"
STAT_COLUMNS = ["mean", "median", "min", "max", "std", "gap", "at_target_n", "at_target_share"]


def check_min_group_size(k: int | None) -> int | None:
    if k is None:
        return None
    if int(k) != k or k < FLOOR_MIN_GROUP_SIZE:
        raise ValueError(f"the minimum group size must be a whole number of at least {FLOOR_MIN_GROUP_SIZE}, not {k}")
    return int(k)


def level_columns(scale: Scale) -> list[str]:
    return [f"level_{v}" for v in scale.values]


def _codes(values: pd.Series, categories: list[str]) -> np.ndarray:
    """Position of each value in ``categories`` (-1 when absent), via the categorical's codes."""
    cat = values.astype("category")
    where = pd.Index(categories).get_indexer(cat.cat.categories.astype("string"))
    codes = cat.cat.codes.to_numpy()
    return np.where(codes < 0, -1, where[codes] if len(where) else -1)


def with_targets(tidy: pd.DataFrame, framework: Framework, scale: Scale, targets: TargetSet) -> pd.DataFrame:
    """Add ``team_target`` (the area's coverage bar) and ``target`` (the person's role target)."""
    table = targets.table(framework, scale)
    roles = [""] + [r.id for r in targets.roles]
    matrix = (table.pivot(index="role_id", columns="area_id", values="target")
              .reindex(index=roles, columns=framework.area_ids).to_numpy(dtype="float64"))
    area = _codes(tidy["area_id"], framework.area_ids)
    role = np.maximum(_codes(tidy["role_id"].fillna(""), roles), 0)  # no profile: the default row
    known = area >= 0
    team = np.where(known, matrix[0, np.maximum(area, 0)], np.nan)
    own = np.where(known, matrix[role, np.maximum(area, 0)], np.nan)
    return tidy.assign(team_target=pd.array(team, dtype="Float64").astype("Int64"),
                       target=pd.array(own, dtype="Float64").astype("Int64"))


def _stats(rated: pd.DataFrame, keys: list[str], target_col: str, scale: Scale) -> pd.DataFrame:
    """Descriptive statistics of ``rating`` per key; ``rated`` holds rated cells only."""
    grouped = rated.groupby(keys, sort=False, observed=True)
    index = grouped.size().index
    gid = grouped.ngroup().to_numpy()
    rating = rated["rating"].to_numpy(dtype="float64", na_value=np.nan)
    counts = _level_counts(gid, rating, len(index), scale)
    target = rated[target_col].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_target = np.bincount(gid, weights=target, minlength=len(index)) / counts.sum(axis=1)
    at = np.bincount(gid, weights=(rating >= target), minlength=len(index))
    return stats_from_counts(counts, scale, mean_target, at, index)


def _level_counts(gid: np.ndarray, rating: np.ndarray, n_groups: int, scale: Scale) -> np.ndarray:
    """Groups x levels matrix of how many ratings of each level each group has (one bincount)."""
    n_levels = len(scale.values)
    lvl = (rating - scale.min).astype(np.intp)
    return np.bincount(gid * n_levels + lvl, minlength=n_groups * n_levels).reshape(n_groups, n_levels)


def stats_from_counts(counts: np.ndarray, scale: Scale, target: np.ndarray, at: np.ndarray, index) -> pd.DataFrame:
    """Ratings are whole levels, so every statistic is an exact function of the count matrix:
    n, mean, standard deviation (n − 1), median, min, max and the count per level."""
    levels = np.asarray(scale.values, dtype="float64")
    n_levels = len(levels)
    n = counts.sum(axis=1).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = counts @ levels / n
        var = (counts @ levels**2 - n * mean**2) / (n - 1)
        std = np.sqrt(np.clip(var, 0, None))
        std[n < 2] = np.nan
        cum = counts.cumsum(axis=1)
        lo = levels[np.argmax(cum >= ((n + 1) // 2)[:, None], axis=1)]
        hi = levels[np.argmax(cum >= (n // 2 + 1)[:, None], axis=1)]
    filled = counts > 0
    out = pd.DataFrame({
        "n": n.astype("int64"),
        "mean": mean,
        "median": np.where(n > 0, (lo + hi) / 2, np.nan),
        "min": np.where(n > 0, levels[np.argmax(filled, axis=1)], np.nan),
        "max": np.where(n > 0, levels[n_levels - 1 - np.argmax(filled[:, ::-1], axis=1)], np.nan),
        "std": std,
        "target": target,
    }, index=index)
    out["gap"] = out["target"] - out["mean"]
    out["at_target_n"] = np.asarray(at).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["at_target_share"] = out["at_target_n"] / out["n"].where(out["n"] > 0)
    for j, col in enumerate(level_columns(scale)):
        out[col] = counts[:, j]
    return out


def area_summary(tidy: pd.DataFrame, framework: Framework, scale: Scale, targets: TargetSet) -> pd.DataFrame:
    """One row per skill area, in framework order (areas without data included, with n = 0).

    Every figure of everyone in ``tidy``: the team's own named view. Anonymous figures come only
    from :func:`framework.publication.publish`, which hides what the audit says must not be shown.
    ``suppressed`` is False throughout (the same shape as the publication's frames).
    """
    # area level needs only the team target per area: straight from the categorical codes, one
    # bincount for the level counts and one for the N/A answers (no per-row target lookup)
    out = _frame_for_areas(framework, scale, targets)
    area = _codes(tidy["area_id"], framework.area_ids)
    status = tidy["status"]
    is_rated = status.eq(RATED).to_numpy() & (area >= 0)
    rating = tidy["rating"].to_numpy(dtype="float64", na_value=np.nan)[is_rated]
    counts = _level_counts(area[is_rated], rating, len(framework.areas), scale)
    team_target = out["target"].to_numpy()
    at = (counts * (np.asarray(scale.values)[None, :] >= team_target[:, None])).sum(axis=1)
    stats = stats_from_counts(counts, scale, team_target, at, out.index)
    out = out.join(stats.drop(columns=["target"]))
    na_mask = status.eq(NOT_APPLICABLE).to_numpy() & (area >= 0)
    out["n_na"] = np.bincount(area[na_mask], minlength=len(framework.areas)).astype("int64")
    out["spof"] = out["at_target_n"].eq(1)
    out["nobody_at_target"] = out["n"].gt(0) & out["at_target_n"].eq(0)
    out["suppressed"] = False
    return out


def rated_counts(tidy: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Number of ratings per key (rated cells only)."""
    rated = tidy[tidy["status"].eq(RATED)]
    return rated.groupby(keys, observed=True).size()


def _frame_for_areas(framework: Framework, scale: Scale, targets: TargetSet) -> pd.DataFrame:
    rows = [{
        "area_id": a.id, "area": a.name, "label": a.label, "category_id": a.category,
        "category": framework.category(a.category).name, "order": i,
        "weight": a.weight if a.weight is not None else np.nan,
        "target": float(targets.area_target(a.id, scale)),
    } for i, a in enumerate(framework.areas)]
    return pd.DataFrame(rows).set_index("area_id")


def _fill_counts(out: pd.DataFrame, scale: Scale) -> pd.DataFrame:
    fill = {"n": 0, "at_target_n": 0, **{c: 0 for c in level_columns(scale)}}
    out = out.fillna(fill)
    return out.astype({c: "int64" for c in fill})


def category_summary(areas: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """One row per category, from an area frame (the named view's :func:`area_summary` or a publication's).

    A category's mean is the plain mean of its areas' means (each area counting once), over the areas
    that have ratings; its target the mean of their targets. When any of its areas is hidden, the
    category is hidden too (``suppressed``, no mean): a mean over the rest would be another figure, and
    one over all of them would give the hidden area away. Columns: category, areas, areas_rated,
    areas_hidden, suppressed, mean, target, gap.
    """
    rows = []
    for c in framework.categories:
        part = areas[areas["category_id"].eq(c.id)]
        hidden = part["suppressed"].astype(bool)
        rated = part[~hidden & part["n"].fillna(0).gt(0)]
        mean = float("nan") if hidden.any() or rated.empty else float(rated["mean"].mean())
        target = float(part["target"].mean())
        rows.append({"category_id": c.id, "category": c.name, "areas": len(part), "areas_rated": len(rated),
                     "areas_hidden": int(hidden.sum()), "suppressed": bool(hidden.any()), "mean": mean,
                     "target": target, "gap": target - mean})
    return pd.DataFrame(rows).set_index("category_id")


def overall_mean(areas: pd.DataFrame, weighted: bool = False) -> dict:
    """The team mean of an area frame: the plain (or, with ``weighted`` and weights for every area,
    weighted) mean of the area means with ratings; NaN when any area is hidden. Keys: mean, weighted,
    areas (how many means it averages), hidden (how many areas are hidden)."""
    hidden = areas["suppressed"].astype(bool)
    rated = areas[~hidden & areas["n"].fillna(0).gt(0)]
    use_weights = bool(weighted and len(rated) and rated["weight"].notna().all())
    if hidden.any() or rated.empty:
        mean = float("nan")
    elif use_weights:
        mean = float((rated["mean"] * rated["weight"]).sum() / rated["weight"].sum())
    else:
        mean = float(rated["mean"].mean())
    return {"mean": mean, "weighted": use_weights, "areas": len(rated), "hidden": int(hidden.sum())}


def group_summary(
    tidy: pd.DataFrame,
    framework: Framework,
    scale: Scale,
    targets: TargetSet,
    by: str = "role",
) -> pd.DataFrame:
    """One row per (group, area) of everyone in ``tidy`` (the named view): ``by`` is "role" or "group".

    Targets: by role, each role's own profile; by group, the team target. ``group_n`` is the number
    of people in the group who rated anything. ``suppressed`` is False throughout; anonymous
    breakdowns come from :meth:`framework.publication.Publication.breakdown`.
    """
    if by not in ("role", "group"):
        raise ValueError("by must be 'role' or 'group'")
    data = with_targets(tidy, framework, scale, targets)
    data[by] = data[by].fillna("").str.strip().replace("", NOT_STATED)
    rated = data[data["status"].eq(RATED)]
    target_col = "target" if by == "role" else "team_target"
    stats = _stats(rated, [by, "area_id"], target_col, scale)
    group_n = rated.groupby(by)["respondent"].nunique()
    groups = group_n.sort_values(ascending=False, kind="stable").index.tolist()
    full = pd.MultiIndex.from_product([groups, framework.area_ids], names=[by, "area_id"])
    out = stats.reindex(full)
    if by == "role":
        tgt = data.groupby([by, "area_id"])["target"].mean().astype("float64")
        out["target"] = tgt.reindex(full)
    else:
        out["target"] = out.index.get_level_values("area_id").map(
            {a.id: float(targets.area_target(a.id, scale)) for a in framework.areas}
        )
    out = _fill_counts(out, scale)
    out["gap"] = out["target"] - out["mean"]
    out["spof"] = out["at_target_n"].eq(1)
    out["nobody_at_target"] = out["n"].gt(0) & out["at_target_n"].eq(0)
    na = data[data["status"].eq(NOT_APPLICABLE)].groupby([by, "area_id"], observed=True).size()
    out["n_na"] = na.reindex(full, fill_value=0).astype("int64")
    out["group_n"] = out.index.get_level_values(by).map(group_n).astype("int64")
    out["area"] = out.index.get_level_values("area_id").map({a.id: a.name for a in framework.areas})
    out["label"] = out.index.get_level_values("area_id").map({a.id: a.label for a in framework.areas})
    out["suppressed"] = False
    return out


def person_table(tidy: pd.DataFrame, framework: Framework, scale: Scale, targets: TargetSet) -> pd.DataFrame:
    """Named view only: one row per person x area with rating, role target and gap."""
    data = with_targets(tidy, framework, scale, targets)
    data["gap"] = data["target"].astype("float64") - data["rating"].astype("float64")
    data["at_target"] = (data["rating"] >= data["target"]).astype("boolean")
    return data


def headline(areas: pd.DataFrame, respondents: int, weighted: bool = False) -> dict:
    """Headline figures for the overview, from an area frame (named view or publication).

    The team mean is :func:`overall_mean`: the average of the area means, each area counting once (or
    weighted by the areas' weights), and not reported (NaN) when any area is hidden.
    """
    shown = areas[~areas["suppressed"].astype(bool) & areas["n"].fillna(0).gt(0)]
    overall = overall_mean(areas, weighted)
    return {
        "respondents": int(respondents),
        "team_mean": overall["mean"],
        "weighted": overall["weighted"],
        "areas_rated": len(shown),
        "areas_below_target": int((shown["gap"] > 0).sum()),
        "spof_areas": int(shown["spof"].fillna(False).astype(bool).sum()),
        "nobody_areas": int(shown["nobody_at_target"].fillna(False).astype(bool).sum()),
        "suppressed_areas": int(areas["suppressed"].astype(bool).sum()),
    }


def respondent_count(tidy: pd.DataFrame) -> int:
    return int(tidy.loc[tidy["status"].eq(RATED), "respondent"].nunique())
