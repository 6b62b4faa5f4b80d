"""Entry point: page routing and the shared sidebar. Run with `make run`."""

from pathlib import Path

import streamlit as st

from framework.aggregate import FLOOR_MIN_GROUP_SIZE
from framework.definitions import builtin_frameworks
from pages._shared import (
    K_FRAMEWORK,
    K_MIN_GROUP,
    K_SOURCE,
    K_UPLOAD,
    SOURCE_SAMPLE,
    SOURCE_UPLOAD,
    init_state,
)

HERE = Path(__file__).parent

st.set_page_config(page_title="Technology team maturity", page_icon=":material/radar:", layout="wide")
init_state()

pages = [
    st.Page(HERE / "pages" / "overview.py", title="Overview", icon=":material/radar:", default=True),
    st.Page(HERE / "pages" / "upload.py", title="Upload survey", icon=":material/upload_file:", url_path="upload"),
]
nav = st.navigation(pages)

with st.sidebar:
    st.markdown("### Data")
    upload = st.session_state.get(K_UPLOAD)
    options = [SOURCE_SAMPLE] + ([SOURCE_UPLOAD] if upload and upload.get("ok") else [])
    if st.session_state.get(K_SOURCE) not in options:
        st.session_state[K_SOURCE] = SOURCE_SAMPLE
    st.radio(
        "Data source",
        options,
        key=K_SOURCE,
        format_func=lambda s: "Sample district" if s == SOURCE_SAMPLE else "Uploaded: " + ", ".join(
            f["name"] for f in upload["files"]
        ),
        help="Upload your own survey export on the Upload survey page. It stays in this browser session only.",
    )
    frameworks = builtin_frameworks()
    st.selectbox(
        "Framework version",
        list(frameworks),
        key=K_FRAMEWORK,
        format_func=lambda f: frameworks[f].version or frameworks[f].name,
        help="The CoSN Framework of Essential Skills of the K-12 CTO. The 2009 version has Stakeholder Focus "
        "instead of Data Privacy and Security, and the CETL exam weights.",
    )
    st.number_input(
        "Minimum group size",
        min_value=FLOOR_MIN_GROUP_SIZE,
        max_value=50,
        step=1,
        key=K_MIN_GROUP,
        help="Anonymous results hide any figure resting on fewer people than this (never below 3).",
    )
    st.caption("Ratings are staff self-assessments. Nothing leaves this computer; usage statistics are off.")

nav.run()
