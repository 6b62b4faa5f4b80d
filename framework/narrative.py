"""The board summary in plain language, made deterministically from the anonymous numbers.

Every sentence is a template filled with figures from an :func:`framework.aggregate.area_summary`
frame computed with a minimum group size; nothing is guessed and no cause is suggested. Each
:class:`Finding` carries the figures its sentences use (``numbers``), so tests and speaker notes
can check the text against the aggregation.

Rules, in the order the findings appear:

* **Where the team stands**: respondents, the team mean (average of the area means) and how many
  rated areas are below, on and above target.
* **Strongest areas**: the highest area means (ties: larger share at target, then framework order),
  about a third of the rated areas and at most three.
* **Largest gaps**: areas below target ranked by gap × area weight (weight 1 when the framework has
  no weights; ties: larger gap, then framework order), the first three named.
* **Coverage risks**: single points of failure (exactly one person at or above target) and areas
  where nobody is.
* **What the figures rest on**: respondents, raters per area, not-applicable answers.
* **What is hidden, and why**: areas below the minimum group size, areas with no ratings, or the
  whole team when fewer than the minimum responded.
* **What we ask of the board**: professional learning in the largest gaps, staffing or
  cross-training where one person covers an area, outside expertise where nobody does, and a fuller
  response where results had to be hidden.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from framework.aggregate import check_min_group_size
from framework.definitions import Framework
from framework.safe_text import md_text
from framework.scales import Scale

TOP = 3
EPS = 1e-9


@dataclass(frozen=True)
class Finding:
    key: str  # standing, strengths, gaps, coverage, base, hidden, asks
    title: str  # a short heading ("Largest gaps")
    headline: str  # the finding in one sentence
    points: tuple[str, ...] = ()  # supporting sentences, each with its numbers
    numbers: dict = field(default_factory=dict)  # every figure the sentences use, unrounded
    areas: tuple[str, ...] = ()  # ids of the skill areas the finding is about
    chart: str | None = None  # key of the chart that shows it

    @property
    def text(self) -> str:
        return "\n".join([self.headline, *(f"- {p}" for p in self.points)])


@dataclass(frozen=True)
class BoardSummary:
    findings: tuple[Finding, ...]
    respondents: int
    min_group_size: int
    suppressed: bool  # fewer respondents than the minimum group size: no figures at all

    def finding(self, key: str) -> Finding | None:
        return next((f for f in self.findings if f.key == key), None)

    @property
    def asks(self) -> tuple[str, ...]:
        found = self.finding("asks")
        return found.points if found else ()

    def text(self) -> str:
        """Plain text: a heading per finding, its headline, and its points as a list."""
        return "\n\n".join(f"{f.title}\n{f.text}" for f in self.findings)

    def markdown(self) -> str:
        return "\n\n".join(
            f"**{md_escape(f.title)}.** {md_escape(f.headline)}" + "".join(f"\n- {md_escape(p)}" for p in f.points)
            for f in self.findings
        )

    def records(self) -> pd.DataFrame:
        """One row per sentence (finding, kind, text): the summary as a table for CSV/XLSX."""
        rows = []
        for f in self.findings:
            rows.append({"Finding": f.title, "Kind": "headline", "Text": f.headline})
            rows += [{"Finding": f.title, "Kind": "point", "Text": p} for p in f.points]
        return pd.DataFrame(rows, columns=["Finding", "Kind", "Text"])


# ---- formatting ---------------------------------------------------------------------------
def md_escape(text: str) -> str:
    """Text safe to show as Markdown (area names are data and may contain * _ etc.): :func:`md_text`."""
    return md_text(text)


def fmt_mean(x: float) -> str:
    return f"{x:.2f}"


def fmt_gap(x: float) -> str:
    return f"{x:.2f}"


def fmt_weight(x: float) -> str:
    return f"{x:g}"


def fmt_priority(x: float) -> str:
    return f"{x:.1f}"


def fmt_share(at: int, n: int) -> str:
    return f"{at / n:.0%}" if n else "–"


def people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def and_list(items: list[str]) -> str:
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if len(items) > 2 and any(" and " in i or "," in i for i in items):  # "Leadership and Vision; …; and …"
        return "; ".join(items[:-1]) + "; and " + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]


def is_below(gap: float) -> bool:
    return gap > EPS


def is_above(gap: float) -> bool:
    return gap < -EPS


# ---- the summary --------------------------------------------------------------------------
def _area_numbers(row, has_weights: bool) -> dict:
    n = int(row.n)
    weight = float(row.weight) if has_weights else 1.0
    gap = float(row.gap)
    return {
        "area_id": row.Index, "area": row.area, "label": row.label, "category": row.category,
        "n": n, "mean": float(row.mean), "target": float(row.target), "gap": gap,
        "at_target_n": int(row.at_target_n), "at_target_share": float(row.at_target_n) / n if n else math.nan,
        "weight": weight, "priority": gap * weight, "n_na": int(row.n_na), "order": int(row.order),
    }


def board_summary(
    areas: pd.DataFrame,
    framework: Framework,
    scale: Scale,
    respondents: int,
    min_group_size: int,
    top: int = TOP,
) -> BoardSummary:
    """Findings and plain-language text from an anonymous :func:`area_summary` frame.

    ``areas`` must have been computed with ``min_group_size``; a named view (None) is refused,
    because this text goes into board documents.
    """
    if min_group_size is None:
        raise ValueError("the board summary is always anonymous: give a minimum group size")
    k = check_min_group_size(min_group_size)
    respondents = int(respondents)
    has_weights = framework.has_weights
    hidden = areas[areas["suppressed"].astype(bool)]
    shown = areas[~areas["suppressed"].astype(bool) & areas["n"].gt(0)]
    empty = areas[~areas["suppressed"].astype(bool) & areas["n"].eq(0)]
    rows = [_area_numbers(r, has_weights) for r in shown.itertuples()]
    team_suppressed = respondents < k

    findings: list[Finding] = []
    if team_suppressed or not rows:
        findings.append(_standing_nothing(respondents, k, len(framework.areas), team_suppressed))
    else:
        findings.append(_standing(rows, respondents, len(framework.areas), scale, len(hidden)))
        findings.append(_strengths(rows, scale, top))
        findings.append(_gaps(rows, scale, top, has_weights))
        findings.append(_coverage(rows, len(hidden)))
        findings.append(_base(rows, respondents))
    findings.append(_hidden(hidden, empty, respondents, k, team_suppressed, len(framework.areas)))
    findings.append(_asks(rows, hidden, respondents, k, team_suppressed, top, has_weights))
    return BoardSummary(tuple(findings), respondents, k, team_suppressed)


def _target_text(targets: list[float], scale: Scale) -> str:
    distinct = sorted(set(targets))
    if len(distinct) == 1:
        t = distinct[0]
        return f"the target in every area is {t:g} ({scale.label_of(t)})"
    return "targets differ by area (" + ", ".join(f"{t:g} {scale.label_of(t)}" for t in distinct) + ")"


def _standing(rows: list[dict], respondents: int, total_areas: int, scale: Scale, hidden: int = 0) -> Finding:
    rated = len(rows)
    # the team average is the mean of the area averages, and is not reported while an area is hidden
    team_mean = sum(r["mean"] for r in rows) / rated if not hidden else math.nan
    below = [r for r in rows if is_below(r["gap"])]
    above = [r for r in rows if is_above(r["gap"])]
    on = rated - len(below) - len(above)
    if hidden:
        headline = (f"{people(respondents).capitalize()} rated their own skills, and {len(below)} of the {rated} "
                    "skill areas that can be shown are below target.")
        average = (f"Team average: not reported while {plural(hidden, 'skill area')} "
                   f"{'is' if hidden == 1 else 'are'} hidden (an average of the rest would be a different "
                   f"figure); {_target_text([r['target'] for r in rows], scale)}.")
    else:
        headline = (f"{people(respondents).capitalize()} rated their own skills. The team averages "
                    f"{fmt_mean(team_mean)} on the {scale.range_text} scale, and {len(below)} of {rated} skill "
                    "areas are below target.")
        average = (f"Team average: {fmt_mean(team_mean)} out of {scale.max}, the average of the {rated} area "
                   f"averages (each area counts once); {_target_text([r['target'] for r in rows], scale)}.")
    points = [average, f"{plural(len(below), 'area')} below target, {on} on target, {len(above)} above."]
    if rated < total_areas:
        points.append(f"{rated} of the framework's {total_areas} skill areas have figures that can be shown.")
    return Finding(
        "standing", "Where the team stands", headline, tuple(points),
        {"respondents": respondents, "team_mean": team_mean, "areas_rated": rated, "areas_total": total_areas,
         "areas_below": len(below), "areas_on": on, "areas_above": len(above)},
        tuple(r["area_id"] for r in rows), "radar",
    )


def _standing_nothing(respondents: int, k: int, total_areas: int, team_suppressed: bool) -> Finding:
    if team_suppressed:
        headline = (f"{people(respondents).capitalize()} responded, fewer than the {k} needed for anonymous "
                    "results, so no figures are reported.")
    else:
        headline = "No skill area has figures that can be shown."
    return Finding("standing", "Where the team stands", headline, (),
                   {"respondents": respondents, "min_group_size": k, "areas_rated": 0, "areas_total": total_areas},
                   (), None)


def _strengths(rows: list[dict], scale: Scale, top: int) -> Finding:
    count = max(1, min(top, math.ceil(len(rows) / 3)))
    ranked = sorted(rows, key=lambda r: (-r["mean"], -r["at_target_share"], r["order"]))[:count]
    met = [r for r in ranked if not is_below(r["gap"])]
    names = and_list([r["area"] for r in ranked])
    if len(met) == len(ranked):
        headline = f"The strongest {'area is' if count == 1 else 'areas are'} {names}."
    elif not any(not is_below(r["gap"]) for r in rows):
        headline = f"No skill area reaches its target yet; the highest rated {'is' if count == 1 else 'are'} {names}."
    else:
        headline = (f"The highest rated {'area is' if count == 1 else 'areas are'} {names}; {len(met)} of them "
                    f"{'reaches' if len(met) == 1 else 'reach'} target.")
    points = []
    for r in ranked:
        where = ("above" if is_above(r["gap"]) else "on" if not is_below(r["gap"]) else "below")
        points.append(
            f"{r['area']}: average {fmt_mean(r['mean'])} against a target of {r['target']:g} ({where} target); "
            f"{r['at_target_n']} of {r['n']} people ({fmt_share(r['at_target_n'], r['n'])}) at or above target."
        )
    return Finding("strengths", "Strongest areas", headline, tuple(points),
                   {"areas": ranked}, tuple(r["area_id"] for r in ranked), "levels")


def rank_gaps(rows: list[dict]) -> list[dict]:
    """Areas below target, largest gap × weight first (ties: larger gap, then framework order)."""
    below = [r for r in rows if is_below(r["gap"])]
    return sorted(below, key=lambda r: (-round(r["priority"], 9), -round(r["gap"], 9), r["order"]))


def _gaps(rows: list[dict], scale: Scale, top: int, has_weights: bool) -> Finding:
    ranked = rank_gaps(rows)
    chart = "priority" if has_weights else "gaps"
    if not ranked:
        return Finding("gaps", "Largest gaps", "No skill area is below its target.", (),
                       {"areas": [], "weighted": has_weights}, (), chart)
    first = ranked[:top]
    names = and_list([r["area"] for r in first])
    lead = "Weighted by each area's weight in the framework, the largest" if has_weights else "The largest"
    word = "gap is" if len(first) == 1 else "gaps are"
    headline = f"{lead} {word} in {names}."
    points = []
    for r in first:
        text = (f"{r['area']}: average {fmt_mean(r['mean'])} against a target of {r['target']:g}, "
                f"{fmt_gap(r['gap'])} levels below")
        if has_weights:
            text += f" (× weight {fmt_weight(r['weight'])} = priority {fmt_priority(r['priority'])})"
        text += f"; {r['at_target_n']} of {r['n']} people at or above target."
        points.append(text)
    rest = ranked[top:]
    if rest:
        points.append("Also below target: " + and_list(
            [f"{r['area']} ({fmt_gap(r['gap'])} below)" for r in rest]) + ".")
    return Finding("gaps", "Largest gaps", headline, tuple(points),
                   {"areas": ranked, "named": first, "weighted": has_weights},
                   tuple(r["area_id"] for r in ranked), chart)


def _coverage(rows: list[dict], hidden_count: int) -> Finding:
    spof = [r for r in rows if r["at_target_n"] == 1]
    nobody = [r for r in rows if r["at_target_n"] == 0]
    parts = []
    if nobody:
        parts.append(f"nobody on the team is at target in {and_list([r['area'] for r in nobody])}")
    if spof:
        parts.append(f"{'one area depends' if len(spof) == 1 else f'{len(spof)} areas depend'} on a single person: "
                     f"{and_list([r['area'] for r in spof])}")
    if parts:
        headline = "; ".join(parts)
        headline = headline[0].upper() + headline[1:] + "."
    else:
        headline = "Every rated area has at least two people at or above target."
    points = [
        f"{r['area']}: none of the {r['n']} people who rated it is at or above target." for r in nobody
    ] + [
        f"{r['area']}: 1 of {r['n']} people who rated it is at or above target; if that person leaves, "
        "nobody on the team covers it." for r in spof
    ]
    if not parts:
        thinnest = min(rows, key=lambda r: (r["at_target_n"], r["order"]))
        points.append(f"Thinnest cover: {thinnest['area']}, with {thinnest['at_target_n']} of {thinnest['n']} "
                      "people at or above target.")
    if hidden_count:
        points.append(f"Cover in the {plural(hidden_count, 'hidden area')} is not reported.")
    return Finding("coverage", "Coverage risks", headline, tuple(points),
                   {"spof": spof, "nobody": nobody, "hidden_areas": hidden_count},
                   tuple(r["area_id"] for r in nobody + spof), "coverage")


def _base(rows: list[dict], respondents: int) -> Finding:
    lo = min(rows, key=lambda r: (r["n"], r["order"]))
    hi = max(r["n"] for r in rows)
    na = sum(r["n_na"] for r in rows)
    headline = f"These results rest on {people(respondents)}."
    if lo["n"] == hi:
        raters = f"Every area shown was rated by {people(hi)}."
    else:
        raters = (f"Each area shown was rated by {lo['n']} to {hi} people; the fewest rated "
                  f"{lo['area']} ({lo['n']}).")
    points = [
        raters,
        (f"{plural(na, 'answer')} said not applicable or don't know; they are left out of the averages, "
         "not counted as zero.") if na else "Every answer in the areas shown was a rating.",
        "The ratings are staff self-assessments.",
    ]
    return Finding("base", "What the figures rest on", headline, tuple(points),
                   {"respondents": respondents, "raters_min": lo["n"], "raters_max": hi, "fewest_area": lo["area"],
                    "not_applicable": na},
                   (), None)


def _hidden(hidden: pd.DataFrame, empty: pd.DataFrame, respondents: int, k: int, team_suppressed: bool,
            total_areas: int) -> Finding:
    why = f"fewer than {k} people rated {{it}}"
    points = []
    if team_suppressed:
        headline = (f"Everything is hidden: {people(respondents)} responded and anonymous results need at least {k}.")
    elif len(hidden) or len(empty):
        bits = []
        if len(hidden):
            bits.append(f"{plural(len(hidden), 'area')} hidden because "
                        + why.format(it="it" if len(hidden) == 1 else "them"))
        if len(empty):
            bits.append(f"{plural(len(empty), 'area')} with no ratings")
        headline = "Not shown: " + " and ".join(bits) + "."
        points += [f"{a}: hidden, {why.format(it='it')}." for a in hidden["area"]]
        points += [f"{a}: the survey has no ratings for it." for a in empty["area"]]
    else:
        headline = f"Nothing is hidden: every skill area was rated by at least {k} people."
    points.append(f"Results are anonymous: no names or individual answers appear, and any figure resting on "
                  f"fewer than {k} people is hidden so that no one's ratings can be singled out.")
    return Finding("hidden", "What is hidden, and why", headline, tuple(points),
                   {"min_group_size": k, "hidden": list(hidden["area"]), "no_ratings": list(empty["area"]),
                    "team_suppressed": team_suppressed, "areas_total": total_areas},
                   tuple(hidden.index) + tuple(empty.index), None)


def _asks(rows: list[dict], hidden: pd.DataFrame, respondents: int, k: int,
          team_suppressed: bool, top: int, has_weights: bool) -> Finding:
    asks, numbers = [], []
    if team_suppressed:
        asks.append(f"Encourage the whole technology team to take the next survey: at least {k} responses are "
                    f"needed before any results can be reported (this round had {respondents}).")
        numbers.append({"kind": "response", "respondents": respondents, "min_group_size": k})
    else:
        gaps = rank_gaps(rows)[:top]
        if gaps:
            asks.append(
                f"Professional learning in {and_list([r['area'] for r in gaps])}, the largest "
                f"{'weighted ' if has_weights else ''}"
                f"{'gap' if len(gaps) == 1 else 'gaps'} ("
                + and_list([fmt_gap(r["gap"]) for r in gaps]) + f" {'level' if len(gaps) == 1 else 'levels'} below target)."
            )
            numbers.append({"kind": "learning", "areas": [r["area"] for r in gaps], "gaps": [r["gap"] for r in gaps]})
        spof = [r for r in rows if r["at_target_n"] == 1]
        if spof:
            asks.append(f"Staffing or cross-training so that more than one person covers "
                        f"{and_list([r['area'] for r in spof])} (one person at target in "
                        f"{'it' if len(spof) == 1 else 'each'}).")
            numbers.append({"kind": "staffing", "areas": [r["area"] for r in spof]})
        nobody = [r for r in rows if r["at_target_n"] == 0]
        if nobody:
            asks.append(f"Outside expertise, hiring or training for {and_list([r['area'] for r in nobody])}, "
                        "where nobody on the team is at target.")
            numbers.append({"kind": "expertise", "areas": [r["area"] for r in nobody]})
        if len(hidden):
            asks.append(f"A fuller response to the next survey round: {plural(len(hidden), 'area')} could not be "
                        f"reported because fewer than {k} people rated {'it' if len(hidden) == 1 else 'them'}.")
            numbers.append({"kind": "response", "areas": list(hidden["area"]), "min_group_size": k})
        if not asks:
            asks.append("No new request: every area shown is at or above target with at least two people covering "
                        "it. Keep the current professional learning and survey the team again next round.")
            numbers.append({"kind": "sustain"})
    headline = ("We ask the board to support:" if not (len(asks) == 1 and numbers[0]["kind"] == "sustain")
                else "Nothing new to ask this round.")
    return Finding("asks", "What we ask of the board", headline, tuple(asks), {"asks": numbers}, (), None)
