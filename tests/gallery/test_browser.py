"""The gallery site in a real headless Chromium (Debian's, driven by Playwright), over file://.

Skipped with a reason when Chromium or Playwright is missing; under CI (env CI set) that is a failure.
Screenshots of every page go to the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from batikgen.gallery import build_site

from .conftest import XSS_TITLE

AXE = Path(__file__).with_name("axe") / "axe.min.js"
CHROMIUM = os.environ.get("BATIKGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the browser tests cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(small_exhibition, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser") / "site"
    build_site(small_exhibition, folder)
    return folder


def first_paint(page) -> float:
    """The page's first contentful paint in ms from navigation start (reported once the frame is shown)."""
    return page.wait_for_function("""() => {
        const p = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
        return p ? p.startTime : null; }""", timeout=5000).json_value()


class Watched:
    """A page with its console errors, uncaught exceptions, dialogs and non-file requests recorded."""

    def __init__(self, browser, shots: Path, width: int = 1280, height: int = 900, touch: bool = False):
        self.context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch,
                                           is_mobile=touch)
        self.page = self.context.new_page()
        self.shots = shots
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", self._request)

    def _request(self, request):
        self.requests.append(request.url)
        if not request.url.startswith(("file://", "data:", "blob:")):
            self.outside.append(request.url)

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def axe(self) -> list[dict]:
        """Serious and critical axe-core violations of the page as it is now.

        ``preload: false``: axe would otherwise fetch the stylesheets again by XMLHttpRequest,
        which file:// pages may not do (an error of the test's, not of the site).
        """
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate("axe.run(document, {resultTypes: ['violations'], preload: false})")
        return [{"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:120] for n in v["nodes"]]}
                for v in result["violations"] if v["impact"] in ("serious", "critical")]

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser, tmp_path):
    page = Watched(browser, tmp_path)
    yield page
    page.close()


def test_index_loads_offline_fast_and_filters(watched, site):
    page = watched.page
    page.goto((site / "index.html").as_uri())
    paint = first_paint(page)
    assert paint < 1000, f"first contentful paint {paint} ms"
    watched.shot("index")
    assert page.locator("h1").inner_text() == "Seeing the unseen: a test"
    assert page.locator(".card").count() == 2
    assert page.locator(".card img").first.get_attribute("loading") == "lazy"
    page.select_option("#filter-palette", "lasem")
    assert page.locator(".card:visible").count() == 1
    assert page.locator(".card:visible h2").inner_text() == XSS_TITLE
    assert page.locator("#filter-status").inner_text() == "Showing 1 of 2 pieces"
    watched.shot("index-filtered")
    page.click("#filter-reset")
    page.wait_for_function("document.querySelectorAll('.card:not([hidden])').length === 2")
    assert watched.errors == [] and watched.outside == [] and watched.dialogs == []
    assert watched.axe() == []


def test_piece_page_viewer_loads_tiles_and_zooms(watched, site):
    page = watched.page
    page.goto((site / "index.html").as_uri())
    page.click("text=A calm mind")
    page.wait_for_url("**/pieces/calm/index.html")
    paint = first_paint(page)
    assert paint < 1000, f"first contentful paint {paint} ms"
    page.wait_for_function("document.getElementById('viewer').dataset.opened === 'true'", timeout=15000)
    page.wait_for_function("Number(document.getElementById('viewer').dataset.tiles || 0) > 0", timeout=15000)
    page.wait_for_timeout(600)
    watched.shot("piece")
    zoom = lambda: page.evaluate("window.batikgenViewer.viewport.getZoom(true)")  # noqa: E731
    home = zoom()
    deepest = max(int(p.name) for p in (site / "pieces" / "calm" / "tiles_files").iterdir())
    finest = f"/tiles_files/{deepest}/"
    assert not [u for u in watched.requests if finest in u]  # the whole cloth needs no full-resolution tile

    page.click("#zoom-in")
    page.click("#zoom-in")
    page.wait_for_timeout(1200)
    assert zoom() > 3 * home
    for _ in range(50):  # zoomed in: full-resolution tiles come
        if [u for u in watched.requests if finest in u]:
            break
        page.wait_for_timeout(100)
    assert [u for u in watched.requests if finest in u], sorted({u.split("tiles_files/")[-1] for u in watched.requests})
    # Pointing at the cloth says which stretch of the recording it is.
    box = page.locator("#viewer").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(200)
    assert "of the recording" in page.locator("#readout").inner_text()
    assert page.locator("#chart-marker").is_visible()
    watched.shot("piece-zoomed")

    # Keyboard: the whole-cloth button, then the viewer focused and '+' zooms in, arrows move.
    page.focus("#zoom-home")
    page.keyboard.press("Enter")
    page.wait_for_timeout(800)
    assert zoom() == pytest.approx(home, rel=0.05)
    page.focus("#viewer .openseadragon-canvas")
    page.keyboard.down("+")  # OpenSeadragon zooms while the key is held
    page.wait_for_timeout(700)
    page.keyboard.up("+")
    page.wait_for_timeout(500)
    assert zoom() > 1.3 * home
    before = page.locator("#readout").inner_text()
    page.keyboard.down("ArrowDown")  # pans down the cloth: later in the recording
    page.wait_for_timeout(700)
    page.keyboard.up("ArrowDown")
    page.wait_for_timeout(500)
    after = page.locator("#readout").inner_text()
    assert after.startswith("Centre of the view") and after != before
    assert watched.errors == [] and watched.outside == []
    violations = watched.axe()
    assert violations == []


def test_xss_title_shows_as_text_and_runs_nothing(watched, site):
    page = watched.page
    page.goto((site / "pieces" / "xss" / "index.html").as_uri())
    page.wait_for_function("document.getElementById('viewer').dataset.opened === 'true'", timeout=15000)
    assert page.locator("h1").inner_text() == XSS_TITLE
    assert page.locator(".note").inner_text() == "<script>alert('note')</script>"
    assert page.locator("img[src='x']").count() == 0
    assert page.title().startswith(XSS_TITLE)
    page.wait_for_timeout(300)
    watched.shot("piece-xss")
    assert watched.dialogs == [] and watched.errors == [] and watched.outside == []


def test_about_page_and_a_phone_screen_with_touch(browser, site, tmp_path):
    phone = Watched(browser, tmp_path, width=390, height=844, touch=True)
    page = phone.page
    try:
        page.goto((site / "about.html").as_uri())
        assert "#SeeingTheUnseen" in page.locator("main").inner_text()
        phone.shot("about-phone")
        assert phone.axe() == []
        page.goto((site / "pieces" / "calm" / "index.html").as_uri())
        page.wait_for_function("Number(document.getElementById('viewer').dataset.tiles || 0) > 0", timeout=15000)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
        phone.shot("piece-phone")

        # Touch, as the browser delivers it: two fingers spreading zoom in, one finger dragging pans.
        page.locator("#viewer").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        box = page.locator("#viewer").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        cdp = phone.context.new_cdp_session(page)

        def touch(kind, points):
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [
                {"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]})
            page.wait_for_timeout(16)

        zoom = lambda: page.evaluate("window.batikgenViewer.viewport.getZoom(true)")  # noqa: E731
        centre = lambda: page.evaluate("window.batikgenViewer.viewport.getCenter(true).y")  # noqa: E731
        home = zoom()
        touch("touchStart", [(cx - 20, cy), (cx + 20, cy)])
        for d in range(28, 140, 8):
            touch("touchMove", [(cx - d, cy), (cx + d, cy)])
        touch("touchEnd", [])
        page.wait_for_timeout(1000)
        assert zoom() > 2 * home
        before = centre()
        touch("touchStart", [(cx, cy + 100)])
        for dy in range(80, -101, -20):
            touch("touchMove", [(cx, cy + dy)])
        touch("touchEnd", [])
        page.wait_for_timeout(1000)
        assert centre() > before + 0.02  # dragged up: the view moved down the cloth
        phone.shot("piece-phone-pinched")
        assert phone.errors == [] and phone.outside == []
    finally:
        phone.close()


def test_axe_harness_finds_a_known_violation(watched):
    """The accessibility check can fail: a page with an unlabelled image and button is caught."""
    watched.page.set_content('<html><body><img src="data:,"><button></button></body></html>')
    found = {v["id"] for v in watched.axe()}
    assert {"image-alt", "button-name"} <= found
