"""Scenario 8: begroting 2026 in the new taakvelden (2025 codes), with realisatie 2024 lines in the
old codes (6.2, 6.71a, 6.72a) in the same long export."""
import sys, pathlib
out = pathlib.Path(sys.argv[1]); ed = out / "begroting-2026"; ed.mkdir(parents=True, exist_ok=True)
(out / "begroot.toml").write_text('''[organisation]
name = "Gemeente Voorbeeld"
kind = "gemeente"
[organisation.inhabitants]
2024 = 50000
2026 = 51000
[site]
unit = 1
pdf = false
[accessibility]
contact = "a@example.nl"
[[editions]]
id = "begroting-2026"
kind = "begroting"
year = 2026
[[editions.finance]]
file = "financien.csv"
[editions.finance.columns]
taakveld = "Taakveld"
kind = "LB"
year = "Jaar"
column = "Kolom"
amount = "Bedrag"
''', encoding="utf-8")
(ed / "programmas.csv").write_text("""code;naam;hoofdprogramma;taakvelden;soort
6;Sociaal domein;;6.*;programma
6.1;Wmo;6;6.21 6.22 6.23 6.60 6.711 6.712 6.713 6.714 6.791 6.811 6.812 6.91;programma
6.2;Jeugd;6;6.751 6.752 6.753 6.761 6.762 6.763 6.792 6.821 6.822 6.92;programma
1;Overig;;0.1 0.2 0.3 1.* 2.* 3.* 4.* 5.* 7.* 8.*;programma
AD;Algemene dekkingsmiddelen;;0.5 0.61-0.64 0.7 0.8 0.9;overzicht
OH;Overhead;;0.4;overzicht
RES;Mutaties reserves;;0.10 0.11;overzicht
""", encoding="utf-8")
(ed / "financien.csv").write_text("""Taakveld;LB;Jaar;Kolom;Bedrag
6.2;L;2024;realisatie;1000,00
6.71a;L;2024;realisatie;2000,00
6.72a;L;2024;realisatie;3000,00
6.1;L;2024;realisatie;400,00
0.7;B;2024;realisatie;6400,00
6.21;L;2026;begroting;1100,00
6.711;L;2026;begroting;2100,00
6.751;L;2026;begroting;3100,00
6.1;L;2026;begroting;500,00
0.7;B;2026;begroting;6800,00
""", encoding="utf-8")
