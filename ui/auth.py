"""The UI edge of sign-in and roles: who is asking, checked on the server at every run.

``dashboard.py`` calls :func:`gate` first thing: it refuses to serve a local-mode app on a network
address, shows nothing but a sign-in button before sign-in, and nothing but one sentence to someone
signed in but not on the list. Every page then calls :func:`require` with the action it performs, and
every button that changes something calls it again when clicked: hiding a button is never the check.

Identity comes from Streamlit's ``st.user`` (``st.login`` with the ``[auth]`` provider of secrets.toml),
or, behind an authenticating proxy, from the trusted header Streamlit maps into ``st.user``. Tests
replace :func:`identity` (AppTest cannot sign in); nothing a browser sends can.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from framework import campaigns, state
from framework.access import (
    ADMIN,
    LOCAL,
    PROXY,
    STAFF,
    AccessDenied,
    AuthConfig,
    Viewer,
    auth_config,
    is_loopback,
    refuse_to_serve,
    resolve_role,
)
from framework.campaigns import CLOSED, OPEN
from framework.narrative import md_escape
from framework.store import StoreError

K_VIEWER = "_viewer"
ROOT = Path(__file__).resolve().parents[1]


def secrets_dict() -> dict:
    try:
        return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    except Exception:  # an unreadable secrets file: local mode, and the app says nothing of it
        return {}


def config() -> AuthConfig:
    return auth_config(secrets_dict())


def identity(cfg: AuthConfig) -> tuple[str, str, bool]:
    """(email, name, signed in) of this session's person, from st.user."""
    user = st.user
    if cfg.mode == PROXY:
        email = str(user.get(cfg.email_header) or user.get("email") or "")
        return email, str(user.get("name") or ""), bool(email)
    if not user.get("is_logged_in", False):
        return "", "", False
    email = str(user.get("email") or user.get("preferred_username") or "")
    return email, str(user.get("name") or ""), True


def current_viewer(cfg: AuthConfig | None = None) -> Viewer:
    """The person using this session, with the role the secrets and the store give them now."""
    cfg = cfg or config()
    if cfg.mode == LOCAL:
        return Viewer(LOCAL, role=ADMIN)
    email, name, signed_in = identity(cfg)
    if not signed_in:
        return Viewer(cfg.mode)
    from ui.store import get_store

    stored = None
    if email.strip().lower() not in cfg.admins:
        store = get_store(quiet=True)
        if store is not None:
            try:
                stored = state.role_of(store, email)
                if stored is None and campaigns.invited_to(store, email, statuses=(OPEN, CLOSED)):
                    stored = STAFF  # invited to a round run in the dashboard: staff for their own answers
            except StoreError:
                stored = None
    return Viewer(cfg.mode, email, name, resolve_role(cfg, email, stored), signed_in=True)


def viewer() -> Viewer:
    """This run's viewer, which dashboard.py sets before it runs a page. A page run without it was not
    reached through dashboard.py (Streamlit's older pages/ routing, which can serve the very first request
    of a new server): it shows nothing but a link to the start page, where the checks run."""
    found = st.session_state.get(K_VIEWER)
    if isinstance(found, Viewer):
        return found
    st.markdown("Open the dashboard from [its start page](/).")
    st.stop()


def require(action: str) -> Viewer:
    """Stop the page with one sentence unless this run's viewer may perform ``action``."""
    v = viewer()
    try:
        v.require(action)
    except AccessDenied as exc:
        st.error(str(exc), icon=":material/lock:")
        st.stop()
    return v


def allowed(action: str) -> bool:
    return viewer().can(action)


def gate() -> Viewer:
    """Refuse, sign in, or say whom to ask; returns the viewer who may go on."""
    cfg = config()
    address = st.get_option("server.address")
    problem = refuse_to_serve(cfg, address)
    client = getattr(st.context, "ip_address", None)
    if not problem and cfg.mode == LOCAL and isinstance(client, str) and client and not is_loopback(client):
        problem = refuse_to_serve(cfg, client)
    if problem:
        st.error(problem, icon=":material/lock:")
        st.stop()
    v = current_viewer(cfg)
    st.session_state[K_VIEWER] = v
    if cfg.mode == LOCAL:
        return v
    if not v.signed_in:
        st.title("Technology team maturity")
        st.write("Sign in with your district account to continue.")
        if cfg.mode != PROXY:
            st.button("Sign in", type="primary", on_click=st.login, icon=":material/login:")
        st.stop()
    if v.role is None:
        st.markdown(md_escape(f"You are signed in as {v.email}, but this dashboard has not been opened to you: ask "
                       f"{cfg.contact} for access."))
        if cfg.mode != PROXY:
            st.button("Sign out", on_click=st.logout)
        st.stop()
    return v
