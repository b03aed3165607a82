"""The HTML report of one set: a single self-contained, offline file.

:func:`render_report` is pure (data in, one HTML string out): inline CSS, inline SVG
(see :mod:`extensor.coach._svg`), key frames as ``data:`` PNG images, no script, no
external request. :func:`write_report` writes it atomically, together with the guide
(``<report>-guide.html``) that the cue links point into, so the links work offline.

Section order: data-quality warnings, the set at a glance with the load verdict, the
cues and what went well, the trunk-angle plot, tempo bars against the goal's target,
the per-rep table, key frames (when given), and what this input could not show.

>>> from extensor.core._synthetic import RepSpec, synthetic_set
>>> from extensor._analysis import run_analysis
>>> from extensor.coach import coach_set
>>> from extensor.knowledge import load_exercise
>>> ex = load_exercise()
>>> run = run_analysis(synthetic_set([RepSpec()] * 3).motion, goal="strength", variant="roman_chair")
>>> page = render_report(run.result, coach_set(run.result, exercise=ex), exercise=ex, motion=run.motion)
>>> page.startswith("<!DOCTYPE html>"), page.count('<tr class="rep-row')
(True, 3)
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from extensor._errors import InputFormatError
from extensor._files import atomic_write
from extensor._version import __version__
from extensor.coach._coaching import Coaching
from extensor.coach._numbers import NUMBER_HELP, set_numbers
from extensor.coach._svg import (
    PHASE_COLORS,
    PHASE_NAMES,
    TIER_COLORS,
    FaultMark,
    angle_plot_svg,
    tempo_bars_svg,
)
from extensor.core import MISTAKES, Rep, SetAnalysis, TimeSeries
from extensor.knowledge import Exercise, render_guide

__all__ = [
    "KEY_FRAME_PHASES",
    "KEY_FRAME_WIDTH_PX",
    "KeyFrame",
    "ReportFiles",
    "guide_path_for",
    "render_report",
    "write_report",
]

#: Positions of a rep a key frame may show.
KEY_FRAME_PHASES: tuple[str, ...] = ("bottom", "top")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

#: The rep table's phase columns (and tempo bar segments); a mistake flags the ones among
#: its registry ``cells``.
_PHASE_CELLS = ("lift", "top", "lower", "bottom")


#: Width of each key frame in the report, in pixels: big enough to see the posture,
#: small enough that a dozen of them keep the report well under 2 MB.
KEY_FRAME_WIDTH_PX = 360


@dataclass(frozen=True, slots=True)
class KeyFrame:
    """One video frame to show in the report: PNG bytes of rep ``rep`` at ``phase``.

    The video pipeline draws the skeleton on the frame before handing it over;
    ``time`` (s) and ``caption`` are optional.
    """

    rep: int
    phase: str
    png: bytes
    time: float | None = None
    caption: str = ""

    def __post_init__(self) -> None:
        if self.phase not in KEY_FRAME_PHASES:
            raise InputFormatError(
                f"key frame phase must be one of {', '.join(KEY_FRAME_PHASES)}, got {self.phase!r}"
            )
        if not self.png.startswith(_PNG_MAGIC):
            raise InputFormatError(
                f"key frame of rep {self.rep} ({self.phase}) must be PNG bytes, "
                f"got data starting {self.png[:8]!r}"
            )


@dataclass(frozen=True, slots=True)
class ReportFiles:
    """What :func:`write_report` wrote."""

    report: Path
    guide: Path | None
    size_bytes: int


def guide_path_for(report: str | Path) -> Path:
    """Where the guide of report ``set.html`` goes: ``set-guide.html`` next to it."""
    p = Path(report)
    return p.with_name(f"{p.stem}-guide.html")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fmt(value: float | None, spec: str = ".1f") -> str:
    return "–" if value is None else format(value, spec)


_CSS = """
:root { --ink: #1f2d3d; --muted: #5f6b78; --line: #dde3ea; --card: #f6f8fa; --accent: #2b6cb0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #fff; }
main { max-width: 1080px; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
.meta { color: var(--muted); margin: 0 0 1rem; }
.notices { border: 1px solid #e6c35c; background: #fff8e1; border-radius: 8px; padding: .6rem 1rem; margin: 1rem 0; }
.notices h2 { border: 0; margin: 0 0 .3rem; font-size: 1rem; padding: 0; }
.notices ul { margin: 0; padding-left: 1.2rem; }
.notices code { font-size: .85em; color: #7a5b00; }
.glance { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .6rem; margin: 1rem 0; }
.stat { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .55rem .8rem; }
.stat b { display: block; font-size: 1.35rem; }
.stat span { color: var(--muted); font-size: .85rem; }
.verdict { border-radius: 10px; padding: .8rem 1rem; margin: 1rem 0; border: 2px solid; }
.verdict h3 { margin: 0 0 .25rem; font-size: 1.1rem; }
.verdict p { margin: .15rem 0; }
.verdict .label { text-transform: uppercase; font-size: .75rem; letter-spacing: .06em; color: var(--muted); }
.verdict-too_heavy { border-color: #c93636; background: #fdf0f0; }
.verdict-keep { border-color: #8a99a8; background: #f4f6f8; }
.verdict-may_go_up { border-color: #2f9e5b; background: #effaf3; }
.cues { list-style: none; padding: 0; margin: 0; counter-reset: cue; }
.cue { border: 1px solid var(--line); border-left: 6px solid var(--tier); border-radius: 8px;
  padding: .7rem 1rem; margin: 0 0 .7rem; background: #fff; }
.cue .num { display: inline-block; min-width: 1.6em; height: 1.6em; line-height: 1.6em; text-align: center;
  border-radius: 50%; background: var(--tier); color: #fff; font-weight: 700; margin-right: .4rem; }
.cue .badge { font-size: .75rem; text-transform: uppercase; letter-spacing: .05em; color: var(--tier);
  font-weight: 700; margin-left: .3rem; }
.cue .do { font-weight: 700; font-size: 1.05rem; margin: .35rem 0 .2rem; }
.cue .evidence { margin: .2rem 0; }
.cue .why { color: var(--muted); margin: .2rem 0; font-size: .92rem; }
.cue .links { font-size: .9rem; margin: .3rem 0 0; }
.also { color: var(--muted); }
.well { padding-left: 1.2rem; }
.well li::marker { content: "✓  "; color: #2f9e5b; font-weight: 700; }
a { color: var(--accent); }
figure { margin: 0; }
svg { width: 100%; height: auto; display: block; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.1rem; font-size: .85rem; color: var(--muted); margin: .4rem 0 0; }
.legend i { display: inline-block; width: .9em; height: .9em; border-radius: 2px; vertical-align: -.1em; margin-right: .3em; }
.legend i.dot { border-radius: 50%; }
.legend i.dash { height: 0; border-top: 2px dashed #222; border-radius: 0; vertical-align: .25em; }
.note { color: var(--muted); font-size: .88rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: right; white-space: nowrap; }
th { background: var(--card); font-weight: 600; }
td.faults, th.faults { text-align: left; white-space: normal; }
tr.faulty td { background: #fff6f6; }
td.flag { color: #c93636; font-weight: 700; }
td.ok { color: #2f9e5b; }
.frames { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: .8rem; }
.frames img { width: 100%; height: auto; border-radius: 6px; border: 1px solid var(--line); }
.frames figcaption { font-size: .85rem; color: var(--muted); }
footer { color: var(--muted); font-size: .85rem; margin-top: 2.5rem; }
@media print { .cue, .verdict, figure { break-inside: avoid; } }
"""


def _signed_top(rep: Rep) -> str:
    dev = rep.top_deviation_deg
    if dev is None:
        return "–"
    if round(dev) == 0:
        return "at neutral"
    return f"{-dev:.0f}° past" if dev < 0 else f"{dev:.0f}° short"


def _guide_link(href: str | None, anchor: str, label: str) -> str:
    if href is None:
        return _e(label)
    return f'<a href="{_e(href)}#{_e(anchor)}">{_e(label)}</a>'


def _notices(result: SetAnalysis) -> str:
    if not result.notices:
        return ""
    items = "".join(
        f"<li>{_e(_cap(n.message))} <code>{_e(n.code)}</code></li>" for n in result.notices
    )
    return f'<section class="notices" id="data-quality"><h2>Data quality</h2><ul>{items}</ul></section>'


def _glance(result: SetAnalysis, coaching: Coaching, guide: str | None) -> str:
    m = result.metrics
    stats = [
        (f"{m.rep_count}", f"reps ({m.full_rep_count} full)"),
        (f"{coaching.clean_rep_count}", "clean reps"),
        (f"{m.time_under_tension_s:.1f} s", "time under tension"),
        (
            _fmt(m.mean_range_deg, ".0f") + ("°" if m.mean_range_deg is not None else ""),
            "mean range",
        ),
        (_fmt(m.tempo_consistency_cv, ".2f"), "tempo spread (CV of rep time)"),
        (f"{coaching.goal.reps}", f"rep range, {coaching.goal.name.lower()}"),
    ]
    loss, smooth = set_numbers(result)
    stats += [
        (_fmt(loss, ".0f") + (" %" if loss is not None else ""), "velocity loss"),
        (_fmt(smooth, ".1f"), "smoothness (LDLJ)"),
    ]
    tiles = "".join(f'<div class="stat"><b>{_e(v)}</b><span>{_e(k)}</span></div>' for v, k in stats)
    helps = (
        '<p class="numbers-help" id="numbers-help">'
        f"<b>Velocity loss</b>: {_e(NUMBER_HELP['velocity_loss'])}. "
        f"<b>Smoothness</b>: {_e(NUMBER_HELP['smoothness'])}.</p>"
    )
    v = coaching.verdict
    more = ""
    if v.guide_anchor:
        more = " " + _guide_link(guide, v.guide_anchor, "Why")
    verdict = (
        f'<div class="verdict verdict-{_e(v.decision)}" id="verdict">'
        f'<p class="label">Load for the next set</p><h3>{_e(v.headline)}</h3>'
        f"<p>{_e(v.reason)}</p><p><b>{_e(v.action)}</b>{more}</p></div>"
    )
    return f'<section id="glance"><div class="glance">{tiles}</div>{helps}{verdict}</section>'


def _cues(coaching: Coaching, guide: str | None) -> str:
    out = ['<section id="cues"><h2>What to change next set</h2>']
    if coaching.cues:
        out.append('<ol class="cues">')
        for k, c in enumerate(coaching.cues, start=1):
            color = TIER_COLORS.get(c.tier, TIER_COLORS["position"])
            links = (
                "Guide: "
                + _guide_link(guide, c.guide_anchor, c.title)
                + " · "
                + _guide_link(guide, c.guide_section, c.guide_section_title)
            )
            out.append(
                f'<li class="cue" id="cue-{_e(c.mistake)}" style="--tier: {color}">'
                f'<div><span class="num">{k}</span><b>{_e(c.title)}</b>'
                f'<span class="badge">{_e(c.tier)}</span></div>'
                f'<p class="do">{_e(c.cue)}</p>'
                f'<p class="evidence">{_e(c.evidence)}.</p>'
                f'<p class="why">{_e(c.why_it_matters)}</p>'
                f'<p class="links">{links}</p></li>'
            )
        out.append("</ol>")
    elif coaching.withheld:
        out.append(f'<p class="withheld">{_e(coaching.withheld)}.</p>')
    else:
        out.append("<p>No faults found: nothing to change.</p>")
    if coaching.also_seen:
        seen = "; ".join(
            f"{_e(c.title.lower())} ({_e(c.reps_text)}{', possible' if c.possible else ''})"
            for c in coaching.also_seen
        )
        out.append(f'<p class="also">Also seen, for after these are fixed: {seen}.</p>')
    if coaching.went_well:
        items = "".join(f"<li>{_e(s)}</li>" for s in coaching.went_well)
        out.append(f'<h3>What went well</h3><ul class="well">{items}</ul>')
    out.append("</section>")
    return "".join(out)


def _marks(result: SetAnalysis, coaching: Coaching, exercise: Exercise) -> list[FaultMark]:
    numbers = {c.mistake: str(k) for k, c in enumerate(coaching.all_cues, start=1)}
    tiers = {c.mistake: c.tier for c in coaching.all_cues}
    marks = []
    for f in result.faults:
        title = exercise.mistakes[f.id].title if f.id in exercise.mistakes else f.id
        rep = f"rep {f.rep}: " if f.rep is not None else ""
        marks.append(
            FaultMark(
                fault=f,
                label=numbers.get(f.id, "!"),
                tier=tiers.get(f.id, "position"),
                title=f"{rep}{title} ({f.detail})",
            )
        )
    return marks


def _plot(
    result: SetAnalysis, coaching: Coaching, exercise: Exercise, motion: TimeSeries | None
) -> str:
    out = ['<section id="plot"><h2>Trunk angle, rep by rep</h2>']
    if motion is None or "extension" not in motion.data:
        out.append('<p class="note">No motion signal was given, so there is no plot.</p></section>')
        return "".join(out)
    angle = np.asarray(motion.channel("extension"), dtype=float)
    svg = angle_plot_svg(
        motion.time, angle, result.events, _marks(result, coaching, exercise),
        neutral_known=result.neutral_known,
    )  # fmt: skip
    legend = "".join(
        f'<span><i style="background:{PHASE_COLORS[p]};opacity:.45"></i>{_e(name)}</span>'
        for p, name in PHASE_NAMES.items()
    )
    if result.neutral_known:
        legend += '<span><i class="dash"></i>neutral (0°)</span>'
    for k, c in enumerate(coaching.all_cues, start=1):
        color = TIER_COLORS.get(c.tier, TIER_COLORS["position"])
        legend += (
            f'<span><i class="dot" style="background:{color}"></i>{k}: {_e(c.title.lower())}</span>'
        )
    out.append(f'<figure>{svg}<figcaption class="legend">{legend}</figcaption></figure>')
    out.append(
        '<p class="note">Numbered circles above the plot are reps; coloured markers sit where '
        "a fault was found, numbered like the cues.</p></section>"
    )
    return "".join(out)


def _flags(result: SetAnalysis) -> dict[int, set[str]]:
    flags: dict[int, set[str]] = {}
    for f in result.faults:
        plugin = MISTAKES.get(f.id)
        if f.rep is None or plugin is None:
            continue
        for cell in plugin.cells:
            if cell in _PHASE_CELLS:
                flags.setdefault(f.rep, set()).add(cell)
    return flags


def _tempo(result: SetAnalysis, coaching: Coaching) -> str:
    g = coaching.goal
    target = (g.tempo.lift_s, g.tempo.top_s, g.tempo.lower_s, g.tempo.bottom_s)
    svg = tempo_bars_svg(
        [r for r in result.reps if r.complete], target=target, target_label="goal target",
        flagged=_flags(result),
    )  # fmt: skip
    legend = "".join(
        f'<span><i style="background:{PHASE_COLORS[p]}"></i>{_e(name)}</span>'
        for p, name in PHASE_NAMES.items()
    )
    legend += '<span><i class="dash"></i>target phase boundaries</span>'
    return (
        '<section id="tempo"><h2>Tempo against the goal</h2>'
        f"<p>{_e(g.name)} tempo: {_e(str(g.tempo))} (lift / top hold / lower / bottom). "
        "The top bar is the target; each rep below it is measured.</p>"
        f'<figure>{svg}<figcaption class="legend">{legend}</figcaption></figure>'
        '<p class="note">Phases are timed from the moment the trunk starts to move until it is '
        "almost still, so a controlled rep reads a little shorter than a spoken count. A red "
        "outline marks a phase with a fault.</p></section>"
    )


def _cell(value: str, flagged: bool = False) -> str:
    return f'<td class="flag">{_e(value)}</td>' if flagged else f"<td>{_e(value)}</td>"


def _table(result: SetAnalysis, exercise: Exercise) -> str:
    flags = _flags(result)
    head = (
        "<tr><th>rep</th><th>start s</th><th>lift s</th><th>top s</th><th>lower s</th>"
        "<th>bottom s</th><th>range °</th><th>top vs neutral</th><th>peak lift °/s</th>"
        '<th class="faults">faults</th></tr>'
    )
    rows = []
    for r in result.reps:
        faults = [f for f in result.faults if f.rep == r.number]
        names = _cap(
            ", ".join(
                dict.fromkeys(
                    exercise.mistakes[f.id].title.lower() if f.id in exercise.mistakes else f.id
                    for f in faults
                )
            )
        )
        rep_flags = flags.get(r.number, set())
        ids = {f.id for f in faults}

        mark = "" if r.complete else "*"
        rows.append(
            f'<tr class="rep-row{" faulty" if faults else ""}" data-rep="{r.number}">'
            f"<td>{r.number}{mark}</td>{_cell(_fmt(r.start))}"
            f"{_cell(_fmt(r.lift_s), 'lift' in rep_flags)}"
            f"{_cell(_fmt(r.top_hold_s), 'top' in rep_flags)}"
            f"{_cell(_fmt(r.lower_s), 'lower' in rep_flags)}"
            f"{_cell(_fmt(r.bottom_settle_s), 'bottom' in rep_flags)}"
            f"{_cell(_fmt(r.range_deg, '.0f'), bool(ids & MISTAKES.with_cell('range')))}"
            f"{_cell(_signed_top(r), bool(ids & MISTAKES.with_cell('top_vs_neutral')))}"
            f"{_cell(_fmt(r.peak_lift_velocity_dps, '.0f'), bool(ids & MISTAKES.with_cell('peak_lift_speed')))}"
            + (
                f'<td class="faults flag">{_e(names)}</td>'
                if faults
                else '<td class="faults ok">clean</td>'
            )
            + "</tr>"
        )
    foot = ""
    if any(not r.complete for r in result.reps):
        foot = '<p class="note">* the recording ends inside this rep.</p>'
    return (
        '<section id="reps"><h2>Rep by rep</h2>'
        f'<table class="rep-table"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
        f"{foot}</section>"
    )


def _frames(frames: Sequence[KeyFrame]) -> str:
    if not frames:
        return ""
    order = {p: k for k, p in enumerate(KEY_FRAME_PHASES)}
    items = []
    for fr in sorted(frames, key=lambda f: (f.rep, order[f.phase])):
        data = base64.b64encode(fr.png).decode("ascii")
        when = f" at {fr.time:.1f} s" if fr.time is not None else ""
        caption = fr.caption or f"Rep {fr.rep}, {fr.phase}{when}"
        items.append(
            f'<figure class="key-frame" data-rep="{fr.rep}" data-phase="{_e(fr.phase)}">'
            f'<img alt="{_e(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{_e(caption)}</figcaption></figure>"
        )
    return f'<section id="frames"><h2>Key frames</h2><div class="frames">{"".join(items)}</div></section>'


def _blind(coaching: Coaching, exercise: Exercise) -> str:
    if not coaching.not_judged:
        return ""
    names = ", ".join(
        exercise.mistakes[m].title.lower() if m in exercise.mistakes else m
        for m in coaching.not_judged
    )
    return (
        '<section id="not-judged"><h2>Not judged from this input</h2>'
        f"<p>{_e(_cap(names))}. Watch for these yourself; the guide explains each one.</p></section>"
    )


def render_report(
    result: SetAnalysis,
    coaching: Coaching,
    /,
    *,
    exercise: Exercise,
    motion: TimeSeries | None = None,
    key_frames: Iterable[KeyFrame] = (),
    guide_href: str | None = None,
    title: str | None = None,
) -> str:
    """The report as one HTML string (pure: nothing is read or written).

    ``motion`` is the motion series the set was analysed from (channel ``extension``,
    deg); without it the plot is left out. ``key_frames`` are PNG frames of reps at
    their top or bottom (video input). ``guide_href`` is the guide file the cue links
    point to (relative to the report); None renders the guide references as plain text.
    """
    frames = list(key_frames)
    variant = exercise.variants.get(result.variant)
    heading = title or f"{exercise.name}: set report"
    meta = [
        f"goal: {coaching.goal.name}",
        f"variant: {variant.name if variant else result.variant}",
        f"input: {result.input_kind}",
        f"{result.metrics.duration_s:.1f} s recorded",
    ]
    if result.source:
        meta.insert(0, f"source: {Path(result.source).name}")
    guide_note = (
        f'<p class="note">Links open the exercise guide saved next to this file '
        f"({_guide_link(guide_href, 'top', Path(guide_href).name)}).</p>"
        if guide_href
        else ""
    )
    body = "".join(
        [
            f'<header><h1>{_e(heading)}</h1><p class="meta">{_e(" · ".join(meta))}</p></header>',
            _notices(result),
            _glance(result, coaching, guide_href),
            _cues(coaching, guide_href),
            _plot(result, coaching, exercise, motion),
            _tempo(result, coaching),
            _table(result, exercise),
            _frames(frames),
            _blind(coaching, exercise),
            guide_note,
            f"<footer>Made offline by extensor {_e(__version__)}. Faults are checked against "
            "thresholds in the exercise data file; each cue names the measured value and its limit.</footer>",
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(heading)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def write_report(
    path: str | Path,
    result: SetAnalysis,
    coaching: Coaching,
    /,
    *,
    exercise: Exercise,
    motion: TimeSeries | None = None,
    key_frames: Iterable[KeyFrame] = (),
    with_guide: bool = True,
) -> ReportFiles:
    """Write the report to ``path`` and, unless ``with_guide`` is False, the guide next to it.

    Both files are written atomically (a temporary file in the same folder, then a
    rename); on error nothing half-written is left behind.
    """
    report = Path(path)
    guide = guide_path_for(report) if with_guide else None
    if guide is not None:
        atomic_write(guide, _guide_html(exercise, result.variant))
    text = render_report(
        result, coaching, exercise=exercise, motion=motion, key_frames=key_frames,
        guide_href=guide.name if guide is not None else None,
    )  # fmt: skip
    atomic_write(report, text)
    return ReportFiles(report=report, guide=guide, size_bytes=len(text.encode("utf-8")))


def _guide_html(exercise: Exercise, variant: str) -> str:
    """The guide for the set's variant, or the whole guide if that one lacks a mistake anchor."""
    needed = [f'id="mistake-{m}"' for m, v in exercise.mistakes.items() if v.observable_from]
    text = (
        render_guide(exercise, variant=variant, fmt="html") if variant in exercise.variants else ""
    )
    if not text or not all(a in text for a in needed):
        text = render_guide(exercise, fmt="html")
    return text
