"""The core package stays UI-free, and the app's configuration keeps its promises."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib

from tests.conftest import ROOT


def test_framework_never_imports_streamlit_in_source():
    """No module under framework/ names streamlit in an import statement."""
    offenders = []
    for path in (ROOT / "framework").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert offenders == []


def test_importing_the_whole_core_loads_no_streamlit():
    """Importing every framework module, and running the CLI's summarize, leaves streamlit unloaded."""
    code = (
        "import sys, pkgutil, importlib, framework\n"
        "for m in pkgutil.walk_packages(framework.__path__, 'framework.'):\n"
        "    if m.name != 'framework.__main__': importlib.import_module(m.name)\n"
        "from framework.cli import main\n"
        "main(['summarize', 'data/sample_district.csv', '--json'])\n"
        "assert 'streamlit' not in sys.modules, 'streamlit was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_usage_statistics_are_off_and_upload_size_is_stated():
    """.streamlit/config.toml turns telemetry off and sets the upload limit."""
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["browser"]["gatherUsageStats"] is False
    assert isinstance(cfg["server"]["maxUploadSize"], int)


def test_pages_holds_only_page_scripts_and_each_checks_the_viewer():
    """Streamlit scans pages/ for scripts: the glue lives in ui/, and every page script asks ui.auth
    who is asking before it shows anything (a page reached without dashboard.py shows only a link)."""
    scripts = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
    assert not [s for s in scripts if s.startswith("_")], scripts
    for name in scripts:
        text = (ROOT / "pages" / name).read_text("utf-8")
        assert "require(" in text, f"pages/{name} does not check the viewer"


def test_no_traceback_or_server_path_reaches_a_browser():
    """client.showErrorDetails is "none" (Streamlit's strictest value): an uncaught error shows the generic
    sentence only, without its message, type or stack trace (server paths), which go to the log."""
    import streamlit.config as config
    from streamlit.config import ShowErrorDetailsConfigOptions
    from streamlit.testing.v1 import AppTest

    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["client"]["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE == "none"
    assert config.get_option("client.showErrorDetails") == "none"  # as `streamlit run` reads it here
    at = AppTest.from_string("raise RuntimeError('cannot open /srv/district/data/dashboard.sqlite')").run()
    shown = at.exception[0].proto
    assert "/srv/district" not in shown.message and "This app has encountered an error" in shown.message
    assert list(shown.stack_trace) == [] and shown.type == ""
