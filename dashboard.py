"""Entry point: who is asking, page routing by role, and the shared sidebar (data, framework, privacy,
filters). Run with `make run`."""

from pathlib import Path

import streamlit as st

from framework.access import (
    EDIT_FRAMEWORK,
    LOCAL,
    MANAGE_ACCESS,
    MANAGE_ROUNDS,
    UPLOAD,
    VIEW_BOARD,
    VIEW_NAMED,
    VIEW_OWN,
    VIEW_TEAM,
)
from framework.aggregate import FLOOR_MIN_GROUP_SIZE
from framework.privacy import DIMENSIONS
from ui.auth import gate
from ui.shared import (
    K_FRAMEWORK,
    K_MIN_GROUP,
    K_NAMED,
    K_SOURCE,
    K_WEIGHTED,
    bound,
    current_dataset,
    data_sources,
    framework_choices,
    init_state,
    md,
    my_pages,
)

HERE = Path(__file__).parent / "pages"

st.set_page_config(page_title="Technology team maturity", page_icon=":material/radar:", layout="wide")
viewer = gate()  # stops here before sign-in, and for anyone not on the list
init_state(viewer)

team, board, data_pages, own = [], [], [], []
if viewer.can(VIEW_TEAM):
    team = [
        st.Page(HERE / "overview.py", title="Overview", icon=":material/radar:", default=True),
        st.Page(HERE / "gaps.py", title="Team gaps", icon=":material/grid_on:", url_path="gaps"),
        st.Page(HERE / "area.py", title="Skill area", icon=":material/target:", url_path="area"),
        st.Page(HERE / "coverage.py", title="Coverage", icon=":material/group:", url_path="coverage"),
        st.Page(HERE / "compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
        st.Page(HERE / "trends.py", title="Trends", icon=":material/trending_up:", url_path="trends"),
    ]
if viewer.can(VIEW_BOARD):
    board = [st.Page(HERE / "board.py", title="Board report", icon=":material/co_present:", url_path="board")]
if viewer.can(UPLOAD):
    data_pages.append(st.Page(HERE / "upload.py", title="Upload survey", icon=":material/upload_file:",
                              url_path="upload"))
if viewer.can(MANAGE_ROUNDS):
    data_pages.append(st.Page(HERE / "run_round.py", title="Run a survey round", icon=":material/how_to_vote:",
                              url_path="run"))
    data_pages.append(st.Page(HERE / "rounds.py", title="Survey rounds", icon=":material/history:", url_path="rounds"))
    data_pages.append(st.Page(HERE / "team_growth.py", title="Team growth", icon=":material/school:",
                              url_path="growth"))
if viewer.can(EDIT_FRAMEWORK):
    data_pages.append(st.Page(HERE / "settings.py", title="Targets and framework", icon=":material/tune:",
                              url_path="settings"))
if viewer.can(MANAGE_ACCESS):
    data_pages.append(st.Page(HERE / "access.py", title="Access and audit log", icon=":material/admin_panel_settings:",
                              url_path="access"))
if viewer.can(VIEW_OWN) and viewer.mode != LOCAL:
    mine = my_pages(viewer)
    if "assessment" in mine:
        own.append(st.Page(HERE / "assessment.py", title="Self-assessment", icon=":material/edit_note:",
                           url_path="assessment", default=not team))
    own.append(st.Page(HERE / "my_results.py", title="My results", icon=":material/person:", url_path="me",
                       default=not team and "assessment" not in mine))
    if "supervise" in mine:
        own.append(st.Page(HERE / "supervise.py", title="Rate my team", icon=":material/supervisor_account:",
                           url_path="supervise"))
sections = {"Me": own, "Team": team, "Board": board, "Data and settings": data_pages} if own and not team else \
    {"Team": team, "Board": board, "Me": own, "Data and settings": data_pages}
# every page listed: an admin has more than ten, and a collapsed "View more" hides the data pages
nav = st.navigation({name: pages for name, pages in sections.items() if pages}, expanded=True)

with st.sidebar:
    if viewer.mode != LOCAL:
        st.caption(md(viewer.describe))
        st.button("Sign out", on_click=st.logout, key="sign-out", icon=":material/logout:")

if viewer.can(VIEW_TEAM):
    with st.sidebar:
        st.markdown("### Data")
        sources = data_sources(viewer)
        if st.session_state.get(K_SOURCE) not in sources:
            st.session_state[K_SOURCE] = next(iter(sources), None)
        if sources:
            bound(
                st.selectbox if len(sources) > 3 else st.radio,
                "Data source",
                K_SOURCE,
                options=list(sources),
                format_func=sources.get,
                help="The sample district, a saved survey round, or (admins) an upload that stays in this browser "
                     "session until it is saved as a round.",
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
        if viewer.can(VIEW_NAMED):
            bound(
                st.toggle,
                "Named view",
                K_NAMED,
                help="Off (the default): group results only, and nothing that could single anyone out. "
                "On: the team's own view, with each person's ratings. Exports are always anonymous.",
            )
            bound(
                st.number_input,
                "Minimum group size",
                K_MIN_GROUP,
                min_value=FLOOR_MIN_GROUP_SIZE,
                max_value=50,
                step=1,
                help="Anonymous results hide any figure, or combination of figures, resting on fewer people than "
                     "this (never below 3).",
            )
        else:
            st.caption(f"Anonymous view: results resting on fewer than {st.session_state.get(K_MIN_GROUP)} people "
                       "are hidden.")

        data = current_dataset()
        if data.problem:
            st.error(md(data.problem))
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
            st.warning(md(data.filter_problem))
        bound(
            st.toggle,
            "Weighted overall score",
            K_WEIGHTED,
            disabled=not data.framework.has_weights,
            help="Weight the team mean by the framework's area weights (the CETL exam weights in the 2009 version)."
            if data.framework.has_weights else "This framework defines no area weights.",
        )
        if viewer.mode == LOCAL:
            st.caption("Local mode: only this computer can open the dashboard. Ratings are staff self-assessments; "
                       "usage statistics are off.")
        else:
            st.caption("Ratings are staff self-assessments; usage statistics are off.")

    if st.session_state.get(K_NAMED) and viewer.can(VIEW_NAMED):
        st.info("Named view: individual ratings are visible.", icon=":material/visibility:")

nav.run()
