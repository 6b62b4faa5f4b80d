"""Access and audit log (admins, signed-in mode): who has which role, and who changed what, when."""

import streamlit as st

from framework import state
from framework.access import MANAGE_ACCESS, ROLE_NAMES, ROLES, VIEW_AUDIT
from framework.store import StoreError
from ui.auth import config, require
from ui.shared import md
from ui.store import store_or_stop

viewer = require(MANAGE_ACCESS)
store = store_or_stop()
cfg = config()


def _grant() -> None:
    v = require(MANAGE_ACCESS)  # checked again on the click
    email = st.session_state.get("access-email", "")
    role = st.session_state.get("access-role", "leader")
    try:
        state.grant(store, v.actor, email, role)
    except StoreError as exc:
        st.session_state["access-flash"] = ("error", str(exc))
    else:
        st.session_state["access-flash"] = ("success", f"{email.strip().lower()} is now {ROLE_NAMES[role]}.")
        st.session_state["access-email"] = ""


def _revoke(email: str) -> None:
    v = require(MANAGE_ACCESS)
    state.revoke(store, v.actor, email)
    st.session_state["access-flash"] = ("success", f"{email} no longer has access.")


st.title("Access and audit log")
if flash := st.session_state.pop("access-flash", None):
    getattr(st, flash[0])(md(flash[1]))
st.markdown("Who may open the dashboard, and as what. **Admins** can do everything; **leaders** see the "
            "anonymous pages and the board report; **staff** see only their own ratings. Anyone else who signs in "
            f"is told to ask {md(cfg.contact)}.")
st.caption("The admins named in .streamlit/secrets.toml ([dashboard] admins) are always admins: "
           + ", ".join(sorted(cfg.admins)) + ".")

st.subheader("Give someone access")
c1, c2, c3 = st.columns([3, 2, 1], vertical_alignment="bottom")
c1.text_input("Email", key="access-email", placeholder="name@district.org")
c2.selectbox("Role", ROLES, index=1, key="access-role", format_func=ROLE_NAMES.get)
c3.button("Give access", type="primary", on_click=_grant)

st.subheader("Who has access")
table = state.access_list(store)
if table.empty:
    st.info("Nobody but the admins of secrets.toml has access yet.")
else:
    for row in table.itertuples():
        a, b, c = st.columns([3, 3, 1], vertical_alignment="center")
        a.text(row.email)
        b.text(f"{ROLE_NAMES[row.role]} · given by {row.granted_by}")
        c.button("Remove", key=f"revoke-{row.email}", on_click=_revoke, args=(row.email,))

if viewer.can(VIEW_AUDIT):
    st.subheader("Audit log")
    st.caption("Every change of access, targets, mapping profiles, frameworks and stored rounds: who, what, when "
               "(times in UTC), newest first.")
    try:
        log = state.audit_log(store)
    except StoreError as exc:
        st.error(str(exc))
    else:
        st.dataframe(log.rename(columns={"at": "When", "actor": "Who", "action": "What", "subject": "Of what",
                                         "detail": "Detail"}), hide_index=True, key="audit-log")
