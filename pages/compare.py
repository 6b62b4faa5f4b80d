"""Compare: up to four roles or groups (people, in the named view) against the target."""

import pandas as pd
import streamlit as st

from framework.access import VIEW_TEAM
from framework.figures import compare_bars, compare_radar
from ui.auth import require
from ui.shared import md, page_dataset, show_notes

require(VIEW_TEAM)  # checked on the server at every run
OFFER_MAX = 200  # people offered at a time in the named view


data = page_dataset()
fw, scale, k = data.framework, data.scale, data.k
areas = data.areas()

st.title("Compare")
st.caption(f"{md(data.label)} · {md(fw.title)} · {data.mode_text()}"
           + (f" · filter: {md(data.filters.describe())}" if data.filtered else ""))

dims = {"role": "Roles", "group": "Schools and departments"} | ({"person": "People"} if data.named else {})
by = st.segmented_control("Compare", list(dims), default="role", key="compare_by", format_func=dims.get) or "role"

series: dict[str, pd.Series] = {}
ns: dict[str, int] = {}
if by == "person":
    m = data.people("name")
    position = {label: i for i, label in enumerate(m.labels)}
    kept = [p for p in st.session_state.get("compare_people", m.labels[:2]) if p in position]
    offered = m.labels
    if len(m.labels) > OFFER_MAX:  # a hundred thousand names are not sent to the browser: find them first
        query = st.text_input(f"Find people ({len(m.labels):,}: part of a name, an email or a role)",
                              key="compare_find").strip().casefold()
        found = [lbl for lbl in m.labels if query in lbl.casefold()][:OFFER_MAX] if query else m.labels[:OFFER_MAX]
        offered = list(dict.fromkeys(kept + found))
        st.caption(f"Offering {len(offered) - len(kept):,} of {len(m.labels):,} people; type to find others.")
    st.session_state["compare_people"] = kept
    chosen = st.multiselect("People (up to 4)", offered, max_selections=4, key="compare_people")
    options = {label: m.values.index[position[label]] for label in chosen}
    for label in chosen:
        series[label] = m.values.loc[options[label]]
        ns[label] = 1
else:
    summary = data.breakdown(by)
    means = summary["mean"].unstack("area_id")
    whole_hidden = summary["suppressed"].unstack("area_id").all(axis=1)
    group_n = summary["group_n"].groupby(level=by, sort=False).first()
    offered = [g for g in means.index if not whole_hidden[g]]
    key = f"compare_{by}"
    st.session_state[key] = [g for g in st.session_state.get(key, offered[:2]) if g in offered]
    chosen = st.multiselect(f"{dims[by]} (up to 4)", offered, max_selections=4, key=key)
    for g in chosen:
        label = f"{g} (n = {int(group_n[g])})"
        series[label] = means.loc[g]
        ns[label] = int(group_n[g])
    if whole_hidden.any():
        st.caption(f"{int(whole_hidden.sum())} group(s) are not offered: too small to show on their own.")
    show_notes(data, "What is pooled or hidden here, and why")

if not series:
    st.info("Choose what to compare above.")
    st.stop()

target = areas["target"]
left, right = st.columns([1, 1])
with left:
    st.plotly_chart(compare_radar(series, target, fw, scale), key="compare-radar", config={"displaylogo": False})
with right:
    st.plotly_chart(compare_bars(series, target, fw, scale), key="compare-bars", config={"displaylogo": False})
st.caption(data.caption(sum(ns.values()), "The dashed line is the team target. A missing point is hidden "
                        "(too few ratings) or not rated."))
table = pd.DataFrame(series).reindex(fw.area_ids).round(2)
table.index = [a.name for a in fw.areas]
table.insert(0, "Target", target.reindex(fw.area_ids).to_numpy())
st.dataframe(table, key="compare-table")
