"""Build one survey's publication: every figure the anonymous view can show, audited as a whole.

What the anonymous view can show of one data set (one file, or several files read as one team):

* the **team**, per skill area (Overview, Coverage, Skill area, the board report and its exports);
* each **role unit** and each **school or department unit** (Team gaps rows, Compare, Skill area
  breakdowns), where a unit is one value of the file's column or a pooled group of values;
* the **sidebar's filter views**: a filter is one unit, whose figures are that unit's row, and whose
  breakdown by the other dimension shows **cells** (one role within one school);
* categories and the overall mean of each of those, which are plain means of the shown area means
  and so add nothing.

Each (population, area) figure publishes the level counts and the N/A count (n, mean, median, gap,
at-target count follow from them). The build decides, before anything is shown:

1. **Units** (value-independent): values with fewer than k people are pooled into "Other …" (and
   the smallest other unit joins while the pool is below k); past a screenful of units the smallest
   are pooled too. Then the role × school grid is audited exactly (:func:`audit.lightest_cut` over
   people): while some combination of role rows, school columns and the team isolates fewer than k
   people, the cheapest unit is pooled (a dimension pooled down to one unit is not shown at all).
2. **Cells** (value-independent): a role-and-school cell is offered only with at least k people and
   only while the grid with the offered cells still passes the same audit (the smallest offending
   cell is withdrawn first).
3. **Each area** (uses who rated it): a figure resting on 1 to k − 1 ratings is hidden (primary
   suppression); then the audit is run on the raters (an attacker who knows who answered N/A): while
   a combination of the shown figures rests on 1 to k − 1 ratings, the least informative figure on
   the offending cut is hidden too (secondary suppression): a cell first, then a row or column.

Every step is a contraction of the audited graph or the removal of a published figure, so the audit
that passed stays passed; the loop ends when the exact audit finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from framework.definitions import Framework
from framework.publication import audit
from framework.scales import NOT_APPLICABLE, RATED, Scale
from framework.targets import TargetSet

DIMENSIONS = ("role", "group")
DIM_WORDS = {"role": ("role", "roles"), "group": ("school or department", "schools and departments")}
OTHER = {"role": "Other roles", "group": "Other schools and departments"}
ALL = {"role": "All roles", "group": "All schools and departments"}
NOT_STATED = "Not stated"
MAX_UNITS = 40  # a screenful of heatmap rows; past it the smallest units are pooled


@dataclass
class Unit:
    dim: str
    values: tuple[str, ...]  # the column's values as written ("" = not stated)
    label: str
    pooled_by: str = ""  # why it is a pool: "small", "screen", "audit" (several may apply)

    @property
    def is_pool(self) -> bool:
        return len(self.values) > 1 or self.label in (OTHER[self.dim], ALL[self.dim])


@dataclass
class Grid:
    """People, their units and their answers, as integer arrays."""

    respondents: pd.Index  # respondent keys, one per person
    role_value: np.ndarray  # per person: the role text as written (stripped)
    group_value: np.ndarray
    role_id: np.ndarray  # per person: matched target profile id ("" none)
    answers: np.ndarray  # persons x areas: level index 0..L-1, L = N/A, -1 = no answer
    n_levels: int
    _distinct: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def n_people(self) -> int:
        return len(self.respondents)

    def distinct(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``role_value``, ``group_value`` or ``role_id`` as integer codes into its distinct values
        (in order of first appearance), found once per grid: a million people hold a few dozen values."""
        if name not in self._distinct:
            codes, uniques = pd.factorize(getattr(self, name), use_na_sentinel=False)
            self._distinct[name] = (codes, np.asarray(uniques, dtype=object))
        return self._distinct[name]


def _clean(values) -> np.ndarray:
    s = pd.Series(values, dtype="object").astype("string").fillna("").str.strip()
    return s.to_numpy(dtype=object)


def _positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Each value's position in ``index`` (-1 where absent), via a categorical's few categories when it
    has them (a tidy frame of 10 million rows holds a handful of distinct areas and statuses)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        at = index.get_indexer(pd.Index(values.cat.categories).astype("string"))
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, np.append(at, -1)[codes], -1)
    return index.get_indexer(values.astype("string"))


def _first_values(values: pd.Series, first: np.ndarray) -> np.ndarray:
    """The column's value at each person's first row, only those rows converted to text."""
    return values.iloc[first].to_numpy(dtype=object) if len(first) else np.array([], dtype=object)


def grid_of(ratings, framework: Framework, scale: Scale) -> Grid:
    """One row per person: role, school, profile, and a persons x areas answer matrix.

    ``ratings`` is a tidy frame (a row per person x area), or a wide file's matrices (the importer's
    ``WideRatings``), read without building the tidy frame."""
    if not isinstance(ratings, pd.DataFrame):
        parts = ratings.grid_parts()
        grid = Grid(**{f.name: getattr(parts, f.name) for f in fields(Grid) if f.init})
        grid._distinct.update(parts.distinct)
        return grid
    tidy = ratings
    respondent = tidy["respondent"]
    if isinstance(respondent.dtype, pd.CategoricalDtype) and not respondent.isna().any():
        codes, uniq = pd.factorize(respondent.cat.codes.to_numpy(), sort=False)  # integers, in order of appearance
        people = pd.Index(respondent.cat.categories.astype("string")[uniq], dtype="string")
    else:
        codes, people = pd.factorize(respondent.astype("string"), sort=False)
    n_people, n_areas, n_levels = len(people), len(framework.areas), len(scale.values)
    first = np.full(n_people, -1, dtype=np.int64)
    order = np.arange(len(codes))
    first[codes[::-1]] = order[::-1]  # first row of each person
    area = _positions(tidy["area_id"], pd.Index(framework.area_ids, dtype="string"))
    status = _positions(tidy["status"], pd.Index([RATED, NOT_APPLICABLE], dtype="string"))
    rating = tidy["rating"].to_numpy(dtype="float64", na_value=np.nan)
    answers = answer_matrix(n_people, n_areas, n_levels)
    ok = area >= 0
    rated = ok & (status == 0) & ~np.isnan(rating)
    answers[codes[rated], area[rated]] = (rating[rated] - scale.min).astype(answers.dtype)
    na = ok & (status == 1)
    answers[codes[na], area[na]] = n_levels
    return Grid(people, _clean(_first_values(tidy["role"], first)), _clean(_first_values(tidy["group"], first)),
                _clean(_first_values(tidy["role_id"], first)) if "role_id" in tidy
                else np.full(n_people, "", dtype=object),
                answers, n_levels)


def answer_matrix(n_people: int, n_areas: int, n_levels: int) -> np.ndarray:
    """A persons x areas matrix of "no answer" (-1), in the smallest integers that hold N/A (``n_levels``),
    each area's column contiguous (column-major): the publication reads it an area at a time."""
    dtype = np.int8 if n_levels < 127 else np.int16 if n_levels < 2**15 - 1 else np.int64
    return np.full((n_people, n_areas), -1, dtype=dtype, order="F")


def level_cube(grid: Grid, ri: np.ndarray, gi: np.ndarray, n_r: int, n_g: int) -> np.ndarray:
    """People per role unit x school unit x area x answer (the levels, then N/A): one count per person and
    area answered, an area at a time (no index arrays of every answered cell)."""
    width = grid.n_levels + 1
    n_areas = grid.answers.shape[1]
    # each person's block of width + 1 bins, bin 0 of it for "no answer" (-1): no mask, no gather
    start = (ri.astype(np.int64) * n_g + gi) * (width + 1) + 1
    cube = np.empty((n_r * n_g, n_areas, width), dtype=np.int64)
    for a in range(n_areas):
        bins = np.bincount(start + grid.answers[:, a], minlength=n_r * n_g * (width + 1))
        cube[:, a] = bins.reshape(n_r * n_g, width + 1)[:, 1:]
    return cube.reshape(n_r, n_g, n_areas, width)


# ---- step 1: units ---------------------------------------------------------------------------------
def _label(value: str) -> str:
    return value if value else NOT_STATED


def initial_units(distinct: tuple[np.ndarray, np.ndarray], dim: str, k: int) -> tuple[list[Unit], list[str]]:
    """Units of one dimension (its values as ``Grid.distinct`` gives them): small values pooled, then
    capped at a screenful."""
    codes, uniques = distinct
    sizes = pd.Series(np.bincount(codes, minlength=len(uniques)), index=pd.Index(uniques, dtype=object))
    order = sorted(sizes.index, key=lambda v: (-sizes[v], str(v)))
    small = [v for v in order if sizes[v] < k]
    rest = [v for v in order if sizes[v] >= k]
    notes = []
    pooled = list(small)
    if pooled:
        while sum(sizes[v] for v in pooled) < k and rest:
            pooled.append(rest.pop())  # the smallest remaining value joins the pool
    if len(rest) + (1 if pooled else 0) > MAX_UNITS:
        keep = MAX_UNITS - 1
        extra = rest[keep:]
        rest = rest[:keep]
        pooled += extra
        notes.append(f"There are more {DIM_WORDS[dim][1]} than fit on a screen: the {len(extra)} smallest are "
                     f"shown together as {OTHER[dim]}.")
    units = [Unit(dim, (v,), _label(v)) for v in rest]
    if pooled:
        if len(pooled) == len(order):  # everything is one pool: the dimension is the team
            units = [Unit(dim, tuple(sorted(pooled, key=str)), ALL[dim], "small")]
        else:
            units.append(Unit(dim, tuple(sorted(pooled, key=str)), OTHER[dim], "small"))
        small_names = [_label(v) for v in small]
        if small_names:
            notes.insert(0, f"{DIM_WORDS[dim][1].capitalize()} with fewer than {k} people are shown together as "
                            f"{OTHER[dim]}" + (f" ({', '.join(sorted(small_names))})" if len(small_names) <= 6 else "")
                            + ".")
    return units, notes


def _unit_index(distinct: tuple[np.ndarray, np.ndarray], units: list[Unit]) -> np.ndarray:
    """Each person's unit: the distinct values looked up once, then an integer take."""
    where = {v: i for i, u in enumerate(units) for v in u.values}
    codes, uniques = distinct
    return np.array([where[v] for v in uniques], dtype=np.int64)[codes]


def _atom_counts(ri: np.ndarray, gi: np.ndarray, n_r: int, n_g: int, weights: np.ndarray | None = None) -> np.ndarray:
    flat = ri * n_g + gi
    return np.bincount(flat, weights=weights, minlength=n_r * n_g).reshape(n_r, n_g).astype(np.int64)


def _edges(people: np.ndarray, published: set[tuple[int, int]], row_node, col_node) -> dict:
    edges: dict[tuple, int] = {}
    for r, g in zip(*np.nonzero(people)):
        if (int(r), int(g)) in published:
            continue
        a, b = row_node(int(r)), col_node(int(g))
        if a == b:
            continue
        edges[(a, b)] = edges.get((a, b), 0) + int(people[r, g])
    return edges


def settle_units(grid: Grid, k: int) -> tuple[list[Unit], list[Unit], list[str]]:
    """Pool units until no combination of role rows, school columns and the team singles out fewer than k."""
    roles, role_notes = initial_units(grid.distinct("role_value"), "role", k)
    groups, group_notes = initial_units(grid.distinct("group_value"), "group", k)
    notes = role_notes + group_notes
    moved: dict[str, list[str]] = {"role": [], "group": []}
    while grid.n_people >= k:  # below k nothing is shown at all
        ri, gi = _unit_index(grid.distinct("role_value"), roles), _unit_index(grid.distinct("group_value"), groups)
        people = _atom_counts(ri, gi, len(roles), len(groups))
        nodes = [("role", i) for i in range(len(roles))] + [("group", j) for j in range(len(groups))]
        cut = audit.lightest_cut(nodes, _edges(people, set(), lambda r: ("role", r), lambda g: ("group", g)))
        if cut is None or cut.weight >= k:
            break
        roles, groups, what = _pool_across(cut, roles, groups, people)
        moved[what[0]] += what[1]
    for dim, names in moved.items():
        units = roles if dim == "role" else groups
        other = DIM_WORDS["group" if dim == "role" else "role"][1]
        if not names:
            continue
        if len(units) == 1:
            notes.append(f"{DIM_WORDS[dim][1].capitalize()} are not shown beside {other} for this team: together they "
                         f"would single out fewer than {k} people.")
        else:
            notes.append(f"{', '.join(sorted(set(names)))} {'is' if len(set(names)) == 1 else 'are'} shown within "
                         f"{OTHER[dim]}: beside the {other}, {'it' if len(names) == 1 else 'they'} would single out "
                         f"fewer than {k} people.")
    return roles, groups, notes


def _pool_across(cut: audit.Cut, roles: list[Unit], groups: list[Unit], people: np.ndarray):
    """Merge one unit on each side of the cut (into the dimension's pool), the fewest people moved."""
    side, comp = cut.side, cut.component
    sizes = {("role", i): int(people[i].sum()) for i in range(len(roles))}
    sizes |= {("group", j): int(people[:, j].sum()) for j in range(len(groups))}
    best = None
    for dim, units in (("role", roles), ("group", groups)):
        pool = next((i for i, u in enumerate(units) if u.is_pool), None)
        mine = [n for n in comp if n[0] == dim]
        x = [n for n in mine if n in side]
        y = [n for n in mine if n not in side]
        if pool is not None and (dim, pool) in comp:
            other_side = y if (dim, pool) in side else x
            for n in other_side:
                cost = (sizes[n], 0, dim, units[n[1]].label)
                if best is None or cost < best[0]:
                    best = (cost, dim, [n[1], pool])
        else:
            for a in x:
                for b in y:
                    cost = (sizes[a] + sizes[b], 1, dim, units[a[1]].label + units[b[1]].label)
                    if best is None or cost < best[0]:
                        best = (cost, dim, [a[1], b[1]])
    if best is None:  # cannot happen: a cut of the grid separates two units of one dimension
        raise RuntimeError("no unit to pool across the cut")
    _, dim, (a, b) = best
    units = roles if dim == "role" else groups
    moved = [units[i].label for i in (a, b) if not units[i].is_pool]
    merged = Unit(dim, tuple(sorted(set(units[a].values) | set(units[b].values), key=str)), OTHER[dim], "audit")
    new = [u for i, u in enumerate(units) if i not in (a, b)] + [merged]
    if dim == "role":
        return new, groups, (dim, moved)
    return roles, new, (dim, moved)


# ---- the result ------------------------------------------------------------------------------------
@dataclass
class Settled:
    """Units, cells and, per area, what is shown: the decisions the publication is made from."""

    roles: list[Unit]
    groups: list[Unit]
    role_index: np.ndarray  # per person
    group_index: np.ndarray
    people: np.ndarray  # role units x group units: people in each cell
    cells: set[tuple[int, int]]  # cells offered (in every area, before each area's own hiding)
    # per area: which rows/columns/cells/team are shown
    shown_team: np.ndarray  # areas
    shown_roles: np.ndarray  # areas x role units
    shown_groups: np.ndarray  # areas x group units
    shown_cells: list[set[tuple[int, int]]]  # per area
    reasons: dict = field(default_factory=dict)  # (kind, index, area) -> "primary" | "secondary"
    notes: list[str] = field(default_factory=list)
    cube: np.ndarray | None = None  # role units x group units x areas x (levels, N/A): see level_cube


def settle(grid: Grid, n_areas: int, k: int) -> Settled:
    """Steps 1 to 3 of the module docstring."""
    roles, groups, notes = settle_units(grid, k)
    ri, gi = _unit_index(grid.distinct("role_value"), roles), _unit_index(grid.distinct("group_value"), groups)
    people = _atom_counts(ri, gi, len(roles), len(groups))
    cube = level_cube(grid, ri, gi, len(roles), len(groups))
    cells = _settle_cells(people, k, roles, groups)
    if cells != {(r, g) for r, g in zip(*np.nonzero(people >= k))}:
        notes.append(f"Within a role, schools and departments are shown only where they hold at least {k} people "
                     "and cannot be worked out from the other figures (and likewise roles within a school).")
    s = Settled(roles, groups, ri, gi, people, cells,
                np.ones(n_areas, dtype=bool), np.ones((n_areas, len(roles)), dtype=bool),
                np.ones((n_areas, len(groups)), dtype=bool), [set(cells) for _ in range(n_areas)], notes=notes, cube=cube)
    if grid.n_people < k:
        s.shown_team[:] = False
        s.shown_roles[:] = False
        s.shown_groups[:] = False
        s.shown_cells = [set() for _ in range(n_areas)]
        s.notes.append(f"Fewer than {k} people responded, so no figures are shown.")
        return s
    raters = cube[:, :, :, : grid.n_levels].sum(axis=3)  # role units x group units x areas: the rated
    for a in range(n_areas):
        _settle_area(s, a, np.ascontiguousarray(raters[:, :, a]), k)
    return s


def _settle_cells(people: np.ndarray, k: int, roles: list[Unit], groups: list[Unit]) -> set[tuple[int, int]]:
    """Cells with at least k people, withdrawn smallest first while the grid audit finds a small cut."""
    if len(roles) < 2 or len(groups) < 2:
        return set()  # one unit is the team: its cells are the other dimension's units
    cells = {(int(r), int(g)) for r, g in zip(*np.nonzero(people >= k))}
    nodes = [("role", i) for i in range(len(roles))] + [("group", j) for j in range(len(groups))]
    while cells:
        cut = audit.lightest_cut(nodes, _edges(people, cells, lambda r: ("role", r), lambda g: ("group", g)))
        if cut is None or cut.weight >= k:
            break
        # every edge from the cut's side to the rest of the grid is either on the cut or a shown cell
        crossing = [c for c in cells if (("role", c[0]) in cut.side) != (("group", c[1]) in cut.side)]
        if not crossing:  # cannot happen: without cells the grid passed (settle_units)
            raise RuntimeError("no cell to withdraw across the cut")
        cells.discard(min(crossing, key=lambda c: (int(people[c]), c)))
    return cells


def _settle_area(s: Settled, a: int, raters: np.ndarray, k: int) -> None:
    """Primary and secondary suppression of one area, on who rated it."""
    team = int(raters.sum())
    small = lambda n: 0 < n < k  # noqa: E731
    if small(team):
        s.shown_team[a] = False
        s.shown_roles[a] = False
        s.shown_groups[a] = False
        s.shown_cells[a] = set()
        s.reasons[("team", 0, a)] = "primary"
        return
    row_n, col_n = raters.sum(axis=1), raters.sum(axis=0)
    for i, n in enumerate(row_n):
        if small(n):
            s.shown_roles[a, i] = False
            s.reasons[("role", i, a)] = "primary"
    for j, n in enumerate(col_n):
        if small(n):
            s.shown_groups[a, j] = False
            s.reasons[("group", j, a)] = "primary"
    for c in list(s.shown_cells[a]):
        if small(int(raters[c])):
            s.shown_cells[a].discard(c)
            s.reasons[("cell", c, a)] = "primary"
    while True:
        row_node = lambda r: ("role", r) if s.shown_roles[a, r] else ("role", "*")  # noqa: E731
        col_node = lambda g: ("group", g) if s.shown_groups[a, g] else ("group", "*")  # noqa: E731
        nodes = {row_node(r) for r in range(len(s.roles))} | {col_node(g) for g in range(len(s.groups))}
        cut = audit.lightest_cut(nodes, _edges(raters, s.shown_cells[a], row_node, col_node))
        if cut is None or cut.weight >= k:
            return
        _hide_across(s, a, cut, raters, row_node, col_node)


def _hide_across(s: Settled, a: int, cut: audit.Cut, raters: np.ndarray, row_node, col_node) -> None:
    """Hide the least informative figure that joins the two sides of the cut."""
    side, comp = cut.side, cut.component
    options = []
    for c in s.shown_cells[a]:
        u, v = row_node(c[0]), col_node(c[1])
        if (u in side) != (v in side):
            options.append(((int(raters[c]), 0), ("cell", c)))
    for dim, _shown, sizes in (("role", s.shown_roles[a], raters.sum(axis=1)),
                              ("group", s.shown_groups[a], raters.sum(axis=0))):
        star = (dim, "*")
        mine = [n for n in comp if n[0] == dim and n != star]
        x = [n for n in mine if n in side]
        y = [n for n in mine if n not in side]
        if star in comp:
            for n in (y if star in side else x):
                options.append(((int(sizes[n[1]]), 1), (dim, [n[1]])))
        else:
            for p in x:
                for q in y:
                    options.append(((int(sizes[p[1]] + sizes[q[1]]), 2), (dim, [p[1], q[1]])))
    if not options:
        # The cut's side is tied to the rest only through shown figures outside its component (say
        # team − role A = role B, where role B's only cell with raters is the hidden school B): no
        # single figure joins the sides. Hide the cheapest figure still shown and audit again; with
        # every row, column and cell hidden only the team remains, which passed on its own.
        for c in s.shown_cells[a]:
            options.append(((int(raters[c]), 0), ("cell", c)))
        for dim, shown, sizes in (("role", s.shown_roles[a], raters.sum(axis=1)),
                                  ("group", s.shown_groups[a], raters.sum(axis=0))):
            options += [((int(sizes[i]), 1), (dim, [i])) for i in np.flatnonzero(shown)]
    if not options:  # cannot happen: with nothing but the team shown there is no cut below k
        raise RuntimeError("nothing left to hide across the cut")
    _, (kind, what) = min(options, key=lambda o: (o[0], repr(o[1])))
    if kind == "cell":
        s.shown_cells[a].discard(what)
        s.reasons[("cell", what, a)] = "secondary"
        return
    for i in what:
        (s.shown_roles if kind == "role" else s.shown_groups)[a, i] = False
        s.reasons[(kind, i, a)] = "secondary"


def role_targets(grid: Grid, roles: list[Unit], framework: Framework, scale: Scale, targets: TargetSet) -> np.ndarray:
    """Role units x areas: a unit of one role uses that role's profile; a pooled unit, the team target."""
    table = targets.table(framework, scale)
    profiles = [""] + [r.id for r in targets.roles]
    matrix = (table.pivot(index="role_id", columns="area_id", values="target")
              .reindex(index=profiles, columns=framework.area_ids).to_numpy(dtype="float64"))
    team = matrix[0]
    out = np.tile(team, (len(roles), 1))
    codes, uniques = grid.distinct("role_value")
    first = np.full(len(uniques), -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # each value's first person
    by_value = dict(zip(uniques, grid.role_id[first]))
    for i, u in enumerate(roles):
        if len(u.values) == 1:
            rid = by_value.get(u.values[0], "")
            if rid in profiles:
                out[i] = matrix[profiles.index(rid)]
    return out
