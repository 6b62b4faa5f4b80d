"""Rate my team: a supervisor rates each person they supervise, in an open round that asks supervisors, on
the same skill areas. Each answer is saved as it is chosen. The person sees it beside their own rating on
My results; anonymous pages use it only where the admin chose supervisors' ratings for the round."""

import streamlit as st

from framework import campaigns
from framework.access import VIEW_OWN
from framework.campaigns import SUPERVISOR
from framework.descriptors import descriptors
from framework.store import StoreError
from ui.auth import require
from ui.shared import md
from ui.store import store_or_stop

viewer = require(VIEW_OWN)
store = store_or_stop()
NA = "N/A"

st.title("Rate my team")
mine = campaigns.supervisees(store, viewer.email)
if not mine:
    st.info("Nobody you supervise is in an open survey round that asks supervisors.")
    st.stop()
labels = {f"{c.id}|{p['email']}": f"{p['name'] or p['email']} ({c.label})" for c, p in mine}
choice = st.selectbox("Person", list(labels), format_func=labels.get, key="supervise-person")
cid, email = int(choice.split("|")[0]), choice.split("|")[1]
c = campaigns.get(store, cid)
fw, scale = c.framework, c.scale
words = descriptors(fw, scale)
options = [*scale.values, NA]
resp = campaigns.response(store, cid, email, SUPERVISOR)


def _save(area_id: str) -> None:
    try:
        campaigns.answer(store, cid, email, area_id, st.session_state.get(f"sup-{cid}-{email}-{area_id}"),
                         rater=SUPERVISOR, by=require(VIEW_OWN).email)
    except StoreError as exc:
        st.session_state["supervise-flash"] = ("error", str(exc))


def _submit() -> None:
    try:
        campaigns.submit(store, cid, email, rater=SUPERVISOR, by=require(VIEW_OWN).email)
        st.session_state["supervise-flash"] = ("success", "Submitted. You can change it until the round closes.")
    except StoreError as exc:
        st.session_state["supervise-flash"] = ("error", str(exc))


if fl := st.session_state.pop("supervise-flash", None):
    getattr(st, fl[0])(md(fl[1]))
st.caption(md(f"{c.label} · {fw.title} · scale {scale.name}. Your ratings of {labels[choice]} are saved as you "
              "choose them; they see them beside their own."))
for cat in fw.categories:
    areas = [a for a in fw.areas if a.category == cat.id]
    if not areas:
        continue
    st.header(md(cat.name), anchor=False)
    for area in areas:
        saved = resp["answers"].get(area.id)
        st.radio(f"Their level in {area.name}", options, key=f"sup-{cid}-{email}-{area.id}",
                 index=options.index(saved) if saved in options else None, on_change=_save, args=(area.id,),
                 format_func=lambda v, a=area.id: "Not part of their role" if v == NA else
                 f"{v} {words.get(a, {}).get(int(v)) or scale.label_of(v)}")
st.button("Submit my ratings", type="primary", on_click=_submit,
          disabled=any(a.id not in resp["answers"] for a in fw.areas))
