"""Scenario 3: a cp1252, ';'-separated CSV with CRLF, title rows above the header, trailing
empty columns, amounts in thousands written as '€ -1.234,56', '(1.234)', '1.234-', names with é,
a subtotal block and a total at the bottom. Long layout, kind column."""
import sys, pathlib
out = pathlib.Path(sys.argv[1]); ed = out / "begroting-2025"; ed.mkdir(parents=True, exist_ok=True)
(out / "begroot.toml").write_text('''[organisation]
name = "Súdwest-Fryslân"
kind = "gemeente"
[site]
unit = 1000
pdf = false
[accessibility]
contact = "a@example.nl"
[[editions]]
id = "begroting-2025"
kind = "begroting"
year = 2025
[[editions.finance]]
file = "export.csv"
header_row = 3
unit = 1000
[editions.finance.columns]
taakveld = "Taakveld"
description = "Omschrijving"
kind = "Lasten/Baten"
amount = "Bedrag (x € 1.000)"
''', encoding="utf-8")
(ed / "programmas.csv").write_text("code;naam;hoofdprogramma;taakvelden;soort\n1;Bestuur & veiligheid;;0.1 0.2 0.3 1.*;programma\n2;Sociaal domein, zorg en café-beleid;;6.* 7.*;programma\n3;Ruimte;;2.* 3.* 4.* 5.* 8.*;programma\nAD;Algemene dekkingsmiddelen;;0.5 0.61-0.64 0.7 0.8 0.9;overzicht\nOH;Overhead;;0.4;overzicht\nRES;Mutaties reserves;;0.10 0.11;overzicht\n", encoding="cp1252")
lines = [
 "Begroting 2025 Súdwest-Fryslân;;;;;",
 "Bedragen x € 1.000;;;;;",
 "Taakveld;Omschrijving;Lasten/Baten;Bedrag (x € 1.000);;",
 "0.1;Bestuur (raad, college);Lasten;€ 1.234,56;;",
 "0.2;Burgerzaken;Lasten;(1.234);;",      # negative lasten (a correction)
 "0.2;Leges burgerzaken;Baten;1.234-;;",  # negative baten
 "0.4;Overhead, ICT & facilitair;Lasten;€ -12,5;;",
 "6.1;Samenkracht en burgerparticipatie;Lasten;2.500;;",
 "6.3;Inkomensregelingen (Participatiewet);Lasten;10.000;;",
 "6.3;Rijksbijdrage BUIG;Baten;9.000;;",
 "0.7;Algemene uitkering gemeentefonds;Baten;35.000,00;;",
 "0.61;OZB woningen;Baten;4.000;;",
 "0.10;Toevoeging reserve;Lasten;500;;",
 "0.10;Onttrekking reserve;Baten;250;;",
 "2.1;Verkeer en vervoer;Lasten;3.000;;",
 "8.3;Wonen en bouwen (Bouwleges);Baten;€ 1.000;;",
 ";;;;;",
 "Totaal;;;;;",
]
(ed / "export.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
