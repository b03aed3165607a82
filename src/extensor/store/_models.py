"""The tables of the training log, as typed SQLAlchemy 2 ORM classes.

::

    profile (one row)        level, goal, variant, increment, unit (of the default lifter)
    lifters                  who trained: "default" (id 1) holds a single-lifter log
    sessions                 one per lifter and training day
     └── sets                load + unit, reps, RPE / RIR, pain + note, source, quality
          ├── reps           one row per analysed rep, with its measurements
          └── faults         mistakes seen (per rep, or per set when self-reported)
    recommendations          what `extensor next` advised, and from which rule

A set and its reps and faults are always written in one transaction, so a set is either
stored whole or not at all; ``sets.analysed_reps`` is the number of rep rows that belong
to it, which :meth:`extensor.store.Store.check` verifies. The schema is created and
upgraded by the Alembic migrations in ``extensor/store/migrations``; a test compares
these classes with the migrated database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "DEFAULT_LIFTER_ID",
    "Base",
    "FaultRow",
    "LifterRow",
    "ProfileRow",
    "RecommendationRow",
    "RepRow",
    "SessionRow",
    "SetRow",
]

#: Constraint names are fixed so that migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: Id of the lifter every set belongs to unless another is named (migration 0002 moves a
#: single-lifter log there).
DEFAULT_LIFTER_ID = 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class LifterRow(Base):
    """Someone whose sets are in the log; ``name`` is how a batch manifest names them."""

    __tablename__ = "lifters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ProfileRow(Base):
    """The lifter's profile; the table holds at most one row (id 1)."""

    __tablename__ = "profile"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("unit IN ('kg', 'lb')", name="unit"),
        CheckConstraint("increment > 0", name="increment_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(32))
    goal: Mapped[str] = mapped_column(String(32))
    variant: Mapped[str] = mapped_column(String(64))
    increment: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(2))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class SessionRow(Base):
    """One training day of one lifter (the default lifter unless set)."""

    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("lifter_id", "day", name="uq_sessions_lifter_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lifter_id: Mapped[int] = mapped_column(
        ForeignKey("lifters.id", ondelete="CASCADE"),
        index=True,
        server_default=text(str(DEFAULT_LIFTER_ID)),
    )
    day: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    sets: Mapped[list[SetRow]] = relationship(
        back_populates="session", order_by="SetRow.position", cascade="all, delete-orphan"
    )


class SetRow(Base):
    """One set: what was lifted, how it felt, where the record came from, and its quality.

    ``clean_reps`` is None when the quality is unknown (typed in without analysis).
    ``import_hash`` is the content hash of the imported row (Strong/Hevy), unique so that
    importing the same file twice adds nothing; ``result_key`` is the key of the batch
    result a set was saved from (``extensor batch --save``), unique for the same reason.
    """

    __tablename__ = "sets"
    __table_args__ = (
        UniqueConstraint("session_id", "position", name="uq_sets_session_position"),
        CheckConstraint("load >= 0", name="load_not_negative"),
        CheckConstraint("unit IN ('kg', 'lb')", name="unit"),
        CheckConstraint("reps >= 0", name="reps_not_negative"),
        CheckConstraint("rpe IS NULL OR (rpe >= 1 AND rpe <= 10)", name="rpe_range"),
        CheckConstraint("rir IS NULL OR rir >= 0", name="rir_not_negative"),
        CheckConstraint(
            "source IN ('manual', 'video', 'keypoints', 'sensor', 'import')", name="source"
        ),
        CheckConstraint("clean_reps IS NULL OR clean_reps >= 0", name="clean_not_negative"),
        CheckConstraint("analysed_reps >= 0", name="analysed_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    variant: Mapped[str] = mapped_column(String(64))
    goal: Mapped[str | None] = mapped_column(String(32))
    load: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(2))
    reps: Mapped[int] = mapped_column(Integer)
    rpe: Mapped[float | None] = mapped_column(Float)
    rir: Mapped[int | None] = mapped_column(Integer)
    pain: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    clean_reps: Mapped[int | None] = mapped_column(Integer)
    analysed_reps: Mapped[int] = mapped_column(Integer, default=0)
    time_under_tension_s: Mapped[float | None] = mapped_column(Float)
    tempo_cv: Mapped[float | None] = mapped_column(Float)
    velocity_loss_pct: Mapped[float | None] = mapped_column(Float)
    mean_range_deg: Mapped[float | None] = mapped_column(Float)
    input_file: Mapped[str | None] = mapped_column(Text)
    import_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    result_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    session: Mapped[SessionRow] = relationship(back_populates="sets")
    rep_rows: Mapped[list[RepRow]] = relationship(
        back_populates="set", order_by="RepRow.number", cascade="all, delete-orphan"
    )
    fault_rows: Mapped[list[FaultRow]] = relationship(
        back_populates="set", order_by="FaultRow.id", cascade="all, delete-orphan"
    )


class RepRow(Base):
    """One analysed rep with its phase times (s), angles (deg) and speeds (deg/s)."""

    __tablename__ = "reps"
    __table_args__ = (UniqueConstraint("set_id", "number", name="uq_reps_set_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    complete: Mapped[bool] = mapped_column(Boolean)
    partial: Mapped[bool] = mapped_column(Boolean)
    clean: Mapped[bool] = mapped_column(Boolean)
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    lift_s: Mapped[float | None] = mapped_column(Float)
    top_hold_s: Mapped[float | None] = mapped_column(Float)
    lower_s: Mapped[float | None] = mapped_column(Float)
    bottom_settle_s: Mapped[float | None] = mapped_column(Float)
    range_deg: Mapped[float | None] = mapped_column(Float)
    top_extension_deg: Mapped[float | None] = mapped_column(Float)
    bottom_extension_deg: Mapped[float | None] = mapped_column(Float)
    top_deviation_deg: Mapped[float | None] = mapped_column(Float)
    peak_lift_velocity_dps: Mapped[float | None] = mapped_column(Float)
    peak_lower_velocity_dps: Mapped[float | None] = mapped_column(Float)
    smoothness_ldlj: Mapped[float | None] = mapped_column(Float)
    time_under_tension_s: Mapped[float | None] = mapped_column(Float)
    head_deviation_deg: Mapped[float | None] = mapped_column(Float)

    set: Mapped[SetRow] = relationship(back_populates="rep_rows")


class FaultRow(Base):
    """A mistake seen in a set: on one rep (``rep_number``) or on the whole set (None)."""

    __tablename__ = "faults"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id", ondelete="CASCADE"), index=True)
    rep_number: Mapped[int | None] = mapped_column(Integer)
    mistake_id: Mapped[str] = mapped_column(String(64))
    time_s: Mapped[float | None] = mapped_column(Float)
    measured: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(16))
    confidence: Mapped[float | None] = mapped_column(Float)
    detail: Mapped[str | None] = mapped_column(Text)

    set: Mapped[SetRow] = relationship(back_populates="fault_rows")


class RecommendationRow(Base):
    """A recommendation given by ``extensor next``: the rule that decided and its advice."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    as_of: Mapped[date] = mapped_column(Date)
    based_on: Mapped[date | None] = mapped_column(Date)
    rule_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    load: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(2))
    sets: Mapped[int | None] = mapped_column(Integer)
    target_reps: Mapped[int | None] = mapped_column(Integer)
    focus: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[Any] = mapped_column(JSON)
