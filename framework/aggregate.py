"""Aggregation of the tidy ratings frame: per skill area, category, role, group and person.

Targets. The team target of an area (the default profile, Proficient unless the district edits it)
is the level a person must reach to *cover* the area: bench depth and single points of failure
count people at or above it. Role views compare each role with its own role profile, and the
person view compares each person with their role's target.

Privacy. Anonymous results take a minimum group size k (default 5, never below 3): a group or
area resting on fewer than k people is reported as suppressed with no figures, and when exactly
one group of a breakdown would be hidden, the next smallest is hidden too, so that the hidden one
cannot be recovered by subtracting the shown groups from the team total. ``min_group_size=None``
is the team's own named view and suppresses nothing.
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


def area_summary(
    tidy: pd.DataFrame,
    framework: Framework,
    scale: Scale,
    targets: TargetSet,
    min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE,
    parent: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per skill area, in framework order (areas without data included, with n = 0).

    ``parent`` is the population ``tidy`` was filtered from (the whole team) when a filter is on:
    an area whose count differs from the parent's by 1 to k − 1 ratings is hidden too, since the
    parent's figures are shown elsewhere and the difference would single those people out.
    """
    k = check_min_group_size(min_group_size)
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
    team_n = respondent_count(tidy)
    hide = out["n"].between(1, k - 1) if k else pd.Series(False, index=out.index)  # n = 0: nothing to hide
    if k and team_n < k:
        hide[:] = True
    if k and parent is not None:
        parent_n = rated_counts(parent, ["area_id"]).reindex(out.index, fill_value=0)
        hide |= (parent_n - out["n"]).between(1, k - 1)
    return _suppress(out, hide, scale)


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


def _suppress(out: pd.DataFrame, hide: pd.Series, scale: Scale) -> pd.DataFrame:
    out = out.copy()
    out["suppressed"] = hide.to_numpy()
    figures = [c for c in STAT_COLUMNS + level_columns(scale) + ["n_na"] if c in out.columns]
    for col in figures:
        out[col] = out[col].astype("float64").mask(out["suppressed"])
    out["spof"] = out["spof"].astype("boolean").mask(out["suppressed"]) if "spof" in out else None
    if "nobody_at_target" in out:
        out["nobody_at_target"] = out["nobody_at_target"].astype("boolean").mask(out["suppressed"])
    return out


def category_summary(
    tidy: pd.DataFrame,
    framework: Framework,
    scale: Scale,
    targets: TargetSet,
    min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE,
) -> pd.DataFrame:
    """One row per category: statistics over each person's mean across the category's areas.

    ``n`` counts people with at least one rating in the category; a person is at target when their
    category mean reaches the mean of the category's area targets. In anonymous results an area
    that is itself hidden (1 to k − 1 ratings) is left out, so its ratings cannot be recovered by
    comparing category figures.
    """
    k = check_min_group_size(min_group_size)
    data = with_targets(tidy, framework, scale, targets)
    data["category_id"] = data["area_id"].map({a.id: a.category for a in framework.areas}).astype("string")
    rated = data[data["status"].eq(RATED)]
    if k:
        per_area = rated.groupby("area_id", observed=True).size()
        hidden = per_area[(per_area > 0) & (per_area < k)].index
        rated = rated[~rated["area_id"].isin(hidden)]
    person = rated.groupby(["category_id", "respondent"], sort=False, observed=True)["rating"].mean().rename("pmean").reset_index()
    area_t = pd.Series({a.id: targets.area_target(a.id, scale) for a in framework.areas}, dtype="float64")
    cat_t = area_t.groupby(pd.Series({a.id: a.category for a in framework.areas})).mean()
    g = person.groupby("category_id")["pmean"]
    rows = pd.DataFrame({
        "category": [c.name for c in framework.categories],
        "areas": [sum(a.category == c.id for a in framework.areas) for c in framework.categories],
    }, index=pd.Index([c.id for c in framework.categories], name="category_id"))
    rows["target"] = cat_t.reindex(rows.index)
    rows["n"] = g.count().reindex(rows.index, fill_value=0).astype("int64")
    for stat in ("mean", "median", "min", "max", "std"):
        rows[stat] = getattr(g, stat)().reindex(rows.index).astype("float64")
    rows["gap"] = rows["target"] - rows["mean"]
    at = person.assign(t=person["category_id"].map(cat_t)).pipe(lambda d: d["pmean"] >= d["t"])
    rows["at_target_n"] = at.groupby(person["category_id"]).sum().reindex(rows.index, fill_value=0).astype("int64")
    rows["at_target_share"] = rows["at_target_n"] / rows["n"].where(rows["n"] > 0)
    rows["spof"] = rows["at_target_n"].eq(1)
    team_n = int(rated["respondent"].nunique())
    hide = rows["n"].between(1, k - 1) if k else pd.Series(False, index=rows.index)
    if k and team_n < k:
        hide[:] = True
    return _suppress(rows, hide, scale)


def group_summary(
    tidy: pd.DataFrame,
    framework: Framework,
    scale: Scale,
    targets: TargetSet,
    by: str = "role",
    min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE,
    parent: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per (group, area): ``by`` is "role" or "group" (school or department).

    Targets: by role, each role's own profile; by group, the team target. ``group_n`` is the number
    of people in the group who rated anything; groups below the minimum size are suppressed whole,
    cells below it are suppressed, and complementary suppression hides one more group (or cell per
    area) where exactly one would be hidden. With ``parent`` (the unfiltered team, when ``tidy`` is
    a filtered view), a group or cell that differs from the same group in the parent by 1 to k − 1
    people is hidden as well: the group's unfiltered row is shown elsewhere.
    """
    if by not in ("role", "group"):
        raise ValueError("by must be 'role' or 'group'")
    k = check_min_group_size(min_group_size)
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
    na = data[data["status"].eq(NOT_APPLICABLE)].groupby([by, "area_id"], observed=True).size()
    out["n_na"] = na.reindex(full, fill_value=0).astype("int64")
    out["group_n"] = out.index.get_level_values(by).map(group_n).astype("int64")
    out["area"] = out.index.get_level_values("area_id").map({a.id: a.name for a in framework.areas})
    out["label"] = out.index.get_level_values("area_id").map({a.id: a.label for a in framework.areas})
    if not k:
        hide = pd.Series(False, index=out.index)
    else:
        forced_groups, forced_cells = set(), set()
        if parent is not None:
            pdata = parent.assign(**{by: parent[by].astype("string").fillna("").str.strip().replace("", NOT_STATED)})
            prated = pdata[pdata["status"].eq(RATED)]
            p_group = prated.groupby(by, observed=True)["respondent"].nunique().reindex(group_n.index, fill_value=0)
            forced_groups = set(group_n.index[(p_group - group_n).between(1, k - 1)])
            p_cells = rated_counts(pdata, [by, "area_id"]).reindex(full, fill_value=0)
            forced_cells = set(p_cells.index[(p_cells - out["n"]).between(1, k - 1)])
            # a cell is also nested in the parent's whole area (the team figure shown elsewhere)
            p_area = rated_counts(pdata, ["area_id"]).reindex(full.get_level_values("area_id"), fill_value=0)
            p_area.index = full
            forced_cells |= set(full[(p_area - out["n"]).between(1, k - 1)])
            p_team = prated["respondent"].nunique()
            forced_groups |= set(group_n.index[(p_team - group_n).between(1, k - 1)])
        hidden_groups = suppressed_groups(group_n, k, forced=forced_groups)
        hide = pd.Series(out.index.get_level_values(by).isin(hidden_groups), index=out.index)
        for area_id in framework.area_ids:
            all_cells = out.xs(area_id, level="area_id")["n"]
            cells = all_cells[~all_cells.index.isin(hidden_groups)]
            forced = {g for g in cells.index if (g, area_id) in forced_cells}
            already = int(all_cells[all_cells.index.isin(hidden_groups)].sum())
            extra = suppressed_groups(cells, k, already_hidden=already, forced=forced)
            for grp in extra:
                hide[(grp, area_id)] = True
    return _suppress(out, hide, scale)


def suppressed_groups(sizes: pd.Series, k: int, already_hidden: int = 0, forced: set | None = None) -> list:
    """Groups to hide so that nothing below k can be read, directly or by subtraction.

    First every group below k (and any ``forced`` one); then, while what is hidden adds up to
    fewer than k people (``already_hidden`` counts people hidden in the same breakdown for another
    reason), the smallest shown group is hidden too. So the total minus the shown groups is either
    nothing or at least k people. Empty groups (size 0) hide nothing.
    """
    sizes = sizes[sizes > 0]
    hidden = [g for g in sizes.index if sizes[g] < k or g in (forced or set())]
    total = int(sizes[hidden].sum()) + int(already_hidden)
    rest = sizes.drop(index=hidden).sort_values(kind="stable")
    for g in rest.index:
        if total == 0 or total >= k:
            break
        hidden.append(g)
        total += int(sizes[g])
    return hidden


def person_table(tidy: pd.DataFrame, framework: Framework, scale: Scale, targets: TargetSet) -> pd.DataFrame:
    """Named view only: one row per person x area with rating, role target and gap."""
    data = with_targets(tidy, framework, scale, targets)
    data["gap"] = data["target"].astype("float64") - data["rating"].astype("float64")
    data["at_target"] = (data["rating"] >= data["target"]).astype("boolean")
    return data


def headline(areas: pd.DataFrame, respondents: int, weighted: bool = False) -> dict:
    """Headline figures for the overview: from an :func:`area_summary` frame.

    The team mean is the average of the shown area means, each area counting once, or with
    ``weighted`` (and a framework that has weights) weighted by the areas' weights.
    """
    shown = areas[~areas["suppressed"] & areas["n"].gt(0)]
    use_weights = weighted and len(shown) and shown["weight"].notna().all()
    if not len(shown):
        team_mean = float("nan")
    elif use_weights:
        team_mean = float((shown["mean"] * shown["weight"]).sum() / shown["weight"].sum())
    else:
        team_mean = float(shown["mean"].mean())
    return {
        "respondents": int(respondents),
        "team_mean": team_mean,
        "weighted": bool(use_weights),
        "areas_rated": len(shown),
        "areas_below_target": int((shown["gap"] > 0).sum()),
        "spof_areas": int(shown["spof"].fillna(False).astype(bool).sum()),
        "nobody_areas": int(shown["nobody_at_target"].fillna(False).astype(bool).sum()),
        "suppressed_areas": int(areas["suppressed"].sum()),
    }


def respondent_count(tidy: pd.DataFrame) -> int:
    return int(tidy.loc[tidy["status"].eq(RATED), "respondent"].nunique())
