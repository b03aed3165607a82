"""What the video outputs need from an analysis: the overlay and the report's key frames.

Presentation of a result, so it lives with the coaching output (``coach``), above
``video`` whose drawing it uses.

:func:`overlay_from_run` turns an :class:`~extensor._analysis.AnalysisRun` into the
per-sample :class:`Overlay` of the annotated video (signed trunk angle, rep counter,
current phase, faults at the moment they happen). :func:`key_frames` cuts each rep's
top and bottom out of the video with the skeleton drawn, as PNG for the HTML report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

from extensor.coach._report import KeyFrame
from extensor.core import FloatArray, SetAnalysis, TimeSeries, phase_spans
from extensor.knowledge import Exercise, load_exercise
from extensor.video import FramePoints, FrameSource, Overlay, draw_frame, import_cv2

if TYPE_CHECKING:
    from extensor._analysis import AnalysisRun

__all__ = ["PHASE_LABELS", "key_frames", "overlay_from_run", "phase_labels"]

#: Label of each phase on the annotated video.
PHASE_LABELS = {
    "lift": "lift",
    "top": "top hold",
    "lower": "lower",
    "bottom": "bottom",
    "rest": "rest",
}


def phase_labels(time: FloatArray, result: SetAnalysis) -> list[str]:
    """The phase at each time, read from the result's phase events (``rest`` outside them).

    >>> from extensor.core._synthetic import make_rep
    >>> from extensor.core._results import SetAnalysis, SetMetrics
    >>> res = SetAnalysis((make_rep(),), (), (), (), SetMetrics(1, 1, 8, 5, 6, None, None, 70),
    ...                   "hypertrophy", "45_degree_bench", "synthetic", True)
    >>> phase_labels(np.array([0.5, 1.5, 3.0, 5.0, 6.5, 7.0]), res)
    ['rest', 'lift', 'top hold', 'lower', 'bottom', 'rest']
    """
    labels = np.full(time.size, PHASE_LABELS["rest"], dtype=object)
    # in each rep's own order, so a later phase wins where a degenerate rep's spans overlap
    for _, phase, a, b in sorted(phase_spans(result.events), key=lambda s: (s[0], s[2])):
        labels[(time >= a) & (time < b)] = PHASE_LABELS[phase]
    return [str(x) for x in labels]


def overlay_from_run(run: AnalysisRun, /, *, titles: dict[str, str] | None = None) -> Overlay:
    """The annotated video's overlay for ``run`` (faults labelled by ``titles`` or their ids)."""
    t = run.motion.time
    result = run.result
    starts = np.sort([r.start for r in result.reps])
    side: Literal["left", "right"] = "right" if run.motion.info.get("side") == "right" else "left"
    return Overlay(
        time=t,
        angle_deg=run.motion.channel("extension"),
        neutral_visible=np.full(t.size, result.neutral_known),
        rep_index=np.searchsorted(starts, t, side="right"),
        phase=phase_labels(t, result),
        faults=[(f.time, (titles or {}).get(f.id, f.id)) for f in result.faults],
        side=side,
    )


def _frames_at(path: str | Path, times: Sequence[float]) -> dict[float, NDArray[np.uint8]]:
    """The frame nearest to each time (BGR, upright), read in one pass over short spans."""
    source = FrameSource(path)
    rate = source.info.fps if source.info.fps and source.info.fps > 0 else 30.0
    half = 1.0 / rate
    wanted = sorted(set(times))
    spans: list[tuple[float | None, float | None]] = []
    for t in wanted:
        a, b = max(0.0, t - half), t + half
        if spans and spans[-1][1] is not None and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    best: dict[float, tuple[float, NDArray[np.uint8]]] = {}
    for frame in source.frames(spans=spans):
        for t in wanted:
            gap = abs(frame.time - t)
            if gap <= half and (t not in best or gap < best[t][0]):
                best[t] = (gap, frame.image.copy())
    return {t: img for t, (_, img) in best.items()}


def key_frames(
    path: str | Path,
    run: AnalysisRun,
    /,
    *,
    width_px: int,
    max_reps: int | None = None,
    exercise: Exercise | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[KeyFrame]:
    """Each rep's top and bottom from the video, skeleton and overlay drawn, as PNG.

    ``progress(done, total)`` counts the key frames drawn.

    ``width_px`` sets the image width (the report stays small); ``max_reps`` keeps the
    first reps only. Points are drawn from ``exercise``'s ``min_keypoint_confidence`` on
    (the bundled data file when no exercise is given).
    """
    ex = exercise if exercise is not None else load_exercise()
    min_conf = ex.analysis_param("min_keypoint_confidence")
    cv2 = import_cv2()
    reps = list(run.result.reps)[:max_reps]
    wanted = [(r, "top", r.top_time) for r in reps] + [(r, "bottom", r.bottom_time) for r in reps]
    frames = _frames_at(path, [t for _, _, t in wanted])
    recording: TimeSeries = run.recording
    overlay = overlay_from_run(run)
    out: list[KeyFrame] = []
    for k, (rep, phase, t) in enumerate(wanted, start=1):
        if progress is not None:
            progress(k, len(wanted))
        image = frames.get(t)
        if image is None:
            continue
        h, w = image.shape[:2]
        points = FramePoints(recording, w, h, min_confidence=min_conf)
        draw_frame(cv2, image, t, points.at(t), overlay)
        scale = width_px / w
        small = cv2.resize(image, (width_px, round(h * scale)), interpolation=cv2.INTER_AREA)
        ok, png = cv2.imencode(".png", small, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        if ok:
            out.append(KeyFrame(rep=rep.number, phase=phase, png=png.tobytes(), time=t))
    out.sort(key=lambda k: (k.rep, k.phase != "top"))
    return out
