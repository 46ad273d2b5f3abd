"""``begroot diff``: the comparison of two editions in the terminal, as Rich tables.

It shows what the comparison page shows (totals, programmes, structure, taakvelden, texts) from
the same :class:`begroot.compare.Comparison`, formatted by the same Babel helpers, in the
CLI's language (English, as every other message of the command; the site's language is for the
site).
"""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from ..compare import Comparison
from ..textdiff import text_blocks
from ..errors import printable
from ..figures import Amounts
from ..model import Budget
from .. import format as fmt
from . import iv3
from .strings import period_label, strings


class Table(RichTable):
    """A Rich table whose cells and headers are printed as plain text with their control
    characters written out (a title from a cell cannot colour or rewrite the terminal)."""

    def add_column(self, header="", *args, **kwargs) -> None:
        super().add_column(Text(printable(header)) if isinstance(header, str) else header, *args, **kwargs)

    def add_row(self, *cells, **kwargs) -> None:  # as Text: a "[link=…]" in a title is not Rich markup
        super().add_row(*(Text(printable(c)) if isinstance(c, str) else c for c in cells), **kwargs)


def _pct(x: Decimal | None, y: Decimal | None) -> Decimal | None:
    return None if x is None or y is None or x == 0 else (y - x) / abs(x)


def print_comparison(console: Console, budget: Budget, c: Comparison, *, words: bool = False,
                     language: str = "en") -> None:
    """Print a comparison. With ``words``, changed text sections are printed with their removed
    words as ``[-…-]`` and added words as ``{+…+}``. Every text from the project is printed with
    its control characters written out."""
    console = _Printable(console)
    unit = budget.config.site.unit
    t = strings(language)
    a, b = c.a.edition, c.b.edition
    la, lb = a.config.display_title, b.config.display_title
    money = lambda v: fmt.money(v, unit, language)  # noqa: E731
    signed = lambda v: fmt.signed_money(v, unit, language)  # noqa: E731
    change = lambda v: fmt.change(v, language)  # noqa: E731
    figures = c.a.has_figures and c.b.has_figures

    console.print(t["compare_title"].format(a=la, b=lb), style="bold")
    if figures:
        console.print(t["compare_periods"].format(a=period_label(c.a.period, language),
                                                  b=period_label(c.b.period, language))
                      + " " + t["amounts_in"].format(unit=fmt.unit_label(unit, language)) + ".")
        totals = Table(title=t["compare_totals"], title_justify="left")
        for col in ("", la, lb, t["compare_difference"], t["compare_difference_pct"]):
            totals.add_column(col, justify="left" if not col else "right")
        ta, tb = c.a.total(), c.b.total()
        for key in ("lasten", "baten", "saldo"):
            x, y = getattr(ta, key), getattr(tb, key)
            totals.add_row(t[key], money(x), money(y), signed(y - x), change(_pct(x, y) if key != "saldo" else None))
        console.print(totals)
    else:
        missing = la if not c.a.has_figures else lb
        console.print(t["compare_no_figures"].format(edition=missing))

    programmes = Table(title=t["compare_by_programme"], title_justify="left")
    programmes.add_column(la)
    programmes.add_column(lb)
    if figures:
        for col in (f'{t["lasten"]} {la}', f'{t["lasten"]} {lb}', t["compare_difference"], t["compare_difference_pct"]):
            programmes.add_column(col, justify="right")
    for r in c.programmes:
        old = f"{r.old.code} {r.old.title}" if r.old else t["compare_only_in"].format(edition=lb)
        new = f"{r.new.code} {r.new.title}" if r.new else t["compare_only_in"].format(edition=la)
        cells = [old, new]
        if figures:
            cells += [money(r.a.lasten) if r.a else "–", money(r.b.lasten) if r.b else "–",
                      signed(r.delta.lasten) if r.delta else "–",
                      change(_pct(r.a.lasten if r.a else None, r.b.lasten if r.b else None))]
        programmes.add_row(*cells)
    console.print(programmes)

    changes = [ch for ch in c.changes if ch.kind != "same"]
    console.print(t["compare_structure"], style="bold")
    if not changes:
        console.print(t["compare_structure_unchanged"])
    basis = c.money_basis
    for ch in changes:
        olds = ", ".join(f"{x} {a.programmes[x].title}" for x in ch.old) or "–"
        news = ", ".join(f"{x} {b.programmes[x].title}" for x in ch.new) or "–"
        console.print(f"{t['change_' + ch.kind]}: {olds} → {news}")
        for code in ch.old:
            for f, fraction in c.shares_from(code):
                target = f"{f.new} {b.programmes[f.new].title}" if f.new else t["compare_nowhere"]
                amount = ""
                if basis is not None:
                    amount = f"{t['lasten'].lower()} {money(f.amounts(basis).lasten)}, "
                share = fmt.pct(fraction, language)
                mark = " *" if f.estimated else ""
                console.print(f"  {code} → {target}: {amount}{share}{mark}", markup=False)
    if any(f.estimated for f in c.flows):
        console.print("* " + t["compare_estimated"])

    if figures:
        level = budget.config.organisation.kind
        names_a, names_b = iv3.names(a.config.year, level), iv3.names(b.config.year, level)
        groups = Table(title=t["compare_by_taakveld"], title_justify="left")
        groups.add_column(t["taakveld"])
        for col in (f'{t["lasten"]} {la}', f'{t["lasten"]} {lb}', t["compare_difference"],
                    f'{t["baten"]} {la}', f'{t["baten"]} {lb}', t["compare_difference"]):
            groups.add_column(col, justify="right")
        reasons = []
        for g in c.groups:
            if g.changed_codes:
                label = f"{', '.join(g.old) or '–'} → {', '.join(g.new) or '–'}"
                if g.reason.get(language):
                    reasons.append(f"{label}: {g.reason[language]}")
            else:
                code = (g.new or g.old)[0]
                label = f"{code} {names_b.get(code) or names_a.get(code, '')}".strip()
            ga, gb = g.a or Amounts(), g.b or Amounts()
            groups.add_row(label, money(ga.lasten), money(gb.lasten), signed(gb.lasten - ga.lasten),
                           money(ga.baten), money(gb.baten), signed(gb.baten - ga.baten))
        console.print(groups)
        if reasons:
            console.print(t["compare_grouped_intro"])
            for line in reasons:
                console.print(f"  {line}", markup=False)

    console.print(t["compare_texts"], style="bold")
    if not any(tc.changed for tc in c.texts):
        console.print(t["compare_texts_none"])
    for tc in c.texts:
        if tc.old is None and tc.new is None:
            name = t["compare_edition_texts"]
        else:
            name = " → ".join(f"{p.code} {p.title}" for p in (tc.old, tc.new) if p is not None)
        console.print(t["compare_texts_of"].format(name=name), style="underline")
        for s in tc.sections:
            status = (t["compare_section_changed"].format(added=s.added, removed=s.removed)
                      if s.status == "changed" else t["compare_section_" + s.status])
            console.print(f"  {s.title}: {status}", markup=False)
            if words and s.status != "unchanged":
                for block in _marked_blocks(str(s.html)):
                    console.print(f"    {block}", markup=False)


class _Printable:
    """A console whose ``print`` writes the control characters of text out (see errors.printable)."""

    def __init__(self, console: Console) -> None:
        self._console = console

    def print(self, *objects, **kwargs) -> None:  # noqa: A003 - Rich's name
        kwargs.setdefault("markup", False)  # nor is a "[link=…]" in a title Rich markup
        self._console.print(*(printable(o, newlines=True) if isinstance(o, str) else o for o in objects), **kwargs)


def _marked_blocks(html: str) -> list[str]:
    """The diff's paragraphs as plain text with [-removed-] and {+added+} marks."""
    import re

    html = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)
    html = html.replace("<del>", "[-").replace("</del>", "-]").replace("<ins>", "{+").replace("</ins>", "+}")
    return text_blocks(html)
