"""Guide rendering: text, Markdown, JSON and one self-contained HTML page."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import pytest

from extensor._errors import KnowledgeBaseError
from extensor.knowledge import SECTION_IDS, Exercise, guide_data, load_exercise, render_guide


@pytest.fixture(scope="module")
def ex() -> Exercise:
    return load_exercise()


@pytest.fixture(scope="module")
def page(ex: Exercise) -> str:
    return render_guide(ex, fmt="html")


def test_html_is_one_self_contained_file(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page
    for external in ("http://", "https://", "<script", "<link", "@import", "url(", 'src="'):
        assert external not in page


def test_html_has_an_anchor_per_section(page: str) -> None:
    for section_id in SECTION_IDS:
        assert f'<section id="{section_id}">' in page


def test_every_html_link_resolves_to_an_anchor(page: str) -> None:
    ids = set(re.findall(r'id="([^"]+)"', page))
    hrefs = re.findall(r'href="#([^"]+)"', page)
    assert hrefs
    assert set(hrefs) <= ids


def test_mistake_guide_sections_are_working_links(ex: Exercise, page: str) -> None:
    for mistake in ex.mistakes.values():
        block = page.split(f'<li id="mistake-{mistake.id}">', 1)[1].split("</li>", 1)[0]
        assert f'href="#{mistake.guide_section}"' in block


def test_ids_are_unique_in_html(page: str) -> None:
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_html_escapes_text_from_the_data_file(tmp_path: Path) -> None:
    original = (
        files("extensor.knowledge").joinpath("data", "lever_back_extension.toml").read_text("utf-8")
    )
    path = tmp_path / "escaped.toml"
    path.write_text(
        original.replace('title = "Ribs down"', 'title = "Ribs <b>down</b> & in"'), encoding="utf-8"
    )
    page = render_guide(load_exercise(path=path), fmt="html")
    assert "Ribs &lt;b&gt;down&lt;/b&gt; &amp; in" in page
    assert "<b>down</b>" not in page


def test_text_guide_has_every_section_title_and_no_long_lines(ex: Exercise) -> None:
    text = render_guide(ex)
    for section_id in SECTION_IDS:
        assert ex.section(section_id).title in text
    assert max(len(line) for line in text.splitlines()) <= 88


def test_markdown_guide_has_a_heading_per_section(ex: Exercise) -> None:
    md = render_guide(ex, fmt="markdown")
    headings = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    assert headings == [ex.section(s).title for s in SECTION_IDS]
    assert "| Goal | Sets | Reps |" in md


def test_variant_keeps_only_its_own_steps(ex: Exercise) -> None:
    prone = render_guide(ex, variant="prone_lever_machine", fmt="markdown")
    seated = render_guide(ex, variant="seated_lever_machine", fmt="markdown")
    assert "Lie face down" in prone
    assert "Lie face down" not in seated
    assert "Place the torso pad" in seated
    assert "Place the torso pad" not in prone
    # a mistake that is only about a seated-machine step is left out of the prone guide
    assert "Torso pad rounding the shoulders" not in prone
    assert "level with the floor" in prone
    assert "Roman chair" not in prone.split("## Setup", 1)[0].split("## Variants", 1)[1]


def test_section_keeps_only_that_section(ex: Exercise) -> None:
    md = render_guide(ex, section="faq", fmt="markdown")
    assert [line for line in md.splitlines() if line.startswith("## ")] == [
        f"## {ex.section('faq').title}"
    ]
    single_page = render_guide(ex, section="mistakes", fmt="html")
    # links to sections that are not on the page are shown as plain text, never broken
    ids = set(re.findall(r'id="([^"]+)"', single_page))
    assert set(re.findall(r'href="#([^"]+)"', single_page)) <= ids


def test_json_holds_every_element(ex: Exercise) -> None:
    data = json.loads(render_guide(ex, fmt="json"))
    for key in (
        "overview",
        "variants",
        "setup",
        "execution",
        "breathing",
        "tips",
        "mistakes",
        "analysis",
        "goals",
        "levels",
        "progression",
        "plan",
        "equipment",
        "faq",
        "safety",
        "sections",
        "sources",
    ):
        assert data[key], key
    bounce = data["mistakes"]["bounce"]["detection"]["params"]["max_bottom_dwell_s"]
    assert bounce["value"] == ex.param("bounce", "max_bottom_dwell_s")
    assert list(data["sections"]) == list(SECTION_IDS)


def test_json_section_and_variant_filters(ex: Exercise) -> None:
    data = guide_data(ex, variant="seated_lever_machine", section="setup")
    assert data["section"] == "setup"
    ids = [step["id"] for step in data["setup"]]
    assert "plant_feet" in ids
    assert "lie_face_down" not in ids
    notes = [step["variant_notes"] for step in data["setup"] if step["variant_notes"]]
    assert all(set(n) == {"seated_lever_machine"} for n in notes)


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("variant", "leg_press", "unknown variant 'leg_press'"),
        ("section", "warmup", "unknown section 'warmup'"),
        ("fmt", "pdf", "unknown guide format 'pdf'"),
    ],
)
def test_unknown_choices_raise_with_the_valid_ones(
    ex: Exercise, option: str, value: str, expected: str
) -> None:
    with pytest.raises(KnowledgeBaseError, match=f"{expected}.*; choose one of: "):
        render_guide(ex, **{option: value})  # type: ignore[arg-type]
