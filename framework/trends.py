"""Trends across survey rounds: each skill area's figures per round, and the change since the round
before, anonymous by default.

:func:`trend_summary` works from a :class:`~framework.store.Store` (the database counts the ratings,
so a trend over large rounds moves a few hundred numbers, not the rows) or from rounds held in
memory (:class:`RoundData`, e.g. an upload not saved yet). Its figures per round equal
:func:`framework.aggregate.area_summary` on that round's ratings (a test holds them together).

Privacy: the anonymous figures come from the series' audited publication
(:func:`framework.publication.publish_rounds`), made over every round at once whatever rounds are
chosen: an area resting on 1 to k − 1 ratings in a round is hidden for that round (no figure, not
even its n), a round with fewer than k respondents is hidden whole, and where two rounds together
would single out fewer than k people (someone who answered only once, or changed an answer) the
older round's figure is hidden. ``min_group_size=None`` is the team's own named view.

Scales: rounds on different scales are never compared as they are. Pass ``rescale_to`` to rescale
every round's ratings to one scale (level by level, as :func:`framework.combine.rescale_map` shows),
or :class:`~framework.combine.ScaleMismatchError` says which rounds differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

from framework.aggregate import (
    DEFAULT_MIN_GROUP_SIZE,
    check_min_group_size,
    level_columns,
    respondent_count,
    stats_from_counts,
)
from framework.combine import Combined, ScaleMismatchError, rescale, rescale_map
from framework.definitions import Framework, get_framework
from framework.publication.series import RoundInput, SeriesPublication, publish_rounds
from framework.scales import NOT_APPLICABLE, RATED, Scale, get_scale
from framework.store import Round, Store, source_digest
from framework.targets import TargetSet, default_targets

SMALL_N = 10  # a change resting on fewer ratings than this (in either round) gets a caution
NO_CHANGE = 0.005  # |change| below this shows as "no change" (it rounds to 0.00)
ARROWS = {"up": "▲", "down": "▼", "same": "►", "": ""}
WORDS = {"up": "up", "down": "down", "same": "no change", "": ""}

TREND_COLUMNS = [
    "round_id", "round_label", "survey_date", "round_index", "respondents", "framework_id", "rescaled",
    "area_id", "area", "label", "category_id", "category", "order",
    "n", "mean", "median", "std", "min", "max", "target", "gap", "at_target_n", "at_target_share", "n_na",
    "suppressed", "previous_round_id", "previous_label", "previous_n", "previous_mean", "previous_at_target_n",
    "change", "direction", "arrow", "small_n",
]


@dataclass(frozen=True)
class RoundData:
    """A round with its tidy ratings, for trends over rounds that are not (or not all) stored."""

    round: Round
    ratings: pd.DataFrame


def round_from_combined(combined: Combined, label: str, survey_date: date, round_id: int = 0,
                        digests: Sequence[str] = ()) -> RoundData:
    """An unsaved round (e.g. the session's upload) that :func:`trend_summary` can take. Round ids
    only need to be distinct among the rounds passed together."""
    sc, fw = combined.scale, combined.framework
    return RoundData(Round(
        id=round_id, label=label, survey_date=survey_date, framework_id=fw.id, framework_version=fw.version or "",
        scale_id=sc.id, scale_min=sc.min, scale_max=sc.max,
        source_name=", ".join(r.report.filename for r in combined.results),
        source_sha256=source_digest(list(digests)) if digests else "",
        respondents=respondent_count(combined.ratings), ratings=len(combined.ratings), saved_at=datetime.now(UTC),
    ), combined.ratings)


def _counts_of(tidy: pd.DataFrame, round_id: int) -> pd.DataFrame:
    frame = pd.DataFrame({
        "area_id": tidy["area_id"].astype("string"), "status": tidy["status"].astype("string"),
        "rating": tidy["rating"].astype("Int64"),
    })
    out = frame.groupby(["area_id", "status", "rating"], dropna=False, observed=True).size().rename("count")
    return out.reset_index().assign(round_id=round_id)


def _gather(source, round_ids) -> tuple[list[Round], pd.DataFrame]:
    if isinstance(source, Store):
        rounds = source.list_rounds()
        if round_ids is not None:
            wanted = {int(i) for i in round_ids}
            rounds = [r for r in rounds if r.id in wanted]
        counts = source.level_counts([r.id for r in rounds]) if rounds else None
    else:
        items = list(source)
        if round_ids is not None:
            wanted = {int(i) for i in round_ids}
            items = [d for d in items if d.round.id in wanted]
        ids = [d.round.id for d in items]
        if len(set(ids)) != len(ids):
            raise ValueError("rounds passed together need distinct ids")
        rounds = [d.round for d in items]
        counts = pd.concat([_counts_of(d.ratings, d.round.id) for d in items], ignore_index=True) if items else None
    if counts is None or counts.empty:
        counts = pd.DataFrame({"round_id": pd.Series(dtype="int64"), "area_id": pd.Series(dtype="string"),
                               "status": pd.Series(dtype="string"), "rating": pd.Series(dtype="Int64"),
                               "count": pd.Series(dtype="int64")})
    rounds = sorted(rounds, key=lambda r: (r.survey_date, r.id))
    return rounds, counts


def common_scale(rounds: Sequence[Round], rescale_to: Scale | str | None = None) -> Scale:
    """The scale a trend is shown on: the rounds' own when they share one, else ``rescale_to``."""
    if rescale_to is not None:
        return rescale_to if isinstance(rescale_to, Scale) else get_scale(rescale_to)
    scales = {r.scale_id for r in rounds}
    if len(scales) > 1:
        which = ", ".join(f"{r.label} on {r.scale_min}–{r.scale_max}" for r in rounds)
        raise ScaleMismatchError(
            f"These rounds use different rating scales ({which}), so their means cannot be compared as they are. "
            "Choose the scale to rescale them to, or compare rounds on one scale."
        )
    return get_scale(next(iter(scales))) if scales else get_scale("1-4")


def trend_summary(
    source: Store | Sequence[RoundData],
    framework: Framework | None = None,
    *,
    targets: TargetSet | None = None,
    min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE,
    rescale_to: Scale | str | None = None,
    round_ids: Sequence[int] | None = None,
    small_n: int = SMALL_N,
) -> pd.DataFrame:
    """One row per (round, skill area): rounds oldest first (survey date, then id), areas in the
    framework's order. See the module docstring; the columns are :data:`TREND_COLUMNS`:

    round_id, round_label, survey_date (datetime64), round_index (0 = oldest), respondents (people
    with a rating in the round), framework_id (the round's), rescaled (its ratings were rescaled);
    area_id, area, label, category_id, category, order; n (ratings), mean, median, std, min, max,
    target, gap (target − mean), at_target_n, at_target_share, n_na (N/A answers); suppressed (hidden:
    every figure but n is NaN); previous_round_id, previous_label, previous_n, previous_mean,
    previous_at_target_n (the round before in this trend); change (mean − previous_mean, NaN unless
    both are shown), direction ("up" / "down" / "same" / "" when not comparable), arrow (▲ ▼ ► or ""),
    small_n (a shown change resting on fewer than ``small_n`` ratings in either round).

    ``frame.attrs`` carries "scale" (the scale id of every figure), "min_group_size", "framework_id",
    and "notes" (sentences to show: rescales, rounds saved against another framework version).
    """
    k = check_min_group_size(min_group_size)
    targets = targets or default_targets()
    rounds, counts = _gather(source, None)  # every round: what is hidden never depends on the selection
    if framework is None:
        framework = get_framework(rounds[-1].framework_id) if rounds else get_framework()
    chosen = rounds if round_ids is None else [r for r in rounds if r.id in {int(i) for i in round_ids}]
    scale = common_scale(chosen, rescale_to)
    notes: list[str] = []
    levels = np.asarray(scale.values, dtype="float64")
    n_levels = len(levels)

    # rescale each round's levels explicitly, and say so
    rated = counts[counts["status"].eq(RATED)].copy()
    rescaled_ids = set()
    for r in rounds:
        if r.scale_id != scale.id:
            mapping = rescale_map(get_scale(r.scale_id), scale)
            mask = rated["round_id"].eq(r.id)
            rated.loc[mask, "rating"] = rated.loc[mask, "rating"].map(mapping).astype("Int64")
            rescaled_ids.add(r.id)
            notes.append(f"{r.label} was rescaled from {r.scale_min}–{r.scale_max} to the {scale.name} scale: "
                         + ", ".join(f"{a}→{b}" for a, b in mapping.items()) + ".")
        if r.framework_id != framework.id:
            notes.append(f"{r.label} was saved against another framework ({r.framework_id}); only the skill areas "
                         f"it shares with {framework.title} are compared.")

    area_ids = framework.area_ids
    round_pos = {r.id: i for i, r in enumerate(rounds)}
    area_pos = {a: i for i, a in enumerate(area_ids)}
    shape = (len(rounds), len(area_ids), n_levels)
    matrix = np.zeros(shape, dtype="int64")
    rated = rated[rated["area_id"].isin(area_pos)]
    if len(rated):
        ri = rated["round_id"].map(round_pos).to_numpy(dtype="int64")
        ai = rated["area_id"].map(area_pos).to_numpy(dtype="int64")
        li = (rated["rating"].to_numpy(dtype="float64", na_value=np.nan) - scale.min).astype("int64")
        ok = (li >= 0) & (li < n_levels)
        np.add.at(matrix, (ri[ok], ai[ok], li[ok]), rated["count"].to_numpy(dtype="int64")[ok])
    na = counts[counts["status"].eq(NOT_APPLICABLE) & counts["area_id"].isin(area_pos)]
    na_matrix = np.zeros(shape[:2], dtype="int64")
    if len(na):
        np.add.at(na_matrix, (na["round_id"].map(round_pos).to_numpy(dtype="int64"),
                              na["area_id"].map(area_pos).to_numpy(dtype="int64")), na["count"].to_numpy(dtype="int64"))

    flat = matrix.reshape(-1, n_levels)
    target = np.tile(np.array([targets.area_target(a, scale) for a in area_ids], dtype="float64"), len(rounds))
    at = (flat * (levels[None, :] >= target[:, None])).sum(axis=1)
    out = stats_from_counts(flat, scale, target, at, pd.RangeIndex(len(flat)))
    out = out.drop(columns=level_columns(scale)).assign(n_na=na_matrix.ravel())

    # who and what each row is
    team_n = _team_sizes(source, rounds)
    info = pd.DataFrame({
        "round_id": np.repeat([r.id for r in rounds], len(area_ids)).astype("int64"),
        "round_label": np.repeat([r.label for r in rounds], len(area_ids)),
        "survey_date": pd.to_datetime(np.repeat([pd.Timestamp(r.survey_date) for r in rounds], len(area_ids))),
        "round_index": np.repeat(np.arange(len(rounds)), len(area_ids)).astype("int64"),
        "respondents": np.repeat([team_n[r.id] for r in rounds], len(area_ids)).astype("int64"),
        "framework_id": np.repeat([r.framework_id for r in rounds], len(area_ids)),
        "rescaled": np.repeat([r.id in rescaled_ids for r in rounds], len(area_ids)).astype(bool),
        "area_id": np.tile(area_ids, len(rounds)),
        "area": np.tile([a.name for a in framework.areas], len(rounds)),
        "label": np.tile([a.label for a in framework.areas], len(rounds)),
        "category_id": np.tile([a.category for a in framework.areas], len(rounds)),
        "category": np.tile([framework.category(a.category).name for a in framework.areas], len(rounds)),
        "order": np.tile(np.arange(len(area_ids)), len(rounds)).astype("int64"),
    })
    out = pd.concat([info, out], axis=1)
    for col in ("round_label", "framework_id", "area_id", "area", "label", "category_id", "category"):
        out[col] = out[col].astype("string")

    # privacy: the anonymous figures of a series of rounds come from its audited publication, made
    # over every round at once (framework.publication.series); the named view hides nothing
    if k and rounds:
        series = _series_publication(source, rounds, framework, scale, targets, k)
        hide = ~series.figures["shown"].to_numpy()
        notes += series.notes
    else:
        hide = np.zeros(len(out), dtype=bool)
    out["suppressed"] = hide
    for col in ("mean", "median", "std", "min", "max", "gap", "at_target_share"):
        out[col] = out[col].astype("float64").mask(out["suppressed"])
    for col in ("n", "at_target_n", "n_na"):  # a hidden point has no count at all, not even its n
        out[col] = out[col].astype("Int64").mask(out["suppressed"])
    if round_ids is not None:  # the rounds a page chose, after hiding over them all
        wanted = {int(i) for i in round_ids}
        out = out[out["round_id"].isin(wanted)].reset_index(drop=True)
        out["round_index"] = out.groupby("area_id", sort=False).cumcount().astype("int64")

    # change since the round before (within this trend)
    shown = ~out["suppressed"] & out["n"].gt(0).fillna(False).astype(bool)
    prev = out.groupby("area_id", sort=False).shift(1)
    prev_shown = (prev["n"].notna() & ~prev["suppressed"].astype("boolean").fillna(True)
                  & prev["n"].astype("Float64").gt(0).fillna(False))
    out["previous_round_id"] = prev["round_id"].astype("Int64")
    out["previous_label"] = prev["round_label"].astype("string")
    out["previous_n"] = prev["n"].astype("Int64")
    out["previous_mean"] = prev["mean"].astype("float64")
    out["previous_at_target_n"] = prev["at_target_n"].astype("Float64").astype("float64")
    comparable = shown & prev_shown.fillna(False).astype(bool)
    change = (out["mean"] - out["previous_mean"]).where(comparable)
    out["change"] = change
    direction = np.select([change >= NO_CHANGE, change <= -NO_CHANGE, comparable], ["up", "down", "same"], "")
    out["direction"] = pd.Series(direction, index=out.index, dtype="string")
    out["arrow"] = out["direction"].map(ARROWS).astype("string")
    out["small_n"] = (comparable & (out["n"].fillna(0).lt(small_n) | out["previous_n"].fillna(0).lt(small_n))).astype(bool)

    out = out[TREND_COLUMNS].reset_index(drop=True)
    out.attrs.update({"scale": scale.id, "min_group_size": k, "framework_id": framework.id, "notes": notes})
    return out


def _series_publication(source, rounds: Sequence[Round], framework: Framework, scale: Scale, targets: TargetSet,
                        k: int) -> SeriesPublication:
    """Every round's people and answers (rescaled to the trend's scale), published and audited together."""
    if isinstance(source, Store):
        frames = {r.id: source.load_ratings(r.id) for r in rounds}
    else:
        frames = {d.round.id: d.ratings for d in source}
    inputs = []
    for r in rounds:
        own = get_scale(r.scale_id)
        tidy = frames[r.id]
        shown_on = rescale(tidy, own, scale) if r.scale_id != scale.id else tidy
        inputs.append(RoundInput(r.label, shown_on, own_ratings=tidy, own_scale=own))
    return publish_rounds(inputs, framework, scale, targets, k)


def _team_sizes(source, rounds: Sequence[Round]) -> dict[int, int]:
    if isinstance(source, Store):
        return {r.id: r.respondents for r in rounds}
    data = {d.round.id: d.ratings for d in source}
    return {r.id: respondent_count(data[r.id]) for r in rounds}


def latest_changes(trend: pd.DataFrame) -> pd.DataFrame:
    """The rows of the latest round in ``trend``: its figures and the change since the round before."""
    if trend.empty:
        return trend
    return trend[trend["round_index"].eq(trend["round_index"].max())].reset_index(drop=True)


def round_table(source: Store | Sequence[RoundData], round_id: int, framework: Framework | None = None, *,
                targets: TargetSet | None = None, min_group_size: int | None = DEFAULT_MIN_GROUP_SIZE) -> pd.DataFrame:
    """One round's figures per skill area, as a table to export in the anonymous view (hidden areas
    keep their n and nothing else). The named view's export is :func:`framework.store.round_export`."""
    trend = trend_summary(source, framework, targets=targets, min_group_size=min_group_size, round_ids=[round_id])
    hidden = trend["suppressed"]
    return pd.DataFrame({
        "Round": trend["round_label"], "Survey date": trend["survey_date"].dt.date.astype("string"),
        "Category": trend["category"], "Skill area": trend["area"], "n": trend["n"],
        "Mean": trend["mean"].round(4), "Median": trend["median"], "Target": trend["target"],
        "Gap": trend["gap"].round(4), "At or above target": trend["at_target_n"], "N/A answers": trend["n_na"],
        "Status": np.where(hidden, f"hidden (fewer than {min_group_size})" if min_group_size else "hidden",
                           np.where(trend["n"].eq(0).fillna(False).to_numpy(dtype=bool), "no ratings", "")),
        "Scale": trend.attrs["scale"],
    })


def change_summary(trend: pd.DataFrame, small_n: int = SMALL_N) -> list[str]:
    """The latest round against the round before it, in a few plain sentences (counts of areas up,
    down and unchanged; the largest rise and fall with both means; cautions). Hidden points are
    never described."""
    latest = latest_changes(trend)
    if latest.empty or latest["previous_round_id"].isna().all():
        return []
    cur, prev = latest["round_label"].iloc[0], latest["previous_label"].dropna().iloc[0]
    counts = latest["direction"].value_counts()
    up, down, same = (int(counts.get(d, 0)) for d in ("up", "down", "same"))
    n_cmp = up + down + same
    out = []
    if n_cmp == 0:
        return [f"No skill area can be compared between {prev} and {cur} (hidden or without ratings in one of them)."]
    parts = [f"{up} went up" if up else "", f"{down} went down" if down else "", f"{same} did not change" if same else ""]
    parts = [p for p in parts if p]
    said = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    out.append(f"From {prev} to {cur}, of {n_cmp} skill {'area' if n_cmp == 1 else 'areas'} that can be compared, {said}.")
    shown = latest[latest["direction"].ne("")]
    for direction, word, pick in (("up", "Largest rise", shown["change"].idxmax()), ("down", "Largest fall", shown["change"].idxmin())):
        r = latest.loc[pick]
        if r["direction"] == direction:
            out.append(f"{word}: {r['area']}, {r['previous_mean']:.2f} → {r['mean']:.2f} "
                       f"({change_words(direction, r['change'])}).")
    cautions = int(latest["small_n"].sum())
    if cautions:
        out.append(f"{cautions} of these {'change rests' if cautions == 1 else 'changes rest'} on fewer than {small_n} "
                   "ratings in a round; read them with care.")
    other = len(latest) - n_cmp
    if other:
        out.append(f"{other} skill {'area' if other == 1 else 'areas'} cannot be compared (hidden or without ratings "
                   "in one of the rounds).")
    return out


def change_words(direction: str, change: float) -> str:
    """"▲ up 0.30", "▼ down 0.12", "► no change": arrow and words, never colour alone."""
    if not direction:
        return ""
    if direction == "same":
        return f"{ARROWS['same']} no change"
    return f"{ARROWS[direction]} {WORDS[direction]} {abs(change):.2f}"


__all__ = [
    "NO_CHANGE",
    "SMALL_N",
    "TREND_COLUMNS",
    "RoundData",
    "change_summary",
    "change_words",
    "common_scale",
    "latest_changes",
    "round_from_combined",
    "round_table",
    "trend_summary",
]
