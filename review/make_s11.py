"""Scenario 11: an XLSX whose amount headers are dates (Excel date cells 31-12-2024 and
31-12-2025), a year column of floats, amounts as text '€ -1.234,56', and a UTF-8 BOM CSV with ','
delimiter and quoted '1,234.50' amounts as a second file of the same edition."""
import sys, pathlib, datetime, xlsxwriter
out = pathlib.Path(sys.argv[1]); ed = out / "begroting-2025"; ed.mkdir(parents=True, exist_ok=True)
(out / "begroot.toml").write_text('''[organisation]
name = "Gemeente Test"
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
layout = "wide"
[editions.finance.columns]
taakveld = "Taakveld"
kind = "Soort"
[editions.finance.amounts]
"31-12-2024" = { year = 2024, column = "begroting" }
"31-12-2025" = { year = 2025, column = "begroting" }
[[editions.finance]]
file = "extra.csv"
[editions.finance.columns]
taakveld = "Taakveld"
kind = "Soort"
year = "Jaar"
amount = "Bedrag"
''', encoding="utf-8")
(ed / "programmas.csv").write_text("code;naam;hoofdprogramma;taakvelden;soort\n1;Alles;;0.1 0.2 0.3 1.* 2.* 3.* 4.* 5.* 6.* 7.* 8.*;programma\nAD;Algemene dekkingsmiddelen;;0.5 0.61-0.64 0.7 0.8 0.9;overzicht\nOH;Overhead;;0.4;overzicht\n", encoding="utf-8")
wb = xlsxwriter.Workbook(str(ed / "export.xlsx")); ws = wb.add_worksheet("Blad1")
df = wb.add_format({"num_format": "dd-mm-yyyy"})
ws.write(0, 0, "Taakveld"); ws.write(0, 1, "Soort")
ws.write_datetime(0, 2, datetime.datetime(2024, 12, 31), df); ws.write_datetime(0, 3, datetime.datetime(2025, 12, 31), df)
data = [("0.1", "L", "€ 1.234,56", "€ 1.300,00"), ("0.7", "B", "€ -1.234,56", "€ 10.000,00"), ("2.1", "L", 500.25, 600.75)]
for i, row in enumerate(data, 1):
    for c, v in enumerate(row): ws.write(i, c, v)
wb.close()
(ed / "extra.csv").write_bytes("\ufeffTaakveld,Soort,Jaar,Bedrag\r\n6.1,Lasten,2025,\"1,234.50\"\r\n6.1,Lasten,2025.0,\"2,000.00\"\r\n".encode("utf-8"))
