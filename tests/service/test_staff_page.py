"""The staff page in a real headless Chromium (Debian's, driven by Playwright) on a tablet-sized screen."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import shared_file

from .conftest import TOKEN, service

CHROMIUM = os.environ.get("BATIKGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
BRAINVISION = ["brainvision/testbva.vhdr", "brainvision/testbva.vmrk", "brainvision/testbva.dat"]


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but there is no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def test_staff_upload_watch_and_delete_on_a_tablet(browser, exhibition):
    files = [str(shared_file(name)) for name in BRAINVISION]
    with service(exhibition, "--workers", "1") as srv:
        page = browser.new_page(viewport={"width": 820, "height": 1180}, device_scale_factor=2, has_touch=True)
        problems, failed = [], []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("response", lambda response: response.status >= 400 and failed.append(
            (response.status, response.url.removeprefix(srv.url))))
        page.goto(f"{srv.url}/staff")
        # Before signing in only the token box shows (main's grid once overrode the hidden attribute).
        assert not page.locator("#work").is_visible()
        page.fill("#token", "not-the-token-at-all")
        page.click("#token-form button")
        page.wait_for_selector("#token-message:has-text('not accepted')")
        page.fill("#token", TOKEN)
        page.click("#token-form button")
        page.wait_for_selector("#work:not([hidden])")

        # The choices come from the catalogue, each motif with its swatch in the chosen palette.
        page.wait_for_selector("#motifs input")
        assert page.locator("#motifs input").count() == 12
        page.select_option("#palette", "indigo-soga")
        page.wait_for_function("() => [...document.querySelectorAll('#motifs img')].every("
                               "i => i.src.includes('indigo-soga') && i.complete && i.naturalWidth > 0)")
        page.click("#motifs label:has-text('parang')")
        page.select_option("#cloth", "A4")
        page.set_input_files("#files", files)
        page.fill("#title", "From the tablet")
        page.fill("#note", "It felt like rain.")
        page.click("#upload")
        page.wait_for_selector("#upload-message:has-text('Queued')")

        item = page.locator("#queue li", has_text="From the tablet")
        item.locator(".status.done").wait_for(timeout=90_000)  # the page polls; no reload
        assert "parang, indigo-soga" in item.inner_text()
        page.wait_for_function("() => { const i = document.querySelector('#queue li img');"
                               " return i && i.complete && i.naturalWidth > 0; }")
        piece = srv.client.get("/api/pieces", headers=srv.staff()).json()[0]
        assert (piece["title"], piece["motif"], piece["palette"], piece["cloth"], piece["note"]) == (
            "From the tablet", "parang", "indigo-soga", "A4", "It felt like rain.")
        assert page.evaluate("document.documentElement.scrollWidth") <= 820  # no sideways scrolling

        page.once("dialog", lambda dialog: dialog.accept())
        item.get_by_role("button", name="Delete").click()
        page.locator("#queue li").first.wait_for(state="detached")
        assert srv.client.get("/api/pieces", headers=srv.staff()).json() == []
        assert problems == []
        assert failed == [(401, "/api/pieces")]  # the wrong token only
        page.close()
