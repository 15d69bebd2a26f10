"""The HTML reports in a real headless Chromium (Debian's chromium + chromium-driver, driven by selenium).

Skipped, with the reason, when no browser is installed; `.ci/run` installs one.
The screenshots land in out/ (or $COMPLIANCE_SCREENSHOTS) for people to look at.
"""
from __future__ import annotations

import base64
import contextlib
import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import main

from .conftest import CONTENT, EXAMPLES, ROOT
from .test_reports import HOSTILE

CHROMIUM = Path(os.environ.get("COMPLIANCE_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("COMPLIANCE_CHROMEDRIVER", "/usr/bin/chromedriver"))
SCREENSHOTS = Path(os.environ.get("COMPLIANCE_SCREENSHOTS", ROOT / "out"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1280,900"]


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        return (f"no headless browser: {', '.join(missing)} missing "
                "(apt-get install chromium chromium-driver; .ci/run does)")
    return None


@pytest.fixture(scope="module")
def browser():
    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ARGS:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The examples' reports, and the reports of a folder holding a hostile article."""
    base = tmp_path_factory.mktemp("browser")
    hostile = base / "hostile"
    hostile.mkdir()
    (hostile / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    runner = CliRunner()
    with contextlib.chdir(ROOT):  # the paths people see in the screenshot: examples/content/...
        for name, folder in (("examples", CONTENT.relative_to(ROOT)), ("hostile", hostile)):
            result = runner.invoke(main, ["audit", "--config", str(EXAMPLES / "compliance.yaml"), str(folder),
                                          "-o", str(base / name)])
            assert result.exit_code == 1, result.output
    return base


def open_page(driver, path: Path) -> list[dict]:
    """Load a report; return what the page logged as errors."""
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(path.as_uri())
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def shown(driver) -> list[str]:
    return [a.get_attribute("data-verdict") for a in driver.find_elements("css selector", "article[data-doc]")
            if a.is_displayed()]


def screenshot(driver, name: str) -> Path:
    """The whole page, not just the window."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot",
                                  {"format": "png", "captureBeyondViewport": True, "clip": clip})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def test_permission_report_loads_cleanly_and_its_counts_match_the_json(browser, reports):
    out = reports / "examples"
    assert open_page(browser, out / "permission.html") == []
    report = json.loads((out / "report.json").read_text())
    for verdict in ("allow", "review", "deny"):
        tile = browser.find_element("css selector", f'[data-summary="{verdict}"]')
        assert int(tile.text) == report["summary"][verdict]
    assert len(shown(browser)) == report["summary"]["documents"]
    assert browser.find_element("id", "toolbar").is_displayed()  # the script ran
    assert screenshot(browser, "permission.png").stat().st_size > 10_000


def test_filtering_by_verdict_hides_the_other_documents(browser, reports):
    out = reports / "examples"
    open_page(browser, out / "permission.html")
    summary = json.loads((out / "report.json").read_text())["summary"]
    for verdict in ("deny", "review", "allow"):
        browser.find_element("css selector", f'#toolbar button[data-show-verdict="{verdict}"]').click()
        assert shown(browser) == [verdict] * summary[verdict]
        rows = [r for r in browser.find_elements("css selector", "tbody[data-doc-list] tr") if r.is_displayed()]
        assert len(rows) == summary[verdict]
        assert browser.find_element("id", "shown").text == f"Showing {summary[verdict]} of {summary['documents']} documents"
    browser.find_element("css selector", '#toolbar button[data-show-verdict=""]').click()
    assert len(shown(browser)) == summary["documents"]


def test_filtering_by_source_and_sorting_by_verdict(browser, reports):
    open_page(browser, reports / "examples" / "permission.html")
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "filter-source")).select_by_value("ilkha")
    assert shown(browser) == ["deny"]
    Select(browser.find_element("id", "filter-source")).select_by_value("")
    Select(browser.find_element("id", "sort")).select_by_value("verdict")
    assert shown(browser) == ["deny", "review", "review", "allow", "allow", "allow"]


def test_print_layout_drops_the_controls(browser, reports):
    open_page(browser, reports / "examples" / "permission.html")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element("id", "toolbar").is_displayed()
        assert len(shown(browser)) == 6
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_attribution_report_loads_cleanly(browser, reports):
    assert open_page(browser, reports / "examples" / "attribution.html") == []
    assert "Anadolu Ajansı (AA)" in browser.find_element("tag name", "body").text
    screenshot(browser, "attribution.png")


def test_a_hostile_article_runs_nothing_in_the_browser(browser, reports):
    for name in ("attribution.html", "permission.html"):
        errors = open_page(browser, reports / "hostile" / name)
        assert errors == [], errors
        assert browser.execute_script("return window.pwned === undefined")
    body = browser.find_element("tag name", "body").text
    assert '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">' in body  # shown, not run


def test_without_a_browser_the_skip_says_why(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", Path("/nonexistent/chromium"))
    assert browser_missing().startswith("no headless browser: /nonexistent/chromium missing")
