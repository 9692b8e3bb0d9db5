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
  (:func:`ui.upload_memory.keep_uploads_in_memory`), so an upload is held in memory from the
  socket on. The file's bytes, the table read from them, the preview and the ward values live
  only in this session's state (:mod:`ui.session`); nothing goes to ``st.cache_data`` /
  ``st.cache_resource`` (shared by every session), to a log, to disk or to the URL.
* **Gone with the tab.** Once a session holds uploaded data,
  :func:`ui.upload_memory.forget_when_closed` has the server delete it -- state and uploaded
  files -- as soon as its tab disconnects, and its memory is freed within about a second
  (:mod:`ui.upload_memory`; tests/test_upload_server.py proves both). A dropped connection
  therefore loses the uploaded layers too: upload the file again.
* **Bounded.** :data:`READERS` lets two uploads be read at once (the server has two cores);
  a third waits up to :data:`WAIT` seconds, then is asked to try again. The limits of
  :mod:`geo.upload.limits` bound each one.

Every :class:`~geo.upload.UploadError` is shown as one message and leaves the rest of the
page -- the view, the layers already added -- as it was. The card's widgets are drawn by
:mod:`ui.upload_card`. Every text that comes from the file
(its name, column names, cells, and every message and note quoting them) is shown as plain
text (:func:`~geo.upload.plain_markdown`: no markdown, no links); tables show it as typed;
long lists are cut short with "and N more".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from geo.areas import make_area
from geo.upload import (LIMITS, Preview, Table, UploadError, WardUpload, aggregate_to_wards, inspect_upload,
                        plain_markdown, read_pasted, read_upload)
from layers.targets import TARGETINGS
from layers.uploaded import (PER_RESIDENTS, USER_LAYER_PREFIX, count_targeting_warning, per_residents, unique_title,
                             user_layer)
from geo.upload.series import inspect_series
from ui import loaders, series_card, session, upload_card
from ui.session import Keys
from ui.upload_card import short
from ui.upload_memory import forget_when_closed, keep_uploads_in_memory

PENDING, ERROR, SEQ, LAYER_SEQ, ADDED, RESULT = (Keys.UPLOAD_PENDING, Keys.UPLOAD_ERROR, Keys.UPLOAD_SEQ,
                                                 Keys.UPLOAD_LAYER_SEQ, Keys.UPLOAD_ADDED, Keys.UPLOAD_RESULT)
#: File types the uploader offers (the content, not the name, decides how a file is read).
FILE_TYPES = ["csv", "xlsx", "txt", "tsv"]
TEMPLATE_LEVELS = {"ward": "Wards (2025)", "lsoa": "LSOAs (2021)"}
#: Uploads read at once in this server process, and how long a further one waits (seconds).
READERS = threading.BoundedSemaphore(2)
WAIT = 10.0


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


keep_uploads_in_memory(max_bytes())


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
        session.put({PENDING: None, Keys.TRACK_PENDING: None})
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
    series = _one_at_a_time(lambda: inspect_series(pending.table, loaders.upload_reference(), lad_code=lad))
    if series is not None:  # a period column: a time series, to track a goal with (ui/series_card.py)
        series_card.pending(pending.seq, pending.name, series)
        session.put({PENDING: None})
        return
    preview = _one_at_a_time(lambda: inspect_upload(pending.table, loaders.upload_reference(), lad_code=lad))
    # Codes need no second look: drop the cells, keep the numbers (ward names may be matched again).
    session.put({PENDING: replace(pending, preview=preview, table=pending.table if preview.by_name else None)})


def _on_file() -> None:
    file = session.get(Keys.UPLOAD_FILE)
    if file is None:  # the file was removed from the uploader: forget it (layers already added stay)
        session.put({PENDING: None, ERROR: None, Keys.TRACK_PENDING: None})
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
    (``icb``/``lad`` as the area controls return them).

    Its contents are drawn only while it is open (opening it reruns the page): the first page then
    waits for none of their scripts. A fixed key keeps it open while the controls above it change
    (e.g. a layer added); closed and opened again, its uploader and paste box start empty (the
    layers made from a file stay)."""
    expander = st.expander("Your data", icon=":material/upload_file:", key=Keys.YOUR_DATA, on_change="rerun")
    if expander.open:
        with expander:
            _your_data(table, icb, lad)


def _your_data(table: pd.DataFrame, icb: str | None, lad: str | None) -> None:
    """The open expander's contents (see :func:`sidebar`)."""
    layers = session.user_layers()
    area_key = make_area(table, icb, lad).key
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
    error = session.get(ERROR)
    if error:  # here too, where the file was given: the page's own copy may be out of view (or, on a phone, under this)
        st.error(plain_markdown(error), icon=":material/error:")
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
                with st.expander(f"Your file {plain_markdown(short(pending.name))}: add another column as a layer"):
                    _card(pending)
            else:
                with st.container(border=True):
                    _card(pending)
        series_card.card()  # a time series being checked, or the one in use
        series_card.in_use_note()
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


def _card(pending: Pending) -> None:
    """What the file holds and how it will be mapped, with the user's choices and "Add layer"."""
    preview: Preview = pending.preview
    k = f"{Keys.UPLOAD_CARD}{pending.seq}_"
    upload_card.heading(pending.name, preview)
    left, right = st.columns([3, 2], gap="large")
    with left:
        kinds, denominator = upload_card.file_columns(preview, k)
    with right:
        choice = upload_card.layer_choices(preview, kinds, k)
        kinds = {**kinds, choice.column: choice.kind}
        wards = _aggregate(pending, kinds, denominator, choice.threshold)
        usable = False
        if isinstance(wards, str):
            st.error(plain_markdown(wards), icon=":material/error:")
        else:
            usable = upload_card.ward_result(wards, choice.column)
        if usable and not choice.rate:
            st.caption("Adds two layers: the count, and the count per 1,000 residents (Census 2021), shown first — "
                       "use the rate, not the count, to find the worst wards.")
        ready = usable and choice.confirmed
        why = ("Nothing to map: no ward gets a value from this column." if not usable else
               "Confirm above that this column holds rates, or treat it as a count." if not choice.confirmed else None)
        a, b = st.columns(2)
        a.button("Add layer", type="primary", icon=":material/add:", key=f"{k}add", width="stretch",
                 disabled=not ready, on_click=_add, args=(choice.column, choice.keys),
                 help=why)
        b.button("Discard file", key=f"{k}discard", width="stretch", on_click=_discard)


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
