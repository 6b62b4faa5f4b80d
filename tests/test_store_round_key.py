"""A rating belongs to an existing round, and goes with it: ratings.round_id -> rounds.id ON DELETE CASCADE.

SQLite keeps it as a foreign key; PostgreSQL (migration 0005) as statement-level triggers, which check a bulk
COPY's rounds once instead of once per row. Tests that take ``store`` or ``db_url`` run on both databases
and hold them to the same rules; the rest are PostgreSQL's: the error a client sees, the row locks that
keep a concurrent delete from orphaning ratings, and the migration there and back.
"""

from __future__ import annotations

import threading
import time
from datetime import date

import psycopg
import pytest
import sqlalchemy as sa
from alembic import command
from psycopg import errors

from framework.store import _ROUND_TRIGGERS, SCHEMA_HEAD, Store, metadata
from tests.store_support import (
    count,
    db_url_fixture,  # noqa: F401 (fixture)
    fresh_url,
    save,
    store_fixture,  # noqa: F401 (fixture)
    team,
)

FALL, SPRING = date(2025, 10, 1), date(2026, 4, 15)
COLUMNS = "round_id, respondent, area_id, name, role, group_name, rating, status"
KEY = "fk_ratings_round_id_rounds"
TRIGGERS = {"fk_ratings_round_id_rounds_ins", "fk_ratings_round_id_rounds_upd", "fk_ratings_round_id_rounds_del",
            "fk_ratings_round_id_rounds_key", "fk_ratings_round_id_rounds_truncate"}


def rating(round_id: int, respondent: str = "p9001") -> str:
    return f"INSERT INTO ratings ({COLUMNS}) VALUES ({round_id}, '{respondent}', 'leadership-vision', 'Ann', '', '', 3, 'rated')"


def libpq(url: str) -> str:
    """The URL as psycopg takes it (without SQLAlchemy's driver name)."""
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(name="pg_url")
def pg_url_fixture(tmp_path):
    yield from fresh_url("postgresql", tmp_path)


def triggers(engine) -> set[str]:
    sql = ("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal" if engine.dialect.name == "postgresql"
           else "SELECT name FROM sqlite_master WHERE type = 'trigger'")
    with engine.connect() as conn:
        return set(conn.execute(sa.text(sql)).scalars())


def foreign_keys(engine) -> set[str]:
    return {fk["name"] for fk in sa.inspect(engine).get_foreign_keys("ratings")}


# ---- both databases ------------------------------------------------------------------------------
def test_a_rating_for_a_missing_round_is_refused(store):
    kept = save(store, team(4, 1), "Fall 2025", FALL).round
    for sql in (rating(kept.id + 1),
                f"UPDATE ratings SET round_id = {kept.id + 1} WHERE respondent = 'p0001'"):
        with pytest.raises(sa.exc.IntegrityError) as caught, store.engine.begin() as conn:
            conn.execute(sa.text(sql))
        if store.backend == "postgresql":
            assert caught.value.orig.sqlstate == "23503"  # foreign_key_violation, as the foreign key said it
            assert caught.value.orig.diag.constraint_name == KEY
            assert f"Key (round_id)=({kept.id + 1}) is not present" in caught.value.orig.diag.message_detail
    assert count(store, "SELECT count(*) FROM ratings WHERE round_id = :r", r=kept.id) == 40
    assert count(store, "SELECT count(*) FROM ratings") == 40
    with store.engine.begin() as conn:  # the round's own id is fine, in one statement with others of it
        conn.execute(sa.text(rating(kept.id)))
        conn.execute(sa.text(f"UPDATE ratings SET rating = 2 WHERE round_id = {kept.id}"))
    assert count(store, "SELECT count(*) FROM ratings") == 41


def test_one_missing_round_among_several_refuses_the_whole_statement(store):
    a = save(store, team(3, 1), "Fall 2025", FALL).round
    missing = a.id + 7
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
        conn.execute(sa.text(f"INSERT INTO ratings ({COLUMNS}) VALUES ({a.id}, 'p8001', 'x', '', '', '', NULL, 'blank'), "
                             f"({missing}, 'p8001', 'x', '', '', '', NULL, 'blank')"))
    assert count(store, "SELECT count(*) FROM ratings") == 30


def test_deleting_rounds_deletes_their_ratings_and_only_theirs(store):
    a = save(store, team(6, 1), "Fall 2025", FALL).round
    b = save(store, team(5, 2), "Spring 2026", SPRING).round
    c = save(store, team(4, 3), "Fall 2026", date(2026, 10, 1)).round
    with store.engine.begin() as conn:  # by hand, not Store.delete_round (which deletes the ratings itself)
        conn.execute(sa.text("DELETE FROM rounds WHERE id IN (:a, :c)"), {"a": a.id, "c": c.id})
    assert count(store, "SELECT count(*) FROM ratings WHERE round_id IN (:a, :c)", a=a.id, c=c.id) == 0
    assert count(store, "SELECT count(*) FROM ratings") == count(store, "SELECT count(*) FROM ratings "
                                                                 "WHERE round_id = :b", b=b.id) == 50


def test_a_round_with_ratings_keeps_its_id(store):
    a = save(store, team(3, 1), "Fall 2025", FALL).round
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE rounds SET id = id + 100 WHERE id = :a"), {"a": a.id})
    assert count(store, "SELECT count(*) FROM ratings WHERE round_id = :a", a=a.id) == 30
    assert store.rename_round(a.id, "Renamed").label == "Renamed"  # other columns change as before


def test_the_migration_goes_back_to_the_foreign_key_and_forth_to_the_triggers(db_url):
    """0005 down to 0004 and up again keeps every round and rating; on PostgreSQL the foreign key comes back
    (and refuses a missing round itself), then gives way to the triggers again."""
    with Store(db_url) as store:
        a = save(store, team(5, 1), "Fall 2025", FALL).round
        pg = store.backend == "postgresql"
        cfg = store._alembic_config()
        before = triggers(store.engine)
        assert foreign_keys(store.engine) == ({KEY} if not pg else set()) and before == (TRIGGERS if pg else set())
        with store._write.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")
        assert store.schema_revision() == "0004"
        assert foreign_keys(store.engine) == {KEY}
        if pg:
            assert triggers(store.engine) == set()
            with store.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM pg_proc WHERE proname LIKE :p"),
                                    {"p": KEY + "%"}).scalar_one() == 0
        with pytest.raises(sa.exc.IntegrityError) as caught, store.engine.begin() as conn:
            conn.execute(sa.text(rating(a.id + 1)))
        if pg:
            assert caught.value.orig.sqlstate == "23503" and caught.value.orig.diag.constraint_name == KEY
        assert count(store, "SELECT count(*) FROM ratings WHERE round_id = :a", a=a.id) == 50
    with Store(db_url) as store:  # opening migrates it up again
        assert store.schema_revision() == SCHEMA_HEAD
        assert foreign_keys(store.engine) == (set() if pg else {KEY})
        assert triggers(store.engine) == before
        assert [r.ratings for r in store.list_rounds()] == [50]
        with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
            conn.execute(sa.text(rating(a.id + 1)))
        store.delete_round(a.id)
        assert count(store, "SELECT count(*) FROM ratings") == 0


# ---- PostgreSQL ----------------------------------------------------------------------------------
def test_postgresql_declares_the_triggers_the_migration_makes(pg_url, tmp_path):
    """framework.store's metadata, created with create_all, has the same trigger functions and triggers as a
    database the migrations made (Alembic does not compare triggers), and the foreign key on neither."""
    with Store(pg_url) as migrated:
        made = _trigger_schema(migrated.engine)
    declared_gen = fresh_url("postgresql", tmp_path)
    engine = sa.create_engine(next(declared_gen))
    try:
        metadata.create_all(engine)
        declared = _trigger_schema(engine)
        assert foreign_keys(engine) == set()
    finally:
        engine.dispose()
        declared_gen.close()
    assert declared == made
    assert {t for t, _ in made["triggers"]} == TRIGGERS
    assert len(made["functions"]) == 4 and len(_ROUND_TRIGGERS) == 9


def _trigger_schema(engine) -> dict:
    with engine.connect() as conn:
        return {
            "triggers": sorted(conn.execute(sa.text(
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal")).all()),
            "functions": sorted(conn.execute(sa.text(
                "SELECT proname, pg_get_functiondef(oid) FROM pg_proc WHERE proname LIKE 'fk\\_%'")).all()),
        }


def test_postgresql_refuses_a_missing_round_in_a_bulk_copy(pg_url):
    """COPY, as Store.save_round writes ratings, is checked too; nothing of the refused COPY stays."""
    store = Store(pg_url)
    a = save(store, team(2, 1), "Fall 2025", FALL).round
    rows = "".join(f'{a.id},"p{i:04d}","x","","","",,"blank"\n' for i in range(5000))
    with psycopg.connect(libpq(pg_url)) as conn:
        with (pytest.raises(errors.ForeignKeyViolation) as caught, conn.cursor() as cur,
              cur.copy(f"COPY ratings ({COLUMNS}) FROM STDIN WITH (FORMAT csv)") as copy):
            copy.write(rows + f'{a.id + 1},"p9999","x","","","",,"blank"\n')
        assert caught.value.diag.constraint_name == KEY
        conn.rollback()
        with conn.cursor() as cur, cur.copy(f"COPY ratings ({COLUMNS}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(rows)
        conn.commit()
    assert count(store, "SELECT count(*) FROM ratings") == 20 + 5000
    store.close()


def test_postgresql_ratings_being_written_hold_their_round(pg_url):
    """Ratings written to a round lock it FOR KEY SHARE until they commit, as the foreign key locks it: a
    delete of the round waits for them, then deletes them too (no rating is left without its round); an
    update of a column outside any key (KEY SHARE, no stronger) does not wait."""
    with Store(pg_url) as store:
        a = save(store, team(3, 1), "Fall 2025", FALL).round
    writer = psycopg.connect(libpq(pg_url))
    deleter = psycopg.connect(libpq(pg_url), autocommit=True)
    try:
        writer.execute(rating(a.id))  # not committed yet
        deleter.execute("SET lock_timeout = '300ms'")
        deleter.execute("UPDATE rounds SET respondents = respondents + 1 WHERE id = %s", (a.id,))
        with pytest.raises(errors.LockNotAvailable):
            deleter.execute("DELETE FROM rounds WHERE id = %s", (a.id,))
        deleter.execute("SET lock_timeout = 0")
        done = threading.Event()
        thread = threading.Thread(target=lambda: (deleter.execute("DELETE FROM rounds WHERE id = %s", (a.id,)),
                                                  done.set()))
        thread.start()
        _wait_for_lock(pg_url, deleter.info.backend_pid)
        assert not done.is_set()
        writer.commit()  # the new rating is committed while the delete waits: the delete must see it
        thread.join(timeout=30)
        assert done.is_set()
        with psycopg.connect(libpq(pg_url)) as check:
            assert check.execute("SELECT count(*) FROM ratings").fetchone()[0] == 0
            assert check.execute("SELECT count(*) FROM rounds").fetchone()[0] == 0
    finally:
        writer.close()
        deleter.close()


def test_postgresql_ratings_for_a_round_being_deleted_wait_and_fail(pg_url):
    with Store(pg_url) as store:
        a = save(store, team(3, 1), "Fall 2025", FALL).round
    deleter = psycopg.connect(libpq(pg_url))
    writer = psycopg.connect(libpq(pg_url))
    failure: list[BaseException] = []
    try:
        deleter.execute("DELETE FROM rounds WHERE id = %s", (a.id,))  # not committed yet

        def write() -> None:
            try:
                writer.execute(rating(a.id))
            except psycopg.Error as exc:
                failure.append(exc)

        thread = threading.Thread(target=write)
        thread.start()
        _wait_for_lock(pg_url, writer.info.backend_pid)
        deleter.commit()
        thread.join(timeout=30)
        assert len(failure) == 1 and isinstance(failure[0], errors.ForeignKeyViolation), failure
        writer.rollback()
        assert writer.execute("SELECT count(*) FROM ratings").fetchone()[0] == 0
    finally:
        writer.close()
        deleter.close()


def _wait_for_lock(url: str, pid: int) -> None:
    """Until the backend ``pid`` waits for a row or transaction lock."""
    with psycopg.connect(libpq(url), autocommit=True) as watch:
        for _ in range(300):
            if watch.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()[0] == "Lock":
                return
            time.sleep(0.02)
    raise AssertionError(f"backend {pid} never waited for a lock")


def test_postgresql_refuses_to_delete_rounds_under_a_snapshot(pg_url):
    """Under REPEATABLE READ or SERIALIZABLE the cascade could miss ratings committed after the snapshot,
    so deleting a round is refused there (the dashboard deletes under READ COMMITTED), and nothing goes."""
    with Store(pg_url) as store:
        a = save(store, team(3, 1), "Fall 2025", FALL).round
    with psycopg.connect(libpq(pg_url)) as conn:
        for level in ("REPEATABLE READ", "SERIALIZABLE"):
            conn.execute(f"BEGIN ISOLATION LEVEL {level}")
            conn.execute("DELETE FROM rounds WHERE id = %s", (a.id + 1,))  # deletes nothing: allowed
            with pytest.raises(errors.FeatureNotSupported, match="READ COMMITTED"):
                conn.execute("DELETE FROM rounds WHERE id = %s", (a.id,))
            conn.rollback()
        assert conn.execute("SELECT count(*) FROM ratings").fetchone()[0] == 30


def test_postgresql_truncating_rounds_truncates_their_ratings(pg_url):
    with Store(pg_url) as store:
        save(store, team(3, 1), "Fall 2025", FALL)
        save(store, team(2, 2), "Spring 2026", SPRING)
    with psycopg.connect(libpq(pg_url)) as conn:
        conn.execute("TRUNCATE rounds CASCADE")  # campaigns reference rounds by a foreign key: CASCADE
        assert conn.execute("SELECT count(*) FROM ratings").fetchone()[0] == 0
        conn.rollback()
        conn.execute("TRUNCATE ratings, rounds, campaigns, invitations, answers, responses")  # as delete_all does
        assert conn.execute("SELECT count(*) FROM ratings").fetchone()[0] == 0
        conn.rollback()
        assert conn.execute("SELECT count(*) FROM ratings").fetchone()[0] == 50


def test_postgresql_checks_the_rounds_of_the_ratings_own_schema(pg_url):
    """Districts sharing a database by schema: a rating in district_a needs a round in district_a, whatever
    the session's search_path says."""
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("CREATE SCHEMA district_a")
        conn.exec_driver_sql("CREATE SCHEMA district_b")
    admin.dispose()
    a = Store(pg_url + "?options=-csearch_path%3Ddistrict_a")
    b = Store(pg_url + "?options=-csearch_path%3Ddistrict_b")
    try:
        only_a = save(a, team(2, 1), "Fall 2025", FALL).round
        save(b, team(2, 2), "Fall 2025", FALL)
        only_b = save(b, team(3, 3), "Spring 2026", SPRING).round
        assert only_b.id != only_a.id
        with pytest.raises(sa.exc.IntegrityError), b.engine.begin() as conn:  # search_path: district_b
            conn.execute(sa.text(rating(only_b.id).replace("INTO ratings", "INTO district_a.ratings")))
        with b.engine.begin() as conn:  # deleting district_a's round from district_b's session
            conn.execute(sa.text("DELETE FROM district_a.rounds WHERE id = :i"), {"i": only_a.id})
        assert count(a, "SELECT count(*) FROM ratings") == 0
        assert count(b, "SELECT count(*) FROM ratings") == 50
    finally:
        a.close()
        b.close()
