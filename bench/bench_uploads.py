"""Benchmark hostile and large uploads and print the figures (nothing is asserted: the tests do that).

    python bench/bench_uploads.py              # the upload core, then the real server in Chromium
    python bench/bench_uploads.py --no-browser # the upload core only

1. **Core**: for every hostile case of ``tests/data/uploads/make_corpus.py`` (``HOSTILE``: a
   5,000-column file, a 1,000,000-row file, a zip bomb, 190 MB of rows, …) the time
   :func:`geo.upload.read_upload` + :func:`geo.upload.inspect_upload` take to refuse it (or read
   it), and the start of the message.
2. **Server**: ``streamlit run app.py`` with the memory probe of ``tests/test_upload_server.py``;
   each case is uploaded through the page's own file input in headless Chromium, timed from the
   upload to the message (or the check card) on the page, with the server's resident memory
   before and after; then three of the worst cases uploaded at once from three tabs; then every
   tab closed and the server's memory a few seconds later, against its baseline (the server with
   one page open, before any upload).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.upload import UploadError, inspect_upload, read_reference, read_upload  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "uploads"
#: Cases uploaded from three tabs at once (issue 13: "three at once about 15 minutes each, 2 GB").
AT_ONCE = ("million_rows.csv", "rows_bomb.xlsx", "zip_bomb.xlsx")
MB = 2**20


def hostile() -> dict:
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: build() for name, build in module.HOSTILE.items()}


def core(files: dict[str, bytes]) -> None:
    reference = read_reference()
    print("\n== Upload core: time to answer each hostile file (read_upload + inspect_upload) ==")
    print(f"{'case':22} {'size':>9}  {'answer':>7}  outcome")
    for name, data in files.items():
        start = time.perf_counter()
        try:
            preview = inspect_upload(read_upload(name, data), reference)
            outcome = f"read: {preview.matched:,} areas matched, {len(preview.unmatched):,} not"
        except UploadError as error:
            outcome = "refused: " + str(error)[:110]
        print(f"{name:22} {len(data) / MB:7.2f} MB  {time.perf_counter() - start:6.2f}s  {outcome}")


UPLOADER = "section[data-testid='stSidebar'] input[type=file]"
#: What the page shows once it has answered an upload: the one error message, or the check card.
ANSWER = "[data-testid='stAlertContentError'], h4:has-text('Your data: check it')"


def server(files: dict[str, bytes]) -> None:
    from playwright.sync_api import sync_playwright

    from tests.conftest import BROWSER_ARGS, CHROMIUM
    from tests.test_upload_server import ProbedServer

    with tempfile.TemporaryDirectory() as folder, ProbedServer(Path(folder)) as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        context, page = _open_page(browser, srv.url)
        time.sleep(2)
        baseline = srv.status()["rss"]
        context.close()
        _one_tab_each(browser, srv, files, baseline)
        _three_at_once(browser, srv, files, baseline)
        browser.close()


def _open_page(browser, url):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(".wl-map path.leaflet-interactive", timeout=120_000)
    page.get_by_text("Your data", exact=True).first.click()
    return context, page


def _upload(page, name: str, data: bytes) -> tuple[float, str]:
    # Timed from the browser's request to /_stcore/upload_file (Playwright hands the file to
    # Chromium first, a copy a real browser does not make) to the answer on the page.
    sent: list[float] = []
    page.on("request", lambda r: sent.append(time.perf_counter()) if "/_stcore/upload_file/" in r.url
            and r.method == "PUT" else None)
    page.locator(UPLOADER).set_input_files(files=[{"name": name, "mimeType": "application/octet-stream",
                                                   "buffer": data}])
    page.wait_for_timeout(300)
    page.locator(ANSWER).first.wait_for(timeout=600_000)
    elapsed = time.perf_counter() - sent[0]
    alert = page.locator("[data-testid='stAlertContentError']")
    text = alert.first.inner_text() if alert.count() else "read: the check card is shown"
    return elapsed, " ".join(text.replace("\u2060", "").split())[:100]


def _one_tab_each(browser, srv, files: dict[str, bytes], baseline: int) -> None:
    print("\n== Server: each case through the page's file input (Chromium -> /_stcore/upload_file), one tab "
          "each ==")
    print(f"server memory with one page open, before any upload (baseline): {baseline / MB:.0f} MB")
    print(f"{'case':22} {'answer':>7}  {'memory before':>13}  {'after':>7}  {'tab closed':>10}  message on the page")
    for name, data in files.items():
        context, page = _open_page(browser, srv.url)
        before = srv.status()["rss"]
        elapsed, text = _upload(page, name, data)
        after = srv.status()["rss"]
        context.close()
        time.sleep(2)
        closed = srv.status()["rss"]
        print(f"{name:22} {elapsed:6.2f}s  {before / MB:10.0f} MB  {after / MB:4.0f} MB  {closed / MB:7.0f} MB  "
              f"{text}")


def _three_at_once(browser, srv, files: dict[str, bytes], baseline: int) -> None:
    print(f"\n== Server: {', '.join(AT_ONCE)} from three tabs at once ==")
    tabs = [_open_page(browser, srv.url) for _ in AT_ONCE]
    before = srv.status()["rss"]
    results: dict[str, tuple[float, str]] = {}
    # Playwright's sync API is not thread-safe: start the three uploads, then wait for each answer
    # (each timed from its browser's request to /_stcore/upload_file).
    starts: dict[str, float] = {}
    for (_, page), name in zip(tabs, AT_ONCE):
        page.on("request", lambda r, n=name: starts.setdefault(n, time.perf_counter())
                if "/_stcore/upload_file/" in r.url and r.method == "PUT" else None)
        page.locator(UPLOADER).set_input_files(files=[{"name": name, "mimeType": "application/octet-stream",
                                                       "buffer": files[name]}])
    for (_, page), name in zip(tabs, AT_ONCE):
        page.locator(ANSWER).first.wait_for(timeout=600_000)
        results[name] = (time.perf_counter() - starts[name], page.locator(ANSWER).first.inner_text()[:80])
    peak = srv.status()["rss"]
    for name, (elapsed, text) in results.items():
        print(f"{name:22} answered after {elapsed:6.2f}s  {' '.join(text.split())[:80]}")
    print(f"server memory: {before / MB:.0f} MB before, {peak / MB:.0f} MB after the three answers")
    for context, _ in tabs:
        context.close()
    time.sleep(3)
    end = srv.status()
    print(f"all tabs closed 3 s ago: server memory {end['rss'] / MB:.0f} MB, baseline {baseline / MB:.0f} MB "
          f"(+{(end['rss'] - baseline) / MB:.0f} MB); upload objects alive {end['live'] or 0}, uploaded bytes "
          f"held {end['upload_bytes']:,}, sessions {end['sessions']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true", help="skip the server and Chromium part")
    args = parser.parse_args()
    started = time.perf_counter()
    files = hostile()
    print(f"built {len(files)} hostile files in memory in {time.perf_counter() - started:.1f} s")
    core(files)
    if not args.no_browser:
        server(files)


if __name__ == "__main__":
    main()
