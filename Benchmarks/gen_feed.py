#!/usr/bin/env python3
"""Generate a large, deterministic RSS 2.0 feed of partner items for the benchmarks.

The items look like what a partner's WordPress emits, plus the Drom profile on some of them:
multilingual text (nl, fr, sv, sr-Latn, sr-Cyrl, da, el, it, es, en) about the practices in the
seeds (Roma@Work in Brussels, Gränsgångare in Göteborg, QualiROM in Belgrade, E4I in Athens,
Bologna, Madrid and Copenhagen), HTML descriptions (entity-escaped or CDATA) with paragraphs,
links, lists and emphasis, now and then an unsafe <script>, on* handler or javascript: link for
the sanitiser to remove, content:encoded in CDATA, 2–4 categories (some in the Drom themes
scheme), dc:creator, dc:language, and on some items dcterms:type and dcterms:spatial.

Same seed and size, same bytes. No third-party modules.

    python3 Benchmarks/gen_feed.py --mb 50 --seed 1 -o feed.rss
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

MB = 1_000_000
THEMES_SCHEME = "https://w3id.org/drom/vocab/themes"
KINDS = "https://w3id.org/drom/vocab/kinds/"

# Per language: the partner publishing, its city and country, text to draw from.
# Words and phrases follow the seeds' themes; the Serbian, Greek and some other lines are
# written for this generator in the same spirit.
LANGUAGES: dict[str, dict] = {
    "nl": {
        "partner": "foyer", "city": "Brussel", "country": "BE", "nuts": "BE100", "lau": "21004",
        "creator": "Foyer – Roma- en Woonwagenbewonersdienst",
        "titles": [
            "Roma@Work: begeleiding naar opleiding en werk",
            "Roma-stewards slaan een brug naar de consulent",
            "Blind rekruteren zonder cv met JobRoad",
            "Digitale coaching en taalcoaching met Groep Intro",
            "Intake- en oriëntatiegesprekken voor werkzoekende Roma",
            "Samenwerking met VDAB en Actiris in Brussel",
        ],
        "phrases": [
            "Het project wil de inclusie van Roma in de samenleving bevorderen door empowerment",
            "elk jaar worden minstens 60 gemotiveerde cliënten intensief begeleid",
            "vier Roma-stewards staan in voor outreach en treden op als vertrouwenspersoon",
            "er wordt gewerkt aan randvoorwaarden zoals verblijf, gezinssituatie en kinderopvang",
            "de cliënt wordt begeleid naar aangepaste opleiding, stage of werk",
            "kandidaten worden gescreend en gematcht op basis van blind rekruteren",
            "taallessen bij het Huis van het Nederlands en Brusselleer",
            "een actieplan op maat met een individueel traject naar opleiding of werk",
        ],
        "category": "Goede praktijken",
    },
    "fr": {
        "partner": "foyer-fr", "city": "Bruxelles", "country": "BE", "nuts": "BE100", "lau": "21004",
        "creator": "Service Roms et Gens du voyage",
        "titles": [
            "Roma@Work : accompagnement vers la formation et l'emploi",
            "Des stewards roms comme passerelle vers le conseiller",
            "Recrutement à l'aveugle, sans CV, avec JobRoad",
            "Lutte contre la discrimination à l'embauche à Bruxelles",
            "Lignes directrices E4I pour les administrations et les entreprises",
        ],
        "phrases": [
            "le projet promeut l'inclusion des Roms dans la société par l'autonomisation",
            "les stewards roms assurent le travail de proximité et la médiation",
            "les candidats sont sélectionnés sur la base d'un recrutement à l'aveugle",
            "sensibiliser les employeurs à un environnement de travail inclusif",
            "des formations en cours d'emploi dans le nettoyage et la construction",
            "ITG Conseil coordonne l'engagement des administrations publiques et des entreprises",
            "un plan d'action sur mesure vers la formation ou l'emploi",
        ],
        "category": "Bonnes pratiques",
    },
    "sv": {
        "partner": "finsam-goteborg", "city": "Göteborg", "country": "SE", "nuts": "SE232", "lau": "1480",
        "creator": "Projekt Gränsgångare",
        "titles": [
            "Strategi för icke-diskriminering i Projekt Gränsgångare",
            "En arbetsmarknad som är fri från diskriminering",
            "Rutiner för hantering av diskrimineringssituationer",
            "Samverkan med näringslivet och dess rekryteringsbehov",
            "Arbetslivsinriktad rehabilitering på lika villkor",
        ],
        "phrases": [
            "ingen deltagare ska utsättas för diskriminering",
            "alla deltagare ska få information om diskriminering",
            "projektmedarbetare ska få ökad kunskap om icke-diskriminering",
            "det ska finnas tydliga rutiner för hantering av diskrimineringssituationer",
            "fler kvinnor och män börjar att arbeta eller studera",
            "näringslivet har börjat rekrytera nya medarbetare från projektets målgrupper",
            "en analys av icke-diskriminering genomförs tidigt och följs upp varje år",
            "Samordningsförbundet Väst och Älv & Kust utvecklar fungerande arbetssätt",
        ],
        "category": "Goda exempel",
    },
    "sr-Latn": {
        "partner": "ref-serbia", "city": "Beograd", "country": "RS", "nuts": None, "lau": None,
        "creator": "REF Srbija",
        "titles": [
            "QualiROM: mladi Romi ka kvalitetnom obrazovanju i zapošljavanju",
            "Programi prakse za mlade Rome i Romkinje",
            "Virtuelna platforma za koučing",
            "Sajmovi karijera i umrežavanje sa poslodavcima",
            "Saradnja javnog i privatnog sektora u zapošljavanju Roma",
        ],
        "phrases": [
            "projekat podržava 250 mladih u izboru obrazovnog i karijernog puta",
            "jačanje zapošljivosti mladih Roma kroz programe prakse",
            "podizanje svesti poslodavaca o inkluzivnom radnom okruženju",
            "mladi Romi upoznaju svoja prava i resurse na tržištu rada",
            "posebno su uključene mlade Romkinje",
            "Nacionalna služba za zapošljavanje i lokalne samouprave su partneri",
            "onlajn profesionalni koučing i praktično iskustvo",
        ],
        "category": "Dobre prakse",
    },
    "sr-Cyrl": {
        "partner": "ref-serbia-cyr", "city": "Београд", "country": "RS", "nuts": None, "lau": None,
        "creator": "РЕФ Србија",
        "titles": [
            "QualiROM: млади Роми ка квалитетном образовању и запошљавању",
            "Програми праксе за младе Роме и Ромкиње",
            "Виртуелна платформа за коучинг",
            "Сајмови каријера и умрежавање са послодавцима",
        ],
        "phrases": [
            "пројекат подржава 250 младих у избору образовног и каријерног пута",
            "јачање запошљивости младих Рома кроз програме праксе",
            "подизање свести послодаваца о инклузивном радном окружењу",
            "млади Роми упознају своја права и ресурсе на тржишту рада",
            "сарадња јавног и приватног сектора у запошљавању младих Рома",
            "борба против дискриминације у свим аспектима запошљавања",
        ],
        "category": "Добре праксе",
    },
    "da": {
        "partner": "nydansker", "city": "København", "country": "DK", "nuts": "DK011", "lau": "101",
        "creator": "Foreningen Nydansker",
        "titles": [
            "E4I interaktiv model for social og beskæftigelsesmæssig inklusion",
            "Seks counselling zones til professionelle",
            "Opkvalificering af fagfolk, der arbejder med INAF",
            "Virksomheder og offentlige forvaltninger i inklusion af flygtninge",
        ],
        "phrases": [
            "integration af immigranter, nytilkomne, asylansøgere og flygtninge",
            "et træningsprogram for professionelle inden for integrationsområdet",
            "praktiske løsninger og policy-anbefalinger til institutioner og virksomheder",
            "den interaktive model udformes ved seks counselling zones og et introduktionsmodul",
            "at udvikle deres beskæftigelsesmæssige og sociale kompetencer",
            "samarbejde med offentlige instanser og det private erhvervsliv",
        ],
        "category": "Gode praksisser",
    },
    "el": {
        "partner": "e4i-athens", "city": "Αθήνα", "country": "GR", "nuts": "EL303", "lau": None,
        "creator": "Ομάδα E4I Αθήνας",
        "titles": [
            "E4I: κοινωνική και εργασιακή ένταξη μεταναστών και προσφύγων",
            "Πλατφόρμα ηλεκτρονικής μάθησης για επαγγελματίες",
            "Καλές πρακτικές ένταξης στην αγορά εργασίας",
            "Συνεργασία με δημόσιες υπηρεσίες και επιχειρήσεις",
        ],
        "phrases": [
            "η Ελλάδα είναι από τους μεγαλύτερους αποδέκτες προσφύγων και αιτούντων άσυλο",
            "εκπαίδευση επαγγελματιών που εργάζονται με μετανάστες και πρόσφυγες",
            "ανοιχτός και διαδραστικός εκπαιδευτικός πόρος",
            "ανάπτυξη επαγγελματικών και κοινωνικών δεξιοτήτων",
            "καταπολέμηση των διακρίσεων στον χώρο εργασίας",
            "συμβουλευτική και καθοδήγηση προς την απασχόληση",
        ],
        "category": "Καλές πρακτικές",
    },
    "it": {
        "partner": "e4i-bologna", "city": "Bologna", "country": "IT", "nuts": "ITH55", "lau": "037006",
        "creator": "Équipe E4I Bologna",
        "titles": [
            "E4I: inclusione sociale e lavorativa di migranti e rifugiati",
            "Formazione per operatori dell'integrazione",
            "Tirocini e orientamento al lavoro per richiedenti asilo",
            "Coinvolgere imprese e pubbliche amministrazioni",
        ],
        "phrases": [
            "l'Italia è tra i principali paesi di accoglienza di rifugiati e richiedenti asilo",
            "un programma di formazione per professionisti dell'integrazione",
            "strumenti innovativi e un modello interattivo di inclusione lavorativa",
            "sviluppare le competenze sociali e professionali",
            "raccomandazioni politiche per istituzioni, imprese e organizzazioni sociali",
            "contrastare il razzismo e la xenofobia nel mercato del lavoro",
        ],
        "category": "Buone pratiche",
    },
    "es": {
        "partner": "ssf", "city": "Madrid", "country": "ES", "nuts": "ES300", "lau": "28079",
        "creator": "Solidaridad Sin Fronteras",
        "titles": [
            "E4I E-learning Hub: buenas prácticas para profesionales",
            "Mesas redondas locales sobre el racismo hacia la población gitana",
            "Talleres de búsqueda de empleo para personas gitanas",
            "Campañas de sensibilización dirigidas a empleadores",
            "Red de integración sociolaboral con enfoque participativo",
        ],
        "phrases": [
            "recurso formativo abierto e interactivo para profesionales",
            "inclusión social y laboral de inmigrantes, recién llegados, solicitantes de asilo y refugiados",
            "detectar cómo y dónde se manifiesta el racismo hacia las personas gitanas",
            "visitas de estudio para identificar buenas prácticas locales",
            "empoderar a la población gitana en la defensa de sus derechos",
            "un directorio web especializado en la lucha contra la discriminación",
            "formación de formadores, trabajadores sociales y mediadores",
        ],
        "category": "Buenas prácticas",
    },
    "en": {
        "partner": "fopsim", "city": "Brussels", "country": "BE", "nuts": "BE100", "lau": "21004",
        "creator": "FOPSIM & partners",
        "titles": [
            "Guiding Roma Youth to Quality Education and Employment",
            "Blind hiring without a CV: matching candidates with employers",
            "Roma stewards as confidants between client and counsellor",
            "A non-discrimination strategy for labour-market rehabilitation",
            "Study visit: local best practices against workplace discrimination",
            "Web directory of practices, laws and integration plans",
        ],
        "phrases": [
            "empower Roma who suffer employment discrimination to defend their rights",
            "local round tables make a diagnosis of where racism is shown",
            "training for trainers, social workers and mediators on discrimination",
            "awareness campaigns aimed at employers and other labour market actors",
            "internships, career fairs and online professional coaching for young Roma",
            "employers learn why an inclusive working environment matters",
            "exchange and transfer of good practices between European cities",
            "migrants, newcomers, asylum seekers and refugees on their way to work",
        ],
        "category": "Good practices",
    },
}
LANGUAGE_ORDER = list(LANGUAGES)

THEMES = [
    "employment", "training", "anti-discrimination", "awareness-raising", "mediation",
    "counselling", "internships", "recruitment", "language-learning", "empowerment",
    "digital-skills", "networking",
]
FREE_CATEGORIES = ["Roma@Work", "E4I", "QualiROM", "Gränsgångare", "Nieuws", "Actualités", "Vesti"]
EXTRA_KINDS = ["practice"] * 8 + ["material", "organisation"]
UNSAFE = [
    '<script>document.write("<img src=//tracker.example.net/p.gif>")</script>',
    '<p onclick="trackClick(this)">Klik hier / click here</p>',
    '<a href="javascript:void(openPopup())">details</a>',
    '<img src="https://cdn.example.org/x.png" onerror="steal()" alt="">',
    '<iframe src="https://video.example.net/embed/42"></iframe>',
    '<style>body{display:none}</style>',
]
ZONES = ["+0100", "+0200", "+0000", "GMT", "-0000", "+0300"]


def generator_version() -> str:
    """Changes whenever this file changes, so cached data is regenerated."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:10]


def rfc822(when: dt.datetime, zone: str) -> str:
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return (f"{days[when.weekday()]}, {when.day:02d} {months[when.month - 1]} {when.year} "
            f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} {zone}")


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class ItemWriter:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.start = dt.datetime(2019, 1, 1, 8, 0, 0)

    def sentence(self, lang: dict) -> str:
        r = self.rng
        words = r.choice(lang["phrases"])
        if r.random() < 0.5:
            words += ", " + r.choice(lang["phrases"])
        return words[0].upper() + words[1:] + "."

    def paragraph(self, lang: dict, base: str, n: int) -> str:
        r = self.rng
        parts = []
        for _ in range(n):
            s = escape(self.sentence(lang))
            roll = r.random()
            if roll < 0.2:
                s = f"<strong>{s}</strong>"
            elif roll < 0.35:
                s = f"<em>{s}</em>"
            elif roll < 0.5:
                s += f' <a href="{base}/{r.choice(["over", "about", "projekt", "hub"])}/{r.randrange(1000)}/">{escape(r.choice(lang["titles"]))}</a>'
            parts.append(s)
        return "<p>" + " ".join(parts) + "</p>"

    def html(self, lang: dict, base: str, paragraphs: int, unsafe_chance: float) -> str:
        r = self.rng
        blocks = [self.paragraph(lang, base, r.randint(1, 2)) for _ in range(paragraphs)]
        if r.random() < 0.3:
            tag = r.choice(["ul", "ol"])
            items = "".join(f"<li>{escape(r.choice(lang['phrases']))}</li>" for _ in range(r.randint(2, 3)))
            blocks.insert(r.randrange(len(blocks) + 1), f"<{tag}>{items}</{tag}>")
        if r.random() < unsafe_chance:
            blocks.insert(r.randrange(len(blocks) + 1), r.choice(UNSAFE))
        return "\n".join(blocks)

    def item(self, number: int) -> str:
        r = self.rng
        code = LANGUAGE_ORDER[r.randrange(len(LANGUAGE_ORDER))]
        lang = LANGUAGES[code]
        base = f"https://{lang['partner']}.example.org"
        when = self.start + dt.timedelta(minutes=37 * number + r.randrange(30))
        slug = f"{when:%Y/%m}/item-{number}"
        title = r.choice(lang["titles"])
        if r.random() < 0.5:
            title += f" ({r.randint(2019, 2026)})"

        out = [
            "    <item>",
            f"      <title>{escape(title)}</title>",
            f"      <link>{base}/{slug}/</link>",
            f"      <dc:creator>{cdata(lang['creator'])}</dc:creator>",
            f"      <pubDate>{rfc822(when, r.choice(ZONES))}</pubDate>",
            f"      <dc:language>{code}</dc:language>",
        ]
        categories = [f"      <category>{cdata(lang['category'])}</category>"]
        if r.random() < 0.4:
            categories.append(f"      <category>{cdata(r.choice(FREE_CATEGORIES))}</category>")
        for theme in r.sample(THEMES, r.randint(1, 3)):
            if len(categories) >= 4:
                break
            if r.random() < 0.7:
                categories.append(f'      <category domain="{THEMES_SCHEME}">{theme}</category>')
            else:
                categories.append(f"      <category>{theme}</category>")
        if len(categories) < 2:
            categories.append(f"      <category>{r.choice(THEMES)}</category>")
        out += categories
        out.append(f'      <guid isPermaLink="false">{base}/?p={number}</guid>')

        description = self.html(lang, base, 1, unsafe_chance=0.05)
        if r.random() < 0.6:  # WordPress style: HTML as escaped text
            out.append(f"      <description>{escape(description)}</description>")
        else:
            out.append(f"      <description>{cdata(description)}</description>")
        content = self.html(lang, base, r.randint(1, 3), unsafe_chance=0.08)
        out.append(f"      <content:encoded>{cdata(content)}</content:encoded>")

        if r.random() < 0.6:  # the Drom profile, from a partner's plugin
            out.append(f"      <dcterms:type>{KINDS}{r.choice(EXTRA_KINDS)}</dcterms:type>")
            attrs = f' drom:country="{lang["country"]}"'
            if lang["nuts"] and r.random() < 0.5:
                attrs += f' drom:nuts="{lang["nuts"]}"'
                if lang["lau"]:
                    attrs += f' drom:lau="{lang["lau"]}" drom:lau-year="2021"'
            out.append(f"      <dcterms:spatial{attrs}>{escape(lang['city'])}</dcterms:spatial>")
            if r.random() < 0.3:
                other = LANGUAGES[r.choice(LANGUAGE_ORDER)]["country"]
                out.append(f"      <dcterms:spatial>{other}</dcterms:spatial>")
        out.append("    </item>\n")
        return "\n".join(out)


HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Drom benchmark feed, generated by Benchmarks/gen_feed.py (seed {seed}, {mb} MB). -->
<rss version="2.0"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:dcterms="http://purl.org/dc/terms/"
     xmlns:drom="https://w3id.org/drom/ns#">
  <channel>
    <title>Drom benchmark – good practices against discrimination in the labour market</title>
    <atom:link href="https://bench.example.org/feed/" rel="self" type="application/rss+xml"/>
    <link>https://bench.example.org/</link>
    <description>Roma@Work, Gränsgångare, QualiROM and E4I, many times over</description>
    <lastBuildDate>Mon, 23 Nov 2026 09:00:00 +0000</lastBuildDate>
    <language>en</language>
    <generator>Benchmarks/gen_feed.py</generator>
"""
TAIL = "  </channel>\n</rss>\n"


def generate(path: Path, mb: float, seed: int) -> dict:
    """Writes the feed to `path` and returns what it holds (items, bytes)."""
    rng = random.Random(seed)
    writer = ItemWriter(rng)
    target = int(mb * MB)
    head = HEAD.format(seed=seed, mb=mb).encode()
    tail = TAIL.encode()
    written = len(head)
    items = 0
    item_bytes_min, item_bytes_max = None, 0
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as out:
        out.write(head)
        while written + len(tail) < target:
            items += 1
            chunk = writer.item(items).encode()
            item_bytes_min = len(chunk) if item_bytes_min is None else min(item_bytes_min, len(chunk))
            item_bytes_max = max(item_bytes_max, len(chunk))
            out.write(chunk)
            written += len(chunk)
        out.write(tail)
        written += len(tail)
    os.replace(tmp, path)
    return {
        "path": str(path), "bytes": written, "items": items, "seed": seed, "mb": mb,
        "generator": generator_version(),
        "item_bytes": {"min": item_bytes_min, "max": item_bytes_max,
                       "mean": round((written - len(head) - len(tail)) / max(items, 1))},
    }


def ensure_feed(directory: Path, mb: float, seed: int = 1) -> dict:
    """The feed for these parameters, generated once and reused while the generator is unchanged."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"feed-{mb:g}MB-seed{seed}-{generator_version()}"
    path = directory / f"{stem}.rss"
    meta_path = directory / f"{stem}.json"
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("bytes") == path.stat().st_size:
            meta["reused"] = True
            return meta
    meta = generate(path, mb, seed)
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    meta["reused"] = False
    return meta


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=50, help="target size in MB (10^6 bytes); default 50")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    meta = generate(args.output, args.mb, args.seed)
    print(json.dumps(meta, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
