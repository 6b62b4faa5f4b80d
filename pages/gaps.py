"""Team gaps: a heatmap of people (named view) or roles and schools (anonymous view) x skill areas."""

import streamlit as st

from framework.access import VIEW_TEAM
from framework.figures import MAX_HEATMAP_ROWS, heatmap_figure
from framework.gaps import group_matrix
from ui.auth import require
from ui.shared import md, page_dataset, show_notes

require(VIEW_TEAM)  # checked on the server at every run


data = page_dataset()
fw, scale = data.framework, data.scale

st.title("Team gaps")
st.caption(f"{md(data.label)} · {md(fw.title)} · {data.mode_text()}"
           + (f" · filter: {md(data.filters.describe())}" if data.filtered else ""))

c1, c2, c3 = st.columns([1.2, 1, 1.4])
show = c1.segmented_control("Cells show", ["rating", "gap"], default="rating", key="gaps_show",
                            format_func={"rating": "Rating", "gap": "Gap to target"}.get) or "rating"
if data.named:
    rows_by = c2.segmented_control("Rows", ["person", "role", "group"], default="person", key="gaps_rows_named",
                                   format_func={"person": "People", "role": "Roles", "group": "Schools"}.get) or "person"
else:
    rows_by = c2.segmented_control("Rows", ["role", "group"], default="role", key="gaps_rows",
                                   format_func={"role": "Roles", "group": "Schools and departments"}.get) or "role"
sort_options = {"gap": "Largest overall gap first", "name": "Name"} | ({"role": "Role"} if rows_by == "person" else {})
sort = c3.selectbox("Sort rows by", list(sort_options), format_func=sort_options.get, key=f"gaps_sort_{rows_by}")

if rows_by == "person":
    m = data.people(sort)
    pages = max(1, -(-len(m.labels) // MAX_HEATMAP_ROWS))
    page = 1
    if pages > 1:
        page = st.number_input(f"Page (of {pages}, {MAX_HEATMAP_ROWS} people each)", 1, pages, 1, key="gaps_page")
    m = m.page(page, MAX_HEATMAP_ROWS)
    title = f"People × skill areas · {len(m.labels)} of {m.total_rows} people shown"
elif data.named:
    summary, note = data.named_groups(rows_by, MAX_HEATMAP_ROWS)
    m = group_matrix(summary, fw, rows_by, sort, note)
    title = f"{'Roles' if rows_by == 'role' else 'Schools and departments'} × skill areas"
else:
    m = group_matrix(data.breakdown(rows_by), fw, rows_by, sort)
    title = f"{'Roles' if rows_by == 'role' else 'Schools and departments'} × skill areas"
if m.note:
    st.info(m.note)
if not data.named and rows_by != "person":
    show_notes(data, "What is pooled or hidden here, and why")

fig = heatmap_figure(m.values, m.targets, m.hidden, m.labels, fw, scale, show=show, k=data.k,
                     title=f"{title}<br><sup>colour: distance from target (orange below, purple above)</sup>")
st.plotly_chart(fig, key="gaps-heatmap", config={"displaylogo": False})
st.caption(data.caption(data.respondents, "Columns follow the framework, grouped by category. "
                        + ("Targets are each person's role target." if rows_by == "person" else
                           "Role rows use each role's target profile; school rows the team target.")))

st.subheader("The same as a table")
st.dataframe(m.table(show, fw), hide_index=True, key="gaps-table")
