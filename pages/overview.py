"""Overview: headline figures, the radar of team mean against target, the gap bars and the table."""

import streamlit as st

from framework.access import VIEW_TEAM
from framework.aggregate import headline
from framework.figures import area_table, gap_figure, radar_figure
from ui.auth import require
from ui.shared import K_WEIGHTED, md, page_dataset, show_notes

require(VIEW_TEAM)  # checked on the server at every run

data = page_dataset()
fw, scale, k = data.framework, data.scale, data.min_group_size
areas = data.areas()
n = data.respondents
weighted = bool(st.session_state.get(K_WEIGHTED)) and fw.has_weights
h = headline(areas, n, weighted=weighted)

st.title("Technology team overview")
st.caption(f"{md(data.label)} · {md(fw.title)} · scale {scale.name} · {data.mode_text()}"
           + (f" · filter: {md(data.filters.describe())}" if data.filtered else ""))

if data.k and n < data.k:
    st.warning(
        f"Only {n} people are in this view, fewer than the minimum group size of {k}. "
        "Anonymous results are hidden so that no one's ratings can be singled out."
    )

c1, c2, c3, c4 = st.columns(4)
c1.metric("Respondents", n, border=True)
team_mean_hidden = h["suppressed_areas"] > 0 and h["areas_rated"] > 0
c2.metric(
    f"Team mean (of {scale.max}){', weighted' if h['weighted'] else ''}",
    "—" if h["team_mean"] != h["team_mean"] else f"{h['team_mean']:.2f}",
    help=(f"Not shown while {h['suppressed_areas']} skill area(s) are hidden: an average over the others would "
          "be a different figure, and one over all of them would give the hidden area away.")
    if team_mean_hidden else
    "Average of the skill-area means weighted by the framework's area weights (the CETL exam weights)."
    if h["weighted"] else "Average of the skill-area means, each area counting once.",
    border=True,
)
c3.metric("Areas below target", f"{h['areas_below_target']} of {h['areas_rated']}", border=True)
c4.metric(
    "Single points of failure",
    h["spof_areas"],
    help="Skill areas where exactly one person rates at or above the target.",
    border=True,
)

if h["weighted"]:
    st.caption("Weighted overall score: each area's mean counts by its weight in the framework "
               "(CETL exam weights: " + md(", ".join(f"{a.label} {a.weight:g}" for a in fw.areas)) + ").")

risky = areas[areas["spof"].fillna(False).astype(bool)]
nobody = areas[areas["nobody_at_target"].fillna(False).astype(bool)]
if len(nobody):
    st.error("Nobody on the team rates at target in: " + md(", ".join(nobody["area"])) + ".")
if len(risky):
    st.warning("Only one person rates at target in: " + md(", ".join(risky["area"])) + ". If they leave, no one covers it.")

left, right = st.columns([1.15, 1])
with left:
    st.plotly_chart(radar_figure(areas, fw, scale, n), key="overview-radar", config={"displaylogo": False})
    st.caption(data.caption(n, "The dashed line is the target; shaded sectors are the framework's categories."))
with right:
    st.plotly_chart(gap_figure(areas, scale, n), key="overview-gaps", config={"displaylogo": False})
    st.caption(data.caption(n, "Sorted by gap: the largest shortfall is at the top."))

st.subheader("Skill areas")
table = area_table(areas, scale, data.k)
st.dataframe(
    table,
    hide_index=True,
    height=36 * (len(table) + 1) + 4,
    column_config={
        "Category": st.column_config.TextColumn(width="medium"),
        "Skill area": st.column_config.TextColumn(width="medium"),
        "n": st.column_config.NumberColumn(width=40),
        "Target": st.column_config.NumberColumn(width=60),
        "Mean": st.column_config.NumberColumn(format="%.2f"),
        "Median": st.column_config.NumberColumn(format="%.1f"),
        "Gap": st.column_config.NumberColumn(format="%.2f", help="Target minus mean: positive is a shortfall."),
        "Share at target": st.column_config.ProgressColumn(format="%d%%", min_value=0, max_value=100),
    },
    key="overview-table",
)
st.caption(data.caption(n, "Blank cells are hidden or not rated; N/A answers are never counted as 0."))
show_notes(data, "What the anonymous view withholds, and why")
