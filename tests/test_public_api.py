"""The public surface of ``extensor`` is exactly ``__all__``, and every name in it is documented
(httpx's model, ``../shared/STYLE.md`` habit 6)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import extensor
from extensor.core import RepSpec, synthetic_set

ROOT = Path(__file__).resolve().parents[1]


def test_the_root_exports_exactly_this_list() -> None:
    """Adding or removing a public name is a deliberate change to this list."""
    assert extensor.__all__ == [
        "AnalysisError",
        "ConfigError",
        "EmptyInputError",
        "Exercise",
        "ExtensorError",
        "Fault",
        "InputError",
        "InputFormatError",
        "KnowledgeBaseError",
        "MissingExtraError",
        "Notice",
        "Rep",
        "SetAnalysis",
        "SetMetrics",
        "StoreError",
        "TimeSeries",
        "__version__",
        "analyze",
        "load_exercise",
    ]


@pytest.mark.parametrize("name", [n for n in extensor.__all__ if n != "__version__"])
def test_every_public_name_is_exported_and_documented(name: str) -> None:
    """Each name resolves on the package and has a docstring written for it (not the
    signature a dataclass makes up, not one inherited from a base class)."""
    obj = getattr(extensor, name)
    doc = obj.__doc__
    assert doc, f"extensor.{name} has no docstring"
    assert not doc.startswith(f"{name}("), f"extensor.{name} only has the dataclass signature"
    if inspect.isclass(obj):
        assert all(doc is not base.__doc__ for base in obj.__mro__[1:])


def test_the_version_is_the_distributions() -> None:
    """``extensor.__version__`` is the one in pyproject.toml."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{extensor.__version__}"' in text


def test_analyze_takes_a_series_and_a_path(tmp_path: Path) -> None:
    """``extensor.analyze`` gives the same reps for a motion series and for the same set
    written to an encoder CSV (4 synthetic reps, no fault)."""
    s = synthetic_set([RepSpec()] * 4, noise_deg=0.0, seed=3)
    from_series = extensor.analyze(s.motion, goal="hypertrophy", variant="45_degree_bench")
    assert isinstance(from_series, extensor.SetAnalysis)
    assert from_series.metrics.rep_count == 4
    csv = tmp_path / "set.csv"
    rows = zip(s.motion.time.tolist(), s.motion.data["extension"].tolist(), strict=True)
    csv.write_text("time,angle\n" + "".join(f"{t:.4f},{a:.4f}\n" for t, a in rows))
    from_file = extensor.analyze(
        csv, goal="hypertrophy", variant="45_degree_bench", angle_unit="deg"
    )
    assert from_file.metrics.rep_count == 4
    assert [r.number for r in from_file.reps] == [1, 2, 3, 4]
    for a, b in zip(from_series.reps, from_file.reps, strict=True):
        assert a.lift_s == pytest.approx(b.lift_s, abs=0.05)


def test_analyze_refuses_read_options_with_a_series() -> None:
    """Read options only make sense for a file: passing them with a series is a ConfigError."""
    s = synthetic_set([RepSpec()] * 2, noise_deg=0.0, seed=1)
    with pytest.raises(
        extensor.ConfigError, match=r"apply to a path, got a TimeSeries with \['stride'\]"
    ):
        extensor.analyze(s.motion, goal="hypertrophy", variant="45_degree_bench", stride=2)


def test_docs_show_only_public_imports() -> None:
    """README and docs/*.md import nothing from a private module (``extensor._x`` or
    ``extensor.pkg._x``), except the mistake plug-in template, whose module lives inside
    ``extensor.core.mistakes`` and so imports the core's own modules."""
    import re

    private = re.compile(r"^\s*(?:>>>\s*)?(?:from|import)\s+extensor(?:\.\w+)*\._\w+", re.M)
    offenders = []
    inside_core = re.compile(r"^\s*from\s+extensor\.core\.")
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for m in private.finditer(path.read_text(encoding="utf-8")):
            if path.name == "new-mistake.md" and inside_core.match(m.group(0)):
                continue
            offenders.append(f"{path.name}: {m.group(0).strip()}")
    assert offenders == []
