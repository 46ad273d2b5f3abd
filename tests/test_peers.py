"""Peer figures: national and size-class sums per taakveld, per inhabitant, and their place on the site.

The figures of Groningen's peers for two taakvelden (6.3 Inkomensregelingen, 5.4 Musea) in the
begroting 2024 are computed here independently, straight from the CBS file with the csv module
and Decimal, and compared with what begroot reads from that file and from its shipped compact
file. The constants below are those figures; the first test checks them against the CBS file.
The CBS file read is the extract in tests/data (every municipality's rows of those two
taakvelden, see tools/make_testdata.py); the tests that compare with the full CBS files in
../shared/data are skipped where that folder is absent.
"""

from __future__ import annotations

import csv
import json
import re
import textwrap
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from begroot import peers
from begroot.build import build
from begroot.cli import demo_project
from begroot.config import Edition, Organisation
from begroot.errors import Problems
from begroot.peers import PeerRow, load_peers, per_inhabitant
from begroot.project import load_project

from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE, SHARED_DATA, write_project

GRONINGEN_INHABITANTS = 243768
GRONINGEN_CLASS = "150000tot250000inwoners"
# taakveld -> group -> (lasten, baten in euros, inhabitants, municipalities); checked against the CBS file below
EXPECTED_2024 = {
    "6.3": {"national": (Decimal("9065150000"), Decimal("6742986000"), 17942942, 342),
            "class": (Decimal("1632226000"), Decimal("1223195000"), 2633991, 14)},
    "5.4": {"national": (Decimal("388956000"), Decimal("37554000"), 17942942, 342),
            "class": (Decimal("84879000"), Decimal("8656000"), 2633991, 14)},
}


def by_hand(path: Path, gemeente: str, taakveld: str) -> dict:
    """The national and size-class sums of one taakveld, computed with nothing but csv and Decimal."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    own_class = next(r["Gemeentegrootte"] for r in rows if r["Gemeenten"] == gemeente)
    out = {}
    for group, keep in (("national", lambda r: r["Gemeenten"] != "Nederland"),
                        ("class", lambda r: r["Gemeentegrootte"] == own_class)):
        members = [r for r in rows if keep(r)]
        towns = {r["Gemeenten"]: int(r["Inwonertal"]) for r in members}
        tv = [r for r in members if r["Taakveld"].split(" ", 1)[0] == taakveld]
        out[group] = (sum(Decimal(r["Lasten"] or "0") for r in tv) * 1000,
                      sum(Decimal(r["Baten"] or "0") for r in tv) * 1000, sum(towns.values()), len(towns))
    return out


def assert_matches(data: peers.PeerData) -> None:
    cls = data.class_of(GRONINGEN_INHABITANTS)
    assert cls == GRONINGEN_CLASS
    for code, want in EXPECTED_2024.items():
        for group, row in (("national", data.national(code)), ("class", data.size_class(cls, code))):
            lasten, baten, inhabitants, municipalities = want[group]
            assert row == PeerRow(code, lasten, baten, inhabitants, municipalities)


def cents_half_up(value: Fraction) -> Decimal:
    """A rational amount rounded half up to the cent (away from zero), as an exact Decimal."""
    sign = -1 if value < 0 else 1
    scaled = abs(value) * 100
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(sign * whole).scaleb(-2)


def shown_euros(text: str) -> Decimal:
    """'€ 1.234,56' as the Dutch site shows it -> Decimal('1234.56')."""
    plain = text.replace("€", "").replace("\u00a0", "").strip().replace(".", "").replace(",", ".")
    return Decimal(plain)


# ----------------------------------------------------------------------------- the figures
def test_expected_figures_are_those_of_the_cbs_file(real_data):
    path = real_data / "iv3-gemeenten" / "2024_begroting.csv"
    for code, want in EXPECTED_2024.items():
        assert by_hand(path, "Groningen", code) == want


def test_raw_cbs_file_gives_the_hand_computed_figures(real_data):
    problems = Problems()
    data = load_peers(real_data / "iv3-gemeenten" / "2024_begroting.csv", problems)
    assert problems.items == []
    assert (data.dataset, data.year) == ("begroting", 2024)
    assert_matches(data)


def test_shipped_compact_file_gives_the_hand_computed_figures():
    path = peers.shipped_path("begroting", 2024)
    assert path is not None and path.stat().st_size < 100_000
    problems = Problems()
    data = load_peers(path, problems)
    assert problems.items == []
    assert_matches(data)


@pytest.mark.shared("iv3-gemeenten", "the shipped peer files are compared with the full CBS files they are made "
                    "from, and their national sums with CBS's Nederland rows")
def test_shipped_files_equal_what_the_cbs_files_give():
    """Each shipped peer file is what the full CBS file gives, and every taakveld's national sum
    there is CBS's own Nederland row (no subtotal counted twice)."""
    folder = SHARED_DATA / "iv3-gemeenten"
    for name in ("2023_begroting", "2023_jaarrekening", "2024_begroting"):
        year, dataset = name.split("_")
        raw = load_peers(folder / f"{name}.csv", Problems())
        shipped = load_peers(peers.shipped_path(dataset, int(year)), Problems())
        assert raw.taakvelden == shipped.taakvelden, name
        assert raw.groups == shipped.groups, name
        assert raw.to_json() == peers.shipped_path(dataset, int(year)).read_text(encoding="utf-8"), name
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            nl = [r for r in csv.DictReader(fh, delimiter=";") if r["Gemeenten"] == "Nederland"]
        assert nl, name
        for r in nl:
            row = raw.national(r["Taakveld"].split(" ", 1)[0])
            assert (row.lasten, row.baten) == (Decimal(r["Lasten"] or "0") * 1000, Decimal(r["Baten"] or "0") * 1000), \
                (name, r["Taakveld"])
            assert row.inhabitants == int(r["Inwonertal"]), name


def test_national_figures_equal_the_nederland_rows_of_the_extract(real_data):
    """The extract keeps CBS's Nederland row of 5.4 and 6.3: begroot's national sums equal them."""
    path = real_data / "iv3-gemeenten" / "2024_begroting.csv"
    problems = Problems()
    data = load_peers(path, problems)
    assert problems.items == []
    with path.open(encoding="utf-8", newline="") as fh:
        nl = [r for r in csv.DictReader(fh, delimiter=";") if r["Gemeenten"] == "Nederland"]
    assert sorted(r["Taakveld"].split(" ", 1)[0] for r in nl) == sorted(EXPECTED_2024)
    for r in nl:
        row = data.national(r["Taakveld"].split(" ", 1)[0])
        assert (row.lasten, row.baten) == (Decimal(r["Lasten"]) * 1000, Decimal(r["Baten"]) * 1000)
        assert (row.inhabitants, row.municipalities) == (int(r["Inwonertal"]), 342)


def test_per_inhabitant_is_exact_to_the_cent_before_rounding():
    data = load_peers(peers.shipped_path("begroting", 2024), Problems())
    for code, want in EXPECTED_2024.items():
        for group, row in (("national", data.national(code)), ("class", data.size_class(GRONINGEN_CLASS, code))):
            lasten, baten, inhabitants, _ = want[group]
            for kind, amount in (("lasten", lasten), ("baten", baten)):
                exact = Fraction(amount) / inhabitants
                value = per_inhabitant(row, kind)
                assert abs(Fraction(value) - exact) < Fraction(1, 10**12)
                assert value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == cents_half_up(exact)
    with pytest.raises(ValueError):
        per_inhabitant(data.national("6.3"), "saldo")
    assert per_inhabitant(PeerRow("6.3", Decimal(5), Decimal(0), 0, 0), "lasten") is None


@pytest.mark.parametrize("inhabitants, expected", [
    (1, "minderdan5000inwoners"), (4999, "minderdan5000inwoners"), (5000, "5000tot10000inwoners"),
    (149_999, "100000tot150000inwoners"), (150_000, "150000tot250000inwoners"),
    (249_999, "150000tot250000inwoners"), (250_000, "250000inwonersofmeer"), (900_000, "250000inwonersofmeer"),
])
def test_class_of_follows_the_cbs_bounds(inhabitants, expected):
    data = load_peers(peers.shipped_path("begroting", 2024), Problems())
    assert data.class_of(inhabitants) == expected


# ----------------------------------------------------------------------------- small CBS-like files
HEADER = "Gemeenten;Taakveld;L1.1 Salarissen en sociale lasten;Baten;Lasten;Provincie;Gemeentegrootte;Inwonertal\n"


def cbs_file(tmp_path: Path, rows: str, name: str = "2024_begroting.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + textwrap.dedent(rows).lstrip("\n"), encoding="utf-8")
    return path


def test_group_code_that_sums_its_sub_codes_is_not_counted_twice(tmp_path):
    # A's 6.71 is the sum of its 6.71a and 6.71b: a subtotal. B booked money on 6.71 itself.
    path = cbs_file(tmp_path, """
        A;6.71 Maatwerkdienstverlening 18+;;1.0;30.0;P;20000tot50000inwoners;20000
        A;6.71a Huishoudelijke hulp (WMO);;1.0;10.0;P;20000tot50000inwoners;20000
        A;6.71b Begeleiding (WMO);;;20.0;P;20000tot50000inwoners;20000
        B;6.71 Maatwerkdienstverlening 18+;;;5.0;P;5000tot10000inwoners;6000
        B;6.71a Huishoudelijke hulp (WMO);;;7.0;P;5000tot10000inwoners;6000
        B;6.71b Begeleiding (WMO);;;;P;5000tot10000inwoners;6000
    """)
    problems = Problems()
    data = load_peers(path, problems)
    assert problems.items == []
    assert data.national("6.71").lasten == Decimal(5000)       # B's own booking only
    assert data.national("6.71a").lasten == Decimal(17000)
    assert data.national("6.71b").lasten == Decimal(20000)
    total = data.total(None, data.taakvelden)
    assert (total.lasten, total.baten) == (Decimal(42000), Decimal(1000))
    assert data.national("6.71a").municipalities == 2 and data.national("6.71a").inhabitants == 26000
    assert data.size_class("5000tot10000inwoners", "6.71a").lasten == Decimal(7000)


def test_nederland_row_that_is_not_the_sum_is_an_error(tmp_path):
    path = cbs_file(tmp_path, """
        A;0.1 Bestuur;;1.0;10.0;P;20000tot50000inwoners;20000
        B;0.1 Bestuur;;;5.0;P;5000tot10000inwoners;6000
        Nederland;0.1 Bestuur;;1.0;16.0;;;26000
    """)
    problems = Problems()
    assert load_peers(path, problems, "peers.csv") is None
    [p] = problems.errors
    assert (p.code, p.file, p.row) == ("peers-nederland", "peers.csv", 4)
    assert "0.1" in p.message


def test_nederland_row_that_is_the_sum_passes(tmp_path):
    path = cbs_file(tmp_path, """
        A;0.1 Bestuur;;1.0;10.0;P;20000tot50000inwoners;20000
        B;0.1 Bestuur;;;5.0;P;5000tot10000inwoners;6000
        Nederland;0.1 Bestuur;;1.0;15.0;;;26000
    """)
    problems = Problems()
    data = load_peers(path, problems)
    assert problems.items == [] and data.national("0.1").lasten == Decimal(15000)


@pytest.mark.parametrize("rows, code, row, column, words", [
    ("A;0.1 Bestuur;;1.0;twaalf;P;20000tot50000inwoners;20000\n", "peers-value", 2, "Lasten", "not an amount"),
    ("A;0.1 Bestuur;;1,5;1.0;P;20000tot50000inwoners;20000\n", "peers-value", 2, "Baten", "not an amount"),
    ("A;Bestuur;;1.0;1.0;P;20000tot50000inwoners;20000\n", "peers-value", 2, "Taakveld", "taakveld code"),
    ("A;0.1 Bestuur;;1.0;1.0;P;20000tot50000inwoners;\n", "peers-value", 2, "Inwonertal", "inhabitants"),
    ("A;0.1 Bestuur;;1.0;1.0;P;groot;20000\n", "peers-value", 2, "Gemeentegrootte", "size class"),
    ("A;0.1 Bestuur;;1.0;1.0;P;20000tot50000inwoners;20000\nA;0.1 Bestuur;;1.0;1.0;P;20000tot50000inwoners;20000\n",
     "peers-duplicate", 3, "Taakveld", "counted twice"),
    ("A;0.1 Bestuur;;1.0;1.0;P;20000tot50000inwoners;20000\nA;0.2 Burgerzaken;;1.0;1.0;P;20000tot50000inwoners;21000\n",
     "peers-value", 2, "Inwonertal", "different values"),
])
def test_bad_cbs_rows_name_file_row_and_column(tmp_path, rows, code, row, column, words):
    path = tmp_path / "landelijk.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    problems = Problems()
    assert load_peers(path, problems, "landelijk.csv") is None
    [p] = problems.errors
    assert (p.code, p.file, p.row, p.column) == (code, "landelijk.csv", row, column)
    assert words in p.message and p.hint


def test_a_file_without_the_columns_is_reported(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Taakveld;Lasten;Baten\n0.1;1;2\n", encoding="utf-8")
    problems = Problems()
    assert load_peers(path, problems, "other.csv") is None
    missing = {re.search(r'column "([^"]+)"', p.message)[1] for p in problems.errors}
    assert missing == {"Gemeenten", "Inwonertal", "Gemeentegrootte"}
    assert all(p.code == "missing-column" and p.file == "other.csv" and p.row == 1 for p in problems.errors)


def test_missing_and_unreadable_files(tmp_path):
    problems = Problems()
    assert load_peers(tmp_path / "nope.csv", problems, "nope.csv") is None
    assert [(p.code, p.file) for p in problems.errors] == [("peers-unreadable", "nope.csv")]
    (tmp_path / "empty.csv").write_bytes(b"")
    problems = Problems()
    assert load_peers(tmp_path / "empty.csv", problems, "empty.csv") is None
    assert [p.code for p in problems.errors] == ["peers-unreadable"]


@pytest.mark.parametrize("change, where", [
    (lambda d: "{not json", None),
    (lambda d: json.dumps({**d, "kind": "something"}), None),
    (lambda d: json.dumps({**d, "format": 99}), "format"),
    (lambda d: json.dumps({**d, "groups": []}), "groups"),
    (lambda d: json.dumps({**d, "groups": [{**d["groups"][0], "inhabitants": "many"}]}),
     "groups[0] (nederland).inhabitants"),
    (lambda d: json.dumps({**d, "groups": [{**d["groups"][0], "taakvelden": {"0.1": {"lasten": 1.5, "baten": "0"}}}]}),
     "groups[0] (nederland).taakvelden.0.1.lasten"),
    (lambda d: json.dumps({**d, "groups": [{**d["groups"][0], "name": "grote steden"}]}),
     "groups[0] (grote steden).name"),
])
def test_bad_compact_files_are_reported(tmp_path, change, where):
    good = json.loads(peers.shipped_path("begroting", 2024).read_text(encoding="utf-8"))
    path = tmp_path / "peers.json"
    path.write_text(change(good), encoding="utf-8")
    problems = Problems()
    assert load_peers(path, problems, "peers.json") is None
    assert problems.errors and all(p.file == "peers.json" for p in problems.errors)
    assert problems.errors[0].code == "peers-format"
    assert problems.errors[0].column == where


# ----------------------------------------------------------------------------- which file an edition uses
@pytest.mark.parametrize("kind, year, org, expected", [
    ("begroting", 2024, "gemeente", "begroting-2024.json"),
    ("begroting", 2023, "gemeente", "begroting-2023.json"),
    ("jaarstukken", 2023, "gemeente", "jaarrekening-2023.json"),
    ("jaarstukken", 2024, "gemeente", None),       # no jaarrekening 2024 ships
    ("voorjaarsnota", 2024, "gemeente", None),     # an amended budget has no CBS counterpart
    ("begroting", 2022, "gemeente", None),
    ("begroting", 2024, "provincie", None),
])
def test_auto_picks_the_shipped_file_of_the_same_kind_and_year(tmp_path, kind, year, org, expected):
    config = type("C", (), {"organisation": Organisation(name="X", kind=org)})()
    edition = Edition(id="e", kind=kind, year=year)
    found = peers.peer_source(tmp_path, config, edition)
    assert (found[0].name if found else None) == expected


def test_peers_none_and_a_project_file(tmp_path):
    config = type("C", (), {"organisation": Organisation(name="X")})()
    assert peers.peer_source(tmp_path, config, Edition(id="e", year=2024, peers="none")) is None
    assert peers.peer_source(tmp_path, config, Edition(id="e", year=2024, peers="data/nl.csv")) == (
        tmp_path / "data" / "nl.csv", "data/nl.csv")


def test_a_bad_peer_file_stops_the_check_with_its_location(tmp_path):
    toml = BASE_TOML.replace('year = 2024\n', 'year = 2024\npeers = "landelijk.csv"\n') + LONG_SOURCE
    project = write_project(tmp_path / "p", toml=toml, finance=GOOD_FINANCE, files={
        "landelijk.csv": HEADER + "A;0.1 Bestuur;;x;1.0;P;20000tot50000inwoners;20000\n"})
    loaded = load_project(project)
    bad = [p for p in loaded.problems.errors if p.code == "peers-value"]
    assert [(p.file, p.row, p.column) for p in bad] == [("landelijk.csv", 2, "Baten")]


# ----------------------------------------------------------------------------- the site
def peer_table(page: Path):
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")
    heading = soup.find(id="per-inwoner")
    return soup, (heading.find_parent("section").find("table") if heading else None)


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("peers") / "site"
    build(demo_project(), out)
    return out


def test_taakvelden_page_shows_own_national_and_class_per_inhabitant(demo_site):
    soup, table = peer_table(demo_site / "begroting-2024" / "taakvelden" / "index.html")
    assert table is not None
    headers = [" ".join(th.get_text(" ").split()) for th in table.find("thead").find_all("th")]
    assert headers == ["Taakveld", "Gemeente Groningen", "Nederland", "Gemeenten met 150.000 tot 250.000 inwoners"]
    intro = " ".join(table.find_parent("section").find("p").get_text(" ").split())
    assert "342 gemeenten" in intro and "14 gemeenten met 150.000 tot 250.000 inwoners" in intro
    rows = {tr.find("th").find("span", class_="code").get_text(): [td.get_text() for td in tr.find_all("td")]
            for tr in table.find_all("tr") if tr.find("th") and tr.find("th").find("span", class_="code")}
    # Groningen's own lasten per taakveld, from the demo's export (x € 1.000)
    with (demo_project() / "begroting-2024" / "financien.csv").open(encoding="utf-8") as fh:
        own = {r["Taakveld"]: Fraction(Decimal(r["Lasten"].replace(".", "").replace(",", "."))) * 1000
               for r in csv.DictReader(fh, delimiter=";")}
    for code, want in EXPECTED_2024.items():
        mine, national, in_class = (shown_euros(c) for c in rows[code])
        assert mine == cents_half_up(own[code] / GRONINGEN_INHABITANTS)
        assert national == cents_half_up(Fraction(want["national"][0]) / want["national"][2])
        assert in_class == cents_half_up(Fraction(want["class"][0]) / want["class"][2])
        assert all(re.fullmatch(r"€\u00a0[\d.]+,\d\d", c) for c in rows[code])


def test_edition_page_shows_per_inhabitant_columns(demo_site):
    soup = BeautifulSoup((demo_site / "begroting-2024" / "index.html").read_text(encoding="utf-8"), "html5lib")
    table = soup.find(id="tabel-programmas").find_parent("table")  # the programmes (the money chart's table comes first)
    headers = [" ".join(th.get_text(" ").split()) for th in table.find("thead").find_all("th")]
    assert headers[-2:] == ["Lasten per inwoner", "Baten per inwoner"]
    loaded = load_project(demo_project())
    fig = loaded.figures["begroting-2024"]
    for tr in table.find("tbody").find_all("tr"):
        code = re.match(r"Programma (\S+):", tr.find("th").get_text())[1]
        cells = [td.get_text() for td in tr.find_all("td")]
        amounts = fig.of(code)
        assert shown_euros(cells[-2]) == cents_half_up(Fraction(amounts.lasten) / GRONINGEN_INHABITANTS)
        assert shown_euros(cells[-1]) == cents_half_up(Fraction(amounts.baten) / GRONINGEN_INHABITANTS)


def test_no_peer_figures_without_inhabitants_or_with_peers_none(tmp_path):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE)   # no inhabitants
    build(project, tmp_path / "site")
    _, table = peer_table(tmp_path / "site" / "begroting-2024" / "taakvelden" / "index.html")
    assert table is None
    soup = BeautifulSoup((tmp_path / "site" / "begroting-2024" / "index.html").read_text(encoding="utf-8"), "html5lib")
    assert "Lasten per inwoner" not in soup.find("table").find("thead").get_text()

    toml = BASE_TOML.replace('year = 2024\n', 'year = 2024\npeers = "none"\n') + LONG_SOURCE + \
        "\n[organisation.inhabitants]\n2024 = 30000\n"
    project = write_project(tmp_path / "q", toml=toml, finance=GOOD_FINANCE)
    build(project, tmp_path / "site2")
    _, table = peer_table(tmp_path / "site2" / "begroting-2024" / "taakvelden" / "index.html")
    assert table is None


def test_english_site_names_the_class_in_english(tmp_path):
    toml = BASE_TOML + '\n[site]\nlanguage = "en"\n' + LONG_SOURCE
    toml = toml.replace("[organisation]\n", "[organisation]\ninhabitants = { 2024 = 30000 }\n", 1)
    project = write_project(tmp_path / "p", toml=toml, finance=GOOD_FINANCE)
    build(project, tmp_path / "site")
    _, table = peer_table(tmp_path / "site" / "begroting-2024" / "taakvelden" / "index.html")
    headers = [" ".join(th.get_text(" ").split()) for th in table.find("thead").find_all("th")]
    assert headers[2:] == ["Netherlands", "Municipalities with 20,000 to 50,000 inhabitants"]


def national_rows(count: int, first_lasten: str = "10.0") -> str:
    """Rows of ``count`` municipalities on taakveld 0.1 (x € 1.000): the first with ``first_lasten``,
    each other with 1.0, every one of 20.000 inhabitants."""
    rows = [f"G{i:03};0.1 Bestuur;;;{first_lasten if i == 0 else '1.0'};P;20000tot50000inwoners;20000\n"
            for i in range(count)]
    return "".join(rows)


def test_a_changed_peer_file_is_read_again(tmp_path):
    config = type("C", (), {"organisation": Organisation(name="X")})()
    edition = Edition(id="e", year=2024, peers="2024_begroting.csv")
    path = cbs_file(tmp_path, national_rows(100))
    first = peers.load_edition_peers(tmp_path, config, edition, Problems())
    assert first.national("0.1").lasten == Decimal(109000)
    path.write_text(HEADER + national_rows(100, "12.5"), encoding="utf-8")
    again = peers.load_edition_peers(tmp_path, config, edition, Problems())
    assert again.national("0.1").lasten == Decimal(111500)


@pytest.mark.parametrize("name, edition_year, count, expected", [
    # the file of one municipality: its own figures would be published as the national ones
    ("2025_begroting.csv", 2025, 1,
     ["error: 2025_begroting.csv: the peer file holds 1 municipality; its figures would be published as those of "
      "all municipalities in the Netherlands, and a national file holds every one (342 in 2024), at least 100 — "
      "hint: use the complete national Iv3 file of CBS, not the file of one municipality or one province"]),
    ("2025_begroting.csv", 2025, 99,
     ["error: 2025_begroting.csv: the peer file holds 99 municipalities; its figures would be published as those "
      "of all municipalities in the Netherlands, and a national file holds every one (342 in 2024), at least 100 "
      "— hint: use the complete national Iv3 file of CBS, not the file of one municipality or one province"]),
    ("2025_begroting.csv", 2025, 100, []),
    # a national file of 2024 for a 2025 edition
    ("2024_begroting.csv", 2025, 100,
     ["error: 2024_begroting.csv: the peer file holds the figures of 2024 only, not of 2025, the year of edition "
      "begroting-2025 — hint: point peers at the national Iv3 file of 2025, or set peers = \"none\" for this "
      "edition"]),
    ("landelijk.csv", 2025, 100,
     ["error: landelijk.csv: the peer file does not say which year it holds; edition begroting-2025 is of 2025 — "
      "hint: name a national Iv3 file of CBS as CBS does (e.g. 2025_begroting.csv), or make the file with "
      "tools/make_peers.py"]),
])
def test_a_peer_file_must_be_national_and_of_the_editions_year(tmp_path, name, edition_year, count, expected):
    config = type("C", (), {"organisation": Organisation(name="X")})()
    edition = Edition(id=f"begroting-{edition_year}", year=edition_year, peers=name)
    cbs_file(tmp_path, national_rows(count), name=name)
    problems = Problems()
    data = peers.load_edition_peers(tmp_path, config, edition, problems)
    assert [p.format() for p in problems] == expected
    if expected:
        assert data is None
    else:
        assert data.municipalities() == 100 and data.national("0.1").lasten == Decimal(109000)


def test_a_compact_file_of_another_year_is_refused(tmp_path):
    config = type("C", (), {"organisation": Organisation(name="X")})()
    shipped = peers.shipped_path("begroting", 2024)
    (tmp_path / "nl.json").write_bytes(shipped.read_bytes())
    problems = Problems()
    assert peers.load_edition_peers(tmp_path, config, Edition(id="b", year=2025, peers="nl.json"), problems) is None
    assert [(p.code, p.file) for p in problems] == [("peers-year", "nl.json")]
    assert "holds the figures of 2024 only, not of 2025" in problems.items[0].message


def test_a_small_file_is_refused_by_check_and_build(tmp_path):
    """A comparison file of one municipality is not published as "alle 1 gemeenten in Nederland"."""
    toml = BASE_TOML.replace('year = 2024\n', 'year = 2024\npeers = "2024_begroting.csv"\n') + LONG_SOURCE + \
        "\n[organisation.inhabitants]\n2024 = 30000\n"
    project = write_project(tmp_path / "p", toml=toml, finance=GOOD_FINANCE,
                            files={"2024_begroting.csv": HEADER + national_rows(1)})
    loaded = load_project(project)
    assert [p.code for p in loaded.problems.errors] == ["peers-too-few"]
    from begroot.errors import ProjectInvalid

    with pytest.raises(ProjectInvalid):
        build(project, tmp_path / "site")
    assert not (tmp_path / "site" / "begroting-2024" / "taakvelden" / "index.html").exists()


def test_auto_without_figures_for_the_year_warns_and_the_page_says_what_to_add(tmp_path):
    toml = (BASE_TOML + LONG_SOURCE).replace("year = 2024", "year = 2030") + \
        "\n[organisation.inhabitants]\n2030 = 30000\n"
    finance = GOOD_FINANCE
    project = write_project(tmp_path / "p", toml=toml, finance=finance)
    loaded = load_project(project)
    assert [p.format() for p in loaded.problems] == [
        'warning: begroot.toml, column "editions.begroting-2024.peers": begroot has no figures of other '
        "municipalities for begroting 2030 (it has begroting 2023, begroting 2024, jaarrekening 2023), so the "
        "taakvelden page of begroting-2024 shows no comparison per inhabitant — hint: set peers to a national Iv3 "
        "file of CBS of 2030 for this edition (or a file made from it by tools/make_peers.py), or peers = \"none\""]
    build(project, tmp_path / "site")
    page = tmp_path / "site" / "begroting-2024" / "taakvelden" / "index.html"
    text = " ".join(BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib").get_text(" ").split())
    assert ("Een vergelijking per inwoner met andere gemeenten staat hier niet: begroot heeft geen CBS-cijfers van "
            "alle gemeenten voor de begroting 2030. De vergelijking verschijnt als de instelling peers van deze "
            "editie in begroot.toml het landelijke Iv3-bestand van het CBS over 2030 noemt.") in text
    _, table = peer_table(page)
    assert table is None
    # peers = "none" is a choice: no warning, no sentence
    project = write_project(tmp_path / "q", toml=toml.replace("year = 2030\n", "year = 2030\npeers = \"none\"\n", 1),
                            finance=finance)
    assert load_project(project).problems.items == []
    build(project, tmp_path / "site2")
    assert "staat hier niet" not in (tmp_path / "site2" / "begroting-2024" / "taakvelden" / "index.html").read_text(
        encoding="utf-8")


def test_without_a_matching_size_class_only_the_nation_is_shown(tmp_path):
    from begroot.figures import Amounts
    from begroot.render.peers import comparison

    path = cbs_file(tmp_path, "A;0.1 Bestuur;;1.0;10.0;P;20000tot50000inwoners;20000\n")
    data = load_peers(path, Problems())
    assert data.class_of(60000) is None
    groups = [{"main": "0", "name": "Bestuur", "total": Amounts(Decimal(600), Decimal(0)),
               "rows": [{"code": "0.1", "name": "Bestuur", "amounts": Amounts(Decimal(600), Decimal(0))}]}]
    view = comparison(data, 60000, groups, Amounts(Decimal(600), Decimal(0)), name="Gemeente Y",
                      period="Begroting 2024", language="nl")
    assert view["class_label"] is None and view["groups"][0]["rows"][0]["cells"]["size_class"] is None
    assert shown_euros(view["groups"][0]["rows"][0]["cells"]["national"]) == Decimal("0.50")   # 10.000 / 20.000
    assert shown_euros(view["groups"][0]["rows"][0]["cells"]["own"]) == Decimal("0.01")        # 600 / 60.000
    assert comparison(data, None, groups, Amounts(), name="Y", period="", language="nl") is None
    assert comparison(None, 60000, groups, Amounts(), name="Y", period="", language="nl") is None


@pytest.mark.parametrize("edition_id, shipped, expected", [
    ("jaarstukken-2023", "begroting", "the peer file holds the CBS begroting figures; edition jaarstukken-2023 is a "
     "jaarstukken, whose realised lasten would be shown beside the other municipalities' budgets — hint: point "
     'peers at the national Iv3 file 2023_jaarrekening.csv of CBS, or set peers = "none" for this edition'),
    ("begroting-2023", "jaarrekening", "the peer file holds the CBS jaarrekening figures; edition begroting-2023 is "
     "a begroting, whose budgeted lasten would be shown beside the other municipalities' realised lasten — hint: "
     'point peers at the national Iv3 file 2023_begroting.csv of CBS, or set peers = "none" for this edition'),
    ("begroting-2023", "begroting", None),
])
def test_a_peer_file_of_the_other_dataset_is_refused(tmp_path, edition_id, shipped, expected):
    """Jaarstukken compared with the CBS begroting of the same year used to pass: the page's caption
    said "lasten per inwoner in realisatie 2023" over the other municipalities' budgets."""
    config = type("C", (), {"organisation": Organisation(name="X")})()
    (tmp_path / "nl.json").write_bytes(peers.shipped_path(shipped, 2023).read_bytes())
    problems = Problems()
    edition = Edition(id=edition_id, kind=edition_id.split("-")[0], year=2023, peers="nl.json")
    data = peers.load_edition_peers(tmp_path, config, edition, problems)
    assert [p.format() for p in problems] == ([] if expected is None else [f"error: nl.json: {expected}"])
    assert (data is None) == (expected is not None)
