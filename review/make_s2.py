"""Scenario 2: an XLSX written by a script (openpyxl): formula cells have no cached value.
A data row's amount is a formula (=1000+234); begroot must not read it as 'no amount'."""
import sys, pathlib, openpyxl
out = pathlib.Path(sys.argv[1]); ed = out / "begroting-2025"; ed.mkdir(parents=True, exist_ok=True)
(out / "begroot.toml").write_text('''[organisation]
name = "Gemeente 's-Hertogenbosch"
kind = "gemeente"
[site]
unit = 1
pdf = false
[accessibility]
contact = "a@example.nl"
[[editions]]
id = "begroting-2025"
kind = "begroting"
year = 2025
[[editions.finance]]
file = "export.xlsx"
[editions.finance.columns]
taakveld = "Taakveld"
kind = "Soort"
amount = "Bedrag"
''', encoding="utf-8")
(ed / "programmas.csv").write_text("code;naam;hoofdprogramma;taakvelden;soort\n1;Alles;;0.1 0.2 0.3 1.* 2.* 3.* 4.* 5.* 6.* 7.* 8.*;programma\nAD;Algemene dekkingsmiddelen;;0.5 0.61-0.64 0.7;overzicht\nOH;Overhead;;0.4;overzicht\n", encoding="utf-8")
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Data"
ws.append(["Taakveld", "Soort", "Bedrag"])
ws.append(["0.1", "Lasten", 1000])
ws.append(["0.4", "Lasten", "=1000+234"])     # formula, no cached value
ws.append(["0.7", "Baten", 5000])
ws.append(["2.1", "Lasten", "=B99"])         # formula to an empty cell
wb.save(ed / "export.xlsx")
