"""Fixtures and builders for the rounds store's tests, which run on SQLite and on PostgreSQL.

Import the fixtures into a test module by name (``from tests.store_support import db_url_fixture``);
they register as ``db_url`` and ``store``. The PostgreSQL half needs the server `make test` starts
(.ci/with-postgres.sh exports TEST_DATABASE_URL); without it those tests fail, never skip.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa

from framework.combine import Combined, combine
from framework.definitions import get_framework
from framework.importer import read_survey
from framework.store import Store, file_digest
from framework.targets import default_targets

BACKENDS = ["sqlite", "postgresql"]
PG_ENV = "TEST_DATABASE_URL"
AREA_NAMES = [a.name for a in get_framework().areas]


def postgres_admin_url() -> str:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        pytest.fail(f"{PG_ENV} is not set, so the PostgreSQL half of the store tests cannot run. `make test` starts a "
                    "throwaway PostgreSQL server for them (bash .ci/with-postgres.sh .venv/bin/python -m pytest).",
                    pytrace=False)
    return url


def fresh_url(backend: str, tmp_path) -> Iterator[str]:
    """A URL of an empty database: a new SQLite file, or a new database on the test PostgreSQL server."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store' / 'rounds.sqlite'}"
        return
    admin_url = sa.engine.make_url(postgres_admin_url())
    name = f"t_{uuid.uuid4().hex[:20]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(name="db_url", params=BACKENDS)
def db_url_fixture(request, tmp_path) -> Iterator[str]:
    yield from fresh_url(request.param, tmp_path)


@pytest.fixture(name="store")
def store_fixture(db_url) -> Iterator[Store]:
    with Store(db_url) as store:
        yield store


# ---- survey files -------------------------------------------------------------------------------
def survey_csv(columns: dict[str, list], names: list[str] | None = None, roles: list[str] | None = None,
               groups: list[str] | None = None, email_domain: str = "district.org") -> bytes:
    """A wide survey export: one row per person, a column per skill area (by its framework name).

    ``columns`` maps an area name to each person's answer (a number, "N/A" or "" for blank)."""
    n = len(next(iter(columns.values())))
    names = names or [f"Person {i + 1}" for i in range(n)]
    roles = roles or ["Network Administrator"] * n
    groups = groups or ["Technology Services"] * n
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Name", "Email", "Role", "School", *columns])
    for i in range(n):
        email = names[i].lower().replace(" ", ".") + "@" + email_domain
        w.writerow([names[i], email, roles[i], groups[i], *[columns[a][i] for a in columns]])
    return out.getvalue().encode()


def read(data: bytes, name: str = "survey.csv", scale: str = "auto", framework_id: str = "cosn-2018") -> Combined:
    result = read_survey(data, name, get_framework(framework_id), scale=scale, targets=default_targets())
    return combine([result])


def save(store: Store, data: bytes, label: str, when: date, name: str = "survey.csv", scale: str = "auto",
         framework_id: str = "cosn-2018"):
    return store.save_round(read(data, name, scale, framework_id), label, when, [file_digest(data)])


def count(store: Store, sql: str, **params) -> int:
    """A number straight from the database, bypassing the Store's own queries."""
    with store.engine.connect() as conn:
        return int(conn.execute(sa.text(sql), params).scalar_one())


def team(n: int, seed: int, *, skip: int = 0) -> bytes:
    """A deterministic team of ``n`` people rating every area 1–4 (every ``skip``-th answer N/A)."""
    cols = {}
    for j, area in enumerate(AREA_NAMES):
        cols[area] = ["N/A" if skip and (i + j) % skip == 0 else str(1 + (i * 7 + j * 3 + seed) % 4) for i in range(n)]
    return survey_csv(cols, names=[f"Member {seed}-{i}" for i in range(n)])


# ---- several processes at once -------------------------------------------------------------------
def run_in_processes(target, calls: list[tuple]) -> list:
    """Run ``target(*call, barrier)`` in one process per call, released together by a barrier; return
    their results in call order (a worker's exception fails the test with its message).

    Processes come from a fork server that has imported this module once, so each costs milliseconds,
    and none inherits the test process's threads or open connections."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.store_support"])
    barrier, results = ctx.Barrier(len(calls)), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(target, i, call, barrier, results)) for i, call in enumerate(calls)]
    for p in procs:
        p.start()
    got = dict(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=30)
    errors = [v for v in got.values() if isinstance(v, str) and v.startswith("ERROR ")]
    assert not errors, errors
    return [got[i] for i in range(len(calls))]


def _worker(target, i, call, barrier, results) -> None:
    try:
        results.put((i, target(*call, barrier)))
    except BaseException as exc:  # reported to the test, which fails with it
        results.put((i, f"ERROR {type(exc).__name__}: {exc}"))


def save_in_process(url: str, data: bytes, label: str, barrier) -> tuple[int, bool]:
    with Store(url) as store:
        combined = read(data, f"{label}.csv")
        barrier.wait(timeout=60)  # everyone saves at the same moment
        result = store.save_round(combined, label, date(2026, 10, 1), [file_digest(data)])
        return result.round.id, result.created


def open_in_process(url: str, barrier) -> str | None:
    barrier.wait(timeout=60)  # everyone opens the empty database at the same moment
    with Store(url) as store:
        return store.schema_revision()
