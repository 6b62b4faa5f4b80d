"""Two app servers on one PostgreSQL behave as one: a change made on one shows on the other.

Both servers run `streamlit run dashboard.py` (local mode, loopback) against a fresh database on the test
PostgreSQL server that `make test` starts. In headless chromium, the admin saves the district's minimum
group size and a target on server A; server B shows both at its next page run, and its audit log has the
changes.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.store_support import fresh_url
from tests.test_signin_e2e import free_port, stop, wait_http, wait_idle

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_servers(tmp_path):
    gen = fresh_url("postgresql", tmp_path)
    url = next(gen)
    procs, urls = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"{name}.log"
            with open(log, "wb") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
                     "--server.port", str(port), "--browser.gatherUsageStats", "false",
                     "--server.fileWatcherType", "none"],
                    cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                    env=os.environ | {"DATABASE_URL": url, "HOME": str(tmp_path),
                                      "DASHBOARD_TARGETS_PATH": str(tmp_path / "none.toml"),
                                      "DASHBOARD_MAPPINGS_DIR": str(tmp_path / "none")})
            procs.append(proc)
            wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc, log)
            urls.append(f"http://localhost:{port}")
        yield urls, url
    finally:
        for proc in procs:
            stop(proc)
        next(gen, None)


def open_page(page, base: str, path: str) -> None:
    page.goto(base)  # the start page first (see ui/auth.py: a new server's first request)
    wait_idle(page)
    page.goto(f"{base}/{path}")
    wait_idle(page)


def test_a_change_on_one_server_shows_on_the_other(browser, two_servers):
    (a, b), db_url = two_servers
    page_a = browser.new_page(viewport={"width": 1300, "height": 1000})
    open_page(page_a, a, "settings")
    k_input = page_a.get_by_label("Minimum group size for everyone who is not an admin", exact=True)
    expect(k_input).to_have_value("5", timeout=30_000)
    k_input.fill("7")
    k_input.press("Enter")
    wait_idle(page_a)
    page_a.get_by_role("button", name="Save the minimum group size").click()
    expect(page_a.get_by_text("minimum group size of 7")).to_be_visible(timeout=30_000)

    page_b = browser.new_page(viewport={"width": 1300, "height": 1000})
    open_page(page_b, b, "settings")
    expect(page_b.get_by_label("Minimum group size for everyone who is not an admin", exact=True)).to_have_value("7",
                                                                                                     timeout=30_000)
    open_page(page_b, b, "access")
    expect(page_b.get_by_text("Audit log", exact=True)).to_be_visible(timeout=30_000)
    expect(page_b.get_by_test_id("stDataFrame")).to_be_visible()
    from framework import state
    from framework.store import Store

    with Store(db_url) as store:  # and what both servers read is the database's
        assert state.district_k(store) == 7
        assert state.audit_log(store).iloc[0]["action"] == "set minimum group size"
