"""The pages as a person sees them, in a real headless Chromium: content, language, console,
screenshots (artifacts/screenshots/), accessibility (axe-core, serious and critical impacts
fail) and the keyboard's way in (the skip link)."""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from selenium.common.exceptions import JavascriptException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains

from conftest import DESKTOP, PHONE, SCREENSHOTS

SEARCH = "search?q=Roma&kind=practice&country=BE"
PARTNER = "sv"  # the partner language every page is also checked in


@dataclass(frozen=True)
class Page:
    name: str
    kind: str  # home, search or entry
    lang: str
    size: tuple[int, int] = DESKTOP
    dark: bool = False

    @property
    def mobile(self) -> bool:
        return self.size == PHONE


PAGES = [
    Page("home-en", "home", "en"),
    Page(f"home-{PARTNER}", "home", PARTNER),
    Page("search-en", "search", "en"),
    Page(f"search-{PARTNER}", "search", PARTNER),
    Page("search-sr-Cyrl", "search", "sr-Cyrl"),
    Page("entry-en", "entry", "en"),
    Page(f"entry-{PARTNER}", "entry", PARTNER),
    Page("search-en-phone", "search", "en", size=PHONE),
    Page("entry-en-dark", "entry", "en", dark=True),
]


# --- helpers ---------------------------------------------------------------------------------


def set_viewport(driver, page: Page) -> None:
    width, height = page.size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 2 if page.mobile else 1, "mobile": page.mobile},
    )
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": "dark" if page.dark else "light"}]},
    )


def console_errors(driver) -> list[dict]:
    """The SEVERE entries of the browser's console since the last call (reading clears it).

    Chromium asks every site for /favicon.ico on its own; Drom has none, and that 404 is no
    error of the page's, so it is only warned about."""
    errors = []
    for entry in driver.get_log("browser"):
        if entry.get("level") != "SEVERE":
            continue
        if entry.get("source") == "network" and "/favicon.ico " in entry.get("message", ""):
            warnings.warn(f"no favicon: {entry['message']}", stacklevel=2)
            continue
        errors.append(entry)
    return errors


def screenshot(driver, name: str) -> None:
    """The whole page, not only the viewport, as artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    try:
        shot = driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "fromSurface": True}
        )
        path.write_bytes(base64.b64decode(shot["data"]))
    except WebDriverException:
        driver.save_screenshot(str(path))


def text(driver, selector: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, selector).text.strip()


def first_result_link(driver):
    links = driver.find_elements(By.CSS_SELECTOR, "ol.results li.result h3 a")
    assert links, "the search shows no result link"
    return links[0]


def open_page(driver, server: str, page: Page) -> dict:
    """Loads the page (an entry page by following the search's first result) and returns what
    the test compares: the result link's title for an entry."""
    set_viewport(driver, page)
    console_errors(driver)  # drop what earlier pages left
    facts: dict = {}
    if page.kind == "home":
        driver.get(f"{server}/{page.lang}/")
    elif page.kind == "search":
        driver.get(f"{server}/{page.lang}/{SEARCH}")
    else:
        driver.get(f"{server}/{page.lang}/{SEARCH}")
        link = first_result_link(driver)
        facts["title"] = link.text.strip()
        facts["href"] = link.get_attribute("href")
        console_errors(driver)  # the search page's own are checked by the search tests
        link.click()
    driver.find_element(By.CSS_SELECTOR, "main#content")
    return facts


def run_axe(driver) -> dict:
    """axe-core (the copy inside axe-selenium-python) on the current page, through WebDriver."""
    from axe_selenium_python import Axe

    axe = Axe(driver)
    try:
        axe.inject()
    except JavascriptException as error:
        pytest.fail(f"axe-core could not be injected into the page (Content-Security-Policy?): {error.msg}")
    if not driver.execute_script("return typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        pytest.fail("axe-core was injected but window.axe is missing: the page's Content-Security-Policy blocked it")
    options = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}
    return axe.run(options=json.dumps(options))


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t for t in node["target"])
            lines.append(f"    target: {target}")
            lines.append(f"      html: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n            ")
            if summary:
                lines.append(f"      why:  {summary}")
    return "\n".join(lines)


# --- the pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_page_content(browser, server, page: Page):
    facts = open_page(browser, server, page)
    driver = browser
    errors = console_errors(driver)
    screenshot(driver, page.name)

    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == page.lang
    h1 = text(driver, "main h1")
    assert h1, "the page has no h1 text"

    if page.kind == "home":
        counts = [int(n.text) for n in driver.find_elements(By.CSS_SELECTOR, ".counts strong")]
        assert len(counts) == 2 and all(n > 0 for n in counts), f"entries and partners: {counts}"
        assert driver.find_elements(By.CSS_SELECTOR, ".latest ol.results li.result h3 a"), "no latest entries"
    elif page.kind == "search":
        assert "Roma" in h1, h1
        total = int(text(driver, "#result-count strong"))
        assert total > 0, "the search found nothing"
        hits = driver.find_elements(By.CSS_SELECTOR, "ol.results li.result")
        assert 0 < len(hits) <= total
        for name, value in (("kind", "practice"), ("country", "BE")):
            boxes = driver.find_elements(By.CSS_SELECTOR, f'input[type=checkbox][name="{name}"][value="{value}"]')
            assert boxes and boxes[0].is_selected(), f"the {name}={value} filter is not shown as checked"
        assert driver.find_element(By.ID, "site-search").get_attribute("value") == "Roma"
    else:
        assert urlsplit(driver.current_url).path == urlsplit(facts["href"]).path
        assert re.fullmatch(rf"/{re.escape(page.lang)}/entry/[0-9a-z-]+", urlsplit(driver.current_url).path)
        assert h1 == facts["title"], f"the entry's h1 {h1!r} is not the result's title {facts['title']!r}"
        assert driver.find_elements(By.CSS_SELECTOR, "article.entry[itemscope]"), "no schema.org article"

    if page.kind in ("home", "search"):
        for link in driver.find_elements(By.CSS_SELECTOR, "ol.results li.result h3 a"):
            path = urlsplit(link.get_attribute("href")).path
            assert path.startswith(f"/{page.lang}/entry/"), f"a result leaves the page's language: {path}"
        empty = [p.text for p in driver.find_elements(By.CSS_SELECTOR, "ol.results li.result p.also")
                 if not re.search(r":\s*\S", p.text)]
        assert not empty, f"{len(empty)} results say {empty[0]!r} and name no one"

    if page.mobile:
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {page.size[0]}px wide"
        if page.kind == "search":
            # Results first: the filters fold into one line, so the first result is on the first screen.
            top = driver.execute_script(
                "return document.querySelector('ol.results li.result').getBoundingClientRect().top"
            )
            assert top < page.size[1], f"the first result starts {top}px down, below the first screen"
            assert driver.find_element(By.CSS_SELECTOR, "details.filters").get_attribute("open") is None
    elif page.kind == "search":
        # Beside the results there is room: the filters are shown without opening them.
        # (Selenium's is_displayed counts anything in a closed <details> as hidden; the box's
        # own geometry says whether it is drawn.)
        height = driver.execute_script(
            "return document.querySelector('details.filters input[type=checkbox]').getBoundingClientRect().height"
        )
        assert height > 0, "the filters are folded away beside the results"

    errors += console_errors(driver)
    assert not errors, "console errors:\n" + "\n".join(e["message"] for e in errors)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_page_accessibility(browser, server, page: Page):
    open_page(browser, server, page)
    results = run_axe(browser)
    violations = results["violations"]
    blocking = [v for v in violations if v.get("impact") in ("serious", "critical")]
    minor = [v for v in violations if v not in blocking]
    if minor:
        print(f"axe-core {results['testEngine']['version']}, {page.name}: minor and moderate:\n{describe(minor)}")
    assert not blocking, (
        f"axe-core {results['testEngine']['version']} found serious or critical problems on "
        f"{page.name} ({browser.current_url}):\n{describe(blocking)}"
    )


def test_skip_link_is_first_and_targets_content(browser, server):
    page = Page("skip-link", "home", "en")
    open_page(browser, server, page)
    driver = browser
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    ActionChains(driver).send_keys(Keys.TAB).perform()
    focused = driver.switch_to.active_element
    assert focused.tag_name == "a", f"Tab reached <{focused.tag_name}> first"
    assert "skip-link" in (focused.get_attribute("class") or "").split(), focused.get_attribute("outerHTML")
    assert focused.get_attribute("href").endswith("#content")
    assert driver.find_elements(By.ID, "content"), "nothing has id=content"
    rect = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height]", focused
    )
    assert rect[2] > 0 and rect[3] > 0 and rect[0] >= 0 and rect[1] >= 0 and rect[0] + rect[2] <= DESKTOP[0], (
        f"the focused skip link is not visible on screen: {rect}"
    )
    screenshot(driver, "skip-link-focused")
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    assert driver.execute_script("return location.hash") == "#content"
    assert driver.switch_to.active_element.get_attribute("id") == "content", "focus did not move to main#content"


# --- what every HTML page is sent with -------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/en/", f"/{PARTNER}/{SEARCH}", "/en/about", "/en/no-such-page", "/en/search?page=0"]
)
def test_security_headers_on_html(server, path):
    request = urllib.request.Request(server + path)
    try:
        response = urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        policy = response.headers.get("Content-Security-Policy", "")
        assert response.headers.get_content_type() == "text/html"
        assert "default-src 'none'" in policy, f"{path} ({response.status}) has no Content-Security-Policy"
        assert response.headers.get("X-Content-Type-Options") == "nosniff", f"{path} ({response.status})"
