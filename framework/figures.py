"""Figure builders and display tables: frames in, plotly figures and frames out (no streamlit).

Colours come from the Okabe–Ito palette, which stays distinct for the common colour-vision
deficiencies; every chart also prints its values as text, so nothing depends on colour alone.

Text from the data (area and category names and labels, roles, schools, people, series names) reaches
a figure only through :func:`framework.safe_text.chart_text` (or :func:`wrap`, which escapes too), so
plotly shows it as text, never as its HTML subset. A ``title`` argument is chart markup made by the
caller (it may hold ``<br>`` and ``<sup>``): a caller putting data in it escapes that part itself.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from framework.definitions import Framework
from framework.safe_text import chart_text
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
    """``text`` for a chart in lines of about ``width`` characters joined by ``<br>``, each line escaped
    (:func:`chart_text`): the lines are cut on the text itself, so an entity is never split."""
    return "<br>".join(chart_text(line) for line in textwrap.wrap(str(text), width)) or chart_text(text)


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
            name=chart_text(framework.categories[ci].name), legendgroup=f"cat-{area.category}", showlegend=first,
            hoverinfo="skip", legendrank=900 + ci,
        ))
    closed = theta + theta[:1]
    target = ordered["target"].tolist()
    mean = ordered["mean"].astype("float64").tolist()
    n = ordered["n"].astype("float64").tolist()
    names = [chart_text(a.name) for a in framework.areas]
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
        chart_text(label) + (" · 1 at target" if spof else " · 0 at target" if nobody else "")
        for label, spof, nobody in zip(shown["label"], shown["spof"].fillna(False), shown["nobody_at_target"].fillna(False))
    ]
    fig = go.Figure(go.Bar(
        x=shown["gap"], y=labels, orientation="h",
        marker=dict(color=[BELOW_COLOUR if b else ABOVE_COLOUR for b in below],
                    pattern=dict(shape=["" if b else "/" for b in below], fillmode="overlay", size=6)),
        text=words, textposition="outside", cliponaxis=False,
        customdata=np.column_stack([[chart_text(a) for a in shown["area"]], shown["mean"], shown["target"], shown["n"]]),
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
            "n": None if sup else int(r["n"]),
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


# ---- team gaps: heatmap ------------------------------------------------------------------------------
# ColorBrewer PuOr (purple–orange): a diverging scale that stays readable for colour-blind readers.
DIVERGING = [[0.0, "#2d004b"], [0.2, "#8073ac"], [0.4, "#d8daeb"], [0.5, "#f7f7f7"],
             [0.6, "#fee0b6"], [0.8, "#e08214"], [1.0, "#7f3b08"]]
MAX_HEATMAP_ROWS = 40


def heatmap_figure(
    values: pd.DataFrame,
    targets: pd.DataFrame,
    hidden: pd.DataFrame,
    row_labels: list[str],
    framework: Framework,
    scale: Scale,
    show: str = "rating",
    k: int | None = None,
    title: str = "",
) -> go.Figure:
    """Rows (people or groups) x skill areas, columns in framework order, grouped by category.

    ``values`` holds the rating (person) or mean (group) per cell, NaN when there is none;
    ``targets`` the target per cell; ``hidden`` True where a cell is suppressed. The colour is
    always the distance from target (target − value, centred on 0 = on target, orange below,
    purple above); the printed value is the rating or the gap, as ``show`` says. Hidden cells
    print "fewer than k", cells without a rating "–".
    """
    areas = framework.areas_in_category_order()
    cols = [a.id for a in areas]
    v = values.reindex(columns=cols).astype("float64")
    t = targets.reindex(index=v.index, columns=cols).astype("float64")
    h = hidden.reindex(index=v.index, columns=cols).fillna(False).astype(bool)
    gap = (t - v).mask(h)
    span = scale.max - scale.min
    shown = (v if show == "rating" else t - v).mask(h)
    fmt = "{:.0f}" if show == "rating" and (shown.dropna() % 1 == 0).all().all() else "{:.1f}"
    hidden_text = f"fewer than {k}" if k else "hidden"
    text = [[hidden_text if h.iat[i, j] else ("–" if pd.isna(shown.iat[i, j]) else
             (fmt.format(shown.iat[i, j]) if show == "rating" else f"{shown.iat[i, j]:+.1f}"))
             for j in range(len(cols))] for i in range(len(v))]
    x = [chart_text(a.label) for a in areas]
    fig = go.Figure(go.Heatmap(
        z=gap.to_numpy(), x=x, y=[chart_text(label) for label in row_labels], text=text, texttemplate="%{text}", textfont=dict(size=12),
        colorscale=DIVERGING, zmid=0, zmin=-span, zmax=span, hoverongaps=False, xgap=2, ygap=2,
        customdata=np.dstack([np.array([[chart_text(a.name) for a in areas]] * len(v)), np.array(text, dtype=object)]),
        hovertemplate="%{y}<br>%{customdata[0]}: %{customdata[1]}<br>target − value %{z:+.2f}<extra></extra>",
        colorbar=dict(tickvals=[-span, 0, span], ticktext=[f"{span} above target", "on target", f"{span} below target"],
                      thickness=14),
    ))
    # grey backing so hidden cells and cells without ratings read as "no colour" rather than white
    fig.update_layout(plot_bgcolor="#e6e6e6")
    # category bands above the columns
    start = 0
    for cat in framework.categories:
        width = sum(1 for a in areas if a.category == cat.id)
        if not width:
            continue
        fig.add_annotation(x=(start + start + width - 1) / 2, y=1.0, yref="paper", yanchor="bottom",
                           text=f"<b>{wrap(cat.name, max(10, 11 * width))}</b>", showarrow=False,
                           font=dict(size=11))
        if start:
            fig.add_vline(x=start - 0.5, line=dict(color="#333", width=2))
        start += width
    fig.update_xaxes(type="category", side="bottom", tickangle=-30)
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_layout(
        title=dict(text=title, x=0.0), font=FONT, paper_bgcolor="white",
        height=max(320, 150 + 30 * len(v)), margin=dict(l=10, r=10, t=110, b=90),
    )
    return fig


# ---- skill area: distribution of levels per role ---------------------------------------------------------
LEVEL_COLOURS = {4: ["#D55E00", "#E69F00", "#56B4E9", "#0072B2"],
                 5: ["#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2"]}


def distribution_figure(counts: pd.DataFrame, na: pd.Series, labels: list[str], scale: Scale, title: str = "") -> go.Figure:
    """100% stacked horizontal bars of the levels per row, with not-applicable answers apart.

    ``counts`` has one column per level (``level_1`` …) and one row per group; ``na`` the number of
    N/A answers per row. The N/A count sits in its own narrow panel on the right, never in the
    middle of the scale.
    """
    from plotly.subplots import make_subplots

    labels = [chart_text(label) for label in labels]
    total = counts.sum(axis=1).replace(0, np.nan)
    colours = LEVEL_COLOURS.get(len(scale.levels)) or [OKABE_ITO["blue"]] * len(scale.levels)
    fig = make_subplots(rows=1, cols=2, column_widths=[0.84, 0.16], shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=("Share of ratings at each level", "N/A answers"))
    for j, lv in enumerate(scale.levels):
        col = counts.iloc[:, j]
        share = 100 * col / total
        fig.add_trace(go.Bar(
            y=labels, x=share, orientation="h", name=chart_text(f"{lv.value} {lv.label}"), marker=dict(color=colours[j]),
            text=[f"{s:.0f}%" if s >= 8 else "" for s in share.fillna(0)], textposition="inside",
            insidetextanchor="middle", customdata=col, textfont=dict(color="white" if j in (0, len(colours) - 1) else "#222"),
            hovertemplate="%{y}<br>%{fullData.name}: %{customdata} (%{x:.0f}%)<extra></extra>",
        ), row=1, col=1)
    fig.add_trace(go.Bar(y=labels, x=na, orientation="h", name="N/A", marker=dict(color="#999999"),
                         text=[str(int(v)) for v in na], textposition="outside", showlegend=False,
                         hovertemplate="%{y}<br>N/A answers: %{x}<extra></extra>"), row=1, col=2)
    fig.update_layout(barmode="stack", title=dict(text=title, x=0.0), font=FONT, paper_bgcolor="white",
                      plot_bgcolor="white", legend=dict(orientation="h", y=-0.12, x=0, traceorder="normal"),
                      height=max(260, 120 + 40 * len(labels)), margin=dict(l=10, r=30, t=80, b=60))
    fig.update_xaxes(range=[0, 100], ticksuffix="%", row=1, col=1)
    fig.update_xaxes(range=[0, max(float(na.max()) if len(na) else 0, 1) * 1.4], row=1, col=2, showticklabels=False)
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    return fig


# ---- coverage ------------------------------------------------------------------------------------------
def coverage_order(areas: pd.DataFrame) -> pd.DataFrame:
    """Areas with nobody at target first, then single points of failure, then by bench depth."""
    shown = areas[~areas["suppressed"] & areas["n"].gt(0)].copy()
    shown["_rank"] = np.select([shown["at_target_n"].eq(0), shown["at_target_n"].eq(1)], [0, 1], 2)
    return shown.sort_values(["_rank", "at_target_n", "order"], kind="stable").drop(columns="_rank")


def coverage_figure(areas: pd.DataFrame, respondents: int, title: str = "People at or above target") -> go.Figure:
    shown = coverage_order(areas).iloc[::-1]  # plotly draws the first bar at the bottom
    at = shown["at_target_n"].astype(int)
    colours = [BELOW_COLOUR if v == 0 else OKABE_ITO["orange"] if v == 1 else ABOVE_COLOUR for v in at]
    words = ["nobody" if v == 0 else "1 person only" if v == 1 else f"{v} people" for v in at]
    fig = go.Figure(go.Bar(
        x=at, y=[chart_text(label) for label in shown["label"]], orientation="h", marker=dict(color=colours,
                                                             pattern=dict(shape=["x" if v == 0 else "" for v in at])),
        text=[f"{w} of {n}" for w, n in zip(words, shown["n"].astype(int))], textposition="outside", cliponaxis=False,
        customdata=np.column_stack([[chart_text(a) for a in shown["area"]], shown["n"], shown["target"]]),
        hovertemplate="%{customdata[0]}<br>%{x} of %{customdata[1]} at or above target %{customdata[2]:.0f}<extra></extra>",
    ))
    top = max(int(at.max()) if len(at) else 1, 1)
    fig.update_layout(
        title=dict(text=f"{title}<br><sup>bench depth per skill area · {people_text(respondents)}</sup>", x=0.0),
        xaxis=dict(range=[0, top * 1.45 + 1], title="People at or above the area's target", gridcolor="#eee"),
        yaxis=dict(type="category", automargin=True), font=FONT, paper_bgcolor="white", plot_bgcolor="white",
        height=max(300, 80 + 40 * len(shown)), margin=dict(l=10, r=20, t=80, b=50), showlegend=False,
    )
    return fig


# ---- compare ------------------------------------------------------------------------------------------
SERIES_COLOURS = [OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["green"], OKABE_ITO["purple"]]
SERIES_DASH = ["solid", "dash", "dot", "dashdot"]


def compare_radar(series: dict[str, pd.Series], target: pd.Series, framework: Framework, scale: Scale,
                  title: str = "Compared with the target") -> go.Figure:
    """Up to four series (means per area id, NaN where hidden) against the target, closed polygons."""
    theta = [wrap(a.label) for a in framework.areas]
    closed = theta + theta[:1]
    fig = go.Figure()
    t = target.reindex(framework.area_ids).astype("float64").tolist()
    fig.add_trace(go.Scatterpolar(r=t + t[:1], theta=closed, mode="lines", name="Target",
                                  line=dict(color=TARGET_COLOUR, width=2, dash="dash")))
    for i, (name, s) in enumerate(list(series.items())[:4]):
        r = s.reindex(framework.area_ids).astype("float64").tolist()
        fig.add_trace(go.Scatterpolar(
            r=r + r[:1], theta=closed, mode="lines+markers", name=chart_text(name),
            line=dict(color=SERIES_COLOURS[i], width=3, dash=SERIES_DASH[i]),
            marker=dict(size=8, symbol=["circle", "square", "diamond", "triangle-up"][i]),
            hovertemplate="%{fullData.name}<br>%{theta}: %{r:.2f}<extra></extra>",
        ))
    fig.update_layout(
        title=dict(text=title, x=0.0),
        polar=dict(radialaxis=dict(range=[scale.min, scale.max], dtick=1, angle=90, tickangle=90),
                   angularaxis=dict(categoryorder="array", categoryarray=theta, rotation=90, direction="clockwise")),
        legend=dict(orientation="h", y=-0.1, x=0.5, xanchor="center"), font=FONT, paper_bgcolor="white",
        height=560, margin=dict(l=100, r=100, t=70, b=90),
    )
    return fig


def compare_bars(series: dict[str, pd.Series], target: pd.Series, framework: Framework, scale: Scale,
                 title: str = "Means per skill area") -> go.Figure:
    fig = go.Figure()
    x = [chart_text(a.label) for a in framework.areas]
    for i, (name, s) in enumerate(list(series.items())[:4]):
        r = s.reindex(framework.area_ids).astype("float64")
        fig.add_trace(go.Bar(x=x, y=r, name=chart_text(name), marker=dict(color=SERIES_COLOURS[i],
                                                                pattern=dict(shape=["", "/", ".", "x"][i])),
                             text=[_fmt(v) for v in r], textposition="outside"))
    t = target.reindex(framework.area_ids).astype("float64")
    fig.add_trace(go.Scatter(x=x, y=t, mode="markers", name="Target", marker=dict(symbol="line-ew-open", size=28,
                                                                                  color=TARGET_COLOUR, line=dict(width=3))))
    fig.update_layout(barmode="group", title=dict(text=title, x=0.0), font=FONT, paper_bgcolor="white",
                      plot_bgcolor="white", yaxis=dict(range=[0, scale.max + 0.6], dtick=1, title="Mean rating"),
                      xaxis=dict(type="category", tickangle=-30), legend=dict(orientation="h", y=-0.3),
                      height=460, margin=dict(l=10, r=10, t=60, b=120))
    return fig
