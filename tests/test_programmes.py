import pytest

from begroot.config import Edition
from begroot.errors import Problems
from begroot.read.programmes import match_taakveld, read_programmes

EDITION = Edition(id="begroting-2024", year=2024)


def load(tmp_path, csv_text):
    (tmp_path / "begroting-2024").mkdir(exist_ok=True)
    (tmp_path / "begroting-2024" / "programmas.csv").write_text(csv_text, encoding="utf-8")
    problems = Problems()
    return read_programmes(tmp_path, EDITION, problems), [p.format() for p in problems]


def test_order_children_and_overviews(tmp_path):
    programmes, msgs = load(tmp_path, "code;naam;hoofdprogramma;taakvelden;soort\nOH;Overhead;;0.4;overzicht\n"
                                      "2;Twee;;;\n1;Een;;1.*;programma\n2.2;Twee-b;2;;\n2.1;Twee-a;2;;\n")
    assert msgs == []
    assert list(programmes) == ["2", "2.2", "2.1", "1", "OH"]
    assert programmes["2"].children == ["2.2", "2.1"]
    assert programmes["OH"].is_overview and programmes["1"].taakvelden == ("1.*",)
    assert programmes["2.1"].slug == "2-1-twee-a"


def test_english_headers(tmp_path):
    programmes, msgs = load(tmp_path, "code,title,parent\n1,One,\n1.1,Sub,1\n")
    assert msgs == [] and programmes["1"].children == ["1.1"]


def test_problems_in_the_programme_list(tmp_path):
    _, msgs = load(tmp_path, "code;naam;hoofdprogramma;taakvelden;soort\n1;Een;7;x.y;misc\n;Zonder code;;;\n"
                             "2;Twee;3;;\n3;Drie;2;;\n")
    assert msgs == [
        "error: begroting-2024/programmas.csv, row 2, column \"soort\": 'misc' is not programma or overzicht — "
        "hint: use programma, or overzicht for a BBV overview such as overhead",
        "error: begroting-2024/programmas.csv, row 2, column \"taakvelden\": 'x.y' is not a taakveld code or "
        "pattern — hint: write codes like 6.1, ranges like 0.61-0.64, or a main group like 6.*",
        'error: begroting-2024/programmas.csv, row 3, column "code": the programme code is empty — hint: give every '
        "programme a code such as 3 or 3.1",
        'error: begroting-2024/programmas.csv, row 2, column "hoofdprogramma": programme 1 belongs to programme 7, '
        "which is not in the list — hint: add the parent programme or correct the code",
        'error: begroting-2024/programmas.csv, row 4, column "hoofdprogramma": programme 2 is its own ancestor — '
        "hint: a deelprogramma's parent must be a programme above it",
    ]


def test_missing_file(tmp_path):
    (tmp_path / "begroting-2024").mkdir()
    problems = Problems()
    assert read_programmes(tmp_path, EDITION, problems) == {}
    assert problems.errors[0].format().startswith("error: begroting-2024/programmas.csv: file not found")


@pytest.mark.parametrize("code, pattern, expected", [
    ("6.1", "6.*", True), ("6.71a", "6.*", True), ("0.61", "6.*", False), ("6.1", "6*", True),
    ("0.62", "0.61-0.64", True), ("0.64", "0.61-0.64", True), ("0.7", "0.61-0.64", False),
    ("0.10", "0.1", False), ("0.1", "0.1", True), ("6.71b", "6.71*", True), ("6.7", "6.71*", False),
])
def test_taakveld_patterns(code, pattern, expected):
    assert match_taakveld(code, pattern) is expected
