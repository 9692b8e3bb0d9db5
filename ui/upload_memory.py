"""Your data in memory only, and gone with the tab (issue 16).

* **Memory only.** Streamlit's upload handler parses the request with Starlette, whose
  multipart parser spools any file over 1 MB to a temporary file on disk.
  :func:`keep_uploads_in_memory` raises that spooling threshold above the largest request the
  server accepts (:mod:`ui.upload` calls it at import), so an upload is held in memory from
  the socket on.
* **Gone with the tab.** Streamlit keeps a disconnected session for
  ``server.disconnectedSessionTTL`` (120 s) so that a dropped connection can resume it, and
  a session that then expires is not even shut down (its uploaded files stay in the
  server's file manager). Once a session holds uploaded data, :func:`forget_when_closed`
  marks it not resumable, so that the server shuts it down -- deleting its uploaded files --
  as soon as its tab disconnects; :class:`_Sweeper` then empties what the dead session still
  held and collects the garbage, so the memory is freed within about a second
  (tests/test_upload_server.py proves both). Files sent to a session that never reads them
  (a client that only uploads) are dropped ``server.disconnectedSessionTTL`` + 5 seconds
  after it disconnects.
"""

from __future__ import annotations

import ctypes
import gc
import threading
import time
import weakref
from collections.abc import Callable

import streamlit as st

#: How often the sweeper looks for closed sessions (seconds): the memory of a closed tab's upload is
#: freed within about this long (tests/test_upload_server.py allows 10 s on a busy test machine).
SWEEP_SECONDS = 1.0

#: What the Methods tab and the README say happens to an upload (the sidebar says it in short:
#: ui.upload.PRIVACY_CAPTION); each clause is what this module and ui/upload.py do.
PRIVACY_TEXT = (
    "Your file goes to the WardLens server over the page's connection (encrypted when the server is served over "
    "HTTPS) and is held in the server's memory only, for this browser tab's session. It is never written to "
    "disk, not even as a temporary file: Streamlit's upload handler would write any file over 1 MB to one, and "
    "WardLens has it keep every file up to the size limit in memory. It is never logged, never put in a cache "
    "shared with other sessions and never put in the link (which names an uploaded layer by its id, "
    "“upload-1”, only). When you close the tab, or it loses its connection to the server, the server deletes "
    "the session at once (Streamlit would otherwise keep it two minutes for a reconnect), and the file, the "
    "table read from it and the layers made from it leave the server's memory within a few seconds (a sweep "
    "runs every second). Reloading the page starts a new session: upload the file again. The CSV, Excel and PDF files you download are yours; "
    "they carry the same suppression.")

#: Streamlit's upload route accepts a request body of ``server.maxUploadSize`` plus this framing
#: margin (starlette_routes._MAX_UPLOAD_MULTIPART_OVERHEAD_BYTES); the spool threshold must exceed both.
MULTIPART_MARGIN = 2 * 2**20


def keep_uploads_in_memory(limit: int) -> int:
    """Make Streamlit's upload handler keep files up to ``limit`` bytes in memory (returns the threshold).

    Starlette's ``MultiPartParser`` writes each uploaded file to a ``SpooledTemporaryFile``
    that moves to a temporary file on disk past ``spool_max_size`` (1 MB). Raising it above
    the largest body Streamlit accepts keeps every upload in memory.
    """
    from starlette.formparsers import MultiPartParser

    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, limit + MULTIPART_MARGIN)
    return MultiPartParser.spool_max_size


class _Sweeper:
    """Empties and frees the sessions that held uploaded data once the server has shut them down.

    Holds session ids and weak references only. A background thread (one per process) checks
    every second whether a remembered session is still connected. Once it is not, the server
    has already shut it down (it was marked not resumable) and forgotten it -- but Streamlit's
    runtime loop keeps a reference to the last session it served until the next visitor
    arrives, and a garbage collection may be far off. So the sweeper empties the dead
    session's state and message queue and collects the garbage: the memory is freed within
    about a second of the tab closing.
    """

    #: Sweeps of a session after it is gone: a script run still finishing can write to its state once more.
    SWEEPS = 5
    #: Seconds past ``server.disconnectedSessionTTL`` after which the files of a session that is
    #: neither connected nor resumable are dropped from the server's uploaded-file manager.
    ORPHAN_GRACE = 5.0

    def __init__(self) -> None:
        self._sessions: dict[str, weakref.ref] = {}
        self._dying: dict[str, tuple[weakref.ref, int]] = {}
        self._idle: dict[str, float] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="wardlens-upload-sweeper", daemon=True)
                self._thread.start()

    def watch(self, session_id: str, app_session: object) -> None:
        with self._lock:
            self._sessions[session_id] = weakref.ref(app_session)
        self.start()

    def drop_orphans(self, files, is_active: Callable[[str], bool], older_than: float, now: float) -> list[str]:
        """Drop the uploaded files of sessions not connected for ``older_than`` seconds (returns their ids).

        Streamlit keeps a file uploaded to a session that then disconnects without ever running
        the app's callback (a client that only sends files) until the session is shut down --
        and a session that expires from its reconnect store is never shut down. ``files`` is the
        runtime's uploaded-file manager.
        """
        dropped = []
        for session_id in list(getattr(files, "file_storage", {})):
            if is_active(session_id):
                self._idle.pop(session_id, None)
            elif now - self._idle.setdefault(session_id, now) > older_than:
                files.remove_session_files(session_id)
                self._idle.pop(session_id, None)
                dropped.append(session_id)
        return dropped

    def sweep(self, is_active: Callable[[str], bool]) -> int:
        """Empty the watched sessions that ``is_active`` says are gone (on this and the next few
        sweeps); returns how many were emptied."""
        with self._lock:
            newly = [i for i in self._sessions if not is_active(i)]
            for i in newly:
                self._dying[i] = (self._sessions.pop(i), self.SWEEPS)
            dying = list(self._dying.items())
            self._dying = {i: (ref, n - 1) for i, (ref, n) in dying if n > 1}
        for _, (ref, _) in dying:
            app_session = ref()
            if app_session is not None:
                state = app_session.session_state
                state.clear()  # the uploaded table, preview, layers and widget values
                # ... and the widgets' metadata (labels, options and callbacks name the file's columns),
                # which SessionState.clear() keeps.
                getattr(getattr(state, "_new_widget_state", None), "widget_metadata", {}).clear()
                app_session.flush_browser_queue()  # messages the closed tab will never fetch
        if newly:
            gc.collect()  # anything of theirs caught in reference cycles
            _return_freed_memory()
        return len(dying)

    def _run(self) -> None:
        from streamlit.runtime import Runtime

        while True:
            time.sleep(SWEEP_SECONDS)
            if Runtime.exists():
                runtime = Runtime.instance()
                self.sweep(runtime.is_active_session)
                ttl = float(st.get_option("server.disconnectedSessionTTL"))
                self.drop_orphans(runtime.uploaded_file_mgr, runtime.is_active_session, ttl + self.ORPHAN_GRACE,
                                  time.monotonic())


#: glibc ``mallopt`` parameter: allocations from this size up are mapped, and returned when freed.
_M_MMAP_THRESHOLD = -3


def _map_large_allocations(threshold: int = 2**20) -> None:
    """Have glibc map every allocation of ``threshold`` bytes or more on its own, so that a file's
    bytes, its text and its parsed columns go back to the system when freed (the default
    threshold grows to 32 MB after the first large free, and such blocks then stay in the heap)."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, threshold)
    except (OSError, AttributeError):
        pass


def _return_freed_memory() -> None:
    """Hand memory freed by a closed session back to the system (glibc's ``malloc_trim``).

    Each session's script runs in its own thread, and glibc keeps what a thread freed in that
    thread's arena for reuse: the server's resident memory would stay up even once every
    upload object is gone. Elsewhere than Linux with glibc this does nothing.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


_SWEEPER = _Sweeper()
if st.runtime.exists():  # in the server (not under AppTest): sweep from the start, orphaned files too
    _map_large_allocations()
    _SWEEPER.start()


def forget_when_closed() -> None:
    """Have the server delete this session -- state and uploaded files -- as soon as its tab disconnects.

    Streamlit would otherwise keep it ``server.disconnectedSessionTTL`` seconds for a
    reconnect. Does nothing outside a running server (AppTest).
    """
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return
    runtime = Runtime.instance()
    app_session = runtime.get_app_session(ctx.session_id)
    if app_session is None:
        return
    runtime.mark_session_nonresumable(ctx.session_id)
    _SWEEPER.watch(ctx.session_id, app_session)
