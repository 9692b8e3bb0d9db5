"""What the server does with an upload, seen from outside the app (issue 16).

The app says an upload is held in the server's memory for the browser session only, never written
to disk, and deleted as soon as the tab is closed. These tests check both claims on a real
``streamlit run app.py`` driven by Chromium through the real HTTP upload endpoint:

* **Nothing reaches the disk.** The server runs with ``TMPDIR`` set to a fresh folder and a
  ``sitecustomize`` probe (put on its ``PYTHONPATH``) that installs an audit hook
  (:func:`sys.addaudithook`) recording every ``open`` for writing (``open()``, ``os.open`` with write
  flags -- which is how a temporary file is made) and every ``tempfile.mkstemp``. A 5 MB file --
  five times the 1 MB past which Starlette's parser spools to disk -- is uploaded; between the
  moment before and the moment the check card shows, the probe records no write, and the folder
  stays empty.
* **Gone with the tab.** On ``SIGUSR1`` the probe reports how many upload objects (the read table,
  preview, ward values, layers, the uploader's file) are alive, how many sessions the server holds and how many bytes
  its uploaded-file manager keeps. After the tab is closed they must drop to zero within
  :data:`STATED_SECONDS`, the time the app states ("as soon as the tab is closed": a few seconds).

Also, without a browser: Starlette's multipart parser keeps a 5 MB file in memory once
:mod:`ui.upload` is imported (it spools it to disk without), and the probe's hook does see a write
(so that "no write recorded" means something). ``bench/bench_uploads.py`` reuses
:class:`ProbedServer` for its memory figures.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


from geo.paths import ROOT
from tests.conftest import NEEDS_CHROMIUM, browser_page, map_frame, no_exception
from tests.server import start_streamlit, stop

#: How long after the tab closes the uploaded data may still be in the server's memory (seconds).
STATED_SECONDS = 10

#: The probe, written as ``sitecustomize.py`` into a folder put first on the server's PYTHONPATH.
PROBE = r'''
import gc, json, os, signal, sys, threading, time

_LOG = os.environ["WARDLENS_PROBE_LOG"]
_FD = os.open(_LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)  # opened before the hook exists
_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_QUIET = threading.local()


def _record(entry):
    os.write(_FD, (json.dumps(entry) + "\n").encode())


def _hook(event, args):
    if getattr(_QUIET, "on", False):
        return
    if event == "open":
        path, mode, flags = (list(args) + [None, None, None])[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            mode is None and isinstance(flags, int) and flags & _WRITE)
        if writing and path not in (_LOG,):
            _record({"kind": "write", "path": str(path), "mode": str(mode), "flags": flags, "t": time.time()})
    elif event in ("tempfile.mkstemp", "tempfile.mkdtemp"):
        _record({"kind": "write", "path": str(args[0]), "mode": event, "flags": None, "t": time.time()})


_UPLOAD_TYPES = {("geo.upload.tables", "Table"), ("geo.upload.preview", "Preview"),
                 ("geo.upload.aggregation", "WardUpload"), ("layers.uploaded", "UserLayer"),
                 ("ui.upload", "Pending"), ("streamlit.runtime.uploaded_file_manager", "UploadedFile")}


def _status(signum=None, frame=None):
    _QUIET.on = True
    try:
        live = {}
        sessions = 0
        for o in gc.get_objects():
            t = type(o)
            key = (t.__module__, t.__name__)
            if key in _UPLOAD_TYPES:
                live[t.__name__] = live.get(t.__name__, 0) + 1
            elif key == ("streamlit.runtime.app_session", "AppSession"):
                sessions += 1
        upload_bytes = known = 0
        try:
            from streamlit.runtime import Runtime
            if Runtime.exists():
                runtime = Runtime.instance()
                upload_bytes = sum(len(f.data) for files in runtime.uploaded_file_mgr.file_storage.values()
                                   for f in files.values())
                known = len(runtime._session_mgr.list_sessions())
        except Exception as error:  # the probe must never break the server
            live["probe error"] = repr(error)
        rss = 0
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
        _record({"kind": "status", "t": time.time(), "live": live, "app_sessions": sessions,
                 "sessions": known, "upload_bytes": upload_bytes, "rss": rss})
    finally:
        _QUIET.on = False


sys.addaudithook(_hook)
signal.signal(signal.SIGUSR1, _status)
_record({"kind": "start", "pid": os.getpid(), "t": time.time()})
'''


class ProbedServer:
    """``streamlit run app.py`` with the probe, a fresh ``TMPDIR`` and a log; a context manager.

    ``status()`` asks the server for a report (SIGUSR1) and returns it; ``writes(since, until)``
    lists the writes the probe saw between two times; ``tmp_files()`` lists the files in TMPDIR.
    """

    def __init__(self, folder: Path, *options: str) -> None:
        self.folder = folder
        self.tmp = folder / "tmp"
        self.tmp.mkdir(exist_ok=True)
        (folder / "sitecustomize.py").write_text(PROBE, encoding="utf-8")
        self.log = folder / "probe.jsonl"
        self.options = options
        self.url = ""
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> ProbedServer:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(self.folder), str(ROOT)]), "TMPDIR": str(self.tmp),
               "WARDLENS_PROBE_LOG": str(self.log), "PYTHONUNBUFFERED": "1"}
        with (self.folder / "server.log").open("w") as out:
            self.process, self.url = start_streamlit(ROOT / "app.py", *self.options, env=env, out=out)
        return self

    def __exit__(self, *exc) -> None:
        stop(self.process)

    def entries(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line]

    def status(self) -> dict:
        before = len([e for e in self.entries() if e["kind"] == "status"])
        os.kill(self.process.pid, signal.SIGUSR1)
        deadline = time.time() + 30
        while time.time() < deadline:
            reports = [e for e in self.entries() if e["kind"] == "status"]
            if len(reports) > before:
                return reports[-1]
            time.sleep(0.05)
        raise AssertionError("the probe did not report")

    def writes(self, since: float, until: float) -> list[dict]:
        return [e for e in self.entries() if e["kind"] == "write" and since <= e["t"] <= until]

    def tmp_files(self) -> list[str]:
        return sorted(str(p.relative_to(self.tmp)) for p in self.tmp.rglob("*"))


def five_mb_file() -> bytes:
    """Every LSOA 2021 of England with 24 made-up count columns: a real, accepted upload of about 5 MB."""
    import pandas as pd

    codes = sorted(pd.read_csv(ROOT / "data" / "indicators" / "lsoa21_population.csv")["lsoa21_code"])
    header = "lsoa21_code," + ",".join(f"Patients group {j}" for j in range(1, 25)) + "\n"
    rows = "".join(f"{c}," + ",".join(str(10_000 + (i * 7 + j * 13) % 9000) for j in range(1, 25)) + "\n"
                   for i, c in enumerate(codes))
    data = (header + rows).encode()
    assert 4.5 * 2**20 < len(data) < 6 * 2**20, len(data)
    return data


def live_upload_objects(report: dict) -> int:
    return sum(n for k, n in report["live"].items() if isinstance(n, int))


# --- without a browser -------------------------------------------------------------------------------

def _parse(body: bytes, boundary: bytes):
    from starlette.datastructures import Headers
    from starlette.formparsers import MultiPartParser

    async def stream():
        for i in range(0, len(body), 65_536):
            yield body[i:i + 65_536]

    headers = Headers({"content-type": f"multipart/form-data; boundary={boundary.decode()}"})
    # In a thread of its own: Playwright's sync API, used by other tests, keeps a loop in the main thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, MultiPartParser(headers, stream()).parse()).result()


def test_the_upload_handler_keeps_a_5_mb_file_in_memory_once_the_app_is_loaded(monkeypatch) -> None:
    from starlette.formparsers import MultiPartParser

    boundary = b"wardlens"
    content = b"x" * (5 * 2**20)
    body = (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="f.csv"\r\n'
            b"Content-Type: text/csv\r\n\r\n" + content + b"\r\n--" + boundary + b"--\r\n")
    monkeypatch.setattr(MultiPartParser, "spool_max_size", 1024 * 1024)  # Starlette's default
    assert _parse(body, boundary)["file"].file._rolled  # spooled to a temporary file on disk

    from ui import upload

    monkeypatch.setattr(MultiPartParser, "spool_max_size", 1024 * 1024)
    threshold = upload.keep_uploads_in_memory(20 * 2**20)
    assert threshold == 22 * 2**20 and MultiPartParser.spool_max_size == threshold
    form = _parse(body, boundary)
    assert not form["file"].file._rolled and form["file"].file.read() == content  # in memory


def test_the_probe_sees_a_write(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(PROBE, encoding="utf-8")
    log = tmp_path / "log.jsonl"
    target = tmp_path / "written.txt"
    subprocess.run([sys.executable, "-c", f"open({str(target)!r}, 'w').write('x'); import tempfile; "
                    "tempfile.TemporaryFile().write(b'y')"], check=True,
                   env={**os.environ, "PYTHONPATH": str(tmp_path), "WARDLENS_PROBE_LOG": str(log),
                        "TMPDIR": str(tmp_path)})
    writes = [json.loads(line) for line in log.read_text().splitlines() if '"write"' in line]
    assert [w["path"] for w in writes][0] == str(target)
    assert any(w["path"] == str(tmp_path) for w in writes)  # TemporaryFile: os.open(dir, O_TMPFILE | O_RDWR)


# --- the real server ---------------------------------------------------------------------------------

@NEEDS_CHROMIUM
def test_an_upload_never_touches_the_disk_and_leaves_memory_when_the_tab_closes(browser, tmp_path: Path) -> None:
    data = five_mb_file()
    with ProbedServer(tmp_path) as server:
        with browser_page(browser, "upload-server") as (page, _, _):
            page.goto(server.url)
            map_frame(page)
            page.get_by_text("Your data", exact=True).first.click()
            before = server.status()
            assert live_upload_objects(before) == 0 and before["upload_bytes"] == 0
            page.locator("section[data-testid='stSidebar'] input[type=file]").set_input_files(
                files=[{"name": "england_lsoas.csv", "mimeType": "text/csv", "buffer": data}])
            page.get_by_text("Your data: check it, then add it as a layer").wait_for(timeout=60_000)
            page.get_by_text("33,755").first.wait_for(timeout=10_000)  # every LSOA matched
            no_exception(page)
            during = server.status()
            assert during["upload_bytes"] == len(data)  # the file is in the server's memory ...
            assert during["live"].get("Pending") == 1 and during["live"].get("Preview") == 1  # ... and read
            assert during["live"].get("UploadedFile", 0) >= 1  # the uploader's value holds the bytes too
            assert server.writes(before["t"], during["t"]) == [] and server.tmp_files() == []  # ... never on disk
        closed = time.time()  # the tab (its browser context) is closed
        deadline = closed + STATED_SECONDS
        while True:
            after = server.status()
            if live_upload_objects(after) == 0 and after["upload_bytes"] == 0 and after["sessions"] == 0:
                break
            assert time.time() < deadline, f"still in memory {STATED_SECONDS} s after the tab closed: {after}"
            time.sleep(0.5)
        # Streamlit's runtime loop keeps a reference to the last session it served (emptied) until the next visitor.
        assert after["app_sessions"] <= 1
        assert [w for w in server.writes(before["t"], after["t"])] == [] and server.tmp_files() == []


def test_the_sweeper_empties_closed_sessions_and_drops_orphaned_files() -> None:
    from ui.upload_memory import _Sweeper

    class Widgets:
        def __init__(self) -> None:
            self.widget_metadata = {"add": ("callback args", "column names")}

    class State(dict):
        def __init__(self) -> None:
            super().__init__(upload_pending="the file's table")
            self._new_widget_state = Widgets()

    class Session:
        def __init__(self) -> None:
            self.session_state, self.queue = State(), ["a message"]

        def flush_browser_queue(self) -> list:
            out, self.queue = self.queue, []
            return out

    class Files:
        def __init__(self) -> None:
            self.file_storage = {"open": {"f": b"x"}, "closed": {"f": b"y"}}

        def remove_session_files(self, session_id: str) -> None:
            del self.file_storage[session_id]

    sweeper, session, connected = _Sweeper(), Session(), {"s1"}
    sweeper._sessions["s1"] = __import__("weakref").ref(session)
    assert sweeper.sweep(connected.__contains__) == 0 and session.session_state  # still connected: kept
    connected.clear()
    assert sweeper.sweep(connected.__contains__) == 1
    assert not session.session_state and not session.session_state._new_widget_state.widget_metadata
    assert session.queue == []
    session.session_state["late"] = "written by a script run still finishing"
    assert sum(sweeper.sweep(connected.__contains__) for _ in range(_Sweeper.SWEEPS)) == _Sweeper.SWEEPS - 1
    assert not session.session_state and not sweeper._dying  # swept again, then forgotten

    files, alive = Files(), {"open"}
    assert sweeper.drop_orphans(files, alive.__contains__, 10, now=100.0) == []
    assert sweeper.drop_orphans(files, alive.__contains__, 10, now=109.0) == []
    assert sweeper.drop_orphans(files, alive.__contains__, 10, now=111.0) == ["closed"]
    assert list(files.file_storage) == ["open"]
