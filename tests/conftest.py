"""Shared fixtures for the map explorer tests: the real built ward table and boundaries, and the
app served to a real browser.

They read what ``python -m geo.build`` wrote under ``data/`` and fail with that instruction
when it is missing (a test that silently skips on missing data could never fail).

Tests that compare with the raw open data (``../shared/data/raw`` or ``$WARDLENS_RAW``) say so
with :func:`needs_raw` (or :func:`require_raw` in a fixture): they skip, with the reason, where
the raw folder is absent. ``.ci/run`` sets ``WARDLENS_STRICT=1``, which turns every skip into a
failure, so in CI no comparison with the published figures can quietly not run.

Browser tests (``test_browser*.py``) share one ``streamlit run app.py`` on a free localhost
port (:func:`app_url`, once per test session) and one headless Chromium (:func:`browser`,
Debian's /usr/bin/chromium through Playwright); :func:`browser_page` gives each test a fresh
page recording its requests, and saves a screenshot to ``test-artifacts/`` when it fails.
"""

from __future__ import annotations

import json

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import geopandas as gpd
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import paths, store
from geo.paths import ROOT, raw_dir
from geo.rawdata import RAW_TABLES, RAW_VECTORS
from layers import INDICATORS
from layers.source import PublishedLayer, table_columns
from tests.profile_reading import read_profile
from tests.server import streamlit

#: Lancashire and South Cumbria ICB (the default view) and Leicester, Leicestershire and Rutland.
LSC = "E54000048"
LLR = "E54000015"
#: Bloomfield, Blackpool: the ward with the highest IMD 2025 average score in England.
BLOOMFIELD = "E05015188"

#: The attribution under every map, pack and export: ONS's line, naming the OS data years of the ward
#: boundaries (2025) and of the Census 2021 Output Areas (2022) once (layers.sources.attribution_texts).
ONS_OS_LINE = ("Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
               "Contains OS data © Crown copyright and database right 2022 and 2025.")

#: Where the build writes the processed files (each declared in geo/manifest.py).
INDICATOR_DIR = paths.DATA / "indicators"
BOUNDARY_DIR = paths.DATA / "boundaries"


def run_app(query: dict[str, str] | None = None, *, opened: Sequence[str] = ()) -> AppTest:
    """Run the explorer page (explorer.py) under Streamlit's AppTest, with ``query`` as the URL query string
    and the expanders and popovers keyed ``opened`` open (their contents are drawn only while open)."""
    at = AppTest.from_file(str(ROOT / "explorer.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key in opened:
        at.session_state[key] = True
    return at.run()


def shown_profile(at: AppTest) -> pd.DataFrame:
    """The ward profile as the page shows it: each theme's table and the notes under it, read back from
    their HTML into one frame (the columns of :data:`layers.profile.PROFILE_COLUMNS`)."""
    return read_profile(h.value for h in at.main.html)


def map_documents(at: AppTest) -> dict[str, dict]:
    """The maps the page sends, by name: each map component's document (layers/mapview.py
    map_document; the selection parts, which carry no map, left out)."""
    return {doc["name"]: doc for doc in (json.loads(e.proto.bytes) for e in at.get("bidi_component")
                                         if e.proto.component_name == "wardlens_map" and e.proto.bytes)}


def assert_no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


#: The raw open data folder the build reads (``$WARDLENS_RAW`` or ``../shared/data/raw``).
RAW = raw_dir()
#: Set by ``.ci/run``: a test that would skip fails instead (see :func:`pytest_runtest_makereport`).
STRICT = os.environ.get("WARDLENS_STRICT") == "1"


def _missing_raw(keys: tuple[str, ...]) -> str | None:
    """Why the raw inputs ``keys`` (names in geo.rawdata; none: the folder) cannot be read, or None."""
    if not RAW.is_dir():
        return f"raw open data not found at {RAW} (set WARDLENS_RAW)"
    absent = [k for k in keys if not (RAW / {**RAW_TABLES, **RAW_VECTORS}[k].path).is_file()]
    return f"raw input(s) {', '.join(absent)} not found under {RAW}" if absent else None


def needs_raw(*keys: str) -> pytest.MarkDecorator:
    """Mark a test that reads the raw inputs ``keys`` (or just the raw folder): skipped where they are absent."""
    reason = _missing_raw(keys)
    return pytest.mark.skipif(reason is not None, reason=reason or "")


def require_raw(*keys: str) -> None:
    """In a fixture: skip the tests that use it where the raw inputs ``keys`` are absent."""
    reason = _missing_raw(keys)
    if reason:
        pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under ``WARDLENS_STRICT=1`` (CI) a skipped test is reported as failed, with its reason."""
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, and WARDLENS_STRICT=1 makes a skip a failure: {reason}"


def _require(path: Path) -> None:
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `python -m geo.build` first")


@pytest.fixture(scope="session")
def ward_table() -> pd.DataFrame:
    """The ward register joined with every indicator's ward values (as the app builds it)."""
    _require(INDICATOR_DIR / store.WARDS)
    register = store.read_wards()
    values = store.read_ward_columns(table_columns(list(INDICATORS.values()), register.columns))
    return register.join(values, how="left")


@pytest.fixture(scope="session")
def catalogue(ward_table: pd.DataFrame) -> dict[str, PublishedLayer]:
    """Every published layer by id over the real ward table (what ``ui.loaders.published`` holds)."""
    return {i: PublishedLayer(r, ward_table) for i, r in INDICATORS.items()}


@pytest.fixture(scope="session")
def icb_shapes() -> gpd.GeoDataFrame:
    _require(BOUNDARY_DIR / "wards_icb.parquet")
    return store.read_ward_shapes("icb")


@pytest.fixture(scope="session")
def england_shapes() -> gpd.GeoDataFrame:
    _require(BOUNDARY_DIR / "wards_england.parquet")
    return store.read_ward_shapes("england")


# --- the app in a real browser ---------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
#: Put ``pytestmark = NEEDS_CHROMIUM`` in a browser test module.
NEEDS_CHROMIUM = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at "
                                    "/usr/bin/chromium (.ci/run installs it)")

ARTIFACTS = ROOT / "test-artifacts"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
#: The map's box on the page (drawn in the page itself, no frame), and its Leaflet map in the browser.
MAP_BOX = ".wl-map"
LEAFLET_MAP = "document.querySelector('.wl-map').wlMap.map"
WARD_PATHS = "path.leaflet-interactive"


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """``streamlit run app.py`` on a free localhost port, for every browser test of the session."""
    log = ARTIFACTS / "streamlit-browser-test.log"
    ARTIFACTS.mkdir(exist_ok=True)
    with log.open("w") as out, streamlit(ROOT / "app.py", env={**os.environ, "PYTHONUNBUFFERED": "1"}, out=out) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module (Playwright's sync loop is closed before the next module)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def browser_page(browser, name: str, width: int = 1600, height: int = 1000,
                 touch: bool = False) -> Iterator[tuple[object, list[str], list[float]]]:
    """A fresh page of ``width`` x ``height`` CSS pixels recording every request of every frame and every
    websocket message the page sends to the server; a screenshot in test-artifacts/ if the block fails.
    ``touch``: the page is on a phone (a touch screen and a mobile browser's viewport)."""
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch, is_mobile=touch)
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


#: On the page once a session's first page is complete: its sidebar's controls. The first page shows
#: the map alone, then the rest once the browser has painted it (explorer.py, ui/wardmap.report_drawn).
FULL_PAGE = "[data-testid=stSidebar] [data-testid=stSelectbox]"


def map_frame(page):
    """The page, once the map on it has drawn its wards and the rest of the first page has followed (kept
    as a function: the map once had a frame)."""
    page.wait_for_selector(WARD_PATHS, timeout=60_000)
    page.wait_for_selector(FULL_PAGE, timeout=60_000)
    return page


def fills(frame) -> list[str]:
    return frame.eval_on_selector_all(WARD_PATHS, "els => els.map(e => e.getAttribute('fill'))")


def page_url(page) -> str:
    """The address bar now (``page.url`` only updates when Playwright next processes events)."""
    return page.evaluate("() => location.href")


def wait_until(predicate, timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.time() + timeout
    while not predicate():
        if time.time() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)  # the predicates call into Playwright, which delivers pending events


def settled(page) -> None:
    """Wait until the app's script has finished its run (Streamlit marks the app root with its state)."""
    page.wait_for_function("() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState"
                           " === 'notRunning'")


def map_moved(page, move) -> None:
    """Do ``move`` (pan or zoom the map) and wait until Leaflet has finished it (its ``moveend``):
    after this, anything the move made the page send has been sent."""
    page.evaluate(f"() => {{ window.wlMoved = new Promise(r => {LEAFLET_MAP}.once('moveend', r)); }}")
    move()
    page.evaluate("() => window.wlMoved")


def ward_points(page, frame) -> list[tuple[float, float]]:
    """Page coordinates of ward polygons' centres that are really on top of their own polygon."""
    return [tuple(p) for p in frame.evaluate(f"""() => {{
        const m = {LEAFLET_MAP}, out = [];
        m.eachLayer(l => {{
            if (l.wlIndex === undefined) return;
            const p = m.latLngToContainerPoint(l.getCenter());
            const r = m.getContainer().getBoundingClientRect();
            if (document.elementFromPoint(p.x + r.left, p.y + r.top) === l._path) out.push([p.x + r.left, p.y + r.top]);
        }});
        return out;
    }}""")]


def click_ward(page, frame, fraction: float) -> str:
    """Click the ward whose centre comes ``fraction`` of the way through :func:`ward_points`, once its
    tooltip shows, and return the name the tooltip gave it."""
    page.locator(MAP_BOX).scroll_into_view_if_needed()  # (a ward off the screen is under nothing)
    points = ward_points(page, frame)
    x, y = points[int(len(points) * fraction)]
    page.mouse.move(x, y)
    frame.wait_for_selector(".wl-tip b", timeout=10_000)
    name = frame.inner_text(".wl-tip b")
    page.mouse.click(x, y)
    return name


def tab_to(page, is_target: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies ``is_target`` (a JS predicate on it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({is_target})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached the element ({is_target})")


def pick_list_row(page, down: int) -> str:
    """With the keyboard only: Tab from "Link to this view" to the target list, go to its first row then
    ``down - 1`` rows further (each move waited for: the grid moves its focus a moment after the
    key), select that row (Shift+Space), wait until the grid marks it selected, and return the
    name in its Ward column."""
    page.get_by_role("button", name="Link to this view").focus()  # (a mouse click would put the grid in mouse mode)
    tab_to(page, "e => e.tagName === 'CANVAS' && !!e.closest('[data-testid=stDataFrame]')")
    row_now = "() => document.activeElement.tagName === 'TD' ? document.activeElement.closest('tr').ariaRowIndex : null"
    # The grid takes keys once it has set itself up after gaining focus (keys pressed before may land later).
    wait_until(lambda: page.keyboard.press("ArrowDown") or page.evaluate(row_now), what="the grid to take a key")
    page.keyboard.press("Control+Home")  # the first row (aria-rowindex 2, under the header row)
    wait_until(lambda: page.evaluate(row_now) == "2", what="the first row to take the focus")
    for row in range(3, down + 2):
        page.keyboard.press("ArrowDown")
        wait_until(lambda: page.evaluate(row_now) == str(row), what=f"row {row - 1} to take the focus")
    row = str(down + 1)
    ward = page.evaluate("""row => {
        const t = document.querySelector('[data-testid=stDataFrame] table');
        const col = [...t.querySelectorAll('th')].find(th => th.textContent === 'Ward').getAttribute('aria-colindex');
        return t.querySelector(`tr[aria-rowindex="${row}"] td[aria-colindex="${col}"]`).textContent;
    }""", row)
    page.keyboard.press("Shift+Space")  # select the focused row
    selected = f"() => document.querySelector('[data-testid=stDataFrame] tr[aria-rowindex=\"{row}\"]')?.ariaSelected"
    wait_until(lambda: page.evaluate(selected) == "true", what=f"row {down} to be selected")
    return ward


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label`` (retried: the list animates open)."""
    box = page.get_by_role("combobox", name=label)
    for _ in range(3):
        box.click()
        page.get_by_role("option", name=option, exact=True).click()
        try:
            wait_until(lambda: box.input_value() == option, timeout=3, what=f"{label} = {option}")
            return
        except AssertionError:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose {option!r} in {label!r}")


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.locator(
        "[data-testid='stException']").first.inner_text()


def only_local(requests: list[str], app_url: str) -> None:
    own = urlparse(app_url).netloc
    foreign = sorted({u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
                      and urlparse(u).netloc != own})
    assert not foreign, f"requests to other hosts: {foreign}"
