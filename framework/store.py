"""Survey rounds kept in a database: a SQLite file by default, PostgreSQL for larger deployments.

A *round* is one survey of the team ("Fall 2026"): its label, date, framework and scale, the source
file name(s) and SHA-256, the import report, and its ratings in long form (one row per person x
skill area, as the tidy frame has them). Nothing is stored until the user saves an upload as a
round; the same file (same bytes, framework and scale) is stored once.

What a stored rating keeps: a per-round respondent key (``p0001``, not derived from the email), the
person's name, role and school or department as the survey gave them, the skill area, the rating
(NULL unless rated: N/A is never 0) and its status. Emails, survey-tool respondent ids, timestamps,
source rows and comments are not stored.

The database. ``database_url()`` picks it: an explicit URL, else ``DATABASE_URL`` in the
environment, else ``DATABASE_URL`` in ``.streamlit/secrets.toml`` (the project's, then the user's),
else ``sqlite:///data/dashboard.sqlite`` in the repository (created on first use). The schema is
created and migrated by Alembic (``framework/migrations``) when a :class:`Store` opens; its
revision is kept in the ``schema_version`` table, so a later release can migrate an existing store.
Migrations run under a lock (an advisory lock on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so
several processes opening a fresh store at once create it once.

Integrity is the database's job, not only the code's: a unique constraint on (source SHA-256,
framework, scale) catches two processes saving the same file at once, a unique label keeps the
trend axis readable, a check constraint keeps a rating present exactly when the status is
"rated", and ratings reference their round with ON DELETE CASCADE: a foreign key on SQLite,
statement-level triggers with the same guarantees on PostgreSQL (``_ROUND_TRIGGERS``: a bulk COPY's
rounds are checked once, not once per row). Deletes are also explicit, in one transaction, so they do
not depend on SQLite's foreign-key pragma, which is switched on too.

Deleting is real: SQLite connections run with ``secure_delete`` (deleted content is overwritten)
and the write-ahead log is checkpointed and truncated after a delete; "delete all" also vacuums
the file. On PostgreSQL "delete all" truncates the tables (new, empty files); the server's WAL
archive and backups follow the database administrator's retention policy.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import re
import struct
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError

from framework.combine import Combined
from framework.importer import ImportReport
from framework.scales import RATED, STATUSES

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE_PATH = ROOT / "data" / "dashboard.sqlite"
ENV_VAR = "DATABASE_URL"
SCHEMA_VERSION_TABLE = "schema_version"
SCHEMA_HEAD = "0005"  # the newest migration in framework/migrations/versions (a test checks)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
LABEL_MAX = 120
_MIGRATION_LOCK = 0x6B31_2D63_746F  # pg_advisory_xact_lock key: "k1-cto", any constant shared by all processes
_WRITE = "dashboard_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)
_CHUNK = 200_000  # rating rows per bulk-insert batch
_COLUMNS = ("round_id", "respondent", "area_id", "name", "role", "group_name", "rating", "status", "email")

# ---- schema (the migrations in framework/migrations create exactly this; a test compares them) ----
metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

rounds_table = sa.Table(
    "rounds", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("label", sa.String(LABEL_MAX), nullable=False),
    sa.Column("survey_date", sa.Date, nullable=False),
    sa.Column("framework_id", sa.String(64), nullable=False),
    sa.Column("framework_version", sa.Text, nullable=False),
    sa.Column("scale_id", sa.String(32), nullable=False),
    sa.Column("scale_min", sa.SmallInteger, nullable=False),
    sa.Column("scale_max", sa.SmallInteger, nullable=False),
    sa.Column("source_name", sa.Text, nullable=False),
    sa.Column("source_sha256", sa.String(64), nullable=False),
    sa.Column("respondents", sa.Integer, nullable=False),
    sa.Column("import_report", sa.JSON, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("label"),
    sa.UniqueConstraint("source_sha256", "framework_id", "scale_id", name="uq_rounds_source"),
    sa.CheckConstraint("scale_min < scale_max", name="scale_range"),
    sqlite_autoincrement=True,  # ids of deleted rounds are never handed out again
)


def _only_on(constraint: sa.Constraint, *dialects: str) -> sa.Constraint:
    """A constraint the schema has on these databases only: created there (``ddl_if``), and compared
    there only (:func:`compared_objects`)."""
    constraint.info["dialects"] = dialects
    return constraint.ddl_if(dialect=dialects)


ratings_table = sa.Table(
    "ratings", metadata,
    sa.Column("round_id", sa.Integer, nullable=False),
    sa.Column("respondent", sa.String(32), nullable=False),
    sa.Column("area_id", sa.String(64), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("group_name", sa.Text, nullable=False),
    sa.Column("rating", sa.SmallInteger, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("email", sa.Text, nullable=False, server_default=""),  # lower case; "" unknown (0002)
    sa.PrimaryKeyConstraint("round_id", "respondent", "area_id"),
    # SQLite: a foreign key. PostgreSQL (0005): the same rule kept by statement-level triggers
    # (_ROUND_TRIGGERS below), which check a bulk COPY's rounds once instead of once per row.
    _only_on(sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE"), "sqlite"),
    sa.CheckConstraint("status IN ('rated', 'not applicable', 'blank', 'invalid')", name="status"),
    sa.CheckConstraint("(rating IS NOT NULL) = (status = 'rated')", name="rating_iff_rated"),
    sqlite_with_rowid=False,  # SQLite: the primary key is the table's own order (one b-tree, not two)
)
assert tuple(STATUSES) == ("rated", "not applicable", "blank", "invalid"), "update the status check constraint"

# PostgreSQL: ratings.round_id -> rounds.id ON DELETE CASCADE, kept by triggers (migration 0005). The
# foreign key checked every rating with a query of its own, which was most of the cost of saving a large
# round; these check each statement's rounds once, from its transition table, and keep the foreign key's
# guarantees: a rating names an existing round (SQLSTATE 23503 otherwise, the rounds locked FOR KEY SHARE
# as the foreign key locks them, so a round cannot be deleted while ratings are being written to it);
# deleting or truncating rounds deletes their ratings; a round's id never changes. Deleting rounds is
# refused under REPEATABLE READ and SERIALIZABLE, whose snapshot could miss ratings committed meanwhile
# (the foreign key cross-checks with a fresh snapshot, which a trigger cannot). Tables are named in the
# trigger's own schema, so districts sharing a database by schema stay apart.
_ROUND_TRIGGERS = (
    """CREATE FUNCTION fk_ratings_round_id_rounds_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  wanted integer[];
  found integer[];
BEGIN
  SELECT array_agg(round_id) INTO wanted FROM (SELECT DISTINCT round_id FROM new_rows WHERE round_id IS NOT NULL) AS d;
  IF wanted IS NULL THEN
    RETURN NULL;
  END IF;
  EXECUTE format('SELECT array_agg(id) FROM (SELECT id FROM %I.rounds WHERE id = ANY ($1) FOR KEY SHARE) AS k',
                 TG_TABLE_SCHEMA) INTO found USING wanted;
  IF cardinality(found) IS DISTINCT FROM cardinality(wanted) THEN
    RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "fk_ratings_round_id_rounds"',
                    TG_TABLE_NAME
      USING ERRCODE = 'foreign_key_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
            CONSTRAINT = 'fk_ratings_round_id_rounds',
            DETAIL = format('Key (round_id)=(%s) is not present in table "rounds".',
                            (SELECT min(w) FROM unnest(wanted) AS w WHERE w <> ALL (coalesce(found, '{}'))));
  END IF;
  RETURN NULL;
END
$$""",
    """CREATE FUNCTION fk_ratings_round_id_rounds_cascade() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM old_rows) THEN
    RETURN NULL;
  END IF;
  IF current_setting('transaction_isolation') IN ('repeatable read', 'serializable') THEN
    RAISE EXCEPTION 'rounds are deleted under READ COMMITTED only (their ratings are deleted by a trigger, which '
                    'must see ratings committed after this transaction began)'
      USING ERRCODE = 'feature_not_supported', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
            CONSTRAINT = 'fk_ratings_round_id_rounds';
  END IF;
  EXECUTE format('DELETE FROM %I.ratings WHERE round_id IN (SELECT id FROM old_rows)', TG_TABLE_SCHEMA);
  RETURN NULL;
END
$$""",
    """CREATE FUNCTION fk_ratings_round_id_rounds_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'update on table "%" changes the id of a round, which ratings refer to '
                  '("fk_ratings_round_id_rounds")', TG_TABLE_NAME
    USING ERRCODE = 'foreign_key_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
          CONSTRAINT = 'fk_ratings_round_id_rounds', DETAIL = format('Key (id)=(%s) cannot change.', OLD.id);
END
$$""",
    """CREATE FUNCTION fk_ratings_round_id_rounds_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  left_over boolean;
BEGIN
  EXECUTE format('TRUNCATE %I.ratings', TG_TABLE_SCHEMA);
  RETURN NULL;
EXCEPTION WHEN object_in_use THEN
  -- this TRUNCATE names ratings as well (so they are open in this session): they are empty already
  EXECUTE format('SELECT EXISTS (SELECT FROM %I.ratings)', TG_TABLE_SCHEMA) INTO left_over;
  IF left_over THEN
    RAISE EXCEPTION 'cannot truncate table "%" while table "ratings" refers to it and is in use',
                    TG_TABLE_NAME
      USING ERRCODE = 'foreign_key_violation', SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME,
            CONSTRAINT = 'fk_ratings_round_id_rounds';
  END IF;
  RETURN NULL;
END
$$""",
    "CREATE TRIGGER fk_ratings_round_id_rounds_ins AFTER INSERT ON ratings REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION fk_ratings_round_id_rounds_check()",
    "CREATE TRIGGER fk_ratings_round_id_rounds_upd AFTER UPDATE ON ratings REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION fk_ratings_round_id_rounds_check()",
    "CREATE TRIGGER fk_ratings_round_id_rounds_del AFTER DELETE ON rounds REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION fk_ratings_round_id_rounds_cascade()",
    "CREATE TRIGGER fk_ratings_round_id_rounds_key BEFORE UPDATE OF id ON rounds FOR EACH ROW "
    "WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION fk_ratings_round_id_rounds_key()",
    "CREATE TRIGGER fk_ratings_round_id_rounds_truncate AFTER TRUNCATE ON rounds "
    "FOR EACH STATEMENT EXECUTE FUNCTION fk_ratings_round_id_rounds_truncate()",
)


@event.listens_for(ratings_table, "after_create")
def _create_round_triggers(target, connection, **_) -> None:
    """``metadata.create_all`` on PostgreSQL makes what migration 0005 makes (a test compares them)."""
    if connection.dialect.name == "postgresql":
        for statement in _ROUND_TRIGGERS:
            connection.execute(sa.text(statement))


@event.listens_for(ratings_table, "before_drop")
def _drop_round_triggers(target, connection, **_) -> None:
    if connection.dialect.name == "postgresql":  # the triggers go with their functions
        for function in ("check", "cascade", "key", "truncate"):
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS fk_ratings_round_id_rounds_{function}() CASCADE")


def compared_objects(dialect: str):
    """Alembic's ``include_object`` for a database of this dialect: a constraint declared for other
    databases only (``_only_on``) is not expected there."""

    def include(obj, name, type_, reflected, compare_to) -> bool:
        dialects = None if reflected else getattr(obj, "info", {}).get("dialects")
        return dialects is None or dialect in dialects

    return include

# Shared state (0002): who may do what, what they did, and the district's settings, so that several app
# servers on one PostgreSQL behave as one. framework/state.py reads and writes them.
access_table = sa.Table(
    "access", metadata,
    sa.Column("email", sa.String(254), primary_key=True),  # lower case
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("granted_by", sa.String(254), nullable=False),
    sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'leader', 'staff')", name="role"),
)

audit_table = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(254), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sqlite_autoincrement=True,
)

settings_table = sa.Table(
    "settings", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_by", sa.String(254), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

profiles_table = sa.Table(
    "mapping_profiles", metadata,
    sa.Column("name", sa.String(120), primary_key=True),
    sa.Column("data", sa.Text, nullable=False),  # the profile as JSON
    sa.Column("updated_by", sa.String(254), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Survey rounds run inside the dashboard (0003): a round's life cycle, who is invited, each person's
# answers (saved at every change), submissions, supervisors' ratings and chosen focus areas.
# framework/campaigns.py reads and writes them.
campaigns_table = sa.Table(
    "campaigns", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("label", sa.String(LABEL_MAX), nullable=False),
    sa.Column("framework_id", sa.String(64), nullable=False),
    sa.Column("framework_source", sa.Text, nullable=False),  # a custom framework's TOML ("" built in)
    sa.Column("scale_id", sa.String(32), nullable=False),
    sa.Column("opens_on", sa.Date, nullable=True),
    sa.Column("closes_on", sa.Date, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("supervisor_ratings", sa.Boolean, nullable=False),
    sa.Column("anonymous_source", sa.String(16), nullable=False),  # which ratings anonymous views use
    sa.Column("created_by", sa.String(254), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="SET NULL"), nullable=True),
    # raised by every change to what the round's submitted answers show (0004): the pages cache what they
    # compute from them by (id, revision); see framework.campaigns._bump
    sa.Column("revision", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("label"),
    sa.CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
    sa.CheckConstraint("anonymous_source IN ('self', 'supervisor')", name="source"),
    sqlite_autoincrement=True,
)

invitations_table = sa.Table(
    "invitations", metadata,
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    sa.Column("email", sa.String(254), nullable=False),  # lower case
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("group_name", sa.Text, nullable=False),
    sa.Column("supervisor", sa.String(254), nullable=False),  # lower case; "" none
    sa.PrimaryKeyConstraint("campaign_id", "email"),
    # (0004) every signed-in person's run asks which rounds invite them and whom they supervise
    sa.Index(None, "email"),
    sa.Index(None, "supervisor"),
)

answers_table = sa.Table(
    "answers", metadata,
    sa.Column("campaign_id", sa.Integer, nullable=False),
    sa.Column("email", sa.String(254), nullable=False),  # whose skills (lower case)
    sa.Column("rater", sa.String(16), nullable=False),  # 'self' or 'supervisor'
    sa.Column("area_id", sa.String(64), nullable=False),
    sa.Column("rating", sa.SmallInteger, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("campaign_id", "email", "rater", "area_id"),
    sa.ForeignKeyConstraint(["campaign_id", "email"], ["invitations.campaign_id", "invitations.email"],
                            ondelete="CASCADE"),
    sa.CheckConstraint("rater IN ('self', 'supervisor')", name="rater"),
    sa.CheckConstraint("status IN ('rated', 'not applicable')", name="status"),
    sa.CheckConstraint("(rating IS NOT NULL) = (status = 'rated')", name="rating_iff_rated"),
)

responses_table = sa.Table(
    "responses", metadata,
    sa.Column("campaign_id", sa.Integer, nullable=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("rater", sa.String(16), nullable=False),
    sa.Column("note", sa.Text, nullable=False),  # private: the person and admins only
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),  # None: started, not submitted
    sa.Column("rated_by", sa.String(254), nullable=False),  # who answered (the person, or their supervisor)
    sa.PrimaryKeyConstraint("campaign_id", "email", "rater"),
    sa.ForeignKeyConstraint(["campaign_id", "email"], ["invitations.campaign_id", "invitations.email"],
                            ondelete="CASCADE"),
    sa.CheckConstraint("rater IN ('self', 'supervisor')", name="rater"),
)

focus_table = sa.Table(
    "focus", metadata,
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("round_label", sa.String(LABEL_MAX), nullable=False),  # the round the plan was made from
    sa.Column("areas", sa.Text, nullable=False),  # JSON list of up to three area ids
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("email", "round_label"),
)

frameworks_table = sa.Table(
    "frameworks", metadata,
    sa.Column("digest", sa.String(64), primary_key=True),  # SHA-256 of the definition's content
    sa.Column("framework_id", sa.String(64), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),  # the TOML as uploaded
    sa.Column("uploaded_by", sa.String(254), nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
)


# ---- errors -------------------------------------------------------------------------------------
class StoreError(Exception):
    """Something the user can act on, in one plain sentence (the database cannot be reached, a label
    is taken, no such round, a database from a newer release)."""


class RoundNotFoundError(StoreError):
    pass


class LabelTakenError(StoreError):
    pass


# ---- values -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Round:
    """A stored survey round (without its ratings)."""

    id: int
    label: str
    survey_date: date
    framework_id: str
    framework_version: str
    scale_id: str
    scale_min: int
    scale_max: int
    source_name: str
    source_sha256: str
    respondents: int
    ratings: int  # stored rating rows (people x areas, every status)
    saved_at: datetime

    @property
    def title(self) -> str:
        return f"{self.label} ({self.survey_date.isoformat()})"


@dataclass(frozen=True)
class SaveResult:
    round: Round
    created: bool  # False: the same file was stored already, as ``round``

    @property
    def message(self) -> str:
        r = self.round
        if self.created:
            return (f"Saved round {r.id} {r.label!r} ({r.survey_date.isoformat()}): {r.respondents} respondents, "
                    f"{r.ratings} ratings.")
        return (f"This file is already stored as round {r.id} {r.label!r} ({r.survey_date.isoformat()}); "
                "nothing was saved again.")


# ---- the connection URL -------------------------------------------------------------------------
def default_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def secrets_files() -> list[Path]:
    """Where Streamlit reads secrets from, the project's file first (it overrides the user's)."""
    return [Path.cwd() / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"]


def url_from_secrets(paths: Iterable[Path] | None = None) -> str | None:
    for path in secrets_files() if paths is None else paths:
        if not path.is_file():
            continue
        try:
            value = tomllib.loads(path.read_text("utf-8")).get(ENV_VAR)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise StoreError(f"{path} cannot be read as TOML ({exc}), so its {ENV_VAR} is unknown.") from None
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def database_url(explicit: str | None = None, environ: dict[str, str] | None = None,
                 secrets: Iterable[Path] | None = None) -> str:
    """The store's URL: ``explicit``, else $DATABASE_URL, else DATABASE_URL in secrets.toml, else the
    SQLite file under data/."""
    if explicit and explicit.strip():
        return explicit.strip()
    env = os.environ if environ is None else environ
    if env.get(ENV_VAR, "").strip():
        return env[ENV_VAR].strip()
    return url_from_secrets(secrets) or default_url()


def normalise_url(url: str | URL) -> URL:
    """A SQLAlchemy URL with the driver this app ships: ``postgres://`` and ``postgresql://`` use
    psycopg 3. Only SQLite and PostgreSQL are supported."""
    text = url.render_as_string(hide_password=False) if isinstance(url, URL) else str(url).strip()
    text = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", text)
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number ("host:notaport", "[::1")
        raise StoreError("The database URL cannot be read; write it as sqlite:///path/to/file.sqlite or "
                         "postgresql://user:password@host:5432/database.") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"The dashboard keeps rounds in SQLite or PostgreSQL, not {backend}; "
                         f"set {ENV_VAR} to a sqlite:/// or postgresql:// URL.")
    return parsed


def describe_url(url: str | URL) -> str:
    """Where the rounds are, for people: never the password."""
    u = normalise_url(url)
    if u.get_backend_name() == "sqlite":
        if not u.database or u.database == ":memory:":
            return "SQLite in memory (nothing is kept after the app stops)"
        path = Path(u.database)
        try:
            shown = path.resolve().relative_to(ROOT)
        except ValueError:
            shown = path
        return f"SQLite file {shown}"
    where = u.host or "localhost"
    if u.port:
        where += f":{u.port}"
    who = f" as {u.username}" if u.username else ""
    return f"PostgreSQL database {u.database or '(default)'} on {where}{who}"


def source_digest(digests: Sequence[str]) -> str:
    """The SHA-256 that identifies a round's source: the file's own for one file; for several files
    (read as one team, in this order) the SHA-256 of their digests."""
    if not digests:
        raise ValueError("a round needs at least one source file")
    if len(digests) == 1:
        return digests[0].lower()
    return hashlib.sha256(("files:" + "\n".join(d.lower() for d in digests)).encode()).hexdigest()


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def clean_label(label: str) -> str:
    text = unicodedata.normalize("NFC", " ".join(str(label or "").split()))
    if not text:
        raise StoreError("A round needs a name, for example “Fall 2026”.")
    if len(text) > LABEL_MAX:
        raise StoreError(f"A round's name can be at most {LABEL_MAX} characters long.")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise StoreError("A round's name cannot contain control characters.")
    return text


# ---- engine -------------------------------------------------------------------------------------
def _sqlite_connect(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling is off: SQLAlchemy's "begin" event below issues BEGIN, so
    # DDL is transactional and writers take the write lock up front (no lock upgrade deadlocks).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    for pragma in ("busy_timeout = 30000", "foreign_keys = ON", "secure_delete = ON", "journal_mode = WAL",
                   "synchronous = NORMAL"):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


def _create_private_sqlite(path: Path) -> None:
    """Create the SQLite file's missing folders (0700) and the file itself (0600), whatever the umask, so
    that only the app's own user can read the ratings. SQLite gives its -wal, -shm and -journal files the
    database file's permissions. An existing file or folder is left as it is."""
    missing = []
    parent = path.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:  # another process made it meanwhile
            continue
        os.chmod(folder, 0o700)  # the umask may have taken bits away
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


def create_store_engine(url: str | URL) -> Engine:
    u = normalise_url(url)
    if u.get_backend_name() == "sqlite":
        memory = not u.database or u.database == ":memory:"
        if not memory and not u.database.startswith("file:"):
            try:
                _create_private_sqlite(Path(u.database).expanduser())
            except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "the path is not valid"
                raise StoreError(f"The rounds database ({describe_url(u)}) cannot be created there: "
                                 f"{reason.rstrip('.').lower()}.") from None
        kwargs: dict[str, Any] = {"connect_args": {"timeout": 30, "check_same_thread": False}}
        if memory:
            kwargs["poolclass"] = sa.pool.StaticPool
        engine = sa.create_engine(u, **kwargs)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return sa.create_engine(u, pool_pre_ping=True, connect_args={
            "connect_timeout": 10, "application_name": "district-tech-dashboard"})
    except NoSuchModuleError as exc:
        raise StoreError(f"The database driver for {u.drivername} is not installed ({exc}).") from None


def _first_line(exc: BaseException, password: str | None = None) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    line = text[0].rstrip(".") if text else type(orig).__name__
    return line.replace(password, "***") if password else line  # a driver never echoes it, but in case


# ---- the store ----------------------------------------------------------------------------------
class Store:
    """Survey rounds in one database. Thread-safe (one engine, a connection pool); several processes
    may use the same database at once."""

    def __init__(self, url: str | URL | None = None, *, migrate: bool = True):
        self.url = normalise_url(database_url(url) if url is None or isinstance(url, str) else url)
        self.backend = self.url.get_backend_name()
        self.engine = create_store_engine(self.url)
        self._write = self.engine.execution_options(**{_WRITE: True})
        self.description = describe_url(self.url)
        if migrate:
            try:
                self.migrate()
            except StoreError:
                self.engine.dispose()
                raise
            except (sa.exc.SQLAlchemyError, OSError, ValueError) as exc:  # the driver refusing its arguments
                self.engine.dispose()
                raise self._unreachable(exc) from None
            except BaseException:
                self.engine.dispose()
                raise

    def __repr__(self) -> str:
        return f"Store({self.description})"

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- errors from the driver become sentences ------------------------------------------------
    def _unreachable(self, exc: Exception) -> StoreError:
        return StoreError(f"The rounds database ({self.description}) cannot be used: "
                          f"{_first_line(exc, self.url.password)}.")

    # -- schema ---------------------------------------------------------------------------------
    def _alembic_config(self):
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        return cfg

    def schema_revision(self) -> str | None:
        """The schema revision the database is at (None: no schema yet). Plain SQL, so that opening a
        store that is up to date does not load Alembic."""
        try:
            with self.engine.connect() as conn:
                if not sa.inspect(conn).has_table(SCHEMA_VERSION_TABLE):
                    return None
                return conn.execute(sa.text(f"SELECT version_num FROM {SCHEMA_VERSION_TABLE}")).scalar()
        except DBAPIError as exc:
            raise self._unreachable(exc) from None

    def head_revision(self) -> str:
        """The newest revision among the migrations (:data:`SCHEMA_HEAD`, which a test holds equal)."""
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def migrate(self) -> None:
        """Create the schema, or bring an older one up to this release's, under a lock."""
        from alembic import command
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory
        from alembic.util import CommandError

        if self.schema_revision() == SCHEMA_HEAD:
            return
        cfg = self._alembic_config()
        script = ScriptDirectory.from_config(cfg)
        head = script.get_current_head()
        try:
            with self._write.begin() as conn:
                if self.backend == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
                current = MigrationContext.configure(
                    conn, opts={"version_table": SCHEMA_VERSION_TABLE}).get_current_revision()
                if current is not None:
                    try:
                        script.get_revision(current)
                    except CommandError:
                        raise StoreError(
                            f"The rounds database ({self.description}) was set up by a newer release of the "
                            f"dashboard (schema {current}); update the dashboard to use it.") from None
                if current != head:
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
        except (DBAPIError, CommandError) as exc:
            raise self._unreachable(exc) from None

    # -- reading --------------------------------------------------------------------------------
    def _round_query(self):
        r = rounds_table.c
        return sa.select(r.id, r.label, r.survey_date, r.framework_id, r.framework_version, r.scale_id, r.scale_min,
                         r.scale_max, r.source_name, r.source_sha256, r.respondents, r.saved_at)

    def _counted(self) -> dict[int, int]:
        """Rating rows per round id, counted once per store: a round's ratings are written in the
        transaction that creates it and never change after (ids are never reused), so a count stays
        true until the round is deleted. Listing the rounds on every page run then reads only the
        rounds table, not every rating of every round."""
        return self.__dict__.setdefault("_rating_counts", {})

    def _rounds(self, rows) -> list[Round]:
        counts = self._counted()
        missing = sorted({int(row.id) for row in rows} - set(counts))
        if missing:  # counted per round on the primary key's prefix
            c = ratings_table.c
            found = dict(self._read(sa.select(c.round_id, sa.func.count()).where(c.round_id.in_(missing))
                                    .group_by(c.round_id)))
            counts.update({i: int(found.get(i, 0)) for i in missing})
        return [self._round(row, counts[int(row.id)]) for row in rows]

    @staticmethod
    def _round(row, ratings: int) -> Round:
        saved = row.saved_at
        if isinstance(saved, str):
            saved = datetime.fromisoformat(saved)
        # SQLite keeps no time zone (we write UTC); PostgreSQL answers in the session's time zone
        saved = saved.replace(tzinfo=UTC) if saved.tzinfo is None else saved.astimezone(UTC)
        return Round(id=int(row.id), label=row.label, survey_date=row.survey_date, framework_id=row.framework_id,
                     framework_version=row.framework_version, scale_id=row.scale_id, scale_min=int(row.scale_min),
                     scale_max=int(row.scale_max), source_name=row.source_name, source_sha256=row.source_sha256,
                     respondents=int(row.respondents), ratings=int(ratings), saved_at=saved)

    def _read(self, query) -> list:
        try:
            with self.engine.connect() as conn:
                return conn.execute(query).all()
        except DBAPIError as exc:
            raise self._unreachable(exc) from None

    def list_rounds(self) -> list[Round]:
        """Every round, oldest survey first (then by id)."""
        q = self._round_query().order_by(rounds_table.c.survey_date, rounds_table.c.id)
        return self._rounds(self._read(q))

    def get_round(self, round_id: int) -> Round:
        rows = self._read(self._round_query().where(rounds_table.c.id == int(round_id)))
        if not rows:
            raise RoundNotFoundError(f"There is no round {round_id}; `python -m framework rounds list` shows them.")
        return self._rounds(rows)[0]

    def find_round(self, *, source_sha256: str | None = None, framework_id: str | None = None,
                   scale_id: str | None = None, label: str | None = None) -> Round | None:
        q = self._round_query()
        if source_sha256 is not None:
            q = q.where(rounds_table.c.source_sha256 == source_sha256.lower(),
                        rounds_table.c.framework_id == framework_id, rounds_table.c.scale_id == scale_id)
        if label is not None:
            q = q.where(rounds_table.c.label == label)
        rows = self._read(q)
        return self._rounds(rows[:1])[0] if rows else None

    def import_report(self, round_id: int) -> dict:
        rows = self._read(sa.select(rounds_table.c.import_report).where(rounds_table.c.id == int(round_id)))
        if not rows:
            raise RoundNotFoundError(f"There is no round {round_id}.")
        return rows[0][0]

    def load_ratings(self, round_id: int) -> pd.DataFrame:
        """The round's ratings as a tidy frame (the importer's columns; row 0, column "";
        ``role_id`` is left "" for the caller's targets to fill: ``targets.match_roles(frame.role)``).

        The columns the pages read (respondent, name, email, role, school, area, rating, status), parsed
        into columns by Arrow (PostgreSQL sends them as CSV with COPY, SQLite each row as one JSON
        object), so the round is never held as Python values (ten million rows would be 80 million)."""
        if not self._read(sa.select(rounds_table.c.id).where(rounds_table.c.id == int(round_id))):
            raise RoundNotFoundError(f"There is no round {round_id}; `python -m framework rounds list` shows them.")
        columns = ", ".join(column for column, _ in _LOADED.values())
        rows = f"FROM ratings WHERE round_id = {int(round_id)} ORDER BY respondent, area_id"
        parts = []
        try:
            with self.engine.connect() as conn:
                cursor = conn.connection.cursor()
                try:
                    if self.backend == "postgresql":  # COPY out as CSV, parsed by Arrow as it streams in
                        with cursor.copy(f"COPY (SELECT {columns} {rows}) TO STDOUT WITH (FORMAT csv)") as copy:
                            parts = _csv_rows(copy)
                    else:  # one JSON object per row, parsed by Arrow a slice at a time
                        pairs = ", ".join(f"'{key}', {column}" for key, (column, _) in _LOADED.items())
                        cursor.execute(f"SELECT json_object({pairs}) {rows}")
                        while fetched := cursor.fetchmany(_SLICE):
                            parts.append(_json_rows("\n".join([r[0] for r in fetched])))
                finally:
                    cursor.close()
        except DBAPIError as exc:
            raise self._unreachable(exc) from None
        except Exception as exc:  # the driver's own error class, from the raw cursor
            raise StoreError(f"The rounds database ({self.description}) cannot be used: {_first_line(exc)}.") from None
        return _tidy_from_arrow(parts)

    def level_counts(self, round_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """Number of rating rows per (round, area, status, rating): all a trend needs, counted by the
        database. Columns round_id, area_id, status, rating (Int64, NA unless rated), count."""
        r = ratings_table.c
        q = (sa.select(r.round_id, r.area_id, r.status, r.rating, sa.func.count().label("count"))
             .group_by(r.round_id, r.area_id, r.status, r.rating))
        if round_ids is not None:
            q = q.where(r.round_id.in_([int(i) for i in round_ids]))
        frame = pd.DataFrame(self._read(q), columns=["round_id", "area_id", "status", "rating", "count"])
        return frame.astype({"round_id": "int64", "area_id": "string", "status": "string", "rating": "Int64",
                             "count": "int64"})

    # -- writing --------------------------------------------------------------------------------
    def save_round(self, combined: Combined, label: str, survey_date: date, digests: Sequence[str]) -> SaveResult:
        """Store ``combined`` (the session's upload, or one file read by the command line) as a round.

        ``digests`` are the SHA-256 of each source file, in the order of ``combined.results``. The
        same source (by digest, framework and scale) is stored once: saving it again returns the
        stored round with ``created=False``, also when two processes save it at the same moment.
        """
        label = clean_label(label)
        if not isinstance(survey_date, date):
            raise StoreError("A round needs a survey date.")
        if isinstance(survey_date, datetime):
            survey_date = survey_date.date()
        if len(digests) != len(combined.results):
            raise ValueError("one digest per source file is needed")
        sha = source_digest(list(digests))
        fw, sc = combined.framework, combined.scale
        key = {"source_sha256": sha, "framework_id": fw.id, "scale_id": sc.id}
        if (found := self.find_round(**key)) is not None:
            return SaveResult(found, created=False)
        self._check_label_free(label)
        rows = StoredRows.of(combined.ratings)
        respondents = rows.respondents()
        values = {
            "label": label, "survey_date": survey_date, "framework_id": fw.id, "framework_version": fw.version or "",
            "scale_id": sc.id, "scale_min": sc.min, "scale_max": sc.max,
            "source_name": ", ".join(r.report.filename for r in combined.results), "source_sha256": sha,
            "respondents": respondents, "import_report": report_json(combined, digests),
            "saved_at": datetime.now(UTC),
        }
        try:
            with self._write.begin() as conn:
                round_id = conn.execute(sa.insert(rounds_table).values(**values)).inserted_primary_key[0]
                self._insert_ratings(conn, int(round_id), rows)
        except IntegrityError:
            # lost a race: another process stored the same file, or took the label, a moment ago
            if (found := self.find_round(**key)) is not None:
                return SaveResult(found, created=False)
            self._check_label_free(label)
            raise
        except DBAPIError as exc:
            raise self._unreachable(exc) from None
        self._counted()[int(round_id)] = len(rows)  # what was inserted, so that listing need not count it
        return SaveResult(self.get_round(int(round_id)), created=True)

    def _check_label_free(self, label: str, except_id: int | None = None) -> None:
        taken = self.find_round(label=label)
        if taken is not None and taken.id != except_id:
            raise LabelTakenError(f"A round named {label!r} exists already (round {taken.id}, "
                                  f"{taken.survey_date.isoformat()}); choose another name.")

    def _insert_ratings(self, conn: Connection, round_id: int, rows: StoredRows) -> None:
        """Bulk insert in the round's transaction, streamed a slice of rows at a time (no copy of the
        whole round as text or as Python objects): COPY on PostgreSQL, executemany on SQLite."""
        cursor = conn.connection.cursor()
        try:
            if self.backend == "postgresql":
                from psycopg.copy import QueuedLibpqWriter

                # binary: the server parses nothing; a writer thread sends one slice while the next is made
                with cursor.copy(f"COPY ratings ({', '.join(_COLUMNS)}) FROM STDIN WITH (FORMAT binary)",
                                 writer=QueuedLibpqWriter(cursor)) as copy:
                    for part in rows.copy_slices(round_id):
                        copy.write(part)
            else:
                sql = f"INSERT INTO ratings ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
                for part in rows.python_slices(round_id):
                    cursor.executemany(sql, part)
        finally:
            cursor.close()

    def rename_round(self, round_id: int, label: str) -> Round:
        label = clean_label(label)
        self.get_round(round_id)
        self._check_label_free(label, except_id=int(round_id))
        try:
            with self._write.begin() as conn:
                done = conn.execute(sa.update(rounds_table).where(rounds_table.c.id == int(round_id))
                                    .values(label=label)).rowcount
        except IntegrityError:
            self._check_label_free(label, except_id=int(round_id))
            raise
        except DBAPIError as exc:
            raise self._unreachable(exc) from None
        if not done:
            raise RoundNotFoundError(f"There is no round {round_id}.")
        return self.get_round(round_id)

    def delete_round(self, round_id: int) -> int:
        """Delete a round and every rating it had, in one transaction. Returns the ratings removed."""
        try:
            with self._write.begin() as conn:
                removed = conn.execute(sa.delete(ratings_table).where(ratings_table.c.round_id == int(round_id))).rowcount
                gone = conn.execute(sa.delete(rounds_table).where(rounds_table.c.id == int(round_id))).rowcount
                if not gone:
                    raise RoundNotFoundError(f"There is no round {round_id}; nothing was deleted.")
        except DBAPIError as exc:
            raise self._unreachable(exc) from None
        self._counted().pop(int(round_id), None)
        self._scrub()
        return int(removed)

    def delete_all(self) -> tuple[int, int]:
        """Delete every round and rating, and every round run in the dashboard with its invitations,
        answers, notes and chosen focus areas. Returns (rounds, ratings) removed."""
        personal = (answers_table, responses_table, invitations_table, campaigns_table, focus_table)
        try:
            with self._write.begin() as conn:
                n_rounds = conn.execute(sa.select(sa.func.count()).select_from(rounds_table)).scalar_one()
                n_ratings = conn.execute(sa.select(sa.func.count()).select_from(ratings_table)).scalar_one()
                if self.backend == "postgresql":
                    conn.execute(sa.text("TRUNCATE TABLE ratings, rounds, answers, responses, invitations, "
                                         "campaigns, focus"))
                else:
                    for table in (*personal, ratings_table, rounds_table):
                        conn.execute(sa.delete(table))
        except DBAPIError as exc:
            raise self._unreachable(exc) from None
        self._counted().clear()
        self._scrub(vacuum=True)
        return int(n_rounds), int(n_ratings)

    def _scrub(self, vacuum: bool = False) -> None:
        """SQLite: fold the write-ahead log into the file and empty it (with secure_delete the deleted
        rows are overwritten there); after "delete all", also rebuild the file."""
        if self.backend != "sqlite":
            return
        raw = self.engine.raw_connection()
        try:
            conn = raw.driver_connection
            if vacuum:
                conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except Exception:  # another reader holds the log: the next checkpoint will do it
            pass
        finally:
            raw.close()


# ---- frames in and out --------------------------------------------------------------------------
def _distinct_texts(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A text column as (codes, texts): each row's position in ``texts``, the distinct values stripped
    ("" for missing, last), each converted once (the tidy frame's text columns are categoricals)."""
    cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    cats = np.asarray(cat.cat.categories.astype("string").str.strip().fillna(""), dtype=object)
    codes = cat.cat.codes.to_numpy()
    return np.where(codes < 0, len(cats), codes), np.append(cats, "").astype(object)


_SLICE = 200_000  # rating rows per slice streamed to the database


@dataclass
class StoredRows:
    """The rows a round stores, from a tidy frame, as per-row codes into each column's distinct values
    (nothing is repeated a million times over until a slice of rows is sent to the database).

    The respondent key becomes ``p0001``… in the order people appear (no survey-tool id reaches the
    database); the email is kept in lower case, so that a signed-in person can find their own ratings;
    a rating exists exactly when the cell was rated."""

    columns: dict[str, tuple[np.ndarray, np.ndarray]]  # name -> (codes, distinct texts), for _TEXT
    rating: np.ndarray  # float, NaN unless rated

    @classmethod
    def of(cls, tidy: pd.DataFrame) -> StoredRows:
        n = len(tidy)
        codes, uniques = pd.factorize(tidy["respondent"], sort=False)
        width = max(4, len(str(len(uniques))))
        columns = {"respondent": (codes, np.array([f"p{i + 1:0{width}d}" for i in range(len(uniques))], dtype=object))}
        blank = (np.zeros(n, dtype=np.int8), np.array([""], dtype=object))
        for name in ("name", "role", "group", "area_id", "status", "email"):
            columns[name] = _distinct_texts(tidy[name]) if name in tidy else blank
        codes, texts = columns["email"]
        if len(texts):  # as access.normal_email lower-cases a signed-in person's email (Python's str.lower,
            # which may lengthen a text: "İ" is "i̇"), once per distinct email
            columns["email"] = codes, np.array([t.lower() for t in texts], dtype=object)
        codes, texts = columns["status"]
        rating = tidy["rating"].astype("Int64").to_numpy(dtype="float64", na_value=np.nan)
        rating[(texts != RATED)[codes]] = np.nan  # a rating exists exactly when the cell was rated
        return cls(columns, rating)

    def __len__(self) -> int:
        return len(self.rating)

    def respondents(self) -> int:
        """People with at least one rating."""
        codes, texts = self.columns["status"]
        rated = (texts == RATED)[codes]
        people, keys = self.columns["respondent"]
        seen = np.zeros(len(keys) + 1, dtype=bool)  # marked, not sorted (a code of -1 marks the extra one)
        seen[people[rated]] = True
        return int(np.count_nonzero(seen))

    def frame(self) -> pd.DataFrame:
        """Every row at once (respondent, name, role, group, area_id, rating, status, email)."""
        out = {name: texts[codes] for name, (codes, texts) in self.columns.items()}
        out["rating"] = pd.array(self.rating, dtype="Float64").astype("Int64")
        return pd.DataFrame({c: out[c] for c in _FRAME_COLUMNS})

    def _levels(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's rating as a code into the distinct levels (ascending), NULL (None) last. Ratings are
        small integers: the levels present are counted, not sorted, and the codes are one byte each."""
        known = ~np.isnan(self.rating)
        values = self.rating[known].astype(np.int64)
        low = int(values.min()) if len(values) else 0
        present = np.bincount(values - low) > 0
        levels = np.flatnonzero(present) + low
        codes = np.full(len(self.rating), len(levels), dtype=np.min_scalar_type(len(levels)))
        codes[known] = (np.cumsum(present) - 1)[values - low]
        return codes, np.array([int(v) for v in levels] + [None], dtype=object)

    def python_slices(self, round_id: int):
        """Slices of rows as tuples in _COLUMNS order (for executemany)."""
        level_codes, levels = self._levels()
        order = [self.columns[c] for c in ("respondent", "area_id", "name", "role", "group")]
        status, email = self.columns["status"], self.columns["email"]
        for start in range(0, len(self), _SLICE):
            part = slice(start, start + _SLICE)
            texts = [t[c[part]].tolist() for c, t in order]
            yield zip(itertools.repeat(round_id), *texts, levels[level_codes[part]].tolist(),
                      status[1][status[0][part]].tolist(), email[1][email[0][part]].tolist())

    def copy_slices(self, round_id: int):
        """The rows in PostgreSQL's binary COPY format, in _COLUMNS order, a slice of rows at a time (the
        signature first, the trailer last). Each distinct value is encoded once as a field (its length,
        then its bytes: UTF-8 text, a big-endian smallint, length -1 for a NULL rating), and Arrow joins
        each row's fields: nothing to quote or escape, and nothing for the server to parse."""
        import pyarrow as pa
        import pyarrow.compute as pc

        nothing = pa.scalar(b"", type=pa.large_binary())  # the separator binary_join_element_wise puts between

        def fields(values: np.ndarray) -> pa.Array:
            data = pa.array(values, type=pa.string()).cast(pa.large_binary())
            lengths = pc.binary_length(data).to_numpy(zero_copy_only=False).astype(">i4")
            prefix = pa.FixedSizeBinaryArray.from_buffers(pa.binary(4), len(lengths),
                                                           [None, pa.py_buffer(lengths.tobytes())])
            return pc.binary_join_element_wise(prefix.cast(pa.large_binary()), data, nothing)

        names = {"respondent": "respondent", "area_id": "area_id", "name": "name", "role": "role",
                 "group": "group_name", "status": "status", "email": "email"}
        encoded = {names[c]: (codes, fields(texts)) for c, (codes, texts) in self.columns.items()}
        level_codes, levels = self._levels()
        encoded["rating"] = level_codes, pa.array(
            [b"\xff\xff\xff\xff" if v is None else struct.pack(">ih", 2, v) for v in levels], type=pa.large_binary())
        head = pa.scalar(struct.pack(">hii", len(_COLUMNS), 4, round_id), type=pa.large_binary())  # round_id: int4
        yield _COPY_SIGNATURE
        for start in range(0, len(self), _SLICE):
            part = slice(start, start + _SLICE)
            rows = pc.binary_join_element_wise(
                head, *(values.take(pa.array(codes[part])) for codes, values in (encoded[c] for c in _COLUMNS[1:])),
                nothing)
            assert rows.null_count == 0
            offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64, count=len(rows) + 1, offset=rows.offset * 8)
            yield memoryview(rows.buffers()[2])[offsets[0]:offsets[-1]]
        yield _COPY_TRAILER


_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # the signature, no flags, no header extension
_COPY_TRAILER = b"\xff\xff"  # a field count of -1


_FRAME_COLUMNS = ["respondent", "name", "role", "group", "area_id", "rating", "status", "email"]


def rating_rows(tidy: pd.DataFrame) -> pd.DataFrame:
    """The columns a round stores, from a tidy frame, every row at once (see :class:`StoredRows`)."""
    return StoredRows.of(tidy).frame()


# load_ratings' columns: a short key (the JSON objects' and the parsed table's) -> (column, tidy column)
_LOADED = {"p": ("respondent", "respondent"), "n": ("name", "name"), "r": ("role", "role"),
           "g": ("group_name", "group"), "a": ("area_id", "area_id"), "v": ("rating", "rating"),
           "s": ("status", "status"), "e": ("email", "email")}


def _loaded_schema():
    import pyarrow as pa

    return pa.schema([(key, pa.int16() if key == "v" else pa.string()) for key in _LOADED])


def _json_rows(lines: str):
    import pyarrow as pa
    import pyarrow.json as pa_json

    return pa_json.read_json(
        pa.BufferReader(lines.encode("utf-8")), read_options=pa_json.ReadOptions(block_size=4 << 20),
        parse_options=pa_json.ParseOptions(explicit_schema=_loaded_schema(), unexpected_field_behavior="error"))


class _CopyStream(io.RawIOBase):
    """The bytes of a COPY … TO STDOUT, as a file Arrow can read."""

    def __init__(self, copy):
        self._chunks, self._left = iter(copy), memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not len(self._left):
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._left = memoryview(bytes(chunk))
        n = min(len(buffer), len(self._left))
        buffer[:n] = self._left[:n]
        self._left = self._left[n:]
        return n


def _csv_rows(copy) -> list:
    """PostgreSQL's CSV (NULL unquoted and empty, "" an empty text, line breaks inside quotes) as Arrow tables."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    schema = _loaded_schema()
    reader = pa_csv.open_csv(
        io.BufferedReader(_CopyStream(copy), buffer_size=1 << 20),
        read_options=pa_csv.ReadOptions(column_names=schema.names, block_size=8 << 20),
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(column_types=schema, strings_can_be_null=False,
                                              quoted_strings_can_be_null=False))
    return [pa.Table.from_batches([batch]) for batch in reader]


def _tidy_from_arrow(parts: list) -> pd.DataFrame:
    """Parsed slices of stored rows as the tidy frame, exactly as tidy_from_rows makes it: text as
    categoricals of the distinct values in the order they first appear."""
    import pyarrow as pa

    if not parts or not sum(len(p) for p in parts):
        return tidy_from_rows(pd.DataFrame(columns=[name for _, name in _LOADED.values()]))
    table = pa.concat_tables(parts)
    n = len(table)

    def categorical(key: str) -> pd.Categorical:
        encoded = table.column(key).dictionary_encode()  # one dictionary for all chunks, in order of appearance
        codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in encoded.chunks])
        categories = pd.Index(pd.arrays.ArrowStringArray(encoded.chunks[-1].dictionary), dtype="string")
        return pd.Categorical.from_codes(codes, categories=categories)

    empty = pd.Categorical.from_codes(np.zeros(n, dtype="int8"), categories=pd.Index([""], dtype="string"))
    rating = table.column("v").to_numpy().astype("float64")  # a NULL rating is NaN
    status = categorical("s")
    return pd.DataFrame({
        "respondent": categorical("p"), "name": categorical("n"), "email": categorical("e"), "role": categorical("r"),
        "role_id": empty, "group": categorical("g"), "area_id": categorical("a"),
        "rating": pd.array(rating, dtype="Float64").astype("Int64"),
        "status": pd.Categorical.from_codes(np.array([STATUSES.index(v) if v in STATUSES else -1
                                                      for v in status.categories] + [-1])[status.codes],
                                            categories=STATUSES),
        "row": np.zeros(n, dtype="int64"), "column": empty,
    })


def _categorical(values) -> pd.Categorical:
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), sort=False)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype="string"))


def tidy_from_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Stored rows back to the importer's tidy frame (categorical text, Int64 rating)."""
    n = len(frame)
    empty = pd.Categorical.from_codes(np.zeros(n, dtype="int8"), categories=pd.Index([""], dtype="string"))
    rating = np.array(frame["rating"].to_numpy(dtype=object), dtype="float64") if n else np.array([], dtype="float64")
    return pd.DataFrame({
        "respondent": _categorical(frame["respondent"]), "name": _categorical(frame["name"]),
        "email": _categorical(frame["email"]) if "email" in frame else empty,
        "role": _categorical(frame["role"]), "role_id": empty, "group": _categorical(frame["group"]),
        "area_id": _categorical(frame["area_id"]),
        "rating": pd.array(rating, dtype="Float64").astype("Int64"),
        "status": pd.Categorical(np.asarray(frame["status"], dtype=object), categories=STATUSES),
        "row": np.zeros(n, dtype="int64"), "column": empty,
    })


def _report_dict(report: ImportReport) -> dict:
    return {
        "filename": report.filename, "file_kind": report.file_kind, "source_format": report.source_format,
        "layout": report.layout, "scale_id": report.scale_id, "scale_reason": report.scale_reason,
        "rows_read": report.rows_read, "rows_used": report.rows_used, "rows_rejected": report.rows_rejected,
        "blank_rows": report.blank_rows, "respondents": report.respondents, "cells_rated": report.cells_rated,
        "cells_not_applicable": report.cells_not_applicable, "cells_blank": report.cells_blank,
        "cells_invalid": report.cells_invalid, "warnings": list(report.warnings),
        "missing_areas": list(report.missing_areas), "profile": report.profile,
        "mapping": [{"column": m.column, "kind": m.kind, "target": m.target, "confidence": round(float(m.confidence), 4),
                     "method": m.method} for m in report.mapping],
        "rejected": report.rejected_records(),
    }


def report_json(combined: Combined, digests: Sequence[str]) -> dict:
    """The import report(s) of a round, as JSON: one entry per file, the combining notes, the rescale."""
    return {
        "files": [_report_dict(r.report) | {"sha256": d.lower(), "scale": r.scale.id}
                  for r, d in zip(combined.results, digests)],
        "scale": combined.scale.id,
        "framework": {"id": combined.framework.id, "name": combined.framework.name,
                      "version": combined.framework.version or ""},
        "rescaled": {name: {str(a): b for a, b in m.items()} for name, m in combined.rescaled.items()},
        "notes": list(combined.notes),
    }


def round_export(store: Store, round_id: int, area_names: dict[str, str] | None = None) -> pd.DataFrame:
    """A round's ratings as a table to download: one row per person x skill area, N/A and blank
    cells with no rating (never 0). Contains names: the round's personnel data."""
    rnd = store.get_round(round_id)
    tidy = store.load_ratings(round_id)
    names = area_names or {}
    return pd.DataFrame({
        "Round": rnd.label,
        "Survey date": rnd.survey_date.isoformat(),
        "Respondent": tidy["respondent"].astype("string"),
        "Name": tidy["name"].astype("string"),
        "Role": tidy["role"].astype("string"),
        "School or department": tidy["group"].astype("string"),
        "Skill area": tidy["area_id"].astype("string").map(lambda a: names.get(a, a)),
        "Area id": tidy["area_id"].astype("string"),
        "Rating": tidy["rating"],
        "Status": tidy["status"].astype("string"),
        "Scale": f"{rnd.scale_min}–{rnd.scale_max}",
    })


__all__ = [
    "ENV_VAR", "LabelTakenError", "Round", "RoundNotFoundError", "SaveResult", "Store", "StoreError",
    "clean_label", "database_url", "describe_url", "file_digest", "metadata", "normalise_url", "round_export",
    "source_digest",
]
