"""Entry point: page routing and the shared sidebar (data, framework, privacy, filters). Run with `make run`."""

from pathlib import Path

import streamlit as st

from framework.aggregate import FLOOR_MIN_GROUP_SIZE
from framework.privacy import DIMENSIONS
from pages._shared import (
    K_FRAMEWORK,
    K_MIN_GROUP,
    K_NAMED,
    K_SOURCE,
    K_UPLOAD,
    K_WEIGHTED,
    SOURCE_SAMPLE,
    SOURCE_UPLOAD,
    bound,
    current_dataset,
    framework_choices,
    init_state,
)

HERE = Path(__file__).parent / "pages"

st.set_page_config(page_title="Technology team maturity", page_icon=":material/radar:", layout="wide")
init_state()

nav = st.navigation({
    "Team": [
        st.Page(HERE / "overview.py", title="Overview", icon=":material/radar:", default=True),
        st.Page(HERE / "gaps.py", title="Team gaps", icon=":material/grid_on:", url_path="gaps"),
        st.Page(HERE / "area.py", title="Skill area", icon=":material/target:", url_path="area"),
        st.Page(HERE / "coverage.py", title="Coverage", icon=":material/group:", url_path="coverage"),
        st.Page(HERE / "compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
        st.Page(HERE / "trends.py", title="Trends", icon=":material/trending_up:", url_path="trends"),
    ],
    "Board": [
        st.Page(HERE / "board.py", title="Board report", icon=":material/co_present:", url_path="board"),
    ],
    "Data and settings": [
        st.Page(HERE / "upload.py", title="Upload survey", icon=":material/upload_file:", url_path="upload"),
        st.Page(HERE / "rounds.py", title="Survey rounds", icon=":material/history:", url_path="rounds"),
        st.Page(HERE / "settings.py", title="Targets and framework", icon=":material/tune:", url_path="settings"),
    ],
})

with st.sidebar:
    st.markdown("### Data")
    upload = st.session_state.get(K_UPLOAD)
    options = [SOURCE_SAMPLE] + ([SOURCE_UPLOAD] if upload and upload.get("ok") else [])
    if st.session_state.get(K_SOURCE) not in options:
        st.session_state[K_SOURCE] = SOURCE_SAMPLE
    bound(
        st.radio,
        "Data source",
        K_SOURCE,
        options=options,
        format_func=lambda s: "Sample district" if s == SOURCE_SAMPLE else "Uploaded: " + ", ".join(
            f["name"] for f in upload["files"]
        ),
        help="Upload your own survey export on the Upload survey page. It stays in this browser session only.",
    )
    frameworks = framework_choices()
    if st.session_state.get(K_FRAMEWORK) not in frameworks:
        st.session_state[K_FRAMEWORK] = next(iter(frameworks))
    bound(
        st.selectbox,
        "Framework version",
        K_FRAMEWORK,
        options=list(frameworks),
        format_func=lambda f: frameworks[f].version or frameworks[f].name,
        help="The CoSN Framework of Essential Skills of the K-12 CTO. The 2009 version has Stakeholder Focus "
        "instead of Data Privacy and Security, and the CETL exam weights. A custom framework can be loaded on "
        "the Targets and framework page.",
    )

    st.markdown("### Privacy")
    bound(
        st.toggle,
        "Named view",
        K_NAMED,
        help="Off (the default): group results only, and any group under the minimum size is hidden. "
        "On: the team's own view, with each person's ratings. Exports are always anonymous.",
    )
    bound(
        st.number_input,
        "Minimum group size",
        K_MIN_GROUP,
        min_value=FLOOR_MIN_GROUP_SIZE,
        max_value=50,
        step=1,
        help="Anonymous results hide any figure resting on fewer people than this (never below 3).",
    )

    data = current_dataset()
    if data.problem:
        st.error(data.problem)
    st.markdown("### Filters")
    offered = data.filter_options() if not data.problem else {by: [] for by in DIMENSIONS}
    for by, label in DIMENSIONS.items():
        key = f"filter_{by}"
        kept = [v for v in st.session_state.get(key, []) if v in offered[by]]
        st.session_state[key] = kept if data.named else kept[:1]
        bound(
            st.multiselect,
            label,
            key,
            options=offered[by],
            placeholder="All",
            max_selections=None if data.named else 1,
            help=None if data.named else "Anonymous view: one role or one school or department at a time; groups "
            "that could single people out are pooled or not offered.",
        )
    if data.filter_problem:
        st.warning(data.filter_problem)
    bound(
        st.toggle,
        "Weighted overall score",
        K_WEIGHTED,
        disabled=not data.framework.has_weights,
        help="Weight the team mean by the framework's area weights (the CETL exam weights in the 2009 version)."
        if data.framework.has_weights else "This framework defines no area weights.",
    )
    st.caption("Ratings are staff self-assessments. Nothing leaves this computer; usage statistics are off.")

if st.session_state.get(K_NAMED):
    st.info("Named view: individual ratings are visible.", icon=":material/visibility:")

nav.run()
