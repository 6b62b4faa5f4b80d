"""Team growth (admins): the focus areas people chose for their growth plans, pooled so that
professional-development spending follows the gaps; who chose what only in the named view."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from framework import campaigns
from framework.access import MANAGE_ROUNDS
from framework.definitions import builtin_frameworks
from framework.safe_text import chart_text
from ui.auth import require
from ui.campaign_edge import focus_key, focus_rounds, pooled_focus, round_focus
from ui.shared import K_NAMED, current_dataset, md
from ui.store import store_or_stop

viewer = require(MANAGE_ROUNDS)
store = store_or_stop()
data = current_dataset()
k = data.min_group_size
named = data.named
PEOPLE_PAGE = 50  # people at a time in "Who chose what" (a state's round may hold 100,000)

st.title("Team growth")
st.markdown("The focus areas people chose on their My results page (up to three each): where the team wants to "
            "grow, to plan professional learning.")
key = focus_key()  # read at every run: a focus saved anywhere shows at once
rounds = focus_rounds(key)
if not rounds:
    st.info("Nobody has chosen focus areas yet. Each person chooses them on My results after a round is saved.")
    st.stop()
label = st.selectbox("Round the plans were made from", rounds, index=len(rounds) - 1, key="growth-round")
chose = round_focus(key, label)
names = {}
for fw in builtin_frameworks().values():
    names |= {a.id: a.name for a in fw.areas}
names |= {a.id: a.name for a in data.framework.areas}
people = len(chose)
pooled = pooled_focus(key, label, None if named else k)
table = pd.DataFrame({"Skill area": [names.get(a, a) for a in pooled.index],
                      "People who chose it": pooled["people"].astype("string")})
hidden = ~pooled["shown"].to_numpy()
table.loc[hidden, "People who chose it"] = f"fewer than {k}" if not named else ""
table.loc[hidden & pooled["people"].ge(k).to_numpy(), "People who chose it"] = "not shown (it would give away the smaller counts)"
st.caption(md(f"{people} people chose focus areas for {label}. "
              + (f"Anonymous: counts below {k} are not shown, nor one that would give them away by subtraction."
                 if not named else "Named view: counts of every size.")))
shown = table[~hidden]
if len(shown):
    counts = shown["People who chose it"].astype(int)[::-1]
    fig = go.Figure(go.Bar(x=counts, y=[chart_text(s) for s in shown["Skill area"]][::-1], orientation="h",
                           marker_color="#0072B2", text=counts, textposition="outside"))
    fig.update_layout(title=f"Focus areas chosen · {people} people", height=120 + 36 * len(shown),
                      margin=dict(l=10, r=30, t=60, b=30), xaxis_title="People", plot_bgcolor="white")
    st.plotly_chart(fig, key="growth-chart", config={"displaylogo": False})
st.dataframe(table, hide_index=True, key="growth-table")
if named:
    st.subheader("Who chose what")
    pages = -(-people // PEOPLE_PAGE)
    page = 1
    if pages > 1:  # a page of people at a time: the browser never gets a hundred thousand of them
        page = st.number_input(f"Page (of {pages:,}, {PEOPLE_PAGE} people each)", 1, pages, 1, key="growth-who-page")
    part = chose.iloc[(page - 1) * PEOPLE_PAGE: page * PEOPLE_PAGE]
    notes = campaigns.focus_notes(store, label, part["email"].tolist())  # this page's only
    st.dataframe(pd.DataFrame({"Person": part["email"].tolist(),
                               "Focus areas": [", ".join(names.get(a, a) for a in areas) for areas in part["areas"]],
                               "Their note": [notes.get(e, "") for e in part["email"]]}),
                 hide_index=True, key="growth-who")
elif st.session_state.get(K_NAMED) is False:
    st.caption("Switch on the named view in the sidebar to see who chose what.")
