"""Shared fixtures: paths, the sample district, AppTest through the entry point, and the live app for e2e."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def plain(markdown: str) -> str:
    """Text as a reader sees it: Markdown's backslash escapes (framework.safe_text.md_text) removed."""
    import re

    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample_district.csv"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(autouse=True)
def _private_store(tmp_path, monkeypatch):
    """Every test gets its own rounds database, targets file and mapping folder: nothing is written
    under the repository's data/ (a test that wants PostgreSQL sets DATABASE_URL itself)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'rounds.sqlite'}")
    monkeypatch.setenv("DASHBOARD_TARGETS_PATH", str(tmp_path / "targets.toml"))
    monkeypatch.setenv("DASHBOARD_MAPPINGS_DIR", str(tmp_path / "mappings"))


@pytest.fixture(autouse=True, scope="session")
def _streamlit_config():
    """AppTest runs the app without a server: read the project's .streamlit/config.toml as `streamlit run`
    does (the server address the app checks lives there)."""
    import os

    import streamlit.config as config

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        config.get_config_options(force_reparse=True)
    finally:
        os.chdir(here)
    yield


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """st.cache_* outlive an AppTest in one process (streamlit#9139): start every test clean."""
    if "streamlit" in sys.modules:
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()
    yield


@pytest.fixture
def app():
    """A fresh AppTest of the whole app, through dashboard.py."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


# ---- browser tests -------------------------------------------------------------------------
def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Debian's chromium is not installed; `make test` installs it (apt-get install chromium).")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": _chromium(), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
             "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env=os.environ | {
                "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'rounds.sqlite'}",
                "DASHBOARD_TARGETS_PATH": str(tmp_path_factory.mktemp('targets') / 'targets.toml'),
                "DASHBOARD_MAPPINGS_DIR": str(tmp_path_factory.mktemp('mappings')),
            },
        )
    url = f"http://localhost:{port}"
    for _ in range(240):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                break
        except OSError:
            time.sleep(0.25)
    else:
        proc.kill()
        raise RuntimeError(f"streamlit did not start; log:\n{log.read_text()}")
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, f"the app logged a traceback:\n{text}"
