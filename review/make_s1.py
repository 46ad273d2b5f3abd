"""Scenario 1: a vendor's wide XLSX export (title rows, merged cells, year columns, subtotals
per programme, a grand total, numbers stored as text, formulas with cached values, a hidden
sheet, trailing empty columns). Writes the project into the folder given as argv[1]."""
import sys, pathlib, xlsxwriter
from decimal import Decimal as D

out = pathlib.Path(sys.argv[1]); ed = out / "begroting-2025"; (ed / "teksten").mkdir(parents=True, exist_ok=True)
(out / "begroot.toml").write_text('''[organisation]
name = "Gemeente Súdwest-Fryslân"
kind = "gemeente"
[site]
language = "nl"
unit = 1000
pdf = false
[accessibility]
contact = "a@example.nl"
[[editions]]
id = "begroting-2025"
kind = "begroting"
year = 2025
[[editions.finance]]
file = "export.xlsx"
sheet = "Begroting"
layout = "wide"
header_row = 4
[editions.finance.columns]
programme = "Programma"
taakveld = "Taakveld"
kind = "L/B"
description = "Omschrijving"
[editions.finance.amounts]
"Realisatie 2023" = { year = 2023, column = "realisatie" }
"Begroting 2024" = { year = 2024, column = "begroting" }
"Begroting 2025" = { year = 2025, column = "begroting" }
"Raming 2026" = { year = 2026, column = "meerjarenraming" }
''', encoding="utf-8")
(ed / "programmas.csv").write_text("code;naam;hoofdprogramma;taakvelden;soort\n1;Bestuur en dienstverlening;;;programma\n2;Veiligheid en openbare ruimte;;;programma\n3;Sociaal domein;;;programma\nAD;Algemene dekkingsmiddelen;;;overzicht\nOH;Overhead;;;overzicht\n", encoding="utf-8")
(ed / "teksten" / "1-doelstelling.md").write_text("Wij willen een goed bestuur.\n", encoding="utf-8")

# rows: programme, taakveld, description, L/B, 4 amounts (euros, exact)
rows = [
 ("1","0.1","Bestuur","L",[D("812345.67"),D("850000"),D("871234.5"),D("880000")]),
 ("1","0.2","Burgerzaken","L",[D("412000"),D("420000.25"),D("433000"),D("440000")]),
 ("1","0.2","Leges burgerzaken","B",[D("-150000"),D("-155000"),D("-160000"),D("-162000")]),
 ("2","1.1","Crisisbeheersing en brandweer","L",[D("2100000"),D("2200000"),D("2300000"),D("2350000")]),
 ("2","2.1","Verkeer en vervoer","L",[D("3456789.01"),D("3500000"),D("3600000"),D("3650000")]),
 ("2","2.1","Bijdrage provincie","B",[D("-250000"),D("-260000"),D("-270000"),D("-280000")]),
 ("3","6.1","Samenkracht en burgerparticipatie","L",[D("1234567.89"),D("1300000"),D("1350000"),D("1400000")]),
 ("3","6.3","Inkomensregelingen","L",[D("9876543.21"),D("10000000"),D("10500000"),D("10800000")]),
 ("3","6.3","Rijksbijdrage BUIG","B",[D("-8500000"),D("-8700000"),D("-9000000"),D("-9200000")]),
 ("AD","0.7","Algemene uitkering","B",[D("-30000000"),D("-31000000"),D("-32000000"),D("-33000000")]),
 ("AD","0.61","OZB woningen","B",[D("-4000000"),D("-4100000"),D("-4200000"),D("-4300000")]),
 ("OH","0.4","Overhead","L",[D("5000000"),D("5100000"),D("5200000"),D("5300000")]),
]
wb = xlsxwriter.Workbook(str(ed / "export.xlsx"))
h = wb.add_worksheet("Instellingen"); h.write(0,0,"parameter"); h.hide()
ws = wb.add_worksheet("Begroting")
bold = wb.add_format({"bold": True}); money = wb.add_format({"num_format": '#,##0.00'})
ws.merge_range(0,0,0,7,"Gemeente Súdwest-Fryslân – Begroting 2025 (bedragen in €)", bold)
ws.write(1,0,"Exportdatum: 11-07-2024")
hdr = ["Programma","Taakveld","Omschrijving","L/B","Realisatie 2023","Begroting 2024","Begroting 2025","Raming 2026"]
for c,v in enumerate(hdr): ws.write(3,c,v,bold)
r = 4; start = r; prog = None; block_start = r
def subtotal(p, a, b):
    global r
    ws.write(r,0,f"Totaal programma {p}")
    for c in range(4,8):
        col = "EFGH"[c-4]
        val = sum(x[4][c-4] for x in rows if x[0]==p)
        ws.write_formula(r,c,f"=SUM({col}{a+1}:{col}{b})", money, float(val))
    r += 1
for i,(p,t,d,k,am) in enumerate(rows):
    if prog is not None and p != prog:
        subtotal(prog, block_start, r); block_start = r
    prog = p
    ws.write(r,0,p); ws.write(r,1,t); ws.write(r,2,d); ws.write(r,3,k)
    for c,v in enumerate(am):
        if i == 1 and c == 0:   # number stored as text, Dutch notation
            ws.write_string(r,4+c,"412.000,00")
        elif i == 2 and c == 1: # a formula with its cached value
            ws.write_formula(r,4+c,"=-150000-5000", money, -155000.0)
        else:
            ws.write_number(r,4+c,float(v), money)
    ws.write(r,9,"")   # trailing empty column
    r += 1
subtotal(prog, block_start, r)
ws.write(r,0,"Generaal totaal")
for c in range(4,8):
    ws.write_number(r,c,float(sum(x[4][c-4] for x in rows)), money)
wb.close()
# expected totals (begroting 2025 column)
L = sum(x[4][2] for x in rows if x[3]=="L"); Bt = sum(x[4][2] for x in rows if x[3]=="B")
print("expected 2025 lasten", L, "baten", Bt)
