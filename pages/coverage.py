"""Coverage: how many people can cover each skill area; nobody and single points of failure first."""

import streamlit as st

from framework.access import VIEW_TEAM
from framework.figures import coverage_figure, coverage_order
from ui.auth import require
from ui.shared import md, page_dataset, show_notes

require(VIEW_TEAM)  # checked on the server at every run
WHO_MAX = 12  # names per area in the table (the Skill area page lists everyone, a page at a time)


data = page_dataset()
fw, scale = data.framework, data.scale
areas = data.areas()
n = data.respondents

st.title("Coverage")
st.caption(f"{md(data.label)} · {md(fw.title)} · {data.mode_text()}"
           + (f" · filter: {md(data.filters.describe())}" if data.filtered else ""))
st.markdown("How many people rate themselves at or above each area's target: the team's bench. "
            "An area with one person at target is a **single point of failure**: if they leave, nobody covers it.")

ordered = coverage_order(areas)
nobody = ordered[ordered["at_target_n"].eq(0)]
single = ordered[ordered["at_target_n"].eq(1)]
if len(nobody):
    st.error("**Nobody at target:** " + md(", ".join(nobody["area"])))
if len(single):
    st.warning("**One person only:** " + md(", ".join(single["area"])))

st.plotly_chart(coverage_figure(areas, n), key="coverage-chart", config={"displaylogo": False})
st.caption(data.caption(n, "Sorted: nobody at target first, then one person, then by bench depth."))

holders = {}
if data.named:
    m = data.people("name")
    for a in ordered.index:  # a screenful of names per area; the Skill area page lists them all, page by page
        holders[a] = m.names(m.at_or_above(a, areas.loc[a, "target"]), limit=WHO_MAX)

table = ordered.assign(**{
    "Skill area": ordered["area"], "Rated": ordered["n"].astype(int),
    "At or above target": ordered["at_target_n"].astype(int),
    "Share": (100 * ordered["at_target_share"]).round(0),
    "Coverage": ["nobody" if v == 0 else "one person only" if v == 1 else f"{int(v)} people"
                 for v in ordered["at_target_n"]],
})[["Skill area", "Rated", "At or above target", "Share", "Coverage"]]
if data.named:
    table["Who"] = [holders[a] for a in ordered.index]
hidden = areas[areas["suppressed"]]
st.dataframe(table, hide_index=True, key="coverage-table",
             column_config={"Share": st.column_config.ProgressColumn(format="%d%%", min_value=0, max_value=100)})
if len(hidden):
    st.caption(f"Hidden (fewer than {data.min_group_size} ratings): " + md(", ".join(hidden["area"])))
show_notes(data, "What the anonymous view withholds, and why")
