import pytest

from begroot.config import Readability
from begroot.errors import Problems
from begroot.model import Text
from begroot.readability import check_readability, score_text, sentences_of, syllables


def text(html: str, source: str = "begroting-2024/teksten/3-doelstelling.md") -> Text:
    return Text(programme="3", section="doelstelling", title="Doelstelling", html=html, source=source)


def test_flesch_douma_by_hand():
    s = score_text(text("<p>De kat zit op de mat. Hij slaapt.</p>"), Readability())
    assert (s.sentences, s.words, s.syllables) == (2, 8, 8)
    assert s.flesch_douma == pytest.approx(206.835 - 0.93 * 4 - 77 * 1)


def test_dutch_syllables():
    assert syllables("onroerendezaakbelasting") == 8
    assert syllables("gemeente") == 3


def test_list_items_are_sentences_of_their_own():
    assert sentences_of("<ul><li>Een punt</li><li>Nog een punt</li></ul><p>Zin een. Zin twee!</p>") == [
        "Een punt", "Nog een punt", "Zin een.", "Zin twee!"]


def test_long_sentences_and_words_are_listed_and_reported():
    long = " ".join(["gemeentelijke"] * 25) + "."
    settings = Readability(min_score=60, max_sentence_words=20, long_word_syllables=6)
    problems = Problems()
    [s] = check_readability([text(f"<p>{long} De onroerendezaakbelasting stijgt.</p>")], settings, problems)
    assert s.long_sentences == [(25, long)]
    assert s.long_words == [(8, "onroerendezaakbelasting")]
    assert [p.format() for p in problems] == [
        f"warning: begroting-2024/teksten/3-doelstelling.md: section 'Doelstelling' scores {s.flesch_douma:.0f} on "
        "Flesch-Douma, below 60 (language level B1): 1 sentence over 20 words, 1 word of 6+ syllables — hint: "
        "write shorter sentences and shorter words; 'begroot check --report report.html' lists them"
    ]


def test_easy_text_passes():
    problems = Problems()
    check_readability([text("<p>We maken de stad schoon. Dat doen we samen.</p>")], Readability(), problems)
    assert problems.items == []


def test_report_and_colophon(tmp_path):
    from bs4 import BeautifulSoup

    from begroot.build import build
    from begroot.project import load_project
    from begroot.render.report import write_report

    from .conftest import GOOD_FINANCE, write_project

    hard = "De " + " ".join(["onroerendezaakbelastingverordening"] * 22) + " is vastgesteld.\n"
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/1-doelstelling.md": hard,
        "begroting-2024/teksten/2-doelstelling.md": "We maken de stad schoon. Dat doen we samen.\n"})
    loaded = load_project(project)
    [warning] = [p for p in loaded.problems.warnings if p.code == "readability"]
    assert warning.file == "begroting-2024/teksten/1-doelstelling.md"
    write_report(loaded, tmp_path / "report.html")
    soup = BeautifulSoup((tmp_path / "report.html").read_text(encoding="utf-8"), "html.parser")
    rows = soup.find("tbody").find_all("tr")
    assert len(rows) == len(loaded.readability) == 2
    assert "1-doelstelling.md" in rows[0].find("th").get_text()  # hardest first
    assert "25 woorden" in rows[0].get_text()  # de + 22 + is + vastgesteld
    build(project, tmp_path / "site")
    over = (tmp_path / "site" / "over" / "index.html").read_text(encoding="utf-8")
    assert "Flesch-Douma" not in over  # writers' feedback is not published


def test_demo_texts_read_at_b1(demo_dir):
    from begroot.project import load_project

    loaded = load_project(demo_dir)
    assert [p.format() for p in loaded.problems.warnings if p.code == "readability"] == []


def test_known_dutch_paragraph():
    # "De gemeente maakt elk jaar een begroting. Daarin staat wat we willen doen en wat het kost."
    # sentence 1: de(1) ge-meen-te(3) maakt(1) elk(1) jaar(1) een(1) be-gro-ting(3)      = 7 words, 11 syllables
    # sentence 2: daar-in(2) staat(1) wat(1) we(1) wil-len(2) doen(1) en(1) wat(1) het(1) kost(1)
    #                                                                                = 10 words, 12 syllables
    # 2 sentences, 17 words, 23 syllables:
    # 206.835 - 0.93 * (17 / 2) - 77 * (23 / 17) = 206.835 - 7.905 - 104.1765 = 94.75 (rounded)
    s = score_text(text("<p>De gemeente maakt elk jaar een begroting. Daarin staat wat we willen doen en wat het "
                        "kost.</p>"), Readability())
    assert (s.sentences, s.words, s.syllables) == (2, 17, 23)
    assert round(s.flesch_douma, 2) == 94.75


def test_build_leaves_the_writers_feedback_to_check(tmp_path):
    from begroot.build import build
    from begroot.project import load_project

    from .conftest import GOOD_FINANCE, write_project

    hard = "De " + " ".join(["onroerendezaakbelastingverordening"] * 22) + " is vastgesteld.\n"
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE,
                            files={"begroting-2024/teksten/1-doelstelling.md": hard})
    assert [p.code for p in load_project(project).problems.warnings] == ["readability"]
    assert [p.code for p in build(project, tmp_path / "site").problems.warnings] == []


def test_each_distinct_word_is_looked_up_once_per_text(monkeypatch):
    """A long text repeats its words (10 MB of text: 1.7 million words, a few thousand distinct):
    the syllables of a word are counted once, the totals are the same."""
    from begroot import readability

    looked_up = []
    real = readability.syllables
    monkeypatch.setattr(readability, "syllables", lambda word: looked_up.append(word) or real(word))
    s = score_text(text("<p>" + "De gemeente bouwt huizen. " * 500 + "</p>"), Readability())
    assert (s.sentences, s.words, s.syllables) == (500, 2000, 3500)
    assert sorted(looked_up) == ["De", "bouwt", "gemeente", "huizen"]
