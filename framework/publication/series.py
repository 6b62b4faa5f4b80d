"""The publication of a series of survey rounds: every figure of every round, audited across the
rounds together.

What the anonymous view shows of stored rounds is each round's pages (the team, role and school
units, filter views and their cells, per skill area, as one survey's publication has them), the
Trends page (each round's team figures; a change is the difference of two shown figures) and each
round's anonymous export. All of them read this publication, made over **every** round at once,
whatever rounds a page then selects: a selection never changes what is hidden.

Each round is first published on its own (:func:`framework.publication.publish`). People recur
across rounds, and that is the attack: a round saved again with one late respondent differs from the
first by one person, and a role that gained one person differs from the same role the round before.
The audit across rounds therefore works over people:

* **Who answered both rounds** is told from the stored names (or emails), case and spacing aside.
  People with no name, or a name shared within a round, cannot be told apart: they are matched
  within the same role and school, in order, and assumed to be the same people who answered the same
  way both times; the audit is also run with them as different people.
* **Their answers.** A person whose answer in an area is the same in two rounds is one unknown in
  both; a person whose answer changed is a different unknown in each round (and both count as one
  person).
* A round's figure of an area is the sum of the unknowns of the people in its population. The exact
  search of :func:`framework.publication.audit.small_support` decides whether any combination of the
  figures shown in all rounds rests on fewer than k people, over everyone and over those who rated the
  area. While one does, figures of the **newest** round that the combination needs are hidden (cells,
  then role and school rows, then the team figure): an older round's figures may already be in a board
  packet, so it is the newer release that must not complete the attack.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from framework.aggregate import check_min_group_size
from framework.definitions import Framework
from framework.publication import audit
from framework.publication.build import grid_of
from framework.publication.model import TEAM, Population, Publication, publish
from framework.scales import Scale
from framework.targets import TargetSet

MAX_SEARCH = 200_000  # exact-search steps per area before the audit falls back to hiding more


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
    rounds: list[Publication]  # each round's publication, with what the audit across rounds hid
    people: int  # distinct people over the series (as matched)
    notes: list[str] = field(default_factory=list)

    @property
    def respondents(self) -> list[int]:
        return [p.respondents for p in self.rounds]

    @property
    def figures(self) -> pd.DataFrame:
        """Each round's team figures: index (round index, area_id), as a publication's rows."""
        parts = [p.figures.xs(TEAM, level="population") for p in self.rounds]
        if not parts:
            return pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []], names=["round", "area_id"]))
        return pd.concat(parts, keys=range(len(parts)), names=["round", "area_id"])


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
    """Every round's publication, with more hidden where the rounds together would single people out."""
    if k is None:
        raise ValueError("a publication is anonymous: give a minimum group size (at least 3)")
    k = check_min_group_size(k)
    pubs = [publish(r.ratings, framework, scale, targets, k, round_label=r.label) for r in rounds]
    given = [grid_of(r.own_ratings if r.own_ratings is not None else r.ratings, framework, r.own_scale or scale)
             for r in rounds]
    tags = [((r.own_scale or scale).id, len((r.own_scale or scale).values)) for r in rounds]
    keys = person_keys([r.ratings for r in rounds])
    people = [_people_of(r.ratings) for r in rounds]
    notes: list[str] = []
    hidden_pairs: dict[tuple[int, int], list[str]] = {}
    if len(rounds) > 1:
        for a, area in enumerate(framework.areas):
            for pair in _audit_area(a, pubs, given, tags, keys, people, k):
                hidden_pairs.setdefault(pair, []).append(area.name)
    for (newer, older), names in sorted(hidden_pairs.items()):
        where = "every skill area" if len(names) == len(framework.areas) else ", ".join(names)
        notes.append(f"Some figures of {rounds[newer].label} are hidden beside {rounds[older].label} ({where}): "
                     f"together the two rounds would single out fewer than {k} people (who answered once, or "
                     "changed an answer).")
    for p in pubs:
        _blank_hidden(p)
        p.notes = list(dict.fromkeys(p.notes + notes))
    everyone = set().union(*[set(x) for x in keys]) if keys else set()
    return SeriesPublication(framework, scale, k, [r.label for r in rounds], pubs, len(everyone),
                             list(dict.fromkeys(notes)))


def _people_of(tidy: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Each person's role and school as written (in :func:`grid_of`'s order)."""
    _, first = np.unique(pd.factorize(tidy["respondent"].astype("string"), sort=False)[0], return_index=True)
    rows = tidy.iloc[np.sort(first)]

    def col(name: str) -> list[str]:
        if name not in rows:
            return [""] * len(rows)
        return [str(v).strip() if v == v and v is not None else "" for v in rows[name].astype("object").tolist()]

    return col("role"), col("group")


def _members(p: Population, roles: list[str], groups: list[str]) -> list[int]:
    rs, gs = set(p.roles), set(p.groups)
    return [i for i in range(len(roles)) if (not rs or roles[i] in rs) and (not gs or groups[i] in gs)]


_KIND_ORDER = {"cell": 0, "role": 1, "group": 1, TEAM: 2}


def _audit_area(a: int, pubs: list[Publication], given, tags, keys, people, k: int) -> set[tuple[int, int]]:
    """Hide figures of area ``a`` until no combination across the rounds rests on fewer than k people;
    returns the (newer, older) round pairs where something was hidden."""
    from fractions import Fraction  # (exact arithmetic: imported by the audits that need it)

    area_id = pubs[0].framework.area_ids[a]
    bound = Fraction(k) - Fraction(1, 10**9)  # "fewer than k"
    unnamed = any(str(key).startswith("a:") for ks in keys for key in ks)
    members = [{p.id: _members(p, *people[i]) for p in pub.populations.values() if p.offered}
               for i, pub in enumerate(pubs)]
    pairs: set[tuple[int, int]] = set()
    for only_rated in (False, True):
        for link_unnamed in ((True, False) if unnamed else (True,)):
            var = _variables(a, given, tags, keys, only_rated, link_unnamed)
            while True:
                shown = [(i, pid) for i, pub in enumerate(pubs) for pid in members[i]
                         if bool(pub.figures.at[(pid, area_id), "shown"])]
                sets = [{var[i][m] for m in members[i][pid] if var[i][m] is not None} for i, pid in shown]
                atoms, membership = audit.atoms_of(sets)
                owners = [frozenset(v[0] if len(v) == 2 else v[:2] for v in atom) for atom in atoms]
                try:
                    found = audit.small_support(membership, [len(o) for o in owners], bound, owners=owners,
                                                max_nodes=MAX_SEARCH)
                except audit.AuditTooLarge:  # cannot decide in time: show the newest round's team figure only
                    newest = len(pubs) - 1
                    for i, pid in shown:
                        if not (i == newest and pid == TEAM):
                            _hide(pubs[i], pid, area_id)
                            pairs.add((newest, i) if i != newest else (newest, newest - 1))
                    break
                if found is None:
                    break
                rounds_shown = {i for i, _ in shown}
                order = sorted(range(len(shown)), key=lambda j: (-shown[j][0], _KIND_ORDER[
                    pubs[shown[j][0]].populations[shown[j][1]].kind], _raters(pubs[shown[j][0]], shown[j][1], area_id)))
                removed = set()
                for j in order:  # hide, newest round first, until the combination is gone
                    removed.add(j)
                    rest = [m for jj, m in enumerate(membership) if jj not in removed]
                    i, pid = shown[j]
                    _hide(pubs[i], pid, area_id)
                    others = sorted(r for r in rounds_shown if r != i)
                    pairs.add((i, max((r for r in others if r < i), default=others[0] if others else i)))
                    if not audit.in_span(rest, len(atoms), found.vector):
                        break
    return pairs


def _raters(pub: Publication, pid: str, area_id: str) -> float:
    n = pub.figures.at[(pid, area_id), "n"]
    return float(n) if n == n else 0.0


def _hide(pub: Publication, pid: str, area_id: str) -> None:
    """Hide one figure of a publication (the audit across rounds); its numbers are blanked by
    :func:`_blank_hidden` once the audit is done (one pass per column, not a write per cell)."""
    f = pub.figures
    row = (pid, area_id)
    f.at[row, "shown"] = False
    f.at[row, "suppressed"] = True
    f.at[row, "reason"] = "rounds"


def _blank_hidden(pub: Publication) -> None:
    """No number left behind in a figure that the audit across rounds hid."""
    f = pub.figures
    hidden = f["reason"].eq("rounds").to_numpy(dtype=bool)
    if not hidden.any():
        return
    for col in f.columns:
        if col in ("shown", "suppressed", "reason", "target"):
            continue
        f[col] = f[col].mask(hidden, np.nan if f[col].dtype.kind == "f" else pd.NA)


def _variables(a: int, given, tags, keys, only_rated: bool, link_unnamed: bool) -> list[list]:
    """Per round and person, the unknown of area ``a`` (None when not counted): (person key, answer) for a
    person whose answer recurs the same way, or (person key, answer, round) for one counted apart. ``tags``
    holds each round's (scale id, number of levels): answers are compared on the scale they were given on."""
    seen: dict[str, list[tuple[int, tuple]]] = {}
    for i, (g, ks) in enumerate(zip(given, keys)):
        scale_id, n_levels = tags[i]
        for p, key in enumerate(ks):
            ans = int(g.answers[p, a])
            if only_rated and not (0 <= ans < n_levels):
                continue
            seen.setdefault(key, []).append((i, (scale_id, ans)))
    out: list[list] = [[None] * len(ks) for ks in keys]
    index = [{key: p for p, key in enumerate(ks)} for ks in keys]
    for key, where in seen.items():
        for i, ans in where:
            if key.startswith("a:") and link_unnamed:  # cannot be told apart: assumed to have answered the same
                v = (key, "same")
            elif key.startswith("a:"):  # or: a different person each round
                v = (key, ans, i)
            else:  # one unknown per distinct answer of the person
                v = (key, ans)
            out[i][index[i][key]] = v
    return out


def series_areas(pub: SeriesPublication, i: int) -> pd.DataFrame:
    """Round ``i``'s team figures in the shape of :func:`framework.aggregate.area_summary`."""
    return pub.rounds[i].areas()
