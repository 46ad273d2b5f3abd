"""Scenario 7: a province (kind = "provincie") with the Iv3 taakvelden of provinces (CBS
iv3_definities_Provincie_2024): 0.1 is 'Uitkering provinciefonds', 0.6 'Overhead', 2.1 'Landwegen'."""
import sys, pathlib
out = pathlib.Path(sys.argv[1]); ed = out / "begroting-2024"; ed.mkdir(parents=True, exist_ok=True)
(out / "begroot.toml").write_text('''[organisation]
name = "Provincie Fryslân"
kind = "provincie"
[site]
unit = 1000
pdf = false
[accessibility]
contact = "a@example.nl"
[[editions]]
id = "begroting-2024"
kind = "begroting"
year = 2024
[[editions.finance]]
file = "financien.csv"
layout = "wide"
unit = 1000
[editions.finance.columns]
taakveld = "Taakveld"
[editions.finance.amounts]
Lasten = { kind = "lasten" }
Baten = { kind = "baten" }
''', encoding="utf-8")
(ed / "programmas.csv").write_text("""code;naam;hoofdprogramma;taakvelden;soort
1;Bestuur;;1.*;programma
2;Mobiliteit;;2.*;programma
3;Natuur en water;;3.* 4.* 5.*;programma
4;Economie, cultuur en ruimte;;6.* 7.* 8.*;programma
AD;Algemene dekkingsmiddelen;;0.1 0.2 0.3 0.4 0.5;overzicht
OH;Overhead;;0.6;overzicht
VPB;Vennootschapsbelasting;;0.7;overzicht
RES;Mutaties reserves;;0.8 0.9;overzicht
""", encoding="utf-8")
(ed / "financien.csv").write_text("""Taakveld;Lasten;Baten
0.1 Uitkering provinciefonds;0;250000
0.2 Opbrengst provinciale belastingen;0;90000
0.6 Overhead;45000;1000
0.8 Mutaties reserves;20000;30000
1.1 Provinciale Staten;5000;0
1.2 Gedeputeerde Staten;3000;0
2.1 Landwegen;80000;5000
2.3 Openbaar vervoer;120000;10000
3.1 Waterkeringen;2000;0
5.1 Natuurontwikkeling;40000;20000
6.4 Recreatie en toerisme;7000;0
7.1 Cultuur;30000;0
8.1 Ruimte en leefomgeving;15000;0
""", encoding="utf-8")
