"""Hand-made inline SVG for the report: the trunk angle over time, and tempo bars.

Plain strings built from numpy arrays: no plotting library, no external resource, and
every piece of text goes through :func:`html.escape`. The drawings scale with the page
(``viewBox`` plus ``width: 100%``). Sizes below are layout constants in SVG user units.

>>> svg = tempo_bars_svg([], target=(1.5, 1.0, 2.5, 0.5), target_label="Hypertrophy")
>>> svg.startswith("<svg") and svg.count('class="tempo-row') == 1
True
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from extensor.core import Event, Fault, FloatArray, Rep, phase_spans, rep_extremes

__all__ = [
    "PHASE_COLORS",
    "PHASE_NAMES",
    "TIER_COLORS",
    "FaultMark",
    "angle_plot_svg",
    "phase_spans",
    "tempo_bars_svg",
]

#: Phases of a rep in the order of a lift-first rep, with their display names.
PHASE_NAMES: dict[str, str] = {
    "lift": "lift",
    "top": "top hold",
    "lower": "lower",
    "bottom": "bottom",
}
#: One colour per phase, used for the shading, the tempo bars and the legends.
PHASE_COLORS: dict[str, str] = {
    "lift": "#3b82c4",
    "top": "#2f9e5b",
    "lower": "#e08a1e",
    "bottom": "#8a6cc8",
}
#: One colour per cue tier, used for fault markers and badges.
TIER_COLORS: dict[str, str] = {
    "safety": "#c93636",
    "tempo": "#d97a00",
    "range": "#7b55c2",
    "position": "#2b7fa8",
    "breathing": "#5a6b7b",
}

#: Most points drawn for the signal; longer recordings keep each bucket's min and max.
MAX_PLOT_POINTS = 2400
#: Plot size and margins (SVG user units).
PLOT_W, PLOT_H = 1000.0, 400.0
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 56.0, 16.0, 36.0, 40.0
#: Height of the rep-number circles above the plot area.
REP_LABEL_Y = 18.0
#: Fault markers: label circle radius and its distance above the marked point; the plot
#: keeps that much room above the signal's highest value.
MARKER_R, MARKER_STEM = 8.0, 24.0
MARKER_ROOM = MARKER_STEM + MARKER_R
#: Share of the value span added above and below the signal.
Y_PAD_SHARE = 0.08
#: Opacity of the phase shading.
SHADE_OPACITY = 0.16
#: About how many ticks an axis gets.
TICKS_X, TICKS_Y = 10, 6
#: Tempo bars: row height, gap, label column width, room for the total, and total width.
BAR_H, BAR_GAP, BAR_LABEL_W, BAR_TOTAL_W, BARS_W = 18.0, 8.0, 150.0, 60.0, 1000.0


@dataclass(frozen=True, slots=True)
class FaultMark:
    """A fault to mark on the plot: where, its label (cue number) and its tier colour."""

    fault: Fault
    label: str
    tier: str
    title: str


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _f(v: float) -> str:
    return f"{v:.1f}"


def _nice_ticks(lo: float, hi: float, count: int) -> list[float]:
    span = hi - lo
    if not math.isfinite(span) or span <= 0:
        return [lo]
    raw = span / count
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1.0, 2.0, 5.0, 10.0) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    n = math.floor((hi - first) / step) + 1
    return [first + k * step for k in range(n)]


def _decimate(t: FloatArray, x: FloatArray, max_points: int) -> tuple[FloatArray, FloatArray]:
    """Keep every point, or each bucket's minimum and maximum (in time order)."""
    if t.size <= max_points:
        return t, x
    buckets = max_points // 2
    edges = np.linspace(0, t.size, buckets + 1).astype(int)
    keep: list[int] = []
    for a, b in pairwise(edges.tolist()):
        if b <= a:
            continue
        seg = x[a:b]
        if not np.isfinite(seg).any():
            keep.append(a)
            continue
        i, j = a + int(np.nanargmin(seg)), a + int(np.nanargmax(seg))
        keep += sorted({i, j})
    idx = np.array(keep)
    return t[idx], x[idx]


def _polyline(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{_f(px)},{_f(py)}" for px, py in points)


def angle_plot_svg(
    time: FloatArray,
    angle: FloatArray,
    events: Sequence[Event],
    marks: Sequence[FaultMark],
    *,
    neutral_known: bool,
) -> str:
    """The trunk angle over time with phases shaded, reps numbered and faults marked.

    ``events`` are the reps' phase events (``SetAnalysis.events``): each phase span is
    shaded between its ``rep<n>:<phase>_start`` and ``_end``; the rep number sits over
    its ``rep<n>:top``.

    ``angle`` is the signed extension in degrees (0 = neutral, positive = past it). The
    neutral line is drawn only when ``neutral_known``. One ``class="fault-marker"`` group
    per mark, placed on the signal at the fault's time.
    """
    t = np.asarray(time, dtype=float)
    x = np.asarray(angle, dtype=float)
    finite = np.isfinite(x)
    if t.size < 2 or not finite.any():
        return '<p class="empty">No signal to plot.</p>'
    t0, t1 = float(t[0]), float(t[-1])
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    if neutral_known:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    pad = (hi - lo) * Y_PAD_SHARE or 1.0
    lo, hi = lo - pad, hi + pad
    iw = PLOT_W - PLOT_LEFT - PLOT_RIGHT
    ih = PLOT_H - PLOT_TOP - PLOT_BOTTOM

    def sx(v: float) -> float:
        return PLOT_LEFT + (v - t0) / (t1 - t0) * iw

    def sy(v: float) -> float:
        return PLOT_TOP + MARKER_ROOM + (hi - v) / (hi - lo) * (ih - MARKER_ROOM)

    parts: list[str] = []
    ylabel = (
        "trunk angle vs neutral (deg, + = past neutral)"
        if neutral_known
        else ("trunk angle from the rest position (deg)")
    )
    parts.append(
        f'<svg class="angle-plot" viewBox="0 0 {PLOT_W:g} {PLOT_H:g}" role="img" '
        f'aria-label="{_e("Trunk angle over time with phases, reps and faults")}">'
    )
    # phases
    parts.append('<g class="phases">')
    for number, phase, a, b in phase_spans(events):
        xa, xb = sx(max(a, t0)), sx(min(b, t1))
        parts.append(
            f'<rect class="phase phase-{phase}" x="{_f(xa)}" y="{_f(PLOT_TOP)}" '
            f'width="{_f(max(xb - xa, 0.0))}" height="{_f(ih)}" fill="{PHASE_COLORS[phase]}" '
            f'fill-opacity="{SHADE_OPACITY:g}"><title>{_e(f"rep {number}: {PHASE_NAMES[phase]} {b - a:.1f} s")}</title></rect>'
        )
    parts.append("</g>")
    # grid and axes
    parts.append('<g class="axes" font-size="12" fill="#555">')
    for v in _nice_ticks(lo, hi, TICKS_Y):
        y = sy(v)
        parts.append(
            f'<line x1="{_f(PLOT_LEFT)}" x2="{_f(PLOT_W - PLOT_RIGHT)}" y1="{_f(y)}" y2="{_f(y)}" '
            'stroke="#000" stroke-opacity="0.08"/>'
            f'<text x="{_f(PLOT_LEFT - 6)}" y="{_f(y + 4)}" text-anchor="end">{v:g}</text>'
        )
    for v in _nice_ticks(t0, t1, TICKS_X):
        xx = sx(v)
        parts.append(
            f'<line x1="{_f(xx)}" x2="{_f(xx)}" y1="{_f(PLOT_TOP + ih)}" y2="{_f(PLOT_TOP + ih + 5)}" stroke="#888"/>'
            f'<text x="{_f(xx)}" y="{_f(PLOT_TOP + ih + 18)}" text-anchor="middle">{v:g}</text>'
        )
    parts.append(
        f'<rect x="{_f(PLOT_LEFT)}" y="{_f(PLOT_TOP)}" width="{_f(iw)}" height="{_f(ih)}" '
        'fill="none" stroke="#999"/>'
        f'<text x="{_f(PLOT_LEFT + iw / 2)}" y="{_f(PLOT_H - 6)}" text-anchor="middle">time (s)</text>'
        f'<text transform="translate(14 {_f(PLOT_TOP + ih / 2)}) rotate(-90)" text-anchor="middle">'
        f"{_e(ylabel)}</text>"
    )
    parts.append("</g>")
    if neutral_known:
        y0 = sy(0.0)
        parts.append(
            f'<g class="neutral-line"><line x1="{_f(PLOT_LEFT)}" x2="{_f(PLOT_W - PLOT_RIGHT)}" '
            f'y1="{_f(y0)}" y2="{_f(y0)}" stroke="#222" stroke-width="1.2" stroke-dasharray="6 4"/>'
            f'<text x="{_f(PLOT_W - PLOT_RIGHT - 4)}" y="{_f(y0 - 5)}" text-anchor="end" '
            'font-size="12" fill="#222">neutral</text></g>'
        )
    # signal, split where samples are missing
    td, xd = _decimate(t, x, MAX_PLOT_POINTS)
    runs: list[list[tuple[float, float]]] = [[]]
    for tv, xv in zip(td.tolist(), xd.tolist(), strict=True):
        if math.isfinite(xv):
            runs[-1].append((sx(tv), sy(xv)))
        elif runs[-1]:
            runs.append([])
    parts.append(
        '<g class="signal" fill="none" stroke="#1f2d3d" stroke-width="1.6" stroke-linejoin="round">'
    )
    parts += [f'<polyline points="{_polyline(run)}"/>' for run in runs if len(run) > 1]
    parts.append("</g>")
    # rep numbers
    parts.append('<g class="rep-labels" font-size="12" font-weight="600" text-anchor="middle">')
    for number, top_time in rep_extremes(events, "top"):
        xx = sx(min(max(top_time, t0), t1))
        parts.append(
            f'<g class="rep-label"><circle cx="{_f(xx)}" cy="{_f(REP_LABEL_Y)}" r="9" fill="#fff" stroke="#1f2d3d"/>'
            f'<text x="{_f(xx)}" y="{_f(REP_LABEL_Y + 4)}" fill="#1f2d3d">{number}</text></g>'
        )
    parts.append("</g>")
    # fault markers, on the signal at the fault's time
    parts.append('<g class="faults" font-size="11" font-weight="700" text-anchor="middle">')
    ok_t, ok_x = t[finite], x[finite]
    placed: list[tuple[float, float]] = []
    for m in sorted(marks, key=lambda m: m.fault.time):
        ft = min(max(m.fault.time, t0), t1)
        fy = float(np.interp(ft, ok_t, ok_x))
        cx, cy = sx(ft), sy(fy)
        # the label circle sits above the point; lift it clear of circles already placed
        ly = cy - MARKER_STEM
        while any(
            abs(cx - px) < 2 * MARKER_R + 1 and abs(ly - py) < 2 * MARKER_R + 1 for px, py in placed
        ):
            ly -= 2 * MARKER_R + 2
        placed.append((cx, ly))
        color = TIER_COLORS.get(m.tier, TIER_COLORS["position"])
        parts.append(
            f'<g class="fault-marker" data-mistake="{_e(m.fault.id)}" data-rep="{_e(m.fault.rep)}">'
            f"<title>{_e(m.title)}</title>"
            f'<line x1="{_f(cx)}" x2="{_f(cx)}" y1="{_f(cy)}" y2="{_f(ly)}" stroke="{color}" stroke-width="1.5"/>'
            f'<circle cx="{_f(cx)}" cy="{_f(ly)}" r="{MARKER_R:g}" fill="{color}" stroke="#fff" stroke-width="1.5"/>'
            f'<text x="{_f(cx)}" y="{_f(ly + 4)}" fill="#fff">{_e(m.label)}</text>'
            f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="3.5" fill="{color}"/></g>'
        )
    parts.append("</g></svg>")
    return "".join(parts)


def tempo_bars_svg(
    reps: Sequence[Rep],
    *,
    target: tuple[float, float, float, float],
    target_label: str,
    flagged: dict[int, set[str]] | None = None,
) -> str:
    """One stacked bar per rep (lift, top hold, lower, bottom seconds) under the goal's target.

    ``target`` is the goal's (lift, top, lower, bottom) seconds; dashed lines carry its
    phase boundaries down through every rep. ``flagged`` maps rep number -> phases to
    outline in red (phases a fault was found in).
    """
    flagged = flagged or {}
    phases = tuple(PHASE_NAMES)
    rows: list[tuple[str, str, tuple[float | None, ...]]] = [
        ("tempo-row target", target_label, target)
    ]
    for r in reps:
        rows.append(
            (
                "tempo-row rep",
                f"rep {r.number}",
                (r.lift_s, r.top_hold_s, r.lower_s, r.bottom_settle_s),
            )
        )
    totals = [sum(v for v in vals if v is not None) for _, _, vals in rows]
    scale_max = max(max(totals), 1e-9)
    axis_h = 24.0
    height = len(rows) * (BAR_H + BAR_GAP) + axis_h + BAR_GAP
    iw = BARS_W - BAR_LABEL_W - BAR_TOTAL_W

    def sx(v: float) -> float:
        return BAR_LABEL_W + v / scale_max * iw

    parts = [
        f'<svg class="tempo-bars" viewBox="0 0 {BARS_W:g} {height:g}" role="img" '
        f'aria-label="{_e("Phase seconds of every rep against the goal target")}" font-size="12">'
    ]
    for k, (cls, label, vals) in enumerate(rows):
        y = BAR_GAP + k * (BAR_H + BAR_GAP)
        weight = ' font-weight="700"' if k == 0 else ""
        parts.append(
            f'<g class="{cls}"><text x="{_f(BAR_LABEL_W - 8)}" y="{_f(y + BAR_H - 5)}" '
            f'text-anchor="end" fill="#333"{weight}>{_e(label)}</text>'
        )
        acc = 0.0
        number = reps[k - 1].number if k > 0 else None
        for phase, v in zip(phases, vals, strict=True):
            if v is None or v <= 0:
                continue
            bad = number is not None and phase in flagged.get(number, set())
            stroke = (
                ' stroke="#c93636" stroke-width="2.5"' if bad else ' stroke="#fff" stroke-width="1"'
            )
            opacity = "0.55" if k == 0 else "0.9"
            parts.append(
                f'<rect x="{_f(sx(acc))}" y="{_f(y)}" width="{_f(sx(acc + v) - sx(acc))}" '
                f'height="{_f(BAR_H)}" fill="{PHASE_COLORS[phase]}" fill-opacity="{opacity}"{stroke}>'
                f"<title>{_e(f'{label}: {PHASE_NAMES[phase]} {v:.2f} s')}</title></rect>"
            )
            acc += v
        parts.append(
            f'<text x="{_f(sx(acc) + 6)}" y="{_f(y + BAR_H - 5)}" fill="#555">{acc:.1f} s</text></g>'
        )
    # target boundaries through every row
    bottom = BAR_GAP + len(rows) * (BAR_H + BAR_GAP)
    acc = 0.0
    for v in target:
        acc += v
        parts.append(
            f'<line x1="{_f(sx(acc))}" x2="{_f(sx(acc))}" y1="{_f(BAR_GAP)}" y2="{_f(bottom - BAR_GAP)}" '
            'stroke="#333" stroke-opacity="0.45" stroke-dasharray="3 3"/>'
        )
    for v in _nice_ticks(0.0, scale_max, TICKS_X):
        parts.append(
            f'<text x="{_f(sx(v))}" y="{_f(bottom + 12)}" text-anchor="middle" fill="#666">{v:g}</text>'
        )
    parts.append(
        f'<text x="{_f(BAR_LABEL_W - 8)}" y="{_f(bottom + 12)}" text-anchor="end" fill="#666">seconds</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
