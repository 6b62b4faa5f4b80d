"""Run a survey round (admins): create it with its invitation list, open it, follow the response rate,
close it (the submitted answers become a saved round every page, Trends and the board report use)."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from framework import campaigns, state
from framework.access import MANAGE_ROUNDS, VIEW_NAMED
from framework.campaigns import CLOSED, DRAFT, OPEN, SELF, SUPERVISOR
from framework.scales import builtin_scales
from framework.store import StoreError
from ui.auth import require
from ui.campaign_edge import response_rate, self_and_supervisor
from ui.shared import CUSTOM, K_NAMED, district_k, framework_choices, md, targets
from ui.store import store_or_stop

viewer = require(MANAGE_ROUNDS)
store = store_or_stop()
K_CHOSEN = "run-round-chosen"
PEOPLE_PAGE = 50  # people at a time beside their supervisor's ratings (a round may invite 100,000)
SCALES = {s.id: s.name for s in builtin_scales().values()}


def flash(kind: str, text: str) -> None:
    st.session_state["run-round-flash"] = (kind, text)


def _invitees(text_key: str, file_key: str) -> tuple[pd.DataFrame, list[str]]:
    text = st.session_state.get(text_key) or ""
    f = st.session_state.get(file_key)
    if f is not None:
        if f.size > 5_000_000:
            raise StoreError("The invitation file is larger than 5 MB.")
        text = f.getvalue().decode("utf-8-sig", errors="replace")
    return campaigns.parse_invitations(text)


def _create() -> None:
    v = require(MANAGE_ROUNDS)
    choices = framework_choices()
    choice = st.session_state.get("new-framework")
    fw = choices.get(choice)
    source = state.framework_sources(store).get(choice.removeprefix(CUSTOM), "") if choice.startswith(CUSTOM) else ""
    try:
        people, problems = _invitees("new-invitees", "new-invitees-file")
        if people.empty:
            raise StoreError("The invitation list holds no email address: paste one per line, or upload a CSV.")
        opens, closes = st.session_state.get("new-dates") or (None, None)
        c = campaigns.create(store, v.actor, st.session_state.get("new-label", ""), fw, st.session_state["new-scale"],
                             people, opens_on=opens, closes_on=closes,
                             supervisor_ratings=bool(st.session_state.get("new-supervisors")),
                             anonymous_source=st.session_state.get("new-source", SELF), framework_source=source)
    except StoreError as exc:
        flash("error", str(exc))
        return
    st.session_state[K_CHOSEN] = c.id
    flash("success", f"Created {c.label} (a draft) with {len(people)} people invited."
          + (f" {len(problems)} line(s) of the list were not used: " + " ".join(problems[:5]) if problems else ""))


def _open(cid: int) -> None:
    v = require(MANAGE_ROUNDS)
    try:
        c = campaigns.open_round(store, v.actor, cid)
        flash("success", f"{c.label} is open: everyone invited can now sign in and answer.")
    except StoreError as exc:
        flash("error", str(exc))


def _close(cid: int) -> None:
    v = require(MANAGE_ROUNDS)
    try:
        saved = campaigns.close_round(store, v.actor, cid, targets=targets())
        flash("success", f"Closed. {saved.respondents} people's answers are saved as the round {saved.label}: every page, "
              "Trends and the board report can use it now.")
    except StoreError as exc:
        flash("error", str(exc))


def _change_framework(cid: int) -> None:
    v = require(MANAGE_ROUNDS)
    choice = st.session_state.get("change-framework")
    fw = framework_choices().get(choice)
    source = state.framework_sources(store).get(choice.removeprefix(CUSTOM), "") if choice.startswith(CUSTOM) else ""
    try:
        c = campaigns.set_framework(store, v.actor, cid, fw, st.session_state["change-scale"], framework_source=source)
        flash("success", f"{c.label} now asks about {c.framework.title} on the {c.scale.name} scale.")
    except StoreError as exc:
        flash("error", str(exc))


def _add(cid: int) -> None:
    v = require(MANAGE_ROUNDS)
    try:
        people, problems = _invitees("more-invitees", "more-invitees-file")
        added = campaigns.invite(store, v.actor, cid, people)
        flash("success", f"{added} more invited." + (f" Not used: {' '.join(problems[:5])}" if problems else ""))
    except StoreError as exc:
        flash("error", str(exc))


st.title("Run a survey round")
if fl := st.session_state.pop("run-round-flash", None):
    getattr(st, fl[0])(md(fl[1]))
st.markdown("Invite the team, let everyone rate themselves here (signed in with their district account), "
            "follow the response rate, and close the round: its answers then become a saved round that every "
            "page, Trends and the board report use. No other survey tool is needed.")

rounds = campaigns.list_campaigns(store)
if rounds:
    rows = []
    for c in rounds:
        rate = response_rate(c, district_k())
        rows.append({"Round": c.label, "Status": c.status, "Dates": c.dates, "Invited": rate["invited"],
                     "Submitted": rate["submitted"], "Framework": c.framework.title, "Scale": c.scale.name,
                     "Supervisors rate": "yes" if c.supervisor_ratings else "no"})
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="run-rounds-table")

with st.expander("Create a round", expanded=not rounds, icon=":material/add:"):
    st.text_input("Name", key="new-label", max_chars=120, placeholder="e.g. Spring 2027")
    st.date_input("Open from and until", value=(date.today(), date.today() + timedelta(days=21)), key="new-dates",
                  help="Shown to everyone invited; the round stays open until you close it.")
    choices = framework_choices()
    c1, c2 = st.columns(2)
    c1.selectbox("Framework", list(choices), key="new-framework",
                 format_func=lambda f: choices[f].title)
    c2.selectbox("Rating scale", list(SCALES), key="new-scale", format_func=SCALES.get)
    st.text_area("Who is invited: one person per line, as email, name, role, school or department, supervisor's "
                 "email (all but the email optional; a header row is fine)", key="new-invitees", height=150,
                 placeholder="ann.lee@district.org, Ann Lee, Help Desk Technician, North High, sam.chu@district.org")
    st.file_uploader("…or a CSV of the same columns", type=["csv", "txt"], key="new-invitees-file")
    st.toggle("Supervisors also rate each person they supervise", key="new-supervisors")
    st.radio("Anonymous pages and the board report use", [SELF, SUPERVISOR], key="new-source", horizontal=True,
             format_func={SELF: "self-ratings", SUPERVISOR: "supervisors' ratings"}.get,
             help="Every chart says which. Supervisors' ratings can be chosen only when supervisors rate.")
    st.button("Create the round (as a draft)", type="primary", on_click=_create)

if not rounds:
    st.stop()

by_id = {c.id: c for c in rounds}
if st.session_state.get(K_CHOSEN) not in by_id:
    st.session_state[K_CHOSEN] = rounds[-1].id
st.subheader("A round")
c = by_id[st.selectbox("Round", list(by_id), key=K_CHOSEN, format_func=lambda i: f"{by_id[i].label} ({by_id[i].status})")]
k = district_k()
rate = response_rate(c, k)
m1, m2, m3 = st.columns(3)
m1.metric("Invited", rate["invited"], border=True)
m2.metric("Submitted", rate["submitted"], border=True)
m3.metric("Response rate", f"{100 * rate['submitted'] / rate['invited']:.0f}%" if rate["invited"] else "—",
          border=True)
for by, title in (("role", "By role"), ("school", "By school or department")):
    table = rate["by"][by]
    if len(table):
        st.caption(f"{title} (counts only; groups with fewer than {k} people invited are left out"
                   + (f": {rate['by'][by + '_hidden']} of them" if rate["by"][by + "_hidden"] else "") + ")")
        st.dataframe(table.rename(columns={by: title.removeprefix("By ").capitalize(), "invited": "Invited",
                                           "submitted": "Submitted"}), hide_index=True, key=f"rate-{by}")
if c.status == DRAFT:
    st.button("Open the round", type="primary", on_click=_open, args=(c.id,))
elif c.status == OPEN:
    st.info(md(f"{c.label} is open. The dashboard's data source 'Live: {c.label}' shows the submitted answers "
               "so far (admins only); leaders see the round once it is closed."))
    st.button("Close the round and save its answers", type="primary", on_click=_close, args=(c.id,))
else:
    st.success(md(f"{c.label} is closed; its answers are saved as a round (see Survey rounds)."))
if c.supervisor_ratings:
    st.subheader("Self and supervisor", anchor=False)
    if st.session_state.get(K_NAMED) and viewer.can(VIEW_NAMED):
        grid = self_and_supervisor(c)
        if grid.empty:
            st.caption("No submitted self-assessment or supervisor's rating yet.")
        else:
            st.caption("Named view: each cell is the person's own rating / their supervisor's (— not submitted; "
                       "N/A not part of the role).")
            pages = -(-len(grid) // PEOPLE_PAGE)
            page = 1
            if pages > 1:  # a page of people at a time: the browser never gets a hundred thousand of them
                page = st.number_input(f"Page (of {pages:,}, {PEOPLE_PAGE} people each; {len(grid):,} people)", 1,
                                       pages, 1, key=f"run-round-pairs-page-{c.id}")
            part = grid.iloc[(page - 1) * PEOPLE_PAGE: page * PEOPLE_PAGE]
            st.dataframe(part.rename(columns={"name": "Person", "email": "Email"}), hide_index=True,
                         key="run-round-pairs")
    else:
        st.caption("Switch on the named view in the sidebar to see each person's self-rating beside their "
                   "supervisor's. Anonymous pages use " + ("supervisors' ratings" if c.anonymous_source == SUPERVISOR
                                                            else "self-ratings") + " for this round.")
if c.status != CLOSED and not campaigns.has_answers(store, c.id):
    with st.expander("Framework and scale (fixed once the first answer is in)"):
        f1, f2 = st.columns(2)
        f1.selectbox("Framework", list(choices), key="change-framework", format_func=lambda f: choices[f].title)
        f2.selectbox("Rating scale", list(SCALES), key="change-scale", format_func=SCALES.get,
                     index=list(SCALES).index(c.scale_id) if c.scale_id in SCALES else 0)
        st.button("Use this framework and scale", on_click=_change_framework, args=(c.id,))
if c.status != CLOSED:
    with st.expander("Invite more people"):
        st.text_area("One person per line (as above)", key="more-invitees", height=100)
        st.file_uploader("…or a CSV", type=["csv", "txt"], key="more-invitees-file")
        st.button("Invite", on_click=_add, args=(c.id,))
