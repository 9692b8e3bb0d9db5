"""Benchmark the map explorer and print the figures (nothing is asserted).

    python bench/bench_map.py              # payloads, build times, reruns, browser timings
    python bench/bench_map.py --no-browser # skip the headless Chromium part

For Lancashire and South Cumbria, LLR and all England it prints:

* **ours**: bytes the browser gets per render (the streamlit-folium component arguments:
  map script, swapped-in ward layer, header) and the time to build them, cold (encoding the
  area's geometry, done once per area and cached) and warm (per rerun);
* **naive**: the same wards drawn with ``GeoDataFrame.explore()`` (the ward deprivation table
  joined on the same simplified boundaries, default tooltip), its HTML bytes and build time;

then the same for the MSOA life expectancy tab (MSOA 2011 polygons, persons), then the script rerun time when switching layer (AppTest, median of repeated switches, AppTest
overhead included) and, in headless Chromium, the time from opening the page to the first ward
polygon drawn (first visitor after server start, then a warm server), and the time from
choosing another layer to the new colours on the map.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import streamlit_folium  # noqa: E402

from geo import paths, store  # noqa: E402
from geo.targeting import select  # noqa: E402
from layers import INDICATORS  # noqa: E402
from layers.mapview import base_map, flag_outlines, lad_lines_for, prepare_area, ward_group, ward_payload  # noqa: E402
from layers.profile import table_columns  # noqa: E402
from layers.msoa_view import MSOA_LE, MSOA_LE_COLUMNS, msoa_payload, msoas_in_area  # noqa: E402
from layers.style import style_layer  # noqa: E402
from layers.targets import TARGETINGS  # noqa: E402

AREAS = (("Lancashire and South Cumbria ICB", "E54000048", "icb"),
         ("Leicester, Leicestershire and Rutland ICB", "E54000015", "icb"),
         ("All England", None, "england"))
BOUNDARIES = paths.BOUNDARIES
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]


def _timed(fn, repeat: int = 1):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return result, statistics.median(times)


def component_bytes(base, group) -> int:
    """Bytes of the arguments st_folium sends to the browser for one render."""
    captured = {}
    original = streamlit_folium._component_func
    streamlit_folium._component_func = lambda **kw: captured.update(kw)
    try:
        streamlit_folium.st_folium(base, feature_group_to_add=group, returned_objects=["last_object_clicked"],
                                   key="map", height=640, use_container_width=True)
    finally:
        streamlit_folium._component_func = original
    sent = {k: v for k, v in captured.items() if not callable(v)}
    return len(json.dumps(sent).encode())


def bench_payloads(table: pd.DataFrame) -> None:
    record = INDICATORS["imd_score_2025"]
    deprivation = pd.read_csv(paths.INDICATORS / record.file, dtype={"ward_code": "string"})
    t = TARGETINGS["imd10"]
    print(f"{'area':44} {'wards':>5} | {'ours: bytes':>12} {'cold s':>7} {'warm s':>7} | "
          f"{'naive explore(): bytes':>22} {'s':>6} | ratio")
    for name, icb, level in AREAS:
        shapes = store.read_ward_shapes(level, BOUNDARIES)
        lines = store.read_lad_lines(level, BOUNDARIES)
        codes = table.index if icb is None else table.index[table["icb_code"] == icb]
        lads = list(table.loc[codes, "lad_code"].unique())
        geometry, cold = _timed(lambda: prepare_area(shapes.loc[codes], lad_lines_for(lines, lads), level))

        def render():
            values = table.loc[codes, record.id]
            styled = style_layer(record, values, table[record.id])
            targets = select(table.loc[codes, t.indicator], t.rule, t.parameter, True)
            payload = ward_payload(geometry, table.loc[codes], record, values, styled.colour, styled.legend,
                                   targets, t.short, flag_outlines([]), None)
            return base_map(geometry), ward_group(payload)

        (base, group), warm = _timed(render, repeat=5)
        ours = component_bytes(base, group)

        def naive():
            gdf = shapes.loc[codes].reset_index().merge(deprivation, on="ward_code")
            return gdf.explore(column="imd_score", cmap="YlOrRd", scheme="Quantiles", k=5).get_root().render()

        naive_html, naive_s = _timed(naive)
        naive_bytes = len(naive_html.encode())
        print(f"{name:44} {len(codes):>5} | {ours:>12,} {cold + warm:>7.3f} {warm:>7.3f} | "
              f"{naive_bytes:>22,} {naive_s:>6.2f} | {naive_bytes / ours:5.1f}x smaller")


def bench_msoa_payloads(table: pd.DataFrame) -> None:
    from geo import msoa
    from geo.areas import make_area

    frame = store.read_msoa_life_expectancy(MSOA_LE_COLUMNS)
    frame = frame.assign(lad_code=msoa.msoa_lad25(store.read_msoa_ward_lookup(), table["lad_code"]))
    shapes = store.read_msoa_shapes()
    print(f"\n{'MSOA life expectancy tab':44} {'MSOAs':>5} | {'ours: bytes':>12} {'cold s':>7} {'warm s':>7}")
    for name, icb, level in AREAS:
        lines = store.read_lad_lines(level, BOUNDARIES)
        rows = msoas_in_area(frame, make_area(table, icb))
        geometry, cold = _timed(lambda: prepare_area(shapes.loc[rows.index], lad_lines_for(
            lines, list(rows["lad_code"].unique())), level))
        (base, group), warm = _timed(lambda: (base_map(geometry), ward_group(
            msoa_payload(geometry, rows, MSOA_LE["Persons"]))), repeat=5)
        print(f"{name:44} {len(rows):>5} | {component_bytes(base, group):>12,} {cold + warm:>7.3f} {warm:>7.3f}")


def bench_rerun() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "explorer.py"), default_timeout=120)
    _, first = _timed(at.run)
    layers = ["income_score_2025", "imd_score_2025", "employment_score_2025", "imd_extent_2025"]
    family = {i: INDICATORS[i].family for i in layers}
    times = []
    for rep in range(3):
        for layer in layers:
            at.sidebar.selectbox(key="family").set_value(family[layer])
            _, s = _timed(at.run)
            if rep:  # the first round fills the caches for each layer
                times.append(s)
    assert not at.exception, at.exception
    print(f"\nScript run (AppTest, L&SC): first run {first:.2f} s (empty Streamlit caches; modules already "
          f"imported by the payload benchmark above); "
          f"layer switch median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms over {len(times)} switches (cached layers, AppTest overhead included)")
    at.sidebar.selectbox(key="family").set_value("IMD average score")
    at.run()
    new_layer = []
    for family_name in ("Rurality", "Emergency admissions", "Income deprivation affecting children (IDACI)"):
        names = {r.family for r in INDICATORS.values()}
        if family_name not in names:
            continue
        theme = next(r.theme for r in INDICATORS.values() if r.family == family_name)
        at.sidebar.selectbox(key="theme").set_value(theme).run()
        at.sidebar.selectbox(key="family").set_value(family_name)
        _, s = _timed(at.run)
        new_layer.append(s)
    if new_layer:
        print(f"  first view of a layer (classify + payload, uncached): median "
              f"{statistics.median(new_layer) * 1000:.0f} ms")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_browser() -> None:
    if not Path("/usr/bin/chromium").exists():
        print("\nBrowser timings skipped: /usr/bin/chromium is missing")
        return
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                               "--server.port", str(port), "--server.headless", "true",
                               "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(f"http://localhost:{port}/_stcore/health")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
            print()
            for label, query in (("L&SC, first visitor after server start", ""), ("L&SC, warm server", ""),
                                 ("LLR, warm server", "?area=E54000015"),
                                 ("All England, first view", "?area=england"),
                                 ("All England, warm server", "?area=england")):
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                start = time.perf_counter()
                page.goto(f"http://localhost:{port}/{query}")
                frame = _map_frame(page)
                frame.wait_for_selector("path.leaflet-interactive", timeout=60_000)
                print(f"Time to first map in headless Chromium, {label}: {time.perf_counter() - start:.2f} s")
                if label == "L&SC, warm server":
                    _layer_switch(page, frame)
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(10)


def _layer_switch(page, frame) -> None:
    before = frame.eval_on_selector_all("path.leaflet-interactive", "els => els.map(e => e.getAttribute('fill'))")
    box = page.get_by_role("combobox", name="Measure")
    box.click()
    page.get_by_role("option", name="Income deprivation", exact=True).wait_for()
    time.sleep(0.5)  # let the list finish opening
    start = time.perf_counter()
    page.get_by_role("option", name="Income deprivation", exact=True).click()
    for _ in range(1000):
        now = frame.eval_on_selector_all("path.leaflet-interactive", "els => els.map(e => e.getAttribute('fill'))")
        if now and now != before:
            break
        time.sleep(0.01)
    changed = box.input_value() == "Income deprivation"
    print(f"  layer switch in the browser (pick 'Income deprivation' -> new colours): "
          f"{time.perf_counter() - start:.2f} s, map not reloaded"
          + ("" if changed else " (the pick did not register: rerun the benchmark)"))


def _map_frame(page):
    return page.wait_for_selector("iframe[title='streamlit_folium.st_folium']", timeout=60_000).content_frame()


def _wait_for(url: str, timeout: float = 60.0) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true", help="skip the headless Chromium timings")
    args = parser.parse_args()
    register = store.read_wards()
    table = register.join(store.read_ward_columns(table_columns(INDICATORS.values(), register.columns)))
    print(f"Boundaries: {BOUNDARIES}\n")
    bench_payloads(table)
    bench_msoa_payloads(table)
    bench_rerun()
    if not args.no_browser:
        bench_browser()


if __name__ == "__main__":
    main()
