"""Lifters: a ``lifters`` table, sessions per lifter and day, sets keyed by batch result.

An existing log holds one lifter's sets: they all move to the lifter "default" (id 1),
which every single-lifter command keeps using. ``sets.result_key`` (unique) lets
``extensor batch --save`` store a result once however often the batch is rerun.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: Name and id of the lifter an existing log moves to (``_models.DEFAULT_LIFTER_ID``).
DEFAULT_LIFTER = "default"
DEFAULT_LIFTER_ID = 1


def upgrade() -> None:
    lifters = op.create_table(
        "lifters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifters")),
        sa.UniqueConstraint("name", name=op.f("uq_lifters_name")),
    )
    op.bulk_insert(
        lifters,
        [
            {
                "id": DEFAULT_LIFTER_ID,
                "name": DEFAULT_LIFTER,
                "created_at": datetime.now(UTC).replace(tzinfo=None),
            }
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        # the explicit id 1 did not advance the serial sequence
        op.execute("SELECT setval(pg_get_serial_sequence('lifters', 'id'), MAX(id)) FROM lifters")
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(
            sa.Column(
                "lifter_id",
                sa.Integer(),
                nullable=False,
                server_default=sa.text(str(DEFAULT_LIFTER_ID)),
            )
        )
        batch.drop_constraint("uq_sessions_day", type_="unique")
        batch.create_unique_constraint("uq_sessions_lifter_day", ["lifter_id", "day"])
        batch.create_foreign_key(
            "fk_sessions_lifter_id_lifters", "lifters", ["lifter_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_sessions_lifter_id", ["lifter_id"], unique=False)
    with op.batch_alter_table("sets") as batch:
        batch.add_column(sa.Column("result_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_sets_result_key", ["result_key"])


def downgrade() -> None:
    with op.batch_alter_table("sets") as batch:
        batch.drop_constraint("uq_sets_result_key", type_="unique")
        batch.drop_column("result_key")
    op.execute(f"DELETE FROM sessions WHERE lifter_id <> {DEFAULT_LIFTER_ID}")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_index("ix_sessions_lifter_id")
        batch.drop_constraint("fk_sessions_lifter_id_lifters", type_="foreignkey")
        batch.drop_constraint("uq_sessions_lifter_day", type_="unique")
        batch.create_unique_constraint("uq_sessions_day", ["day"])
        batch.drop_column("lifter_id")
    op.drop_table("lifters")
