#!/usr/bin/env python3
"""Generate a deterministic network of partner feeds and its OPML registry, for the harvest
benchmark.

Each feed is an Atom 1.0 document following docs/feed-profile.md, like the sample network's
(docs/sample-network/feeds): the feed has an id, title, updated, author, self link and
`fh:complete`, and a main language (`xml:lang` on the feed); each entry has an id, title,
updated (RFC 3339), an alternate link, an author, a plain-text summary, HTML content (CDATA:
paragraphs, links, emphasis, lists), `dcterms:type`, categories in the themes scheme with
labels (some in target-groups, some free text), `dcterms:audience` now and then, and
`dcterms:spatial` with `drom:country` (and NUTS/LAU codes where the partner city has them).
About one entry in four is a translation: its own id, its own `xml:lang` and
`dcterms:isVersionOf` pointing at an earlier entry. One entry in ten is an event (event-types
category, `dcterms:temporal`). Languages: nl, fr, sv, sr-Latn, sr-Cyrl, da, el, it, es, en, ro
(the text banks of gen_feed.py, plus Romanian), one main language per feed in turn.

Every feed is drawn from its own random stream (seed and feed number), so the first N feeds of
a larger network are the same bytes as a network of N feeds. Same seed, same bytes. No
third-party modules.

The registry (OPML 2.0, as docs/sample-network/registry.opml) is written separately, because
it names the server's addresses: `write_registry(meta, path, url_for)`.

    python3 Benchmarks/gen_network.py --feeds 400 --entries 50 --seed 1 -o network/
    python3 Benchmarks/gen_network.py ... -o network/ --base http://127.0.0.1:8080/feeds/
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import os
import random
import re
import shutil
import sys
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

import gen_feed
from gen_feed import LANGUAGES as FEED_LANGUAGES

DROM_VOCAB = "https://w3id.org/drom/vocab/"
KINDS = DROM_VOCAB + "kinds/"

# Where each language's partners work: city as the entries name it, ISO country, Eurostat codes.
PLACES: dict[str, dict] = {
    "nl": {"city": "Brussel", "country": "BE", "nuts": "BE100", "lau": "21004", "group": "Belgium"},
    "fr": {"city": "Paris", "country": "FR", "nuts": "FR101", "lau": "75056", "group": "France"},
    "sv": {"city": "Göteborg", "country": "SE", "nuts": "SE232", "lau": "1480", "group": "Sweden"},
    "sr-Latn": {"city": "Beograd", "country": "RS", "nuts": "RS11", "lau": None, "group": "Serbia"},
    "sr-Cyrl": {"city": "Нови Сад", "country": "RS", "nuts": "RS12", "lau": None, "group": "Serbia"},
    "da": {"city": "København", "country": "DK", "nuts": "DK011", "lau": "101", "group": "Denmark"},
    "el": {"city": "Αθήνα", "country": "GR", "nuts": "EL303", "lau": None, "group": "Greece"},
    "it": {"city": "Chiaramonte Gulfi", "country": "IT", "nuts": "ITG18", "lau": None, "group": "Italy"},
    "es": {"city": "Madrid", "country": "ES", "nuts": "ES300", "lau": "28079", "group": "Spain"},
    "en": {"city": "Brussels", "country": "BE", "nuts": "BE100", "lau": "21004", "group": "Belgium"},
    "ro": {"city": "Craiova", "country": "RO", "nuts": "RO411", "lau": None, "group": "Romania"},
}

# Romanian, from the sample network's Craiova feed (Asociația Dominou, Working Roma).
ROMANIAN = {
    "partner": "dominou", "creator": "Asociația Dominou",
    "titles": [
        "Working Roma: rețea locală împotriva discriminării romilor la locul de muncă",
        "Ateliere de căutare a unui loc de muncă pentru romi",
        "Campanii de conștientizare pentru angajatori",
        "Mese rotunde locale despre rasismul față de romi",
        "Vizită de studiu: bune practici din orașe europene",
    ],
    "phrases": [
        "Dominou lucrează pentru incluziunea romilor în educație și pe piața muncii în județul Dolj",
        "o rețea locală de actori publici și privați",
        "ateliere de căutare a unui loc de muncă pentru tineri și adulți romi",
        "campanii de conștientizare pentru angajatori și alți actori de pe piața muncii",
        "schimb de bune practici cu orașe din Europa",
        "mesele rotunde identifică unde și cum se manifestă rasismul față de romi",
        "formarea formatorilor, lucrătorilor sociali și mediatorilor",
        "romii sunt sprijiniți să își apere drepturile în fața discriminării",
    ],
    "category": "Bune practici",
}
LANGUAGES: dict[str, dict] = {**FEED_LANGUAGES, "ro": ROMANIAN}
LANGUAGE_ORDER = ["nl", "fr", "sv", "sr-Latn", "sr-Cyrl", "da", "el", "it", "es", "en", "ro"]

# Theme terms of the profile (§6), with labels in each language (the entry's label attribute).
THEME_LABELS: dict[str, dict[str, str]] = {
    "employment": {"nl": "Werk", "fr": "Emploi", "sv": "Arbete", "sr-Latn": "Zapošljavanje",
                   "sr-Cyrl": "Запошљавање", "da": "Beskæftigelse", "el": "Απασχόληση",
                   "it": "Lavoro", "es": "Empleo", "en": "Employment", "ro": "Ocupare"},
    "training": {"nl": "Opleiding", "fr": "Formation", "sv": "Utbildning", "sr-Latn": "Obuka",
                 "sr-Cyrl": "Обука", "da": "Uddannelse", "el": "Κατάρτιση", "it": "Formazione",
                 "es": "Formación", "en": "Training", "ro": "Formare"},
    "awareness-raising": {"nl": "Sensibilisering", "fr": "Sensibilisation", "sv": "Medvetandehöjning",
                          "sr-Latn": "Podizanje svesti", "sr-Cyrl": "Подизање свести",
                          "da": "Bevidstgørelse", "el": "Ευαισθητοποίηση", "it": "Sensibilizzazione",
                          "es": "Sensibilización", "en": "Awareness raising", "ro": "Conștientizare"},
    "mediation": {"nl": "Bemiddeling", "fr": "Médiation", "sv": "Medling", "sr-Latn": "Medijacija",
                  "sr-Cyrl": "Медијација", "da": "Mægling", "el": "Διαμεσολάβηση",
                  "it": "Mediazione", "es": "Mediación", "en": "Mediation", "ro": "Mediere"},
    "counselling": {"nl": "Trajectbegeleiding", "fr": "Accompagnement", "sv": "Vägledning",
                    "sr-Latn": "Savetovanje", "sr-Cyrl": "Саветовање", "da": "Rådgivning",
                    "el": "Συμβουλευτική", "it": "Orientamento", "es": "Orientación",
                    "en": "Counselling", "ro": "Consiliere"},
    "internships": {"nl": "Stages", "fr": "Stages", "sv": "Praktik", "sr-Latn": "Praksa",
                    "sr-Cyrl": "Пракса", "da": "Praktik", "el": "Πρακτική άσκηση",
                    "it": "Tirocini", "es": "Prácticas", "en": "Internships", "ro": "Stagii"},
    "language-learning": {"nl": "Taalcoaching", "fr": "Apprentissage des langues",
                          "sv": "Språkinlärning", "sr-Latn": "Učenje jezika", "sr-Cyrl": "Учење језика",
                          "da": "Sprogundervisning", "el": "Εκμάθηση γλώσσας",
                          "it": "Apprendimento linguistico", "es": "Aprendizaje de idiomas",
                          "en": "Language learning", "ro": "Învățarea limbii"},
    "digital-skills": {"nl": "Digitale vaardigheden", "fr": "Compétences numériques",
                       "sv": "Digital kompetens", "sr-Latn": "Digitalne veštine",
                       "sr-Cyrl": "Дигиталне вештине", "da": "Digitale kompetencer",
                       "el": "Ψηφιακές δεξιότητες", "it": "Competenze digitali",
                       "es": "Competencias digitales", "en": "Digital skills", "ro": "Competențe digitale"},
    "blind-hiring": {"nl": "Aanwerven zonder cv", "fr": "Recrutement sans CV", "sv": "Anonym rekrytering",
                     "sr-Latn": "Zapošljavanje bez CV-a", "sr-Cyrl": "Запошљавање без CV-а",
                     "da": "Anonym rekruttering", "el": "Πρόσληψη χωρίς βιογραφικό",
                     "it": "Assunzione senza CV", "es": "Contratación sin CV", "en": "Blind hiring",
                     "ro": "Angajare fără CV"},
    "anti-discrimination-law": {"nl": "Antidiscriminatiewetgeving", "fr": "Droit de la non-discrimination",
                                "sv": "Diskrimineringslagstiftning", "sr-Latn": "Antidiskriminaciono pravo",
                                "sr-Cyrl": "Антидискриминационо право", "da": "Ligebehandlingslovgivning",
                                "el": "Αντιρατσιστική νομοθεσία", "it": "Diritto antidiscriminatorio",
                                "es": "Legislación antidiscriminación", "en": "Anti-discrimination law",
                                "ro": "Legislația antidiscriminare"},
}
THEMES = list(THEME_LABELS)
TARGET_GROUPS = ["roma", "roma-youth", "romani-women", "migrants", "refugees", "asylum-seekers",
                 "newcomers", "employers", "professionals"]
EVENT_TYPES = ["round-table", "study-visit", "workshop", "career-fair"]
FREE_CATEGORIES = ["Roma@Work", "E4I", "QualiROM", "Gränsgångare", "Working Roma", "Roma-stewards"]
ZONES = ["+01:00", "+02:00", "Z", "+03:00"]


def generator_version() -> str:
    """Changes whenever this file or the text banks of gen_feed.py change."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(Path(gen_feed.__file__).read_bytes())
    return digest.hexdigest()[:10]


def rfc3339(when: dt.datetime, zone: str) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S") + zone


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


TAG = re.compile(r"<[^>]+>")


def plain_text(markup: str) -> str:
    """Text without tags and entities, as a search index sees it."""
    return " ".join(html.unescape(TAG.sub(" ", markup)).split())


class FeedWriter:
    """One partner's feed: its number fixes its language, host and random stream."""

    def __init__(self, number: int, seed: int, entries: int):
        self.number = number
        self.rng = random.Random(f"drom-network-{seed}-{number}")
        self.entries = entries
        self.code = LANGUAGE_ORDER[number % len(LANGUAGE_ORDER)]
        self.lang = LANGUAGES[self.code]
        self.place = PLACES[self.code]
        self.host = f"{self.lang['partner']}-{number:03d}.example.org"
        self.slug = f"{number:03d}-{self.lang['partner']}"
        self.organisation = f"{self.lang['creator']} ({number:03d})"
        self.ids: set[str] = set()
        self.text_bytes = 0  # title, summary and content as plain text, UTF-8
        self.start = dt.datetime(2021, 1, 4, 8, 0, 0) + dt.timedelta(days=3 * number)

    # Text

    def sentence(self, lang: dict) -> str:
        r = self.rng
        words = r.choice(lang["phrases"])
        if r.random() < 0.5:
            words += ", " + r.choice(lang["phrases"])
        if r.random() < 0.3:
            words += f" ({r.randint(2015, 2026)}, {r.randint(12, 480)})"
        return words[0].upper() + words[1:] + "."

    def paragraph(self, lang: dict, base: str, sentences: int) -> str:
        r = self.rng
        parts = []
        for _ in range(sentences):
            s = escape(self.sentence(lang))
            roll = r.random()
            if roll < 0.15:
                s = f"<strong>{s}</strong>"
            elif roll < 0.25:
                s = f"<em>{s}</em>"
            elif roll < 0.4:
                s += (f' <a href="{base}/{r.choice(["nieuws", "actualites", "projekt", "hub", "vesti"])}/'
                      f'{r.randrange(10000)}/">{escape(r.choice(lang["titles"]))}</a>')
            parts.append(s)
        return "<p>" + " ".join(parts) + "</p>"

    def content(self, lang: dict, base: str) -> str:
        r = self.rng
        blocks = [self.paragraph(lang, base, r.randint(2, 3)) for _ in range(r.randint(2, 3))]
        if r.random() < 0.6:
            tag = r.choice(["ul", "ul", "ol"])
            items = "\n".join(f"<li>{escape(r.choice(lang['phrases']))}</li>" for _ in range(r.randint(2, 4)))
            blocks.insert(r.randrange(1, len(blocks) + 1), f"<{tag}>\n{items}\n</{tag}>")
        return "\n".join(blocks)

    # Entries

    def entry(self, index: int, originals: list[tuple[str, str]]) -> str:
        r = self.rng
        translated = originals and r.random() < 0.25
        code = r.choice([c for c in LANGUAGE_ORDER if c != self.code]) if translated else self.code
        lang = LANGUAGES[code]
        place = self.place
        kind = "event" if r.random() < 0.1 else "practice"
        base = f"https://{self.host}"
        when = self.start + dt.timedelta(hours=19 * index + r.randrange(12), minutes=r.randrange(60))
        zone = r.choice(ZONES)
        entry_id = f"tag:{self.host},{when.year}:{kind}/{self.slug}-{index}"
        if translated:
            original_id, _ = r.choice(originals)
            entry_id = f"{original_id}/{code}"
            if entry_id in self.ids:  # a second translation into the same language
                entry_id += f"-{index}"
        title = r.choice(lang["titles"])
        if r.random() < 0.6:
            title += f" ({when.year}, {index + 1})"
        summary = " ".join(self.sentence(lang) for _ in range(r.randint(1, 2)))
        content = self.content(lang, base)
        self.text_bytes += len(title.encode()) + len(summary.encode()) + len(plain_text(content).encode())

        out = [f'  <entry xml:lang="{code}">' if (translated or r.random() < 0.3) else "  <entry>",
               f"    <id>{escape(entry_id)}</id>",
               f"    <title>{escape(title)}</title>",
               f"    <updated>{rfc3339(when, zone)}</updated>"]
        if r.random() < 0.5:
            out.append(f"    <published>{rfc3339(when - dt.timedelta(days=r.randint(1, 400)), zone)}</published>")
        out += [
            f'    <link rel="alternate" type="text/html" hreflang="{code}" href="{base}/{code.lower()}/{kind}/{index}"/>',
            f"    <author><name>{escape(self.organisation)}</name></author>",
            f"    <summary>{escape(summary)}</summary>",
            f'    <content type="html">{cdata(content)}</content>',
            f"    <dcterms:type>{KINDS}{kind}</dcterms:type>",
        ]
        if translated:
            out.append(f"    <dcterms:isVersionOf>{escape(original_id)}</dcterms:isVersionOf>")
        if kind == "event":
            event = r.choice(EVENT_TYPES)
            out.append(f'    <category scheme="{DROM_VOCAB}event-types" term="{event}"/>')
            start = when + dt.timedelta(days=r.randint(10, 90))
            start = start.replace(hour=r.choice([9, 10, 13]), minute=r.choice([0, 30]), second=0)
            end = start + dt.timedelta(hours=r.randint(2, 7))
            out.append(f"    <dcterms:temporal>start={rfc3339(start, zone)}; end={rfc3339(end, zone)}</dcterms:temporal>")
        for theme in r.sample(THEMES, r.randint(1, 3)):
            out.append(f'    <category scheme="{DROM_VOCAB}themes" term="{theme}" '
                       f'label={quoteattr(THEME_LABELS[theme][code])}/>')
        if r.random() < 0.5:
            group = r.choice(TARGET_GROUPS)
            out.append(f'    <category scheme="{DROM_VOCAB}target-groups" term="{group}"/>')
            out.append(f"    <dcterms:audience>{DROM_VOCAB}target-groups/{group}</dcterms:audience>")
        if r.random() < 0.4:
            out.append(f"    <category term={quoteattr(r.choice(FREE_CATEGORIES))}/>")
        if r.random() < 0.3:
            out.append(f"    <category term={quoteattr(lang['category'])}/>")
        attrs = f' drom:country="{place["country"]}"'
        if place["nuts"]:
            attrs += f' drom:nuts="{place["nuts"]}"'
        if place["lau"] and r.random() < 0.7:
            attrs += f' drom:lau="{place["lau"]}" drom:lau-year="2021"'
        out.append(f"    <dcterms:spatial{attrs}>{escape(place['city'])}</dcterms:spatial>")
        if r.random() < 0.15:
            other = PLACES[r.choice(LANGUAGE_ORDER)]["country"]
            out.append(f"    <dcterms:spatial>{other}</dcterms:spatial>")
        out.append("  </entry>\n")
        self.ids.add(entry_id)
        if not translated:
            originals.append((entry_id, code))
        return "\n".join(out)

    def document(self) -> str:
        last = self.start + dt.timedelta(hours=19 * self.entries + 24)
        head = f"""<?xml version="1.0" encoding="utf-8"?>
<!-- Drom benchmark network, generated by Benchmarks/gen_network.py: partner {self.number:03d}. -->
<feed xmlns="http://www.w3.org/2005/Atom"
      xmlns:dcterms="http://purl.org/dc/terms/"
      xmlns:fh="http://purl.org/syndication/history/1.0"
      xmlns:drom="https://w3id.org/drom/ns#"
      xml:lang="{self.code}">
  <id>tag:{self.host},2026:drom-feed</id>
  <title>{escape(self.organisation)} – {escape(self.lang['category'])}</title>
  <updated>{rfc3339(last, "+01:00")}</updated>
  <link rel="self" type="application/atom+xml" href="https://{self.host}/drom/feed.atom.xml"/>
  <link rel="alternate" type="text/html" href="https://{self.host}/"/>
  <author><name>{escape(self.organisation)}</name></author>
  <fh:complete/>

"""
        originals: list[tuple[str, str]] = []
        body = [self.entry(i, originals) for i in range(self.entries)]
        # Newest first, as feeds are written.
        return head + "\n".join(reversed(body)) + "</feed>\n"


def feed_name(number: int) -> str:
    code = LANGUAGE_ORDER[number % len(LANGUAGE_ORDER)]
    return f"{number:03d}-{LANGUAGES[code]['partner']}.atom.xml"


def generate(directory: Path, feeds: int, entries: int, seed: int) -> dict:
    """Writes `feeds` feed files into directory/feeds and returns what they hold."""
    target = directory / "feeds"
    tmp = directory / "feeds.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    listed = []
    total = text = 0
    languages: dict[str, int] = {}
    for number in range(feeds):
        writer = FeedWriter(number, seed, entries)
        data = writer.document().encode()
        name = feed_name(number)
        (tmp / name).write_bytes(data)
        total += len(data)
        text += writer.text_bytes
        languages[writer.code] = languages.get(writer.code, 0) + 1
        listed.append({"file": name, "bytes": len(data), "language": writer.code,
                       "organisation": writer.organisation, "host": writer.host})
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)
    sizes = [f["bytes"] for f in listed]
    return {
        "directory": str(directory), "feeds": feeds, "entries_per_feed": entries,
        "entries": feeds * entries, "bytes": total, "text_bytes": text, "seed": seed,
        "generator": generator_version(), "main_languages": languages,
        "feed_bytes": {"min": min(sizes), "max": max(sizes), "mean": round(total / feeds)},
        "entry_bytes_mean": round(total / (feeds * entries)),
        "files": listed,
    }


def ensure_network(data: Path, feeds: int, entries: int, seed: int = 1) -> dict:
    """The network for these parameters, generated once and reused while the generator is
    unchanged (files checked by size)."""
    directory = data / f"network-{feeds}x{entries}-seed{seed}-{generator_version()}"
    meta_path = directory / "network.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        feeds_dir = directory / "feeds"
        if all((feeds_dir / f["file"]).is_file() and (feeds_dir / f["file"]).stat().st_size == f["bytes"]
               for f in meta["files"]):
            meta["reused"] = True
            return meta
    directory.mkdir(parents=True, exist_ok=True)
    meta = generate(directory, feeds, entries, seed)
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    meta["reused"] = False
    return meta


def write_registry(meta: dict, path: Path, url_for: Callable[[int, str], str]) -> None:
    """The OPML registry of the network: one outline per feed, grouped by country, every line
    allowing a private (loopback) address. url_for(number, file) gives each feed's xmlUrl."""
    groups: dict[str, list[str]] = {}
    for number, f in enumerate(meta["files"]):
        code = f["language"]
        place = PLACES[code]
        attrs = [
            ("type", "rss"), ("text", f"{f['organisation']} ({place['city']})"),
            ("xmlUrl", url_for(number, f["file"])), ("htmlUrl", f"https://{f['host']}/"),
            ("language", code), ("drom:city", place["city"]), ("drom:country", place["country"]),
        ]
        if place["nuts"]:
            attrs.append(("drom:nuts", place["nuts"]))
        if place["lau"]:
            attrs += [("drom:lau", place["lau"]), ("drom:lau-year", "2021")]
        attrs += [("drom:organisation", f["organisation"]), ("drom:allow-private", "true")]
        line = "      <outline " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs) + "/>"
        groups.setdefault(place["group"], []).append(line)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<!-- Drom benchmark network: {meta['feeds']} feeds of {meta['entries_per_feed']} entries, "
        f"generated by Benchmarks/gen_network.py (seed {meta['seed']}). -->",
        '<opml version="2.0" xmlns:drom="https://w3id.org/drom/ns#">',
        "  <head><title>Drom benchmark network</title>"
        "<dateCreated>Mon, 23 Nov 2026 10:00:00 GMT</dateCreated><ownerName>Drom</ownerName></head>",
        "  <body>",
    ]
    for group in sorted(groups):
        out.append(f"    <outline text={quoteattr(group)}>")
        out += groups[group]
        out.append("    </outline>")
    out += ["  </body>", "</opml>", ""]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(out))
    os.replace(tmp, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=400)
    parser.add_argument("--entries", type=int, default=50, help="entries per feed (default 50)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--base", default=None,
                        help="address of the feeds folder for the registry's xmlUrl (default: file paths)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="folder: feeds/ and registry.opml")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    meta = generate(args.output, args.feeds, args.entries, args.seed)
    if args.base:
        base = args.base.rstrip("/") + "/"
        write_registry(meta, args.output / "registry.opml", lambda _, name: base + name)
    else:
        write_registry(meta, args.output / "registry.opml", lambda _, name: f"feeds/{name}")
    meta.pop("files")
    print(json.dumps(meta, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
