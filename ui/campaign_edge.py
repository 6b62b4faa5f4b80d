"""The UI edge of survey rounds run in the dashboard: what the admins' pages compute from a round's answers and
the team's focus areas, once per change.

A round's response rate and each person's self-rating beside their supervisor's are computed once per revision of
the round (framework.campaigns raises it with every submission, invitation or change of status, and the pages
read it with the round at every run), so a submission shows at the next run and a rerun that only changes a
widget reads nothing. The focus areas are read again when anyone saves theirs
(:func:`framework.campaigns.focus_version`). A round may invite 100,000 people: the pages show a page of them at
a time.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from framework import campaigns
from ui.store import get_store


@st.cache_data(show_spinner=False, max_entries=64)
def _response_rate(cid: int, revision: int, k: int) -> dict:
    return campaigns.response_rate(get_store(quiet=True), cid, k)


def response_rate(c: campaigns.Campaign, k: int) -> dict:
    """A round's response rate (framework.campaigns.response_rate: counts only), once per revision of the round."""
    return _response_rate(c.id, c.revision, k)


@st.cache_resource(show_spinner="Setting each person's self-rating beside their supervisor's…", max_entries=4)
def _self_and_supervisor(cid: int, revision: int) -> pd.DataFrame:
    store = get_store(quiet=True)
    pairs = campaigns.supervisor_pairs(store, cid)
    if pairs.empty:
        return pd.DataFrame()
    fw = campaigns.get(store, cid).framework

    def cell(v) -> str:  # a column with a blank in it is float: 4.0 is the level 4
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return "—"
        return str(int(v)) if isinstance(v, float) else str(v)

    pairs = pairs.assign(cell=[f"{cell(s)} / {cell(p)}" for s, p in zip(pairs["self"], pairs["supervisor"])],
                         area=[fw.area(a).label or fw.area(a).name for a in pairs["area_id"]])
    grid = pairs.pivot(index=["name", "email"], columns="area", values="cell")
    return grid[[a.label or a.name for a in fw.areas]].reset_index()


def self_and_supervisor(c: campaigns.Campaign) -> pd.DataFrame:
    """Named view (admins): one row per person of a round that asks supervisors (by name, then email), each cell
    their own rating / their supervisor's (— not submitted); once per revision of the round. Empty when nobody
    has submitted. Never modified by a page."""
    return _self_and_supervisor(c.id, c.revision)


@st.cache_resource(show_spinner=False, max_entries=4)
def _team_focus(version: tuple) -> pd.DataFrame:
    return campaigns.team_focus(get_store(quiet=True))


@st.cache_resource(show_spinner=False, max_entries=8)
def _round_focus(version: tuple, label: str) -> pd.DataFrame:
    part = _team_focus(version)
    part = part[part["round"].eq(label)]
    return part.groupby("email", sort=True)["area_id"].agg(list).rename("areas").reset_index()


@st.cache_data(show_spinner=False, max_entries=16)
def _pooled(version: tuple, label: str, k: int | None) -> pd.DataFrame:
    part = _team_focus(version)
    return campaigns.pooled_focus(part[part["round"].eq(label)], k)


def focus_key() -> tuple:
    return campaigns.focus_version(get_store(quiet=True))


def focus_rounds(key: tuple) -> list[str]:
    """The rounds that people made plans from (their labels, sorted)."""
    return sorted(_team_focus(key)["round"].unique())


def round_focus(key: tuple, label: str) -> pd.DataFrame:
    """One row per person who chose focus areas after the round (by email): ``email``, ``areas`` (as chosen)."""
    return _round_focus(key, label)


def pooled_focus(key: tuple, label: str, k: int | None) -> pd.DataFrame:
    """framework.campaigns.pooled_focus of the round's choices (``k`` None: the named view)."""
    return _pooled(key, label, k)
