"""Trend figures and the change table: a :func:`framework.trends.trend_summary` frame in, plotly
figures and display frames out (no streamlit).

Every point says how many ratings it rests on; a point hidden by the minimum group size is not
drawn (the line breaks there, and the panel says "hidden"). Directions are told by arrows and
words (▲ up, ▼ down, ► no change), never by colour alone; colours are Okabe–Ito. Area, category and
round names reach a figure only through :func:`framework.safe_text.chart_text` (or
:func:`framework.figures.wrap`, which escapes too), so plotly shows them as text; the change table is
a plain frame and keeps them as they are.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from framework.figures import CATEGORY_COLOURS, FONT, OKABE_ITO, TARGET_COLOUR, TEAM_COLOUR, people_text, wrap
from framework.safe_text import chart_text
from framework.scales import Scale, get_scale
from framework.trends import SMALL_N, change_words, latest_changes

PREVIOUS_COLOUR = OKABE_ITO["orange"]
HIDDEN_TEXT_COLOUR = "#666"


def _rounds(trend: pd.DataFrame) -> pd.DataFrame:
    """One row per round, oldest first, with a unique x label."""
    rounds = (trend.drop_duplicates("round_index").sort_values("round_index")
              [["round_id", "round_label", "survey_date", "round_index", "respondents", "rescaled"]].copy())
    labels = rounds["round_label"].astype(str)
    dup = labels.duplicated(keep=False)
    labels = labels.where(~dup, labels + " (" + rounds["survey_date"].dt.strftime("%Y-%m-%d") + ")")
    rounds["x"] = labels.to_numpy()
    return rounds.reset_index(drop=True)


def _category_colours(trend: pd.DataFrame) -> dict[str, str]:
    cats = list(dict.fromkeys(trend.sort_values("order")["category_id"].tolist()))
    return {c: CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i, c in enumerate(cats)}


def _fmt(v) -> str:
    return "" if v is None or pd.isna(v) else f"{float(v):.2f}"


def _label_side(mean: float | None, target: float, scale: Scale) -> str:
    """Above the point, unless the two-line label would sit on the target line just above it."""
    if mean is not None and 0 <= target - mean < 0.9 and mean - scale.min >= 0.8:
        return "bottom center"
    return "top center"


def trend_figure(trend: pd.DataFrame, scale: Scale | None = None, title: str = "Skill-area means by round",
                 columns: int = 4) -> go.Figure:
    """Small multiples: one panel per skill area (framework order, shaded by category), the mean per
    round with its n written at every point, and the target as a dashed line."""
    scale = scale or get_scale(trend.attrs.get("scale", "1-4"))
    rounds = _rounds(trend)
    areas = trend.drop_duplicates("area_id").sort_values("order")
    n_areas = max(len(areas), 1)
    cols = max(1, min(columns, n_areas))
    rows = math.ceil(n_areas / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[wrap(a, 28) for a in areas["area"]],
                        shared_yaxes=True, horizontal_spacing=0.04, vertical_spacing=0.16 if rows > 1 else 0.1)
    colours = _category_colours(trend)
    xs = [chart_text(x) for x in rounds["x"]]
    x_of = dict(zip(rounds["round_id"], xs))
    for i, area in enumerate(areas.itertuples()):
        row, col = i // cols + 1, i % cols + 1
        part = trend[trend["area_id"].eq(area.area_id)].sort_values("round_index")
        x = [x_of[r] for r in part["round_id"]]
        shown = (~part["suppressed"] & part["n"].gt(0).fillna(False)).to_numpy(dtype=bool)
        mean = [float(m) if s else None for m, s in zip(part["mean"], shown)]
        text = [f"{m:.2f}<br>n {n}" if s else "" for m, n, s in zip(part["mean"], part["n"], shown)]
        at = ["" if not s else f"{int(a)} of {n}" for a, n, s in zip(part["at_target_n"], part["n"], shown)]
        dates = part["survey_date"].dt.strftime("%Y-%m-%d").tolist()
        fig.add_trace(go.Scatter(
            x=x, y=mean, mode="lines+markers+text", text=text, textposition=[_label_side(m, area.target, scale) for m in mean],
            textfont=dict(size=11, color="#003e63"), line=dict(color=TEAM_COLOUR, width=2.5),
            marker=dict(size=8, color=TEAM_COLOUR), connectgaps=False, cliponaxis=False,
            name="Mean (n = ratings at each point)", legendgroup="mean", showlegend=i == 0,
            customdata=np.column_stack([[chart_text(area.area)] * len(x), dates, part["n"].to_numpy(), at]),
            hovertemplate="%{customdata[0]}<br>%{x} (%{customdata[1]})<br>Mean %{y:.2f} (n = %{customdata[2]})"
                          "<br>At or above target: %{customdata[3]}<extra></extra>",
        ), row=row, col=col)
        fig.add_trace(go.Scatter(
            x=xs, y=[float(area.target)] * len(xs), mode="lines", line=dict(color=TARGET_COLOUR, width=1.5, dash="dash"),
            name="Target", legendgroup="target", showlegend=i == 0, hoverinfo="skip",
        ), row=row, col=col)
        for xv, n, sup in zip(x, part["n"], part["suppressed"]):
            if sup or n == 0:
                fig.add_annotation(x=xv, y=scale.min + 0.25, text="hidden" if sup else "no ratings",
                                   showarrow=False, font=dict(size=10, color=HIDDEN_TEXT_COLOUR), row=row, col=col)
        axis = "" if i == 0 else str(i + 1)
        fig.add_shape(type="rect", xref=f"x{axis} domain", yref=f"y{axis} domain", x0=0, x1=1, y0=0, y1=1,
                      fillcolor=colours[area.category_id], opacity=0.10, line_width=0, layer="below")
    for cat, colour in colours.items():  # the shading's legend
        name = trend.loc[trend["category_id"].eq(cat), "category"].iloc[0]
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=chart_text(name), hoverinfo="skip",
                                 marker=dict(symbol="square", size=12, color=colour, opacity=0.35)))
    fig.update_yaxes(range=[scale.min - 0.15, scale.max + 0.55], dtick=1, gridcolor="#e5e5e5")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=xs, tickfont=dict(size=11))
    fig.update_annotations(selector=dict(xref="paper"), font=dict(size=13))
    k = trend.attrs.get("min_group_size")
    sub = f"scale {scale.range_text} · n = ratings behind each point" + (
        f" · points resting on fewer than {k} people are hidden" if k else " · named view")
    fig.update_layout(
        title=dict(text=f"{title}<br><sup>{sub}</sup>", x=0.0), font=FONT, height=110 + 250 * rows,
        margin=dict(l=40, r=20, t=110, b=60), plot_bgcolor="white", paper_bgcolor="white",
        legend=dict(orientation="h", yanchor="top", y=-0.06 if rows > 1 else -0.2, x=0.5, xanchor="center"),
    )
    return fig


def compare_radar_figure(trend: pd.DataFrame, scale: Scale | None = None,
                         title: str = "This round against the last") -> go.Figure:
    """The latest round of ``trend`` against the round before it, per skill area, with the target;
    hidden areas have no point (the polygon breaks there)."""
    scale = scale or get_scale(trend.attrs.get("scale", "1-4"))
    rounds = _rounds(trend)
    cur = rounds.iloc[-1]
    prev = rounds.iloc[-2] if len(rounds) > 1 else None
    areas = trend.drop_duplicates("area_id").sort_values("order")
    theta = [wrap(label) for label in areas["label"]]
    fig = go.Figure()
    colours = _category_colours(trend)
    seen = set()
    for t, area in zip(theta, areas.itertuples()):
        fig.add_trace(go.Barpolar(
            r=[scale.max - scale.min], base=[scale.min], theta=[t], width=[1],
            marker=dict(color=colours[area.category_id], line=dict(width=0)), opacity=0.18,
            name=chart_text(area.category), legendgroup=f"cat-{area.category_id}",
            showlegend=area.category_id not in seen,
            hoverinfo="skip", legendrank=900,
        ))
        seen.add(area.category_id)
    closed = theta + theta[:1]
    names = [chart_text(a) for a in areas["area"]]
    target = areas["target"].astype(float).tolist()
    fig.add_trace(go.Scatterpolar(r=target + target[:1], theta=closed, mode="lines", name="Target",
                                  line=dict(color=TARGET_COLOUR, width=1.5, dash="dot"), hoverinfo="skip",
                                  legendrank=3))

    def polygon(rnd, colour, dash, fill, rank, text):
        part = trend[trend["round_id"].eq(rnd["round_id"])].set_index("area_id").reindex(areas["area_id"])
        shown = (~part["suppressed"].astype(bool) & part["n"].gt(0).fillna(False)).to_numpy(dtype=bool)
        r = [float(m) if s else None for m, s in zip(part["mean"], shown)]
        n = part["n"].fillna(0).astype(int).tolist()
        labels = [f"{v:.1f}" if v is not None else "" for v in r] if text else None
        x = chart_text(rnd["x"])
        fig.add_trace(go.Scatterpolar(
            r=r + r[:1], theta=closed, mode="lines+markers" + ("+text" if text else ""),
            name=f"{x} ({people_text(int(rnd['respondents']))})",
            line=dict(color=colour, width=3 if fill else 2, dash=dash),
            marker=dict(size=8 if fill else 7, symbol="circle" if fill else "square"),
            fill="toself" if fill else None, fillcolor="rgba(0,114,178,0.15)" if fill else None,
            text=(labels + [""]) if text else None, textposition="middle right",
            customdata=np.column_stack([names + names[:1], n + n[:1], [x] * (len(names) + 1)]), connectgaps=False,
            legendrank=rank,
            hovertemplate="%{customdata[2]}<br>%{customdata[0]}<br>Mean %{r:.2f} (n = %{customdata[1]})<extra></extra>",
        ))

    if prev is not None:
        polygon(prev, PREVIOUS_COLOUR, "dash", False, 2, False)
    polygon(cur, TEAM_COLOUR, "solid", True, 1, True)
    what = (f"{chart_text(cur['x'])} against {chart_text(prev['x'])}" if prev is not None
            else f"{chart_text(cur['x'])} (no earlier round)")
    fig.update_layout(
        title=dict(text=f"{title}<br><sup>{what} · scale {scale.range_text}</sup>", x=0.0),
        polar=dict(
            radialaxis=dict(range=[scale.min, scale.max], dtick=1, angle=90, tickangle=90, tickfont=dict(size=11),
                            gridcolor="#bbb"),
            angularaxis=dict(categoryorder="array", categoryarray=theta, rotation=90, direction="clockwise",
                             tickfont=dict(size=12), gridcolor="#ddd"),
            bgcolor="white",
        ),
        legend=dict(orientation="h", yanchor="top", y=-0.08, x=0.5, xanchor="center", font=dict(size=12)),
        margin=dict(l=70, r=70, t=80, b=100), font=FONT, height=580, paper_bgcolor="white",
    )
    return fig


def change_table(trend: pd.DataFrame, small_n: int = SMALL_N) -> pd.DataFrame:
    """The latest round of ``trend`` against the round before it: one row per skill area, means
    with their n, the change in arrows and words, people at or above target, and a caution where
    the change rests on fewer than ``small_n`` ratings."""
    latest = latest_changes(trend)
    if latest.empty:
        return pd.DataFrame()
    rounds = _rounds(trend)
    cur = rounds.iloc[-1]["x"]
    prev = rounds.iloc[-2]["x"] if len(rounds) > 1 else None
    k = trend.attrs.get("min_group_size")
    previous = trend[trend["round_index"].eq(latest["round_index"].iloc[0] - 1)].set_index("area_id")
    rows = []
    for r in latest.itertuples():
        p = previous.loc[r.area_id] if prev is not None and r.area_id in previous.index else None
        if r.direction:
            change = change_words(r.direction, r.change)
        elif prev is None:
            change = "– first round"
        elif bool(r.suppressed) or r.n == 0:
            change = "– not comparable: " + ("hidden" if r.suppressed else "no ratings") + f" in {cur}"
        else:
            change = "– not comparable: " + ("hidden" if p is not None and bool(p["suppressed"]) else "no ratings") + f" in {prev}"
        caution = ""
        if r.small_n:
            small = [f"{lbl} (n = {n})" for lbl, n in ((prev, r.previous_n), (cur, r.n)) if not pd.isna(n) and n < small_n]
            caution = f"Small group: fewer than {small_n} ratings in " + " and ".join(small) + "; the change may be chance."
        row = {"Category": r.category, "Skill area": r.area}
        if prev is not None:
            row[f"{prev} mean"] = None if p is None or bool(p["suppressed"]) or p["n"] == 0 else float(p["mean"])
            row[f"{prev} n"] = None if p is None or pd.isna(p["n"]) else int(p["n"])
        row[f"{cur} mean"] = None if bool(r.suppressed) or r.n == 0 else float(r.mean)
        row[f"{cur} n"] = None if pd.isna(r.n) else int(r.n)
        row["Change"] = change
        row["At or above target"] = _at_target_text(p, r)
        row["Caution"] = caution
        rows.append(row)
    table = pd.DataFrame(rows, index=pd.Index(latest["area_id"], name="area_id"))
    table.attrs["hidden_text"] = f"hidden (fewer than {k})" if k else ""
    return table


def _at_target_text(p, r) -> str:
    def one(sup, n, at):
        return "hidden" if sup else "–" if n == 0 else f"{int(at)} of {int(n)}"

    now = one(bool(r.suppressed), r.n, r.at_target_n)
    if p is None:
        return now
    return f"{one(bool(p['suppressed']), p['n'], p['at_target_n'])} → {now}"


__all__ = ["change_table", "compare_radar_figure", "trend_figure"]
