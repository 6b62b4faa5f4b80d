"""The chart on a person's My results page: their rating per skill area beside their role's target, the team's
anonymous mean (where the publication shows it) and their supervisor's rating (where the round asked for one).

Okabe–Ito colours and a different marker shape per series, so that nothing is read by colour alone; the values
are written on the chart and the page puts the same figures in a table beside it.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from framework.growth import GrowthPlan
from framework.safe_text import chart_text
from framework.scales import Scale

YOU, TARGET, TEAM, SUPERVISOR_COLOUR = "#0072B2", "#D55E00", "#009E73", "#CC79A7"


def plan_figure(plan: GrowthPlan, scale: Scale, supervisor: dict | None = None, team_people: int | None = None,
                title: str = "") -> go.Figure:
    """One row per skill area (framework order, top to bottom): you, your role's target, the team, your supervisor.

    ``supervisor``: area id -> level, "N/A" or None. ``team_people``: how many people the team figures rest on
    (the publication's team), said in the title."""
    areas = list(plan.areas)
    y = [chart_text(a.label or a.name) for a in areas]
    fig = go.Figure()

    def series(name, xs, colour, symbol, size, text=True):
        texts = [("" if x is None else f"{x:g}") for x in xs] if text else None
        fig.add_trace(go.Scatter(
            x=[None if x is None else x for x in xs], y=y, mode="markers+text" if text else "markers", name=name,
            marker=dict(color=colour, symbol=symbol, size=size, line=dict(width=1.5, color=colour)),
            text=texts, textposition="top center", textfont=dict(size=11, color=colour),
            hovertemplate="%{y}: %{x}<extra>" + name + "</extra>", cliponaxis=False,
        ))

    series("Your role's target", [a.target for a in areas], TARGET, "line-ns-open", 22, text=False)
    if plan.has_team:
        team = [None if math.isnan(a.team_mean) else round(a.team_mean, 1) for a in areas]
        series("Team mean (anonymous)", team, TEAM, "square", 11)
    if supervisor:
        sup = [supervisor.get(a.area_id) if isinstance(supervisor.get(a.area_id), int) else None for a in areas]
        series("Your supervisor's rating", sup, SUPERVISOR_COLOUR, "triangle-up", 12)
    series("You", [a.rating for a in areas], YOU, "circle", 14)
    people = "your own ratings"
    if plan.has_team and team_people:
        people += f"; team figures rest on {team_people} people"
    fig.update_layout(
        title=dict(text=(title or "Your ratings against your role's target") + f"<br><sup>{chart_text(people)}; "
                   "areas without a marker: not part of your role or not answered</sup>", x=0, xanchor="left"),
        height=140 + 46 * len(areas), margin=dict(l=10, r=20, t=90, b=40), plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="bottom", y=-0.02 - 60 / (140 + 46 * len(areas)), x=0),
        xaxis=dict(range=[scale.min - 0.3, scale.max + 0.3], tickvals=list(scale.values),
                   ticktext=[chart_text(scale.level_text(v)) for v in scale.values], gridcolor="#dddddd",
                   zeroline=False, side="top"),
        yaxis=dict(autorange="reversed", automargin=True),
        font=dict(size=13),
    )
    return fig


__all__ = ["plan_figure"]
