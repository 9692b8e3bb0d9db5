"""Measure the server under load with a lightweight websocket client, and print the figures.

    python bench/bench_load.py                   # 1, 20 and 50 concurrent sessions
    python bench/bench_load.py --sessions 10 30

Browsers would take both of this machine's cores, so the sessions here speak Streamlit's own
websocket protocol (protobuf ``BackMsg`` / ``ForwardMsg``, as the page does) from one asyncio
process. ``streamlit run app.py`` listens on 127.0.0.1 only. For each session count it prints:

* page views per second and the first-view latency (p50, p95) -- a view is one session that
  connects and runs the explorer page (L&SC, the default view) to its end as a browser does: its
  first run says the page's address, so it draws the map first (explorer.py), then a second run
  draws the rest (in the browser the map's "drawn" report asks for it);
* the server process's CPU seconds per first view, and per layer switch (the same sessions
  then choose "Income deprivation": one rerun each);
* errors, and the server's memory (RSS) before, at the peak and 10 s after the sessions close.

Also printed: the same page's first view against a minimal one-line Streamlit page served the
same way, for the "time to first map" comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.server import start_streamlit, stop  # noqa: E402

#: The "Measure" selectbox of the sidebar (its id is stable: same key, same options).
FAMILY = "family"
SWITCH_TO = "Income deprivation"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its threads (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rerun(query: str = "", widgets: list[WidgetState] | None = None, url: str = "") -> bytes:
    """A rerun request; ``url``: the page's address, which a browser sends (the server then knows a
    browser will report the map drawn)."""
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_script_hash = ""
    if url:
        msg.rerun_script.context_info.url = url
    if widgets:
        msg.rerun_script.widget_states.widgets.extend(widgets)
    return msg.SerializeToString()


async def _until_finished(ws) -> tuple[int, str | None]:
    """Read ForwardMsgs until the script run ends; return the bytes received and the family widget id."""
    received, family = 0, None
    while True:
        raw = await ws.recv()
        received += len(raw)
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "selectbox" and element.selectbox.id.endswith(f"-{FAMILY}"):
                family = element.selectbox.id
        if kind == "script_finished":
            return received, family


async def one_session(port: int, switch: bool, browser: bool = True) -> dict:
    """Connect, run the default view to its end (``browser``: as a browser does, the map first, then
    the rest), optionally switch layer; times in seconds."""
    start = time.perf_counter()
    out = {"error": None}
    try:
        async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", max_size=None,
                                      open_timeout=120) as ws:
            out["bytes"] = 0
            if browser:
                await ws.send(_rerun(url=f"http://127.0.0.1:{port}/"))
                out["bytes"], _ = await asyncio.wait_for(_until_finished(ws), 300)
            await ws.send(_rerun())
            received, family = await asyncio.wait_for(_until_finished(ws), 300)
            out["bytes"] += received
            out["first_view"] = time.perf_counter() - start
            if switch and family:
                state = WidgetState(id=family, string_value=SWITCH_TO)
                t = time.perf_counter()
                await ws.send(_rerun(widgets=[state]))
                await asyncio.wait_for(_until_finished(ws), 300)
                out["switch"] = time.perf_counter() - t
    except Exception as error:  # noqa: BLE001 -- counted and printed, the run goes on
        out["error"] = f"{type(error).__name__}: {error}"
    return out


async def _many(port: int, n: int, switch: bool) -> list[dict]:
    return await asyncio.gather(*(one_session(port, switch) for _ in range(n)))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(port: int, pid: int, n: int) -> None:
    """Run ``n`` concurrent sessions (first view), then switch each once; print the figures."""
    base_rss = rss_mb(pid)
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    firsts = asyncio.run(_many(port, n, switch=False))
    wall, cpu_first = time.perf_counter() - t0, cpu_seconds(pid) - cpu0
    peak = rss_mb(pid)
    cpu1 = cpu_seconds(pid)
    switches = asyncio.run(_many(port, n, switch=True))
    cpu_both = cpu_seconds(pid) - cpu1
    peak = max(peak, rss_mb(pid))
    errors = [r["error"] for r in firsts + switches if r["error"]]
    ok = [r["first_view"] for r in firsts if not r["error"]]
    switch_times = [r["switch"] for r in switches if not r["error"] and "switch" in r]
    # The second round ran a first view and a switch per session: take the first views off.
    cpu_switch = max(0.0, cpu_both - cpu_first) / max(len(switch_times), 1)
    deadline = time.time() + 10
    while time.time() < deadline:
        time.sleep(0.5)
    after = rss_mb(pid)
    print(f"{n:>4} sessions | {len(ok) / wall:5.2f} views/s | first view p50 {statistics.median(ok) if ok else float('nan'):5.2f} s,"
          f" p95 {_pct(ok, 0.95) if ok else float('nan'):5.2f} s | CPU {cpu_first / max(len(ok), 1):.3f} s/view, "
          f"{cpu_switch:.3f} s/switch (median switch {statistics.median(switch_times) if switch_times else float('nan'):.2f} s)"
          f" | errors {len(errors)} | RSS {base_rss:.0f} -> peak {peak:.0f} -> {after:.0f} MB 10 s later "
          f"({after - base_rss:+.0f} MB)")
    for error in sorted(set(errors))[:3]:
        print(f"      error: {error}")


def minimal_page_latency(repeat: int = 5) -> float:
    """Median first-view time of a one-line Streamlit page on its own server."""
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "minimal.py"
        page.write_text('import streamlit as st\nst.write("hello")\n', encoding="utf-8")
        server, url = start_streamlit(page)
        port = int(url.rsplit(":", 1)[1])
        try:
            asyncio.run(one_session(port, False, browser=False))  # warm
            return statistics.median(asyncio.run(one_session(port, False, browser=False))["first_view"]
                                     for _ in range(repeat))
        finally:
            stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="*", default=[1, 20, 50])
    args = parser.parse_args()
    server, url = start_streamlit(ROOT / "app.py")
    port = int(url.rsplit(":", 1)[1])
    try:
        asyncio.run(one_session(port, True))  # warm the caches: first visitor
        print(f"Server RSS after the first visitor: {rss_mb(server.pid):.0f} MB")
        alone = statistics.median(asyncio.run(one_session(port, False))["first_view"] for _ in range(5))
        print(f"One session alone, warm server: first view {alone:.2f} s (websocket, no browser)")
        for n in args.sessions:
            measure(port, server.pid, n)
    finally:
        stop(server)
    minimal = minimal_page_latency()
    print(f"Minimal one-line page, warm server: first view {minimal:.3f} s; WardLens/minimal = {alone / minimal:.1f}x "
          "(websocket time; the browser's time to first map is in bench/bench_map.py)")


if __name__ == "__main__":
    main()
