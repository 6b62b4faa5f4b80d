"""An attacker's reconstruction oracle, written apart from the audit it checks.

It reads only what leaves the app, the publication's JSON figures, plus what an insider may know:
everyone's role and school, who answered in which round, and (in the stronger model) who answered
N/A where. It then asks exact linear algebra (python-flint, integers) whether anybody can be
reconstructed:

* every figure is turned into linear rows over unknowns x[person, area, answer] (answer = a level or
  N/A): one row per level count, the N/A count, n, n × mean, the at-target count at the figure's own
  target, and the category and overall means (n × mean of each area, scaled);
* a person who answered an area the same way in two rounds is one unknown in both (the attacker's
  best guess, and then a true one); a person who changed is a new unknown per round;
* the whole team's matrix over all areas is checked first: the category and overall rows must add
  nothing to the area rows (so the areas can then be checked one by one);
* per area, a person (or a group of people) is *recovered* when some combination of the rows lives on
  their unknowns alone: rank(M) − rank(M without their columns) > 0, or, when the attacker knows who
  rated, more than the trivial facts "each rater chose exactly one level";
* groups: every union of people with identical columns (interchangeable for any attacker) of fewer
  than k people (or, knowing who rated, resting on 1 to k − 1 ratings).

Nothing here calls the production audit; the oracle does not know about atoms, cuts or suppression.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction

import flint


@dataclass
class Person:
    key: str  # who they are across rounds
    role: str
    school: str
    answers: dict[str, dict[str, object]] = field(default_factory=dict)  # round -> area -> level int | "N/A" | None


def members(people: list[Person], population: dict, round_label) -> list[Person]:
    roles, schools = population.get("role"), population.get("school")
    out = []
    for p in people:
        if round_label not in p.answers:
            continue
        if roles is not None and p.role not in roles:
            continue
        if schools is not None and p.school not in schools:
            continue
        out.append(p)
    return out


class Unknowns:
    """Columns: (person key, area, run, answer) where run groups the rounds with the same answer."""

    def __init__(self, people: list[Person], areas: list[str], levels: list[int]):
        self.levels = levels
        self.answers = [*levels, "N/A"]
        self.index: dict[tuple, int] = {}
        self.run: dict[tuple[str, str, str], int] = {}  # (person, area, round) -> run id
        for p in people:
            for area in areas:
                runs: dict[object, int] = {}
                for rnd, ans in p.answers.items():
                    a = ans.get(area)
                    runs.setdefault(a, len(runs))
                    self.run[(p.key, area, rnd)] = runs[a]
                for r in runs.values():
                    for ans in self.answers:
                        self.index[(p.key, area, r, ans)] = len(self.index)

    def col(self, person: Person, area: str, rnd, ans) -> int:
        return self.index[(person.key, area, self.run[(person.key, area, rnd)], ans)]


def figure_rows(fig: dict, people: list[Person], unk: Unknowns, figures_by_key: dict) -> list[dict[int, Fraction]]:
    """The linear rows a figure publishes (sparse: column -> coefficient)."""
    rnd = fig.get("round")
    group = members(people, fig["population"], rnd)
    rows: list[dict[int, Fraction]] = []

    def total(area: str, weight_of) -> dict[int, Fraction]:
        row: dict[int, Fraction] = {}
        for p in group:
            for ans in unk.answers:
                w = weight_of(ans)
                if w:
                    c = unk.col(p, area, rnd, ans)
                    row[c] = row.get(c, Fraction(0)) + Fraction(w)
        return row

    if "area" in fig:
        area = fig["area"]
        if "levels" in fig:
            for lvl in unk.levels:
                rows.append(total(area, lambda a, lvl=lvl: 1 if a == lvl else 0))
        if "not_applicable" in fig:
            rows.append(total(area, lambda a: 1 if a == "N/A" else 0))
        if "n" in fig:
            rows.append(total(area, lambda a: 1 if a != "N/A" else 0))
        if "mean" in fig:
            rows.append(total(area, lambda a: a if a != "N/A" else 0))
        if "at_target" in fig:
            t = fig["target"]
            rows.append(total(area, lambda a: 1 if a != "N/A" and a >= t else 0))
        return rows
    if "mean" not in fig:
        return rows
    # a category or the overall mean: the mean of the area means it covers
    key = (tuple(sorted((k, tuple(v)) for k, v in fig["population"].items())), rnd)
    areas = [f for f in figures_by_key[key]
             if "area" in f and ("overall" in fig or f["area"] in fig.get("_areas", ()))]
    rated = [f for f in areas if f.get("n", 0) > 0]
    row: dict[int, Fraction] = {}
    for f in rated:
        part = total(f["area"], lambda a: a if a != "N/A" else 0)
        for c, v in part.items():
            row[c] = row.get(c, Fraction(0)) + v / (f["n"] * len(rated))
    rows.append(row)
    return rows


def _matrix(rows: list[dict[int, Fraction]], columns: list[int]) -> flint.fmpz_mat:
    pos = {c: i for i, c in enumerate(columns)}
    dense = []
    for row in rows:
        entries = {pos[c]: v for c, v in row.items() if c in pos and v}
        if not entries:
            continue
        den = 1
        for v in entries.values():
            den = den * v.denominator // __import__("math").gcd(den, v.denominator)
        line = [0] * len(columns)
        for i, v in entries.items():
            line[i] = int(v * den)
        dense.append(line)
    if not dense or not columns:
        return flint.fmpz_mat(0, 0, [])
    return flint.fmpz_mat(dense)


def _rank(rows, columns) -> int:
    m = _matrix(rows, columns)
    return m.rank() if m.nrows() else 0


@dataclass
class Finding:
    area: str
    people: tuple[str, ...]
    model: str  # "everyone" or "knows who rated"

    def __str__(self) -> str:
        return f"{self.area}: {', '.join(self.people)} ({self.model})"


def attack(publication: dict, people: list[Person], areas: list[str], levels: list[int],
           categories: dict[str, list[str]], k: int, groups: bool = True, max_groups: int = 4000) -> list[Finding]:
    """Everything the oracle can reconstruct (empty when nobody and no small group is exposed)."""
    unk = Unknowns(people, areas, levels)
    figs = list(publication["figures"])
    by_key: dict = {}
    for f in figs:
        key = (tuple(sorted((kk, tuple(v)) for kk, v in f["population"].items())), f.get("round"))
        by_key.setdefault(key, []).append(f)
    for f in figs:
        if "category" in f:
            f["_areas"] = categories[f["category"]]
            if "mean" in f:  # a shown category: every one of its areas is shown
                key = (tuple(sorted((kk, tuple(v)) for kk, v in f["population"].items())), f.get("round"))
                shown = {g["area"] for g in by_key[key] if "area" in g and "levels" in g}
                assert set(categories[f["category"]]) <= shown, f"category {f['category']} shown over a hidden area"
        if "overall" in f and "mean" in f:
            key = (tuple(sorted((kk, tuple(v)) for kk, v in f["population"].items())), f.get("round"))
            assert all("levels" in g for g in by_key[key] if "area" in g), "overall mean shown over a hidden area"
    area_rows = [r for f in figs if "area" in f for r in figure_rows(f, people, unk, by_key)]
    derived_rows = [r for f in figs if "area" not in f for r in figure_rows(f, people, unk, by_key)]
    every = list(range(len(unk.index)))
    base = _rank(area_rows, every)
    assert _rank(area_rows + derived_rows, every) == base, "category or overall figures add information"

    found: list[Finding] = []
    for area in areas:
        cols = [c for (pk, a, r, ans), c in unk.index.items() if a == area]
        rows = [r for f in figs if f.get("area") == area for r in figure_rows(f, people, unk, by_key)]
        rows = [{c: v for c, v in row.items() if v} for row in rows]
        found += _attack_area(area, rows, cols, people, unk, k, groups, max_groups)
    return found


def _attack_area(area, rows, cols, people, unk: Unknowns, k, groups, max_groups) -> list[Finding]:
    out = []
    owner = {c: pk for (pk, a, r, ans), c in unk.index.items() if a == area}
    # model 1: the attacker does not know who answered N/A
    total = _rank(rows, cols)
    classes = _classes(rows, cols, owner)
    for cls in classes:
        gone = set().union(*(c for _, c in cls[1]))
        if total - _rank(rows, [c for c in cols if c not in gone]) > 0 and len(cls[0]) < k:
            out.append(Finding(area, tuple(sorted(cls[0])), "everyone"))
    if groups:
        out += _groups(area, rows, cols, classes, total, k, "everyone", max_groups, lambda people: len(people))
    # model 2: the attacker knows, per round, who rated this area (and who did not)
    known_rows, rater_cols, trivial = _knowing_who_rated(area, people, unk, cols)
    published = [{c: v for c, v in row.items() if c in rater_cols} for row in rows]
    rows2 = published + known_rows
    total2 = _rank(rows2, sorted(rater_cols))
    classes2 = _classes(published, sorted(rater_cols), owner)  # interchangeable by what is published
    for cls in classes2:
        gone = set().union(*(c for _, c in cls[1]))
        drop = total2 - _rank(rows2, [c for c in rater_cols if c not in gone])
        if drop > sum(trivial.get(c, 0) for c in gone) and len(cls[0]) < k:
            out.append(Finding(area, tuple(sorted(cls[0])), "knows who rated"))
    if groups:
        out += _groups(area, rows2, sorted(rater_cols), classes2, total2, k, "knows who rated", max_groups,
                       lambda people: len(people), trivial)
    return out


def _knowing_who_rated(area, people, unk: Unknowns, cols):
    """Columns left once the attacker knows who rated (N/A and unanswered cells are known), plus the
    known facts 'each rater chose exactly one level' (one row per rated unknown)."""
    keep = set()
    rows = []
    trivial: dict[int, int] = {}
    for p in people:
        runs = {}
        for rnd, ans in p.answers.items():
            runs.setdefault(unk.run[(p.key, area, rnd)], ans.get(area))
        for run, ans in runs.items():
            if isinstance(ans, int):
                level_cols = [unk.index[(p.key, area, run, lvl)] for lvl in unk.levels]
                keep.update(level_cols)
                rows.append({c: Fraction(1) for c in level_cols})
                trivial[level_cols[0]] = 1  # one trivial fact per rated unknown, counted once
    return rows, keep, trivial


def _classes(rows, cols, owner) -> list[tuple[frozenset, list]]:
    """People whose columns appear in exactly the same rows (with the same coefficients per answer)."""
    sig: dict[str, list] = {}
    for c in cols:
        sig.setdefault(owner[c], []).append(c)
    profile: dict = {}
    for person, pcols in sig.items():
        key = tuple(tuple((i, row.get(c)) for i, row in enumerate(rows) if row.get(c)) for c in pcols)
        profile.setdefault(key, []).append((person, pcols))
    out = []
    for members_ in profile.values():
        out.append((frozenset(p for p, _ in members_), [(p, set(c)) for p, c in members_]))
    return out


def _groups(area, rows, cols, classes, total, k, model, max_groups, size, trivial=None) -> list[Finding]:
    """Unions of identical classes with fewer than k people whose columns carry information alone."""
    out = []
    small = [c for c in classes if 0 < len(c[0]) < k]
    tried = 0
    for r in range(2, k):
        for combo in itertools.combinations(small, r):
            ppl = frozenset().union(*(c[0] for c in combo))
            if size(ppl) >= k:
                continue
            tried += 1
            if tried > max_groups:
                return out
            gone = set().union(*(cc for c in combo for _, cc in c[1]))
            drop = total - _rank(rows, [c for c in cols if c not in gone])
            if drop > sum((trivial or {}).get(c, 0) for c in gone):
                out.append(Finding(area, tuple(sorted(ppl)), model))
    return out
