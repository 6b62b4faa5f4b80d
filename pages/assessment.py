"""Self-assessment: a signed-in person rates themself in an open survey round, one screen per category.

Every answer is saved the moment it is chosen, so the person can leave and come back until the round
closes; a summary comes before submitting and a confirmation after. Every control has a label and the
controls come in reading order, so the page works with the keyboard alone and with a screen reader.
"""

import pandas as pd
import streamlit as st

from framework import campaigns
from framework.access import VIEW_OWN
from framework.descriptors import descriptors
from framework.store import StoreError
from ui.auth import require
from ui.shared import md
from ui.store import store_or_stop

viewer = require(VIEW_OWN)
store = store_or_stop()
NA = "N/A"

st.title("Self-assessment")
open_rounds = campaigns.invited_to(store, viewer.email)
if not open_rounds:
    st.info("You are not invited to a survey round that is open now. When your district opens one, it appears "
            "here; your results and growth plan are on My results.")
    st.stop()
by_id = {c.id: c for c in open_rounds}
chosen = st.selectbox("Survey round", list(by_id), format_func=lambda i: by_id[i].label, key="assess-round") \
    if len(by_id) > 1 else open_rounds[0].id
c = by_id[chosen]
fw, scale = c.framework, c.scale
steps = [cat for cat in fw.categories if any(a.category == cat.id for a in fw.areas)]
K_STEP = f"assess-step-{c.id}"
st.session_state.setdefault(K_STEP, 0)


def flash(kind: str, text: str) -> None:
    st.session_state["assess-flash"] = (kind, text)


def _save(area_id: str) -> None:
    value = st.session_state.get(f"ans-{c.id}-{area_id}")
    try:
        campaigns.answer(store, c.id, require(VIEW_OWN).email, area_id, value)
    except StoreError as exc:
        flash("error", str(exc))


def _save_note() -> None:
    try:
        campaigns.set_note(store, c.id, require(VIEW_OWN).email, st.session_state.get(f"note-{c.id}", ""))
    except StoreError as exc:
        flash("error", str(exc))


def _go(step: int) -> None:
    st.session_state[K_STEP] = max(0, min(step, len(steps)))


def _submit() -> None:
    try:
        campaigns.submit(store, c.id, require(VIEW_OWN).email)
        flash("success", "Submitted. Thank you: your answers count in this round. You can still change them until "
                         "the round closes (then submit again).")
    except StoreError as exc:
        flash("error", str(exc))


resp = campaigns.response(store, c.id, viewer.email)
answers = resp["answers"]
who = campaigns.invitee(store, c.id, viewer.email) or {}
st.caption(md(f"{c.label}" + (f" · open {c.dates}" if c.dates else "") + f" · {fw.title} · scale {scale.name}. "
              "Each answer is saved as soon as you choose it."))
if fl := st.session_state.pop("assess-flash", None):
    getattr(st, fl[0])(md(fl[1]))
if resp["submitted_at"] is not None:
    st.success(f"Submitted on {resp['submitted_at']:%B %d, %Y at %H:%M} UTC. You can change your answers until the "
               "round closes; a change is counted once you submit again.")
done = sum(a.id in answers for a in fw.areas)
st.progress(done / len(fw.areas), text=f"{done} of {len(fw.areas)} skill areas answered")

step = st.session_state[K_STEP]
words = descriptors(fw, scale)
options = [*scale.values, NA]


def label_of(area_id: str):
    def fmt(v):
        if v == NA:
            return "Not part of my role"
        text = words.get(area_id, {}).get(int(v), "")  # "Proficient: I help shape ..." (starts with the label)
        return f"{v} {text}" if text else f"{v} {scale.label_of(v)}"
    return fmt


if step < len(steps):
    cat = steps[step]
    st.header(f"Step {step + 1} of {len(steps) + 1}: {md(cat.name)}", anchor=False)
    for area in [a for a in fw.areas if a.category == cat.id]:
        key = f"ans-{c.id}-{area.id}"
        saved = answers.get(area.id)
        with st.container(border=True):
            st.subheader(md(area.name), anchor=False)
            if area.description:
                st.markdown(md(area.description))
            st.radio(f"Your level in {area.name}", options, key=key, format_func=label_of(area.id),
                     index=options.index(saved) if saved in options else None, on_change=_save, args=(area.id,))
    left, right = st.columns(2)
    if step > 0:
        left.button("Previous", on_click=_go, args=(step - 1,), icon=":material/arrow_back:", key="assess-prev")
    right.button("Next" if step < len(steps) - 1 else "Review and submit", on_click=_go, args=(step + 1,),
                 type="primary", icon=":material/arrow_forward:", key="assess-next")
else:
    st.header(f"Step {len(steps) + 1} of {len(steps) + 1}: review and submit", anchor=False)
    rows = []
    for area in fw.areas:
        v = answers.get(area.id)
        rows.append({"Skill area": area.name,
                     "Your answer": "not answered yet" if v is None else label_of(area.id)(v).split(":")[0]})
    st.table(pd.DataFrame(rows).set_index("Skill area"))
    missing = [a.name for a in fw.areas if a.id not in answers]
    if missing:
        st.warning(md("Still to answer: " + ", ".join(missing) + ". Choose 'Not part of my role' where an area does "
                      "not apply to you."))
    st.text_area("A private note (optional): only you and your district's admins ever see it", key=f"note-{c.id}",
                 value=resp["note"], max_chars=campaigns.NOTE_MAX, on_change=_save_note)
    left, right = st.columns(2)
    left.button("Previous", on_click=_go, args=(step - 1,), icon=":material/arrow_back:", key="assess-prev")
    right.button("Submit my self-assessment", type="primary", on_click=_submit, disabled=bool(missing),
                 key="assess-submit")
if who.get("role"):
    st.caption(md(f"Your role as the invitation gives it: {who['role']}."))
