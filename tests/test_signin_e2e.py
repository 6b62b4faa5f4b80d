"""Sign-in for real: Debian's chromium signs in through a real OpenID Connect provider (oidc-provider-mock,
on a free loopback port) to the app served by `streamlit run`, as an admin, a leader, a staff member and
a stranger, and checks what each can see and do. And local mode is not reachable on the machine's
network address.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, SAMPLE

pytestmark = pytest.mark.e2e
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ADMIN, LEADER, STAFF = "cto@district.org", "sup@district.org", "mhughes@example-district.org"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, log, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the server stopped; log:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise RuntimeError(f"{url} did not answer; log:\n{log.read_text(errors='replace')}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("oidc") / "oidc.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "-p", str(port)], stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/.well-known/openid-configuration", proc, log)
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def signed_in_app(provider, tmp_path_factory):
    """The app in signed-in mode: secrets with [auth] for the provider and one admin; the sample district saved
    as a round; a leader and a staff member granted by the admin."""
    from framework import state
    from framework.store import Store
    from tests.store_support import save

    folder = tmp_path_factory.mktemp("signed-in")
    db = f"sqlite:///{folder / 'dashboard.sqlite'}"
    with Store(db) as store:
        save(store, SAMPLE.read_bytes(), "Fall 2026", date(2026, 10, 15), name=SAMPLE.name)
        state.grant(store, ADMIN, LEADER, "leader")
        state.grant(store, ADMIN, STAFF, "staff")
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(f"""
[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "a long random string only for this test run"
client_id = "dashboard"
client_secret = "not a secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[dashboard]
admins = ["{ADMIN}"]
access_contact = "Pat Lee, the CTO"
""")
    log = folder / "streamlit.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--secrets.files", str(secrets),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env=os.environ | {"DATABASE_URL": db, "DASHBOARD_TARGETS_PATH": str(folder / "targets.toml"),
                              "DASHBOARD_MAPPINGS_DIR": str(folder / "mappings")})
    url = f"http://localhost:{port}"
    wait_http(url + "/_stcore/health", proc, log)
    yield url
    stop(proc)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text


def wait_idle(page, timeout: int = 60_000) -> None:
    page.wait_for_timeout(250)
    page.wait_for_selector(IDLE, timeout=timeout)


def sign_in(browser, url: str, email: str):
    """A fresh browser (its own cookies) signed in as ``email``; returns the page, back in the app."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.route("https://cdn.jsdelivr.net/**", lambda r: r.abort())  # the provider's stylesheet: no network here
    page.goto(url)
    wait_idle(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    for secret in ("Fall 2026", "Sample district", "Respondents", "Help Desk"):
        assert secret not in body, f"{secret!r} shown before sign-in"
    page.get_by_role("button", name="Sign in").click()
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(url.rstrip("/") + "/**", timeout=30_000)
    wait_idle(page)
    return context, page


def nav_links(page) -> list[str]:
    return [t.strip().splitlines()[-1].strip() for t in page.get_by_test_id("stSidebarNavLink").all_inner_texts()]


def test_an_admin_signs_in_and_has_every_page(browser, signed_in_app):
    context, page = sign_in(browser, signed_in_app, ADMIN)
    expect(page.get_by_text(f"Signed in as {ADMIN}")).to_be_visible(timeout=30_000)
    links = nav_links(page)
    for name in ("Overview", "Upload survey", "Survey rounds", "Targets and framework", "Access and audit log"):
        assert name in links, links
    expect(page.get_by_text("Named view", exact=True)).to_be_visible()
    page.goto(signed_in_app.rstrip("/") + "/access")
    wait_idle(page)
    expect(page.get_by_text(LEADER, exact=True)).to_be_visible(timeout=30_000)
    context.close()


def test_a_leader_sees_the_anonymous_pages_and_nothing_named(browser, signed_in_app):
    context, page = sign_in(browser, signed_in_app, LEADER)
    expect(page.get_by_text("Technology team overview")).to_be_visible(timeout=30_000)
    links = nav_links(page)
    assert "Board report" in links and "Overview" in links
    for name in ("Upload survey", "Survey rounds", "Targets and framework", "Access and audit log"):
        assert name not in links, links
    assert page.get_by_text("Named view", exact=True).count() == 0
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=30_000)
    # the page may still be drawing its elements: wait for the headline figure, then read the whole page
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("Respondents", timeout=30_000)
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Respondents" in main and "25" in main and "Michael Hughes" not in main
    page.goto(signed_in_app.rstrip("/") + "/rounds")  # not a leader's page: no rounds list, no delete
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Delete all stored data" not in main and "Manage a round" not in main
    context.close()


def test_staff_see_only_their_own_results(browser, signed_in_app):
    context, page = sign_in(browser, signed_in_app, STAFF)
    expect(page.get_by_role("heading", name="My results")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stTable")).to_be_visible(timeout=30_000)
    assert nav_links(page) in ([], ["My results"])
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Leadership and Vision" in main and "Samuel Lopez" not in main and "Respondents" not in main
    page.goto(signed_in_app.rstrip("/") + "/gaps")
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Team gaps" not in main and "Help Desk Technician" not in main
    context.close()


def test_a_stranger_is_told_whom_to_ask_and_nothing_else(browser, signed_in_app):
    context, page = sign_in(browser, signed_in_app, "visitor@example.org")
    expect(page.get_by_text("ask Pat Lee, the CTO for access")).to_be_visible(timeout=30_000)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Fall 2026" not in main and "Respondents" not in main
    assert nav_links(page) == []
    context.close()


def network_address() -> str:
    """An address of this machine other than loopback (the one a route to the outside would use)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the interface
        address = s.getsockname()[0]
    assert not address.startswith("127."), "this machine has no network address to test against"
    return address


def test_local_mode_is_not_reachable_on_the_network(tmp_path):
    """`python -m framework serve` (what `make run` runs) in local mode answers on 127.0.0.1 and not on the
    machine's network address."""
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "framework", "serve", "--port", str(port)], cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT,
                                env=os.environ | {"HOME": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/d.db"})
    try:
        wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc, log)
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://{network_address()}:{port}/_stcore/health", timeout=3)
    finally:
        stop(proc)
