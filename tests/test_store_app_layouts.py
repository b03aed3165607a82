"""Export in the Strong and Hevy layouts and import back; import keeps the machine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extensor.cli import app
from extensor.progression import Profile
from extensor.store import Store, export_log, import_file, load_history, log_sets, save_profile

SETS = [
    # day, load, unit, reps, sets, variant, rpe, note
    (date(2024, 5, 1), 40.0, "kg", 12, 3, "seated_lever_machine", 7.0, "felt solid"),
    (date(2024, 5, 3), 90.0, "lb", 10, 2, "roman_chair", None, None),
    (date(2024, 5, 6), 0.0, "kg", 15, 1, "45_degree_bench", 8.5, "bodyweight"),
    (date(2024, 5, 6), 10.0, "kg", 8, 1, "prone_lever_machine", None, None),
]


def filled(path: Path, unit: str = "kg") -> Store:
    store = Store(path)
    save_profile(store, Profile(goal="strength", variant="45_degree_bench", unit=unit))  # type: ignore[arg-type]
    for day, load, u, reps, n, variant, rpe, note in SETS:
        log_sets(store, day=day, load=load, unit=u, reps=reps, sets=n, variant=variant,
                 goal="strength", rpe=rpe, note=note)  # fmt: skip
    return store


def sets_of(store: Store, unit: str) -> list[tuple[object, ...]]:
    return [
        (s.day, round(x.load_in(unit), 2), x.reps, x.variant, x.rpe, x.note)
        for s in load_history(store) for x in s.sets
    ]  # fmt: skip


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Store]:
    with filled(tmp_path / "a.db") as store:
        yield store


@pytest.mark.parametrize("fmt", ["strong", "hevy"])
def test_export_then_import_gives_the_same_sets(source: Store, tmp_path: Path, fmt: str) -> None:
    """Day, load (in one unit, 0.01 kg), reps, variant, RPE and note survive the round trip;
    repeating the import adds nothing."""
    path = tmp_path / f"{fmt}.csv"
    path.write_text(export_log(source, fmt=fmt), encoding="utf-8")  # type: ignore[arg-type]
    with Store(tmp_path / "b.db") as fresh:
        report = import_file(fresh, path)
        assert report.format == fmt
        assert report.imported == sum(n for *_, n, _v, _r, _no in SETS)
        assert sets_of(fresh, "kg") == sets_of(source, "kg")
        again = import_file(fresh, path)
        assert (again.imported, again.already) == (0, report.imported)


def test_strong_export_writes_the_weight_unit_and_the_machine_name(source: Store) -> None:
    lines = export_log(source, fmt="strong").splitlines()
    assert lines[0].startswith(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Weight Unit"
    )
    assert lines[1] == ("2024-05-01 12:00:00,extensor,,Back Extension (Machine),1,40,kg,12,,,,"
                        "felt solid,,7")  # fmt: skip
    assert ",Back Extension (Roman Chair),1,90,lbs,10," in lines[4]


def test_hevy_export_uses_the_profile_unit(tmp_path: Path) -> None:
    with filled(tmp_path / "lb.db", unit="lb") as store:
        lines = export_log(store, fmt="hevy").splitlines()
    assert ",weight_lbs," in lines[0]
    assert lines[1].startswith('extensor,"1 May 2024, 12:00",')
    assert ",Back Extension (Machine),,felt solid,0,normal,88.185,12," in lines[1]


STRONG = """Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE
2024-03-04 18:02:11,Pull,52m,Back Extension (Machine),1,30,12,0,0,,,7
2024-03-04 18:02:11,Pull,52m,Hyperextension,1,0,15,0,0,,,
2024-03-04 18:02:11,Pull,52m,Back Extension,1,20,10,0,0,,,
2024-03-04 18:02:11,Pull,52m,Back Extension,2,20,10,0,0,,,
"""


def test_import_keeps_the_machine_and_says_what_it_assumed(tmp_path: Path) -> None:
    """The machine row goes to the seated lever machine, "Hyperextension" to the 45-degree
    bench, a bare "Back Extension" to the profile's variant, each said in the report."""
    path = tmp_path / "strong.csv"
    path.write_text(STRONG, encoding="utf-8")
    with Store(tmp_path / "log.db") as store:
        save_profile(store, Profile(variant="roman_chair"))
        report = import_file(store, path)
        variants = [x.variant for s in load_history(store) for x in s.sets]
    assert variants == ["seated_lever_machine", "45_degree_bench", "roman_chair", "roman_chair"]
    assert dict(report.variants) == {"seated_lever_machine": 1, "45_degree_bench": 1,
                                     "roman_chair": 2}  # fmt: skip
    assert report.assumed == (
        "'Back Extension' (2 sets) -> roman_chair, your profile's variant: the name does not "
        "say which machine",
        "'Back Extension (Machine)' (1 set) -> seated_lever_machine, from the exercise name",
        "'Hyperextension' (1 set) -> 45_degree_bench, from the exercise name",
    )


def test_cli_import_prints_the_assumptions_and_variant_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXTENSOR_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("EXTENSOR_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "strong.csv"
    path.write_text(STRONG, encoding="utf-8")
    out = CliRunner().invoke(app, ["import", str(path)])
    assert out.exit_code == 0, out.output
    flat = " ".join(out.stdout.split())
    assert (
        "'Back Extension (Machine)' (1 set) -> Seated lever machine, from the exercise name" in flat
    )
    forced = CliRunner().invoke(app, ["import", str(path), "--variant", "roman_chair",
                                      "--db", str(tmp_path / "other.db")])  # fmt: skip
    assert "-> Roman chair, as asked (--variant)" in " ".join(forced.stdout.split())
    exported = CliRunner().invoke(app, ["export", "--format", "hevy"])
    assert exported.exit_code == 0, exported.output
    assert "Back Extension (Machine)" in exported.stdout
