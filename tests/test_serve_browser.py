"""`derive serve` as a student uses it: a real headless Chromium (Debian's chromium and
chromium-driver, driven by selenium) types a derivation into the text area, presses Check,
reads the verdicts off the page, then downloads the annotated LaTeX and the JSON.

Without chromium the test is skipped, except in CI (CI=true), where .ci/run installs it and
a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from test_serve import JENSEN, LIMITS, SWAPPED, Server

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")


def _need(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _need("selenium")
    if not CHROMIUM or not DRIVER:
        _need("chromium / chromedriver")
    where = tmp_path_factory.mktemp("chromium")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", f"--user-data-dir={where / 'profile'}",
                "--window-size=1500,1000"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(where / "downloads"),
        "download.prompt_for_download": False})
    # the driver's own path: selenium never looks for (or downloads) one
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.downloads = where / "downloads"
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    s = Server(tmp_path_factory.mktemp("serve"), "--workers", "1", *LIMITS)
    yield s
    s.stop()


def _paste_and_check(driver: object, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    source = driver.find_element(By.ID, "source")
    source.clear()
    source.send_keys(text)
    driver.find_element(By.ID, "check").click()
    WebDriverWait(driver, 300).until(
        lambda d: d.find_element(By.ID, "status").text not in ("", "checking…"))


def _downloaded(folder: Path, *names: str) -> bool:
    """Every file there, whole: Chrome can show a file's name before its bytes are written
    (an empty checked.json once failed to parse), and keeps a .crdownload while it writes."""
    return all((folder / n).exists() and (folder / n).stat().st_size > 0 for n in names) \
        and not any(folder.glob("*.crdownload"))


def test_paste_check_and_read_the_verdicts(browser, server: Server, tmp_path: Path):
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/")
    assert "% assume: p, q distributions" in browser.find_element(By.ID, "source") \
        .get_attribute("value")  # prefilled with worksheet 1c
    _paste_and_check(browser, SWAPPED.read_text())
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tr.step")
    verdicts = [r.find_element(By.CSS_SELECTOR, ".verdict").text for r in rows]
    assert verdicts == ["proved", "refuted", "proved"]
    assert [r.find_element(By.CSS_SELECTOR, "td.line").text for r in rows] == \
        ["line 5", "line 6", "line 7"]
    assert "counterexample: n = 5, p[1] = " in rows[1].text
    assert "read as: Sum(log(q[i]/p[i])*q[i], (i, 1, n))" in rows[1].text
    red = rows[1].find_element(By.CSS_SELECTOR, ".verdict").value_of_css_property(
        "background-color")
    green = rows[0].find_element(By.CSS_SELECTOR, ".verdict").value_of_css_property(
        "background-color")
    assert (red, green) == ("rgba(198, 40, 40, 1)", "rgba(30, 125, 50, 1)")
    maths = browser.find_elements(By.CSS_SELECTOR, "#results td.math math")
    assert len(maths) == 4 and all(m.size["width"] > 20 for m in maths)  # MathML laid out
    assert browser.find_element(By.ID, "status").text == "2 proved, 1 refuted"
    browser.save_screenshot(str(tmp_path / "page.png"))

    browser.find_element(By.ID, "get-latex").click()
    browser.find_element(By.ID, "get-json").click()
    deadline = time.monotonic() + 30
    while not _downloaded(browser.downloads, "checked.tex", "checked.json") and \
            time.monotonic() < deadline:
        time.sleep(0.2)
    tex = (browser.downloads / "checked.tex").read_text()
    assert r"\vrefuted{}" in tex and r"\begin{document}" in tex
    steps = json.loads((browser.downloads / "checked.json").read_text())[0]["steps"]
    assert [s["verdict"] for s in steps] == verdicts


def test_an_error_is_shown_at_its_line_and_column(browser, server: Server):
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/")
    _paste_and_check(browser, "% assume: a > 0\n\\begin{align*}\na &= b +\n&= )\n"
                              "\\end{align*}\n")
    error = browser.find_element(By.ID, "error").text
    assert error.startswith("line 4, column ")
    assert "   4 | &= )" in error and "^" in error
    assert browser.find_elements(By.CSS_SELECTOR, "#results .chain") == []
    assert browser.find_element(By.ID, "get-json").get_attribute("disabled") == "true"


def test_a_proved_chain_after_an_error(browser, server: Server):
    from selenium.webdriver.common.by import By

    _paste_and_check(browser, JENSEN.read_text())
    assert browser.find_element(By.ID, "error").text == ""
    assert [e.text for e in browser.find_elements(By.CSS_SELECTOR, "tr.step .verdict")] == \
        ["proved"] * 4
