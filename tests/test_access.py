"""Modes, roles and the district's shared state.

Unit tests of framework/access.py and framework/state.py (on SQLite and PostgreSQL), the serve command's
refusal, and AppTests of every role through dashboard.py. AppTest cannot sign in, so these tests replace
``ui.auth.identity`` (the one place st.user is read); the browser tests in test_signin_e2e.py sign in
for real against an OpenID Connect provider.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

import pytest

from framework import access, state
from framework.access import ADMIN, LEADER, LOCAL, PROXY, SIGNED_IN, STAFF, Viewer, auth_config
from framework.definitions import DefinitionError
from framework.mapping import MappingProfile
from framework.store import Store, StoreError
from framework.targets import default_targets
from tests.conftest import ROOT, SAMPLE
from tests.store_support import db_url_fixture, save, store_fixture  # noqa: F401 (fixtures)

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "a long random test secret",
        "client_id": "dashboard", "client_secret": "x",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
SECRETS = {"auth": AUTH, "dashboard": {"admins": ["CTO@District.org"], "access_contact": "the CTO, Pat Lee"}}


# ---- modes and roles ---------------------------------------------------------------------------------
def test_modes_come_from_the_secrets():
    assert auth_config({}).mode == LOCAL
    cfg = auth_config(SECRETS)
    assert cfg.mode == SIGNED_IN and cfg.admins == {"cto@district.org"} and not cfg.problem
    assert "admins" in auth_config({"auth": AUTH}).problem  # signed-in mode needs a first admin
    assert "client_id" in auth_config({"auth": {"redirect_uri": "x", "cookie_secret": "y"},
                                       "dashboard": {"admins": ["a@b.org"]}}).problem
    proxy = auth_config({"dashboard": {"trusted_email_header": "X-Email", "admins": ["a@b.org"]}})
    assert proxy.mode == PROXY and proxy.email_header == "X-Email"


@pytest.mark.parametrize("address,ok", [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False),
                                        ("10.1.2.3", False), ("", False), (None, False)])
def test_local_mode_serves_this_computer_only(address, ok):
    assert (access.refuse_to_serve(auth_config({}), address) == "") is ok
    assert access.refuse_to_serve(auth_config(SECRETS), address) == ""  # signed in: any address


def test_roles_and_what_they_may_do():
    cfg = auth_config(SECRETS)
    assert access.resolve_role(cfg, " cto@district.org ", None) == ADMIN  # the secrets' admins always
    assert access.resolve_role(cfg, "cto@district.org", STAFF) == ADMIN
    assert access.resolve_role(cfg, "sup@district.org", LEADER) == LEADER
    assert access.resolve_role(cfg, "someone@district.org", None) is None
    assert access.resolve_role(cfg, "", ADMIN) is None
    admin, leader, staff = (Viewer(SIGNED_IN, "x@d.org", role=r, signed_in=True) for r in (ADMIN, LEADER, STAFF))
    stranger = Viewer(SIGNED_IN, "x@d.org", signed_in=True)
    assert all(admin.can(a) for a in access.PERMISSIONS[ADMIN])
    assert leader.can(access.VIEW_TEAM) and leader.can(access.EXPORT_BOARD)
    for action in (access.VIEW_NAMED, access.UPLOAD, access.DELETE_DATA, access.EDIT_TARGETS, access.MANAGE_ACCESS,
                   access.MANAGE_ROUNDS):
        assert not leader.can(action)
    assert leader.can(access.VIEW_OWN)  # a leader's own ratings and growth plan, like anyone's
    assert staff.can(access.VIEW_OWN) and not staff.can(access.VIEW_TEAM) and not staff.can(access.VIEW_BOARD)
    assert not any(stranger.can(a) for a in access.PERMISSIONS[ADMIN])
    with pytest.raises(access.AccessDenied, match="switch on the named view"):
        leader.require(access.VIEW_NAMED)


def test_serve_refuses_a_network_address_without_sign_in(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "framework", "serve", "--address", "0.0.0.0"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env={"HOME": str(tmp_path), "PATH": ""})
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "[auth]" in proc.stderr
    ok = subprocess.run([sys.executable, "-m", "framework", "serve", "--print"], cwd=ROOT, capture_output=True,
                        text=True, timeout=60, env={"HOME": str(tmp_path), "PATH": ""})
    assert ok.returncode == 0 and "--server.address 127.0.0.1" in ok.stdout


def test_serve_in_signed_in_mode_listens_on_the_network():
    from framework.serve import command

    argv, problem = command(None, 8511, SECRETS)
    assert problem == "" and argv[argv.index("--server.address") + 1] == "0.0.0.0"
    assert command("10.0.0.5", 8511, {"auth": AUTH})[1]  # no admin named: refused with a sentence


# ---- shared state in the store --------------------------------------------------------------------------
def test_roles_are_granted_revoked_and_logged(store):
    state.grant(store, "cto@district.org", "Sup@District.org ", LEADER)
    assert state.role_of(store, "sup@district.org") == LEADER
    state.grant(store, "cto@district.org", "sup@district.org", STAFF)
    assert state.role_of(store, "SUP@district.org") == STAFF
    assert state.revoke(store, "cto@district.org", "sup@district.org")
    assert state.role_of(store, "sup@district.org") is None and not state.revoke(store, "x", "sup@district.org")
    with pytest.raises(StoreError):
        state.grant(store, "cto@district.org", "not an email", LEADER)
    with pytest.raises(StoreError):
        state.grant(store, "cto@district.org", "a@b.org", "owner")
    log = state.audit_log(store)
    assert log["action"].tolist()[:3] == ["revoke role", "grant role", "grant role"]
    assert set(log["actor"]) == {"cto@district.org"} and (log["subject"] == "sup@district.org").all()
    assert log.iloc[1]["detail"] == "leader -> staff"


def test_targets_profiles_frameworks_and_k_live_in_the_store(store):
    v0 = state.version(store)
    changed = default_targets().model_copy(update={"areas": {"business-management": 4}})
    state.save_targets(store, "cto@district.org", changed)
    assert state.targets(store).areas == {"business-management": 4}
    assert state.version(store) != v0
    state.reset_targets(store, "cto@district.org")
    assert state.targets(store) == default_targets()
    profile = MappingProfile("Fall form", "cosn-2018", ("Name", "Q1"), {"Q1": "leadership-vision"})
    state.save_profile(store, "cto@district.org", profile)
    assert state.profiles(store) == [profile]
    assert state.delete_profile(store, "cto@district.org", "Fall form") and state.profiles(store) == []
    from tests.test_pages import ISTE

    digest, fw = state.add_framework(store, "cto@district.org", ISTE, "iste.toml")
    assert state.frameworks(store)[digest].title == fw.title
    assert state.add_framework(store, "cto@district.org", ISTE, "again.toml")[0] == digest  # the same file once
    with pytest.raises(DefinitionError, match="built-in"):
        state.add_framework(store, "cto@district.org", ISTE.replace('"iste-leaders"', '"cosn-2018"'), "x.toml")
    assert state.district_k(store) == 5
    state.set_district_k(store, "cto@district.org", 7)
    assert state.district_k(store) == 7
    with pytest.raises(ValueError, match="at least 3"):
        state.set_district_k(store, "cto@district.org", 2)
    actions = state.audit_log(store)["action"].tolist()
    assert {"save targets", "reset targets", "save mapping profile", "delete mapping profile", "add framework",
            "set minimum group size"} <= set(actions)


def test_older_files_are_brought_in_once(store, tmp_path):
    targets_file = tmp_path / "targets.toml"
    from framework.targets import to_toml

    targets_file.write_text(to_toml(default_targets().model_copy(update={"default": 2})))
    folder = tmp_path / "mappings"
    folder.mkdir()
    (folder / "fall.json").write_text('{"name": "Fall", "framework_id": "cosn-2018", "columns": ["A"], '
                                      '"mapping": {"A": "leadership-vision"}}')
    done = state.migrate_files(store, targets_file, folder)
    assert any("Targets brought in" in d for d in done) and any("Fall" in d for d in done)
    assert state.targets(store).default == 2 and [p.name for p in state.profiles(store)] == ["Fall"]
    state.reset_targets(store, "cto@district.org")
    assert state.migrate_files(store, targets_file, folder) == []  # never again, even after a reset
    assert state.targets(store) == default_targets()


# ---- every role through the app ------------------------------------------------------------------------------
def as_person(app, monkeypatch, email: str | None, name: str = "", secrets: dict = SECRETS):
    """An AppTest of the app in signed-in mode, with ``email`` signed in (None: nobody)."""
    import ui.auth as auth

    monkeypatch.setattr(auth, "identity", lambda cfg: (email or "", name, email is not None))
    for key, value in secrets.items():
        app.secrets[key] = value
    return app


def page_text(at) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "text"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value.to_csv() for e in at.dataframe]
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", "\n".join(parts))  # Markdown's escapes, as a reader sees the text


def refused_by_the_page(at, page: str) -> None:
    """A page outside the viewer's navigation cannot be opened; and if it is run anyway, it refuses by itself
    with one sentence and shows nothing else."""
    try:
        at.switch_page(page)
    except ValueError as exc:  # not registered for this viewer
        assert "Could not find a navigation page" in str(exc)
        return
    at.run()
    assert not at.exception
    assert [e.value for e in at.error if e.value.startswith("Your access does not allow you to")], page
    assert not at.dataframe and not at.metric and not at.file_uploader and not at.get("plotly_chart"), page


@pytest.fixture
def district(tmp_path, monkeypatch):
    """The sample district saved as a round in the test's own database; and one leader, one staff member."""
    with Store() as store:
        save(store, SAMPLE.read_bytes(), "Fall 2026", date(2026, 10, 15), name=SAMPLE.name)
        state.grant(store, "cto@district.org", "sup@district.org", LEADER)
        state.grant(store, "cto@district.org", "mhughes@example-district.org", STAFF)
    return store


def test_before_sign_in_nothing_of_the_district_is_shown(app, monkeypatch, district):
    at = as_person(app, monkeypatch, None).run()
    assert not at.exception
    text = page_text(at)
    assert "Sign in" in [b.label for b in at.button]
    for secret in ("Fall 2026", "Sample district", "Help Desk", "Respondents", "25"):
        assert secret not in text
    assert not at.get("plotly_chart") and not at.dataframe


def test_someone_not_on_the_list_is_told_whom_to_ask(app, monkeypatch, district):
    at = as_person(app, monkeypatch, "visitor@gmail.com").run()
    assert not at.exception
    text = page_text(at)
    assert "ask the CTO, Pat Lee for access" in text and "visitor@gmail.com" in text
    assert "Fall 2026" not in text and not at.dataframe and not at.metric and not at.get("plotly_chart")


def test_a_leader_sees_the_anonymous_pages_of_the_saved_round_and_nothing_named(app, monkeypatch, district):
    at = as_person(app, monkeypatch, "sup@district.org", "Sam Superintendent")
    at.session_state["named_view"] = True  # whatever the session says, the server decides
    at.session_state["min_group_size"] = 3
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["named_view"] is False and at.session_state["min_group_size"] == 5
    assert not [t for t in at.toggle if t.label == "Named view"]
    text = page_text(at)
    assert "Saved round: Fall 2026" in text or "Fall 2026" in text
    assert "Respondents 25" in text and "Anonymous view" in text
    import csv
    import io

    names = [row["Full name"] for row in csv.DictReader(io.StringIO(SAMPLE.read_text("utf-8")))]
    for page in ("pages/gaps.py", "pages/area.py", "pages/coverage.py", "pages/compare.py", "pages/trends.py",
                 "pages/board.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        shown = page_text(at) + "".join(el.proto.spec for el in at.get("plotly_chart"))
        assert not [n for n in names if n in shown], page
    for page in ("pages/upload.py", "pages/rounds.py", "pages/settings.py", "pages/access.py"):
        refused_by_the_page(at, page)


def test_a_page_checks_the_role_itself_even_if_reached(monkeypatch, district):
    """Defence in depth: a page run for a leader refuses on its own, whatever the navigation offered."""
    import ui.auth as auth
    from framework.access import MANAGE_ROUNDS

    leader = Viewer(SIGNED_IN, "sup@district.org", role=LEADER, signed_in=True)
    monkeypatch.setattr(auth, "viewer", lambda: leader)
    stops = []
    monkeypatch.setattr(auth.st, "stop", lambda: stops.append(True) or (_ for _ in ()).throw(SystemExit))
    monkeypatch.setattr(auth.st, "error", lambda *a, **k: None)
    with pytest.raises(SystemExit):
        auth.require(MANAGE_ROUNDS)
    assert stops == [True]


def test_staff_see_their_own_results_and_growth_plan_and_nobody_else(app, monkeypatch, district):
    at = as_person(app, monkeypatch, "mhughes@example-district.org", "Michael Hughes").run()
    assert not at.exception, at.exception
    assert [p for p in at.title if p.value == "My results"]
    table = at.table[0].value
    assert len(table) == 10 and set(table.columns) >= {"Your rating", "Your role's target", "Team mean", "Team n"}
    # Michael Hughes, Systems Engineer: Leadership and Vision "2 - Developing" in the sample
    assert table.loc["Leadership and Vision", "Your rating"] == "2 Developing"
    text = page_text(at)
    assert "My growth plan" in text and "Next steps:" in text
    assert "Samuel Lopez" not in text and "Respondents" not in text
    assert at.get("download_button")  # the one-page PDF of the plan
    refused_by_the_page(at, "pages/overview.py")


def test_an_admin_grants_a_role_and_it_is_logged(app, monkeypatch, district):
    at = as_person(app, monkeypatch, "cto@district.org", "Pat Lee").run()
    assert not at.exception
    at.switch_page("pages/access.py").run()
    at.text_input(key="access-email").set_value("board@district.org").run()
    at.selectbox(key="access-role").set_value(LEADER).run()
    next(b for b in at.button if b.label == "Give access").click().run()
    assert not at.exception
    with Store() as store:
        assert state.role_of(store, "board@district.org") == LEADER
        entry = state.audit_log(store).iloc[0]
    assert (entry["actor"], entry["action"], entry["subject"]) == ("cto@district.org", "grant role",
                                                                  "board@district.org")
    assert "board@district.org" in page_text(at)


def test_local_mode_is_the_admin_at_the_desk(app):
    at = app.run()
    assert not at.exception
    assert [t for t in at.toggle if t.label == "Named view"]
    assert "Local mode: only this computer can open the dashboard" in page_text(at)
