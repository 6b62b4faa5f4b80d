"""The rounds database for the pages: one Store (engine and connection pool) per URL for the whole
server, and the small helpers the pages share.

The URL: $DATABASE_URL, else DATABASE_URL in Streamlit's secrets (.streamlit/secrets.toml), else the
SQLite file data/dashboard.sqlite. On first use the district's older files (data/targets.toml,
data/mappings/) are brought into it (framework.state.migrate_files).
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAPIException

from framework.store import ENV_VAR, Store, StoreError, default_url

ROOT = Path(__file__).resolve().parents[1]
UPLOAD_PAGE = ROOT / "pages" / "upload.py"
ROUNDS_PAGE = ROOT / "pages" / "rounds.py"
TRENDS_PAGE = ROOT / "pages" / "trends.py"


def store_url() -> str:
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env
    try:
        if st.secrets.load_if_toml_exists():
            value = st.secrets.get(ENV_VAR)
            if isinstance(value, str) and value.strip():
                return value.strip()
    except (FileNotFoundError, KeyError, ValueError):
        pass
    return default_url()


@st.cache_resource(show_spinner="Opening the database…")
def _open(url: str) -> Store:
    from framework.state import migrate_files

    store = Store(url)
    migrate_files(store)
    return store


def get_store(quiet: bool = False) -> Store | None:
    """The server's Store, created (and its schema migrated) on first use; None when the database
    cannot be used (after saying why, unless ``quiet``)."""
    try:
        return _open(store_url())
    except StoreError as exc:
        if not quiet:
            from framework.narrative import md_escape

            st.error(md_escape(f"{exc} Saved rounds, targets and access settings are unavailable until it can."))
        return None


def store_or_stop() -> Store:
    """The server's Store for a page that cannot work without it; the page stops (after get_store has said
    why) when the database cannot be used."""
    store = get_store()
    if store is None:
        st.stop()
    return store


def page_link(path: Path, label: str, icon: str | None = None) -> None:
    """A link to another page; plain words when that page is not registered in this app."""
    try:
        st.page_link(path, label=label, icon=icon)
    except StreamlitAPIException:
        st.markdown(f"See the **{label}** page.")


def flash(kind: str, text: str) -> None:
    st.session_state.setdefault("rounds-flash", []).append((kind, text))


def show_flash() -> None:
    for kind, text in st.session_state.pop("rounds-flash", []):
        getattr(st, kind)(text)
