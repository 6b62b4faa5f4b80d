"""Who is asking, and what they may see and do.

Two modes, chosen by configuration (``.streamlit/secrets.toml``), never by accident:

* **Local mode** (no ``[auth]`` section): the server listens on this computer only (127.0.0.1), and
  whoever uses it is the district's own admin, as at a desk.
* **Signed-in mode** (an ``[auth]`` section for ``st.login``: Google Workspace, Microsoft Entra ID,
  Okta, Keycloak or any OpenID Connect provider): nothing is shown before sign-in, and each person
  gets the role the store gives their email (the first admins come from ``[dashboard] admins``).
  A deployment behind an authenticating proxy may instead name the proxy's identity header in
  ``[dashboard] trusted_email_header`` (and Streamlit's ``server.trustedUserHeaders``), documented as
  such; the same roles apply.

Roles (checked on the server for every page and every action):

* **admin** (the CTO): everything: upload, mapping, rounds, targets and framework, the named view,
  deleting data, managing who has which role, the audit log;
* **leader** (superintendent, cabinet, board liaison): the anonymous pages, the board report and its
  exports (and, like everyone, their own ratings); never the named view, never anyone else's rating;
* **staff**: their own self-assessment, ratings and growth plan only (anyone invited to a survey round
  run in the dashboard is staff for it, unless the list gives them more);
* anyone signed in but not on the list: nothing but one sentence saying whom to ask.
"""

from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ADMIN, LEADER, STAFF = "admin", "leader", "staff"
ROLES = (ADMIN, LEADER, STAFF)
ROLE_NAMES = {ADMIN: "Admin (CTO)", LEADER: "Leader (superintendent, cabinet, board liaison)", STAFF: "Staff"}

# actions
VIEW_TEAM = "view the anonymous team pages"
VIEW_BOARD = "view the board report"
EXPORT_BOARD = "export the board report"
VIEW_NAMED = "switch on the named view"
UPLOAD = "upload survey files"
EDIT_MAPPING = "save mapping profiles"
MANAGE_ROUNDS = "save, rename and export survey rounds"
DELETE_DATA = "delete stored data"
EDIT_TARGETS = "edit targets"
EDIT_FRAMEWORK = "load a custom framework"
MANAGE_ACCESS = "manage who has which role"
VIEW_AUDIT = "read the audit log"
VIEW_OWN = "see one's own ratings"

PERMISSIONS: dict[str, frozenset[str]] = {
    ADMIN: frozenset({VIEW_TEAM, VIEW_BOARD, EXPORT_BOARD, VIEW_NAMED, UPLOAD, EDIT_MAPPING, MANAGE_ROUNDS,
                      DELETE_DATA, EDIT_TARGETS, EDIT_FRAMEWORK, MANAGE_ACCESS, VIEW_AUDIT, VIEW_OWN}),
    LEADER: frozenset({VIEW_TEAM, VIEW_BOARD, EXPORT_BOARD, VIEW_OWN}),
    STAFF: frozenset({VIEW_OWN}),
}

LOCAL, SIGNED_IN, PROXY = "local", "signed-in", "proxy"
DEFAULT_CONTACT = "your district's technology director"


class AccessDenied(Exception):
    """A page or an action the viewer may not use (the message is one sentence for them)."""


def normal_email(email: str | None) -> str:
    return (email or "").strip().lower()


@dataclass(frozen=True)
class Viewer:
    """The person using this session."""

    mode: str  # local | signed-in | proxy
    email: str = ""
    name: str = ""
    role: str | None = None  # None: signed in but not on the list (or not signed in)
    signed_in: bool = False

    def can(self, action: str) -> bool:
        return self.role is not None and action in PERMISSIONS[self.role]

    def require(self, action: str) -> None:
        if not self.can(action):
            raise AccessDenied(f"Your access does not allow you to {action}.")

    @property
    def actor(self) -> str:
        """Who the audit log says did something."""
        return self.email or ("the local user" if self.mode == LOCAL else "unknown")

    @property
    def describe(self) -> str:
        if self.mode == LOCAL:
            return "Local mode: only this computer can open the dashboard."
        who = self.name or self.email
        return f"Signed in as {who} ({ROLE_NAMES.get(self.role, 'no access')})."


@dataclass(frozen=True)
class AuthConfig:
    mode: str
    admins: frozenset[str] = field(default_factory=frozenset)
    contact: str = DEFAULT_CONTACT
    email_header: str = ""  # proxy mode: the st.user key Streamlit fills from the trusted header
    problem: str = ""  # a configuration that cannot be used, in one sentence


def auth_config(secrets: dict) -> AuthConfig:
    """The mode and its settings from the secrets (a parsed ``secrets.toml``)."""
    dash = secrets.get("dashboard") or {}
    admins = dash.get("admins") or []
    if isinstance(admins, str):
        admins = [admins]
    admins = frozenset(normal_email(a) for a in admins if isinstance(a, str) and "@" in a)
    contact = str(dash.get("access_contact") or DEFAULT_CONTACT)
    auth = secrets.get("auth")
    if isinstance(auth, dict) and auth:
        providers = [auth] + [v for v in auth.values() if isinstance(v, dict)]
        usable = any(p.get("client_id") and p.get("server_metadata_url") for p in providers)
        problem = "" if usable else ("The [auth] section of .streamlit/secrets.toml needs client_id and "
                                     "server_metadata_url (see the README's Sign-in section).")
        if not auth.get("redirect_uri") or not auth.get("cookie_secret"):
            problem = problem or ("The [auth] section of .streamlit/secrets.toml needs redirect_uri and cookie_secret "
                                  "(see the README's Sign-in section).")
        if not admins:
            problem = problem or ("Signed-in mode needs at least one admin: add admins = [\"cto@district.org\"] under "
                                  "[dashboard] in .streamlit/secrets.toml.")
        return AuthConfig(SIGNED_IN, admins, contact, problem=problem)
    header = str(dash.get("trusted_email_header") or "")
    if header:
        problem = "" if admins else ("A deployment behind a sign-in proxy needs at least one admin: add admins = "
                                     "[\"cto@district.org\"] under [dashboard] in .streamlit/secrets.toml.")
        return AuthConfig(PROXY, admins, contact, email_header=header, problem=problem)
    return AuthConfig(LOCAL, admins, contact)


def read_secrets(paths: list[Path]) -> dict:
    """The merged secrets files (later files win), as Streamlit reads them; {} when none can be read."""
    out: dict = {}
    for path in paths:
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        out.update(data)
    return out


def resolve_role(cfg: AuthConfig, email: str, stored_role: str | None) -> str | None:
    """The role of a signed-in email: an admin of the secrets always; else the store's; else none."""
    email = normal_email(email)
    if not email:
        return None
    if email in cfg.admins:
        return ADMIN
    return stored_role if stored_role in ROLES else None


def is_loopback(address: str | None) -> bool:
    """Whether a bind or client address is this computer only ("" and None count as not loopback: they
    mean every interface to a server)."""
    if not address:
        return False
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def refuse_to_serve(cfg: AuthConfig, address: str | None) -> str:
    """'' when the server may listen on ``address``; else the one sentence that says how to configure
    sign-in."""
    if cfg.problem:
        return cfg.problem
    if cfg.mode == LOCAL and not is_loopback(address):
        return ("The dashboard listens on this computer only until sign-in is configured: add an [auth] section "
                "and [dashboard] admins to .streamlit/secrets.toml (see the README's Sign-in section), or run it "
                "without a network address.")
    return ""
