#!/usr/bin/env python3
"""The import benchmark's peer: a practices sheet to an Atom feed, the way one would write it in
Python — a fair, minimal equivalent of `drom import` with Importers/profiles/practices.yaml.

    peer_import.py --reader csv      praktiker.csv  --out feed.xml --now 2026-12-01
    peer_import.py --reader openpyxl praktiker.xlsx --out feed.xml --now 2026-12-01
    peer_import.py --reader pandas   praktiker.xlsx --out feed.xml --now 2026-12-01

Readers: Python's csv module (the file read as a stream; delimiter ;, UTF-8 with a BOM);
openpyxl in read-only mode, iterating the sheet's rows (`iter_rows(values_only=True)`); or
pandas.read_excel with the openpyxl engine (the whole sheet into a DataFrame, then its rows).

Each row becomes the same dict whatever the reader: the header found by name (row 2 of the
sheet, as the profile's header-row says), the id from Nr under the feed's tag authority, title
required, summary, the description's lines as HTML paragraphs, the link (http or https only),
themes and target groups split on ; (else ,), city, country (a two-letter code or Sverige), dates
(real date cells, ISO, 1.3.2026 or 01/03/2026 day first; end not before start), and the contact
card, whose named person is kept only with a consent that holds on --now (else a warning naming
the row, and the card left out). Each entry is written at once with xml.sax.saxutils escaping:
memory stays flat. What it does NOT do, and Drom does: resolve theme and target-group labels
through the SKOS vocabularies (a label is written as its own term), read XLSX merged cells, and
check the written feed with a feed reader. The feed's <updated> (the newest entry's) comes after
the entries, since a streaming writer only knows it at the end; Atom does not order a feed's
children. A row with an error stops the import and nothing is written, as in Drom.

Prints one line to stderr: rows read, entries written, cards left out, errors, warnings.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import os
import re
import sys
import unicodedata
from typing import Any, Iterable, Iterator, Optional
from xml.sax.saxutils import escape, quoteattr

FEED_ID = "tag:gransgangare.example.org,2026:practices"
AUTHORITY = "tag:gransgangare.example.org,2026:"
SHEET = "Praktiker"
HEADER_ROW = 2
THEMES = "https://w3id.org/drom/vocab/themes"
GROUPS = "https://w3id.org/drom/vocab/target-groups/"
KIND = "https://w3id.org/drom/vocab/kinds/practice"
NUTS = "SE232"
COUNTRIES = {"sverige": "SE", "sweden": "SE", "norge": "NO", "danmark": "DK", "finland": "FI"}

# Profile field -> the column's name in the header (Importers/profiles/practices.yaml).
COLUMNS = {
    "id": "Nr", "title": "Titel", "summary": "Sammanfattning", "content": "Beskrivning",
    "link": "Webbsida", "themes": "Teman", "target-groups": "Målgrupper", "city": "Stad",
    "country": "Land", "start": "Start", "end": "Slut", "updated": "Senast ändrad",
    "contact.name": "Kontaktperson", "contact.organisation": "Organisation", "contact.role": "Roll",
    "contact.email": "E-post", "contact.phone": "Telefon", "contact.languages": "Språk",
    "contact.consent": "Samtycke lämnat", "contact.consent-expires": "Samtycke gäller till",
}


def fold(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def text(value: Any) -> str:
    """A cell as text: None, NaN (pandas' empty cell) and blanks are empty; whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})")


def parse_date(value: Any) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):  # a real date cell (openpyxl; pandas' Timestamp too)
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = text(value)
    if not s:
        return None
    if len(s) >= 10 and s[4] == "-":
        try:
            return dt.date.fromisoformat(s[:10])
        except ValueError:
            return None
    m = DAY_FIRST.fullmatch(s)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            return dt.date(year + 2000 if year < 100 else year, month, day)
        except ValueError:
            return None
    return None


def split_list(value: str) -> list[str]:
    if not value:
        return []
    separator = ";" if ";" in value else "\n" if "\n" in value else ","
    return [part.strip() for part in value.split(separator) if part.strip()]


class Mapper:
    def __init__(self, header: list[Any], file: str, sheet: Optional[str], now: dt.date):
        folded = [fold(text(h)) for h in header]
        self.index = {}
        for field, name in COLUMNS.items():
            try:
                self.index[field] = folded.index(fold(name))
            except ValueError:
                pass
        if "title" not in self.index or "id" not in self.index:
            raise SystemExit(f"{file}: the header has no column Titel or Nr")
        self.where = file + (f": sheet {sheet}" if sheet else "")
        self.now = now
        self.errors = 0
        self.warnings = 0
        self.left_out = 0

    def problem(self, severity: str, row: int, column: str, message: str) -> None:
        print(f"{self.where}, row {row}, column {column}: {severity}: {message}", file=sys.stderr)
        if severity == "error":
            self.errors += 1
        else:
            self.warnings += 1

    def entry(self, number: int, cells: list[Any]) -> Optional[dict]:
        """The row's entry as a dict, or None when it has an error (reported)."""
        def raw(field: str) -> Any:
            i = self.index.get(field)
            return cells[i] if i is not None and i < len(cells) else None

        def cell(field: str) -> str:
            return text(raw(field))

        def date(field: str) -> Optional[dt.date]:
            value = raw(field)
            day = parse_date(value)
            if day is None and text(value):
                self.problem("error", number, COLUMNS[field], f"'{text(value)}' is not a date")
            return day

        errors = self.errors
        title = cell("title")
        if not title:
            self.problem("error", number, "Titel", "the row has no title")
            return None
        ident = cell("id")
        if not ident:
            self.problem("error", number, "Nr", "the row has no id")
        e: dict[str, Any] = {"id": AUTHORITY + "practice/" + ident, "title": title,
                             "summary": cell("summary")}
        content = [line.strip() for line in cell("content").split("\n") if line.strip()]
        e["content"] = "".join(f"<p>{escape(line)}</p>" for line in content)
        link = cell("link")
        if link and not link.startswith(("https://", "http://")):
            self.problem("error", number, "Webbsida", f"'{link}' is not a web address")
        e["link"] = link
        e["themes"] = split_list(cell("themes"))
        e["groups"] = split_list(cell("target-groups"))
        country = cell("country")
        code = None
        if country:
            code = country.upper() if len(country) == 2 and country.isalpha() else COUNTRIES.get(fold(country))
            if code is None:
                self.problem("error", number, "Land", f"'{country}' is not a country")
        e["place"] = (cell("city"), code)
        e["updated"] = date("updated")
        start, end = date("start"), date("end")
        if start and end and end < start:
            self.problem("error", number, "Slut", "the end comes before the start")
        e["period"] = (start, end)
        e["card"] = None
        name, organisation = cell("contact.name"), cell("contact.organisation")
        emails, phones = split_list(cell("contact.email")), split_list(cell("contact.phone"))
        if name or organisation or emails or phones:
            card = {"name": name, "organisation": organisation, "role": cell("contact.role"),
                    "emails": emails, "phones": phones,
                    "languages": split_list(cell("contact.languages")), "consent": None}
            if name:
                recorded, expires = date("contact.consent"), date("contact.consent-expires")
                if recorded is None or expires is None:
                    self.problem("warning", number, "Samtycke lämnat",
                                 f"{name} has no recorded consent, so the card is left out")
                    card = None
                elif not (recorded <= self.now < expires):
                    self.problem("warning", number, "Samtycke gäller till",
                                 f"the consent of {name} is not valid today, so the card is left out")
                    card = None
                else:
                    card["consent"] = (recorded, expires)
            if card is None:
                self.left_out += 1
            e["card"] = card
        return e if self.errors == errors else None


def timestamp(day: dt.date) -> str:
    return day.isoformat() + "T00:00:00Z"


def write_entry(out, e: dict) -> None:
    w = out.write
    w("\n  <entry>\n")
    w(f"    <id>{escape(e['id'])}</id>\n    <title>{escape(e['title'])}</title>\n")
    if e["updated"]:
        w(f"    <updated>{timestamp(e['updated'])}</updated>\n")
    if e["link"]:
        w(f"    <link rel=\"alternate\" href={quoteattr(e['link'])}/>\n")
    if e["summary"]:
        w(f"    <summary>{escape(e['summary'])}</summary>\n")
    if e["content"]:
        w(f"    <content type=\"html\">{escape(e['content'])}</content>\n")
    w(f"    <dcterms:type>{KIND}</dcterms:type>\n")
    for label in e["themes"]:  # no vocabulary: the label is its own term
        w(f"    <category scheme=\"{THEMES}\" term={quoteattr(label)} label={quoteattr(label)}/>\n")
    for label in e["groups"]:
        w(f"    <dcterms:audience>{escape(GROUPS + label)}</dcterms:audience>\n")
    start, end = e["period"]
    if start or end:
        parts = ([f"start={start.isoformat()}"] if start else []) + ([f"end={end.isoformat()}"] if end else [])
        w(f"    <dcterms:temporal>{'; '.join(parts)}</dcterms:temporal>\n")
    city, country = e["place"]
    if city or country:
        attributes = (f" drom:country={quoteattr(country)}" if country else "") + f" drom:nuts=\"{NUTS}\""
        w(f"    <dcterms:spatial{attributes}>{escape(city)}</dcterms:spatial>\n")
    card = e["card"]
    if card:
        w("    <vcard xmlns=\"urn:ietf:params:xml:ns:vcard-4.0\">\n")
        w(f"      <kind><text>{'individual' if card['name'] else 'org'}</text></kind>\n")
        w(f"      <fn><text>{escape(card['name'] or card['organisation'])}</text></fn>\n")
        if card["organisation"]:
            w(f"      <org><text>{escape(card['organisation'])}</text></org>\n")
        if card["role"]:
            w(f"      <role><text>{escape(card['role'])}</text></role>\n")
        for email in card["emails"]:
            w(f"      <email><text>{escape(email)}</text></email>\n")
        for phone in card["phones"]:
            w(f"      <tel><uri>tel:{escape(''.join(phone.split()))}</uri></tel>\n")
        for language in card["languages"]:
            w(f"      <lang><language-tag>{escape(language)}</language-tag></lang>\n")
        if card["consent"]:
            recorded, expires = card["consent"]
            w(f"      <drom:consent recorded=\"{recorded.isoformat()}\" expires=\"{expires.isoformat()}\"/>\n")
        w("    </vcard>\n")
    w("  </entry>\n")


HEAD = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"
      xmlns:dcterms="http://purl.org/dc/terms/"
      xmlns:fh="http://purl.org/syndication/history/1.0"
      xmlns:drom="https://w3id.org/drom/ns#"
      xml:lang="sv">
  <id>{FEED_ID}</id>
  <title>Projekt Gränsgångare – goda exempel</title>
  <link rel="alternate" type="text/html" href="https://gransgangare.example.org/"/>
  <author><name>Samordningsförbundet Göteborg</name></author>
  <generator>peer_import.py</generator>
  <fh:complete/>
"""


# MARK: - Readers: each yields (row number as the sheet shows it, cells)


def csv_rows(path: str) -> Iterator[tuple[int, list[Any]]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        first = f.readline()
        f.seek(0)
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        reader = csv.reader(f, delimiter=delimiter)
        number = 0
        for record in reader:
            number += 1
            yield number, record


def openpyxl_rows(path: str) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb[SHEET]
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        yield number, list(values)
    wb.close()


def pandas_rows(path: str) -> Iterator[tuple[int, list[Any]]]:
    import pandas as pd
    frame = pd.read_excel(path, sheet_name=SHEET, header=HEADER_ROW - 1, engine="openpyxl", dtype=object)
    yield HEADER_ROW, list(frame.columns)
    for number, values in enumerate(frame.itertuples(index=False, name=None), start=HEADER_ROW + 1):
        yield number, list(values)


READERS = {"csv": csv_rows, "openpyxl": openpyxl_rows, "pandas": pandas_rows}


def run(reader: str, path: str, out_path: str, now: dt.date) -> int:
    file = os.path.basename(path)
    mapper: Optional[Mapper] = None
    rows = entries = 0
    newest: Optional[dt.date] = None
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8", buffering=1 << 20) as out:
        out.write(HEAD)
        for number, cells in READERS[reader](path):
            if mapper is None:
                if number < HEADER_ROW:
                    continue
                mapper = Mapper(cells, file, None if reader == "csv" else SHEET, now)
                continue
            if not any(text(c) for c in cells):
                continue
            rows += 1
            e = mapper.entry(number, cells)
            if e is None or mapper.errors:
                continue  # nothing more is written; the errors are counted
            write_entry(out, e)
            entries += 1
            if e["updated"] and (newest is None or e["updated"] > newest):
                newest = e["updated"]
        out.write(f"\n  <updated>{timestamp(newest or now)}</updated>\n</feed>\n")
    errors = mapper.errors if mapper else 1
    warnings = mapper.warnings if mapper else 0
    left_out = mapper.left_out if mapper else 0
    summary = (f"{file}: {rows} rows read, {entries} entries, {left_out} cards left out; "
               f"{errors} errors, {warnings} warnings")
    if errors:
        os.unlink(tmp)
        print(summary + "; no feed written", file=sys.stderr)
        return 1
    os.replace(tmp, out_path)
    print(summary + f"; written to {out_path}", file=sys.stderr)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reader", choices=sorted(READERS), required=True)
    parser.add_argument("file")
    parser.add_argument("--out", required=True)
    parser.add_argument("--now", default=dt.date.today().isoformat(), help="check consent as of this day")
    args = parser.parse_args()
    return run(args.reader, args.file, args.out, dt.date.fromisoformat(args.now))


if __name__ == "__main__":
    sys.exit(main())
