"""The history chart: top load, volume and clean reps per session, as one SVG string.

One chart for every face: the web pages inline it, `extensor history --plot FILE.svg`
writes it.

Pure (data in, markup out), no script and no style attribute (the pages' CSP allows
neither): colours are SVG presentation attributes. Every text is escaped.

>>> from datetime import date
>>> from extensor.progression import SessionSummary, SetSummary
>>> s = SetSummary(load=40, unit="kg", reps=12, variant="45_degree_bench", clean_reps=10)
>>> svg = history_svg([SessionSummary(date(2024, 5, 2), (s, s))], unit="kg")
>>> svg.startswith("<svg") and "960" in svg
True
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Sequence
from pathlib import Path

from extensor._errors import MissingExtraError
from extensor._files import atomic_write
from extensor.app._trend import quality_trend
from extensor.progression import SessionSummary

__all__ = ["history_svg", "write_history_chart"]

#: Drawing size in SVG units; the page scales it to its column width.
WIDTH = 760
PANEL_H = 150
GAP = 52
LEFT = 64
RIGHT = 16
TOP = 34
#: Most date labels under the x axis (more would overlap at this width).
MAX_DATE_LABELS = 7
#: Colours: the report's palette (blue load, grey volume, green quality, red pain).
LOAD_COLOUR = "#1f5fa8"
VOLUME_COLOUR = "#8a8f98"
CLEAN_COLOUR = "#2e7d32"
PAIN_COLOUR = "#c62828"
AXIS_COLOUR = "#6b7280"
GRID_COLOUR = "#e5e7eb"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _f(v: float) -> str:
    return f"{v:.1f}"


def _ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step + 1e-9) * step
    end = math.ceil(hi / step - 1e-9) * step
    count_ticks = round((end - start) / step)
    out = [round(start + k * step, 6) for k in range(count_ticks + 1)]
    return out


def _fmt(v: float) -> str:
    if abs(v) >= 100 or float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def _panel(
    title: str,
    y0: float,
    values: Sequence[float | None],
    xs: Sequence[float],
    *,
    kind: str,
    colour: str,
    lo: float | None = None,
    hi: float | None = None,
    marks: Sequence[bool] = (),
    suffix: str = "",
) -> list[str]:
    known = [v for v in values if v is not None]
    out = [
        f'<text x="{LEFT}" y="{_f(y0 - 16)}" font-size="13" font-weight="600" fill="#111827">'
        f"{_e(title)}</text>"
    ]
    bottom = y0 + PANEL_H
    if not known:
        out.append(
            f'<text x="{_f((LEFT + WIDTH - RIGHT) / 2)}" y="{_f(y0 + PANEL_H / 2)}" '
            f'text-anchor="middle" font-size="12" fill="{AXIS_COLOUR}">no data in this period</text>'
        )
        return out
    vmin = min(known) if lo is None else lo
    vmax = max(known) if hi is None else hi
    if kind == "bar":
        vmin = 0.0
    ticks = _ticks(vmin, vmax)
    vmin, vmax = min(ticks[0], vmin), max(ticks[-1], vmax)
    span = vmax - vmin or 1.0

    def y(v: float) -> float:
        return bottom - (v - vmin) / span * PANEL_H

    for t in ticks:
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_f(y(t))}" y2="{_f(y(t))}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{_f(y(t) + 4)}" text-anchor="end" font-size="11" '
            f'fill="{AXIS_COLOUR}">{_e(_fmt(t) + suffix)}</text>'
        )
    if kind == "bar":
        width = max(2.0, min(28.0, (WIDTH - LEFT - RIGHT) / max(1, len(xs)) * 0.6))
        for x, v in zip(xs, values, strict=True):
            if v is None:
                continue
            out.append(
                f'<rect x="{_f(x - width / 2)}" y="{_f(y(v))}" width="{_f(width)}" '
                f'height="{_f(bottom - y(v))}" fill="{colour}"><title>{_e(_fmt(v) + suffix)}'
                "</title></rect>"
            )
    else:
        points = [(x, y(v)) for x, v in zip(xs, values, strict=True) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{_f(px)},{_f(py)}" for px, py in points)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for i, (x, v) in enumerate(zip(xs, values, strict=True)):
            if v is None:
                continue
            pain = i < len(marks) and marks[i]
            if pain:
                d = 6.0
                yy = y(v)
                out.append(
                    f'<path d="M{_f(x - d)},{_f(yy - d)} L{_f(x + d)},{_f(yy + d)} '
                    f'M{_f(x - d)},{_f(yy + d)} L{_f(x + d)},{_f(yy - d)}" stroke="{PAIN_COLOUR}" '
                    f'stroke-width="2.5"><title>pain reported: {_e(_fmt(v) + suffix)}</title></path>'
                )
            else:
                out.append(
                    f'<circle cx="{_f(x)}" cy="{_f(y(v))}" r="3.5" fill="{colour}">'
                    f"<title>{_e(_fmt(v) + suffix)}</title></circle>"
                )
    out.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_f(bottom)}" y2="{_f(bottom)}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    return out


def history_svg(sessions: Sequence[SessionSummary], *, unit: str) -> str:
    """Three stacked panels, one point or bar per session, oldest on the left."""
    n = len(sessions)
    height = TOP + 3 * PANEL_H + 2 * GAP + 40
    inner = WIDTH - LEFT - RIGHT
    xs = [LEFT + inner * (i + 0.5) / max(1, n) for i in range(n)]
    loads = [s.top_load(unit) for s in sessions]
    volumes: list[float | None] = [s.volume(unit) for s in sessions]
    clean = [None if s.clean_share is None else 100 * s.clean_share for s in sessions]
    pain = [s.pain for s in sessions]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="history-title" class="chart">'
        '<title id="history-title">Training history: top load, volume and clean reps '
        "per session</title>"
    ]
    y0 = TOP
    parts += _panel(
        f"Top load ({unit})", y0, loads, xs, kind="line", colour=LOAD_COLOUR, marks=pain, lo=0.0
    )
    y0 += PANEL_H + GAP
    parts += _panel(f"Volume ({unit} x reps)", y0, volumes, xs, kind="bar", colour=VOLUME_COLOUR)
    y0 += PANEL_H + GAP
    trend = quality_trend(sessions)
    title = "Clean reps per session (analysed or rated sets)"
    if trend is not None:
        title += f": trend {trend.slope_points:+.1f} points a session"
    parts += _panel(
        title, y0, clean, xs, kind="line", colour=CLEAN_COLOUR,
        lo=0.0, hi=100.0, suffix="%",
    )  # fmt: skip
    label_y = y0 + PANEL_H + 18
    if n:
        step = max(1, math.ceil(n / MAX_DATE_LABELS))
        shown = set(range(0, n, step)) | {n - 1}
        for i in sorted(shown):
            parts.append(
                f'<text x="{_f(xs[i])}" y="{_f(label_y)}" text-anchor="middle" font-size="11" '
                f'fill="{AXIS_COLOUR}">{_e(sessions[i].day.strftime("%d %b %y"))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def write_history_chart(sessions: Sequence[SessionSummary], *, unit: str, path: Path) -> None:
    """Write the history chart to ``path``: :func:`history_svg` (the web page's chart) for
    ``.svg``; for ``.png`` the same three panels (top load, volume, share of clean reps)
    drawn with matplotlib (the ``report`` extra). Written whole or not at all; OSError
    when the file cannot be written."""
    if path.suffix.lower() == ".svg":
        atomic_write(path, history_svg(sessions, unit=unit) + "\n")
        return
    png = _history_png(sessions, unit=unit)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, png)


def _history_png(sessions: Sequence[SessionSummary], *, unit: str) -> bytes:
    """The three panels as PNG bytes (matplotlib is imported here: an optional extra)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtraError.for_extra("report", "matplotlib") from None
    days = [s.day for s in sessions]
    fig, (ax_load, ax_vol, ax_clean) = plt.subplots(3, 1, figsize=(8, 7), sharex=True)
    try:
        loads = [s.top_load(unit) or 0.0 for s in sessions]
        ax_load.plot(days, loads, marker="o", color="#1f77b4")
        pain_days = [s.day for s in sessions if s.pain]
        if pain_days:
            ax_load.scatter(
                pain_days,
                [s.top_load(unit) or 0.0 for s in sessions if s.pain],
                marker="x",
                s=80,
                color="#d62728",
                zorder=3,
                label="pain reported",
            )
            ax_load.legend(loc="best")
        ax_load.set_ylabel(f"top load ({unit})")
        ax_load.set_title("Lever back extension: training history")
        ax_vol.bar(days, [s.volume(unit) for s in sessions], color="#7f7f7f", width=0.8)
        ax_vol.set_ylabel(f"volume ({unit} x reps)")
        rated = [(s.day, 100 * s.clean_share) for s in sessions if s.clean_share is not None]
        if rated:
            ax_clean.plot([d for d, _ in rated], [v for _, v in rated], marker="s", color="#2ca02c")
        else:
            ax_clean.text(
                0.5, 0.5, "no analysed sets in this period", transform=ax_clean.transAxes,
                ha="center", va="center", color="#7f7f7f",
            )  # fmt: skip
        ax_clean.set_ylim(0, 105)
        ax_clean.set_ylabel("clean reps (%)")
        quality = quality_trend(sessions)
        if quality is not None:
            ax_clean.set_title(f"rep quality: {quality.text}", fontsize=9)
        for ax in (ax_load, ax_vol, ax_clean):
            ax.grid(alpha=0.3)
        fig.autofmt_xdate()
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)
