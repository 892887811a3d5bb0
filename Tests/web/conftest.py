"""Shared fixtures for the web tests: a live `drom serve` on a harvested index, and a headless
Chromium driven by Selenium.

scripts/test-web harvests the sample network and sets DROM_WEB_DB; the server is started once
per session on a free loopback port and stopped at the end, whatever happens."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM = os.environ.get("DROM_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("DROM_CHROMEDRIVER", "/usr/bin/chromedriver")

DESKTOP = (1280, 900)
PHONE = (390, 844)


def pytest_report_header(config):
    def version(command):
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=20).stdout.strip()
        except OSError as error:
            return f"missing ({error.strerror})"

    try:
        import axe_selenium_python.axe as axe

        with open(axe._DEFAULT_SCRIPT, encoding="utf8") as script:
            axe_core = script.readline().strip("/*! \n")
    except (ImportError, OSError) as error:
        axe_core = f"missing ({error})"
    return [
        f"browser: {version([CHROMIUM, '--version'])}; {version([CHROMEDRIVER, '--version']).split(' (')[0]}",
        f"accessibility: {axe_core} (bundled with axe-selenium-python)",
    ]


def _die_with_parent() -> None:
    """In the server's process before exec: SIGTERM it if pytest itself dies (Linux)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _health(base_url: str) -> dict | None:
    try:
        with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
            return json.load(response)
    except (OSError, ValueError, urllib.error.URLError):
        return None


@pytest.fixture(scope="session")
def server() -> str:
    """The base URL of a `drom serve` on the test index, up until the session ends."""
    database = os.environ.get("DROM_WEB_DB")
    if not database or not Path(database).exists():
        pytest.fail("DROM_WEB_DB must name a harvested index; run the web tests through scripts/test-web")
    binary = Path(os.environ.get("DROM_BIN", ROOT / ".build/debug/drom"))
    if not binary.is_absolute():
        binary = ROOT / binary
    log_path = Path(os.environ.get("DROM_WEB_LOG", ARTIFACTS / "drom-serve.log"))
    if not log_path.is_absolute():
        log_path = ROOT / log_path
    log_path.parent.mkdir(parents=True, exist_ok=True)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(binary), "serve", "--db", database, "--host", "127.0.0.1", "--port", str(port),
             "--search-rate", "0"],  # schemathesis asks for thousands of searches; the limit has its own tests
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
    try:
        deadline = time.monotonic() + 30
        while (health := _health(base_url)) is None:
            if process.poll() is not None:
                pytest.fail(f"drom serve exited with {process.returncode}; see {log_path}")
            if time.monotonic() > deadline:
                pytest.fail(f"drom serve did not answer /healthz within 30 s; see {log_path}")
            time.sleep(0.1)
        assert health["status"] == "ok" and health["entries"] > 0, health
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def static_site() -> str:
    """The base URL of the static export (DROM_WEB_SITE, made by scripts/test-web with its
    Pagefind index), served as plain files by Python's http.server on a free loopback port."""
    folder = os.environ.get("DROM_WEB_SITE")
    if not folder or not (Path(folder) / "pagefind").is_dir():
        pytest.fail("DROM_WEB_SITE must name an export with its search index; run scripts/test-web")
    port = _free_port()
    process = subprocess.Popen(
        ["python3", "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", folder],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(base_url + "/en/", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("the static file server did not start")
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Debian's chromium and chromedriver)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # root in CI containers
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-color-profile=srgb",
        "--lang=en-GB",
        f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingOptions", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_output=str(ARTIFACTS / "chromedriver.log"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()
