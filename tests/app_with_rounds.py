"""A stand-in for dashboard.py while the Trends and Survey rounds pages are not registered there yet:
the same routing (st.navigation) with the overview, upload, trends and rounds pages, for AppTest."""

from pathlib import Path

import streamlit as st

from pages._shared import init_state

PAGES = Path(__file__).resolve().parents[1] / "pages"

init_state()
nav = st.navigation([
    st.Page(PAGES / "overview.py", title="Overview", default=True),
    st.Page(PAGES / "upload.py", title="Upload survey", url_path="upload"),
    st.Page(PAGES / "trends.py", title="Trends", url_path="trends"),
    st.Page(PAGES / "rounds.py", title="Survey rounds", url_path="rounds"),
])
nav.run()
