"""Alembic environment for the rounds store.

The app runs migrations itself (``framework.store.Store.migrate``), handing over a connection that
already holds the migration lock in ``config.attributes["connection"]``. A developer writing the
next migration runs Alembic directly against a scratch database:

    DATABASE_URL=sqlite:////tmp/scratch.sqlite .venv/bin/alembic -c framework/migrations/alembic.ini upgrade head
    DATABASE_URL=sqlite:////tmp/scratch.sqlite .venv/bin/alembic -c framework/migrations/alembic.ini \
        revision --autogenerate -m "what changes"

Every migration must run on SQLite and PostgreSQL (``render_as_batch`` lets SQLite alter tables).
"""

from alembic import context

from framework.store import SCHEMA_VERSION_TABLE, compared_objects, create_store_engine, database_url, metadata

config = context.config


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=SCHEMA_VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=compared_objects(connection.dialect.name),  # SQLite's foreign key is a trigger on PostgreSQL
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=str(database_url()), target_metadata=metadata, version_table=SCHEMA_VERSION_TABLE,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (shared := config.attributes.get("connection")) is not None:
    _run(shared)
else:
    engine = create_store_engine(database_url())
    with engine.execution_options(dashboard_write=True).begin() as conn:
        _run(conn)
    engine.dispose()
