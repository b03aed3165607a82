"""Render the exercise guide as plain text, Markdown, JSON or one self-contained HTML page.

The guide is first built as a flat list of neutral blocks (headings, paragraphs, lists,
tables); one small writer per format turns the blocks into a string. Every list item that
can be linked to has an anchor (``step-reach_neutral``, ``mistake-ribs_flared``, ...) and every
section's anchor is its id, so a mistake's ``guide_section`` is a working ``#link`` in HTML.

>>> from extensor.knowledge import load_exercise
>>> md = render_guide(load_exercise(), section="breathing", fmt="markdown")
>>> [line for line in md.splitlines() if line.startswith("#")]
['# Lever Back Extension', '## Breathing']
"""

from __future__ import annotations

import html
import json
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from extensor._errors import KnowledgeBaseError
from extensor.knowledge._schema import SECTION_IDS, Exercise, Level, Step

__all__ = ["GUIDE_FORMATS", "GuideFormat", "guide_data", "render_guide"]

GuideFormat = Literal["text", "markdown", "json", "html"]
#: The formats :func:`render_guide` writes.
GUIDE_FORMATS: tuple[GuideFormat, ...] = ("text", "markdown", "json", "html")

#: Column width of the plain-text guide.
TEXT_WIDTH = 88


# -- blocks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Heading:
    level: int
    text: str
    anchor: str | None = None


@dataclass(frozen=True, slots=True)
class _Para:
    text: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class _Item:
    title: str | None
    text: str = ""
    anchor: str | None = None
    details: tuple[tuple[str, str], ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (label, anchor)


@dataclass(frozen=True, slots=True)
class _List:
    items: tuple[_Item, ...]
    ordered: bool = False


@dataclass(frozen=True, slots=True)
class _Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


_Block = _Heading | _Para | _List | _Table


# -- public API -----------------------------------------------------------------------------


def render_guide(
    exercise: Exercise,
    /,
    *,
    variant: str | None = None,
    section: str | None = None,
    fmt: GuideFormat = "text",
) -> str:
    """The guide for ``exercise`` as a string in format ``fmt``.

    ``variant`` keeps only that variant and the steps that apply to it; ``section`` keeps
    only one section (see :data:`~extensor.knowledge.SECTION_IDS`). Unknown values raise
    KnowledgeBaseError listing the valid ones.
    """
    if fmt not in GUIDE_FORMATS:
        raise KnowledgeBaseError(
            f"unknown guide format {fmt!r}; choose one of: {', '.join(GUIDE_FORMATS)}"
        )
    if fmt == "json":
        data = guide_data(exercise, variant=variant, section=section)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    blocks = _document(exercise, variant=variant, section=section)
    if fmt == "markdown":
        return _write_markdown(blocks)
    if fmt == "html":
        title = exercise.name if section is None else f"{exercise.name}: {section}"
        return _write_html(blocks, title=title)
    return _write_text(blocks)


def guide_data(
    exercise: Exercise, /, *, variant: str | None = None, section: str | None = None
) -> dict[str, Any]:
    """Every element of the guide as JSON-ready data (what ``fmt="json"`` prints)."""
    _check_choices(exercise, variant, section)
    data: dict[str, Any] = exercise.model_dump(mode="json")
    data["selected_variant"] = variant
    if variant is not None:
        data["variants"] = {variant: data["variants"][variant]}
        for group in ("setup", "execution"):
            steps = [s for s in getattr(exercise, group) if s.applies_to(variant)]
            data[group] = [
                {
                    **s.model_dump(mode="json"),
                    "variant_notes": {k: v for k, v in s.variant_notes.items() if k == variant},
                }
                for s in steps
            ]
    if section is None:
        return data
    content: Any = (
        {"rules": data["progression"], "plan": data["plan"]}
        if section == "progression"
        else data[section]
    )
    return {
        "id": exercise.id,
        "name": exercise.name,
        "selected_variant": variant,
        "section": section,
        "title": exercise.section(section).title,
        "intro": exercise.section(section).intro,
        section: content,
    }


def _check_choices(exercise: Exercise, variant: str | None, section: str | None) -> None:
    if variant is not None:
        exercise.variant(variant)
    if section is not None:
        exercise.section(section)


# -- building the document ------------------------------------------------------------------


def _document(exercise: Exercise, *, variant: str | None, section: str | None) -> list[_Block]:
    _check_choices(exercise, variant, section)
    blocks: list[_Block] = [_Heading(1, exercise.name, "top"), _Para(exercise.summary)]
    if variant is not None:
        blocks.append(_Para(exercise.variant(variant).name, label="Variant"))
    for section_id in SECTION_IDS if section is None else (section,):
        text = exercise.section(section_id)
        blocks += [_Heading(2, text.title, section_id), _Para(text.intro)]
        blocks += _BUILDERS[section_id](exercise, variant)
    return blocks


def _overview(ex: Exercise, variant: str | None) -> Iterator[_Block]:
    ov = ex.overview
    yield _Table(
        ("Item", "Details"),
        (
            ("Body part", ov.body_part),
            ("Difficulty", ov.difficulty),
            ("Equipment", ov.equipment),
            ("Main muscle", ov.primary_muscle),
            ("Supporting muscles", ", ".join(ov.secondary_muscles)),
        ),
    )
    yield _Para(ov.description)
    yield _Para(ov.movement_quality, label="How it should look")
    yield _Heading(3, "What it is good for", "benefits")
    yield _List(tuple(_Item(None, b.text) for b in ov.benefits))


def _variants(ex: Exercise, variant: str | None) -> Iterator[_Block]:
    equipment = {e.id: e.name for e in ex.equipment}
    items = []
    for v in ex.variants.values():
        if variant is not None and v.id != variant:
            continue
        dev = v.start_deviation_deg
        items.append(
            _Item(
                v.name,
                v.description,
                anchor=f"variant-{v.id}",
                details=(
                    ("Finish (neutral)", v.neutral_description),
                    (
                        "Usual start",
                        f"about {dev.typical:g} degrees below neutral, at most {dev.max:g}. "
                        f"{dev.reason}",
                    ),
                    ("Camera", f"{v.camera.view} view. {v.camera.advice}"),
                    ("Load", v.load.notes),
                    ("Source", ex.sources[v.source].title),
                ),
                links=((equipment[v.equipment], f"equipment-{v.equipment}"),),
            )
        )
    yield _List(tuple(items))


def _step_items(ex: Exercise, steps: Iterable[Step], variant: str | None) -> _List:
    items = []
    for step in steps:
        if not step.applies_to(variant):
            continue
        details: list[tuple[str, str]] = []
        if variant is None and step.variants:
            names = ", ".join(ex.variants[v].name for v in step.variants)
            details.append(("Applies to", names))
        for vid, note in step.variant_notes.items():
            if variant is None or vid == variant:
                details.append((ex.variants[vid].name, note))
        items.append(_Item(step.title, step.text, anchor=f"step-{step.id}", details=tuple(details)))
    return _List(tuple(items), ordered=True)


def _setup(ex: Exercise, variant: str | None) -> Iterator[_Block]:
    yield _step_items(ex, ex.setup, variant)


def _execution(ex: Exercise, variant: str | None) -> Iterator[_Block]:
    yield _step_items(ex, ex.execution, variant)


def _breathing(ex: Exercise, variant: str | None) -> Iterator[_Block]:
    b = ex.breathing
    yield _Para(b.summary)
    yield _List(
        (
            _Item("Lifting", b.lift),
            _Item("At the top", b.top),
            _Item("Lowering", b.lower),
            _Item("At the bottom", b.bottom),
        )
    )
    yield _Para(b.caution, label="Caution")


def _mistake_links(ex: Exercise, ids: Iterable[str]) -> tuple[tuple[str, str], ...]:
    return tuple((ex.mistakes[m].title, f"mistake-{m}") for m in ids)


def _tips(ex: Exercise, variant: str | None) -> Iterator[_Block]:
    yield _List(
        tuple(
            _Item(
                t.title, t.text, anchor=f"tip-{t.id}", links=_mistake_links(ex, t.related_mistakes)
            )
            for t in ex.tips
        )
    )


def _mistakes(ex: Exercise, variant: str | None) -> Iterator[_Block]:
    steps = {s.id: s for s in (*ex.setup, *ex.execution)}
    items = []
    for m in ex.mistakes.values():
        shown = [s for s in m.related_steps if steps[s].applies_to(variant)]
        if m.related_steps and not shown:
            continue  # every step it is about belongs to other variants
        checked = (
            ", ".join(_SOURCE_NAMES[s] for s in m.observable_from)
            if m.observable_from
            else "not detected automatically; watch for it yourself"
        )
        links: list[tuple[str, str]] = [(ex.section(m.guide_section).title, m.guide_section)]
        links += [(steps[s].title, f"step-{s}") for s in shown]
        items.append(
            _Item(
                m.title,
                anchor=f"mistake-{m.id}",
                details=(
                    ("Looks like", m.looks_like),
                    ("Why it matters", m.why_it_matters),
                    ("Cue", m.cue),
                    ("Kind", m.category),
                    ("Checked from", checked),
                ),
                links=tuple(links),
            )
        )
    yield _List(tuple(items))


_SOURCE_NAMES = {"video": "video", "imu": "IMU", "encoder": "encoder"}


def _goals(ex: Exercise, variant: str | None) -> Iterator[_Block]:
    yield _Para("seconds to lift / hold at the top / lower / pause at the bottom.", label="Tempo")
    yield _Table(
        ("Goal", "Sets", "Reps", "Tempo", "Rest", "Top hold"),
        tuple(
            (
                g.name,
                str(g.sets),
                str(g.reps),
                str(g.tempo),
                f"{g.rest_s} s",
                "required" if g.requires_top_pause else "not required",
            )
            for g in ex.goals.values()
        ),
    )
    yield _List(
        tuple(
            _Item(
                g.name,
                f"{g.sets} sets of {g.reps} reps. {g.intensity}",
                anchor=f"goal-{g.id}",
                details=(
                    ("Focus", g.focus),
                    ("Where it goes", g.placement),
                    ("Top hold", g.top_pause_reason),
                    ("Tempo", f"{g.tempo}: {g.tempo.reason}"),
                    ("Load", g.load_note),
                    ("Project defaults", g.defaults_note),
                ),
            )
            for g in ex.goals.values()
        )
    )


def _where(fraction: float) -> str:
    if fraction <= 0:
        return "lower end"
    if fraction >= 1:
        return "upper end"
    return "lower half" if fraction < 0.5 else "middle" if fraction == 0.5 else "upper half"


def _level_item(ex: Exercise, level: Level) -> _Item:
    names = ", ".join(ex.variants[v].name for v in level.recommended_variants)
    return _Item(
        level.name,
        level.summary,
        anchor=f"level-{level.id}",
        details=(
            ("Sets", f"{_where(level.sets_position)} of each goal's set range"),
            (
                "Reps",
                f"from the {_where(level.reps_start_position)} toward the "
                f"{_where(level.reps_end_position)} of the rep range",
            ),
            ("Load", level.load),
            ("Focus", level.focus),
            ("Technique week", f"every {level.deload_every_weeks} weeks"),
            ("Start with", names),
        ),
    )


def _levels(ex: Exercise, variant: str | None) -> Iterator[_Block]:
    yield _List(tuple(_level_item(ex, lvl) for lvl in ex.levels.values()))


def _progression(ex: Exercise, variant: str | None) -> Iterator[_Block]:
    yield _Para("Rules are checked in order; the first one that applies decides.")
    yield _List(
        tuple(
            _Item(f"If: {r.condition}", f"Then: {r.action}", anchor=f"rule-{r.id}")
            for r in ex.progression
        ),
        ordered=True,
    )
    yield _Para(ex.plan.clean_rep_gate, label="Clean-rep gate")


def _equipment(ex: Exercise, variant: str | None) -> Iterator[_Block]:
    yield _List(
        tuple(
            _Item(
                e.name,
                e.use,
                anchor=f"equipment-{e.id}",
                details=(
                    ("Space", e.choose_when.space),
                    ("Level", e.choose_when.level),
                    ("Stability", e.choose_when.stability),
                ),
            )
            for e in ex.equipment
        )
    )


def _faq(ex: Exercise, variant: str | None) -> Iterator[_Block]:
    items = []
    for q in ex.faq:
        links = _mistake_links(ex, q.related_mistakes)
        links += tuple((ex.variants[v].name, f"variant-{v}") for v in q.related_variants)
        items.append(_Item(q.question, q.answer, anchor=f"faq-{q.id}", links=links))
    yield _List(tuple(items))


def _safety(ex: Exercise, variant: str | None) -> Iterator[_Block]:
    yield _List(tuple(_Item(s.title, s.text, anchor=f"safety-{s.id}") for s in ex.safety))


_BUILDERS = {
    "overview": _overview,
    "variants": _variants,
    "setup": _setup,
    "execution": _execution,
    "breathing": _breathing,
    "tips": _tips,
    "mistakes": _mistakes,
    "goals": _goals,
    "levels": _levels,
    "progression": _progression,
    "equipment": _equipment,
    "faq": _faq,
    "safety": _safety,
}


def _anchors(blocks: Iterable[_Block]) -> set[str]:
    found: set[str] = set()
    for block in blocks:
        if isinstance(block, _Heading) and block.anchor:
            found.add(block.anchor)
        elif isinstance(block, _List):
            found.update(item.anchor for item in block.items if item.anchor)
    return found


# -- plain text -----------------------------------------------------------------------------


def _wrap(text: str, indent: str = "", first: str | None = None) -> str:
    return textwrap.fill(
        text,
        width=TEXT_WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_on_hyphens=False,
    )


def _write_text(blocks: list[_Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, _Heading):
            title = block.text.upper() if block.level == 1 else block.text
            rule = "=" if block.level == 1 else "-" if block.level == 2 else ""
            out.append(title if not rule else f"{title}\n{rule * len(title)}")
        elif isinstance(block, _Para):
            out.append(_wrap(f"{block.label}: {block.text}" if block.label else block.text))
        elif isinstance(block, _Table):
            out.append(_text_table(block))
        else:
            out.append(_text_list(block))
    return "\n\n".join(out) + "\n"


def _text_list(block: _List) -> str:
    lines = []
    for n, item in enumerate(block.items, start=1):
        marker = f"{n}. " if block.ordered else "- "
        pad = " " * len(marker)
        if item.title and item.text:
            lines.append(_wrap(item.title, indent=pad, first=marker))
            lines.append(_wrap(item.text, indent=pad))
        else:
            lines.append(_wrap(item.title or item.text, indent=pad, first=marker))
        for label, text in item.details:
            lines.append(_wrap(f"{label}: {text}", indent="     ", first="   * "))
        if item.links:
            see = "; ".join(label for label, _ in item.links)
            lines.append(_wrap(f"See: {see}", indent="     ", first="   > "))
    return "\n".join(lines)


def _text_table(block: _Table) -> str:
    widths = [
        max(len(row[i]) for row in (block.headers, *block.rows)) for i in range(len(block.headers))
    ]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(block.headers), rule, *(line(r) for r in block.rows)])


# -- Markdown -------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _write_markdown(blocks: list[_Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, _Heading):
            out.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, _Para):
            out.append(f"**{block.label}:** {block.text}" if block.label else block.text)
        elif isinstance(block, _Table):
            rows = [block.headers, tuple("---" for _ in block.headers), *block.rows]
            out.append("\n".join("| " + " | ".join(map(_md_cell, r)) + " |" for r in rows))
        else:
            out.append(_md_list(block))
    return "\n\n".join(out) + "\n"


def _md_list(block: _List) -> str:
    lines = []
    for n, item in enumerate(block.items, start=1):
        marker = f"{n}. " if block.ordered else "- "
        pad = " " * len(marker)
        head = f"**{item.title}**" if item.title else ""
        head = f"{head} {item.text}".strip() if item.text else head
        lines.append(marker + head)
        for label, text in item.details:
            lines.append(f"{pad}- *{label}:* {text}")
        if item.links:
            lines.append(f"{pad}- *See:* " + "; ".join(label for label, _ in item.links))
    return "\n".join(lines)


# -- HTML -----------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light dark; --fg: #1d232a; --bg: #fbfbf8; --muted: #5b6570;
  --accent: #1f6f8b; --line: #d9dcd6; --card: #ffffff; --mark: #fff4c2; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e8ea; --bg: #15191d; --muted: #9aa4ad; --accent: #6cc3e0;
    --line: #2e353c; --card: #1c2127; --mark: #3b3520; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main, footer { max-width: 52rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 2rem; }
h1 { font-size: 2rem; margin: 0 0 .5rem; }
h2 { font-size: 1.45rem; margin: 2.5rem 0 .5rem; padding-bottom: .25rem;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
a { color: var(--accent); }
nav ol { columns: 2; padding-left: 1.25rem; margin: 1rem 0; }
p.intro { color: var(--muted); }
.label { font-weight: 600; }
ol.items, ul.items { padding-left: 1.5rem; }
.items > li { margin: .75rem 0; padding: .6rem .8rem; background: var(--card);
  border: 1px solid var(--line); border-radius: 6px; }
.items > li:target, section:target > h2 { background: var(--mark); }
.item-title { display: block; font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem;
  margin: .5rem 0 0; font-size: .95rem; }
dt { color: var(--muted); font-weight: 600; }
dd { margin: 0; }
p.links { margin: .4rem 0 0; font-size: .9rem; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .95rem; }
th, td { border: 1px solid var(--line); padding: .35rem .55rem; text-align: left;
  vertical-align: top; }
th { background: var(--card); }
footer { color: var(--muted); font-size: .85rem; padding: 2rem 1.25rem; }
@media print { nav { display: none; } .items > li { break-inside: avoid; } }
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _write_html(blocks: list[_Block], *, title: str) -> str:
    anchors = _anchors(blocks)
    sections = [b for b in blocks if isinstance(b, _Heading) and b.level == 2]
    head: list[str] = []
    body: list[str] = []
    in_section = False
    for block in blocks:
        if isinstance(block, _Heading) and block.level == 1:
            head.append(f'<h1 id="{_esc(block.anchor or "top")}">{_esc(block.text)}</h1>')
            continue
        if isinstance(block, _Heading) and block.level == 2:
            if in_section:
                body.append("</section>")
            body.append(f'<section id="{_esc(block.anchor or "")}">')
            body.append(f"<h2>{_esc(block.text)}</h2>")
            in_section = True
            continue
        target = body if in_section else head
        target.append(_html_block(block, anchors, first_in_section=target[-1].startswith("<h2")))
    if in_section:
        body.append("</section>")
    nav = "".join(
        f'<li><a href="#{_esc(h.anchor or "")}">{_esc(h.text)}</a></li>' for h in sections
    )
    nav_html = f'<nav aria-label="Sections"><ol>{nav}</ol></nav>' if len(sections) > 1 else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header>\n{chr(10).join(head)}\n{nav_html}\n</header>\n"
        f"<main>\n{chr(10).join(body)}\n</main>\n"
        "<footer>Generated by extensor from its exercise knowledge base.</footer>\n"
        "</body>\n</html>\n"
    )


def _html_block(block: _Block, anchors: set[str], *, first_in_section: bool) -> str:
    if isinstance(block, _Heading):
        anchor = f' id="{_esc(block.anchor)}"' if block.anchor else ""
        return f"<h{block.level}{anchor}>{_esc(block.text)}</h{block.level}>"
    if isinstance(block, _Para):
        label = f'<span class="label">{_esc(block.label)}:</span> ' if block.label else ""
        cls = ' class="intro"' if first_in_section and not block.label else ""
        return f"<p{cls}>{label}{_esc(block.text)}</p>"
    if isinstance(block, _Table):
        head = "".join(f"<th>{_esc(h)}</th>" for h in block.headers)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    tag = "ol" if block.ordered else "ul"
    return (
        f'<{tag} class="items">'
        + "".join(_html_item(i, anchors) for i in block.items)
        + f"</{tag}>"
    )


def _html_item(item: _Item, anchors: set[str]) -> str:
    parts = []
    if item.title:
        parts.append(f'<span class="item-title">{_esc(item.title)}</span>')
    if item.text:
        parts.append(f"<span>{_esc(item.text)}</span>")
    out = " ".join(parts)
    if item.details:
        out += (
            "<dl>"
            + "".join(
                f"<dt>{_esc(label)}</dt><dd>{_esc(text)}</dd>" for label, text in item.details
            )
            + "</dl>"
        )
    if item.links:
        links = "; ".join(
            f'<a href="#{_esc(a)}">{_esc(label)}</a>' if a in anchors else _esc(label)
            for label, a in item.links
        )
        out += f'<p class="links">See: {links}</p>'
    anchor = f' id="{_esc(item.anchor)}"' if item.anchor else ""
    return f"<li{anchor}>{out}</li>"
