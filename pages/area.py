"""Skill area: one area's description, its distribution of levels per role, and its bench depth."""

import pandas as pd
import streamlit as st

from framework.access import VIEW_TEAM
from framework.figures import distribution_figure
from ui.auth import require
from ui.shared import md, page_dataset, show_notes

require(VIEW_TEAM)  # checked on the server at every run
PEOPLE_PAGE = 50  # names at a time in the named view


data = page_dataset()
fw, scale, k = data.framework, data.scale, data.k

names = {a.id: a.name for a in fw.areas}
if st.session_state.get("area_choice") not in names:
    st.session_state["area_choice"] = fw.area_ids[0]
area_id = st.selectbox("Skill area", list(names), format_func=names.get, key="area_choice")
area = fw.area(area_id)

st.title(md(area.name))
st.markdown(f"**{md(fw.category(area.category).name)}** · {md(area.description)}")
st.caption(f"{md(data.label)} · {md(fw.title)} · {data.mode_text()}"
           + (f" · filter: {md(data.filters.describe())}" if data.filtered else ""))

team = data.areas().loc[area_id]
c1, c2, c3, c4 = st.columns(4)
if team["suppressed"]:
    st.warning(f"This area rests on fewer than {k} ratings in this view, so its figures are hidden.")
c1.metric("Ratings", "—" if team["suppressed"] else int(team["n"]), border=True)
c2.metric("Mean", "—" if team["suppressed"] or team["n"] == 0 else f"{team['mean']:.2f}", border=True)
c3.metric("Target", f"{team['target']:.0f} {scale.label_of(team['target'])}", border=True)
c4.metric("Bench depth (at or above target)",
          "—" if team["suppressed"] or team["n"] == 0 else f"{int(team['at_target_n'])} of {int(team['n'])}",
          border=True)

by = st.segmented_control("Break down by", ["role", "group"], default="role", key="area_by",
                          format_func={"role": "Role", "group": "School or department"}.get) or "role"
summary = data.breakdown(by)
rows = summary.xs(area_id, level="area_id")
rows = rows[rows["n"].gt(0) | rows["n_na"].fillna(0).gt(0) | rows["suppressed"]]
shown = rows[~rows["suppressed"]]
levels = [f"level_{v}" for v in scale.values]
labels = [f"{g} (n = {int(r['n'])})" for g, r in shown.iterrows()]
if len(shown):
    fig = distribution_figure(shown[levels], shown["n_na"].fillna(0), labels, scale,
                              title=f"{area.label}: levels per {'role' if by == 'role' else 'school or department'}")
    st.plotly_chart(fig, key="area-distribution", config={"displaylogo": False})
hidden = rows[rows["suppressed"]]
if len(hidden):
    st.caption(f"Not shown ({'fewer than ' + str(k) if k else 'hidden'} people, or could be worked out from "
               f"the shown groups): {len(hidden)} group(s).")
show_notes(data, "What is hidden in this area, and why", only=area.name)
st.caption(data.caption(data.respondents, "N/A answers are counted apart, never as a low rating."))

st.subheader("Who is at or above target")
table = shown.assign(**{
    "Group": shown.index, "Rated": shown["n"].astype(int), "At or above target": shown["at_target_n"].astype(int),
    "Target": shown["target"].round(1), "Mean": shown["mean"].round(2), "N/A": shown["n_na"].fillna(0).astype(int),
})[["Group", "Rated", "Mean", "Target", "At or above target", "N/A"]]
st.dataframe(table, hide_index=True, key="area-table")
if by == "role":
    st.caption("Role rows compare each role with its own target profile.")
if data.named:
    m = data.people("name")
    at = m.at_or_above(area_id)
    if len(at) <= PEOPLE_PAGE:
        st.markdown(f"**People at or above their role target here ({len(at)}):** "
                    + (md(m.names(at)) if len(at) else "nobody"))
    else:  # a page of names at a time: the browser never gets a hundred thousand of them
        st.markdown(f"**People at or above their role target here ({len(at):,})**")
        pages = -(-len(at) // PEOPLE_PAGE)
        page = st.number_input(f"Page (of {pages:,}, {PEOPLE_PAGE} people each)", 1, pages, 1, key="area_people_page")
        part = at[(page - 1) * PEOPLE_PAGE: page * PEOPLE_PAGE]
        st.dataframe(pd.DataFrame({"Person": [m.labels[i] for i in part],
                                   "Rating": m.values[area_id].to_numpy()[part].astype(int),
                                   "Role target": m.targets[area_id].to_numpy()[part].astype(int)}),
                     hide_index=True, key="area-people")
