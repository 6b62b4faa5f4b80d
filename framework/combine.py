"""Several survey files as one team: same scale, or an explicit, shown rescale.

Files on different scales are never averaged together as they are. The user either picks the
scale to rescale to, and the rescale (each level's new value) is shown, or the files are refused
with a message. A rescale maps levels linearly, rounding half up to a whole level: on 1–5 to 1–4,
1→1, 2→2 (1.75), 3→3 (2.5), 4→3 (3.25), 5→4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from framework.definitions import Framework
from framework.importer import ImportResult
from framework.scales import Scale


class ScaleMismatchError(ValueError):
    """Files on different scales, with no rescale chosen; the message says which and what to do."""


@dataclass
class Combined:
    ratings: pd.DataFrame
    scale: Scale
    framework: Framework
    results: list[ImportResult]
    rescaled: dict[str, dict[int, int]] = field(default_factory=dict)  # file -> {old level: new level}
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        names = [r.report.filename for r in self.results]
        return names[0] if len(names) == 1 else f"{len(names)} files ({', '.join(names)})"


def rescale_map(source: Scale, target: Scale) -> dict[int, int]:
    span_s, span_t = source.max - source.min, target.max - target.min
    return {v: math.floor(target.min + (v - source.min) * span_t / span_s + 0.5 + 1e-9) for v in source.values}


def rescale(tidy: pd.DataFrame, source: Scale, target: Scale) -> pd.DataFrame:
    mapping = rescale_map(source, target)
    return tidy.assign(rating=tidy["rating"].map(mapping, na_action="ignore").astype("Int64"))


def combine(results: list[ImportResult], rescale_to: Scale | None = None) -> Combined:
    if not results:
        raise ValueError("no survey files to combine")
    framework = results[0].framework
    if any(r.framework.id != framework.id for r in results):
        raise ValueError("the files were read against different frameworks")
    if len(results) == 1 and (rescale_to is None or rescale_to.id == results[0].scale.id):
        r = results[0]
        return Combined(r.ratings, r.scale, framework, results)
    scales = {r.scale.id: r.scale for r in results}
    if len(scales) > 1 and rescale_to is None:
        which = ", ".join(f"{r.report.filename} on {r.scale.range_text}" for r in results)
        raise ScaleMismatchError(
            f"These files use different rating scales ({which}), so their ratings cannot be averaged together. "
            "Choose the scale to rescale them to, or upload files on one scale."
        )
    target = rescale_to or results[0].scale
    parts, rescaled, notes = [], {}, []
    for i, r in enumerate(results):
        tidy = r.ratings
        if r.scale.id != target.id:
            tidy = rescale(tidy, r.scale, target)
            rescaled[r.report.filename] = rescale_map(r.scale, target)
        key = tidy["respondent"].astype("string")
        key = key.where(~key.str.startswith("row:"), f"file{i + 1}:" + key)  # row keys are per file
        parts.append(tidy.assign(respondent=key, source=r.report.filename).astype({"source": "string"}))
    for name, mapping in rescaled.items():
        shown = ", ".join(f"{a}→{b}" for a, b in mapping.items())
        notes.append(f"{name} was rescaled to the {target.name} scale: {shown}.")
    both = pd.concat([p.astype({c: "string" for c in p.columns if isinstance(p[c].dtype, pd.CategoricalDtype)})
                      for p in parts], ignore_index=True)
    # the same person in two files: the file listed later wins
    people = both.drop_duplicates(["respondent", "source"])[["respondent", "source"]]
    dup = people[people.duplicated("respondent", keep="last")]
    if len(dup):
        notes.append(f"{dup['respondent'].nunique()} people answered in more than one file; "
                     "each is counted once, from the file listed last.")
        keep_source = people.drop_duplicates("respondent", keep="last").set_index("respondent")["source"]
        both = both[both["source"].eq(both["respondent"].map(keep_source))]
    both = both.reset_index(drop=True)
    for col in ("respondent", "name", "email", "role", "role_id", "group", "status", "column", "source"):
        both[col] = both[col].astype("category")
    both["area_id"] = pd.Categorical(both["area_id"].astype("string"), categories=framework.area_ids)
    return Combined(both, target, framework, results, rescaled, notes)
