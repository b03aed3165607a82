"""The HTML report: self-contained, escaped, one marker per fault, one row per rep."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from extensor._analysis import AnalysisRun, run_analysis
from extensor._errors import ExtensorError, InputFormatError
from extensor._example import example_set
from extensor.coach import (
    Coaching,
    KeyFrame,
    coach_set,
    guide_path_for,
    render_report,
    write_report,
)
from extensor.coach._svg import MAX_PLOT_POINTS
from extensor.core._results import Notice
from extensor.core._synthetic import RepSpec, synthetic_set
from extensor.knowledge import Exercise, load_exercise

#: Elements that never have a closing tag.
VOID = {"meta", "link", "img", "br", "hr", "input", "source", "wbr", "col", "area", "base"}
#: Elements that SVG writes self-closed (``<line/>``) inside the inline plot.
SELF_CLOSED_OK = {"line", "rect", "circle", "polyline", "path"}
MAX_REPORT_BYTES = 2 * 1024 * 1024


class TagChecker(HTMLParser):
    """Collects tags and nesting errors (a closing tag that does not match the open one)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.counts: dict[str, int] = {}
        self.attrs: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self.attrs.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self.attrs.append((tag, dict(attrs)))
        if tag not in VOID | SELF_CLOSED_OK:
            self.errors.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check(html_text: str) -> TagChecker:
    checker = TagChecker()
    checker.feed(html_text)
    checker.close()
    return checker


def tiny_png() -> bytes:
    """A valid 1x1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def exercise() -> Exercise:
    return load_exercise()


@pytest.fixture(scope="module")
def example(exercise: Exercise) -> tuple[AnalysisRun, Coaching]:
    kp = example_set().keypoints
    assert kp is not None
    run = run_analysis(kp, goal="hypertrophy", variant="45_degree_bench", exercise=exercise)
    return run, coach_set(run.result, exercise=exercise)


@pytest.fixture(scope="module")
def report(example: tuple[AnalysisRun, Coaching], exercise: Exercise) -> str:
    run, coaching = example
    return render_report(
        run.result, coaching, exercise=exercise, motion=run.motion, guide_href="set-guide.html"
    )


def test_report_is_well_formed_html(report: str) -> None:
    assert report.startswith("<!DOCTYPE html>")
    parsed = check(report)
    assert parsed.errors == []
    assert parsed.stack == []
    assert parsed.counts["html"] == parsed.counts["head"] == parsed.counts["body"] == 1
    head = report[: report.index("</head>")]
    assert head.count("<title>") == 1


def test_report_plot_has_one_marker_per_fault(
    report: str, example: tuple[AnalysisRun, Coaching]
) -> None:
    """The example set is built with reps 6-8 past neutral and reps 7-8 lowered too fast:
    exactly those five markers, whatever the analysis would list."""
    assert report.count('<svg class="angle-plot"') == 1
    markers = re.findall(r'<g class="fault-marker" data-mistake="(\w+)" data-rep="(\d+)"', report)
    assert sorted(markers) == [
        ("past_neutral", "6"), ("past_neutral", "7"), ("past_neutral", "8"),
        ("rushed_lowering", "7"), ("rushed_lowering", "8"),
    ]  # fmt: skip


def test_report_numbers_each_rep_and_draws_neutral(
    report: str, example: tuple[AnalysisRun, Coaching]
) -> None:
    run, _ = example
    assert report.count('<g class="rep-label">') == len(run.result.reps) == 8
    assert '<g class="neutral-line">' in report
    assert 'class="phase phase-lift"' in report
    assert 'class="phase phase-lower"' in report


def test_report_table_has_one_row_per_rep(
    report: str, example: tuple[AnalysisRun, Coaching]
) -> None:
    """Eight reps built, eight rows numbered 1-8; reps 6, 7 and 8 are the faulty ones."""
    rows = re.findall(r'<tr class="rep-row[^"]*" data-rep="(\d+)"', report)
    assert rows == ["1", "2", "3", "4", "5", "6", "7", "8"]
    faulty = re.findall(r'<tr class="rep-row faulty" data-rep="(\d+)"', report)
    assert faulty == ["6", "7", "8"]


def test_report_has_tempo_bars_against_the_goal_target(
    report: str, example: tuple[AnalysisRun, Coaching]
) -> None:
    """One target row and one bar row for each of the eight complete reps built."""
    assert report.count('<g class="tempo-row target">') == 1
    assert report.count('<g class="tempo-row rep">') == 8
    assert ">goal target</text>" in report


def test_report_shows_cues_with_guide_links_and_the_verdict(
    report: str, example: tuple[AnalysisRun, Coaching]
) -> None:
    _, coaching = example
    for k, cue in enumerate(coaching.cues):
        assert f'id="cue-{cue.mistake}"' in report
        assert f'href="set-guide.html#mistake-{cue.mistake}"' in report
        assert f'href="set-guide.html#{cue.guide_section}"' in report
        assert cue.cue in report
        if k:
            prev = coaching.cues[k - 1].mistake
            assert report.index(f'id="cue-{prev}"') < report.index(f'id="cue-{cue.mistake}"')
    assert 'class="verdict verdict-too_heavy"' in report


def test_report_loads_nothing_from_outside(report: str) -> None:
    parsed = check(report)
    for tag, attrs in parsed.attrs:
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not re.match(r"^\s*(https?:)?//", value), (tag, name, value)
    assert "http://" not in report
    assert "https://" not in report
    assert "<script" not in report
    assert "@import" not in report


def test_report_is_small(report: str) -> None:
    assert len(report.encode("utf-8")) < MAX_REPORT_BYTES


def test_long_recording_is_thinned_and_stays_small(exercise: Exercise) -> None:
    s = synthetic_set([RepSpec()] * 25, rate_hz=200.0, noise_deg=0.3, seed=4)
    run = run_analysis(s.motion, goal="hypertrophy", variant="45_degree_bench", exercise=exercise)
    assert run.motion.time.size > 4 * MAX_PLOT_POINTS
    text = render_report(
        run.result, coach_set(run.result, exercise=exercise), exercise=exercise, motion=run.motion
    )
    points = sum(len(p.split()) for p in re.findall(r'<polyline points="([^"]*)"', text))
    assert points <= MAX_PLOT_POINTS
    assert len(text.encode("utf-8")) < MAX_REPORT_BYTES


def test_notice_text_is_escaped(example: tuple[AnalysisRun, Coaching], exercise: Exercise) -> None:
    run, coaching = example
    evil = Notice("gap", '<script>alert("x")</script> & <b>bold</b>')
    result = replace(run.result, notices=(evil,), source="<img src=x onerror=1>.csv")
    text = render_report(result, coaching, exercise=exercise, motion=run.motion)
    assert "<script>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text
    assert "<img src=x" not in text
    assert check(text).errors == []


def test_notices_come_before_the_cues(
    example: tuple[AnalysisRun, Coaching], exercise: Exercise
) -> None:
    run, coaching = example
    result = replace(
        run.result, notices=(Notice("low_confidence", "30% of samples were unusable"),)
    )
    text = render_report(result, coaching, exercise=exercise, motion=run.motion)
    assert text.index('id="data-quality"') < text.index('id="cues"') < text.index('id="plot"')


def test_key_frames_are_embedded_as_data_images(
    example: tuple[AnalysisRun, Coaching], exercise: Exercise
) -> None:
    run, coaching = example
    frames = [KeyFrame(6, "top", tiny_png(), time=31.8), KeyFrame(6, "bottom", tiny_png())]
    text = render_report(
        run.result, coaching, exercise=exercise, motion=run.motion, key_frames=frames
    )
    assert text.count('src="data:image/png;base64,') == 2
    assert text.index('data-phase="bottom"') < text.index('data-phase="top"')
    assert "Rep 6, top at 31.8 s" in text


def test_key_frame_must_be_png(example: tuple[AnalysisRun, Coaching]) -> None:
    with pytest.raises(InputFormatError, match="must be PNG bytes"):
        KeyFrame(1, "top", b"GIF89a...")
    with pytest.raises(InputFormatError, match="phase must be one of"):
        KeyFrame(1, "middle", tiny_png())


def test_report_without_motion_says_there_is_no_plot(
    example: tuple[AnalysisRun, Coaching], exercise: Exercise
) -> None:
    run, coaching = example
    text = render_report(run.result, coaching, exercise=exercise)
    assert '<svg class="angle-plot"' not in text
    assert "no plot" in text
    assert check(text).errors == []


def test_write_report_writes_the_guide_the_links_point_into(
    tmp_path: Path, example: tuple[AnalysisRun, Coaching], exercise: Exercise
) -> None:
    run, coaching = example
    files = write_report(
        tmp_path / "set.html", run.result, coaching, exercise=exercise, motion=run.motion
    )
    assert files.report == tmp_path / "set.html"
    assert files.guide == guide_path_for(files.report) == tmp_path / "set-guide.html"
    text = files.report.read_text(encoding="utf-8")
    guide = files.guide.read_text(encoding="utf-8")
    assert files.size_bytes == len(text.encode("utf-8"))
    anchors = re.findall(r'href="set-guide\.html#([\w-]+)"', text)
    assert anchors
    for anchor in anchors:
        assert f'id="{anchor}"' in guide, anchor
    assert sorted(p.name for p in tmp_path.iterdir()) == ["set-guide.html", "set.html"]


def test_write_report_leaves_no_temporary_file_when_the_rename_fails(
    tmp_path: Path,
    example: tuple[AnalysisRun, Coaching],
    exercise: Exercise,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run, coaching = example

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("extensor._files.os.replace", broken_replace)
    with pytest.raises(ExtensorError, match="No space left"):
        write_report(tmp_path / "set.html", run.result, coaching, exercise=exercise)
    assert list(tmp_path.iterdir()) == []
