"""Figure builders and display tables: frames in, plotly figures and frames out (no streamlit).

Colours come from the Okabe–Ito palette, which stays distinct for the common colour-vision
deficiencies; every chart also prints its values as text, so nothing depends on colour alone.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from framework.definitions import Framework
from framework.scales import Scale

# Okabe & Ito (2008), "Color Universal Design"
OKABE_ITO = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000", "grey": "#7F7F7F",
}
CATEGORY_COLOURS = [OKABE_ITO["sky"], OKABE_ITO["orange"], OKABE_ITO["green"], OKABE_ITO["purple"], OKABE_ITO["yellow"]]
TEAM_COLOUR = OKABE_ITO["blue"]
TARGET_COLOUR = OKABE_ITO["black"]
BELOW_COLOUR = OKABE_ITO["vermillion"]
ABOVE_COLOUR = OKABE_ITO["blue"]
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=14, color="#222")


def wrap(text: str, width: int = 14) -> str:
    return "<br>".join(textwrap.wrap(text, width)) or text


def people_text(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def radar_figure(areas: pd.DataFrame, framework: Framework, scale: Scale, respondents: int,
                 title: str = "Team mean against target") -> go.Figure:
    """Team mean and target per skill area, in framework order, on a fixed radial range.

    ``areas`` is an :func:`framework.aggregate.area_summary` frame. Both polygons are closed (the
    first point is repeated). Category sectors shade the background so the three categories read
    as groups. Suppressed areas have no point (the polygon breaks there).
    """
    ordered = areas.reindex(framework.area_ids)
    theta = [wrap(a.label) for a in framework.areas]
    fig = go.Figure()
    cat_ids = [c.id for c in framework.categories]
    for a_theta, area in zip(theta, framework.areas):
        ci = cat_ids.index(area.category)
        first = next(a for a in framework.areas if a.category == area.category) is area
        fig.add_trace(go.Barpolar(
            r=[scale.max - scale.min], base=[scale.min], theta=[a_theta], width=[1],  # category units on a categorical axis
            marker=dict(color=CATEGORY_COLOURS[ci % len(CATEGORY_COLOURS)], line=dict(width=0)), opacity=0.22,
            name=framework.categories[ci].name, legendgroup=f"cat-{area.category}", showlegend=first,
            hoverinfo="skip", legendrank=900 + ci,
        ))
    closed = theta + theta[:1]
    target = ordered["target"].tolist()
    mean = ordered["mean"].astype("float64").tolist()
    n = ordered["n"].astype("float64").tolist()
    names = [a.name for a in framework.areas]
    fig.add_trace(go.Scatterpolar(
        r=target + target[:1], theta=closed, mode="lines", name="Target",
        line=dict(color=TARGET_COLOUR, width=2, dash="dash"),
        customdata=names + names[:1], hovertemplate="%{customdata}<br>Target %{r:.0f}<extra></extra>",
        legendrank=2,
    ))
    fig.add_trace(go.Scatterpolar(
        r=mean + mean[:1], theta=closed, mode="lines+markers+text", name=f"Team mean (n = {respondents})",
        fill="toself", fillcolor="rgba(0,114,178,0.18)", line=dict(color=TEAM_COLOUR, width=3),
        marker=dict(size=8, symbol="circle"), text=[_fmt(v) for v in mean] + [""], textposition="middle right",
        textfont=dict(size=13, color="#003e63"),
        customdata=np.column_stack([names + names[:1], n + n[:1]]),
        hovertemplate="%{customdata[0]}<br>Mean %{r:.2f} (n = %{customdata[1]})<extra></extra>",
        connectgaps=False, legendrank=1,
    ))
    fig.update_layout(
        title=dict(text=f"{title}<br><sup>{people_text(respondents)} · scale {scale.range_text}</sup>", x=0.0),
        polar=dict(
            radialaxis=dict(range=[scale.min, scale.max], dtick=1, tickfont=dict(size=11), angle=90,
                            tickangle=90, showline=False, gridcolor="#bbb"),
            angularaxis=dict(categoryorder="array", categoryarray=theta, rotation=90, direction="clockwise",
                             tickfont=dict(size=12), gridcolor="#ddd"),
            bgcolor="white", hole=0.0,
        ),
        legend=dict(orientation="h", yanchor="top", y=-0.08, x=0.5, xanchor="center", font=dict(size=12)),
        margin=dict(l=70, r=70, t=80, b=90), font=FONT, height=560, paper_bgcolor="white",
    )
    return fig


def _fmt(v: float) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.1f}"


def gap_figure(areas: pd.DataFrame, scale: Scale, respondents: int, title: str = "Gap to target") -> go.Figure:
    """Horizontal bars of target − mean, largest gap at the top; labels say below or above in words."""
    shown = areas[~areas["suppressed"] & areas["n"].gt(0)].copy()
    shown = shown.sort_values("gap", ascending=True, kind="stable")  # plotly draws bottom-up
    below = shown["gap"] > 0
    words = [f"{g:.2f} below" if g > 0 else "on target" if g == 0 else f"{-g:.2f} above" for g in shown["gap"]]
    labels = [
        label + (" · 1 at target" if spof else " · 0 at target" if nobody else "")
        for label, spof, nobody in zip(shown["label"], shown["spof"].fillna(False), shown["nobody_at_target"].fillna(False))
    ]
    fig = go.Figure(go.Bar(
        x=shown["gap"], y=labels, orientation="h",
        marker=dict(color=[BELOW_COLOUR if b else ABOVE_COLOUR for b in below],
                    pattern=dict(shape=["" if b else "/" for b in below], fillmode="overlay", size=6)),
        text=words, textposition="outside", cliponaxis=False,
        customdata=np.column_stack([shown["area"], shown["mean"], shown["target"], shown["n"]]),
        hovertemplate="%{customdata[0]}<br>Target %{customdata[2]:.0f}, mean %{customdata[1]:.2f}"
                      "<br>Gap %{x:.2f} (n = %{customdata[3]})<extra></extra>",
        showlegend=False,
    ))
    # room for the text labels beside the bars on both sides
    pos = float(max(shown["gap"].max(), 0.0)) if len(shown) else 0.0
    neg = float(max(-shown["gap"].min(), 0.0)) if len(shown) else 0.0
    total = max(pos + neg, 0.5) / 0.45
    x_range = [-(neg + 0.275 * total), pos + 0.275 * total]
    fig.add_vline(x=0, line=dict(color=TARGET_COLOUR, width=1.5))
    fig.update_layout(
        title=dict(text=f"{title}<br><sup>target − team mean · {people_text(respondents)} · "
                        "bars right of the line fall short</sup>", x=0.0),
        xaxis=dict(range=x_range, zeroline=False, title="Levels below target",
                   gridcolor="#eee"),
        yaxis=dict(type="category", automargin=True),
        margin=dict(l=10, r=20, t=80, b=50), font=FONT, height=max(300, 60 + 42 * len(shown)),
        plot_bgcolor="white", paper_bgcolor="white",
    )
    return fig


def area_table(areas: pd.DataFrame, scale: Scale, min_group_size: int | None) -> pd.DataFrame:
    """The overview's table: one row per area, values as a reader sees them (N/A stays blank)."""
    hidden = f"hidden (fewer than {min_group_size})" if min_group_size else "hidden"
    rows = []
    for _, r in areas.iterrows():
        sup = bool(r["suppressed"])
        if sup:
            status = hidden
        elif r["n"] == 0:
            status = "no ratings"
        elif r["nobody_at_target"]:
            status = "nobody at target"
        elif r["spof"]:
            status = "one person at target"
        elif r["gap"] > 0:
            status = "below target"
        else:
            status = "at or above target"
        rows.append({
            "Category": r["category"],
            "Skill area": r["area"],
            "n": int(r["n"]),
            "Mean": None if sup else r["mean"],
            "Median": None if sup else r["median"],
            "Target": int(r["target"]),
            "Gap": None if sup else r["gap"],
            "At or above target": None if sup or r["n"] == 0 else int(r["at_target_n"]),
            "Share at target": None if sup or r["n"] == 0 else round(100 * r["at_target_share"]),
            "N/A answers": None if sup else int(r["n_na"]),
            "Status": status,
        })
    return pd.DataFrame(rows, index=pd.Index(areas.index, name="area_id"))
