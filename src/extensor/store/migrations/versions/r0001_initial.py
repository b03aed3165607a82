"""Initial schema: profile, sessions, sets, reps, faults, recommendations.

Revision ID: 0001
Revises:
Create Date: 2024-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("goal", sa.String(length=32), nullable=False),
        sa.Column("variant", sa.String(length=64), nullable=False),
        sa.Column("increment", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=2), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_profile_single_row")),
        sa.CheckConstraint("unit IN ('kg', 'lb')", name=op.f("ck_profile_unit")),
        sa.CheckConstraint("increment > 0", name=op.f("ck_profile_increment_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile")),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("day", name=op.f("uq_sessions_day")),
    )
    op.create_table(
        "sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(length=64), nullable=False),
        sa.Column("goal", sa.String(length=32), nullable=True),
        sa.Column("load", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=2), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("rpe", sa.Float(), nullable=True),
        sa.Column("rir", sa.Integer(), nullable=True),
        sa.Column("pain", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("clean_reps", sa.Integer(), nullable=True),
        sa.Column("analysed_reps", sa.Integer(), nullable=False),
        sa.Column("time_under_tension_s", sa.Float(), nullable=True),
        sa.Column("tempo_cv", sa.Float(), nullable=True),
        sa.Column("velocity_loss_pct", sa.Float(), nullable=True),
        sa.Column("mean_range_deg", sa.Float(), nullable=True),
        sa.Column("input_file", sa.Text(), nullable=True),
        sa.Column("import_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("load >= 0", name=op.f("ck_sets_load_not_negative")),
        sa.CheckConstraint("unit IN ('kg', 'lb')", name=op.f("ck_sets_unit")),
        sa.CheckConstraint("reps >= 0", name=op.f("ck_sets_reps_not_negative")),
        sa.CheckConstraint(
            "rpe IS NULL OR (rpe >= 1 AND rpe <= 10)", name=op.f("ck_sets_rpe_range")
        ),
        sa.CheckConstraint("rir IS NULL OR rir >= 0", name=op.f("ck_sets_rir_not_negative")),
        sa.CheckConstraint(
            "source IN ('manual', 'video', 'keypoints', 'sensor', 'import')",
            name=op.f("ck_sets_source"),
        ),
        sa.CheckConstraint(
            "clean_reps IS NULL OR clean_reps >= 0", name=op.f("ck_sets_clean_not_negative")
        ),
        sa.CheckConstraint("analysed_reps >= 0", name=op.f("ck_sets_analysed_not_negative")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_sets_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sets")),
        sa.UniqueConstraint("import_hash", name=op.f("uq_sets_import_hash")),
        sa.UniqueConstraint("session_id", "position", name="uq_sets_session_position"),
    )
    op.create_index(op.f("ix_sets_session_id"), "sets", ["session_id"], unique=False)
    op.create_table(
        "reps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("clean", sa.Boolean(), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("lift_s", sa.Float(), nullable=True),
        sa.Column("top_hold_s", sa.Float(), nullable=True),
        sa.Column("lower_s", sa.Float(), nullable=True),
        sa.Column("bottom_settle_s", sa.Float(), nullable=True),
        sa.Column("range_deg", sa.Float(), nullable=True),
        sa.Column("top_extension_deg", sa.Float(), nullable=True),
        sa.Column("bottom_extension_deg", sa.Float(), nullable=True),
        sa.Column("top_deviation_deg", sa.Float(), nullable=True),
        sa.Column("peak_lift_velocity_dps", sa.Float(), nullable=True),
        sa.Column("peak_lower_velocity_dps", sa.Float(), nullable=True),
        sa.Column("smoothness_ldlj", sa.Float(), nullable=True),
        sa.Column("time_under_tension_s", sa.Float(), nullable=True),
        sa.Column("head_deviation_deg", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["set_id"], ["sets.id"], name=op.f("fk_reps_set_id_sets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reps")),
        sa.UniqueConstraint("set_id", "number", name="uq_reps_set_number"),
    )
    op.create_index(op.f("ix_reps_set_id"), "reps", ["set_id"], unique=False)
    op.create_table(
        "faults",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("rep_number", sa.Integer(), nullable=True),
        sa.Column("mistake_id", sa.String(length=64), nullable=False),
        sa.Column("time_s", sa.Float(), nullable=True),
        sa.Column("measured", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["set_id"], ["sets.id"], name=op.f("fk_faults_set_id_sets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faults")),
    )
    op.create_index(op.f("ix_faults_set_id"), "faults", ["set_id"], unique=False)
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("based_on", sa.Date(), nullable=True),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("load", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=2), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=True),
        sa.Column("target_reps", sa.Integer(), nullable=True),
        sa.Column("focus", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
    )


def downgrade() -> None:
    op.drop_table("recommendations")
    op.drop_index(op.f("ix_faults_set_id"), table_name="faults")
    op.drop_table("faults")
    op.drop_index(op.f("ix_reps_set_id"), table_name="reps")
    op.drop_table("reps")
    op.drop_index(op.f("ix_sets_session_id"), table_name="sets")
    op.drop_table("sets")
    op.drop_table("sessions")
    op.drop_table("profile")
