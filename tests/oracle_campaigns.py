"""framework/campaigns.py's readers of a round's answers as they were before the speed work for 100,000 people
(main at 4219105: a Python loop over every answer), frozen as a test oracle: test_campaigns.py requires today's
readers to give the same frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa

from framework.campaigns import SELF, SUPERVISOR, get
from framework.scales import RATED, STATUSES
from framework.store import Store, answers_table, invitations_table, responses_table


def invitations(store: Store, cid: int) -> pd.DataFrame:
    t = invitations_table
    rows = store._read(sa.select(t.c.email, t.c.name, t.c.role, t.c.group_name, t.c.supervisor)
                       .where(t.c.campaign_id == int(cid)).order_by(t.c.email))
    return pd.DataFrame(rows, columns=["email", "name", "role", "school", "supervisor"])


def supervisor_pairs(store: Store, cid: int) -> pd.DataFrame:
    """Named view (admins): each person's self-rating beside their supervisor's, per skill area, for the
    submitted responses of a round that asks supervisors. Columns: email, name, area_id, self, supervisor."""
    c = get(store, cid)
    a, r = answers_table, responses_table
    done = {(e, rater) for e, rater in store._read(sa.select(r.c.email, r.c.rater).where(
        r.c.campaign_id == int(cid), r.c.submitted_at.is_not(None)))}
    given = {}
    for e, rater, area, rating, status in store._read(sa.select(a.c.email, a.c.rater, a.c.area_id, a.c.rating,
                                                                a.c.status).where(a.c.campaign_id == int(cid))):
        if (e, rater) in done:
            given[(e, rater, area)] = int(rating) if status == RATED else "N/A"
    rows = []
    for person in invitations(store, cid).itertuples(index=False):
        if (person.email, SELF) not in done and (person.email, SUPERVISOR) not in done:
            continue
        for area in c.framework.area_ids:
            rows.append((person.email, person.name, area, given.get((person.email, SELF, area)),
                         given.get((person.email, SUPERVISOR, area))))
    return pd.DataFrame(rows, columns=["email", "name", "area_id", "self", "supervisor"])


# ---- counts and the ratings a round holds ----------------------------------------------------------------------


def response_rate(store: Store, cid: int, k: int) -> dict:
    """Counts only: invited and submitted overall, and per role and per school or department for the
    groups with at least k people invited. Smaller groups are counted only in the overall figure; and since
    the overall figure minus the groups shown gives the groups left out, those left out together must hold at
    least k people too (else the smallest groups shown are left out as well)."""
    inv = invitations(store, cid)
    r = responses_table
    done = {e for (e,) in store._read(sa.select(r.c.email).where(
        r.c.campaign_id == int(cid), r.c.rater == SELF, r.c.submitted_at.is_not(None)))}
    inv = inv.assign(submitted=inv["email"].isin(done))
    out = {"invited": len(inv), "submitted": int(inv["submitted"].sum()), "by": {}}
    for by, col in (("role", "role"), ("school", "school")):
        g = inv.assign(group=inv[col].replace("", "Not stated")).groupby("group")
        table = pd.DataFrame({"invited": g.size(), "submitted": g["submitted"].sum().astype(int)})
        table = table.sort_values("invited", ascending=False, kind="stable")
        keep = table["invited"] >= k
        while (~keep).any() and table.loc[~keep, "invited"].sum() < k and keep.any():
            keep[keep[keep].index[-1]] = False  # the smallest group still shown joins those left out
        out["by"][by] = table[keep].reset_index().rename(columns={"group": by})
        out["by"][by + "_hidden"] = int((~keep).sum())
    return out


def live_ratings(store: Store, cid: int, source: str = SELF) -> pd.DataFrame:
    """The submitted answers as the importer's tidy frame (one row per person and area; areas a person left
    without an answer are blank), with the invitation's name, email, role and school or department."""
    c = get(store, cid)
    fw = c.framework
    a, r = answers_table, responses_table
    submitted = {e for (e,) in store._read(sa.select(r.c.email).where(
        r.c.campaign_id == int(cid), r.c.rater == source, r.c.submitted_at.is_not(None)))}
    inv = invitations(store, cid)
    inv = inv[inv["email"].isin(submitted)]
    rows = store._read(sa.select(a.c.email, a.c.area_id, a.c.rating, a.c.status).where(
        a.c.campaign_id == int(cid), a.c.rater == source))
    given = {(e, area): (rating, status) for e, area, rating, status in rows}
    records = []
    for i, person in enumerate(inv.itertuples(index=False), start=1):
        for area in fw.area_ids:
            rating, status = given.get((person.email, area), (None, "blank"))
            records.append((person.email, person.name, person.email, person.role, person.school, area, rating,
                            status, i))
    frame = pd.DataFrame(records, columns=["respondent", "name", "email", "role", "group", "area_id", "rating",
                                           "status", "row"])
    return pd.DataFrame({
        "respondent": frame["respondent"].astype("category"), "name": frame["name"].astype("category"),
        "email": frame["email"].astype("category"), "role": frame["role"].astype("category"),
        "role_id": pd.Categorical([""] * len(frame)), "group": frame["group"].astype("category"),
        "area_id": frame["area_id"].astype("category"),
        "rating": pd.array(frame["rating"].to_numpy(dtype="float64", na_value=np.nan), dtype="Float64").astype("Int64"),
        "status": pd.Categorical(frame["status"], categories=STATUSES),
        "row": frame["row"].astype("int64"), "column": pd.Categorical([""] * len(frame)),
    })
