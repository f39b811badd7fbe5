"""The recipe explorer in a real browser: headless Chromium (Debian's chromium + chromium-driver)
driven by Selenium against a real aicrd on a loopback port.

Marked `browser`. Without chromium or chromedriver these tests skip locally and FAIL in CI
(CI=true; .ci/run installs both). A screenshot of the resolved page is saved to
tests/artifacts/ui-explorer.png (gitignored) and its path printed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integration.server.conftest import Running

from aicr.server.settings import Settings

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "artifacts" / "ui-explorer.png"
WAIT_S = 60


def _binaries() -> tuple[str, str]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    message = (
        "browser tests need chromium and chromedriver (apt-get install chromium chromium-driver; .ci/run)"
    )
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(message + ": missing in CI", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    chromium, chromedriver = _binaries()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1800"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.prompt_for_download": False})
    browser = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    browser.set_page_load_timeout(WAIT_S)
    yield browser
    browser.quit()


@pytest.fixture
def page(driver: Any, server: Running) -> Any:
    """The explorer, loaded, with its dropdowns filled from the API."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(server.url + "/ui")
    WebDriverWait(driver, WAIT_S).until(lambda d: d.execute_script("return document.body.dataset.ready"))
    return driver


def choose(driver: Any, **criteria: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for field, value in criteria.items():
        Select(driver.find_element(By.ID, field)).select_by_value(value)


def resolved_row(driver: Any, name: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    selector = f'#components tr[data-component="{name}"]'
    WebDriverWait(driver, WAIT_S).until(lambda d: d.find_elements(By.CSS_SELECTOR, selector))
    return driver.find_element(By.CSS_SELECTOR, selector)


def test_dropdowns_offer_any_and_the_catalog_values(page: Any, server: Running) -> None:
    from selenium.webdriver.common.by import By

    with server.client() as client:
        params = client.get("/openapi.json").json()["paths"]["/v1/recipe"]["get"]["parameters"]
    expected = sorted(v for v in next(p for p in params if p["name"] == "service")["schema"]["enum"] if v)
    options = [o.get_attribute("value") for o in page.find_elements(By.CSS_SELECTOR, "#service option")]
    assert options[0] == "any"
    assert sorted(options) == expected


def test_choosing_criteria_shows_gpu_operator_with_its_version(page: Any, server: Running) -> None:
    from selenium.webdriver.common.by import By

    with server.client() as client:
        recipe = client.get(
            "/v1/recipe", params={"service": "eks", "accelerator": "h100", "intent": "training"}
        )
    version = next(r["version"] for r in recipe.json()["componentRefs"] if r["name"] == "gpu-operator")
    choose(page, service="eks", accelerator="h100", intent="training")
    page.find_element(By.ID, "resolve").click()
    cells = [c.text for c in resolved_row(page, "gpu-operator").find_elements(By.CSS_SELECTOR, "th, td")]
    assert cells[:3] == ["gpu-operator", version, "gpu-operator"]
    command = page.find_element(By.ID, "command").text
    assert command == "aicr recipe --service eks --accelerator h100 --intent training"
    resolved_row(page, "gpu-operator").find_element(By.TAG_NAME, "summary").click()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert page.save_screenshot(str(SCREENSHOT))
    print(f"explorer screenshot: {SCREENSHOT}")


def test_download_bundle_saves_a_zip_with_checksums(page: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    page.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    choose(page, service="eks", accelerator="h100", intent="training")
    page.find_element(By.ID, "resolve").click()
    resolved_row(page, "gpu-operator")
    Select(page.find_element(By.ID, "deployer")).select_by_value("argocd")
    page.find_element(By.ID, "download").click()
    target = tmp_path / "bundles.zip"
    WebDriverWait(page, WAIT_S).until(lambda _d: target.exists() and not list(tmp_path.glob("*.crdownload")))
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        assert any(name.endswith("checksums.txt") for name in archive.namelist())
    assert "argocd" in page.find_element(By.ID, "status").text


def test_an_unsupported_combination_shows_the_api_error(page: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    choose(page, service="eks", accelerator="l40", platform="slurm")
    page.find_element(By.ID, "resolve").click()
    alert = page.find_element(By.ID, "error")
    WebDriverWait(page, WAIT_S).until(lambda _d: alert.text)
    assert "platform 'slurm' is not available" in alert.text
    assert alert.get_attribute("role") == "alert"
    assert not page.find_element(By.ID, "result").is_displayed()


def test_the_keyboard_alone_resolves_and_expands_provenance(page: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    def focused() -> str:
        return str(page.execute_script("const e = document.activeElement; return e.id || e.tagName;"))

    keys = ActionChains(page)
    keys.send_keys(Keys.TAB).perform()
    assert focused() == "service"
    for value in ("eks", "h100", "training"):
        keys.send_keys(value).perform()
        keys.send_keys(Keys.TAB).perform()
    keys.send_keys(Keys.TAB, Keys.TAB).perform()  # os and platform stay `any`
    assert focused() == "resolve"
    keys.send_keys(Keys.ENTER).perform()
    resolved_row(page, "gpu-operator")
    assert page.find_element(By.ID, "command").text.endswith("--intent training")
    keys.send_keys(Keys.TAB).perform()
    assert focused() == "copy"
    keys.send_keys(Keys.TAB).perform()
    assert focused() == "SUMMARY"
    keys.send_keys(Keys.ENTER).perform()
    WebDriverWait(page, WAIT_S).until(
        lambda d: d.execute_script("return document.activeElement.parentElement.open")
    )


def test_with_auth_on_the_page_asks_for_a_token_and_uses_it(
    driver: Any, serve: Callable[..., Running], tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    token = "browser-token-5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b"
    tokens = tmp_path / "tokens.yaml"
    tokens.write_text(
        f"tokens:\n  - name: browser\n    sha256: {hashlib.sha256(token.encode()).hexdigest()}\n"
    )
    running = serve(Settings(auth_tokens_file=str(tokens)))
    driver.get(running.url + "/ui")
    alert = driver.find_element(By.ID, "error")
    WebDriverWait(driver, WAIT_S).until(lambda _d: "missing bearer token" in alert.text)
    field = driver.find_element(By.ID, "token")
    assert field.is_displayed()
    field.send_keys(token)
    driver.find_element(By.ID, "resolve").click()
    resolved_row(driver, "gpu-operator")
    assert driver.execute_script("return document.body.dataset.ready") == "true"
    assert not alert.text
