"""The static export as a reader meets it: `drom export site` with its Pagefind index, served by a
plain static file server (Python's), in a real headless Chromium: searching in two languages,
filtering by a facet, following a result, axe-core on the search page; and the lists that work
without JavaScript."""

from __future__ import annotations

import urllib.request
from urllib.parse import quote, urlsplit

import pytest
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as expected
from selenium.webdriver.support.ui import WebDriverWait

from test_browser import console_errors, describe, run_axe, screenshot

RESULT = ".pagefind-ui__result-link"


def search(browser, static_site: str, language: str, words: str) -> list:
    browser.get(f"{static_site}/{language}/search/?q={quote(words)}")
    WebDriverWait(browser, 30).until(expected.presence_of_element_located((By.CSS_SELECTOR, RESULT)))
    return browser.find_elements(By.CSS_SELECTOR, RESULT)


@pytest.mark.parametrize("language, words", [("sv", "diskriminering"), ("en", "Roma stewards")])
def test_search_in_the_browser_finds_entries_of_the_language(browser, static_site, language, words):
    results = search(browser, static_site, language, words)
    assert results, f"no result for {words!r} in {language}"
    for link in results:
        path = urlsplit(link.get_attribute("href")).path
        assert path.startswith(f"/{language}/entry/"), f"a result leaves the language: {path}"
    # With the search running, the list of everything gives way to the results.
    assert not browser.find_element(By.ID, "everything").is_displayed()
    screenshot(browser, f"export-search-{language}")
    assert not console_errors(browser)


def test_a_facet_narrows_the_results_and_a_result_opens_its_page(browser, static_site):
    before = len(search(browser, static_site, "en", "Roma"))
    panels = browser.find_elements(By.CSS_SELECTOR, ".pagefind-ui__filter-panel, details.pagefind-ui__filter-block")
    assert panels, "Pagefind shows no filters: the entry pages carry none"
    names = [p.text for p in browser.find_elements(By.CSS_SELECTOR, ".pagefind-ui__filter-name")]
    assert "Country" in " ".join(names), f"no Country filter among {names}"
    for summary in browser.find_elements(By.CSS_SELECTOR, ".pagefind-ui__filter-name"):
        if "Country" in summary.text:
            summary.click()
            break
    box = WebDriverWait(browser, 10).until(
        expected.element_to_be_clickable((By.CSS_SELECTOR, ".pagefind-ui__filter-block[open] .pagefind-ui__filter-checkbox"))
    )
    shown = browser.find_elements(By.CSS_SELECTOR, RESULT)[0]
    box.click()
    # Pagefind draws the results again for the filter: wait until the old list is gone, or the
    # first result found may be replaced between reading it and clicking it.
    try:
        WebDriverWait(browser, 20).until(expected.staleness_of(shown))
    except TimeoutException:
        pass
    WebDriverWait(browser, 20).until(
        lambda driver: 0 < len(driver.find_elements(By.CSS_SELECTOR, RESULT)) <= before
    )
    screenshot(browser, "export-search-filtered")
    for attempt in range(3):
        try:
            first = browser.find_elements(By.CSS_SELECTOR, RESULT)[0]
            title = first.text.strip()
            first.click()
            break
        except StaleElementReferenceException:
            if attempt == 2:
                raise
    WebDriverWait(browser, 20).until(lambda driver: "/en/entry/" in driver.current_url)
    assert browser.find_element(By.CSS_SELECTOR, "main h1").text.strip() == title


def test_search_page_has_no_serious_accessibility_problem(browser, static_site):
    search(browser, static_site, "sv", "arbete")
    results = run_axe(browser)
    blocking = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    assert not blocking, f"axe-core on the export's search page:\n{describe(blocking)}"


@pytest.mark.parametrize("path", ["/sv/search/", "/sv/city/goteborg/", "/el/"])
def test_lists_work_without_javascript(static_site, path):
    with urllib.request.urlopen(static_site + path, timeout=10) as response:
        page = response.read().decode("utf8")
    assert f'href="/{path.split("/")[1]}/entry/' in page, f"{path} lists no entry"
