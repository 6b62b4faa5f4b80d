"""PostgreSQL: ratings.round_id -> rounds.id ON DELETE CASCADE kept by statement-level triggers instead
of a foreign key. SQLite keeps its foreign key (nothing changes there).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

The foreign key checked each rating with a query of its own: saving a round of 10 million ratings spent
more time on that than on anything else. The triggers check the rounds a statement names once, from its
transition table, and keep the foreign key's guarantees:

* inserting or updating a rating whose round does not exist fails with SQLSTATE 23503
  (foreign_key_violation), naming fk_ratings_round_id_rounds; the rounds it names are locked FOR KEY SHARE
  until the transaction ends, as the foreign key's check locks them, so a concurrent delete of the round
  waits for the ratings (and then deletes them), or the ratings wait for the delete (and then fail);
* deleting rounds deletes their ratings (ON DELETE CASCADE); TRUNCATE of rounds truncates the ratings;
* a round's id cannot change (the foreign key allowed it only for a round without ratings);
* deleting rounds under REPEATABLE READ or SERIALIZABLE is refused (SQLSTATE 0A000): the trigger's
  snapshot could miss ratings committed after the transaction began, where the foreign key would
  cross-check with a fresh snapshot. The dashboard deletes under READ COMMITTED.

The functions name the tables in the schema of the table that fires them, so districts sharing one
database by schema stay apart. They run with the privileges of the user writing the rows (the foreign
key's checks ran as the tables' owner): a user that writes ratings needs UPDATE on rounds too (for the
row lock), as the dashboard's user has.

A frozen copy of what this release declares (framework.store's _ROUND_TRIGGERS; a test compares them).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_ratings_round_id_rounds"
CREATE = (
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
TRIGGERS = {"ratings": ("ins", "upd"), "rounds": ("del", "key", "truncate")}
FUNCTIONS = ("check", "cascade", "key", "truncate")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_constraint(FOREIGN_KEY, "ratings", type_="foreignkey")
    for statement in CREATE:
        op.execute(sa.text(statement))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, triggers in TRIGGERS.items():
        for trigger in triggers:
            op.get_bind().exec_driver_sql(f"DROP TRIGGER {FOREIGN_KEY}_{trigger} ON {table}")
    for function in FUNCTIONS:
        op.get_bind().exec_driver_sql(f"DROP FUNCTION {FOREIGN_KEY}_{function}()")
    op.create_foreign_key(FOREIGN_KEY, "ratings", "rounds", ["round_id"], ["id"], ondelete="CASCADE")
