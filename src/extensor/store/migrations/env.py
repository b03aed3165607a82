"""Alembic environment of the training log.

extensor runs the migrations itself (:meth:`extensor.store.Store.migrate`) and hands its
open connection over in ``config.attributes["connection"]``. To write a new revision, see
"Changing the schema" in ``docs/training-log.md``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from extensor.store._models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("pass the database with -x url=sqlite:///path.db")
    return url


def main() -> None:
    """Run the migrations Alembic asked for, offline (SQL text) or on a connection."""
    if context.is_offline_mode():
        context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    given = context.config.attributes.get("connection")
    if given is not None:
        _run(given)
    else:
        with create_engine(_url()).begin() as connection:
            _run(connection)


# Alembic executes this file with its context set up; a plain import (doctest collection,
# type checking) has no context and does nothing.
if hasattr(context, "config"):
    main()
