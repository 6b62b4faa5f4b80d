"""My ratings (staff): a signed-in person's own ratings from the latest saved round that has them, against
their role's targets. Nothing of anyone else's."""

import pandas as pd
import streamlit as st

from framework.access import VIEW_OWN
from framework.definitions import get_framework
from framework.scales import RATED, get_scale
from framework.store import StoreError
from ui.auth import require
from ui.shared import md, targets
from ui.store import get_store

viewer = require(VIEW_OWN)
st.title("My ratings")
store = get_store()
if store is None:
    st.stop()


def own_rows(tidy: pd.DataFrame) -> pd.DataFrame:
    """The rows of this viewer: by email (the survey's, as stored), else by a name only they carry."""
    email = viewer.email.strip().lower()
    mine = tidy[tidy["email"].astype("string").str.lower().eq(email)] if email else tidy.iloc[0:0]
    if mine.empty and viewer.name.strip():
        name = viewer.name.strip().casefold()
        by_name = tidy[tidy["name"].astype("string").str.strip().str.casefold().eq(name)]
        if by_name["respondent"].nunique() == 1:  # a name two people share tells nobody apart
            mine = by_name
    return mine


try:
    rounds = list(reversed(store.list_rounds()))
except StoreError as exc:
    st.error(str(exc))
    st.stop()
found = None
for r in rounds:
    rows = own_rows(store.load_ratings(r.id))
    if not rows.empty:
        found = (r, rows)
        break
if found is None:
    st.info("No saved survey round has your ratings yet. When your team's survey has been saved, your own "
            "ratings appear here (and only yours).")
    st.stop()

rnd, rows = found
try:
    fw = get_framework(rnd.framework_id)
except Exception:  # a custom framework that is not built in: its area ids stand for themselves
    fw = None
scale = get_scale(rnd.scale_id)
tg = targets()
role = str(rows["role"].iloc[0])
profile = tg.match_roles(pd.Series([role])).iloc[0]
table = tg.table(fw, scale) if fw is not None else None
st.caption(f"{md(rnd.title)} · your role as the survey gave it: {md(role) or 'not stated'} · scale {scale.name}. "
           "Only you (and your district's admins) can see this page's ratings.")
out = []
for _, r in rows.iterrows():
    area_id = str(r["area_id"])
    name = fw.area(area_id).name if fw is not None and area_id in fw.area_ids else area_id
    target = None
    if table is not None:
        t = table[(table["role_id"] == (profile or "")) & (table["area_id"] == area_id)]["target"]
        target = int(t.iloc[0]) if len(t) else int(tg.area_target(area_id, scale))
    rated = str(r["status"]) == RATED
    rating = int(r["rating"]) if rated else None
    out.append({
        "Skill area": name,
        "Your rating": f"{rating} {scale.label_of(rating)}" if rated else "not part of my role"
        if str(r["status"]) == "not applicable" else "not answered",
        "Your role's target": f"{target} {scale.label_of(target)}" if target is not None else "",
        "Reached": ("yes" if rating >= target else f"{target - rating} level{'s' if target - rating > 1 else ''} "
                    "to go") if rated and target is not None else "",
    })
st.table(pd.DataFrame(out).set_index("Skill area"))  # plain HTML: read the same by every screen reader
