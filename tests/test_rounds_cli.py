"""`python -m framework rounds list|save|delete` against the same store as the app, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

from framework.cli import main
from framework.store import Store
from tests.conftest import ROOT, SAMPLE
from tests.store_support import (
    count,
    db_url_fixture,  # noqa: F401 (fixture)
    team,
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_save_list_and_delete(db_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    code, out, err = run(capsys, "rounds", "list")
    assert code == 0 and out.startswith("No rounds are stored") and not err

    code, out, err = run(capsys, "rounds", "save", str(SAMPLE), "--label", "Fall 2025", "--date", "2025-10-01")
    assert code == 0, err
    assert out.splitlines()[0] == "Saved round 1 'Fall 2025' (2025-10-01): 25 respondents, 250 ratings."
    assert "25 rows read = 25 used + 0 rejected" in out

    code, out, _ = run(capsys, "rounds", "save", str(SAMPLE), "--label", "Again")
    assert code == 0 and "already stored as round 1 'Fall 2025'" in out

    code, out, _ = run(capsys, "rounds", "list")
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "Date", "Round", "Respondents", "Ratings", "Scale", "Framework", "Source"]
    assert lines[1].split() == ["1", "2025-10-01", "Fall", "2025", "25", "250", "1-4", "cosn-2018",
                                "sample_district.csv"]

    code, out, _ = run(capsys, "rounds", "list", "--json")
    (r,) = json.loads(out)
    assert (r["id"], r["label"], r["date"], r["respondents"], r["ratings"], r["scale"]) == (
        1, "Fall 2025", "2025-10-01", 25, 250, {"id": "1-4", "min": 1, "max": 4})

    code, out, _ = run(capsys, "rounds", "delete", "1")
    assert code == 0 and out.strip() == "Deleted round 1 'Fall 2025' (2025-10-01) and its 250 ratings."
    with Store(db_url) as store:
        assert count(store, "SELECT count(*) FROM ratings") == 0
        assert count(store, "SELECT count(*) FROM rounds") == 0


def test_save_json_and_the_default_date(db_url, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db_url)
    path = tmp_path / "team.csv"
    path.write_bytes(team(6, 1))
    code, out, _ = run(capsys, "rounds", "save", str(path), "--label", "Now", "--json")
    saved = json.loads(out)
    assert code == 0 and saved["created"] is True and saved["date"] == date.today().isoformat()
    assert saved["source_name"] == "team.csv" and saved["ratings"] == 60


def test_problems_are_one_sentence_with_status_2(db_url, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db_url)
    run(capsys, "rounds", "save", str(SAMPLE), "--label", "Fall 2025")
    other = tmp_path / "other.csv"
    other.write_bytes(team(6, 1))
    cases = [
        (["rounds", "save", str(other), "--label", "Fall 2025"], "exists already"),
        (["rounds", "save", str(tmp_path / "missing.csv"), "--label", "X"], "There is no file"),
        (["rounds", "save", str(other), "--label", "  "], "needs a name"),
        (["rounds", "save", str(other), "--label", "X", "--date", "2025-13-01"], "not a date"),
        (["rounds", "delete", "99"], "There is no round 99"),
        (["rounds", "delete", "first"], "not a round ID"),
        (["rounds", "save", str(other)], "--label"),
    ]
    for argv, words in cases:
        code, out, err = run(capsys, *argv)
        assert code == 2, (argv, out, err)
        assert words in err and err.count("\n") == 1 and "Traceback" not in err, (argv, err)


def test_an_unreachable_database_is_one_sentence(capsys):
    code, _, err = run(capsys, "rounds", "list", "--database", "postgresql://alice:s3cr3t@127.0.0.1:1/rounds")
    assert code == 2 and "cannot be used" in err and "s3cr3t" not in err and err.count("\n") == 1


def test_the_database_comes_from_secrets_toml_in_the_working_folder(db_url, tmp_path):
    """Run from another folder with only .streamlit/secrets.toml naming the database (as the app reads it)."""
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(f'DATABASE_URL = "{db_url}"\n')
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "framework", "rounds", "save", str(SAMPLE), "--label", "From secrets"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with Store(db_url) as store:
        assert [r.label for r in store.list_rounds()] == ["From secrets"]


def test_scripts_saving_at_the_same_time_lose_nothing(db_url, tmp_path):
    """Four `rounds save` processes started together: four rounds, every rating stored."""
    Store(db_url).close()
    env = os.environ | {"DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    procs = []
    for i in range(4):
        path = tmp_path / f"school{i}.csv"
        path.write_bytes(team(8 + i, 10 + i))
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "framework", "rounds", "save", str(path), "--label", f"School {i}",
             "--date", "2026-10-01"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with Store(db_url) as store:
        rounds = {r.label: r for r in store.list_rounds()}
        assert sorted(rounds) == [f"School {i}" for i in range(4)]
        for i in range(4):
            assert rounds[f"School {i}"].ratings == (8 + i) * 10
        assert count(store, "SELECT count(*) FROM ratings") == sum((8 + i) * 10 for i in range(4))
