"""The round-table and study-visit documents as their users get them: a city's local diagnosis
in a real browser (page, chart, downloads, accessibility), printed to PDF by headless chromium
and read back with poppler (pdftotext, pdftoppm); a study-visit plan picked from search results
without JavaScript, and its calendar parsed back by PyPI icalendar."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from conftest import ARTIFACTS, ROOT, SCREENSHOTS
from test_browser import console_errors, describe, run_axe, screenshot


def fetch(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers.get("Content-Type", ""), response.read().decode("utf-8")


def drom(*arguments: str) -> subprocess.CompletedProcess:
    binary = Path(os.environ.get("DROM_BIN", ROOT / ".build/debug/drom"))
    if not binary.is_absolute():
        binary = ROOT / binary
    return subprocess.run([str(binary), *arguments], cwd=ROOT, capture_output=True, text=True, timeout=180)


def test_city_page_leads_to_its_diagnosis(browser, server):
    driver = browser
    driver.set_window_size(1280, 900)
    driver.get(f"{server}/sv/city/goteborg/")
    console_errors(driver)
    driver.find_element(By.CSS_SELECTOR, ".diagnosis-offer a[href$='/diagnosis/']").click()
    assert driver.current_url.endswith("/sv/city/goteborg/diagnosis/")
    assert driver.find_element(By.CSS_SELECTOR, "h1").text.endswith("Göteborg")
    # The chart is drawn: one findings bar and one practices bar per area of working life.
    bars = driver.find_elements(By.CSS_SELECTOR, "svg.chart rect.chart-findings")
    assert len(bars) >= 8
    assert any(float(bar.get_attribute("width")) > 0 for bar in bars)
    sections = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "article.diagnosis h2")]
    assert len(sections) >= 6, sections
    links = {a.text: a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, ".downloads a")}
    assert set(links) == {"MD", "CSV", "JSON"}
    screenshot(driver, "diagnosis-goteborg-sv")
    assert not console_errors(driver)
    for label, url in links.items():
        content_type, body = fetch(url)
        assert "Göteborg" in body, label
    results = run_axe(driver)
    blocking = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    assert not blocking, describe(blocking)


def test_diagnosis_pdf_has_its_title_and_sections():
    if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        pytest.fail("poppler-utils (pdftotext, pdftoppm) is missing: scripts/test-web installs it")
    database = os.environ["DROM_WEB_DB"]
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "diagnosis.pdf"
        made = drom("export", "diagnosis", "--db", database, "--city", "Novi Sad", "--lang", "en",
                    "--format", "pdf", "--out", str(pdf), "--now", "2026-12-01")
        assert made.returncode == 0, made.stderr
        assert pdf.read_bytes().startswith(b"%PDF-")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert re.search(r"Page size:\s+595(\.\d+)? x 842", info) or "A4" in info, info
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        for heading in ["Local diagnosis: Novi Sad", "At a glance", "What was found", "What the city already does",
                        "Legal frame", "Gaps: found here, done elsewhere", "Sources"]:
            assert heading in text, f"{heading!r} not in the PDF's text"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(SCREENSHOTS / "diagnosis-novi-sad-pdf")],
                       check=True)
        pages = sorted(SCREENSHOTS.glob("diagnosis-novi-sad-pdf-*.png"))
        assert len(pages) >= 2
        shutil.copy(pdf, ARTIFACTS / "diagnosis-novi-sad.pdf")


def test_a_planner_builds_a_visit_without_javascript(browser, server):
    driver = browser
    driver.set_window_size(1280, 900)
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        driver.get(f"{server}/en/search?q=Roma&kind=practice")
        driver.find_elements(By.CSS_SELECTOR, ".visit-add a")[0].click()
        driver.find_elements(By.CSS_SELECTOR, ".visit-add a")[1].click()
        # A new search from the header keeps the shortlist.
        box = driver.find_element(By.ID, "site-search")
        box.clear()
        box.send_keys("employment")
        box.submit()
        plan = driver.find_element(By.CSS_SELECTOR, ".visit-banner a")
        assert plan.text.endswith("(2)")
        plan.click()
        stops = driver.find_elements(By.CSS_SELECTOR, "section.stop")
        assert stops, "the plan shows no day"
        visits = driver.find_elements(By.CSS_SELECTOR, "section.stop li.item")
        assert len(visits) == 2
        screenshot(driver, "visit-plan-en")
        ics_url = driver.find_element(By.CSS_SELECTOR, ".downloads a[href*='visit.ics']").get_attribute("href")
        results = run_axe_without_scripts_disabled(driver)
        blocking = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        assert not blocking, describe(blocking)
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})

    import icalendar

    content_type, body = fetch(ics_url)
    assert content_type.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(body)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 2
    for event in events:
        assert str(event["STATUS"]) == "TENTATIVE"
        assert event["SUMMARY"].startswith("Study visit: ")
        assert event["DTSTART"].dt < event["DTEND"].dt
        assert str(event["UID"]).endswith("@drom")
    assert len({str(e["UID"]) for e in events}) == 2
    # Every line within 75 octets, CRLF throughout (RFC 5545 §3.1).
    raw = body.encode("utf-8")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))


def run_axe_without_scripts_disabled(driver):
    """axe needs script: turn it back on for the check, on the page as it is."""
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    return run_axe(driver)


def test_exported_city_offers_its_diagnosis(static_site):
    content_type, page = fetch(f"{static_site}/el/city/goteborg/")
    assert 'href="/el/city/goteborg/diagnosis/"' in page
    for name in ["diagnosis/", "diagnosis.md", "diagnosis.csv", "diagnosis.json"]:
        content_type, body = fetch(f"{static_site}/el/city/goteborg/{name}")
        assert "Göteborg" in body, name
