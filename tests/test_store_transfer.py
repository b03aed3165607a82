"""Export of the training log (CSV, JSON) and import of Strong and Hevy CSV exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from extensor._errors import InputFormatError
from extensor.progression import Profile
from extensor.store import (
    CSV_COLUMNS,
    EXPORT_SCHEMA,
    Store,
    export_log,
    import_file,
    is_back_extension,
    load_history,
    log_sets,
    save_profile,
)

STRONG_HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE"
)
STRONG = f"""{STRONG_HEADER}
2024-03-04 18:02:11,"Pull day",52m,"Lat Pulldown (Cable)",1,45,10,0,0,"","",
2024-03-04 18:02:11,"Pull day",52m,"Back Extension (Machine)",W,20,10,0,0,"","",
2024-03-04 18:02:11,"Pull day",52m,"Back Extension (Machine)",1,30,12,0,0,"felt solid","",7
2024-03-04 18:02:11,"Pull day",52m,"Back Extension (Machine)",2,30,12,0,0,"","",7.5
2024-03-04 18:02:11,"Pull day",52m,"Back Extension (Machine)",3,30,11,0,0,"","",8
2024-03-04 18:02:11,"Pull day",52m,"Reverse Hyperextension",1,0,15,0,0,"","",
2024-03-07 17:40:00,"Pull day",47m,"Hyperextension",1,0,15,0,0,"","",
2024-03-07 17:40:00,"Pull day",47m,"Hyperextension",2,0,0,0,0,"","",
"""
STRONG_LEGACY = """Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;Distance Unit;Seconds;Notes;Workout Notes;Workout Duration
2023-11-20 07:15:00;"Morning";"Back Extension";1;45;lbs;12;;;;0;"";"";40m
2023-11-20 07:15:00;"Morning";"Back Extension";2;45;lbs;12;;;;0;"";"";40m
"""
HEVY = """title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe
"Lower B","12 Apr 2024, 19:05","12 Apr 2024, 20:01","",Back Extension (Hyperextension),,"",0,warmup,,10,,,
"Lower B","12 Apr 2024, 19:05","12 Apr 2024, 20:01","",Back Extension (Hyperextension),,"slow down",1,normal,10,12,,,8
"Lower B","12 Apr 2024, 19:05","12 Apr 2024, 20:01","",Back Extension (Hyperextension),,"",2,failure,10,9,,,10
"Lower B","12 Apr 2024, 19:05","12 Apr 2024, 20:01","",Romanian Deadlift (Barbell),,"",0,normal,60,8,,,
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "log.db") as opened:
        save_profile(opened, Profile(goal="strength", variant="seated_lever_machine", unit="kg"))
        yield opened


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Back Extension", True),
        ("Back Extension (Machine)", True),
        ("Lever Back Extension", True),
        ("Hyperextension", True),
        ("Hyper-Extension", True),
        ("back extension (weighted hyperextension)", True),
        ("Reverse Hyperextension", False),
        ("Back Squat (Barbell)", False),
        ("Triceps Extension", False),
    ],
)
def test_back_extension_names_are_recognised(name: str, expected: bool) -> None:
    assert is_back_extension(name) is expected


def test_strong_import_takes_back_extension_work_sets_only(store: Store, tmp_path: Path) -> None:
    report = import_file(store, write(tmp_path, "strong.csv", STRONG))
    assert report.format == "strong"
    assert (report.imported, report.warmups, report.empty, report.other) == (4, 1, 1, 2)
    history = load_history(store)
    assert [s.day for s in history] == [date(2024, 3, 4), date(2024, 3, 7)]
    first = history[0].sets
    assert [(s.load, s.unit, s.reps, s.rpe) for s in first] == [
        (30, "kg", 12, 7),
        (30, "kg", 12, 7.5),
        (30, "kg", 11, 8),
    ]
    assert first[0].note == "felt solid"
    assert all(s.source == "import" and s.clean_reps is None for s in first)
    assert {s.variant for s in first} == {"seated_lever_machine"}  # from the profile
    assert history[1].sets[0].load == 0  # bodyweight hyperextension


def test_importing_the_same_file_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "strong.csv", STRONG)
    import_file(store, path)
    again = import_file(store, path)
    assert (again.imported, again.already) == (0, 4)
    assert sum(len(s.sets) for s in load_history(store)) == 4


def test_a_grown_export_adds_only_the_new_rows(store: Store, tmp_path: Path) -> None:
    import_file(store, write(tmp_path, "a.csv", STRONG))
    grown = STRONG + '2024-03-10 17:00:00,"Pull day",40m,"Hyperextension",1,5,15,0,0,"","",\n'
    report = import_file(store, write(tmp_path, "b.csv", grown))
    assert (report.imported, report.already) == (1, 4)


def test_imported_sets_follow_manual_sets_of_the_same_day(store: Store, tmp_path: Path) -> None:
    log_sets(store, day=date(2024, 3, 4), load=25, unit="kg", reps=10, variant="roman_chair")
    import_file(store, write(tmp_path, "strong.csv", STRONG))
    assert [s.load for s in load_history(store)[0].sets] == [25, 30, 30, 30]


def test_strong_legacy_layout_with_weight_unit_and_semicolons(store: Store, tmp_path: Path) -> None:
    report = import_file(store, write(tmp_path, "old.csv", STRONG_LEGACY))
    assert report.imported == 2
    assert [(s.load, s.unit) for s in load_history(store)[0].sets] == [(45, "lb"), (45, "lb")]


def test_strong_without_unit_column_uses_the_given_unit(store: Store, tmp_path: Path) -> None:
    import_file(store, write(tmp_path, "strong.csv", STRONG), unit="lb")
    assert {s.unit for day in load_history(store) for s in day.sets} == {"lb"}


def test_hevy_import(store: Store, tmp_path: Path) -> None:
    report = import_file(store, write(tmp_path, "hevy.csv", HEVY), variant="45_degree_bench")
    assert report.format == "hevy"
    assert (report.imported, report.warmups, report.other) == (2, 1, 1)
    (day,) = load_history(store)
    assert day.day == date(2024, 4, 12)
    assert [(s.load, s.unit, s.reps, s.rpe, s.variant) for s in day.sets] == [
        (10, "kg", 12, 8, "45_degree_bench"),
        (10, "kg", 9, 10, "45_degree_bench"),
    ]
    assert day.sets[0].note == "slow down"


def test_hevy_pounds_column(store: Store, tmp_path: Path) -> None:
    text = HEVY.replace("weight_kg", "weight_lbs").replace("distance_km", "distance_miles")
    import_file(store, write(tmp_path, "hevy.csv", text))
    assert {s.unit for s in load_history(store)[0].sets} == {"lb"}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (",3,30,11,", ",3,30,eleven,", r"row 6, column 'Reps': must be a number, got 'eleven'"),
        (",3,30,11,", ",3,-30,11,", r"row 6, column 'Weight': must be a load between 0 and 500 kg"),
        (",3,30,11,", ",3,30,11.5,", r"row 6, column 'Reps': must be a whole number of reps"),
        (",3,30,11,", ",X,30,11,", r"row 6, column 'Set Order': must be a set number, or W, D or F"),
        ('2024-03-07 17:40:00,"Pull day",47m,"Hyperextension",1',
         '07/03/2024,"Pull day",47m,"Hyperextension",1',
         r"row 8, column 'Date': must be a date and time"),
        ('"",7.5', '"",12', r"row 5, column 'RPE': must be an RPE between 1 and 10"),
    ],
)  # fmt: skip
def test_malformed_rows_name_file_row_and_column_and_import_nothing(
    store: Store, tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in STRONG
    path = write(tmp_path, "strong.csv", STRONG.replace(old, new, 1))
    with pytest.raises(InputFormatError, match=message) as info:
        import_file(store, path)
    assert str(info.value).startswith(str(path))
    assert "nothing was imported" in str(info.value)
    assert load_history(store) == []


def test_malformed_rows_of_other_exercises_are_ignored(store: Store, tmp_path: Path) -> None:
    text = STRONG.replace('"Lat Pulldown (Cable)",1,45,10', '"Lat Pulldown (Cable)",1,heavy,ten')
    assert import_file(store, write(tmp_path, "strong.csv", text)).imported == 4


def test_every_problem_is_counted(store: Store, tmp_path: Path) -> None:
    text = STRONG.replace(",12,0,0", ",twelve,0,0")
    with pytest.raises(InputFormatError, match=r"row 4, .* \(and 1 more problems\)"):
        import_file(store, write(tmp_path, "strong.csv", text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "file is empty"),
        ("a,b,c\n1,2,3\n", "not a Strong or Hevy export"),
        ("Exercise Name,Set Order,Reps\nBack Extension,1,10\n", "missing column.*Date, Weight"),
        ("exercise_title,set_index,set_type,reps,start_time\n", "weight_kg or weight_lbs"),
    ],
)
def test_files_that_are_not_exports_are_refused(
    store: Store, tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InputFormatError, match=message):
        import_file(store, write(tmp_path, "x.csv", text))


def test_a_missing_file_and_a_wrong_format_are_reported(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match="file not found"):
        import_file(store, tmp_path / "none.csv")
    with pytest.raises(InputFormatError, match="looks like a strong export, not hevy"):
        import_file(store, write(tmp_path, "s.csv", STRONG), fmt="hevy")


# -- export -------------------------------------------------------------------------------


def test_csv_export_has_one_row_per_set(store: Store, tmp_path: Path) -> None:
    log_sets(store, day=date(2024, 5, 2), load=40, unit="kg", reps=12, sets=2,
             variant="roman_chair", note="=cmd()", faults=["momentum", "bounce"])  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(export_log(store, fmt="csv"))))
    assert len(rows) == 2
    assert tuple(rows[0]) == CSV_COLUMNS
    assert (rows[0]["date"], rows[0]["load"], rows[0]["unit"], rows[0]["reps"]) == (
        "2024-05-02", "40", "kg", "12")  # fmt: skip
    assert rows[0]["faults"] == "momentum=1;bounce=1"
    assert rows[0]["note"] == "'=cmd()"  # not a spreadsheet formula


def test_json_export_nests_sessions_sets_reps_and_faults(store: Store) -> None:
    from extensor._analysis import run_analysis
    from extensor.core._synthetic import RepSpec, synthetic_set
    from extensor.store import save_analysis

    specs = [RepSpec(lift_s=0.35)] * 4 + [RepSpec()] * 8
    run = run_analysis(synthetic_set(specs, noise_deg=0.2, seed=5).motion, goal="hypertrophy",
                       variant="45_degree_bench")  # fmt: skip
    save_analysis(store, run, load=35, unit="kg", day=date(2024, 5, 3))
    data = json.loads(export_log(store, fmt="json"))
    assert data["schema"] == EXPORT_SCHEMA
    assert data["profile"]["goal"] == "strength"
    (session,) = data["sessions"]
    (one,) = session["sets"]
    assert one["load"] == 35
    assert len(one["reps_detail"]) == one["analysed_reps"] == 12
    assert {f["mistake_id"] for f in one["faults"]} == {"momentum"}
    assert data["recommendations"] == []
