"""The publication of a series of survey rounds: each round's team figures per skill area, audited
across the rounds together.

What the anonymous view shows of stored rounds is the Trends page (each round's team figures per
area; changes are differences of two shown figures) and each round's anonymous export. Both read
this publication, made over **every** round of the series at once, whatever rounds a page then
selects: a selection never changes what is hidden.

People recur across rounds, and that is the attack: a round saved again with one late respondent
differs from the first by one person. The audit therefore works over people, not rounds:

* **Who answered both rounds** is told from the stored names (or emails), case and spacing aside.
  People with no name, or a name shared within a round, cannot be told apart: they are matched
  within the same role and school, in order, and assumed to be the same people both times.
* **Their answers.** A person whose answer in an area is the same in two rounds is one unknown in
  both (the worst case: the difference of the rounds then isolates whoever else changed); a person
  whose answer changed is a different unknown in each round. People who cannot be told apart are
  assumed to have answered the same.
* Round r's figure of an area is the sum of the unknowns of the people in round r. The exact search
  of :func:`framework.publication.audit.small_support` then decides whether any combination of the
  shown round figures rests on fewer than k people (a changed person's unknowns share one person's
  weight), both over everyone in the round and over those who rated the area. While one does, the
  oldest round's figure that the combination needs is hidden.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from framework.aggregate import check_min_group_size, level_columns, stats_from_counts
from framework.definitions import Framework
from framework.publication import audit
from framework.publication.build import grid_of
from framework.scales import Scale
from framework.targets import TargetSet


@dataclass(frozen=True)
class RoundInput:
    label: str
    ratings: pd.DataFrame  # the importer's tidy frame on the publication's scale (rescaled if need be)
    own_ratings: pd.DataFrame | None = None  # the same as answered, when it was rescaled
    own_scale: Scale | None = None  # the scale it was answered on (answers on two scales are never "the same")


@dataclass
class SeriesPublication:
    framework: Framework
    scale: Scale
    k: int
    labels: list[str]  # oldest first
    respondents: list[int]  # people per round
    people: int  # distinct people over the series (as matched)
    figures: pd.DataFrame  # index (round index, area_id): n, mean, ..., level_*, n_na, at_target_n, shown
    notes: list[str] = field(default_factory=list)

    def round_areas(self, i: int) -> pd.DataFrame:
        return self.figures.xs(i, level="round")


def _key_text(value) -> str:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return re.sub(r"\s+", " ", text).strip().casefold()


def person_keys(rounds: Sequence[pd.DataFrame]) -> list[np.ndarray]:
    """A key per person of each round (in the order :func:`grid_of` numbers them), equal across rounds
    for the same person: the name, else the email; people who cannot be told apart get the key of
    their place among the unnamed of the same role and school (see the module)."""
    out = []
    for tidy in rounds:
        _, first = np.unique(pd.factorize(tidy["respondent"].astype("string"), sort=False)[0], return_index=True)
        rows = tidy.iloc[np.sort(first)]

        def col(name: str, rows: pd.DataFrame = rows) -> list[str]:
            if name not in rows:
                return [""] * len(rows)
            return [_key_text(v) for v in rows[name].astype("object").tolist()]

        names, emails, roles, groups = col("name"), col("email"), col("role"), col("group")
        keys = [f"n:{n}" if n else f"e:{e}" if e else "" for n, e in zip(names, emails)]
        seen: dict[str, int] = {}
        for key in keys:
            seen[key] = seen.get(key, 0) + 1
        slots: dict[tuple[str, str], int] = {}
        for p, key in enumerate(keys):
            if not key or seen[key] > 1:  # no name, or a name twice in one round: cannot tell who is who
                slot = (roles[p], groups[p])
                slots[slot] = slots.get(slot, 0) + 1
                keys[p] = f"a:{roles[p]}\x1f{groups[p]}\x1f{slots[slot]}"
        out.append(np.array(keys, dtype=object))
    return out


def publish_rounds(rounds: Sequence[RoundInput], framework: Framework, scale: Scale, targets: TargetSet,
                   k: int) -> SeriesPublication:
    """Each round's team figures per area, hidden where the audit over the whole series says so."""
    if k is None:
        raise ValueError("a publication is anonymous: give a minimum group size (at least 3)")
    k = check_min_group_size(k)
    grids = [grid_of(r.ratings, framework, scale) for r in rounds]
    # the audit compares answers as given: a level of one scale never equals a level of another
    own = [grid_of(r.own_ratings, framework, r.own_scale) if r.own_ratings is not None else g
           for r, g in zip(rounds, grids)]
    tags = [(r.own_scale or scale).id for r in rounds]
    keys = person_keys([r.ratings for r in rounds])
    n_rounds, n_areas, n_levels = len(rounds), len(framework.areas), len(scale.values)
    sizes = [g.n_people for g in grids]
    shown = np.ones((n_rounds, n_areas), dtype=bool)
    reason = np.full((n_rounds, n_areas), "", dtype=object)
    notes: list[str] = []
    for i, n in enumerate(sizes):
        if n < k:
            shown[i] = False
            reason[i] = "primary"
            notes.append(f"{rounds[i].label} is hidden: fewer than {k} people responded.")
    rated = [(g.answers >= 0) & (g.answers < n_levels) for g in grids]
    answers = [(tag, g.answers) for tag, g in zip(tags, own)]
    for i in range(n_rounds):
        for a in range(n_areas):
            if shown[i, a] and 0 < int(rated[i][:, a].sum()) < k:
                shown[i, a] = False
                reason[i, a] = "primary"
    blocked: dict[tuple[int, int], list[str]] = {}
    for a, area in enumerate(framework.areas):
        for pair in _audit_area(a, answers, keys, rated, shown, reason, k):
            blocked.setdefault(pair, []).append(area.name)
    for (older, newer), names in sorted(blocked.items()):
        where = "any skill area" if len(names) == n_areas else ", ".join(names)
        notes.append(f"{rounds[older].label} is not shown beside {rounds[newer].label} in {where}: together the two "
                     f"rounds would single out fewer than {k} people (who answered once, or changed their answer).")
    figures = _figures(grids, shown, reason, framework, scale, targets)
    people = len(set().union(*[set(x) for x in keys])) if keys else 0
    return SeriesPublication(framework, scale, k, [r.label for r in rounds], sizes, people, figures,
                             _merge_notes(notes))


def _merge_notes(notes: list[str]) -> list[str]:
    return list(dict.fromkeys(notes))


def _variables(a: int, given, keys, only_rated: bool, rated, link_unnamed: bool = True) -> list[set]:
    """Per round, the set of unknowns of area ``a``, each (person key, answer …). ``given`` holds per
    round (scale id, persons x areas answers as given)."""
    answers: dict[str, list[tuple[int, tuple]]] = {}
    for i, ((tag, g), ks) in enumerate(zip(given, keys)):
        for p, key in enumerate(ks):
            if only_rated and not rated[i][p, a]:
                continue
            answers.setdefault(key, []).append((i, (tag, int(g[p, a]))))
    sets: list[set] = [set() for _ in given]
    for key, seen in answers.items():
        if key.startswith("a:") and link_unnamed:  # cannot be told apart: assumed to have answered the same
            groups = {0: [i for i, _ in seen]}
        elif key.startswith("a:"):  # or: a different person each round
            groups = {i: [i] for i, _ in seen}
        else:
            groups: dict = {}
            for i, ans in seen:
                groups.setdefault(ans, []).append(i)
        for ans, where in groups.items():
            for i in where:
                sets[i].add((key, ans) if link_unnamed or not key.startswith("a:") else (key, ans, "round"))
    return sets


def _audit_area(a: int, grids, keys, rated, shown, reason, k: int) -> set[tuple[int, int]]:  # grids: (tag, answers)
    """Hide round figures of area ``a`` until no combination rests on fewer than k people; returns the
    (older, newer) round pairs that could not both be shown."""
    bound = Fraction(k) - Fraction(1, 10**9)  # "fewer than k"
    pairs: set[tuple[int, int]] = set()
    unnamed = any(str(key).startswith("a:") for ks in keys for key in ks)
    for only_rated in (False, True):
        for link_unnamed in ((True, False) if unnamed else (True,)):
            sets = _variables(a, grids, keys, only_rated, rated, link_unnamed)
            _hide_until_safe(a, sets, shown, reason, bound, pairs)
    return pairs


def _hide_until_safe(a: int, sets: list[set], shown, reason, bound: Fraction, pairs: set) -> None:
    """While some combination of the shown round figures of area ``a`` rests on fewer people than
    allowed, hide the oldest round figure it needs."""
    n_rounds = len(sets)
    while True:
        live = [i for i in range(n_rounds) if shown[i, a]]
        if len(live) < 2:
            return  # one round alone was checked by the primary rule
        atoms, membership = audit.atoms_of([sets[i] for i in live])
        # a person's unknowns (one per distinct answer) share one weight; unnamed people counted apart
        # per round are different people
        owners = [frozenset(var[0] if len(var) == 2 else var[:2] for var in atom) for atom in atoms]
        try:
            found = audit.small_support(membership, [len(o) for o in owners], bound, owners=owners)
        except audit.AuditTooLarge:
            for i in live[:-1]:  # cannot decide in time: keep only the latest round
                shown[i, a] = False
                reason[i, a] = "secondary"
                pairs.add((i, live[-1]))
            return
        if found is None:
            return
        needed = audit.essential(membership, len(atoms), found.vector) or list(range(len(live)))
        older = live[min(needed)]
        newer = live[max(needed)] if len(needed) > 1 else live[-1]
        shown[older, a] = False
        reason[older, a] = "secondary"
        pairs.add((older, newer))


def _figures(grids, shown, reason, framework: Framework, scale: Scale, targets: TargetSet) -> pd.DataFrame:
    n_levels, n_areas = len(scale.values), len(framework.areas)
    blocks = []
    for g in grids:
        onehot = np.zeros((n_areas, n_levels + 1), dtype=np.int64)
        p, a = np.nonzero(g.answers >= 0)
        np.add.at(onehot, (a, g.answers[p, a]), 1)
        blocks.append(onehot)
    counts = np.concatenate(blocks) if blocks else np.zeros((0, n_levels + 1), dtype=np.int64)
    target = np.tile([float(targets.area_target(x, scale)) for x in framework.area_ids], len(grids))
    levels = np.asarray(scale.values, dtype="float64")
    at = (counts[:, :n_levels] * (levels[None, :] >= target[:, None])).sum(axis=1)
    index = pd.MultiIndex.from_product([range(len(grids)), framework.area_ids], names=["round", "area_id"])
    out = stats_from_counts(counts[:, :n_levels], scale, target, at, index)
    out["n_na"] = counts[:, n_levels].astype("int64")
    out["shown"] = shown.ravel()
    out["reason"] = reason.ravel()
    hidden = ~out["shown"]
    for col in ["n", "mean", "median", "min", "max", "std", "gap", "at_target_n", "at_target_share",
                *level_columns(scale), "n_na"]:
        out[col] = out[col].astype("float64").mask(hidden)
    out["suppressed"] = hidden
    return out


def series_areas(pub: SeriesPublication, i: int) -> pd.DataFrame:
    """Round ``i``'s team figures in the shape of :func:`framework.aggregate.area_summary`."""
    from framework.publication.model import area_info

    rows = pub.figures.xs(i, level="round")
    return area_info(pub.framework).join(rows, how="left")
