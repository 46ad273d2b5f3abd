"""Fuzzing: readers and checks fed arbitrary input only report problems (never raise), and the
figures are additive for arbitrary exact amounts."""

from decimal import Decimal

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from begroot.config import Edition
from begroot.figures import compute
from begroot.model import LINE_SCHEMA, EditionData, Programme
from begroot.project import load_project
from begroot.read.numbers import parse_amounts

from .conftest import write_project

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["6.1", "0.4 Overhead", "4.2", "99.9", "Lasten", "Baten", "L", "x", "", "-", "n.v.t.",
                     "1.234,56", "(12)", "7-", "1e5", "€ 3", "2024", "\u00a0", '"', ";", "\n"]),
    st.integers(-10**20, 10**20).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)


def load_quietly(root):
    loaded = load_project(root)  # must not raise, whatever the input
    for problem in loaded.problems:
        assert problem.message and problem.format().startswith(problem.severity.value)
    return loaded


@FUZZ
@given(raw=st.binary(max_size=300))
def test_arbitrary_bytes_as_finance_file(tmp_path_factory, raw):
    load_quietly(write_project(tmp_path_factory.mktemp("b"), finance=raw))


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=5), max_size=12),
       sep=st.sampled_from([";", ",", "\t"]), encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_arbitrary_tables_as_finance_file(tmp_path_factory, rows, sep, encoding):
    text = "Taakveld;Soort;Bedrag\n".replace(";", sep) + "\n".join(sep.join(r) for r in rows)
    load_quietly(write_project(tmp_path_factory.mktemp("t"), finance=text.encode(encoding, "replace")))


@FUZZ
@given(raw=st.binary(max_size=300), name=st.sampled_from(["programmas.csv", "indicatoren.csv", "financien.xlsx",
                                                          "teksten/1-doelstelling.md", "teksten/1-x.docx"]))
def test_arbitrary_bytes_in_other_files(tmp_path_factory, raw, name):
    from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE

    toml = BASE_TOML + LONG_SOURCE
    if name.endswith(".xlsx"):
        toml = toml.replace('"financien.csv"', '"financien.xlsx"')
    root = write_project(tmp_path_factory.mktemp("o"), toml=toml, finance=GOOD_FINANCE)
    (root / "begroting-2024" / name).parent.mkdir(parents=True, exist_ok=True)
    (root / "begroting-2024" / name).write_bytes(raw)
    load_quietly(root)


@FUZZ
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8")))
def test_arbitrary_configuration(tmp_path_factory, raw):
    root = tmp_path_factory.mktemp("c")
    (root / "begroot.toml").write_bytes(raw)
    loaded = load_quietly(root)
    assert loaded.budget is None and loaded.problems.errors  # nothing random is a valid project


@FUZZ
@given(cents=st.lists(st.integers(-10**14, 10**14), min_size=1, max_size=40))
def test_dutch_formatted_amounts_parse_back_exactly(cents):
    def dutch(c: int) -> str:
        sign = "-" if c < 0 else ""
        euros, rest = divmod(abs(c), 100)
        return f"{sign}{euros:,}".replace(",", ".") + f",{rest:02d}"

    parsed = parse_amounts(pl.Series([dutch(c) for c in cents]), decimal=",")
    assert parsed["cents"].to_list() == cents


@FUZZ
@given(lines=st.lists(st.tuples(st.sampled_from(["1.1", "1.2", "2"]), st.sampled_from(["lasten", "baten"]),
                                st.integers(-10**15, 10**15)), min_size=1, max_size=60))
def test_figures_are_additive(lines):
    programmes = {"1": Programme("1", "Een", children=["1.1", "1.2"]), "1.1": Programme("1.1", "a", parent="1"),
                  "1.2": Programme("1.2", "b", parent="1"), "2": Programme("2", "Twee")}
    frame = pl.DataFrame({
        "programme": [p for p, _, _ in lines], "taakveld": ["6.1"] * len(lines), "categorie": [None] * len(lines),
        "kind": [k for _, k, _ in lines], "year": [2024] * len(lines), "column": ["begroting"] * len(lines),
        "cents": [c for _, _, c in lines], "file": ["f"] * len(lines), "row": list(range(2, len(lines) + 2)),
    }, schema=LINE_SCHEMA)
    edition = EditionData(Edition(id="begroting-2024", year=2024), programmes, frame, [], [], [], None)
    fig = compute(edition)
    exact = {k: sum(Decimal(c) / 100 for _, kind, c in lines if kind == k) for k in ("lasten", "baten")}
    assert fig.grand().lasten == exact["lasten"] and fig.grand().baten == exact["baten"]
    assert fig.of("1") == fig.of("1.1") + fig.of("1.2")           # a split adds up to its parts
    assert fig.grand() == fig.of("1") + fig.of("2")
    assert fig.reconciles()
