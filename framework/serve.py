"""``python -m framework serve``: start the dashboard on the address its mode allows (what `make run` does).

* Local mode (no ``[auth]`` in .streamlit/secrets.toml): 127.0.0.1 only. Asking for a network address
  refuses to start with one sentence saying how to configure sign-in.
* Signed-in mode (``[auth]`` and ``[dashboard] admins``): every interface (0.0.0.0) unless ``--address``
  says otherwise.
* Behind an authenticating proxy (``[dashboard] trusted_email_header``): as signed-in mode; the proxy
  must be the only way in, and must set that header (documented in the README).

It runs ``python -m streamlit run dashboard.py`` with the address and port; the app checks its mode and
address again on every run, so starting Streamlit another way cannot open a local-mode app to the
network either.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from framework.access import LOCAL, auth_config, read_secrets, refuse_to_serve

ROOT = Path(__file__).resolve().parents[1]


def secrets_paths() -> list[Path]:
    """Where Streamlit reads secrets by default: the user's, then the project's (which wins)."""
    return [Path.home() / ".streamlit" / "secrets.toml", ROOT / ".streamlit" / "secrets.toml"]


def command(address: str | None, port: int, secrets: dict) -> tuple[list[str], str]:
    """(the streamlit command line, '') or ([], the one sentence that refuses)."""
    cfg = auth_config(secrets)
    if address is None:
        address = "127.0.0.1" if cfg.mode == LOCAL else "0.0.0.0"
    problem = refuse_to_serve(cfg, address)
    if problem:
        return [], problem
    args = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.address", address,
            "--server.port", str(int(port)), "--browser.gatherUsageStats", "false"]
    return args, ""


def add_parser(sub) -> None:
    s = sub.add_parser("serve", help="start the dashboard (local mode: this computer only)")
    s.add_argument("--address", default=None,
                   help="the address to listen on (local mode: 127.0.0.1 only; signed-in mode: default 0.0.0.0)")
    s.add_argument("--port", type=int, default=8501, help="the port (default 8501)")
    s.add_argument("--print", action="store_true", dest="dry_run",
                   help="print the command instead of running it")


def run(args) -> int:
    argv, problem = command(args.address, args.port, read_secrets(secrets_paths()))
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if args.dry_run:
        print(" ".join(argv))
        return 0
    os.chdir(ROOT)
    os.execv(argv[0], argv)  # replaces this process: Ctrl-C stops the server
    return 0  # not reached
