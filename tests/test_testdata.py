"""tests/data: the committed extracts of real data that the tests read, and tools/make_testdata.py
that writes them from ../shared/data."""

from __future__ import annotations

import csv
import json
import runpy
from pathlib import Path

import pytest

from .conftest import DATA, ROOT, SHARED_DATA

TOOL = ROOT / "tools" / "make_testdata.py"

IV3_HEADER = ("Gemeenten;Taakveld;L1.1 Salarissen en sociale lasten;Baten;Lasten;Provincie;Gemeentegrootte;"
              "Stedelijkheid;Inwonertal;Centrumfunctie;Sociale structuur\n")


def tool() -> dict:
    return runpy.run_path(str(TOOL))


@pytest.mark.shared("", "tests/data is compared with what tools/make_testdata.py makes from the full files")
def test_the_extracts_are_what_the_tool_makes_from_the_shared_data(tmp_path: Path) -> None:
    source = SHARED_DATA
    main = tool()["main"]
    assert main(["--source", str(source), "--out", str(DATA), "--check"]) == 0
    assert main(["--source", str(source), "--out", str(tmp_path)]) == 0
    made = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    shipped = sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file())
    assert made == shipped
    for name in made:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_the_extracts_are_small() -> None:
    sizes = {p.relative_to(DATA).as_posix(): p.stat().st_size for p in DATA.rglob("*") if p.is_file()}
    assert "iv3-gemeenten/2024_begroting.csv" in sizes and "fdp/au-budget/datapackage.json" in sizes
    assert sum(sizes.values()) < 300_000, sizes


def _fake_source(root: Path) -> Path:
    """A made-up shared data folder in the layout of ../shared/data, a few rows per file."""
    iv3 = root / "iv3-gemeenten"
    iv3.mkdir(parents=True)
    rows = [
        "Groningen;0.1 Bestuur;4361.0;0.0;8733.0;Groningen;150000tot250000inwoners;Zeersterkstedelijk;243768;Sterk;Matig",
        "Groningen;6.3 Inkomensregelingen;1.0;2.0;3.0;Groningen;150000tot250000inwoners;Zeer;243768;;",
        "Assen;0.1 Bestuur;1.0;2.0;3.0;Drenthe;50000tot100000inwoners;Matig;69000;;",
        "Assen;6.3 Inkomensregelingen;1.0;;6.0;Drenthe;50000tot100000inwoners;Matig;69000;;",
        "Assen;5.4 Musea;7.0;8.0;9.0;Drenthe;50000tot100000inwoners;Matig;69000;;",
        "Nederland;6.3 Inkomensregelingen;1.0;7.0;9.0;;;;312768;;",
        "Nederland;0.1 Bestuur;1.0;2.0;11733.0;;;;312768;;",
    ]
    for name in ("2023_begroting.csv", "2023_jaarrekening.csv", "2024_begroting.csv"):
        (iv3 / name).write_text(IV3_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    au = root / "fdp" / "au-budget"
    (au / "data").mkdir(parents=True)
    fields = ["Portfolio", "Program", "2014-15", "2015-16", "2016-17", "2017-18", "2018-19", "URL"]
    package = {"name": "au-budget", "resources": [{"path": "data/b.csv", "bytes": 1, "schema": {
        "fields": [{"name": f, "type": "string"} for f in fields]}}], "mapping": {"measures": {}}}
    (au / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    (au / "data" / "b.csv").write_text(
        ",".join(fields) + "\n"
        "Treasury,P1,1,2,3,4,5,https://a\n"      # first of its portfolio: kept
        "Treasury,P2,1,2,3,4,5,https://b\n"      # plain: dropped
        "Treasury,P3,1,nfp,3,4,5,https://c\n"    # not for publication: kept
        "Treasury,P4,1,2,,4,5,https://d\n"       # empty: kept
        "Treasury,P5,1,2.125,3,4,5,https://e\n"  # decimals: kept
        "Treasury,P6,1,-2,3,4,5,https://f\n"     # negative: kept
        "Defence,P7,1,2,3,4,5,https://g\n",      # first of its portfolio: kept
        encoding="utf-8")
    return root


def test_the_tool_keeps_the_rows_and_columns_the_tests_use(tmp_path: Path) -> None:
    source = _fake_source(tmp_path / "shared")
    out = tmp_path / "out"
    assert tool()["main"](["--source", str(source), "--out", str(out)]) == 0
    with (out / "iv3-gemeenten" / "2024_begroting.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["Gemeenten", "Taakveld", "Baten", "Lasten", "Gemeentegrootte", "Inwonertal"]
    # every row of Groningen; of the others only 5.4 and 6.3, Nederland's too; values as they were
    assert [r[:2] for r in rows[1:]] == [["Groningen", "0.1 Bestuur"], ["Groningen", "6.3 Inkomensregelingen"],
                                         ["Assen", "6.3 Inkomensregelingen"], ["Assen", "5.4 Musea"],
                                         ["Nederland", "6.3 Inkomensregelingen"]]
    assert rows[1] == ["Groningen", "0.1 Bestuur", "0.0", "8733.0", "150000tot250000inwoners", "243768"]
    assert rows[3][2:4] == ["", "6.0"]  # an empty cell stays empty
    # the 2023 files keep Groningen only
    text = (out / "iv3-gemeenten" / "2023_jaarrekening.csv").read_text(encoding="utf-8")
    assert [line.split(";")[0] for line in text.splitlines()[1:]] == ["Groningen", "Groningen"]

    package = json.loads((out / "fdp" / "au-budget" / "datapackage.json").read_text(encoding="utf-8"))
    data = (out / "fdp" / "au-budget" / "data" / "b.csv").read_bytes()
    assert package["resources"][0]["bytes"] == len(data)
    assert "URL" not in [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    kept = [line.split(",")[1] for line in data.decode("utf-8").splitlines()[1:]]
    assert kept == ["P1", "P3", "P4", "P5", "P6", "P7"]
    assert b"https://" not in data
    assert (out / "README.md").is_file()


def test_the_tool_is_deterministic_and_check_finds_stale_and_foreign_files(tmp_path: Path, capsys) -> None:
    source = _fake_source(tmp_path / "shared")
    main = tool()["main"]
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["--source", str(source), "--out", str(first)]) == 0
    assert main(["--source", str(source), "--out", str(second)]) == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files and all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    assert main(["--source", str(source), "--out", str(first), "--check"]) == 0
    capsys.readouterr()
    target = first / "iv3-gemeenten" / "2023_begroting.csv"
    target.write_text(target.read_text(encoding="utf-8").replace("8733.0", "8733.5"), encoding="utf-8")
    (second / "extra.csv").write_text("x\n", encoding="utf-8")
    assert main(["--source", str(source), "--out", str(first), "--check"]) == 1
    assert main(["--source", str(source), "--out", str(second), "--check"]) == 1
    err = capsys.readouterr().err
    assert f"out of date: {target}" in err and "not made by this tool: " in err and "extra.csv" in err
