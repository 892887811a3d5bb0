#!/usr/bin/env python3
"""Generate a large, deterministic practices sheet, as CSV, XLSX and ODS, for the import benchmark.

The sheet has the shape of Importers/samples/praktiker.csv (read with
Importers/profiles/practices.yaml): row 1 has only "Kontakt" above the contact columns (a merged
cell in the workbooks), row 2 the column names, then one practice a row. The Swedish text is
varied from the sample's own rows and from the Gränsgångare seed text of gen_feed.py; themes and
target groups are drawn from the labels the sample uses (mostly Swedish labels, now and then one
of Drom's English terms, as the sample does); dates in the CSV are written as people type them
(ISO, 14.4.2026, 03/04/2026), in the workbooks they are real date cells (format yyyy-mm-dd);
contacts are a named person with a consent that holds on 2026-12-01, a role mailbox, or nobody,
and a few people whose consent has run out or was never recorded (a warning each, the card left
out). The same text goes into every format: only how dates are stored differs.

The XLSX is written with openpyxl (write_only=True); CSV and ODS need nothing but Python.
Same seed and row count, same rows.

    Benchmarks/data/venv/bin/python Benchmarks/gen_sheet.py --rows 50000 --seed 1 -o dir/
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Iterator, Optional
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "Importers" / "samples" / "praktiker.csv"
NOW = dt.date(2026, 12, 1)  # the day the benchmark imports "as of" (--now)

HEADER = ["Nr", "Titel", "Sammanfattning", "Beskrivning", "Webbsida", "Teman", "Målgrupper", "Stad",
          "Land", "Start", "Slut", "Senast ändrad", "Kontaktperson", "Organisation", "Roll", "E-post",
          "Telefon", "Språk", "Samtycke lämnat", "Samtycke gäller till"]
DATE_COLUMNS = {9, 10, 11, 18, 19}
CONTACT_FROM = HEADER.index("Kontaktperson")  # row 1: "Kontakt" above columns M..T

INSTRUCTIONS = [
    "Så fyller du i bladet Praktiker",
    "",
    "En rad per gott exempel. Ändra inte kolumnernas namn i rad 2: Drom hittar kolumnerna på dem.",
    "Nr: ett nummer per exempel. Det får aldrig ändras eller återanvändas, annars blir det ett nytt exempel i katalogen.",
    "Teman och Målgrupper: Droms namn på svenska (till exempel Arbete, Praktik, Brobyggande; Romer, Nyanlända, Arbetsgivare), åtskilda med semikolon.",
    "Land: SE eller Sverige. Datum: ÅÅÅÅ-MM-DD.",
    "Kontakt: lämna Kontaktperson tom för en funktionsbrevlåda (info@…). En namngiven person publiceras bara med ett giltigt samtycke: fyll i båda datumen.",
    "Bladet läses av drom import med profilen Importers/profiles/practices.yaml.",
]

# The Gränsgångare seed text (as in gen_feed.py's Swedish bank), beside the sample's rows.
SEED_TITLES = [
    "Strategi för icke-diskriminering i Projekt Gränsgångare",
    "En arbetsmarknad som är fri från diskriminering",
    "Rutiner för hantering av diskrimineringssituationer",
    "Samverkan med näringslivet och dess rekryteringsbehov",
    "Arbetslivsinriktad rehabilitering på lika villkor",
]
SEED_PHRASES = [
    "ingen deltagare ska utsättas för diskriminering",
    "alla deltagare ska få information om diskriminering",
    "projektmedarbetare ska få ökad kunskap om icke-diskriminering",
    "det ska finnas tydliga rutiner för hantering av diskrimineringssituationer",
    "fler kvinnor och män börjar att arbeta eller studera",
    "näringslivet har börjat rekrytera nya medarbetare från projektets målgrupper",
    "en analys av icke-diskriminering genomförs tidigt och följs upp varje år",
    "Samordningsförbundet Väst och Älv & Kust utvecklar fungerande arbetssätt",
    "deltagarna bemöts holistiskt och får en likvärdig arbetslivsinriktad rehabilitering",
    "brobyggarna skapar förtroende mellan romska familjer och skolan",
    "varje praktikplats följs upp efter tre månader",
    "informationen ges på lättläst svenska, arabiska, somaliska och dari",
    "arbetsspecialister besöker arbetsgivare i hela Göteborgsregionen",
    "hinder för samarbete synliggörs och följs upp systematiskt",
]
TITLE_SUFFIXES = ["", "", "", " – delprojekt {city}", " i {city}", " ({year})", " för unga vuxna",
                  " – uppföljning {year}", ": erfarenheter från {city}", " (andra omgången)"]
CITIES = ["Göteborg", "Göteborg", "Göteborg", "Kungälv", "Ale", "Stenungsund", "Tjörn", "Öckerö",
          "Mölndal", "Partille", "Lerum", "Alingsås"]
DOMAINS = ["gransgangare.example.org", "alvochkust.example.org", "finsam-goteborg.example.org",
           "goteborg.example.org"]
ORGANISATIONS = ["Samordningsförbundet Göteborg", "Samordningsförbundet Älv & Kust",
                 "Samordningsförbundet Väst", "Göteborgs Stad", "Projekt Gränsgångare",
                 "Arbetsförmedlingen Göteborg", "Kungälvs kommun", "Finsam Göteborg"]
ROLES = ["Projektledare", "Romsk brobyggare", "Arbetsgivarkontakt", "Coach", "Handläggare",
         "Arbetsspecialist", "Samordnare", "Verksamhetsutvecklare"]
FIRST_NAMES = ["Sara", "Erik", "Jovanka", "Anna", "Lars", "Maria", "Johan", "Fatima", "Ahmed",
               "Elin", "Mikael", "Amina", "Björn", "Åsa", "Dragan", "Milena", "Karin", "Omar",
               "Ingrid", "Zoran", "Hanna", "Per", "Leila", "Nils"]
LAST_NAMES = ["Lindqvist", "Johansson", "Nikolić", "Andersson", "Karlsson", "Nilsson", "Eriksson",
              "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson", "Petrović", "Jovanović",
              "Hassan", "Ali", "Öberg", "Åkesson", "Ström", "Berg", "Demir", "Mohammed"]
LANGUAGE_LISTS = ["sv", "sv", "sv, en", "sv, en", "sv, rom", "sv, rom, sr-Latn", "sv, ar",
                  "sv, so", "sv, fa", "sv, en, fi", "sv, bs", "sv, ro"]
ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "A", "Ä": "A", "Ö": "O", "ć": "c",
                       "č": "c", "é": "e", "ü": "u"})


def generator_version() -> str:
    """Changes whenever this file or the sample it draws from changes, so cached data is regenerated."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(SAMPLE.read_bytes())
    return digest.hexdigest()[:10]


def split_list(text: str) -> list[str]:
    """A list cell as the importer splits it: on ; else on ,."""
    separator = ";" if ";" in text else ","
    return [part.strip() for part in text.split(separator) if part.strip()]


def is_term(label: str) -> bool:
    return re.fullmatch(r"[a-z]+(-[a-z]+)*", label) is not None


class Bank:
    """What the rows are made from: the sample's own rows, and the seed text."""

    def __init__(self) -> None:
        with open(SAMPLE, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f, delimiter=";"))
        header = rows[1]
        records = [dict(zip(header, row)) for row in rows[2:] if any(cell.strip() for cell in row)]
        self.titles = [r["Titel"] for r in records] + SEED_TITLES
        self.summaries = [r["Sammanfattning"] for r in records]
        sentences: list[str] = []
        for r in records:
            for line in r["Beskrivning"].split("\n"):
                line = line.strip().lstrip("- ").strip()
                if line and not line.endswith(":"):
                    sentences.append(line.rstrip(";."))
        self.sentences = sentences
        self.list_lines = [line.strip().lstrip("- ").rstrip(";.").strip()
                           for r in records for line in r["Beskrivning"].split("\n")
                           if line.strip().startswith("-")]
        self.phrases = SEED_PHRASES + [s.rstrip(".") for s in self.summaries]
        themes = [label for r in records for label in split_list(r["Teman"])]
        groups = [label for r in records for label in split_list(r["Målgrupper"])]
        self.themes = sorted({t for t in themes if not is_term(t)})
        self.theme_terms = sorted({t for t in themes if is_term(t)})
        self.groups = sorted({g for g in groups if not is_term(g)})
        self.group_terms = sorted({g for g in groups if is_term(g)})


def slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.translate(ASCII).lower())
    return "-".join(words[:4]) or "exempel"


class RowMaker:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.bank = Bank()
        self.expired = 0  # named people whose consent has run out: a warning each
        self.unrecorded = 0  # named people without consent dates: a warning each

    def sentence(self) -> str:
        r = self.rng
        text = r.choice(self.bank.phrases)
        if r.random() < 0.4:
            text += ", och " + r.choice(SEED_PHRASES)
        return text[0].upper() + text[1:] + "."

    def description(self, city: str) -> str:
        r = self.rng
        paragraphs = []
        for _ in range(r.randint(1, 3)):
            if r.random() < 0.5:
                paragraphs.append(r.choice(self.bank.sentences) + ".")
            else:
                paragraphs.append(" ".join(self.sentence() for _ in range(r.randint(1, 2))))
        if r.random() < 0.25:  # a list, as in the sample's first row
            items = r.sample(self.bank.list_lines, r.randint(2, 4))
            paragraphs.insert(r.randrange(len(paragraphs) + 1),
                              "Målen är:\n" + "\n".join(f"- {item};" for item in items))
        roll = r.random()
        if roll < 0.08:  # quotes: doubled in CSV
            paragraphs.append(f'Arbetsgivarens "aktiva åtgärder" gås igenom i {city}.')
        elif roll < 0.12:  # characters to escape in XML
            paragraphs.append(f"Fler än 30 % av deltagarna är < 25 år; Älv & Kust och {city} samverkar.")
        return "\n".join(paragraphs)

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def labels(self, swedish: list[str], terms: list[str], low: int, high: int) -> str:
        r = self.rng
        chosen = r.sample(swedish, r.randint(low, min(high, len(swedish))))
        if terms and r.random() < 0.1:
            chosen[r.randrange(len(chosen))] = r.choice(terms)
        return ("; " if r.random() < 0.85 else ", ").join(dict.fromkeys(chosen))

    def row(self, number: int) -> list:
        """One practice: cells as Python values (int, str, datetime.date or None)."""
        r = self.rng
        city = r.choice(CITIES)
        year = r.randint(2019, 2026)
        title = r.choice(self.bank.titles) + r.choice(TITLE_SUFFIXES).format(city=city, year=year)
        summary = r.choice(self.bank.summaries) if r.random() < 0.3 else \
            " ".join(self.sentence() for _ in range(r.randint(1, 2)))
        domain = r.choice(DOMAINS)
        link = f"https://{domain}/{slug(title)}-{number}"
        start = self.day(dt.date(2019, 1, 1), dt.date(2026, 10, 31)) if r.random() < 0.8 else None
        end = None
        if r.random() < 0.35:
            end = self.day(max(start or dt.date(2024, 1, 1), dt.date(2024, 1, 1)), dt.date(2029, 12, 31))
        updated = self.day(dt.date(2025, 1, 1), dt.date(2026, 11, 30))
        country = "Sverige" if r.random() < 0.4 else "SE"

        person = organisation = role = email = phone = languages = recorded = expires = None
        roll = r.random()
        if roll < 0.415:  # a named person
            first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
            person = f"{first} {last}"
            organisation = r.choice(ORGANISATIONS)
            role = r.choice(ROLES)
            email = f"{first.translate(ASCII).lower()}.{last.translate(ASCII).lower()}@{domain}"
            phone = f"+46 31 {r.randrange(1000):03d} {r.randrange(100):02d} {r.randrange(100):02d}"
            languages = r.choice(LANGUAGE_LISTS)
            if roll < 0.40:  # consent that holds on NOW
                recorded = self.day(dt.date(2024, 1, 1), NOW - dt.timedelta(days=1))
                expires = recorded + dt.timedelta(days=365 * r.randint(2, 4))
                if expires <= NOW:
                    expires = NOW + dt.timedelta(days=365)
            elif roll < 0.41:  # consent that ran out
                recorded = self.day(dt.date(2021, 1, 1), dt.date(2023, 6, 30))
                expires = self.day(recorded + dt.timedelta(days=365), NOW - dt.timedelta(days=1))
                self.expired += 1
            else:  # never recorded
                self.unrecorded += 1
        elif roll < 0.65:  # a role mailbox: no consent needed
            organisation = r.choice(ORGANISATIONS)
            email = f"info@{domain}"
            languages = "sv"
        return [number, title, summary, self.description(city), link,
                self.labels(self.bank.themes, self.bank.theme_terms, 1, 4),
                self.labels(self.bank.groups, self.bank.group_terms, 1, 3),
                city, country, start, end, updated, person, organisation, role, email, phone,
                languages, recorded, expires]


def rows(maker: RowMaker, count: int) -> Iterator[list]:
    for number in range(1, count + 1):
        yield maker.row(number)


# MARK: - CSV: semicolons, a BOM, CRLF between records (LF inside cells), dates as typed


def csv_date(rng: random.Random, day: Optional[dt.date]) -> str:
    if day is None:
        return ""
    roll = rng.random()
    if roll < 0.75:
        return day.isoformat()
    if roll < 0.95:
        return f"{day.day}.{day.month}.{day.year}"
    return f"{day.day:02d}/{day.month:02d}/{day.year}"  # day first, as the profile says


def write_csv(path: Path, count: int, seed: int) -> RowMaker:
    maker = RowMaker(seed)
    formats = random.Random(seed * 7919 + 1)  # how each date is typed: apart from the text's stream
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow([""] * CONTACT_FROM + ["Kontakt"] + [""] * (len(HEADER) - CONTACT_FROM - 1))
        writer.writerow(HEADER)
        for row in rows(maker, count):
            writer.writerow([csv_date(formats, v) if i in DATE_COLUMNS else ("" if v is None else v)
                             for i, v in enumerate(row)])
    return maker


# MARK: - XLSX: openpyxl in write-only mode, real date cells, "Kontakt" merged over M1:T1


def write_xlsx(path: Path, count: int, seed: int) -> RowMaker:
    maker = RowMaker(seed)
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    help_sheet = wb.create_sheet("Instruktioner")
    for line in INSTRUCTIONS:
        help_sheet.append([line or None])
    ws = wb.create_sheet("Praktiker")
    bold = Font(bold=True)
    group = WriteOnlyCell(ws, value="Kontakt")
    group.font = bold
    ws.append([None] * CONTACT_FROM + [group])
    ws.merged_cells.add("M1:T1")
    header = []
    for name in HEADER:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in rows(maker, count):
        out = []
        for i, value in enumerate(row):
            if i in DATE_COLUMNS and value is not None:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "yyyy-mm-dd"
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
    wb.save(path)
    return maker


# MARK: - XLSX with a shared-strings table, as Excel and LibreOffice write it
#
# openpyxl writes every string inline (<c t="inlineStr"><is><t>…</t></is></c>). Excel and
# LibreOffice put each distinct string once in xl/sharedStrings.xml and refer to it by number
# (<c t="s"><v>7</v></c>), and a reader must keep that table while it reads the rows. This is the
# same workbook with its strings moved into such a table, in order of first use.

INLINE = re.compile(r'<c ([^>]*?)t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>', re.S)
SST = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def write_shared_xlsx(source: Path, path: Path) -> int:
    """Writes `source` (an openpyxl workbook) again with a shared-strings table; returns its size."""
    strings: dict[str, int] = {}
    uses = 0

    def shared(match: re.Match) -> str:
        nonlocal uses
        uses += 1
        index = strings.setdefault(match.group(2), len(strings))
        return f'<c {match.group(1)}t="s"><v>{index}</v></c>'

    with zipfile.ZipFile(source) as z, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        names = z.namelist()
        for name in names:
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                out.writestr(name, INLINE.sub(shared, z.read(name).decode("utf-8")))
        table = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
        out.writestr("xl/sharedStrings.xml",
                     f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{SST}" '
                     f'count="{uses}" uniqueCount="{len(strings)}">{table}</sst>')
        for name in names:
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                continue
            data = z.read(name).decode("utf-8")
            if name == "[Content_Types].xml":
                data = data.replace("</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}" /></Types>')
            elif name == "xl/_rels/workbook.xml.rels":
                data = data.replace("</Relationships>", f'<Relationship Type="{SST_REL}" Target="sharedStrings.xml" '
                                                        'Id="rIdShared" /></Relationships>')
            out.writestr(name, data)
    return len(strings)


# MARK: - ODS: content.xml written directly (one table:table per sheet)

ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
          'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"')
MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def ods_paragraphs(text: str) -> str:
    out = []
    for line in text.split("\n"):
        line = escape(line)
        line = re.sub(r"  +", lambda m: " " + f'<text:s text:c="{len(m.group(0)) - 1}"/>', line)
        out.append(f"<text:p>{line}</text:p>")
    return "".join(out)


def ods_cell(value) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        iso = value.isoformat()
        return (f'<table:table-cell table:style-name="date" office:value-type="date" '
                f'office:date-value="{iso}"><text:p>{iso}</text:p></table:table-cell>')
    if isinstance(value, int):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string">{ods_paragraphs(value)}</table:table-cell>'


def write_ods(path: Path, count: int, seed: int) -> RowMaker:
    maker = RowMaker(seed)
    tmp = path.with_name(path.name + ".content.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODS_NS} office:version="1.3">'
                '<office:automatic-styles>'
                '<number:date-style style:name="N121"><number:year number:style="long"/><number:text>-</number:text>'
                '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
                '</number:date-style>'
                '<style:style style:name="date" style:family="table-cell" style:parent-style-name="Default" '
                'style:data-style-name="N121"/>'
                '</office:automatic-styles><office:body><office:spreadsheet>')
        f.write('<table:table table:name="Instruktioner"><table:table-column/>')
        for line in INSTRUCTIONS:
            f.write(f"<table:table-row>{ods_cell(line or None)}</table:table-row>")
        f.write("</table:table>")
        f.write(f'<table:table table:name="Praktiker"><table:table-column table:number-columns-repeated="{len(HEADER)}"/>')
        spanned = len(HEADER) - CONTACT_FROM
        f.write(f'<table:table-row><table:table-cell table:number-columns-repeated="{CONTACT_FROM}"/>'
                f'<table:table-cell office:value-type="string" table:number-columns-spanned="{spanned}" '
                f'table:number-rows-spanned="1"><text:p>Kontakt</text:p></table:table-cell>'
                f'<table:covered-table-cell table:number-columns-repeated="{spanned - 1}"/></table:table-row>')
        f.write("<table:table-row>" + "".join(ods_cell(name) for name in HEADER) + "</table:table-row>")
        for row in rows(maker, count):
            f.write("<table:table-row>" + "".join(ods_cell(v) for v in row) + "</table:table-row>")
        f.write("</table:table></office:spreadsheet></office:body></office:document-content>\n")
    styles = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {ODS_NS} office:version="1.3">'
              '<office:styles><style:style style:name="Default" style:family="table-cell"/></office:styles>'
              '</office:document-styles>\n')
    meta = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {ODS_NS} office:version="1.3">'
            '<office:meta><meta:generator>Benchmarks/gen_sheet.py</meta:generator></office:meta>'
            '</office:document-meta>\n')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)  # first and uncompressed, as ODF requires
        z.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        z.write(tmp, "content.xml", compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("styles.xml", styles, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("meta.xml", meta, compress_type=zipfile.ZIP_DEFLATED)
    tmp.unlink()
    return maker


# MARK: - All three, and the cache


def generate(directory: Path, count: int, seed: int, formats: list[str]) -> dict:
    directory.mkdir(parents=True, exist_ok=True)
    writers = {"csv": write_csv, "xlsx": write_xlsx, "ods": write_ods}
    files = {}
    maker = None
    for fmt in formats:
        if fmt == "xlsx-shared":
            continue
        path = directory / FILES[fmt]
        tmp = directory / ("tmp-" + FILES[fmt])
        maker = writers[fmt](tmp, count, seed)
        os.replace(tmp, path)
        files[fmt] = {"path": str(path), "bytes": path.stat().st_size}
    if "xlsx-shared" in formats:
        path, tmp = directory / FILES["xlsx-shared"], directory / ("tmp-" + FILES["xlsx-shared"])
        distinct = write_shared_xlsx(directory / FILES["xlsx"], tmp)
        os.replace(tmp, path)
        files["xlsx-shared"] = {"path": str(path), "bytes": path.stat().st_size, "shared_strings": distinct}
    assert maker is not None
    return {
        "rows": count, "seed": seed, "generator": generator_version(), "files": files,
        # What the importer must say about these rows (as of --now NOW):
        "now": NOW.isoformat(), "cards_left_out": maker.expired + maker.unrecorded,
        "consent_expired": maker.expired, "consent_unrecorded": maker.unrecorded,
    }


FILES = {"csv": "praktiker.csv", "xlsx": "praktiker.xlsx", "xlsx-shared": "praktiker-shared.xlsx",
         "ods": "praktiker.ods"}


def ensure_sheet(directory: Path, count: int, seed: int, python: str,
                 formats: tuple[str, ...] = ("csv", "xlsx", "xlsx-shared", "ods")) -> dict:
    """The sheet for these parameters, generated once (by `python`, which must have openpyxl)
    and reused while the generator and the sample are unchanged."""
    folder = directory / f"sheet-{count}rows-seed{seed}-{generator_version()}"
    meta_path = folder / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        for fmt, file in meta["files"].items():
            file["path"] = str(folder / FILES[fmt])  # wherever the data folder is now
        if all(fmt in meta["files"] and Path(meta["files"][fmt]["path"]).exists()
               and Path(meta["files"][fmt]["path"]).stat().st_size == meta["files"][fmt]["bytes"]
               for fmt in formats):
            meta["reused"] = True
            return meta
    started = dt.datetime.now()
    out = subprocess.run([python, str(Path(__file__)), "--rows", str(count), "--seed", str(seed),
                          "--formats", ",".join(formats), "-o", str(folder)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"gen_sheet.py failed (exit {out.returncode}):\n{out.stderr[-3000:]}")
    meta = json.loads(out.stdout)
    for fmt, file in meta["files"].items():
        file["path"] = str(folder / FILES[fmt])
    meta["generated_in_s"] = round((dt.datetime.now() - started).total_seconds(), 1)
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    meta["reused"] = False
    return meta


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000, help="practices (rows after the header); default 50000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", default="csv,xlsx,xlsx-shared,ods",
                        help="comma-separated: csv, xlsx, xlsx-shared (needs xlsx), ods")
    parser.add_argument("-o", "--output", type=Path, required=True,
                        help="a folder: praktiker.csv, praktiker.xlsx, praktiker-shared.xlsx, praktiker.ods")
    args = parser.parse_args()
    meta = generate(args.output, args.rows, args.seed, args.formats.split(","))
    print(json.dumps(meta, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
