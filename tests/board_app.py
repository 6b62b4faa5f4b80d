"""A tiny entry point for testing the board page before dashboard.py registers it: overview + board.

AppTest (``AppTest.from_file("tests/board_app.py")`` then ``switch_page("../pages/board.py")``) and the
browser test serve this instead of dashboard.py; it sets up the same session state as the dashboard.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from pages._shared import init_state  # noqa: E402

st.set_page_config(page_title="Technology team maturity", layout="wide")
init_state()
nav = st.navigation([
    st.Page(ROOT / "pages" / "overview.py", title="Overview", default=True),
    st.Page(ROOT / "pages" / "board.py", title="Board report", icon=":material/co_present:", url_path="board"),
])
nav.run()
