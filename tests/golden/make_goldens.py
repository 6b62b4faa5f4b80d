"""Write tests/golden/summarize.json: what `python -m framework summarize FILE [--json]` printed for the
repository's fixtures, the sample district and the synthetic files (exit status, stderr, stdout's SHA-256), with the code of main at 9127e3a
(before the speed work of issue 13). test_import_equivalence.py requires the same bytes today.

    .venv/bin/python -m tests.golden.make_goldens      # only to record a deliberate change of output
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "summarize.json"
SHOWN = 8000  # stdout kept whole up to this many characters
COMMANDS = {"json": ["--json"], "text": [], "json k=8": ["--json", "--min-group-size", "8"]}


def inputs(folder: Path) -> dict[str, Path]:
    """Every file the goldens cover, written where needed into ``folder``."""
    from tests.golden import synthetic

    paths = {p.name: p for p in sorted((ROOT / "tests" / "fixtures").iterdir())
             if p.is_file() and p.suffix != ".py"}
    paths["sample_district.csv"] = ROOT / "data" / "sample_district.csv"
    for name, data in synthetic.files().items():
        (folder / name).write_bytes(data)
        paths[name] = folder / name
    return paths


def run_cli(args: list[str]) -> dict:
    """The command in this process, with the default targets (as a fresh district has them)."""
    from framework.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get("DASHBOARD_TARGETS_PATH")
    os.environ["DASHBOARD_TARGETS_PATH"] = str(Path(tempfile.gettempdir()) / "no-such-targets-file.toml")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    finally:
        if saved is None:
            os.environ.pop("DASHBOARD_TARGETS_PATH", None)
        else:
            os.environ["DASHBOARD_TARGETS_PATH"] = saved
    return {"exit": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


def recorded(found: dict) -> dict:
    """What the golden file keeps of one output: the exit status, stderr, and stdout's SHA-256 and length
    (and stdout itself when short, so that a failing comparison can show the difference)."""
    text = found["stdout"]
    kept = {"exit": found["exit"], "stderr": found["stderr"], "stdout_chars": len(text),
            "stdout_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}
    return kept | ({"stdout": text} if len(text) <= SHOWN else {})


def outputs(folder: Path) -> dict[str, dict]:
    return {f"{name} ({label})": run_cli(["summarize", str(path), *extra])
            for name, path in inputs(folder).items() for label, extra in COMMANDS.items()}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        found = outputs(Path(tmp))
    found = {name: recorded(out) for name, out in found.items()}
    GOLDEN.write_text(json.dumps(found, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{GOLDEN.relative_to(ROOT)}: {len(found)} outputs", file=sys.stderr)


if __name__ == "__main__":
    main()
