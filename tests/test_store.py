"""The rounds store, on SQLite and on PostgreSQL (every test that takes ``db_url`` or ``store`` runs on both)."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from framework.combine import combine
from framework.exports import to_csv_bytes
from framework.scales import NOT_APPLICABLE, RATED
from framework.store import (
    SCHEMA_HEAD,
    SCHEMA_VERSION_TABLE,
    LabelTakenError,
    RoundNotFoundError,
    Store,
    StoreError,
    compared_objects,
    database_url,
    default_url,
    describe_url,
    file_digest,
    metadata,
    normalise_url,
    round_export,
    source_digest,
)
from tests.conftest import SAMPLE
from tests.store_support import (
    count,
    db_url_fixture,  # noqa: F401 (fixture)
    fresh_url,
    open_in_process,
    read,
    run_in_processes,
    save,
    save_in_process,
    store_fixture,  # noqa: F401 (fixture)
    survey_csv,
    team,
)

FALL = date(2025, 10, 1)
SPRING = date(2026, 4, 15)


# ---- schema -------------------------------------------------------------------------------------
def test_a_fresh_database_gets_the_schema_and_its_version(db_url):
    """Opening an empty database creates rounds, ratings and schema_version at the newest revision."""
    with Store(db_url) as store:
        assert store.schema_revision() == store.head_revision() == SCHEMA_HEAD == "0005"
        tables = set(sa.inspect(store.engine).get_table_names())
    assert {"rounds", "ratings", "access", "audit_log", "settings", "mapping_profiles", "frameworks", "campaigns",
            "invitations", "answers", "responses", "focus", SCHEMA_VERSION_TABLE} <= tables


def test_a_release_0001_database_is_migrated_with_its_rounds(db_url):
    """A store made by the previous release (schema 0001) keeps its rounds; ratings get an empty email."""
    from alembic import command

    with Store(db_url, migrate=False) as old:
        cfg = old._alembic_config()
        with old._write.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0001")
        with old._write.begin() as conn:
            conn.execute(sa.text("INSERT INTO rounds (label, survey_date, framework_id, framework_version, scale_id, "
                                 "scale_min, scale_max, source_name, source_sha256, respondents, import_report, "
                                 "saved_at) VALUES ('Old', '2025-10-01', 'cosn-2018', '', '1-4', 1, 4, 'old.csv', "
                                 "'abc', 1, '{}', '2025-10-02 00:00:00')"))
            conn.execute(sa.text("INSERT INTO ratings (round_id, respondent, area_id, name, role, group_name, rating, "
                                 "status) VALUES (1, 'p0001', 'leadership-vision', 'Ann', '', '', 3, 'rated')"))
        assert old.schema_revision() == "0001"
    with Store(db_url) as store:
        assert store.schema_revision() == SCHEMA_HEAD
        assert [r.label for r in store.list_rounds()] == ["Old"]
        tidy = store.load_ratings(1)
        assert tidy["email"].astype(str).tolist() == [""] and int(tidy["rating"].iloc[0]) == 3


def test_a_release_0003_database_keeps_its_survey_rounds_at_revision_0(db_url):
    """0004 adds the survey round's revision in place: the round, its invitations (which refer to it ON DELETE
    CASCADE) and its answers stay, and the first submission after the migration raises it."""
    from alembic import command

    from framework import campaigns

    with Store(db_url, migrate=False) as old:
        cfg = old._alembic_config()
        with old._write.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0003")
        with old._write.begin() as conn:
            conn.execute(sa.text("INSERT INTO campaigns (label, framework_id, framework_source, scale_id, status, "
                                 "supervisor_ratings, anonymous_source, created_by, created_at) VALUES ('Spring 2027', "
                                 "'cosn-2018', '', '1-4', 'open', false, 'self', 'cto@district.org', "
                                 "'2027-03-01 00:00:00')"))
            conn.execute(sa.text("INSERT INTO invitations (campaign_id, email, name, role, group_name, supervisor) "
                                 "VALUES (1, 'p0@district.org', 'Ann', '', '', '')"))
            conn.execute(sa.text("INSERT INTO answers (campaign_id, email, rater, area_id, rating, status, updated_at) "
                                 "VALUES (1, 'p0@district.org', 'self', 'strategic-planning', 2, 'rated', "
                                 "'2027-03-02 00:00:00')"))
    with Store(db_url) as store:
        assert store.schema_revision() == SCHEMA_HEAD
        c = campaigns.get(store, 1)
        assert (c.label, c.status, c.revision) == ("Spring 2027", "open", 0)
        assert campaigns.invitations(store, 1)["email"].tolist() == ["p0@district.org"]
        assert campaigns.response(store, 1, "p0@district.org")["answers"] == {"strategic-planning": 2}
        for area in campaigns.get(store, 1).framework.area_ids:
            campaigns.answer(store, 1, "p0@district.org", area, 3)
        assert campaigns.get(store, 1).revision == 0  # answers not submitted yet: nothing the pages show
        campaigns.submit(store, 1, "p0@district.org")
        assert campaigns.get(store, 1).revision == 1
        assert [c.id for c in campaigns.invited_to(store, "P0@district.org")] == [1]  # through the new index


def _schema_diff(engine) -> list:
    """Alembic's comparison of a database with framework.store's metadata, as migrations/env.py compares them."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "version_table": SCHEMA_VERSION_TABLE,
            "include_object": compared_objects(engine.dialect.name)})
        return compare_metadata(context, metadata)


def test_the_migrations_create_exactly_the_declared_schema(store):
    """Alembic finds no difference between the migrated database and framework.store's metadata, so the
    next release's autogenerated migration starts from the truth. The ratings' foreign key is declared for
    SQLite only; PostgreSQL keeps it with triggers (0005), which test_store_round_key compares."""
    assert _schema_diff(store.engine) == []
    fks = {fk["name"] for fk in sa.inspect(store.engine).get_foreign_keys("ratings")}
    assert fks == ({"fk_ratings_round_id_rounds"} if store.backend == "sqlite" else set())


def test_the_schema_comparison_sees_a_missing_foreign_key(tmp_path):
    """The comparison above can fail: leaving out the foreign key that SQLite declares is a difference there
    (on PostgreSQL, where it is declared away, the test above checks there is none)."""
    url = f"sqlite:///{tmp_path / 'nofk.sqlite'}"
    with Store(url) as store, store._write.begin() as conn:
        conn.exec_driver_sql("DROP TABLE ratings")
        conn.exec_driver_sql(
            "CREATE TABLE ratings (round_id INTEGER NOT NULL, respondent VARCHAR(32) NOT NULL, area_id VARCHAR(64) "
            "NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, group_name TEXT NOT NULL, rating SMALLINT, status "
            "VARCHAR(16) NOT NULL, email TEXT DEFAULT '' NOT NULL, CONSTRAINT pk_ratings PRIMARY KEY (round_id, "
            "respondent, area_id), CONSTRAINT ck_ratings_status CHECK (status IN ('rated', 'not applicable', "
            "'blank', 'invalid')), CONSTRAINT ck_ratings_rating_iff_rated CHECK ((rating IS NOT NULL) = "
            "(status = 'rated'))) WITHOUT ROWID")
    with Store(url) as store:
        diff = _schema_diff(store.engine)
    assert [d[0] for d in diff] == ["add_fk"], diff


def test_reopening_keeps_the_data_and_does_not_migrate_again(db_url):
    with Store(db_url) as store:
        save(store, SAMPLE.read_bytes(), "Fall 2025", FALL, name=SAMPLE.name)
    with Store(db_url) as again:
        assert again.schema_revision() == SCHEMA_HEAD
        assert [r.label for r in again.list_rounds()] == ["Fall 2025"]
        assert count(again, f"SELECT count(*) FROM {SCHEMA_VERSION_TABLE}") == 1


def test_a_database_from_a_newer_release_is_refused(store, db_url):
    """A schema revision this release does not know is reported, not overwritten."""
    with store.engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {SCHEMA_VERSION_TABLE} SET version_num = 'future9'"))
    with pytest.raises(StoreError, match="newer release of the dashboard"):
        Store(db_url)


def test_the_sqlite_file_and_its_folder_are_created_on_first_use(tmp_path):
    path = tmp_path / "not" / "yet" / "there.sqlite"
    with Store(f"sqlite:///{path}") as store:
        assert store.list_rounds() == []
    assert path.is_file()


# ---- saving and reading -------------------------------------------------------------------------
def test_a_saved_round_reads_back_as_it_was_imported(store, db_url):
    """Every person x area comes back with its rating and status; the round records what it came from."""
    data = SAMPLE.read_bytes()
    combined = read(data, SAMPLE.name)
    result = store.save_round(combined, "  Fall   2025 ", FALL, [file_digest(data)])
    assert result.created
    r = result.round
    assert (r.label, r.survey_date, r.framework_id, r.scale_id, r.scale_min, r.scale_max) == (
        "Fall 2025", FALL, "cosn-2018", "1-4", 1, 4)
    assert r.framework_version == combined.framework.version
    assert r.source_name == SAMPLE.name and r.source_sha256 == file_digest(data)
    assert r.respondents == 25 and r.ratings == len(combined.ratings) == 250
    assert r.saved_at.utcoffset().total_seconds() == 0  # UTC on both backends
    if store.backend == "postgresql":  # whatever the session's time zone
        with Store(db_url + "?options=-ctimezone%3DAmerica/Chicago") as chicago:
            again = chicago.get_round(r.id).saved_at
        assert again == r.saved_at and again.utcoffset().total_seconds() == 0

    back = store.load_ratings(r.id)
    original = combined.ratings
    assert len(back) == len(original)
    key = ["name", "area_id"]
    left = original.astype({c: "string" for c in ("name", "area_id", "role", "group", "status")}).set_index(key)
    right = back.astype({c: "string" for c in ("name", "area_id", "role", "group", "status")}).set_index(key)
    right = right.loc[left.index]
    assert right["rating"].astype("Int64").equals(left["rating"].astype("Int64"))
    assert (right["status"] == left["status"]).all()
    assert (right["role"] == left["role"]).all() and (right["group"] == left["group"]).all()
    assert isinstance(back["status"].dtype, pd.CategoricalDtype) and back["rating"].dtype == "Int64"


def test_not_applicable_is_stored_as_null_never_zero(store):
    """N/A and blank answers have no rating in the database; only rated cells have one (checked by query)."""
    data = survey_csv({"Leadership and Vision": [3, "N/A", "", 2, 4], "Strategic Planning": [1, 2, 3, "N/A", 4]})
    rid = save(store, data, "Fall 2025", FALL).round.id
    assert count(store, "SELECT count(*) FROM ratings WHERE round_id = :r AND status = :s", r=rid, s=NOT_APPLICABLE) == 2
    assert count(store, "SELECT count(*) FROM ratings WHERE round_id = :r AND status = 'blank'", r=rid) == 1
    assert count(store, "SELECT count(*) FROM ratings WHERE status <> :s AND rating IS NOT NULL", s=RATED) == 0
    assert count(store, "SELECT count(*) FROM ratings WHERE rating = 0") == 0
    assert count(store, "SELECT count(*) FROM ratings WHERE status = :s AND rating IS NULL", s=RATED) == 0
    assert count(store, "SELECT sum(rating) FROM ratings WHERE round_id = :r AND area_id = 'leadership-vision'",
                 r=rid) == 9


def test_the_database_refuses_a_rating_that_contradicts_its_status(store):
    """The check constraints hold even for SQL written by hand: N/A cannot carry 0, rated needs a level."""
    rid = save(store, survey_csv({"Leadership and Vision": [3, 2, 4]}), "Fall 2025", FALL).round.id
    bad = [("x1", "not applicable", 0), ("x2", "rated", None), ("x3", "maybe", None)]
    for who, status, rating in bad:
        with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO ratings (round_id, respondent, area_id, name, role, group_name, rating, status) "
                "VALUES (:r, :who, 'leadership-vision', '', '', '', :rating, :status)"),
                {"r": rid, "who": who, "rating": rating, "status": status})


def test_no_email_or_survey_id_reaches_the_ratings(store):
    """Respondent keys are per-round codes; emails stay in the upload (checked on every stored text)."""
    data = survey_csv({"Leadership and Vision": [3, 2, 4, 1, 2]}, email_domain="schools.example")
    rid = save(store, data, "Fall 2025", FALL).round.id
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT respondent, name, role, group_name FROM ratings")).all()
        rounds = conn.execute(sa.text("SELECT label, source_name FROM rounds")).all()
    assert rows and all(re.fullmatch(r"p\d{4}", r.respondent) for r in rows)
    assert not any("@" in str(v) for row in rows + rounds for v in row)
    assert sorted(store.load_ratings(rid)["respondent"].unique()) == ["p0001", "p0002", "p0003", "p0004", "p0005"]


def test_the_import_report_is_kept_with_the_round(store):
    data = survey_csv({"Leadership and Vision": [3, 2, "7", 1, 2], "Strategic Planning": [1, 2, 3, 4, 1]})
    rid = save(store, data, "Fall 2025", FALL).round.id
    report = store.import_report(rid)
    (f,) = report["files"]
    assert (f["filename"], f["rows_read"], f["rows_used"], f["cells_invalid"], f["sha256"]) == (
        "survey.csv", 5, 5, 1, file_digest(data))
    assert f["rejected"] == [{"row": 4, "column": "Leadership and Vision", "value": "7",
                              "reason": "outside the 1–4 scale"}]
    assert report["scale"] == "1-4" and report["framework"]["id"] == "cosn-2018"
    assert any(m["target"] == "leadership-vision" for m in f["mapping"])


def test_the_same_file_twice_is_one_round(store):
    """Saving the same bytes again (under any name) returns the stored round and stores nothing."""
    data = SAMPLE.read_bytes()
    first = save(store, data, "Fall 2025", FALL, name=SAMPLE.name)
    again = save(store, data, "Another name", SPRING, name="renamed.csv")
    assert first.created and not again.created
    assert again.round.id == first.round.id and again.round.label == "Fall 2025"
    assert "already stored as round" in again.message
    assert count(store, "SELECT count(*) FROM rounds") == 1
    assert count(store, "SELECT count(*) FROM ratings") == 250


def test_the_same_file_on_another_scale_is_another_round(store):
    """The identity of a round is (file, framework, scale): reading a file on another scale is a new round."""
    data = survey_csv({"Leadership and Vision": [1, 2, 3, 4, 3]})
    a = save(store, data, "As 1-4", FALL, scale="1-4")
    b = save(store, data, "As 1-5", FALL, scale="1-5")
    assert a.created and b.created and a.round.id != b.round.id


def test_several_files_read_as_one_team_are_one_round(store):
    one = survey_csv({"Leadership and Vision": [3, 2, 4]}, names=["A A", "B B", "C C"])
    two = survey_csv({"Leadership and Vision": [1, 2]}, names=["D D", "E E"])
    results = [read(one, "north.csv").results[0], read(two, "south.csv").results[0]]
    combined = combine(results)
    digests = [file_digest(one), file_digest(two)]
    saved = store.save_round(combined, "Fall 2025", FALL, digests)
    assert saved.round.source_name == "north.csv, south.csv"
    assert saved.round.source_sha256 == source_digest(digests) != digests[0]
    assert saved.round.respondents == 5
    assert not store.save_round(combined, "Again", FALL, digests).created
    assert [f["filename"] for f in store.import_report(saved.round.id)["files"]] == ["north.csv", "south.csv"]


def test_labels_are_unique_and_checked(store):
    save(store, survey_csv({"Leadership and Vision": [3, 2, 4]}), "Fall 2025", FALL)
    with pytest.raises(LabelTakenError, match="Fall 2025"):
        save(store, survey_csv({"Leadership and Vision": [1, 1, 1]}), "Fall 2025", SPRING)
    for bad in ["", "   ", "x" * 121, "tab\x07bell"]:
        with pytest.raises(StoreError):
            save(store, survey_csv({"Leadership and Vision": [2, 2, 2]}), bad, SPRING)
    assert count(store, "SELECT count(*) FROM rounds") == 1


def test_rename(store):
    a = save(store, survey_csv({"Leadership and Vision": [3, 2, 4]}), "Fall 2025", FALL).round
    b = save(store, survey_csv({"Leadership and Vision": [1, 2, 4]}), "Spring 2026", SPRING).round
    assert store.rename_round(a.id, "Autumn 2025").label == "Autumn 2025"
    assert store.rename_round(a.id, "Autumn 2025").label == "Autumn 2025"  # its own name is no clash
    with pytest.raises(LabelTakenError):
        store.rename_round(a.id, "Spring 2026")
    with pytest.raises(RoundNotFoundError):
        store.rename_round(999, "Nothing")
    assert [r.label for r in store.list_rounds()] == ["Autumn 2025", "Spring 2026"]
    assert store.get_round(b.id).label == "Spring 2026"


def test_rounds_are_listed_by_survey_date_not_by_when_they_were_saved(store):
    save(store, survey_csv({"Leadership and Vision": [3, 2, 4]}), "Spring 2026", SPRING)
    save(store, survey_csv({"Leadership and Vision": [1, 2, 4]}), "Fall 2025", FALL)
    assert [r.label for r in store.list_rounds()] == ["Fall 2025", "Spring 2026"]


def test_export_has_one_row_per_person_and_area_with_na_blank(store):
    data = survey_csv({"Leadership and Vision": [3, "N/A", 4], "Strategic Planning": [1, 2, 3]},
                      names=["=cmd()", "B B", "C C"])
    rid = save(store, data, "Fall 2025", FALL).round.id
    table = round_export(store, rid, {"leadership-vision": "Leadership and Vision"})
    assert len(table) == 3 * 2 and set(table["Round"]) == {"Fall 2025"}
    lv = table[table["Area id"].eq("leadership-vision")].set_index("Name")
    assert lv.loc["B B", "Status"] == NOT_APPLICABLE and pd.isna(lv.loc["B B", "Rating"])
    assert lv.loc["C C", "Rating"] == 4 and lv.loc["C C", "Skill area"] == "Leadership and Vision"
    assert b"'=cmd()" in to_csv_bytes(table)  # formula-like names are neutralised in the CSV


# ---- deleting -----------------------------------------------------------------------------------
def test_deleting_a_round_removes_every_row_it_had(store):
    """Checked by query: no rating of the round is left, the other round is untouched."""
    a = save(store, team(12, 1), "Fall 2025", FALL).round
    b = save(store, team(9, 2), "Spring 2026", SPRING).round
    assert count(store, "SELECT count(*) FROM ratings WHERE round_id = :r", r=a.id) == 120
    assert count(store, "SELECT count(*) FROM ratings WHERE round_id = :r", r=b.id) == 90
    assert store.delete_round(a.id) == 120
    assert count(store, "SELECT count(*) FROM ratings WHERE round_id = :r", r=a.id) == 0
    assert count(store, "SELECT count(*) FROM rounds WHERE id = :r", r=a.id) == 0
    assert count(store, "SELECT count(*) FROM ratings WHERE round_id = :r", r=b.id) == 90
    assert count(store, "SELECT count(*) FROM ratings") == 90
    with pytest.raises(RoundNotFoundError):
        store.delete_round(a.id)
    with pytest.raises(RoundNotFoundError):
        store.load_ratings(a.id)


def test_the_database_itself_cascades_a_deleted_round(store):
    """ON DELETE CASCADE is in the schema: deleting the round row by hand takes its ratings along."""
    a = save(store, team(6, 1), "Fall 2025", FALL).round
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM rounds WHERE id = :r"), {"r": a.id})
    assert count(store, "SELECT count(*) FROM ratings") == 0


def test_delete_all_empties_the_store_and_ids_are_not_reused(store):
    save(store, team(6, 1), "Fall 2025", FALL)
    last = save(store, team(7, 2), "Spring 2026", SPRING).round
    assert store.delete_all() == (2, 130)
    assert count(store, "SELECT count(*) FROM rounds") == 0
    assert count(store, "SELECT count(*) FROM ratings") == 0
    assert store.list_rounds() == []
    again = save(store, team(6, 1), "Fall 2025", FALL).round
    assert again.id > last.id  # a script holding an old id cannot hit a new round
    assert store.schema_revision() == SCHEMA_HEAD


def test_sqlite_deletes_leave_no_trace_in_the_file(tmp_path):
    """secure_delete and a truncated write-ahead log: a deleted person's name is gone from the bytes on disk."""
    path = tmp_path / "rounds.sqlite"
    marker = "Quintessa Marchbanks-Oyelaran"
    data = survey_csv({"Leadership and Vision": [3, 2, 4]}, names=[marker, "B B", "C C"])
    with Store(f"sqlite:///{path}") as store:
        rid = save(store, data, "Fall 2025", FALL).round.id
        keep = save(store, team(5, 3), "Spring 2026", SPRING).round.id

        def on_disk() -> bytes:
            return b"".join(p.read_bytes() for p in tmp_path.glob("rounds.sqlite*"))

        assert marker.encode() in on_disk()
        store.delete_round(rid)
        assert marker.encode() not in on_disk()
        assert b"Member 3-0" in on_disk()
        store.delete_all()
        assert b"Member 3-0" not in on_disk()
        assert store.list_rounds() == [] and keep


# ---- several processes at once ------------------------------------------------------------------
def test_two_processes_saving_at_once_lose_nothing(db_url):
    """Four processes save four different rounds at the same moment: all four are stored, complete."""
    Store(db_url).close()
    files = {f"Round {i}": team(15 + i, i) for i in range(4)}
    results = run_in_processes(save_in_process, [(db_url, data, label) for label, data in files.items()])
    assert all(created for _, created in results)
    with Store(db_url) as store:
        stored = {r.label: r for r in store.list_rounds()}
        assert set(stored) == set(files)
        for i, label in enumerate(files):
            assert stored[label].ratings == (15 + i) * 10
            assert count(store, "SELECT count(*) FROM ratings WHERE round_id = :r", r=stored[label].id) == (15 + i) * 10


def test_the_same_file_saved_by_two_processes_at_once_is_stored_once(db_url):
    """The unique constraint, not only the check before it, keeps a racing duplicate out."""
    Store(db_url).close()
    data = team(20, 5)
    results = run_in_processes(save_in_process, [(db_url, data, f"Label {i}") for i in range(4)])
    assert len({rid for rid, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with Store(db_url) as store:
        assert count(store, "SELECT count(*) FROM rounds") == 1
        assert count(store, "SELECT count(*) FROM ratings") == 200


def test_processes_opening_a_fresh_database_at_once_create_it_once(db_url):
    revisions = run_in_processes(open_in_process, [(db_url,)] * 4)
    assert revisions == [SCHEMA_HEAD] * 4
    with Store(db_url) as store:
        assert count(store, f"SELECT count(*) FROM {SCHEMA_VERSION_TABLE}") == 1


# ---- where the database is ----------------------------------------------------------------------
def test_database_url_precedence(tmp_path):
    project, home = tmp_path / "project.toml", tmp_path / "home.toml"
    project.write_text('DATABASE_URL = "postgresql://p@db/project"\n')
    home.write_text('DATABASE_URL = "postgresql://h@db/home"\n')
    env = {"DATABASE_URL": "postgresql://e@db/env"}
    assert database_url("sqlite:///x.sqlite", env, [project, home]) == "sqlite:///x.sqlite"
    assert database_url(None, env, [project, home]) == "postgresql://e@db/env"
    assert database_url(None, {}, [project, home]) == "postgresql://p@db/project"
    assert database_url(None, {}, [tmp_path / "missing.toml", home]) == "postgresql://h@db/home"
    assert database_url(None, {"DATABASE_URL": "  "}, []) == default_url()
    assert default_url().endswith("/data/dashboard.sqlite")
    broken = tmp_path / "broken.toml"
    broken.write_text("DATABASE_URL = \n")
    with pytest.raises(StoreError, match=r"broken\.toml"):
        database_url(None, {}, [broken])


def test_urls_are_normalised_and_described_without_the_password():
    assert normalise_url("postgres://u:pw@h:5433/d").drivername == "postgresql+psycopg"
    assert normalise_url("postgresql://u:pw@h/d").drivername == "postgresql+psycopg"
    assert normalise_url("sqlite:///data/x.sqlite").drivername == "sqlite"
    text = describe_url("postgresql://alice:s3cr3t@db.example.org:5433/rounds")
    assert text == "PostgreSQL database rounds on db.example.org:5433 as alice" and "s3cr3t" not in text
    with pytest.raises(StoreError, match="SQLite or PostgreSQL"):
        normalise_url("mysql://u@h/d")
    with pytest.raises(StoreError, match="cannot be read"):
        normalise_url("not a url")


def test_an_unreachable_server_is_one_sentence_without_the_password():
    with pytest.raises(StoreError) as info:
        Store("postgresql://alice:s3cr3t@127.0.0.1:1/rounds")
    text = str(info.value)
    assert "cannot be used" in text and "s3cr3t" not in text and "\n" not in text


@pytest.mark.parametrize("url", [
    "postgresql://alice:s3cr3t@db.example.org:notaport/rounds",  # the issue's: ValueError from the port
    "postgresql://alice:s3cr3t@[::1/rounds",
    "postgres://alice:s3cr3t@db.example.org:5x/rounds",
])
def test_a_url_with_a_bad_port_is_one_sentence_without_the_password(url):
    for attempt in (lambda: Store(url), lambda: normalise_url(url), lambda: describe_url(url)):
        with pytest.raises(StoreError) as info:
            attempt()
        text = str(info.value)
        assert text.startswith("The database URL cannot be read") and text.endswith("database.")
        assert "s3cr3t" not in text and "alice" not in text and "\n" not in text


def test_a_driver_refusing_its_options_is_one_sentence_without_the_password():
    with pytest.raises(StoreError) as info:
        Store("postgresql://alice:s3cr3t@127.0.0.1:1/rounds?sslmode=bogus")
    text = str(info.value)
    assert text.startswith("The rounds database (PostgreSQL database rounds on 127.0.0.1:1 as alice) cannot be used")
    assert "s3cr3t" not in text and "\n" not in text


@pytest.mark.parametrize("where", ["under a file", "under /proc", "NUL in the name"])
def test_a_sqlite_path_whose_folder_cannot_be_made_is_one_sentence(tmp_path, where):
    """FileNotFoundError, NotADirectoryError and ValueError became a traceback; now each is StoreError."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    path = {"under a file": f"{blocker}/data/rounds.sqlite", "under /proc": "/proc/no-such-dir/data/rounds.sqlite",
            "NUL in the name": f"{tmp_path}/ro\x00unds.sqlite"}[where]
    with pytest.raises(StoreError) as info:
        Store(f"sqlite:///{path}")
    text = str(info.value)
    assert re.fullmatch(r"The rounds database \(SQLite file .+\) cannot be created there: [a-z ]+\.", text, re.S), text
    assert "\n" not in text and "Traceback" not in text


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_a_new_sqlite_store_is_readable_by_its_owner_only(tmp_path, umask):
    """The file, its -wal and -shm (and a -journal when one is written) are 0600 and the folders the app
    makes 0700, whatever the umask; a file that is there already keeps its own mode and works."""
    path = tmp_path / "data" / "private" / "rounds.sqlite"
    old = os.umask(umask)
    try:
        with Store(f"sqlite:///{path}") as store:
            save(store, team(6, 1), "Fall 2025", FALL)  # a write: WAL mode makes -wal and -shm
            files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
            assert all(f.exists() for f in files)
            assert {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == {f.name: "0o600" for f in files}
        for folder in (path.parent, path.parent.parent):
            assert oct(stat.S_IMODE(folder.stat().st_mode)) == "0o700", folder
        # a rollback journal follows the same rule (SQLite copies the database file's mode)
        raw = sqlite3.connect(path, isolation_level=None)
        try:
            raw.execute("PRAGMA journal_mode = DELETE")
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("DELETE FROM ratings")
            journal = path.with_name(path.name + "-journal")
            assert oct(stat.S_IMODE(journal.stat().st_mode)) == "0o600"
            raw.execute("ROLLBACK")
        finally:
            raw.close()
    finally:
        os.umask(old)
    shared = tmp_path / "shared.sqlite"
    sqlite3.connect(shared).close()
    shared.chmod(0o640)
    with Store(f"sqlite:///{shared}") as store:
        assert store.list_rounds() == []
    assert oct(stat.S_IMODE(shared.stat().st_mode)) == "0o640"


def test_the_postgresql_fixture_fails_loudly_without_a_server(monkeypatch, tmp_path):
    """No silent pass: without TEST_DATABASE_URL the PostgreSQL half fails and says how to get a server."""
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    with pytest.raises(pytest.fail.Exception, match="make test"):
        next(fresh_url("postgresql", tmp_path))


def test_a_duplicate_that_slips_past_the_check_is_caught_by_the_database(store, monkeypatch):
    """As when another process saves the same file between our check and our insert: the unique constraint
    refuses the second copy and the stored round is returned."""
    data = team(5, 1)
    first = save(store, data, "Fall 2025", FALL)
    real, calls = store.find_round, []

    def blind_once(**kw):
        calls.append(kw)
        return None if len(calls) == 1 else real(**kw)

    monkeypatch.setattr(store, "find_round", blind_once)
    again = save(store, data, "Other name", SPRING)
    assert not again.created and again.round.id == first.round.id
    assert count(store, "SELECT count(*) FROM rounds") == 1 and count(store, "SELECT count(*) FROM ratings") == 50


def test_a_label_taken_between_check_and_insert_is_caught_by_the_database(store, monkeypatch):
    save(store, team(5, 1), "Fall 2025", FALL)
    real, blinded = store.find_round, []

    def blind_label_once(**kw):
        if kw.get("label") and not blinded:
            blinded.append(kw)
            return None
        return real(**kw)

    monkeypatch.setattr(store, "find_round", blind_label_once)
    with pytest.raises(LabelTakenError):
        save(store, team(6, 2), "Fall 2025", SPRING)
    assert blinded and count(store, "SELECT count(*) FROM rounds") == 1
    assert count(store, "SELECT count(*) FROM ratings") == 50


def test_constraints_have_the_declared_names(store):
    """Named constraints let a later migration alter them on both backends (Alembic does not compare them)."""
    insp = sa.inspect(store.engine)
    for table in metadata.sorted_tables:
        declared = {c.name for c in table.constraints if not isinstance(c, sa.ForeignKeyConstraint)}
        found = {insp.get_pk_constraint(table.name)["name"]}
        found |= {c["name"] for c in insp.get_unique_constraints(table.name)}
        found |= {c["name"] for c in insp.get_check_constraints(table.name)}
        if store.backend == "sqlite" and table.name in ("rounds", "audit_log", "campaigns"):
            found.discard(None)  # SQLite writes INTEGER PRIMARY KEY AUTOINCREMENT inline, without a name
            declared.discard(f"pk_{table.name}")
        assert found == declared, table.name
        here = compared_objects(store.backend)  # the ratings' foreign key is declared for SQLite only
        assert {fk["name"] for fk in insp.get_foreign_keys(table.name)} == {
            c.name for c in table.constraints
            if isinstance(c, sa.ForeignKeyConstraint) and here(c, c.name, "foreign_key_constraint", False, None)}
    assert {c.name for c in metadata.tables["ratings"].constraints} == {
        "pk_ratings", "fk_ratings_round_id_rounds", "ck_ratings_status", "ck_ratings_rating_iff_rated"}


def test_districts_sharing_a_postgresql_database_keep_apart_by_schema(tmp_path):
    """One PostgreSQL database, a schema per district named in the URL (as the README shows): each store
    creates its tables in its own schema and sees only its own rounds."""
    gen = fresh_url("postgresql", tmp_path)
    url = next(gen)
    try:
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("CREATE SCHEMA district_a")
            conn.exec_driver_sql("CREATE SCHEMA district_b")
        a = Store(url + "?options=-csearch_path%3Ddistrict_a")
        b = Store(url + "?options=-csearch_path%3Ddistrict_b")
        save(a, team(5, 1), "Fall 2025", FALL)
        save(b, team(6, 2), "Fall 2025", FALL)  # the same name in another district is no clash
        assert [r.respondents for r in a.list_rounds()] == [5]
        assert [r.respondents for r in b.list_rounds()] == [6]
        a.delete_all()
        assert a.list_rounds() == [] and len(b.list_rounds()) == 1
        with admin.connect() as conn:
            tables = conn.execute(sa.text(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema IN ('district_a', 'district_b', 'public') ORDER BY 1")).scalars().all()
        assert tables == [f"{s}.{t}" for s in ("district_a", "district_b")
                          for t in ("access", "answers", "audit_log", "campaigns", "focus", "frameworks",
                                    "invitations", "mapping_profiles", "ratings", "responses", "rounds",
                                    "schema_version", "settings")]
        for store in (a, b):
            store.close()
        admin.dispose()
    finally:
        gen.close()
