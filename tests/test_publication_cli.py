"""``python -m framework publication FILE [FILE ...] [--min-group-size K] [--framework ID] --json``."""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys

from tests.conftest import ROOT, SAMPLE
from tests.publication_support import AREAS, random_member, team, to_csv

FIGURE_KEYS = {"population", "area", "category", "overall", "round", "n", "mean", "levels", "not_applicable",
               "at_target", "target"}


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "framework", "publication", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120, **kw)


def test_one_file_prints_exactly_one_json_object_with_the_contract():
    proc = run(str(SAMPLE), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)  # exactly one object: json.loads refuses anything after it
    assert set(doc) == {"k", "respondents", "figures"}
    assert doc["k"] == 5 and doc["respondents"] == 25
    kinds = {"area": 0, "category": 0, "overall": 0}
    for f in doc["figures"]:
        assert set(f) <= FIGURE_KEYS, f
        assert f["round"] is None
        assert set(f["population"]) <= {"role", "school"}
        assert all(isinstance(v, list) and v for v in f["population"].values())
        kind = "area" if "area" in f else "category" if "category" in f else "overall"
        kinds[kind] += 1
        if kind == "area" and "levels" in f:
            assert set(f["levels"]) == {"1", "2", "3", "4"} and sum(f["levels"].values()) == f["n"]
            if f["n"]:
                assert abs(f["mean"] - sum(int(k) * v for k, v in f["levels"].items()) / f["n"]) < 1e-9
        if kind == "overall":
            assert f["overall"] is True
    assert kinds["area"] == 10 * kinds["overall"] and kinds["category"] == 3 * kinds["overall"]
    team = [f for f in doc["figures"] if f["population"] == {} and "area" in f]
    assert len(team) == 10 and all("n" in f for f in team)
    pooled = [f["population"]["role"] for f in doc["figures"] if len(f["population"].get("role", [])) > 1]
    assert pooled and set(pooled[0]) == {"Network Administrator", "Systems Engineer", "Data / SIS Manager",
                                         "Director of Technology", "Information Security Officer"}


def test_the_team_figures_equal_an_independent_count():
    """The sample's team figures, counted from the CSV with the csv module (labels '3 - Proficient')."""
    doc = json.loads(run(str(SAMPLE), "--json", "--min-group-size", "3").stdout)
    rows = list(csv.reader(io.StringIO(SAMPLE.read_text("utf-8"))))
    head = rows[0]
    for f in (f for f in doc["figures"] if f["population"] == {} and "area" in f):
        col = next(i for i, h in enumerate(head) if h.endswith(f"[{f['area']}]"))
        vals = [int(r[col][0]) for r in rows[1:] if r[col][:1].isdigit()]
        assert f["n"] == len(vals)
        assert f["levels"] == {str(v): vals.count(v) for v in (1, 2, 3, 4)}
        assert f["at_target"] == sum(v >= f["target"] for v in vals)


def test_several_files_are_rounds_oldest_first(tmp_path):
    first = team([("Help Desk", "North", 10)], seed=21)
    late = random_member(random.Random(3), 99, "Help Desk", "North", na=0.0)
    a, b = tmp_path / "fall.csv", tmp_path / "spring.csv"
    a.write_bytes(to_csv(first))
    b.write_bytes(to_csv([*first, late]))
    proc = run(str(a), str(b), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert set(doc) == {"k", "respondents", "rounds", "figures"}
    assert doc["rounds"] == ["fall.csv", "spring.csv"] and doc["respondents"] == 11
    fall = [f for f in doc["figures"] if f["round"] == "fall.csv" and "area" in f and f["population"] == {}]
    spring = [f for f in doc["figures"] if f["round"] == "spring.csv" and "area" in f and f["population"] == {}]
    assert len(fall) == len(spring) == len(AREAS)
    assert not any("n" in f for f in spring)  # the late respondent: spring's figures are hidden beside fall's
    assert all("n" in f for f in fall)
    readable = run(str(a), str(b))
    assert readable.returncode == 0 and "Some figures of spring.csv are hidden beside fall.csv" in readable.stdout


def test_unusable_input_exits_2_with_one_sentence(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    for args in ([str(tmp_path / "missing.csv"), "--json"], [str(empty), "--json"],
                 [str(SAMPLE), "--min-group-size", "2"], [str(SAMPLE), str(SAMPLE)]):
        proc = run(*args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert proc.stdout == ""
        assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
