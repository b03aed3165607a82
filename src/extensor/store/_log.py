"""Reading and writing the training log: profile, sets, analysed sets, history, advice.

Every function takes the :class:`~extensor.store.Store` first and does its work in one
transaction. Loads are stored in the unit they were lifted in (kg or lb) and converted
only when compared.

>>> import tempfile, pathlib
>>> from datetime import date
>>> with tempfile.TemporaryDirectory() as tmp, Store(pathlib.Path(tmp) / "log.db") as store:
...     _ = log_sets(store, day=date(2024, 5, 2), load=40, unit="kg", reps=12, sets=3,
...                  variant="seated_lever_machine")
...     [(s.day.isoformat(), len(s.sets), s.total_reps) for s in load_history(store)]
[('2024-05-02', 3, 36)]
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from extensor._errors import ConfigError
from extensor.progression import (
    LOAD_UNITS,
    MAX_LOAD_KG,
    SET_SOURCES,
    LoadUnit,
    Profile,
    Recommendation,
    SessionSummary,
    SetSummary,
    convert,
)
from extensor.store._db import Store
from extensor.store._models import (
    DEFAULT_LIFTER_ID,
    FaultRow,
    LifterRow,
    ProfileRow,
    RecommendationRow,
    RepRow,
    SessionRow,
    SetRow,
)

if TYPE_CHECKING:
    from extensor._analysis import AnalysisRun
    from extensor._config import Settings
    from extensor.core import SetAnalysis
    from extensor.progression import Rules

__all__ = [
    "DEFAULT_LIFTER",
    "MAX_REPS",
    "MAX_SETS",
    "LoggedSets",
    "forget_sets",
    "get_profile",
    "last_recommendation",
    "list_lifters",
    "load_history",
    "log_sets",
    "record_recommendation",
    "save_analysis",
    "save_profile",
    "save_result",
    "set_result_key",
    "source_of",
]

#: Name of the lifter a single-lifter log belongs to (id ``DEFAULT_LIFTER_ID``).
DEFAULT_LIFTER = "default"

#: Most sets one `log` call records: more is almost certainly a typo.
MAX_SETS = 20
#: Most reps one set may have: far beyond any endurance set of this exercise.
MAX_REPS = 200


@dataclass(frozen=True, slots=True)
class LoggedSets:
    """What a write stored: the session (training day) and the new sets' ids, in order.

    ``stored`` is False when the set was already in the log under its result key (the
    ids are then the stored ones, and :func:`forget_sets` must not remove them).
    """

    session_id: int
    day: date
    set_ids: tuple[int, ...]
    stored: bool = True


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


# -- profile ------------------------------------------------------------------------------


def get_profile(store: Store) -> Profile | None:
    """The stored profile, or None when none was saved yet."""
    with store.read() as db:
        row = db.get(ProfileRow, 1)
        if row is None:
            return None
        unit: LoadUnit = "lb" if row.unit == "lb" else "kg"
        return Profile(
            level=row.level, goal=row.goal, variant=row.variant, increment=row.increment, unit=unit
        )


def current_profile(store: Store, settings: Settings, rules: Rules) -> tuple[Profile, bool]:
    """The stored profile, or one built from the settings and the rules' default load step;
    the flag says whether it was stored."""
    stored = get_profile(store)
    if stored is not None:
        return stored, True
    fallback = Profile(
        level=settings.level,
        goal=settings.goal,
        variant=settings.variant,
        increment=rules.default_increment("kg"),
        unit="kg",
    )
    return fallback, False


def save_profile(store: Store, profile: Profile) -> Profile:
    """Store ``profile`` (replacing the previous one) and return it."""
    if profile.unit not in LOAD_UNITS:
        raise ConfigError(f"unit must be kg or lb, got {profile.unit!r}")
    if not (profile.increment > 0 and math.isfinite(profile.increment)):
        raise ConfigError(f"increment must be a load above 0, got {profile.increment}")
    with store.write() as db:
        row = db.get(ProfileRow, 1)
        if row is None:
            row = ProfileRow(id=1)
            db.add(row)
        row.level, row.goal, row.variant = profile.level, profile.goal, profile.variant
        row.increment, row.unit, row.updated_at = profile.increment, profile.unit, _now()
    return profile


# -- writing sets -------------------------------------------------------------------------


def _lifter_id(db: Session, name: str | None) -> int:
    """The id of lifter ``name`` (None: the default lifter), created when missing."""
    if name is None or name == DEFAULT_LIFTER:
        return DEFAULT_LIFTER_ID
    name = name.strip()
    if not 1 <= len(name) <= 64:
        raise ConfigError(f"lifter name must be 1 to 64 characters, got {name!r}")
    query = select(LifterRow.id).where(LifterRow.name == name)
    found = db.scalar(query)
    if found is not None:
        return found
    try:
        with db.begin_nested():
            row = LifterRow(name=name, created_at=_now())
            db.add(row)
        return row.id
    except IntegrityError:
        return db.scalars(query).one()


def list_lifters(store: Store) -> list[str]:
    """Every lifter's name, in the order they were added (the default lifter first)."""
    with store.read() as db:
        return list(db.scalars(select(LifterRow.name).order_by(LifterRow.id)))


def _session_for(db: Session, day: date, lifter_id: int = DEFAULT_LIFTER_ID) -> SessionRow:
    """The session of ``day`` of a lifter, created when missing (safe against a concurrent creator)."""
    query = (
        select(SessionRow)
        .where(SessionRow.day == day, SessionRow.lifter_id == lifter_id)
        .with_for_update()
    )
    found = db.scalars(query).first()
    if found is not None:
        return found
    try:
        with db.begin_nested():
            row = SessionRow(day=day, lifter_id=lifter_id, created_at=_now())
            db.add(row)
        return row
    except IntegrityError:
        return db.scalars(query).one()


def _next_position(db: Session, session: SessionRow) -> int:
    current = db.scalar(select(func.max(SetRow.position)).where(SetRow.session_id == session.id))
    return 1 if current is None else current + 1


def _check_set(
    *, load: float, unit: str, reps: int, rpe: float | None, rir: int | None, source: str
) -> None:
    if unit not in LOAD_UNITS:
        raise ConfigError(f"unit must be kg or lb, got {unit!r}")
    if not math.isfinite(load) or load < 0 or convert(load, unit, "kg") > MAX_LOAD_KG:
        raise ConfigError(f"load must be between 0 and {MAX_LOAD_KG:g} kg, got {load:g} {unit}")
    if not 0 <= reps <= MAX_REPS:
        raise ConfigError(f"reps must be between 0 and {MAX_REPS}, got {reps}")
    if rpe is not None and not 1 <= rpe <= 10:
        raise ConfigError(f"RPE must be between 1 and 10, got {rpe:g}")
    if rir is not None and not 0 <= rir <= 50:
        raise ConfigError(f"reps in reserve must be between 0 and 50, got {rir}")
    if source not in SET_SOURCES:
        raise ConfigError(f"source must be one of {', '.join(SET_SOURCES)}, got {source!r}")


def log_sets(
    store: Store,
    *,
    day: date,
    load: float,
    unit: str,
    reps: int,
    variant: str,
    sets: int = 1,
    goal: str | None = None,
    rpe: float | None = None,
    rir: int | None = None,
    pain: bool = False,
    note: str | None = None,
    faults: Sequence[str] = (),
) -> LoggedSets:
    """Record ``sets`` identical sets typed in by hand, all in one transaction.

    ``faults`` are mistake ids the lifter noticed (stored once per set, without a rep);
    without them the quality of the sets is unknown (``clean_reps`` None).
    """
    _check_set(load=load, unit=unit, reps=reps, rpe=rpe, rir=rir, source="manual")
    if not 1 <= sets <= MAX_SETS:
        raise ConfigError(f"sets must be between 1 and {MAX_SETS}, got {sets}")
    with store.write() as db:
        session = _session_for(db, day)
        position = _next_position(db, session)
        rows = []
        for i in range(sets):
            row = SetRow(
                session=session,
                position=position + i,
                variant=variant,
                goal=goal,
                load=float(load),
                unit=unit,
                reps=reps,
                rpe=rpe,
                rir=rir,
                pain=pain,
                note=note,
                source="manual",
                clean_reps=None,
                analysed_reps=0,
                created_at=_now(),
            )
            row.fault_rows = [
                FaultRow(mistake_id=f, detail="reported by the lifter") for f in faults
            ]
            db.add(row)
            rows.append(row)
        db.flush()
        return LoggedSets(session.id, day, tuple(r.id for r in rows))


def source_of(run: AnalysisRun) -> str:
    """``video``, ``keypoints`` or ``sensor``: where an analysed set's motion came from."""
    return _source_kind(str(run.result.input_kind), run.recording.info)


def _source_kind(input_kind: str, info: Mapping[str, Any]) -> str:
    """``video``, ``keypoints`` or ``sensor`` from an input kind and the recording's info."""
    if input_kind == "video" or "pose_backend" in info or info.get("kind") == "video":
        return "video"
    if input_kind in ("keypoints", "synthetic"):
        return "keypoints"
    return "sensor"


def save_analysis(
    store: Store,
    run: AnalysisRun,
    *,
    load: float,
    unit: str,
    day: date | None = None,
    variant: str | None = None,
    goal: str | None = None,
    rpe: float | None = None,
    rir: int | None = None,
    pain: bool = False,
    note: str | None = None,
    source: str | None = None,
    lifter: str | None = None,
    result_key: str | None = None,
) -> LoggedSets:
    """Store an analysed set with every rep, its measurements and its faults, atomically.

    ``reps`` counts the complete reps; ``clean_reps`` the clean ones
    (:attr:`~extensor.core._results.SetAnalysis.clean_reps`, the one definition). ``day``
    defaults to today, ``variant`` and ``goal`` to those the analysis used, ``source`` to
    :func:`source_of` ``(run)``, ``lifter`` to the default lifter. A set saved with a
    ``result_key`` already in the log is not stored again (the stored one is returned).
    """
    return _save_set(
        store, run.result, input_file=run.result.source or run.recording.info.get("source"),
        source=source or source_of(run), load=load, unit=unit, day=day, variant=variant,
        goal=goal, rpe=rpe, rir=rir, pain=pain, note=note, lifter=lifter, result_key=result_key,
    )  # fmt: skip


def save_result(
    store: Store,
    data: dict[str, Any],
    *,
    load: float,
    unit: str,
    result_key: str,
    day: date | None = None,
    lifter: str | None = None,
) -> tuple[LoggedSets, bool]:
    """Store a set from its ``analyze --json`` document (a batch result), once per key.

    Returns what is stored and whether this call stored it (False: the key was there).
    """
    from extensor.core import Fault, Notice, Rep, SetAnalysis, SetMetrics

    def nan(value: Any) -> Any:
        return math.nan if value is None else value

    reps = tuple(
        Rep(**{k: (nan(v) if k in _FLOAT_REP_FIELDS else v) for k, v in r.items()})
        for r in data["reps"]
    )
    result = SetAnalysis(
        reps=reps,
        faults=tuple(Fault(**f) for f in data["faults"]),
        not_observable=tuple(data["not_observable"]),
        notices=tuple(Notice(**n) for n in data["notices"]),
        metrics=SetMetrics(**data["metrics"]),
        goal=data["goal"],
        variant=data["variant"],
        input_kind=data["input_kind"],
        neutral_known=data["neutral_known"],
        source=data.get("source"),
        info=data.get("info") or {},
    )
    with store.read() as db:
        existing = db.scalars(select(SetRow).where(SetRow.result_key == result_key)).first()
        if existing is not None:
            stored = db.get(SessionRow, existing.session_id)
            assert stored is not None
            return LoggedSets(stored.id, stored.day, (existing.id,), stored=False), False
    src = _source_kind(str(result.input_kind), result.info)
    saved = _save_set(
        store, result, input_file=result.source, source=src, load=load, unit=unit, day=day,
        lifter=lifter, result_key=result_key,
    )  # fmt: skip
    return saved, True


#: Rep fields that are floats (None in the JSON document is NaN in a Rep).
_FLOAT_REP_FIELDS = frozenset({"range_deg", "top_extension_deg", "bottom_extension_deg"})


def _save_set(
    store: Store,
    result: SetAnalysis,
    *,
    input_file: str | None,
    source: str,
    load: float,
    unit: str,
    day: date | None = None,
    variant: str | None = None,
    goal: str | None = None,
    rpe: float | None = None,
    rir: int | None = None,
    pain: bool = False,
    note: str | None = None,
    lifter: str | None = None,
    result_key: str | None = None,
) -> LoggedSets:
    src = source
    complete = result.complete_rep_count
    clean = len(result.clean_reps)
    _check_set(load=load, unit=unit, reps=complete, rpe=rpe, rir=rir, source=src)
    day = day or date.today()
    with store.write() as db:
        if result_key is not None:
            existing = db.scalars(select(SetRow).where(SetRow.result_key == result_key)).first()
            if existing is not None:
                found = db.get(SessionRow, existing.session_id)
                assert found is not None
                return LoggedSets(found.id, found.day, (existing.id,), stored=False)
        session = _session_for(db, day, _lifter_id(db, lifter))
        position = _next_position(db, session)
        row = _set_from_analysis(result, load=load, unit=unit, clean=clean, complete=complete)
        row.position = position
        row.variant = variant or result.variant
        row.goal = goal or result.goal
        row.rpe, row.rir, row.pain, row.note, row.source = rpe, rir, pain, note, src
        row.input_file = input_file
        row.result_key = result_key
        row.session = session
        db.add(row)
        db.flush()
        return LoggedSets(session.id, day, (row.id,))


def _set_from_analysis(
    result: SetAnalysis, *, load: float, unit: str, clean: int, complete: int
) -> SetRow:
    m = result.metrics
    clean_reps = set(result.clean_reps)
    row = SetRow(
        load=float(load),
        unit=unit,
        reps=complete,
        clean_reps=clean,
        analysed_reps=len(result.reps),
        time_under_tension_s=_finite(m.time_under_tension_s),
        tempo_cv=_finite(m.tempo_consistency_cv),
        velocity_loss_pct=_finite(m.velocity_loss_pct),
        mean_range_deg=_finite(m.mean_range_deg),
        created_at=_now(),
    )
    row.rep_rows = [
        RepRow(
            number=r.number,
            complete=r.complete,
            partial=r.partial,
            clean=r.number in clean_reps,
            start_s=float(r.start),
            end_s=float(r.end),
            lift_s=_finite(r.lift_s),
            top_hold_s=_finite(r.top_hold_s),
            lower_s=_finite(r.lower_s),
            bottom_settle_s=_finite(r.bottom_settle_s),
            range_deg=_finite(r.range_deg),
            top_extension_deg=_finite(r.top_extension_deg),
            bottom_extension_deg=_finite(r.bottom_extension_deg),
            top_deviation_deg=_finite(r.top_deviation_deg),
            peak_lift_velocity_dps=_finite(r.peak_lift_velocity_dps),
            peak_lower_velocity_dps=_finite(r.peak_lower_velocity_dps),
            smoothness_ldlj=_finite(r.smoothness_ldlj),
            time_under_tension_s=_finite(r.time_under_tension_s),
            head_deviation_deg=_finite(r.head_deviation_deg),
        )
        for r in result.reps
    ]
    row.fault_rows = [
        FaultRow(
            rep_number=f.rep,
            mistake_id=f.id,
            time_s=_finite(f.time),
            measured=_finite(f.measured),
            threshold=_finite(f.threshold),
            unit=f.unit,
            confidence=_finite(f.confidence),
            detail=f.detail,
        )
        for f in result.faults
    ]
    return row


# -- reading ------------------------------------------------------------------------------


def _summary(session: SessionRow) -> SessionSummary:
    return SessionSummary(
        day=session.day,
        sets=tuple(_set_summary(s) for s in session.sets),
        session_id=session.id,
        note=session.note,
    )


def _set_summary(row: SetRow) -> SetSummary:
    unit: LoadUnit = "lb" if row.unit == "lb" else "kg"
    source: Any = row.source
    return SetSummary(
        load=row.load,
        unit=unit,
        reps=row.reps,
        variant=row.variant,
        clean_reps=row.clean_reps,
        faults=tuple(f.mistake_id for f in row.fault_rows),
        pain=row.pain,
        rpe=row.rpe,
        rir=row.rir,
        note=row.note,
        source=source,
    )


def load_history(
    store: Store,
    *,
    last: int | None = None,
    until: date | None = None,
    lifter: str | None = None,
) -> list[SessionSummary]:
    """One lifter's sessions oldest first, as summaries for the progression engine.

    ``last`` keeps only the most recent ``last`` sessions; ``until`` drops later days;
    ``lifter`` names the lifter (None: the default lifter, who holds a single-lifter log).
    """
    lifter_filter = (
        SessionRow.lifter_id == DEFAULT_LIFTER_ID
        if lifter is None or lifter == DEFAULT_LIFTER
        else SessionRow.lifter_id.in_(select(LifterRow.id).where(LifterRow.name == lifter))
    )
    query = (
        select(SessionRow)
        .where(lifter_filter)
        .options(selectinload(SessionRow.sets).selectinload(SetRow.fault_rows))
        .order_by(SessionRow.day.desc())
    )
    if until is not None:
        query = query.where(SessionRow.day <= until)
    if last is not None:
        query = query.limit(max(last, 0))
    with store.read() as db:
        sessions = list(db.scalars(query))
        return [_summary(s) for s in reversed(sessions)]


def session_rows(store: Store) -> Iterable[SessionRow]:
    """Every session with its sets, reps and faults loaded, oldest first (for export)."""
    query = (
        select(SessionRow)
        .options(
            selectinload(SessionRow.sets).selectinload(SetRow.rep_rows),
            selectinload(SessionRow.sets).selectinload(SetRow.fault_rows),
        )
        .order_by(SessionRow.day)
    )
    with store.read() as db:
        return list(db.scalars(query))


# -- recommendations ----------------------------------------------------------------------


def record_recommendation(store: Store, rec: Recommendation) -> int:
    """Store the recommendation given; an identical repeat of the latest one is not
    stored again. Returns the row id."""
    with store.write() as db:
        latest = db.scalars(
            select(RecommendationRow).order_by(RecommendationRow.id.desc()).limit(1)
        ).first()
        same = latest is not None and (
            latest.as_of,
            latest.based_on,
            latest.rule_id,
            latest.load,
            latest.message,
        ) == (rec.as_of, rec.based_on, rec.rule_id, rec.load, rec.message)
        if same and latest is not None:
            return latest.id
        row = RecommendationRow(
            created_at=_now(),
            as_of=rec.as_of,
            based_on=rec.based_on,
            rule_id=rec.rule_id,
            action=rec.action,
            load=rec.load,
            unit=rec.unit,
            sets=rec.sets,
            target_reps=rec.target_reps,
            focus=rec.focus,
            message=rec.message,
            reason=rec.reason,
            details=list(rec.details),
        )
        db.add(row)
        db.flush()
        return row.id


def last_recommendation(store: Store) -> dict[str, Any] | None:
    """The most recent stored recommendation as plain data, or None."""
    with store.read() as db:
        row = db.scalars(
            select(RecommendationRow).order_by(RecommendationRow.id.desc()).limit(1)
        ).first()
        return None if row is None else _recommendation_dict(row)


def recommendation_rows(store: Store) -> list[dict[str, Any]]:
    """Every stored recommendation, oldest first, as plain data (for export)."""
    with store.read() as db:
        rows = db.scalars(select(RecommendationRow).order_by(RecommendationRow.id))
        return [_recommendation_dict(r) for r in rows]


def _recommendation_dict(row: RecommendationRow) -> dict[str, Any]:
    return {
        "created_at": row.created_at.isoformat(timespec="seconds"),
        "as_of": row.as_of.isoformat(),
        "based_on": None if row.based_on is None else row.based_on.isoformat(),
        "rule": row.rule_id,
        "action": row.action,
        "load": row.load,
        "unit": row.unit,
        "sets": row.sets,
        "target_reps": row.target_reps,
        "focus": row.focus,
        "message": row.message,
        "reason": row.reason,
        "details": list(row.details or []),
    }


def set_result_key(key: str, number: int, count: int) -> str:
    """The training-log key of set ``number`` (from 1) of a recording of ``count`` sets
    whose result key is ``key``: ``key`` itself for a one-set recording, else a SHA-256
    (64 characters, as ``sets.result_key`` holds).

    >>> set_result_key("ab" * 32, 1, 1) == "ab" * 32
    True
    >>> k = set_result_key("ab" * 32, 2, 2)
    >>> len(k), k != set_result_key("ab" * 32, 1, 2)
    (64, True)
    """
    if count == 1:
        return key
    return hashlib.sha256(f"{key}:set{number}".encode()).hexdigest()


def forget_sets(store: Store, logged: Iterable[LoggedSets]) -> int:
    """Remove the sets these writes stored (not those found already stored), with their
    reps and faults, and the training days they leave empty, in one transaction; returns
    how many sets were removed. A run that fails after saving undoes its saves with it.
    """
    ids = [i for entry in logged if entry.stored for i in entry.set_ids]
    if not ids:
        return 0
    with store.write() as db:
        rows = db.scalars(select(SetRow).where(SetRow.id.in_(ids))).all()
        sessions = {row.session_id for row in rows}
        for row in rows:
            db.delete(row)
        db.flush()
        for session_id in sessions:
            session = db.get(SessionRow, session_id)
            left = db.scalar(select(func.count()).where(SetRow.session_id == session_id))
            if session is not None and not left:
                db.delete(session)
        return len(rows)
