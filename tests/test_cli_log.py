"""The training-log commands: profile, log, history, next, export and import."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extensor.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated(isolated_settings: Path) -> Path:
    """Own settings and data directory (``isolated_settings``)."""
    return isolated_settings


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def ok(*args: str) -> str:
    code, out = run(*args)
    assert code == 0, out
    return out


@pytest.mark.parametrize("command", ["profile", "log", "history", "next", "export", "import"])
def test_every_command_has_help(command: str) -> None:
    assert "Usage" in ok(command, "--help")


def test_profile_shows_the_settings_defaults_until_saved(isolated: Path) -> None:
    out = ok("profile")
    assert "Not saved yet" in out
    assert "Hypertrophy" in out
    assert "2.5 kg" in out
    ok(
        "profile",
        "--goal",
        "strength",
        "--variant",
        "seated_lever_machine",
        "--increment",
        "1.25kg",
    )
    data = json.loads(ok("profile", "--json"))
    assert data["stored"] is True
    assert (data["goal"], data["variant"], data["increment"], data["unit"]) == (
        "strength", "seated_lever_machine", 1.25, "kg")  # fmt: skip
    assert (isolated / "data" / "extensor.db").exists()


def test_profile_unit_change_resets_or_converts_the_increment() -> None:
    out = ok("profile", "--unit", "lb")
    assert "load step reset to 5 lb" in out
    out = ok("profile", "--increment", "2.5kg")
    assert "2.5kg is 5.51 lb in your unit" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--goal", "nap"), "unknown goal 'nap'"),
        (("--level", "expert"), "unknown level 'expert'"),
        (("--increment", "0kg"), "the load step must be above 0"),
        (("--increment", "a lot"), "load must be a number"),
    ],
)
def test_profile_errors_exit_1_with_one_line(args: tuple[str, ...], message: str) -> None:
    code, out = run("profile", *args)
    assert code == 1
    assert message in out


def test_log_records_sets_and_history_shows_them() -> None:
    ok("profile", "--variant", "seated_lever_machine")
    out = ok(
        "log", "--load", "40kg", "--reps", "12", "--sets", "3", "--rpe", "7", "--date", "2024-05-01"
    )
    assert "Logged 3 sets x 12 reps at 40 kg on 2024-05-01 (Seated lever machine)" in out
    ok("log", "--load", "90lb", "--reps", "10", "--date", "2024-05-03", "--fault", "momentum",
       "--note", "felt fast")  # fmt: skip
    out = ok("history")
    assert "2024-05-01" in out
    assert "2024-05-03" in out
    assert "3 x 12" in out
    assert "1,440 kg" in out
    assert "momentum" in out
    assert "Personal bests" in out
    assert "most reps in a set" in out
    data = json.loads(ok("history", "--json", "--last", "1"))
    assert data["total_sessions"] == 2
    (session,) = data["sessions"]
    assert session["sets"][0]["unit"] == "lb"
    assert session["sets"][0]["faults"] == ["momentum"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("--load", "40kg", "--reps", "10", "--rpe", "7", "--rir", "2"),
            2,
            "either --rpe or --rir",
        ),
        (("--load", "forty", "--reps", "10"), 1, "load must be a number with an optional unit"),
        (("--load", "40st", "--reps", "10"), 1, "unit must be kg or lb, got 'st'"),
        (
            ("--load", "40", "--reps", "10", "--fault", "slouching"),
            1,
            "unknown mistake 'slouching'",
        ),
        (("--load", "40", "--reps", "10", "--date", "2999-01-01"), 1, "must not be in the future"),
        (
            ("--load", "40", "--reps", "10", "--date", "May 1"),
            1,
            "--date must be a date as YYYY-MM-DD",
        ),
        (("--load", "40", "--reps", "10", "--rpe", "12"), 1, "RPE must be between 1 and 10"),
        (("--load", "40", "--reps", "10", "--sets", "50"), 1, "sets must be between 1 and 20"),
    ],
)
def test_log_refuses_bad_entries(args: tuple[str, ...], code: int, message: str) -> None:
    got, out = run("log", *args)
    assert got == code, out
    assert message in " ".join(out.split())
    assert "No sessions logged yet" in ok("history")


def test_log_with_pain_points_to_next() -> None:
    out = ok("log", "--load", "30kg", "--reps", "6", "--pain", "--date", "2024-05-01")
    assert "Pain noted" in out


def test_next_follows_a_scripted_history() -> None:
    """Clean at the top -> add load; then a fault -> keep load; then pain -> stop."""
    ok(
        "profile",
        "--goal",
        "hypertrophy",
        "--variant",
        "seated_lever_machine",
        "--increment",
        "2.5kg",
    )
    first = json.loads(ok("next", "--json", "--date", "2024-04-30"))
    assert first["rule"] == "no_history"
    ok("log", "--load", "40kg", "--reps", "15", "--sets", "3", "--date", "2024-05-01")
    rec = json.loads(ok("next", "--json", "--date", "2024-05-03"))
    assert (rec["rule"], rec["load"], rec["target_reps"]) == ("add_load", 42.5, 10)
    ok("log", "--load", "42.5kg", "--reps", "10", "--sets", "3", "--date", "2024-05-03",
       "--fault", "bounce")  # fmt: skip
    rec = json.loads(ok("next", "--json", "--date", "2024-05-05"))
    assert (rec["rule"], rec["load"], rec["focus"]) == ("fix_one_fault", 42.5, "bounce")
    ok("log", "--load", "42.5kg", "--reps", "5", "--pain", "--date", "2024-05-05")
    out = ok("next", "--date", "2024-05-07")
    assert "STOP this exercise" in out
    assert "45-degree bench with body weight" in " ".join(out.split())
    assert "rule pain" in out
    later = json.loads(ok("next", "--json", "--date", "2024-06-30"))
    assert later["rule"] == "pain"  # no pain-free session since: still stop
    given = json.loads(ok("export", "--format", "json"))["recommendations"]
    assert [r["rule"] for r in given] == [
        "no_history", "add_load", "fix_one_fault", "pain", "pain"]  # fmt: skip


def test_next_prints_plan_advice_and_reason() -> None:
    ok("log", "--load", "20kg", "--reps", "10", "--sets", "3", "--date", "2024-05-01")
    out = ok("next", "--date", "2024-05-03")
    assert "Keep 20 kg, more clean reps" in out
    assert "plan" in out
    assert "3 x 11 at 20 kg" in out
    assert "why" in out
    assert "--goal" not in out


def test_next_goal_option_overrides_the_profile() -> None:
    ok("log", "--load", "20kg", "--reps", "12", "--sets", "3", "--date", "2024-05-01")
    assert json.loads(ok("next", "--json", "--date", "2024-05-02"))["rule"] == "more_clean_reps"
    rec = json.loads(ok("next", "--json", "--date", "2024-05-02", "--goal", "strength"))
    assert rec["rule"] == "add_load"  # 12 is the top of strength's 8-12


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_history_plot(tmp_path: Path, suffix: str) -> None:
    for day, load in (("2024-05-01", "40"), ("2024-05-03", "42.5")):
        ok("log", "--load", load, "--reps", "12", "--sets", "3", "--date", day)
    path = tmp_path / f"history{suffix}"
    assert "Plot written" in ok("history", "--plot", str(path))
    head = path.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in path.read_bytes()


def test_history_plot_needs_a_known_suffix_and_matplotlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok("log", "--load", "40", "--reps", "12", "--date", "2024-05-01")
    code, out = run("history", "--plot", str(tmp_path / "h.pdf"))
    assert code == 1
    assert "must end in .png or .svg" in out
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out = run("history", "--plot", str(tmp_path / "h.png"))
    assert code == 1
    assert "pip install 'extensor[report]'" in out


def test_export_and_import_round_trip(tmp_path: Path) -> None:
    ok("log", "--load", "40kg", "--reps", "12", "--sets", "2", "--date", "2024-05-01")
    csv_text = ok("export")
    assert csv_text.splitlines()[0].startswith("date,session_id,set,variant")
    assert len(csv_text.splitlines()) == 3
    out_file = tmp_path / "out" / "log.json"
    assert "Exported to" in ok("export", "--format", "json", "--output", str(out_file))
    assert len(json.loads(out_file.read_text())["sessions"]) == 1

    strong = tmp_path / "strong.csv"
    strong.write_text(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
        "Workout Notes,RPE\n"
        '2024-04-20 10:00:00,"A",30m,"Back Extension",1,35,12,0,0,"","",\n'
        '2024-04-20 10:00:00,"A",30m,"Back Extension",2,35,11,0,0,"","",\n',
        encoding="utf-8",
    )
    out = ok("import", str(strong))
    assert "imported          2 sets on 1 day" in out
    again = json.loads(ok("import", str(strong), "--json"))
    assert (again["imported"], again["already_imported"]) == (0, 2)
    assert "2024-04-20" in ok("history")


def test_import_errors_name_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "hevy.csv"
    bad.write_text(
        "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
        "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe\n"
        '"A","1 May 2024, 10:00","1 May 2024, 11:00","",Back Extension,,"",0,normal,ten,12,,,\n',
        encoding="utf-8",
    )
    code, out = run("import", str(bad))
    assert code == 1
    assert "row 2, column 'weight_kg': must be a number, got 'ten'" in " ".join(out.split())


def test_db_option_and_environment_choose_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "elsewhere.db"
    ok("log", "--load", "40", "--reps", "12", "--date", "2024-05-01", "--db", str(other))
    assert other.exists()
    assert "No sessions logged yet" in ok("history")
    monkeypatch.setenv("EXTENSOR_DB", f"sqlite:///{other}")
    assert "2024-05-01" in ok("history")


def test_the_service_stores_an_analysed_set_with_its_reps_and_faults(tmp_path: Path) -> None:
    """What `extensor analyze --save` calls (extensor.app.analyze_and_coach with a LogEntry):
    stores the complete reps, the clean ones and every fault, then judges the log."""
    from extensor._config import load_settings
    from extensor.app import LogEntry, analyze_and_coach
    from extensor.core._synthetic import RepSpec, synthetic_set
    from extensor.store import Store, resolve_db_url

    specs = [RepSpec(lift_s=0.35)] * 2 + [RepSpec()] * 10
    series = synthetic_set(specs, noise_deg=0.2, seed=4).motion
    with Store(resolve_db_url(load_settings())) as store:
        done = analyze_and_coach(
            series, goal="hypertrophy", variant="45_degree_bench", store=store,
            log=LogEntry(load=0.0, unit="kg"),
        )  # fmt: skip
    assert done.logged is not None
    assert (done.result.complete_rep_count, len(done.result.clean_reps)) == (12, 10)
    assert done.coaching.verdict.rule == "load_too_heavy"  # a swung lift: too heavy
    data = json.loads(ok("history", "--json"))
    (one,) = data["sessions"][0]["sets"]
    assert (one["reps"], one["clean_reps"], one["source"]) == (12, 10, "keypoints")
    assert one["faults"] == ["momentum", "momentum"]
