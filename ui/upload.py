"""Your data (issue 5): the upload inputs in the sidebar and the check-and-add card above the map.

The flow: a file (or pasted text) is read and checked by :mod:`geo.upload` as soon as it
arrives; the card shows what was read -- rows, geography and vintage, codes matched and not
matched, how each column will be treated, what will be suppressed -- with the choices
pre-filled from the guesses (a rate only once the user confirms it is one); "Add layer"
builds a :class:`layers.uploaded.UserLayer` -- for a count, also its rate per 1,000
residents, shown first -- adds them to this session's layers
(:func:`ui.session.add_user_layer`) and shows them on the map.

Privacy, as the README and the Methods text state it (issue 16):

* **Memory only.** Streamlit's upload handler parses the request with Starlette, whose
  multipart parser spools any file over 1 MB to a temporary file on disk. At import this
  module raises that spooling threshold above the largest request the server accepts
  (:func:`keep_uploads_in_memory`), so an upload is held in memory from the socket on. The
  file's bytes, the table read from them, the preview and the ward values live only in this
  session's state (:mod:`ui.session`); nothing goes to ``st.cache_data`` /
  ``st.cache_resource`` (shared by every session), to a log, to disk or to the URL.
* **Gone with the tab.** Streamlit keeps a disconnected session for
  ``server.disconnectedSessionTTL`` (120 s) so that a dropped connection can resume it, and
  a session that then expires is not even shut down (its uploaded files stay in the
  server's file manager). Once a session holds uploaded data, :func:`forget_when_closed`
  marks it not resumable, so that the server shuts it down -- deleting its uploaded files --
  as soon as its tab disconnects; :class:`_Sweeper` then empties what the dead session still
  held and collects the garbage, so the memory is freed within about a second
  (tests/test_upload_server.py proves both).
  A dropped connection therefore loses the uploaded layers too: upload the file again. Files
  sent to a session that never reads them (a client that only uploads) are dropped
  ``server.disconnectedSessionTTL`` + 5 seconds after it disconnects.
* **Bounded.** :data:`READERS` lets two uploads be read at once (the server has two cores);
  a third waits up to :data:`WAIT` seconds, then is asked to try again. The limits of
  :mod:`geo.upload.limits` bound each one.

Every :class:`~geo.upload.UploadError` is shown as one message and leaves the rest of the
page -- the view, the layers already added -- as it was. Every text that comes from the file
(its name, column names, cells, and every message and note quoting them) is shown as plain
text (:func:`~geo.upload.plain_markdown`: no markdown, no links); tables show it as typed;
long lists are cut short with "and N more".
"""

from __future__ import annotations

import ctypes
import gc
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from geo.areas import make_area
from geo.upload import (LIMITS, SMALL_COUNT_THRESHOLD, Preview, Table, UploadError, WardUpload, aggregate_to_wards,
                        inspect_upload, plain_markdown, read_pasted, read_upload)
from layers.indicator import THEMES
from layers.targets import TARGETINGS
from layers.uploaded import (MAX_TITLE, PER_RESIDENTS, THEME, USER_LAYER_PREFIX, count_targeting_warning,
                             per_residents, unique_title, user_layer)
from ui import loaders, session
from ui.session import Keys

PENDING, ERROR, SEQ, LAYER_SEQ, ADDED, RESULT = (Keys.UPLOAD_PENDING, Keys.UPLOAD_ERROR, Keys.UPLOAD_SEQ,
                                                 Keys.UPLOAD_LAYER_SEQ, Keys.UPLOAD_ADDED, Keys.UPLOAD_RESULT)
#: File types the uploader offers (the content, not the name, decides how a file is read).
FILE_TYPES = ["csv", "xlsx", "txt", "tsv"]
#: Highest suppression threshold offered (the lowest is the NHS practice, 5).
MAX_THRESHOLD = 100
TEMPLATE_LEVELS = {"ward": "Wards (2025)", "lsoa": "LSOAs (2021)"}
#: What the card lists at most (issue 17): value columns one by one, codes not matched, notes.
CARD_COLUMNS = 20
UNMATCHED_SHOWN = 200
NOTES_SHOWN = 12
#: Characters of a column name shown in a widget label or option.
NAME_SHOWN = 60
#: Uploads read at once in this server process, and how long a further one waits (seconds).
READERS = threading.BoundedSemaphore(2)
WAIT = 10.0
#: Streamlit's upload route accepts a request body of ``server.maxUploadSize`` plus this framing
#: margin (starlette_routes._MAX_UPLOAD_MULTIPART_OVERHEAD_BYTES); the spool threshold must exceed both.
MULTIPART_MARGIN = 2 * 2**20


@dataclass(frozen=True, eq=False)
class Pending:
    """The file being checked: its read table (kept only while ward names may need matching again)
    and, once checked, its preview. ``seq`` numbers the files of the session (it keys the card's
    widgets, so a new file gets fresh choices); ``added``: ids of the layers already made from it."""

    seq: int
    name: str
    table: Table | None
    preview: Preview | None = None
    added: tuple[str, ...] = ()


def max_bytes() -> int:
    """The upload limit: Streamlit's ``server.maxUploadSize`` (MB, .streamlit/config.toml), in bytes."""
    return int(st.get_option("server.maxUploadSize")) * 2**20


# --- privacy: memory only, gone with the tab -----------------------------------------------------

def keep_uploads_in_memory(limit: int) -> int:
    """Make Streamlit's upload handler keep files up to ``limit`` bytes in memory (returns the threshold).

    Starlette's ``MultiPartParser`` writes each uploaded file to a ``SpooledTemporaryFile``
    that moves to a temporary file on disk past ``spool_max_size`` (1 MB). Raising it above
    the largest body Streamlit accepts keeps every upload in memory.
    """
    from starlette.formparsers import MultiPartParser

    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, limit + MULTIPART_MARGIN)
    return MultiPartParser.spool_max_size


keep_uploads_in_memory(max_bytes())


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
            time.sleep(1.0)
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


def _unexpected(error: Exception) -> str:
    # Nothing from the file is quoted: the exception text could hold its cells.
    return (f"WardLens could not read this file: something unexpected went wrong ({type(error).__name__}). "
            "Fix: check it is a CSV or .xlsx table with a header row and one row per area; if it is, please "
            "report the problem (without attaching the file).")


def _guarded(step: Callable[[], None]) -> None:
    """Run one step of the flow; any error becomes the one message shown, nothing else changes."""
    try:
        step()
    except UploadError as error:
        session.put({ERROR: str(error)})
    except MemoryError:
        session.put({ERROR: "The server ran out of memory reading this file. Fix: upload a smaller file (one row "
                            "per area with its code and the columns to map), or try again in a minute."})
    except Exception as error:  # noqa: BLE001 -- shown as one message; the page carries on
        session.put({ERROR: _unexpected(error)})


def _one_at_a_time(work: Callable[[], object]) -> object:
    """Run ``work`` (reading or checking a file) while at most :data:`READERS` others run."""
    if not READERS.acquire(timeout=WAIT):
        raise UploadError("The server is busy reading other people's files",
                          "Try again in a minute: nothing from your file was kept")
    try:
        return work()
    finally:
        READERS.release()


def _read(name: str, read: Callable[[], Table]) -> None:
    """Read a new file or paste; on success it becomes the pending upload and is checked."""
    session.put({ERROR: None})

    def step() -> None:
        session.put({PENDING: None})
        forget_when_closed()
        table = _one_at_a_time(read)
        seq = session.get(SEQ, 0) + 1
        session.forget(session.keys_starting(Keys.UPLOAD_CARD))  # the previous file's choices
        session.put({SEQ: seq, PENDING: Pending(seq, name, table), RESULT: None})
        _check()

    _guarded(step)


def _check() -> None:
    """Check the pending table against the lookups (again, after the local authority changes)."""
    pending: Pending | None = session.get(PENDING)
    if pending is None or pending.table is None:
        return
    session.put({ERROR: None, PENDING: replace(pending, preview=None)})
    lad = session.get(Keys.UPLOAD_LAD) or None
    preview = _one_at_a_time(lambda: inspect_upload(pending.table, loaders.upload_reference(), lad_code=lad))
    # Codes need no second look: drop the cells, keep the numbers (ward names may be matched again).
    session.put({PENDING: replace(pending, preview=preview, table=pending.table if preview.by_name else None)})


def _on_file() -> None:
    file = session.get(Keys.UPLOAD_FILE)
    if file is None:  # the file was removed from the uploader: forget it (layers already added stay)
        session.put({PENDING: None, ERROR: None})
        return
    _read(file.name, lambda: read_upload(file.name, file.getvalue(), max_bytes=max_bytes()))


def _on_paste() -> None:
    text = session.get(Keys.UPLOAD_PASTE) or ""
    if not text.strip():
        session.put({PENDING: None, ERROR: None})
        return
    _read("pasted text", lambda: read_pasted(text, max_bytes=max_bytes()))


def _on_lad() -> None:
    _guarded(_check)


def _discard() -> None:
    session.put({PENDING: None, ERROR: None, RESULT: None})


def _add(column: str, keys: dict[str, str]) -> None:
    """Make the chosen column a layer of this session and show it on the map; a count also gets its
    rate per 1,000 residents, which is shown. The file on wards is the one the card shows (kept in
    the session: widget callbacks carry names only, never the data). The title, unit, direction and
    theme are read from their widgets' ``keys`` as the click left them, so a title typed and not yet
    committed when "Add layer" is pressed is the one used."""
    title, unit, higher_is_worse, theme = (session.get(keys[name]) for name in ("title", "unit", "worse", "theme"))
    pending: Pending = session.get(PENDING)
    n = session.get(LAYER_SEQ, 0) + 1

    def step() -> None:
        session.put({ERROR: None})
        wards = (session.get(RESULT) or (None, None))[1]
        if not isinstance(wards, WardUpload):
            raise UploadError("The file was not ready to add", "Check the card's choices and press “Add layer” again")
        taken = {u.record.title for u in session.user_layers().values()}
        layer = user_layer(f"{USER_LAYER_PREFIX}{n}", wards, column, title=unique_title(" ".join(title.split()), taken),
                           unit=unit, higher_is_worse=higher_is_worse, source_name=pending.name, theme=theme)
        made = [layer]
        if layer.kind == "count":
            made.append(per_residents(layer, loaders.ward_table()["population"], f"{USER_LAYER_PREFIX}{n + 1}"))
        for one in made:
            session.add_user_layer(one)  # the last one added is shown
        added = (*pending.added, *(m.id for m in made))
        session.put({LAYER_SEQ: n + len(made) - 1, PENDING: replace(pending, added=added),
                     ADDED: made[-1].record.title})

    _guarded(step)


# --- sidebar -----------------------------------------------------------------------------------

#: What the sidebar says about privacy (the README and Methods say the same, at more length).
PRIVACY_CAPTION = ("Map your own figures — such as people with 5+ long-term conditions — by ward or LSOA. They are "
                   "held in the server's memory for this browser session only — never written to disk, logged, "
                   "shared or put in the link — and deleted as soon as you close the tab (or it loses its "
                   "connection: then upload again).")


def sidebar(table: pd.DataFrame, icb: str | None, lad: str | None) -> None:
    """The "Your data" expander: uploader, paste box, local authority for ward names, this
    session's layers (with remove buttons) and the template download for the area shown
    (``icb``/``lad`` as the area controls return them)."""
    layers = session.user_layers()
    area_key = make_area(table, icb, lad).key
    # A fixed key keeps it open while the controls above it change (e.g. a layer added).
    with st.expander("Your data", icon=":material/upload_file:", key="your_data"):
        st.caption(PRIVACY_CAPTION)
        st.file_uploader(
            "Upload a CSV, Excel or text file", type=FILE_TYPES, key=Keys.UPLOAD_FILE, on_change=_on_file,
            help=f"One row per area with its code — ward (E05…, May 2025) or LSOA (E01…, 2021 or 2011) — or "
                 f"ward names with their local authority chosen below, and one or more columns of numbers. Up to "
                 f"{max_bytes() // 2**20} MB, {LIMITS.rows:,} rows, {LIMITS.columns} columns and "
                 f"{LIMITS.cells:,} cells ({LIMITS.excel_cells:,} filled cells in an Excel file). Files that look "
                 "like patient records are refused.")
        st.text_area("…or paste cells from a spreadsheet", key=Keys.UPLOAD_PASTE, on_change=_on_paste, height=90,
                     placeholder="LSOA21CD\tPeople with 5+ LTCs\nE01012571\t131",
                     help="Copy the header row and the data rows; press Ctrl+Enter (or click away) to read them.")
        lads = (table.loc[table["icb_code"] == icb] if icb else table).drop_duplicates("lad_code")
        lad_names = lads.set_index("lad_code")["lad_name"].astype(str).sort_values()
        options = ["", *lad_names.index]
        session.keep_valid(Keys.UPLOAD_LAD, options, lad or "")
        st.selectbox("Local authority of ward names", options, key=Keys.UPLOAD_LAD, on_change=_on_lad,
                     format_func=lambda c: lad_names[c] if c else "None (the file has area codes)",
                     help="Only for a file that names wards instead of giving their codes: the names are "
                          "matched to the May 2025 wards of this local authority.")
        if layers:
            st.markdown("**Your layers**")
            for layer in list(layers.values()):
                c1, c2 = st.columns([5, 1], vertical_alignment="center")
                c1.caption(f"{plain_markdown(layer.record.title)} — {layer.n_values:,} wards"
                           + (f", {layer.n_suppressed:,} suppressed" if layer.n_suppressed else ""))
                c2.button("", icon=":material/delete:", key=f"remove_{layer.id}", on_click=session.remove_user_layer,
                          args=(layer.id,), help="Remove this layer (its data leave this session)")
        level = st.radio("Template rows", list(TEMPLATE_LEVELS), key=Keys.TEMPLATE_LEVEL, horizontal=True,
                         format_func=TEMPLATE_LEVELS.get)
        st.download_button("Download template", data=lambda: loaders.template(area_key, level),
                           file_name=f"wardlens_template_{area_key.replace('/', '_')}_{level}.csv", mime="text/csv",
                           key="dl_template", on_click="ignore", icon=":material/download:", width="stretch",
                           help="A CSV listing every ward (or LSOA 2021) of the area shown, with an empty "
                                "'value' column to fill in and upload.")


# --- main area ---------------------------------------------------------------------------------

def review_panel(area_key: str, area_name: str, layer: str) -> None:
    """Above the map: the one message for a refused file, the check-and-add card for a file being
    checked, a warning when "worst 10% on the layer shown" ranks wards by an uploaded count, and a
    note when the uploaded layer shown has no values in the area.

    Everything goes in one container that is always drawn, even empty, so the elements after it
    keep their place: the map is then updated in place (keeping pan and zoom), not rebuilt.
    """
    added = session.pop(ADDED)
    if added:
        st.toast(f"Added “{plain_markdown(added)}” to the map", icon=":material/check_circle:")
    with st.container():
        error = session.get(ERROR)
        if error:
            st.error(plain_markdown(error), icon=":material/error:")
        pending: Pending | None = session.get(PENDING)
        if pending is not None and pending.preview is not None:
            if pending.added:
                with st.expander(f"Your file {plain_markdown(_short(pending.name))}: add another column as a layer"):
                    _card(pending)
            else:
                with st.container(border=True):
                    _card(pending)
        _count_warning(layer)
        _no_values_note(area_key, area_name, layer)


def _count_warning(layer: str) -> None:
    """Warn when the targeting ranks wards by the uploaded count shown (issue 3)."""
    shown = session.user_layers().get(layer)
    targeting = TARGETINGS.get(session.get(Keys.TARGETING) or "")
    if shown is None or targeting is None:
        return
    rate = next((u for u in session.user_layers().values()
                 if u.record.family == shown.record.family and u.record.variant == PER_RESIDENTS), None)
    warning = count_targeting_warning(shown.record, targeting, rate.record.title if rate else None)
    if warning:
        st.warning(plain_markdown(warning), icon=":material/warning:")


def _no_values_note(area_key: str, area_name: str, layer: str) -> None:
    shown = session.user_layers().get(layer)
    if shown is None:
        return
    codes = loaders.area_wards(area_key)
    if shown.values(codes).notna().any() or shown.suppressed.reindex(codes, fill_value=False).any():
        return
    reached = shown.ward_values.index[shown.ward_values.notna() | shown.suppressed]
    icbs = loaders.ward_table().loc[reached, "icb_name"].dropna().unique()
    where = ", ".join(sorted(map(str, icbs))[:3]) or "no area"
    st.info(f"**{plain_markdown(shown.record.title)}** has no values in {plain_markdown(area_name)}: the "
            f"wards in your file are in {plain_markdown(where)}. Choose that area to see them.",
            icon=":material/info:")


def _short(text: object, width: int = NAME_SHOWN) -> str:
    """One line of at most ``width`` characters (for labels and options; escape before Markdown)."""
    line = " ".join(str(text).split())
    return line if len(line) <= width else line[: width - 1] + "…"


def _bullets(lines: list[str], shown: int = NOTES_SHOWN) -> str:
    """Markdown bullets of ``lines`` (plain text), at most ``shown`` of them and "… and N more"."""
    out = [f"- {plain_markdown(n)}" for n in lines[:shown]]
    if len(lines) > shown:
        out.append(f"- … and {len(lines) - shown:,} more")
    return "\n".join(out)


def _card(pending: Pending) -> None:
    """What the file holds and how it will be mapped, with the user's choices and "Add layer"."""
    preview: Preview = pending.preview
    k = f"{Keys.UPLOAD_CARD}{pending.seq}_"
    st.markdown("## Your data: check it, then add it as a layer")
    st.caption(f"{plain_markdown(pending.name)} · read as {plain_markdown(preview.source)}. Nothing is "
               "mapped until you add it.")
    names = [c.name for c in preview.columns]
    left, right = st.columns([3, 2], gap="large")
    with left:
        m = st.columns(3)
        m[0].metric("Rows read", f"{preview.rows_read:,}")
        m[1].metric("Areas matched", f"{preview.matched:,}")
        m[2].metric("Not matched", f"{len(preview.unmatched):,}")
        st.markdown(f"**Geography:** {plain_markdown(preview.geography.label)}, detected from the codes in "
                    f"column **{plain_markdown(preview.code_column)}**.")
        if preview.unmatched:
            with st.expander(f"{len(preview.unmatched):,} area(s) not matched (left out)"):
                listed = list(preview.unmatched[:UNMATCHED_SHOWN])
                st.dataframe(pd.DataFrame({"Not matched": listed}), hide_index=True,
                             height=min(300, 38 + 35 * len(listed)), key=f"{k}unmatched")
                if len(preview.unmatched) > UNMATCHED_SHOWN:
                    st.caption(f"The first {UNMATCHED_SHOWN:,} are listed, in file order; "
                               f"{len(preview.unmatched) - UNMATCHED_SHOWN:,} more are not shown.")
        st.markdown("**Each column of numbers** — a count is summed to wards; a rate is averaged, weighted by "
                    "population or by a denominator column. A rate is used only once you confirm it.")
        kinds = dict(preview.guesses)
        for i, c in enumerate(preview.columns[:CARD_COLUMNS]):
            kinds[c.name] = _kind_row(k, i, c)
        if len(names) > CARD_COLUMNS:
            st.caption(f"… and {len(names) - CARD_COLUMNS:,} more columns, each treated as it looks (count or rate) "
                       "unless you choose it under “Column to map” and change it there.")
        denominator = None
        if "rate" in kinds.values():
            options = [None, *names]
            default = options.index(preview.denominator) if preview.denominator in options else 0
            denominator = st.selectbox("Denominator for rates", options, index=default, key=f"{k}denominator",
                                       format_func=lambda c: _short(c) if c else
                                       "None: weight by Census 2021 residents",
                                       help="The column whose values weight each area's rate when areas are "
                                            "combined into wards (e.g. registered patients); a ward rate whose "
                                            "count (rate × denominator) would be 1 to 4 is suppressed.")
        lines = [*preview.notes]
        if preview.ignored_columns:
            ignored = preview.ignored_columns
            lines.append("Text columns not used: " + ", ".join(f"'{_short(c, 40)}'" for c in ignored[:10])
                         + (f" and {len(ignored) - 10:,} more" if len(ignored) > 10 else ""))
        if lines:
            st.caption(_bullets(lines))
    with right:
        index = st.selectbox("Column to map", range(len(names)), key=f"{k}column",
                             format_func=lambda i: _short(names[i]))
        column = names[index]
        info = preview.columns[index]
        if index >= CARD_COLUMNS:
            kinds[column] = _kind_row(k, index, info)
        rate = kinds[column] == "rate"
        confirmed = True
        if rate:
            confirmed = st.checkbox(f"“{plain_markdown(_short(column))}” holds rates, not counts of people",
                                    value=False, key=f"{k}rate_ok{index}",
                                    help="A count treated as a rate would show its small values (1 to 4) "
                                         "unsuppressed. Tick this only if the column is a rate, percentage or "
                                         "average; otherwise choose “count” for it.")
        keys = {name: f"{k}{name}{index}" for name in ("title", "unit", "theme", "worse")}
        st.text_input("Title", value=" ".join(column.split())[:MAX_TITLE], max_chars=MAX_TITLE, key=keys["title"],
                      help="Heads the legend, the table column and the profile row.")
        st.text_input("Unit", value=info.unit or ("people" if not rate else "rate"), max_chars=60, key=keys["unit"],
                      help="For example people, % of registered patients, per 1,000.")
        st.selectbox("List it under the theme", THEMES, index=THEMES.index(THEME), key=keys["theme"],
                     help="Put your layer beside the public ones it belongs with, e.g. a count of people "
                          "with 5+ long-term conditions under Long-term conditions.")
        st.toggle("Higher is worse", value=True, key=keys["worse"],
                  help="Sets the colours (darkest = worst) and which wards the 'worst 10%' targeting picks.")
        threshold = st.number_input("Suppress counts below", min_value=SMALL_COUNT_THRESHOLD,
                                    max_value=MAX_THRESHOLD, value=SMALL_COUNT_THRESHOLD, step=1, key=f"{k}threshold",
                                    help=f"Ward counts from 1 to this number less one are hidden everywhere — "
                                         f"map, profile, table and downloads — as NHS disclosure control asks "
                                         f"(at least {SMALL_COUNT_THRESHOLD}); so are the values that would let "
                                         "them be worked out (a total's other part, a rate's count).")
        wards = _aggregate(pending, kinds, denominator, int(threshold))
        usable = False
        if isinstance(wards, str):
            st.error(plain_markdown(wards), icon=":material/error:")
        else:
            usable = _result(wards, column)
        if usable and not rate:
            st.caption("Adds two layers: the count, and the count per 1,000 residents (Census 2021), shown first — "
                       "use the rate, not the count, to find the worst wards.")
        ready = usable and confirmed
        why = ("Nothing to map: no ward gets a value from this column." if not usable else
               "Confirm above that this column holds rates, or treat it as a count." if not confirmed else None)
        a, b = st.columns(2)
        a.button("Add layer", type="primary", icon=":material/add:", key=f"{k}add", width="stretch",
                 disabled=not ready, on_click=_add, args=(column, keys),
                 help=why)
        b.button("Discard file", key=f"{k}discard", width="stretch", on_click=_discard)


def _kind_row(k: str, i: int, c) -> str:
    """One value column's line in the card -- name, counts, guess and why -- and its count/rate choice."""
    a, b = st.columns([3, 2], vertical_alignment="center")
    a.markdown(f"**{plain_markdown(_short(c.name, 100))}**  \n"
               + plain_markdown(f"{c.n_values:,} values, {c.n_missing:,} missing; looks like a {c.guess} ({c.reason})"))
    return b.radio(f"Treat {plain_markdown(_short(c.name))} as", ["count", "rate"],
                   index=["count", "rate"].index(c.guess), key=f"{k}kind{i}", horizontal=True,
                   label_visibility="collapsed")


def _aggregate(pending: Pending, kinds: dict[str, str], denominator: str | None, threshold: int) -> WardUpload | str:
    """The file on wards with these choices (kept in the session, redone only when a choice changes),
    or the message saying why it cannot be."""
    signature = (pending.seq, tuple(kinds.items()), denominator, threshold)
    kept = session.get(RESULT)
    if kept is not None and kept[0] == signature:
        return kept[1]
    try:
        result: WardUpload | str = aggregate_to_wards(pending.preview, loaders.upload_reference(), kinds=kinds,
                                                      denominator=denominator, threshold=threshold)
    except UploadError as error:
        result = str(error)
    except Exception as error:  # noqa: BLE001 -- one message, the page carries on
        result = _unexpected(error)
    session.put({RESULT: (signature, result)})
    return result


def _result(wards: WardUpload, column: str) -> bool:
    """What the chosen column gives on wards: how many values, how many suppressed, and the notes.
    Returns whether any ward gets a value (shown or suppressed): otherwise there is nothing to map."""
    values = wards.frame[column]
    hidden = int(wards.suppressed[column].sum())
    shown = int(values.notna().sum())
    gaps = len(values) - shown - hidden
    parts = [f"**{shown:,}** wards with a value"]
    if wards.kinds[column] == "count" or hidden:
        more = int(wards.secondary[column].sum()) if wards.secondary is not None else 0
        what = (f"counts from 1 to {wards.threshold - 1}" if wards.kinds[column] == "count" else
                f"their count would be 1 to {wards.threshold - 1}")
        parts.append(f"**{hidden:,}** suppressed ({what}" + (f"; {more:,} of them so that another cannot be worked "
                                                              "out" if more else "") + ")")
    if gaps:
        parts.append(f"**{gaps:,}** without a value")
    st.markdown("On 2025 wards: " + ", ".join(parts) + ".")
    # Notes about this column, and general ones -- but not the file-wide suppression count (given above per column).
    mine = [n for n in wards.notes if f"'{column}'" in n
            or not (" ward value(s) between 1 and " in n or any(f"'{c}'" in n for c in wards.frame.columns))]
    if mine:
        st.caption(_bullets(mine))
    return shown + hidden > 0
