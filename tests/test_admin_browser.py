"""The admin in a real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium): an
operator logs in, opens a process from the list, sees its cut-out and its creatives' thumbnails, and the
page is saved as a screenshot under var/screenshots/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT, make_tenant
from tests.test_download import finished_process

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in requirements/dev.txt")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.skipif(
        not (CHROMIUM and DRIVER),
        reason="needs Debian's chromium and chromium-driver (`apt-get install chromium chromium-driver`; "
        ".ci/run installs them where apt can)",
    ),
    pytest.mark.django_db(transaction=True),
]
SCREENSHOTS = ROOT / "var" / "screenshots"
PASSWORD = "a-long-operator-password"


@pytest.fixture
def browser() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,1100"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=DRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def loaded_images(browser: Any) -> list[int]:
    """The natural width of each preview on the page; 0 for one that did not load."""
    script = "return [...document.querySelectorAll('img.photoshoot-preview')].map(i => i.complete ? i.naturalWidth : 0)"
    widths: list[int] = browser.execute_script(script)
    return widths


def test_an_operator_sees_a_processs_creatives_in_a_real_browser(
    live_server: Any, browser: Any, django_user_model: Any
) -> None:
    django_user_model.objects.create_superuser("operator", "ops@example.com", PASSWORD)
    process, tasks = finished_process(make_tenant(), tasks=2)
    wait = WebDriverWait(browser, 30)

    browser.get(f"{live_server.url}/admin/")
    browser.find_element(By.NAME, "username").send_keys("operator")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait.until(expected_conditions.presence_of_element_located((By.LINK_TEXT, "Processes"))).click()

    wait.until(expected_conditions.presence_of_element_located((By.LINK_TEXT, str(process.id))))
    wait.until(lambda b: len(loaded_images(b)) == 2 and all(loaded_images(b)))  # the row's creative strip
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "admin-processes.png"))
    browser.find_element(By.LINK_TEXT, str(process.id)).click()

    wait.until(expected_conditions.title_contains("process"))
    wait.until(lambda b: len(loaded_images(b)) == 3 and all(loaded_images(b)))  # the cut-out, two creatives
    assert "Cut-out" in browser.page_source and str(tasks[1].id) not in browser.current_url
    widths = loaded_images(browser)
    assert widths[0] > 0 and all(width == 160 for width in widths[1:])  # thumbnails, not the full creatives
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1440, height)  # the whole page in the screenshot: the tasks are below the cut-out
    assert browser.save_screenshot(str(SCREENSHOTS / "admin-process.png"))
    assert (SCREENSHOTS / "admin-process.png").stat().st_size > 10_000
