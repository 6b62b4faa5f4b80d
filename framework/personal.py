"""One person's own results: their ratings in the saved rounds, found by their signed-in identity.

A signed-in person sees their own rows and nobody else's. Rows are theirs when the survey gave their email
(compared without case); failing that, when the survey gave their name and no other respondent of the round
carries the same name (a name two people share tells nobody apart, so it matches nobody).

:func:`my_rounds` finds every saved round that holds the person, newest first; :func:`round_framework` says which
framework a saved round was answered on (the round run in the dashboard keeps its own definition; an imported
file names a built-in or a stored custom framework by id). :func:`plan_for` puts the pieces of a growth plan
together: the person's latest round, their previous one on the same scale (rescaled when it was another), their
role, the team's anonymous figures from the publication, and their supervisor's rating where the round asked
for one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from framework.access import normal_email
from framework.definitions import Framework, builtin_frameworks
from framework.scales import Scale, get_scale
from framework.store import Round, Store


def _matching(column: pd.Series, normal, wanted: str) -> np.ndarray:
    """Where ``normal`` of the column's text equals ``wanted`` (never where it is missing). A categorical column
    (a stored round's) is compared once per distinct value, then by its codes: a round of a million ratings
    holds a hundred thousand emails."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        hits = np.flatnonzero(normal(pd.Series(column.cat.categories).astype("string")).eq(wanted).fillna(False))
        return np.isin(column.cat.codes.to_numpy(), hits)
    return normal(column.astype("string")).eq(wanted).fillna(False).to_numpy(dtype=bool)


def own_rows(tidy: pd.DataFrame, email: str, name: str = "") -> pd.DataFrame:
    """The rows of one person in a round's tidy frame: by email, else by a name only they carry."""
    email = normal_email(email or "")
    mine = tidy.iloc[0:0]
    if email and "email" in tidy:
        mine = tidy[_matching(tidy["email"], lambda s: s.str.strip().str.lower(), email)]
    if mine.empty and (name or "").strip() and "name" in tidy:
        wanted = name.strip().casefold()
        by_name = tidy[_matching(tidy["name"], lambda s: s.str.strip().str.casefold(), wanted)]
        if by_name["respondent"].nunique() == 1:
            mine = by_name
    if mine["respondent"].nunique() > 1:  # one email given by two respondents: the later row is the answer
        last = mine.sort_values("row")["respondent"].iloc[-1]
        mine = mine[mine["respondent"].eq(last)]
    return mine


def round_framework(store: Store, rnd: Round, custom: dict[str, Framework] | None = None) -> Framework | None:
    """The framework a saved round was answered on, or None when it is no longer known."""
    from framework import campaigns

    c = campaigns.for_round(store, rnd.id)
    if c is not None:
        return c.framework
    built_in = builtin_frameworks()
    if rnd.framework_id in built_in:
        return built_in[rnd.framework_id]
    for fw in (custom or {}).values():
        if fw.id == rnd.framework_id:
            return fw
    return None


@dataclass(frozen=True)
class Found:
    round: Round
    rows: pd.DataFrame  # the person's tidy rows of this round


def my_rounds(store: Store, email: str, name: str = "", load=None) -> list[Found]:
    """Every saved round that holds this person, newest first (by survey date, then saving order)."""
    load = load or store.load_ratings
    out = []
    rounds = sorted(store.list_rounds(), key=lambda r: (r.survey_date, r.saved_at, r.id), reverse=True)
    for r in rounds:
        rows = own_rows(load(r.id), email, name)
        if not rows.empty:
            out.append(Found(r, rows))
    return out


def previous_on_scale(found: list[Found], framework: Framework, scale: Scale) -> tuple[Found | None, pd.DataFrame | None]:
    """The person's round before the latest (on the same framework's area ids) with its rows on ``scale``."""
    from framework.combine import rescale

    for f in found[1:]:
        rows = f.rows[f.rows["area_id"].astype("string").isin(framework.area_ids)]
        if rows.empty:
            continue
        own = get_scale(f.round.scale_id)
        return f, (rescale(rows, own, scale) if own.id != scale.id else rows)
    return None, None


def previous_self(store: Store, found: list[Found], framework: Framework, scale: Scale, email: str):
    """:func:`previous_on_scale` with the person's self-ratings (see :func:`self_ratings`)."""
    from framework.combine import rescale_map

    prev, rows = previous_on_scale(found, framework, scale)
    if prev is None:
        return None, None
    own = self_ratings(store, prev, email)
    if isinstance(own, pd.DataFrame):
        return prev, rows
    src = get_scale(prev.round.scale_id)
    mapping = rescale_map(src, scale) if src.id != scale.id else {v: v for v in src.values}
    return prev, {a: (mapping[v] if isinstance(v, int) else v) for a, v in own.items() if a in framework.area_ids}


def self_ratings(store: Store, found: Found, email: str):
    """The person's own self-ratings in a found round: its rows, unless the round was run in the dashboard with
    the supervisors' ratings chosen for it, whose self-ratings are the person's own answers (area id -> level,
    "N/A" or None; all None when they did not submit)."""
    from framework import campaigns

    c = campaigns.for_round(store, found.round.id)
    if c is None or c.anonymous_source != campaigns.SUPERVISOR:
        return found.rows
    mine = campaigns.submitted_answers(store, c.id, email, campaigns.SELF) or {}
    return {area: mine.get(area) for area in c.framework.area_ids}


def team_figures(areas: pd.DataFrame) -> pd.DataFrame:
    """The team's anonymous figures per area (``mean``, ``n``; NaN where hidden) from a publication's areas."""
    out = pd.DataFrame(index=areas.index)
    hidden = areas["suppressed"].astype(bool) if "suppressed" in areas else pd.Series(False, index=areas.index)
    out["mean"] = areas["mean"].astype("float64").where(~hidden)
    out["n"] = areas["n"].astype("float64").where(~hidden)
    return out


def supervisor_text(value, scale: Scale) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not rated"
    if value == "N/A":
        return "not part of the role"
    return scale.level_text(int(value))


__all__ = ["Found", "my_rounds", "own_rows", "previous_on_scale", "previous_self", "round_framework",
           "self_ratings", "supervisor_text", "team_figures"]
