"""Analyse -> coach -> report -> save: the one pipeline behind ``extensor analyze`` and the
web app's analysis jobs (and, later, live mode and batch).

:func:`analyze_and_coach` reads a recording (or takes a series already read), analyses
it, optionally saves the set in the training log, coaches it (the load verdict sees the
log when the set was saved there, so it agrees with ``extensor next``) and writes the
files asked for: the HTML report with key frames, the annotated video, the pose trace.
Callers show progress through one callback and print or store the :class:`CoachedSet`.

>>> from extensor.core._synthetic import RepSpec, synthetic_set
>>> s = synthetic_set([RepSpec()] * 15, noise_deg=0.0, keypoints=True)
>>> done = analyze_and_coach(s.keypoints, goal="hypertrophy", variant="45_degree_bench")
>>> done.result.metrics.rep_count, done.coaching.verdict.decision, done.coaching.verdict.rule
(15, 'may_go_up', 'add_load')
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from extensor._analysis import AnalysisRun, run_analysis, run_sets
from extensor._errors import ConfigError, ExtensorError
from extensor._files import json_safe
from extensor.coach import (
    KEY_FRAME_WIDTH_PX,
    Coaching,
    KeyFrame,
    ReportFiles,
    coach_set,
    guide_path_for,
    overlay_from_run,
)
from extensor.coach import key_frames as _video_key_frames
from extensor.coach import write_report as _write_report
from extensor.core import SetAnalysis, TimeSeries
from extensor.io import detect_input_type, read_recording, write_extensor_csv
from extensor.knowledge import Exercise, load_exercise
from extensor.progression import Profile, Rules, SessionSummary, load_rules
from extensor.store import (
    LoggedSets,
    Store,
    forget_sets,
    get_profile,
    load_history,
    save_analysis,
    set_result_key,
)
from extensor.video import write_annotated_video

__all__ = [
    "SESSION_SCHEMA",
    "STAGES",
    "CoachedSession",
    "CoachedSet",
    "LogEntry",
    "OneSetFilesError",
    "ProgressFn",
    "analysis_document",
    "analyze_and_coach",
    "analyze_session",
    "set_report_path",
]

logger = logging.getLogger(__name__)

#: The pipeline's stages, in order; each is announced once through the progress callback.
STAGES: tuple[str, ...] = (
    "reading", "analysing", "logging", "coaching", "annotating", "key_frames", "report",
)  # fmt: skip

ProgressFn = Callable[[str, int | None, int | None], None]
"""``progress(stage, done, total)``: ``stage`` from :data:`STAGES`; ``done`` and ``total``
count video frames while a video is read (repeated calls with stage ``reading``) or the
annotated video is written (``annotating``), and key frames drawn (``key_frames``); else
None (one call as the stage starts). ``total`` may be None when the count is unknown."""


@dataclass(frozen=True, slots=True)
class LogEntry:
    """What the lifter tells about a set to save it in the training log."""

    load: float
    unit: str
    day: date | None = None
    rpe: float | None = None
    rir: int | None = None
    pain: bool = False
    note: str | None = None
    result_key: str | None = None
    """The recording's key (its content and options): set ``n`` of ``count`` is saved under
    :func:`~extensor.store.set_result_key` ``(key, n, count)``, so saving the same
    recording again stores nothing twice (:attr:`~extensor.store.LoggedSets.stored`)."""


@dataclass(frozen=True, slots=True)
class CoachedSet:
    """One analysed and coached set with what was written and stored for it.

    ``warnings`` are problems that did not stop the pipeline (no key frames in the
    report); ``logged`` the training-log rows when the set was saved.
    """

    run: AnalysisRun
    coaching: Coaching
    input_type: str | None
    report: ReportFiles | None = None
    annotated: Path | None = None
    keypoints: Path | None = None
    logged: LoggedSets | None = None
    warnings: tuple[str, ...] = ()

    @property
    def result(self) -> SetAnalysis:
        return self.run.result

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file written for this set (report, guide, annotated video, pose trace)."""
        report = (self.report.report, self.report.guide) if self.report is not None else ()
        return tuple(p for p in (*report, self.annotated, self.keypoints) if p is not None)

    def discard_files(self) -> None:
        """Remove :attr:`files`: a caller whose own step failed (writing the JSON) undoes
        the run, so no output of a failed run is left behind."""
        _remove(self.files)

    def discard(self, store: Store | None) -> None:
        """Undo this set: its files and, with ``store``, the training-log row it stored."""
        self.discard_files()
        _forget(store, [self.logged])

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (``analyze --json``, the web job's ``analysis.json``)."""
        return analysis_document(self.result, self.coaching)


def analysis_document(result: SetAnalysis, coaching: Coaching) -> dict[str, Any]:
    """The analysis export with the coaching under ``"coaching"`` (``docs/coaching.md``);
    a number without a value (NaN, infinite) is ``None``, so the document is strict JSON."""
    data = result.to_dict()
    data["coaching"] = coaching.to_dict()
    return dict(json_safe(data))


def _remove(paths: Sequence[Path]) -> None:
    """Delete ``paths`` that exist; a path that cannot be removed is left (never raises)."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _forget(store: Store | None, logged: Sequence[LoggedSets | None]) -> None:
    """Undo these saves (:func:`~extensor.store.forget_sets`) while another error is on its
    way: a failure to undo is logged, never raised over the error that caused the undo."""
    saved = [entry for entry in logged if entry is not None]
    if store is None or not saved:
        return
    try:
        forget_sets(store, saved)
    except ExtensorError as err:
        logger.warning("could not remove the sets this run saved (%s): %s", saved, err)


def _noop(stage: str, done: int | None, total: int | None) -> None:
    return None


def _writing(what: str, err: ExtensorError) -> ExtensorError:
    return ExtensorError(f"cannot write {what}: {err}")


def analyze_and_coach(
    source: str | Path | TimeSeries,
    /,
    *,
    goal: str,
    variant: str,
    exercise: Exercise | None = None,
    rules: Rules | None = None,
    input_type: str | None = None,
    read_options: dict[str, Any] | None = None,
    source_name: str | None = None,
    report: Path | None = None,
    key_frames: bool = True,
    annotated: Path | None = None,
    keypoints: Path | None = None,
    log: LogEntry | None = None,
    store: Store | None = None,
    progress: ProgressFn | None = None,
) -> CoachedSet:
    """Analyse, coach and (optionally) report and save one recorded set.

    ``source`` is a file (read with the adapter ``input_type``, detected when None) or a
    series already read. ``log`` saves the set in ``store`` (required then) before it is
    coached, and the load verdict then judges the log with it (the same answer as
    ``extensor next``); without ``log`` it judges the set alone. ``report`` writes the HTML
    report (with key frames from a video unless ``key_frames`` is False), ``annotated``
    the video with its overlay, ``keypoints`` the pose trace as an extensor CSV.
    ``source_name`` replaces the recording's name in the result (an upload's name).
    The whole recording is one set; :func:`analyze_session` finds several.
    Raises ExtensorError; a file that cannot be written says which.
    """
    return analyze_session(
        source, goal=goal, variant=variant, whole=True, exercise=exercise, rules=rules,
        input_type=input_type, read_options=read_options, source_name=source_name,
        report=report, key_frames=key_frames, annotated=annotated, keypoints=keypoints,
        log=log, store=store, progress=progress,
    ).sets[0]  # fmt: skip


@dataclass(frozen=True, slots=True)
class CoachedSession:
    """The sets of one recording, each analysed and coached (:func:`analyze_session`).

    ``set_count`` is how many sets the recording holds; ``sets`` those analysed (all, or
    the one asked for).
    """

    sets: tuple[CoachedSet, ...]
    set_count: int

    def to_dict(self) -> dict[str, Any]:
        """One set: that set's document (:meth:`CoachedSet.to_dict`); several: a session
        document ``{"schema", "source", "set_count", "sets": [set documents]}``."""
        if len(self.sets) == 1:
            return self.sets[0].to_dict()
        return {
            "schema": SESSION_SCHEMA,
            "source": self.sets[0].result.source,
            "set_count": self.set_count,
            "sets": [s.to_dict() for s in self.sets],
        }

    def discard_files(self) -> None:
        """Remove every set's files (see :meth:`CoachedSet.discard_files`)."""
        for s in self.sets:
            s.discard_files()

    def discard(self, store: Store | None) -> None:
        """Undo the run: every set's files and, with ``store``, every row it stored (one
        transaction), so a caller whose own step failed leaves no half-saved session."""
        self.discard_files()
        _forget(store, [s.logged for s in self.sets])


#: The ``schema`` of a session document (a recording of several sets).
SESSION_SCHEMA = "extensor.session/1"


class OneSetFilesError(ConfigError):
    """Files that show one set (the annotated video, the pose trace) were asked for a
    recording of several sets: pick one (``set_number``) or analyse it whole.

    ``set_count`` and ``files`` (``"annotated"``, ``"keypoints"``) let a caller word it in
    its own terms; the message uses the command line's flags.

    >>> print(OneSetFilesError(set_count=2, files=("annotated",)))
    this recording holds 2 sets: --annotated writes one set's files, so pass --set N (or --whole to analyse the recording as one set)
    """

    def __init__(self, *, set_count: int, files: Sequence[str]) -> None:
        self.set_count = set_count
        self.files = tuple(files)
        flags = ", ".join(f"--{f}" for f in self.files)
        super().__init__(
            f"this recording holds {set_count} sets: {flags} writes one set's files, so pass"
            " --set N (or --whole to analyse the recording as one set)"
        )


def set_report_path(report: Path, number: int) -> Path:
    """Where set ``number``'s report goes when a recording holds several: set 1 at
    ``report``, set ``n`` next to it as ``<name>.set<n>.html``.

    >>> set_report_path(Path("reports/a.csv.html"), 2).as_posix()
    'reports/a.csv.set2.html'
    >>> set_report_path(Path("report.html"), 1).as_posix()
    'report.html'
    """
    return report if number == 1 else report.with_name(f"{report.stem}.set{number}.html")


def analyze_session(
    source: str | Path | TimeSeries,
    /,
    *,
    goal: str,
    variant: str,
    set_number: int | None = None,
    whole: bool = False,
    exercise: Exercise | None = None,
    rules: Rules | None = None,
    input_type: str | None = None,
    read_options: dict[str, Any] | None = None,
    source_name: str | None = None,
    report: Path | None = None,
    key_frames: bool = True,
    annotated: Path | None = None,
    keypoints: Path | None = None,
    log: LogEntry | None = None,
    store: Store | None = None,
    progress: ProgressFn | None = None,
) -> CoachedSession:
    """Like :func:`analyze_and_coach` for a recording that may hold several sets.

    Long rests (the data file's ``set_rest_s``) cut the recording into sets
    (:func:`extensor._analysis.run_sets`); each is coached, and with ``log`` saved, as a
    set of its own, in order (so the load verdict of the last one sees the ones before).
    ``set_number`` (1-based) keeps only that set; ``whole`` analyses the recording as one
    set (what :func:`analyze_and_coach` does). With several sets each gets its report
    (set ``n`` at :func:`set_report_path` ``(report, n)``, key frames from the one read of
    a video); ``annotated`` and ``keypoints`` are one set's files, so with several sets
    they need ``set_number`` (:class:`OneSetFilesError`).
    """
    ex, rules, goal, variant = _settle(exercise, rules, goal, variant, log=log, store=store)
    say = progress or _noop
    recording, path, kind = _read(
        source, exercise=ex, input_type=input_type, read_options=read_options,
        annotated=annotated, keypoints=keypoints, say=say,
    )  # fmt: skip
    say("analysing", None, None)
    if whole:
        runs: tuple[AnalysisRun, ...] = (
            run_analysis(recording, goal=goal, variant=variant, exercise=ex),
        )
    else:
        runs = run_sets(recording, goal=goal, variant=variant, exercise=ex)
    if set_number is not None and not 1 <= set_number <= len(runs):
        raise ConfigError(
            f"set must be between 1 and {len(runs)} (the sets this recording holds),"
            f" got {set_number}"
        )
    chosen = runs if set_number is None else (runs[set_number - 1],)
    asked = tuple(n for n, p in (("annotated", annotated), ("keypoints", keypoints))
                  if p is not None)  # fmt: skip
    if len(chosen) > 1 and asked:
        raise OneSetFilesError(set_count=len(runs), files=asked)
    numbers = range(1, len(runs) + 1) if set_number is None else (set_number,)
    done: list[CoachedSet] = []
    try:
        for number, run in zip(numbers, chosen, strict=True):
            key = None if log is None or log.result_key is None else (
                set_result_key(log.result_key, number, len(runs))
            )  # fmt: skip
            one = _coach_and_write(
                run, ex, rules, goal=goal, variant=variant, path=path, kind=kind,
                source_name=source_name,
                report=None if report is None else (
                    report if len(chosen) == 1 else set_report_path(report, number)
                ),
                key_frames=key_frames,
                annotated=annotated, keypoints=keypoints, log=log, result_key=key,
                store=store, say=say,
            )  # fmt: skip
            done.append(one)
    except BaseException:
        CoachedSession(sets=tuple(done), set_count=len(runs)).discard(store)
        raise
    return CoachedSession(sets=tuple(done), set_count=len(runs))


def _settle(
    exercise: Exercise | None,
    rules: Rules | None,
    goal: str,
    variant: str,
    *,
    log: LogEntry | None,
    store: Store | None,
) -> tuple[Exercise, Rules, str, str]:
    ex = exercise or load_exercise()
    the_rules = rules or load_rules(exercise=ex)
    if log is not None and store is None:
        raise ConfigError("saving a set in the training log needs an open store")
    return ex, the_rules, ex.goal(goal).id, ex.variant(variant).id


def _read(
    source: str | Path | TimeSeries,
    *,
    exercise: Exercise,
    input_type: str | None,
    read_options: dict[str, Any] | None,
    annotated: Path | None,
    keypoints: Path | None,
    say: ProgressFn,
) -> tuple[TimeSeries, Path | None, str | None]:
    """(the recording, its path or None, the adapter's name) for a file or a series."""
    say("reading", None, None)
    path: Path | None = None
    if isinstance(source, TimeSeries):
        recording, kind = source, None
    else:
        path = Path(source)
        kind = input_type or detect_input_type(path)
        if annotated is not None and kind != "video":
            raise ConfigError(f"--annotated needs a video input, got a {kind} file")
        options = dict(read_options or {})
        if kind == "video" and say is not _noop:
            options["progress"] = lambda done, total: say("reading", done, total)
        recording = read_recording(path, input_type=kind, exercise=exercise, **options)
    if keypoints is not None and recording.info.get("kind") != "keypoints":
        raise ConfigError("--keypoints needs a video or keypoint input")
    return recording, path, kind if path is not None else input_type


def _coach_and_write(
    run: AnalysisRun,
    ex: Exercise,
    rules: Rules,
    *,
    goal: str,
    variant: str,
    path: Path | None,
    kind: str | None,
    source_name: str | None,
    report: Path | None,
    key_frames: bool,
    annotated: Path | None,
    keypoints: Path | None,
    log: LogEntry | None,
    result_key: str | None,
    store: Store | None,
    say: ProgressFn,
) -> CoachedSet:
    """Save (with ``log``), coach and write the files of one analysed set; a failure
    after the save removes the saved row again."""
    if source_name is not None:
        run = replace(run, result=replace(run.result, source=source_name))
    logged: LoggedSets | None = None
    history: Sequence[SessionSummary] | None = None
    profile: Profile | None = None
    day = date.today()
    if log is not None and store is not None:
        say("logging", None, None)
        logged = save_analysis(
            store, run, load=log.load, unit=log.unit, day=log.day, variant=variant, goal=goal,
            rpe=log.rpe, rir=log.rir, pain=log.pain, note=log.note, result_key=result_key,
        )  # fmt: skip
    # The outputs are one transaction: what this run created is removed if a later
    # step fails, so a failed run leaves no report without its JSON, no half set of
    # files, no set in the log that the caller was told failed.
    targets = [keypoints, annotated, report, None if report is None else guide_path_for(report)]
    created = [p for p in targets if p is not None and not p.exists()]
    try:
        if logged is not None and store is not None:
            day = logged.day
            history = load_history(store, until=day)
        if store is not None:
            profile = get_profile(store)
        say("coaching", None, None)
        coaching = coach_set(
            run.result, exercise=ex, goal=goal, rules=rules, history=history, profile=profile,
            today=day, pain=log.pain if log is not None else False,
        )  # fmt: skip
        files, warnings = _write_outputs(
            run, coaching, ex, path=path, kind=kind, say=say, report=report,
            key_frames=key_frames, annotated=annotated, keypoints=keypoints,
        )  # fmt: skip
    except BaseException:
        _remove(created)
        _forget(store, [logged])
        raise
    return CoachedSet(
        run=run, coaching=coaching, input_type=kind, report=files, annotated=annotated,
        keypoints=keypoints, logged=logged, warnings=tuple(warnings),
    )  # fmt: skip


def _write_outputs(
    run: AnalysisRun,
    coaching: Coaching,
    ex: Exercise,
    *,
    path: Path | None,
    kind: str | None,
    say: ProgressFn,
    report: Path | None,
    key_frames: bool,
    annotated: Path | None,
    keypoints: Path | None,
) -> tuple[ReportFiles | None, list[str]]:
    """Write the pose trace, the annotated video and the report asked for."""
    if keypoints is not None:
        try:
            write_extensor_csv(run.recording, keypoints)
        except ExtensorError as err:
            raise _writing("the keypoints", err) from None
    if annotated is not None and path is not None:
        titles = {m.id: m.title for m in ex.mistakes.values()}
        say("annotating", None, None)
        try:
            write_annotated_video(
                path,
                annotated,
                run.recording,
                overlay_from_run(run, titles=titles),
                exercise=ex,
                progress=lambda done, total: say("annotating", done, total),
            )
        except ExtensorError as err:
            raise _writing("the annotated video", err) from None
    files: ReportFiles | None = None
    warnings: list[str] = []
    if report is not None:
        frames: list[KeyFrame] = []
        if key_frames and kind == "video" and path is not None:
            say("key_frames", None, None)
            try:
                frames = _video_key_frames(
                    path, run, width_px=KEY_FRAME_WIDTH_PX, exercise=ex,
                    progress=lambda done, total: say("key_frames", done, total),
                )  # fmt: skip
            except ExtensorError as err:
                warnings.append(f"no key frames in the report ({err})")
        say("report", None, None)
        try:
            files = _write_report(
                report, run.result, coaching, exercise=ex, motion=run.motion, key_frames=frames
            )
        except ExtensorError as err:
            raise _writing("the report", err) from None
    return files, warnings
