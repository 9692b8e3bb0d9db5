"""Benchmark the map explorer and print the figures (nothing is asserted).

    python bench/bench_map.py              # payloads, build times, reruns, browser timings
    python bench/bench_map.py --no-browser # skip the headless Chromium part

For Lancashire and South Cumbria, LLR and all England it prints:

* **ours**: bytes the browser gets per render (the map component's document: the area frame and
  the ward layer, :func:`layers.mapview.map_document`), built by the app's own pure view
  (:func:`layers.view.layer_view`), and the time to build them, cold (encoding the area's
  geometry, done once per area and cached) and warm (per rerun);
* **naive**: the same wards drawn with ``GeoDataFrame.explore()``, its HTML bytes and build time;

then the same for the MSOA life expectancy tab, the script rerun time when switching layer
(AppTest), and in headless Chromium (the server on 127.0.0.1 only): the time from opening the
page (a new browser context, nothing cached) to the first frame painted with a ward polygon on the
map, timed in the page (first visitor after server start, then a warm server), and to the full
first page; the time from choosing another layer to the new colours, and the bytes the server
sends over the websocket when a ward is clicked on the map (all of them, and the map's own
message); then the first map against two reference pages timed the same way: a minimal one-line
Streamlit page, its openings alternated with the first map's (7 each: the machine's load drifts
over a run, so the ratio is the median of the rounds' ratios), and a page of only the kinds of
control the sidebar has (what any page with those controls costs in Streamlit's frontend).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from geo import msoa, paths, store  # noqa: E402
from geo.areas import make_area  # noqa: E402
from layers import INDICATORS  # noqa: E402
from layers.mappayload import prepare_area  # noqa: E402
from layers.mapview import map_document, map_frame  # noqa: E402
from layers.msoa import MSOA_LIFE_EXPECTANCY, MSOA_LIFE_EXPECTANCY_COLUMNS  # noqa: E402
from layers.msoa_view import msoa_payload, msoas_in_area  # noqa: E402
from layers.source import PublishedLayer, table_columns  # noqa: E402
from layers.view import layer_view  # noqa: E402
from bench.relay import relay  # noqa: E402
from tests.server import start_streamlit, stop  # noqa: E402

AREAS = (("Lancashire and South Cumbria ICB", "E54000048", "icb"),
         ("Leicester, Leicestershire and Rutland ICB", "E54000015", "icb"),
         ("All England", None, "england"))
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
from tests.conftest import WARD_PATHS, click_ward  # noqa: E402

#: Streamlit's websocket: the connection whose first request asks for this path.
WEBSOCKET = "/_stcore/stream"
#: The first ward polygon drawn on the map.
MAP_DRAWN = f"document.querySelector('{WARD_PATHS}') !== null"
#: The full first page: the sidebar's controls and the target list (a session's first page shows the
#: map first and the rest once the browser has painted it, explorer.py).
FULL_PAGE = ("document.querySelector('[data-testid=stSidebar] [data-testid=stSelectbox]') !== null && "
             "document.querySelector('[data-testid=stDataFrame]') !== null")


def _timed(fn, repeat: int = 1):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return result, statistics.median(times)


def bench_payloads(table: pd.DataFrame, catalogue: dict) -> None:
    record = INDICATORS["imd_score_2025"]
    deprivation = pd.read_csv(paths.DATA / "indicators" / record.file, dtype={"ward_code": "string"})
    print(f"{'area':44} {'wards':>5} | {'ours: bytes':>12} {'cold s':>7} {'warm s':>7} | "
          f"{'naive explore(): bytes':>22} {'s':>6} | ratio")
    for name, icb, level in AREAS:
        area = make_area(table, icb)
        shapes = store.read_ward_shapes(level)
        codes = table.index if icb is None else table.index[table["icb_code"] == icb]
        shapes = shapes.loc[codes]
        geometry, cold = _timed(lambda: prepare_area(shapes, table.loc[codes, "lad_name"], level))

        def render():
            view = layer_view(catalogue, table, area, record.id, None, "imd10", (), geometry)
            return map_document(map_frame(geometry), view.payload, 640)

        document, warm = _timed(render, repeat=5)
        ours = len(document)

        def naive():
            gdf = shapes.reset_index().merge(deprivation, on="ward_code")
            return gdf.explore(column="imd_score", cmap="YlOrRd", scheme="Quantiles", k=5).get_root().render()

        naive_html, naive_s = _timed(naive)
        naive_bytes = len(naive_html.encode())
        print(f"{name:44} {len(codes):>5} | {ours:>12,} {cold + warm:>7.3f} {warm:>7.3f} | "
              f"{naive_bytes:>22,} {naive_s:>6.2f} | {naive_bytes / ours:5.1f}x smaller")


def bench_msoa_payloads(table: pd.DataFrame) -> None:
    frame = store.read_msoa_life_expectancy(MSOA_LIFE_EXPECTANCY_COLUMNS)
    frame = frame.assign(lad_code=msoa.msoa_lad25(store.read_msoa_ward_lookup(), table["lad_code"]))
    shapes = store.read_msoa_shapes()
    print(f"\n{'MSOA life expectancy tab':44} {'MSOAs':>5} | {'ours: bytes':>12} {'cold s':>7} {'warm s':>7}")
    for name, icb, level in AREAS:
        rows = msoas_in_area(frame, make_area(table, icb))
        geometry, cold = _timed(lambda: prepare_area(shapes.loc[rows.index], rows["lad24_name"], level))
        document, warm = _timed(lambda: map_document(
            map_frame(geometry), msoa_payload(geometry, rows, MSOA_LIFE_EXPECTANCY["Persons"]), 640), repeat=5)
        print(f"{name:44} {len(rows):>5} | {len(document):>12,} {cold + warm:>7.3f} {warm:>7.3f}")


def bench_rerun() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "explorer.py"), default_timeout=120)
    _, first = _timed(at.run)
    layers = ["income_score_2025", "imd_score_2025", "employment_score_2025", "imd_extent_2025"]
    times = []
    for rep in range(3):
        for layer in layers:
            at.sidebar.selectbox(key="family").set_value(INDICATORS[layer].family)
            _, s = _timed(at.run)
            if rep:  # the first round fills the caches for each layer
                times.append(s)
    assert not at.exception, at.exception
    print(f"\nScript run (AppTest, L&SC): first run {first:.2f} s; layer switch median "
          f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {len(times)} switches "
          "(cached layers, AppTest overhead included)")


def _serve(script: Path) -> tuple[subprocess.Popen, int]:
    """``streamlit run script`` on a free port of 127.0.0.1 only; returns the process and port once healthy."""
    server, url = start_streamlit(script, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    return server, int(url.rsplit(":", 1)[1])


#: Records, in the page, when ``window.wardLensWatch`` (a JS predicate) first holds: the time of the
#: next animation frame (ms since navigation start), i.e. when a person first sees it painted. Timed
#: in the page, not by polling from the test driver, whose turn comes late while the page is busy.
PAINT_WATCH = """
window.wardLensPainted = null;
new MutationObserver((_, observer) => {
  if (window.wardLensPainted === null && window.wardLensWatch && window.wardLensWatch()) {
    window.wardLensPainted = -1;
    observer.disconnect();
    requestAnimationFrame(() => { window.wardLensPainted = performance.now(); });
  }
}).observe(document, {subtree: true, childList: true});
"""
#: Reference pages, each timed the same way as the app on a warm server of its own: a minimal
#: one-line page, and one with only the kinds of control in the app's sidebar (no data, no map).
REFERENCE_PAGES = {
    "minimal": ('import streamlit as st\nst.write("hello")\n',
                "[...document.querySelectorAll('p')].some(p => p.textContent === 'hello')"),
    "controls": ('import streamlit as st\n'
                 'with st.sidebar:\n'
                 '    st.selectbox("Area", ["a", "b"], help="h")\n'
                 '    st.radio("Targeting", ["a", "b"])\n'
                 '    st.checkbox("Lines", value=True)\n'
                 '    st.multiselect("Flags", ["a", "b"])\n'
                 '    st.toggle("Tiles")\n'
                 'st.write("hello")\n',
                 "['stSelectbox', 'stRadio', 'stCheckbox', 'stMultiSelect']"
                 ".every(t => document.querySelector(`[data-testid=${t}]`))"),
}


def first_paint(browser, url: str, watch: str) -> float:
    """Seconds from opening ``url`` in a new browser context (nothing cached) to the first frame
    painted with ``watch`` (a JS expression) true, timed in the page (:data:`PAINT_WATCH`)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        context.add_init_script(f"window.wardLensWatch = () => {watch};\n{PAINT_WATCH}")
        tab = context.new_page()
        tab.goto(url)
        tab.wait_for_function("window.wardLensPainted > 0", timeout=60_000, polling=100)
        return tab.evaluate("window.wardLensPainted") / 1000
    finally:
        context.close()


@contextmanager
def _reference_page(browser, name: str) -> Iterator[Callable[[], float]]:
    """A reference page (:data:`REFERENCE_PAGES`) on a warm server of its own, for the block: yields a
    function that opens it once and returns its time to first paint."""
    source, watch = REFERENCE_PAGES[name]
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / f"{name}.py"
        page.write_text(source, encoding="utf-8")
        server, port = _serve(page)
        try:
            def open_once() -> float:
                return first_paint(browser, f"http://127.0.0.1:{port}/", watch)
            open_once()  # warms the server
            yield open_once
        finally:
            stop(server)


def _ratio_to_minimal(browser, app_url: str, rounds: int = 7) -> tuple[float, float, float]:
    """The first map against the minimal page, their openings alternated (the machine's load drifts over a
    run): the medians of each, and the median of the rounds' ratios."""
    mapped, minimal = [], []
    with _reference_page(browser, "minimal") as open_minimal:
        for round_ in range(rounds):
            for which in ((0, 1) if round_ % 2 == 0 else (1, 0)):
                if which == 0:
                    mapped.append(first_paint(browser, app_url, MAP_DRAWN))
                else:
                    minimal.append(open_minimal())
    ratios = [a / b for a, b in zip(mapped, minimal)]
    return statistics.median(mapped), statistics.median(minimal), statistics.median(ratios)


def bench_browser() -> None:
    if not Path("/usr/bin/chromium").exists():
        print("\nBrowser timings skipped: /usr/bin/chromium is missing")
        return
    from playwright.sync_api import sync_playwright

    server, port = _serve(ROOT / "app.py")
    try:
        with sync_playwright() as p, relay(port) as wire:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
            print()
            for label, query in (("L&SC, first visitor after server start", ""), ("L&SC, warm server", ""),
                                 ("L&SC, warm server", ""), ("L&SC, warm server", ""),
                                 ("LLR, warm server", "?area=E54000015"), ("All England, first view", "?area=england"),
                                 ("All England, warm server", "?area=england")):
                seconds = first_paint(browser, f"http://127.0.0.1:{port}/{query}", MAP_DRAWN)
                print(f"Time to first map in headless Chromium, {label}: {seconds:.2f} s")
            full = [first_paint(browser, f"http://127.0.0.1:{port}/", FULL_PAGE) for _ in range(3)]
            print(f"Time to the full first page (sidebar's controls and target list), L&SC, warm server: "
                  f"{statistics.median(full):.2f} s (median of {len(full)}: {', '.join(f'{t:.2f}' for t in full)})")
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            received: list[bytes] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda p: received.append(p)))
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector(WARD_PATHS, timeout=60_000)
            page.wait_for_function(FULL_PAGE, timeout=60_000)
            _layer_switch(page)
            _click_bytes(page, received, wire)
            page.close()
            mapped, minimal, ratio = _ratio_to_minimal(browser, f"http://127.0.0.1:{port}/")
            print(f"L&SC first map {mapped:.2f} s, minimal one-line Streamlit page {minimal:.2f} s (warm servers, "
                  f"medians of 7 openings each, alternated): first map / minimal page = {ratio:.2f}x "
                  "(median of the 7 rounds' ratios)")
            with _reference_page(browser, "controls") as open_controls:
                controls = statistics.median(open_controls() for _ in range(5))
            print(f"A page of only the sidebar's kinds of control (no data, no map), first paint: {controls:.2f} s "
                  f"= {controls / minimal:.2f}x the minimal page")
            browser.close()
    finally:
        stop(server)


def _fills(page) -> list[str]:
    return page.eval_on_selector_all(WARD_PATHS, "els => els.map(e => e.getAttribute('fill'))")


def _layer_switch(page) -> None:
    before = _fills(page)
    box = page.get_by_role("combobox", name="Measure")
    box.click()
    option = page.get_by_role("option", name="Income deprivation", exact=True)
    option.wait_for()
    start = time.perf_counter()
    option.click()
    page.wait_for_function("before => { const now = [...document.querySelectorAll('path.leaflet-interactive')]"
                            ".map(e => e.getAttribute('fill')); return now.length && now.join() !== before; }",
                            arg=",".join(before), timeout=30_000)
    print(f"  layer switch in the browser (pick 'Income deprivation' -> new colours): "
          f"{time.perf_counter() - start:.2f} s, map not reloaded")


def _click_bytes(page, received: list[bytes], wire) -> None:
    """Bytes the server sends when a ward is clicked on the map, until the page is idle, for a first
    and a second ward of a session: on the wire (through ``wire``, a :class:`bench.relay.Relay` to the
    server: compressed, framing included) and as the browser's websocket events show them (each
    message decompressed). The first click also sends the profile's notes, the same for every ward.

    The page is reopened through the relay; ``received`` collects every websocket frame it gets."""
    page.goto(f"http://127.0.0.1:{wire.port}/")
    page.wait_for_selector(WARD_PATHS, timeout=60_000)
    page.wait_for_function(FULL_PAGE, timeout=60_000)
    for label, fraction in (("first ward", 0.0), ("second ward", 0.5)):
        _idle(page, received)
        received.clear()
        before = wire.from_server(WEBSOCKET)
        name = click_ward(page, page, fraction)
        page.get_by_role("heading", name=name, exact=True).wait_for(timeout=30_000)
        _idle(page, received)
        sizes = [len(f) for f in received]
        resent = any(b'"layer_id"' in (f if isinstance(f, bytes) else f.encode()) for f in received)
        print(f"  {label} clicked on the map ({name}): {(wire.from_server(WEBSOCKET) - before) / 1000:.1f} KB over "
              f"the websocket on the wire (compressed, framing included); {sum(sizes) / 1000:.1f} KB as {len(sizes)} "
              f"messages decompressed (largest {max(sizes, default=0) / 1000:.1f} KB; the map "
              f"{'RESENT' if resent else 'not resent'})")


def _idle(page, received: list[bytes], quiet_s: float = 1.0, limit_s: float = 20.0) -> None:
    """Wait until no websocket frame has arrived for ``quiet_s`` seconds."""
    deadline = time.time() + limit_s
    count, since = len(received), time.time()
    while time.time() < deadline:
        page.wait_for_timeout(100)
        if len(received) != count:
            count, since = len(received), time.time()
        elif time.time() - since >= quiet_s:
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true", help="skip the headless Chromium timings")
    args = parser.parse_args()
    register = store.read_wards()
    table = register.join(store.read_ward_columns(table_columns(list(INDICATORS.values()), register.columns)))
    catalogue = {i: PublishedLayer(r, table) for i, r in INDICATORS.items()}
    bench_payloads(table, catalogue)
    bench_msoa_payloads(table)
    bench_rerun()
    if not args.no_browser:
        bench_browser()


if __name__ == "__main__":
    main()
