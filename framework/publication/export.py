"""The publication as the ``publication`` command prints it: one JSON object.

    {"k": int, "respondents": int, "rounds": [str] (several rounds only),
     "figures": [{"population": {} | {"role": [...]} | {"school": [...]} | {"role": [...], "school": [...]},
                  "area": str | "category": str | "overall": true, "round": str | null,
                  "n": int, "mean": float, "levels": {"1": int, ...}, "not_applicable": int,
                  "at_target": int, "target": number}]}

A population lists the values of the file's role and school (or department) columns as written
(several values: their union, a pooled group; both keys: their intersection; {}: the whole team).
A figure leaves out every field that is not shown: a hidden area keeps only its target; a category
or the overall mean has only ``mean`` (and the category its target). Areas and categories are named
as the framework names them. ``not_applicable`` (N/A answers) is shown on the pages, so it is
published too.
"""

from __future__ import annotations

import math

import pandas as pd

from framework.publication.model import Publication
from framework.publication.series import SeriesPublication


def _num(x: float) -> float | int:
    x = float(x)
    return int(x) if x.is_integer() else round(x, 10)


def area_figure(row, population: dict, area: str, round_label: str | None, scale_values: list[int]) -> dict:
    out = {"population": population, "area": area, "round": round_label}
    if not bool(row["suppressed"]):
        out["n"] = int(row["n"])
        if int(row["n"]) > 0:
            out["mean"] = round(float(row["mean"]), 10)
        out["levels"] = {str(v): int(row[f"level_{v}"]) for v in scale_values}
        out["not_applicable"] = int(row["n_na"])
        out["at_target"] = int(row["at_target_n"])
    out["target"] = _num(row["target"])
    return out


def _derived(pub_areas: pd.DataFrame, categories: pd.DataFrame, overall: dict, population: dict,
             round_label: str | None) -> list[dict]:
    out = []
    for _, c in categories.iterrows():
        fig = {"population": population, "category": c["category"], "round": round_label}
        if not math.isnan(c["mean"]):
            fig["mean"] = round(float(c["mean"]), 10)
        fig["target"] = _num(c["target"])
        out.append(fig)
    fig = {"population": population, "overall": True, "round": round_label}
    if not math.isnan(overall["mean"]):
        fig["mean"] = round(float(overall["mean"]), 10)
    out.append(fig)
    return out


def _figures_of(pub: Publication, round_label: str | None) -> list[dict]:
    figures = []
    names = {a.id: a.name for a in pub.framework.areas}
    for p in pub.populations.values():
        if not p.offered:
            continue  # a cell that is never shown has no figures at all
        areas = pub.areas(p)
        population = p.describe()
        for area_id, row in areas.iterrows():
            figures.append(area_figure(row, population, names[area_id], round_label, pub.scale.values))
        figures += _derived(areas, pub.categories(p), pub.overall(p), population, round_label)
    return figures


def publication_json(pub: Publication) -> dict:
    """One data set's publication (round null)."""
    return {"k": pub.k, "respondents": pub.respondents, "figures": _figures_of(pub, None)}


def series_json(pub: SeriesPublication) -> dict:
    """A series of rounds: every round's figures, each with its round's label."""
    figures = []
    for label, rnd in zip(pub.labels, pub.rounds):
        figures += _figures_of(rnd, label)
    return {"k": pub.k, "respondents": pub.people, "rounds": list(pub.labels), "figures": figures}
