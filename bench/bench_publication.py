"""Publication benchmark: building and auditing every anonymous figure of a data set.

Cases (the issue's page budget):

* a 200-person team with 8 roles and 6 schools that cross (roles lean to a school, as in districts),
  N/A answers scattered: goal 300 ms warm, 2 s cold;
* 5,000 people with 60 roles and 50 schools, so the publication pools them to at most 40 units each:
  goal 2 s cold;
* two rounds of the 200-person team (the second with 12 people changed, joined or left): the series
  audit that Trends uses.

"Cold" is a fresh process: Python, pandas and the framework imported, the survey already read, then
the first publication built. "Warm" is the median of the builds after it in the same process (what a
page rerun pays when its cache was cleared, e.g. after the targets changed). Every measurement runs
in its own process; the script prints seconds, the goal and the ratio.

Usage: .venv/bin/python bench/bench_publication.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def team_csv(n: int, n_roles: int, n_schools: int, seed: int, lean: float = 0.6, changed: int = 0) -> bytes:
    from framework.definitions import get_framework

    rng = random.Random(seed)
    areas = [a.name for a in get_framework().areas]
    role_w = [rng.choice([1, 2, 3, 5, 8]) for _ in range(n_roles)]
    rows = ["Name,Email,Role,School," + ",".join(areas)]
    answers = ["1", "2", "3", "4", "4", "3", "N/A"]
    people = []
    for i in range(n):
        r = rng.choices(range(n_roles), role_w)[0]
        s = r % n_schools if rng.random() < lean else rng.randrange(n_schools)
        people.append([f"P{i}", f"p{i}@x.org", f"Role {r}", f"School {s}"] + [rng.choice(answers) for _ in areas])
    if changed:  # a later round: some people left, some joined, some changed an answer
        rng2 = random.Random(seed + 1)
        for j in range(changed):
            kind = j % 3
            if kind == 0:
                people.pop(rng2.randrange(len(people)))
            elif kind == 1:
                people.append([f"N{j}", f"n{j}@x.org", "Role 0", "School 0"] + [rng2.choice(answers) for _ in areas])
            else:
                p = rng2.choice(people)
                p[4 + rng2.randrange(len(areas))] = rng2.choice(answers)
    rows += [",".join(p) for p in people]
    return ("\n".join(rows) + "\n").encode()


def _child(case: str, repeat: int) -> None:
    from framework.definitions import get_framework
    from framework.importer import read_survey
    from framework.publication import RoundInput, publish, publish_rounds
    from framework.targets import default_targets

    fw, targets = get_framework(), default_targets()
    if case == "team-200":
        data = [team_csv(200, 8, 6, seed=1)]
    elif case == "district-5000":
        data = [team_csv(5000, 60, 50, seed=2)]
    else:
        data = [team_csv(200, 8, 6, seed=1), team_csv(200, 8, 6, seed=1, changed=12)]
    results = [read_survey(d, f"r{i}.csv", fw) for i, d in enumerate(data)]

    def build():
        if len(results) == 1:
            pub = publish(results[0].ratings, fw, results[0].scale, targets, 5)
            return {"roles": len(pub.units("role")), "schools": len(pub.units("group")),
                    "shown": int(pub.figures["shown"].sum()), "figures": len(pub.figures)}
        pub = publish_rounds([RoundInput(f"round {i}", r.ratings) for i, r in enumerate(results)], fw,
                             results[0].scale, targets, 5)
        return {"shown": int(pub.figures["shown"].sum()), "figures": len(pub.figures)}

    t = time.perf_counter()
    info = build()
    cold = time.perf_counter() - t
    warm = []
    for _ in range(repeat):
        t = time.perf_counter()
        build()
        warm.append(time.perf_counter() - t)
    print(json.dumps({"cold": cold, "warm": statistics.median(warm), **info}))


def measure(case: str, repeat: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", case, "--repeat", str(repeat)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


GOALS = {"team-200": (0.3, 2.0), "district-5000": (None, 2.0), "rounds-200x2": (None, None)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.repeat)
        return
    print(f"{'case':<16}{'cold s':>9}{'goal':>7}{'ratio':>7}{'warm s':>9}{'goal':>7}{'ratio':>7}  what")
    for case, (warm_goal, cold_goal) in GOALS.items():
        cold_runs = [measure(case, args.repeat) for _ in range(3)]
        m = sorted(cold_runs, key=lambda r: r["cold"])[1]  # the median of three fresh processes
        what = ", ".join(f"{k} {v}" for k, v in m.items() if k not in ("cold", "warm"))

        def col(value, goal):
            return f"{value:>9.3f}{'' if goal is None else f'{goal:>7.1f}'}{'' if goal is None else f'{value / goal:>7.2f}'}" \
                if goal else f"{value:>9.3f}{'–':>7}{'–':>7}"
        print(f"{case:<16}{col(m['cold'], cold_goal)}{col(m['warm'], warm_goal)}  {what}")


if __name__ == "__main__":
    main()
