#!/usr/bin/env python3
"""Makes the office files of Importers/samples/ from the CSV sources, with LibreOffice.

    apt-get install -y --no-install-recommends libreoffice-calc-nogui
    python3 -m venv /tmp/drom-venv && /tmp/drom-venv/bin/pip install openpyxl msoffcrypto-tool
    /tmp/drom-venv/bin/python Importers/tools/make-office-samples.py

Sources (edited by hand, never written here): samples/praktiker.csv, samples/constats.csv.
Written here:

  samples/praktiker.xlsx, praktiker.ods   LibreOffice, from a flat ODS (.fods) this script
                                          writes: sheets Instruktioner + Praktiker, a merged
                                          "Kontakt" cell above the contact columns, real dates
  samples/constats.xlsx, constats.ods     LibreOffice, straight from constats.csv (CSV filter)
  samples/praktiker-inline.xlsx           by hand (zipfile): the smallest XLSX, inline strings
  samples/bad/trasig.xlsx                 praktiker.xlsx cut after 60 % of its bytes
  samples/bad/krypterad.xlsx              praktiker-inline.xlsx encrypted by msoffcrypto-tool
  samples/bad/formel-cachad.xlsx          LibreOffice: a formula title with its saved result
  samples/bad/formel-utan-varde.xlsx      openpyxl: a formula title with no saved result
  samples/bad/utf16-utan-bom.csv          UTF-16LE without a byte order mark
  samples/bad/latin1-ogiltig-utf8.csv     Windows-1252 bytes (not valid UTF-8)

Then every office file is converted back to CSV by LibreOffice and compared cell by cell with
its source. Office programs stamp the time into what they write, so a remade file differs from
the committed one byte for byte, never in its cells.
"""

import csv
import datetime
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.normpath(os.path.join(HERE, "..", "samples"))
BAD = os.path.join(SAMPLES, "bad")
WORK = tempfile.mkdtemp(prefix="drom-office-")

# LibreOffice's CSV filter options, token by token (https://help.libreoffice.org/latest/en-US/
# text/shared/guide/csv_params.html): separator, text delimiter, character set, first line,
# column formats, language, quoted field as text, detect special numbers, …, sheet to export.
#   59 = ';'  44 = ','  9 = tab  34 = '"'  76 = UTF-8
#   column formats: "col/format" pairs, 1 = standard, 2 = text, 4 = date DD/MM/YY, 5 = YY/MM/DD
#   language: 1053 = sv-SE, 2060 = fr-BE (Windows LCIDs, decimal)
PRAKTIKER_IN = "CSV:59,34,76,1,,1053,false,true"
CONSTATS_IN = "CSV:44,34,76,1,11/4,2060,false,true"


def soffice(*args):
    """Runs LibreOffice headless with its own throw-away profile (no clash with a running one),
    set not to store a thumbnail picture in ODS files (it would be most of their size)."""
    user = os.path.join(WORK, "lo-profile", "user")
    if not os.path.exists(user):
        os.makedirs(user)
        with open(os.path.join(user, "registrymodifications.xcu"), "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<oor:items xmlns:oor="http://openoffice.org/2001/registry">'
                    '<item oor:path="/org.openoffice.Office.Common/Save/Document">'
                    '<prop oor:name="GenerateThumbnail" oor:op="fuse"><value>false</value></prop>'
                    "</item></oor:items>\n")
    profile = "file://" + os.path.join(WORK, "lo-profile")
    cmd = ["soffice", f"-env:UserInstallation={profile}", "--headless", *args]
    print("  $", " ".join(a if " " not in a and ";" not in a else repr(a) for a in cmd[2:]))
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read_csv(path, encoding, delimiter):
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


def as_date(text):
    """2026-06-10 or 14.4.2026 (as written in praktiker.csv) → date, else None."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if m:
        return datetime.date(int(m[3]), int(m[2]), int(m[1]))
    return None


# ------------------------------------------------------------------ flat ODS → LibreOffice
FODS_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:automatic-styles>
  <number:date-style style:name="Niso"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
  <style:style style:name="date" style:family="table-cell" style:data-style-name="Niso"/>
  <style:style style:name="head" style:family="table-cell"><style:table-cell-properties fo:background-color="#dde8f0"/><style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="group" style:family="table-cell"><style:table-cell-properties fo:background-color="#b7cde0"/><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="wrap" style:family="table-cell"><style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/></style:style>
  <style:style style:name="title" style:family="table-cell"><style:text-properties fo:font-size="14pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="narrow" style:family="table-column"><style:table-column-properties style:column-width="2.5cm"/></style:style>
  <style:style style:name="wide" style:family="table-column"><style:table-column-properties style:column-width="7cm"/></style:style>
  <style:style style:name="instr" style:family="table-column"><style:table-column-properties style:column-width="18cm"/></style:style>
 </office:automatic-styles>
 <office:body><office:spreadsheet>
"""
FODS_TAIL = " </office:spreadsheet></office:body>\n</office:document>\n"


def paragraphs(text):
    return "".join(f"<text:p>{escape(line)}</text:p>" for line in text.split("\n"))


def cell(value, style=None, kind="auto", formula=None):
    """One table:table-cell: a number, a date, or text (line breaks become paragraphs)."""
    st = f' table:style-name="{style}"' if style else ""
    if formula is not None:
        return (f'<table:table-cell{st} table:formula="{escape(formula, {chr(34): "&quot;"})}"'
                f' office:value-type="string" office:string-value="{escape(value)}">'
                f"{paragraphs(value)}</table:table-cell>")
    if value == "":
        return f"<table:table-cell{st}/>"
    if kind == "auto" and re.fullmatch(r"\d+", value):
        return f'<table:table-cell{st} office:value-type="float" office:value="{value}">{paragraphs(value)}</table:table-cell>'
    day = as_date(value) if kind in ("auto", "date") else None
    if day:
        return (f'<table:table-cell table:style-name="date" office:value-type="date"'
                f' office:date-value="{day.isoformat()}"><text:p>{day.isoformat()}</text:p></table:table-cell>')
    return f'<table:table-cell{st} office:value-type="string">{paragraphs(value)}</table:table-cell>'


def group_row(ncols, first, span, label, a1=""):
    """Row 1: empty cells, then one merged cell `label` spanning `span` columns from `first`."""
    cells = [cell(a1, "title") if a1 else "<table:table-cell/>"]
    if first > 2:
        cells.append(f'<table:table-cell table:number-columns-repeated="{first - 2}"/>')
    cells.append(f'<table:table-cell table:style-name="group" table:number-columns-spanned="{span}"'
                 f' table:number-rows-spanned="1" office:value-type="string"><text:p>{escape(label)}</text:p></table:table-cell>')
    cells.append(f'<table:covered-table-cell table:number-columns-repeated="{span - 1}"/>')
    return "<table:table-row>" + "".join(cells) + "</table:table-row>\n"


INSTRUKTIONER = [
    ("Så fyller du i bladet Praktiker", "title"),
    ("", None),
    ("En rad per gott exempel. Ändra inte kolumnernas namn i rad 2: Drom hittar kolumnerna på dem.", "wrap"),
    ("Nr: ett nummer per exempel. Det får aldrig ändras eller återanvändas, annars blir det ett nytt exempel i katalogen.", "wrap"),
    ("Teman och Målgrupper: Droms namn på svenska (till exempel Arbete, Praktik, Brobyggande; Romer, Nyanlända, Arbetsgivare), åtskilda med semikolon.", "wrap"),
    ("Land: SE eller Sverige. Datum: ÅÅÅÅ-MM-DD.", "wrap"),
    ("Kontakt: lämna Kontaktperson tom för en funktionsbrevlåda (info@…). En namngiven person publiceras bara med ett giltigt samtycke: fyll i båda datumen.", "wrap"),
    ("Bladet läses av drom import med profilen Importers/profiles/practices.yaml.", "wrap"),
]


def praktiker_fods(rows, formula_title=None, instructions=True, a1=""):
    """The Praktiker workbook as flat ODS. rows[0] is the group row, rows[1] the header."""
    header, data = rows[1], rows[2:]
    n = len(header)
    first_contact = header.index("Kontaktperson") + 1
    out = [FODS_HEAD]
    if instructions:
        out.append(' <table:table table:name="Instruktioner"><table:table-column table:style-name="instr"/>\n')
        for text, style in INSTRUKTIONER:
            out.append("<table:table-row>" + cell(text, style, kind="text") + "</table:table-row>\n")
        out.append(" </table:table>\n")
    out.append(' <table:table table:name="Praktiker">')
    widths = {"Nr": "narrow", "Titel": "wide", "Sammanfattning": "wide", "Beskrivning": "wide"}
    out.append("".join(f'<table:table-column table:style-name="{widths.get(h, "narrow")}"/>' for h in header) + "\n")
    out.append(group_row(n, first_contact, n - first_contact + 1, "Kontakt", a1))
    out.append("<table:table-row>" + "".join(cell(h, "head", kind="text") for h in header) + "</table:table-row>\n")
    for i, row in enumerate(data):
        cells = []
        for j, (h, v) in enumerate(zip(header, row)):
            if formula_title and i == 0 and h == "Titel":
                cells.append(cell(formula_title[1], "wrap", formula=formula_title[0]))
            elif h in ("Nr",):
                cells.append(cell(v))
            elif h in ("Start", "Slut", "Senast ändrad", "Samtycke lämnat", "Samtycke gäller till"):
                cells.append(cell(v, kind="date"))
            else:
                cells.append(cell(v, "wrap", kind="text"))
        out.append("<table:table-row>" + "".join(cells) + "</table:table-row>\n")
    out.append(" </table:table>\n")
    out.append(FODS_TAIL)
    return "".join(out)


# ------------------------------------------------------------------ XLSX by hand (inline strings)
def col_letter(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def inline_xlsx(path, rows, sheet="Praktiker", merge=None):
    """The smallest XLSX a reader must take: no shared strings, no styles; every text cell is
    t="inlineStr", whole numbers are plain numbers."""
    sheet_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, v in enumerate(row):
            if v == "":
                continue
            ref = f"{col_letter(c)}{r}"
            if re.fullmatch(r"\d+", v) and r > 2:
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                space = ' xml:space="preserve"' if "\n" in v or v != v.strip() else ""
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t{space}>{escape(v)}</t></is></c>')
        sheet_rows.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    merges = f'<mergeCells count="1"><mergeCell ref="{merge}"/></mergeCells>' if merge else ""
    parts = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        "xl/worksheets/sheet1.xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + "\n".join(sheet_rows) + "</sheetData>" + merges + "</worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 23, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


# ------------------------------------------------------------------ checks
def back_to_csv(path, sheet_number):
    """LibreOffice's own reading of an office file, as rows (sheet 1-based)."""
    out = os.path.join(WORK, "back")
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        os.remove(os.path.join(out, f))
    # export: ',' '"' UTF-8, …, token 9 "save cell contents as shown", token 12 the sheet
    soffice("--convert-to", f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,{sheet_number}",
            "--outdir", out, path)
    [name] = os.listdir(out)
    return read_csv(os.path.join(out, name), "utf-8", ",")


def compare(label, got, want, equal=lambda a, b: a == b):
    width = max(len(r) for r in want)
    got = [(r + [""] * width)[:width] for r in got]
    want = [(r + [""] * width)[:width] for r in want]
    diffs = [(i + 1, j, g, w) for i, (gr, wr) in enumerate(zip(got, want))
             for j, (g, w) in enumerate(zip(gr, wr)) if not equal(g, w)]
    if len(got) != len(want):
        diffs.append(("rows", len(got), len(want), ""))
    print(f"  {label}: {len(want)} rows × {width} columns, " + ("identical" if not diffs else f"{len(diffs)} differences"))
    for d in diffs[:10]:
        print("    ", d)
    return not diffs


def same_date(a, b):
    """Cells equal, or the same day written as 14.4.2026 and 2026-04-14."""
    return a == b or (as_date(a) is not None and as_date(a) == as_date(b))


def main():
    ok = True
    praktiker = read_csv(os.path.join(SAMPLES, "praktiker.csv"), "utf-8-sig", ";")
    constats = read_csv(os.path.join(SAMPLES, "constats.csv"), "utf-8", ",")

    print("praktiker.xlsx, praktiker.ods: flat ODS → LibreOffice")
    fods = os.path.join(WORK, "praktiker.fods")
    open(fods, "w", encoding="utf-8").write(praktiker_fods(praktiker))
    soffice("--convert-to", "xlsx", "--outdir", SAMPLES, fods)
    soffice("--convert-to", "ods", "--outdir", SAMPLES, fods)

    print("constats.xlsx, constats.ods: CSV → LibreOffice")
    soffice("--convert-to", "xlsx", f"--infilter={CONSTATS_IN}", "--outdir", SAMPLES,
            os.path.join(SAMPLES, "constats.csv"))
    soffice("--convert-to", "ods", f"--infilter={CONSTATS_IN}", "--outdir", SAMPLES,
            os.path.join(SAMPLES, "constats.csv"))

    print("praktiker-inline.xlsx: by hand")
    inline_xlsx(os.path.join(SAMPLES, "praktiker-inline.xlsx"), praktiker, merge="M1:T1")

    print("bad/: broken, encrypted, formulas, encodings")
    os.makedirs(BAD, exist_ok=True)
    whole = open(os.path.join(SAMPLES, "praktiker.xlsx"), "rb").read()
    open(os.path.join(BAD, "trasig.xlsx"), "wb").write(whole[: len(whole) * 6 // 10])
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "msoffcrypto-tool"), "-e", "-p", "drom2026",
                    os.path.join(SAMPLES, "praktiker-inline.xlsx"), os.path.join(BAD, "krypterad.xlsx")], check=True)
    small = praktiker[:2] + praktiker[2:4]
    a1 = "Projekt Gränsgångare"
    fods = os.path.join(WORK, "formel-cachad.fods")
    open(fods, "w", encoding="utf-8").write(
        praktiker_fods(small, formula_title=('of:=[.A1]&"x"', a1 + "x"), instructions=False, a1=a1))
    soffice("--convert-to", "xlsx", "--outdir", WORK, fods)
    shutil.move(os.path.join(WORK, "formel-cachad.xlsx"), os.path.join(BAD, "formel-cachad.xlsx"))
    import openpyxl  # noqa: E402  (only needed here)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Praktiker"
    for r, row in enumerate(small, start=1):
        for c, v in enumerate(row, start=1):
            if v != "":
                ws.cell(r, c, int(v) if (r > 2 and v.isdigit()) else v)
    ws["A1"] = a1
    ws["B3"] = '=A1&"x"'  # openpyxl writes the formula and never a result
    ws.merge_cells("M1:T1")
    wb.save(os.path.join(BAD, "formel-utan-varde.xlsx"))
    text = open(os.path.join(BAD, "okant-tema.csv"), encoding="utf-8-sig").read()
    text = text.replace("Mentorsskapp", "Arbete")  # a good sheet, only its encoding is unexpected
    open(os.path.join(BAD, "utf16-utan-bom.csv"), "wb").write(text.encode("utf-16-le"))
    assert "–" in text  # an en dash: 0x96 in Windows-1252, absent from ISO-8859-1
    # Windows-1252 has no ć: Excel's "CSV (semicolon)" writes its best fit, c
    open(os.path.join(BAD, "latin1-ogiltig-utf8.csv"), "wb").write(text.replace("ć", "c").encode("cp1252"))

    print("checks: LibreOffice reads each file back as CSV")
    want = praktiker
    ok &= compare("praktiker.xlsx, sheet 2", back_to_csv(os.path.join(SAMPLES, "praktiker.xlsx"), 2), want, same_date)
    ok &= compare("praktiker.ods, sheet 2", back_to_csv(os.path.join(SAMPLES, "praktiker.ods"), 2), want, same_date)
    ok &= compare("praktiker-inline.xlsx", back_to_csv(os.path.join(SAMPLES, "praktiker-inline.xlsx"), 1), want)
    soffice("--convert-to", "xlsx", f"--infilter={PRAKTIKER_IN}", "--outdir", WORK,
            os.path.join(SAMPLES, "praktiker.csv"))
    ok &= compare("praktiker.csv → xlsx (check only, not kept)",
                  back_to_csv(os.path.join(WORK, "praktiker.xlsx"), 1), want, same_date)
    first_sheet = back_to_csv(os.path.join(SAMPLES, "praktiker.xlsx"), 1)
    print(f"  praktiker.xlsx, sheet 1: {first_sheet[0][0]!r} … ({len(first_sheet)} rows)")

    def dmy(a, b):
        """A real date, which LibreOffice's CSV export shows in its own locale (en-US: 10/20/26),
        against 20/10/2026 in the source."""
        m = re.fullmatch(r"(\d\d?)/(\d\d?)/(\d\d)", a)
        return a == b or (m is not None and b == f"{int(m[2]):02}/{int(m[1]):02}/20{m[3]}")
    ok &= compare("constats.xlsx", back_to_csv(os.path.join(SAMPLES, "constats.xlsx"), 1), constats, dmy)
    ok &= compare("constats.ods", back_to_csv(os.path.join(SAMPLES, "constats.ods"), 1), constats, dmy)
    cached = back_to_csv(os.path.join(BAD, "formel-cachad.xlsx"), 1)
    print(f"  bad/formel-cachad.xlsx B3 reads {cached[2][1]!r}")
    shutil.rmtree(WORK, ignore_errors=True)
    print("all files made; LibreOffice reads them as their sources" if ok else "DIFFERENCES: see above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
