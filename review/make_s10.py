"""Scenario 10: texts as users write them, on top of scenario 3's project (argv[1] must hold it):
Markdown with headings out of order, a footnote, a very long word, emoji, right-to-left names,
an image with and without alt text, a table without caption, raw HTML; a Word file with a table,
a footnote-like superscript, a picture, headings out of order; a Word file that is not a Word file."""
import sys, pathlib, io, struct, zlib
import docx
from docx.shared import Pt
out = pathlib.Path(sys.argv[1]); t = out / "begroting-2025" / "teksten"; t.mkdir(parents=True, exist_ok=True)
def png(w=2, h=2):
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h))
    def chunk(k, d): return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
(t / "kaart.png").write_bytes(png())
long = "Arbeidsmarktparticipatiebevorderingsprogrammafinancieringsregelingsuitvoeringsorganisatie" * 3
(t / "2-ontwikkelingen.md").write_text(f"""---
programma: "2"
sectie: ontwikkelingen
---
#### Een kop die twee niveaus overslaat

Het {long} is lang. Emoji 🎉👩‍👩‍👧 en rechts-naar-links: مدينة أمستردام و‏עיריית תל אביב.

Een voetnoot[^1] en nog een[^lang].

[^1]: De bron is CBS.
[^lang]: Een tweede voetnoot met **vet**.

# Een h1 in de tekst

![](kaart.png)

![Kaart van de wijken](kaart.png)

| Wijk | Bedrag |
|---|---:|
| Noord | 1.200 |
| Zuid | 900 |

<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">klik</a>

<details><summary>Meer</summary>Verborgen tekst</details>
""", encoding="utf-8")
d = docx.Document()
d.add_heading("Doelstelling", level=3)
p = d.add_paragraph("Een tekst met een voetnoot"); r = p.add_run("1"); r.font.superscript = True
d.add_paragraph("Tabel 1: Uitgaven per wijk")
tab = d.add_table(rows=3, cols=2)
for i, (a, b) in enumerate([("Wijk", "Bedrag"), ("Noord", "€ 1.200"), ("Zuid", "€ 900")]):
    tab.cell(i, 0).text = a; tab.cell(i, 1).text = b
d.add_heading("Een kop op niveau 1", level=1)
d.add_picture(io.BytesIO(png()))
d.add_paragraph("Lijst:", style="List Bullet")
d.save(t / "1-doelstelling.docx")
(t / "3-toelichting.docx").write_bytes(b"Dit is geen Word-bestand maar platte tekst.\n")
(t / "~$1-doelstelling.docx").write_bytes(b"\x00lock file of Word")
(t / "inleiding.md").write_text("Inleiding zonder front matter, met een link naar [de raad](https://example.org) en [hier](https://example.org).\n", encoding="utf-8")
