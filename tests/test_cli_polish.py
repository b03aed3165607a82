"""What a new user trips over in the terminal: names as typed, --version, help, no writes
before the arguments are valid, the history table at 80 columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from extensor._errors import KnowledgeBaseError
from extensor._version import __version__
from extensor.cli import app
from extensor.knowledge import load_exercise

runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated(isolated_settings: Path) -> Path:
    """Own settings and data directory (``isolated_settings``)."""
    return isolated_settings


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("typed", "goal"),
    [("Strength", "strength"), ("warm-up", "warm_up"), ("Warm Up", "warm_up"),
     ("WARM_UP", "warm_up"), ("hypertrophy", "hypertrophy")],
)  # fmt: skip
def test_goal_accepts_case_and_separators(typed: str, goal: str) -> None:
    """A goal typed with any case and hyphen, space or underscore finds its id."""
    assert load_exercise().goal(typed).id == goal


def test_variant_accepts_its_display_name() -> None:
    """A variant is found by its id in any spelling or by its name."""
    ex = load_exercise()
    assert ex.variant("Seated-Lever-Machine").id == "seated_lever_machine"
    assert ex.variant("Roman chair").id == "roman_chair"


def test_unknown_goal_suggests_the_closest() -> None:
    """A misspelt goal names the closest id and still lists them all."""
    with pytest.raises(KnowledgeBaseError, match=r"unknown goal 'strenght'.*choose one of: .*"
                       r"\(did you mean 'strength'\?\)"):  # fmt: skip
        load_exercise().goal("strenght")


def test_next_with_spelt_goal_runs(isolated: Path) -> None:
    """``next --goal Strength`` advises for the strength goal."""
    code, out = run("next", "--goal", "Strength")
    assert code == 0, out
    assert "strength development" in out


@pytest.mark.parametrize(
    "args",
    [("next", "--goal", "foo"), ("profile", "--goal", "foo"), ("profile", "--variant", "leg"),
     ("log", "--load", "40kg", "--reps", "5", "--variant", "leg"),
     ("log", "--load", "40kg", "--reps", "5", "--fault", "nap"),
     ("log", "--load", "heavy", "--reps", "5"), ("import", "missing.csv"),
     ("import", "missing.csv", "--variant", "leg"), ("compare", "--set", "1", "--set", "2"),
     ("history", "--plot", "h.txt")],
)  # fmt: skip
def test_a_bad_argument_creates_no_database(isolated: Path, args: tuple[str, ...]) -> None:
    """A command that fails on its arguments exits 1 and writes nothing: no training log."""
    code, out = run(*args)
    assert code == 1, out
    assert not (isolated / "data" / "extensor.db").exists()
    assert not (isolated / "data").exists() or not any((isolated / "data").iterdir())


def test_version_prints_the_package_version() -> None:
    code, out = run("--version")
    assert code == 0
    assert out.strip() == f"extensor {__version__}"


@pytest.mark.parametrize("command", ["analyze", "next", "log", "history"])
def test_help_shows_no_bool_metavar_on_flags(command: str) -> None:
    """Plain on/off flags (``--json``, ``--pain``, ``--help``) carry no ``<bool>`` value."""
    code, out = run(command, "--help")
    assert code == 0
    assert "<bool>" not in out
    assert "--help" in out


def test_analyze_and_report_show_velocity_loss_and_smoothness(tmp_path: Path) -> None:
    """The terminal and the HTML report show both numbers with their one-line meaning."""
    from extensor.coach import NUMBER_HELP
    from extensor.core._synthetic import RepSpec, synthetic_set
    from extensor.io import write_extensor_csv

    kp = synthetic_set([RepSpec()] * 6, noise_deg=0.3, keypoints=True, seed=5).keypoints
    assert kp is not None
    csv = write_extensor_csv(kp, tmp_path / "set.csv")
    report = tmp_path / "r.html"
    result = runner.invoke(app, ["analyze", str(csv), "--report", str(report)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "velocity loss " in flat
    assert " ".join(NUMBER_HELP["velocity_loss"].split()) in flat
    assert "smoothness -" in flat
    html = report.read_text(encoding="utf-8")
    assert 'id="numbers-help"' in html
    assert "smoothness (LDLJ)" in html


def _log_faulty_sessions() -> None:
    for day in ("2024-05-01", "2024-05-03", "2024-05-05"):
        code, out = run("log", "--load", "40kg", "--reps", "12", "--sets", "3", "--date", day,
                        "--fault", "momentum", "--fault", "rushed_lowering",
                        "--fault", "past_neutral")  # fmt: skip
        assert code == 0, out
    code, out = run("log", "--load", "90lb", "--reps", "10", "--date", "2024-05-07",
                    "--variant", "roman_chair", "--pain")  # fmt: skip
    assert code == 0, out


def test_history_at_80_columns_keeps_every_number_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """With faults logged and two variants, an 80-column terminal shows every date, load
    and volume whole; the faults wrap by words and the variant column is dropped (said)."""
    from extensor.cli import _app

    _log_faulty_sessions()
    monkeypatch.setattr(_app.console, "_width", 80)
    code, out = run("history")
    assert code == 0, out
    assert "…" not in out
    for text in ("2024-05-01", "2024-05-07", "3 x 12", "40.82 kg", "1,440 kg", "408 kg", "yes"):
        assert text in out
    assert "momentum x3" in " ".join(out.split())
    assert "not shown at this width: variant" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_history_wide_terminal_shows_the_variant(monkeypatch: pytest.MonkeyPatch) -> None:
    from extensor.cli import _app

    _log_faulty_sessions()
    monkeypatch.setattr(_app.console, "_width", 140)
    code, out = run("history")
    assert code == 0, out
    assert "45_degree_bench" in out
    assert "not shown" not in out
    assert "rushed lowering x3" in out
