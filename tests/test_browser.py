"""The app in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

Starts ``streamlit run app.py`` on a free localhost port, then for Lancashire and South Cumbria
(the default page) and for LLR (opened from a link): the ward polygons are drawn in the
streamlit-folium iframe, switching the measure changes their fill colours without reloading the
map, panning and zooming send nothing to the server, clicking a ward shows its profile, no
Streamlit exception appears, and no request goes to any host but the app's own. A screenshot is
saved to ``test-artifacts/`` when a check fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from geo.paths import ROOT

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at "
                                "/usr/bin/chromium (.ci/run installs it)")

ARTIFACTS = ROOT / "test-artifacts"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
WARD_PATHS = "path.leaflet-interactive"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    port = _free_port()
    log = ARTIFACTS / "streamlit-browser-test.log"
    ARTIFACTS.mkdir(exist_ok=True)
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.time() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                        break
                except OSError:
                    if server.poll() is not None or time.time() > deadline:
                        pytest.fail(f"streamlit did not start; see {log}")
                    time.sleep(0.2)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def _page(browser, name: str) -> Iterator[tuple[object, list[str], list[float]]]:
    """A fresh page recording every request of every frame and every websocket message the page
    sends to the server; a screenshot in test-artifacts/ if the block fails."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    requests: list[str] = []
    sent: list[float] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(time.time())))
    try:
        yield page, requests, sent
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        raise
    finally:
        context.close()


def _map(page):
    frame = page.wait_for_selector(MAP_IFRAME, timeout=60_000).content_frame()
    frame.wait_for_selector(WARD_PATHS, timeout=60_000)
    return frame


def _fills(frame) -> list[str]:
    return frame.eval_on_selector_all(WARD_PATHS, "els => els.map(e => e.getAttribute('fill'))")


def _url(page) -> str:
    """The address bar now (``page.url`` only updates when Playwright next processes events)."""
    return page.evaluate("() => location.href")


def _wait_until(predicate, timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.time() + timeout
    while not predicate():
        if time.time() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)  # the predicates call into Playwright, which delivers pending events


def _ward_points(page, frame) -> list[tuple[float, float]]:
    """Page coordinates of ward polygons' centres that are really on top of their own polygon."""
    box = page.locator(MAP_IFRAME).bounding_box()
    points = frame.evaluate("""() => {
        const m = window.map, out = [];
        m.eachLayer(l => {
            if (l.wlIndex === undefined) return;
            const p = m.latLngToContainerPoint(l.getCenter());
            const r = m.getContainer().getBoundingClientRect();
            if (document.elementFromPoint(p.x + r.left, p.y + r.top) === l._path) out.push([p.x + r.left, p.y + r.top]);
        });
        return out;
    }""")
    return [(box["x"] + x, box["y"] + y) for x, y in points]


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label`` (retried: the list animates open)."""
    box = page.get_by_role("combobox", name=label)
    for _ in range(3):
        box.click()
        page.get_by_role("option", name=option, exact=True).click()
        try:
            _wait_until(lambda: box.input_value() == option, timeout=3, what=f"{label} = {option}")
            return
        except AssertionError:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose {option!r} in {label!r}")


def _no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.locator(
        "[data-testid='stException']").first.inner_text()


def _only_local(requests: list[str], app_url: str) -> None:
    own = urlparse(app_url).netloc
    foreign = sorted({u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
                      and urlparse(u).netloc != own})
    assert not foreign, f"requests to other hosts: {foreign}"


def _exercise(page, requests: list[str], sent: list[float], app_url: str, n_wards: int, heading: str) -> None:
    frame = _map(page)
    page.get_by_role("heading", name=heading).wait_for(timeout=30_000)
    assert frame.locator(WARD_PATHS).count() == n_wards
    before = _fills(frame)
    assert len(set(before)) >= 4  # a choropleth, not one colour

    # Pan and zoom: nothing goes to the server (no script rerun). page.wait_for_timeout (not
    # time.sleep) lets Playwright deliver the websocket events meanwhile.
    page.wait_for_timeout(1000)
    quiet = len(sent)
    cx, cy = _ward_points(page, frame)[0]
    page.mouse.move(cx, cy)
    page.mouse.wheel(0, -200)
    page.wait_for_timeout(500)
    page.mouse.down()
    page.mouse.move(cx + 80, cy + 40, steps=5)
    page.mouse.up()
    page.wait_for_timeout(1500)  # streamlit-folium reports moves after a 250 ms debounce
    assert len(sent) == quiet, "panning or zooming the map sent a message to the server"

    # Switch the measure: new fill colours, same map (no reload).
    _choose(page, "Measure", "Income deprivation")
    _wait_until(lambda: _fills(frame) != before, what="fill colours to change after switching the measure")
    assert frame.locator(WARD_PATHS).count() == n_wards
    _wait_until(lambda: "layer=income_score_2025" in _url(page), timeout=10, what="the layer in the URL")

    # Click a ward: its profile appears, named as in the map tooltip.
    x, y = _ward_points(page, frame)[len(_ward_points(page, frame)) // 2]
    page.mouse.move(x, y)
    frame.wait_for_selector(".wl-tip b", timeout=10_000)
    name = frame.inner_text(".wl-tip b")
    page.mouse.click(x, y)
    page.get_by_role("heading", name=name, exact=True).wait_for(timeout=30_000)
    assert len(sent) > quiet
    page.get_by_text("Target ward?").wait_for(timeout=10_000)
    _wait_until(lambda: "ward=E05" in _url(page), timeout=10, what="the ward in the URL")
    _no_exception(page)
    _only_local(requests, app_url)


def test_default_view_lsc_in_chromium(browser, app_url: str) -> None:
    with _page(browser, "browser-lsc") as (page, requests, sent):
        page.goto(app_url)
        _exercise(page, requests, sent, app_url, 280, "Lancashire and South Cumbria ICB")


def test_llr_from_a_link_in_chromium(browser, app_url: str) -> None:
    with _page(browser, "browser-llr") as (page, requests, sent):
        page.goto(f"{app_url}/?area=E54000015&target=core20&ward=E05010465")
        frame = _map(page)
        page.get_by_role("heading", name="Eyres Monsell", exact=True).wait_for(timeout=30_000)
        _exercise(page, requests, sent, app_url, 176, "Leicester, Leicestershire and Rutland ICB")
        assert "target=core20" in _url(page)
        frame.wait_for_selector(".wl-legend", timeout=5_000)
