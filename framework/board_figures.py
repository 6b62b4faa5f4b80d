"""Figures for the board report: who covers each area, how the team rates itself, weighted gaps.

Frames in (anonymous :func:`framework.aggregate.area_summary` frames), plotly figures out, no
streamlit. Same conventions as :mod:`framework.figures`: Okabe–Ito colours, every value also
printed as text, hidden areas named as hidden rather than left out silently, and the number of
people in every subtitle, and text from the data only through :func:`framework.safe_text.chart_text`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from framework.figures import ABOVE_COLOUR, BELOW_COLOUR, FONT, OKABE_ITO, people_text
from framework.safe_text import chart_text
from framework.scales import Scale

BELOW_FILL = "#DDDDDD"
HIDDEN_TEXT = "#666666"


def _shown(areas: pd.DataFrame) -> pd.DataFrame:
    return areas[~areas["suppressed"].astype(bool) & areas["n"].gt(0)]


def _not_shown_note(areas: pd.DataFrame, k: int | None) -> str:
    hidden = areas[areas["suppressed"].astype(bool)]
    empty = areas[~areas["suppressed"].astype(bool) & areas["n"].eq(0)]
    bits = []
    if len(hidden):
        bits.append(f"hidden (fewer than {k} ratings): " + ", ".join(map(chart_text, hidden["label"])))
    if len(empty):
        bits.append("no ratings: " + ", ".join(map(chart_text, empty["label"])))
    return "Not shown: " + "; ".join(bits) if bits else ""


def _layout(fig: go.Figure, title: str, subtitle: str, rows: int, note: str, legend: bool) -> go.Figure:
    fig.update_layout(
        title=dict(text=f"{title}<br><sup>{subtitle}</sup>", x=0.0),
        font=FONT, plot_bgcolor="white", paper_bgcolor="white",
        height=max(320, 150 + 44 * rows + (30 if note else 0)),
        margin=dict(l=10, r=30, t=90, b=60 + (30 if note else 0)),
        showlegend=legend,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1.0, xanchor="right", font=dict(size=12),
                    traceorder="normal"),
    )
    if note:
        fig.add_annotation(text=note, xref="paper", yref="paper", x=0, y=0, yshift=-70, showarrow=False,
                           xanchor="left", yanchor="top", font=dict(size=12, color=HIDDEN_TEXT), align="left")
    return fig


def coverage_figure(areas: pd.DataFrame, respondents: int, min_group_size: int | None,
                    title: str = "Who covers each skill area") -> go.Figure:
    """Per area, people at or above target (filled) and below it (grey), fewest at target on top.

    Areas where one person or nobody is at target are named in bold with that fact in words, so
    the risk does not rest on colour.
    """
    shown = _shown(areas).copy()
    shown["below_n"] = shown["n"] - shown["at_target_n"]
    # plotly draws the first category at the bottom: most cover first, so the thinnest is on top
    shown = shown.sort_values(["at_target_n", "order"], ascending=[False, False], kind="stable")
    labels = []
    for r in shown.itertuples():
        at = int(r.at_target_n)
        flag = " · nobody" if at == 0 else " · one person" if at == 1 else ""
        labels.append(f"<b>{chart_text(r.label)}{flag}</b>" if flag else chart_text(r.label))
    at_n = shown["at_target_n"].astype(int).to_numpy()
    n = shown["n"].astype(int).to_numpy()
    areas_text = [chart_text(a) for a in shown["area"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=labels, x=at_n, orientation="h", name="At or above target", marker=dict(color=ABOVE_COLOUR),
        customdata=np.column_stack([areas_text, n]) if len(shown) else None,
        hovertemplate="%{customdata[0]}<br>%{x} of %{customdata[1]} at or above target<extra></extra>",
    ))
    fig.add_trace(go.Bar(
        y=labels, x=shown["below_n"].astype(int), orientation="h", name="Below target",
        marker=dict(color=BELOW_FILL, pattern=dict(shape="/", fgcolor="#AAAAAA", size=6)),
        customdata=np.column_stack([areas_text, n]) if len(shown) else None,
        hovertemplate="%{customdata[0]}<br>%{x} of %{customdata[1]} below target<extra></extra>",
    ))
    for label, a, t in zip(labels, at_n, n):  # the count in words at the end of each bar
        fig.add_annotation(x=t, y=label, text=f"{a} of {t} at target", showarrow=False, xanchor="left", xshift=6,
                           font=dict(size=12, color=BELOW_COLOUR if a <= 1 else "#333"))
    most = int(n.max()) if len(n) else 1
    fig.update_layout(barmode="stack", bargap=0.35)
    fig.update_xaxes(title="People who rated the area", range=[0, most * 1.35], gridcolor="#eee",
                     dtick=max(1, int(np.ceil(most / 10))))
    fig.update_yaxes(type="category", automargin=True)
    return _layout(
        fig, title, f"people at or above target of those who rated the area · {people_text(respondents)}",
        len(shown), _not_shown_note(areas, min_group_size), legend=True,
    )


def level_colours(scale: Scale) -> list[str]:
    """Colours per level, low to high: warm below the middle, grey in the middle (odd scales), cool above."""
    half = len(scale.values) // 2
    warm = [OKABE_ITO["vermillion"], OKABE_ITO["orange"], OKABE_ITO["yellow"]]
    cool = [OKABE_ITO["sky"], OKABE_ITO["blue"], "#004C7A"]
    low = [warm[min(i, 2)] for i in range(half)]
    high = [OKABE_ITO["blue"]] if half == 1 else [cool[min(i, 2)] for i in range(half)]
    return low + (["#BBBBBB"] if len(scale.values) % 2 else []) + high


def levels_figure(areas: pd.DataFrame, scale: Scale, respondents: int, min_group_size: int | None,
                  title: str = "How the team rates itself") -> go.Figure:
    """100% stacked bars of the levels chosen per area, highest mean on top; mean printed at the end."""
    shown = _shown(areas).sort_values(["mean", "order"], ascending=[True, False], kind="stable")
    fig = go.Figure()
    colours = level_colours(scale)
    totals = shown["n"].astype(float).to_numpy()
    labels = [chart_text(label) for label in shown["label"]]
    areas_text = [chart_text(a) for a in shown["area"]]
    for value, colour in zip(scale.values, colours):
        counts = shown[f"level_{value}"].astype(float).to_numpy() if len(shown) else np.array([])
        share = np.divide(100 * counts, totals, out=np.zeros_like(counts), where=totals > 0)
        dark = colour in (OKABE_ITO["vermillion"], OKABE_ITO["blue"])
        fig.add_trace(go.Bar(
            y=labels, x=share, orientation="h", name=chart_text(scale.level_text(value)), marker=dict(color=colour),
            text=[f"{s:.0f}%" if s >= 8 else "" for s in share], textposition="inside", insidetextanchor="middle",
            textfont=dict(color="white" if dark else "#222", size=12),
            customdata=np.column_stack([areas_text, counts.astype(int), totals.astype(int)]) if len(shown) else None,
            hovertemplate="%{customdata[0]}<br>%{fullData.name}: %{customdata[1]} of %{customdata[2]} (%{x:.0f}%)"
                          "<extra></extra>",
        ))
    for label, mean in zip(labels, shown["mean"]):
        fig.add_annotation(x=100, y=label, text=f"mean {mean:.2f}", showarrow=False, xanchor="left", xshift=6,
                           font=dict(size=12, color="#333"))
    fig.update_layout(barmode="stack", bargap=0.3)
    fig.update_xaxes(range=[0, 100], ticksuffix="%", title="Share of the people who rated the area",
                     gridcolor="#eee")
    fig.update_yaxes(type="category", automargin=True)
    fig = _layout(fig, title, f"levels chosen per skill area, highest mean on top · {people_text(respondents)}",
                  len(shown), _not_shown_note(areas, min_group_size), legend=True)
    fig.update_layout(margin=dict(r=95))
    return fig


def priority_figure(areas: pd.DataFrame, respondents: int, min_group_size: int | None,
                    title: str = "Gaps weighted by the framework") -> go.Figure:
    """Areas below target ranked by gap × area weight (weight 1 when the framework has none)."""
    shown = _shown(areas).copy()
    weight = shown["weight"].astype("float64").fillna(1.0)
    shown["priority"] = shown["gap"].astype("float64") * weight
    shown["w"] = weight
    below = shown[shown["gap"] > 1e-9].sort_values(["priority", "gap", "order"], ascending=[True, True, False],
                                                     kind="stable")
    fig = go.Figure(go.Bar(
        y=[chart_text(label) for label in below["label"]], x=below["priority"], orientation="h",
        marker=dict(color=BELOW_COLOUR),
        text=[f"gap {g:.2f} × weight {w:g} = {p:.1f}" for g, w, p in zip(below["gap"], below["w"], below["priority"])],
        textposition="outside", cliponaxis=False, showlegend=False,
        customdata=np.column_stack([[chart_text(a) for a in below["area"]], below["n"]]) if len(below) else None,
        hovertemplate="%{customdata[0]}<br>priority %{x:.1f} (n = %{customdata[1]})<extra></extra>",
    ))
    most = float(below["priority"].max()) if len(below) else 1.0
    fig.update_xaxes(range=[0, most * 1.6], title="Gap × area weight", gridcolor="#eee")
    fig.update_yaxes(type="category", automargin=True)
    return _layout(fig, title, f"areas below target, largest weighted gap on top · {people_text(respondents)}",
                   len(below), _not_shown_note(areas, min_group_size), legend=False)
