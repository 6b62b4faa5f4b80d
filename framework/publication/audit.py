"""Exact disclosure audit: can any combination of the published figures single out fewer than k people?

The model (the way statistical agencies audit linked tables). Every published figure of one skill
area is a count over a population: how many of its members rated each level, and how many answered
N/A; n, the sum (n × mean), the at-target count and the median all follow from those counts. For
person p write x_p for the vector of p's level indicators in the area. A population S publishes
sum over p in S of x_p, so what an attacker who knows everyone's role and school can compute is any
vector of the form sum over p of v_p x_p with v in the row space V of the population-indicator matrix.
Such a combination reveals something about exactly the people p with v_p != 0 (its *support*).

The audit's rule: **no nonzero v in V has a support of fewer than k people.** A single person's
rating (v = e_p) is the extreme case; a pair whose sum is known is as bad (each learns the other's
answer, and 1 + 1 or 4 + 4 gives both away). Two weightings are checked: all members of the
populations (an attacker who does not know who answered N/A), and only the people who rated the area
(an attacker who does: non-raters then contribute nothing and drop out), so a derived figure never rests
on 1 to k − 1 ratings either.

People who belong to exactly the same published populations are interchangeable (every v in V gives
them the same coefficient), so the columns are *atoms*: classes of identical people, weighted by how
many people they hold.

Two exact procedures decide it:

* :func:`lightest_cut` for one survey's role × school grid. Rows (roles), columns (schools), the team
  and any published role-and-school cells span vectors v = a[role] + b[school] plus anything on the
  published cells; v vanishes on a cell exactly when the row's and the column's labels agree, so the
  smallest nonzero support is the lightest cut of the bipartite role–school graph whose edges are the
  unpublished cells (weighted by their people), taken within each connected component. Stoer–Wagner
  finds it in polynomial time, with integer arithmetic only.
* :func:`small_support` for any other structure (survey rounds, whose people recur): a branch and
  bound over the atoms with exact integer (fraction-free) elimination, deciding whether some nonzero
  vector of V lives on atoms of total weight at most ``bound``.

Both return a witness (the side of the cut, or the support and its vector), so the caller can choose
what to suppress; neither ever guesses, rounds or samples.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from fractions import Fraction

# ---- graph: the lightest cut of each connected component ---------------------------------------------


@dataclass(frozen=True)
class Cut:
    weight: int  # total weight of the edges that cross
    side: frozenset  # the nodes on one side (the smaller side of the cut found)
    component: frozenset  # the connected component it cuts


def components(nodes: Iterable[Hashable], edges: dict[tuple, int]) -> list[frozenset]:
    """Connected components over the edges of positive weight (union-find)."""
    parent = {v: v for v in nodes}

    def find(v):
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for (a, b), w in edges.items():
        if w > 0 and a != b:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb
    groups: dict = {}
    for v in parent:
        groups.setdefault(find(v), set()).add(v)
    return [frozenset(g) for g in groups.values()]


def _stoer_wagner(weights: np.ndarray) -> tuple[int, list[int]]:
    """Global minimum cut of a connected undirected graph given as a symmetric integer matrix:
    (weight, nodes on one side). Stoer & Wagner (1997), O(n^3) with vector operations."""
    w = weights.astype(np.int64).copy()
    n = len(w)
    members = [[i] for i in range(n)]
    alive = np.ones(n, dtype=bool)
    best_weight, best_side = None, None
    for _ in range(n - 1):
        idx = np.flatnonzero(alive)
        used = ~alive.copy()
        start = int(idx[0])
        used[start] = True
        conn = w[start].copy()
        prev, last, last_conn = start, start, 0
        for _ in range(len(idx) - 1):
            candidate = np.where(used, -1, conn)
            nxt = int(candidate.argmax())
            prev, last, last_conn = last, nxt, int(candidate[nxt])
            used[nxt] = True
            conn += w[nxt]
        if best_weight is None or last_conn < best_weight:
            best_weight, best_side = last_conn, list(members[last])
        # merge the last node into the one before it
        w[prev] += w[last]
        w[:, prev] += w[:, last]
        w[prev, prev] = 0
        w[last] = 0
        w[:, last] = 0
        alive[last] = False
        members[prev].extend(members[last])
    return int(best_weight), best_side


def lightest_cut(nodes: Iterable[Hashable], edges: dict[tuple, int]) -> Cut | None:
    """The lightest cut over all connected components with two nodes or more (None when there is none).

    ``edges`` maps node pairs to positive integer weights; a pair may appear in either order and
    self-loops are ignored. A cut of weight 0 cannot exist inside a component, so every cut returned
    separates at least one weighted edge.
    """
    nodes = list(dict.fromkeys(nodes))
    merged: dict[frozenset, int] = {}
    for (a, b), wt in edges.items():
        if a == b or wt <= 0:
            continue
        key = frozenset((a, b))
        merged[key] = merged.get(key, 0) + int(wt)
    pairs = {tuple(key): wt for key, wt in merged.items()}
    best: Cut | None = None
    for comp in components(nodes, pairs):
        if len(comp) < 2:
            continue
        order = sorted(comp, key=repr)
        pos = {v: i for i, v in enumerate(order)}
        mat = np.zeros((len(order), len(order)), dtype=np.int64)
        for (a, b), wt in pairs.items():
            if a in pos and b in pos:
                mat[pos[a], pos[b]] += wt
                mat[pos[b], pos[a]] += wt
        weight, side = _stoer_wagner(mat)
        side_nodes = frozenset(order[i] for i in side)
        if len(side_nodes) * 2 > len(order):
            side_nodes = frozenset(comp) - side_nodes
        if best is None or weight < best.weight:
            best = Cut(weight, side_nodes, comp)
    return best


# ---- generic: exact search for a small support -------------------------------------------------------


@dataclass(frozen=True)
class Support:
    atoms: tuple[int, ...]  # indices into the atom list that the vector touches
    vector: tuple[int, ...]  # the combination over the atoms (integers, zero outside the support)
    weight: Fraction  # total weight of the support


def atoms_of(sets: Sequence[Iterable[Hashable]], columns: Iterable[Hashable] | None = None
             ) -> tuple[list[tuple[Hashable, ...]], list[frozenset]]:
    """Group columns that belong to exactly the same sets.

    Returns (atoms, membership): each atom is a tuple of columns, and membership[i] is the set of
    atom indices that set i covers. Columns in no set are left out: nothing published touches them.
    """
    sig: dict[Hashable, list[int]] = {}
    for i, s in enumerate(sets):
        for c in s:
            sig.setdefault(c, []).append(i)
    if columns is not None:
        order = [c for c in columns if c in sig]
    else:
        order = list(sig)
    by_sig: dict[tuple, list] = {}
    for c in order:
        by_sig.setdefault(tuple(sig[c]), []).append(c)
    atoms = [tuple(cols) for cols in by_sig.values()]
    membership: list[set[int]] = [set() for _ in sets]
    for a, key in enumerate(by_sig):
        for i in key:
            membership[i].add(a)
    return atoms, [frozenset(m) for m in membership]


def _normalise(row: list[int]) -> list[int]:
    g = 0
    for x in row:
        if x:
            g = math.gcd(g, x)
            if g == 1:
                break
    if g > 1:
        row = [x // g for x in row]
    first = next((x for x in row if x), 0)
    return [-x for x in row] if first < 0 else row


def _echelon(rows: list[list[int]]) -> list[list[int]]:
    """An independent set of integer rows spanning the same space (fraction-free elimination)."""
    rows = [list(r) for r in rows if any(r)]
    out: list[list[int]] = []
    width = len(rows[0]) if rows else 0
    for j in range(width):
        pivot = next((i for i, r in enumerate(rows) if r[j]), None)
        if pivot is None:
            continue
        p = rows.pop(pivot)
        rest = []
        for r in rows:
            if r[j]:
                r = _normalise([p[j] * a - r[j] * b for a, b in zip(r, p)])
            if any(r):
                rest.append(r)
        rows = rest
        out.append(_normalise(p))
    return out


def _without(rows: list[list[int]], j: int) -> list[list[int]]:
    """A basis of {v in span(rows): v[j] = 0}, given independent rows."""
    pivot = next((i for i, r in enumerate(rows) if r[j]), None)
    if pivot is None:
        return rows
    p = rows[pivot]
    out = []
    for i, r in enumerate(rows):
        if i == pivot:
            continue
        if r[j]:
            r = _normalise([p[j] * a - r[j] * b for a, b in zip(r, p)])
        out.append(r)
    return out


def rank(rows: Sequence[Sequence[int]]) -> int:
    return len(_echelon([list(r) for r in rows]))


def small_support(membership: Sequence[frozenset], weights: Sequence, bound, *, owners: Sequence[frozenset] | None = None,
                  max_nodes: int = 200_000) -> Support | None:
    """A nonzero combination of the sets whose support weighs at most ``bound``, or None if there is none.

    ``membership[i]`` lists the atoms that set i covers; ``weights[a]`` is atom a's weight (people).
    With ``owners`` (the people behind each atom, when one person can stand behind several atoms, as a
    person whose answer changed between rounds), a support weighs the number of distinct people behind
    it instead, and ``weights`` is ignored. Exact: integer elimination, and a branch and bound that tries
    each atom as zero, then as part of the support, heaviest first. Raises :class:`AuditTooLarge` past
    ``max_nodes`` search nodes, so a caller can fall back to publishing less instead of waiting.
    """
    from fractions import Fraction  # (exact arithmetic: imported by the audits that need it)

    n_atoms = len(weights) if owners is None else len(owners)
    if owners is None:
        owners = [frozenset({("atom", a)}) for a in range(n_atoms)]
        unit = [Fraction(x) for x in weights]
    else:
        unit = None
    bound = Fraction(bound)

    def cost(atoms_: Iterable[int], base: frozenset = frozenset()) -> Fraction:
        if unit is not None:
            return sum((unit[a] for a in atoms_), Fraction(0))
        people = set(base)
        for a in atoms_:
            people |= owners[a]
        return Fraction(len(people) - len(base))

    rows = [[1 if a in s else 0 for a in range(n_atoms)] for s in membership]
    basis = _echelon(rows)
    for a in range(n_atoms):  # an atom heavier than the bound is never in a small support
        if cost([a]) > bound:
            basis = _without(basis, a)
    small = [a for a in range(n_atoms) if cost([a]) <= bound]
    budget = [max_nodes]

    def search(rows: list[list[int]], included: frozenset, held: frozenset, left: Fraction) -> list[int] | None:
        budget[0] -= 1
        if budget[0] < 0:
            raise AuditTooLarge("the exact audit needed more steps than allowed")
        if not rows:
            return None
        active = [a for a in small if any(r[a] for r in rows)]
        free = [a for a in active if a not in included]
        if cost(free, held) <= left:
            return rows[0]
        j = max(free, key=lambda a: (cost([a], held), -a))
        extra = cost([j], held)
        if extra > left:
            return search(_without(rows, j), included, held, left)
        found = search(_without(rows, j), included, held, left)
        if found is not None:
            return found
        return search(rows, included | {j}, held | (owners[j] if unit is None else frozenset()), left - extra)

    found = search(basis, frozenset(), frozenset(), bound)
    if found is None:
        return None
    support = tuple(a for a in range(n_atoms) if found[a])
    return Support(support, tuple(found), cost(support))


class AuditTooLarge(RuntimeError):
    """The generic exact search ran past its step limit (the caller publishes less instead)."""


def in_span(membership: Sequence[frozenset], n_atoms: int, vector: Sequence[int]) -> bool:
    """Whether ``vector`` (over the atoms) is a combination of the sets' indicators."""
    rows = [[1 if a in s else 0 for a in range(n_atoms)] for s in membership]
    base = rank(rows)
    return rank(rows + [list(vector)]) == base


def essential(membership: Sequence[frozenset], n_atoms: int, vector: Sequence[int]) -> list[int]:
    """The sets without which ``vector`` is no longer a combination of the others."""
    out = []
    for i in range(len(membership)):
        others = [m for j, m in enumerate(membership) if j != i]
        if not in_span(others, n_atoms, vector):
            out.append(i)
    return out
