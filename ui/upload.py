"""Your data (issue 5): the upload inputs in the sidebar and the check-and-add card above the map.

The flow: a file (or pasted text) is read and checked by :mod:`geo.upload` as soon as it
arrives; the card shows what was read -- rows, geography and vintage, codes matched and not
matched, how each column will be treated, what will be suppressed -- with the choices
pre-filled from the guesses; "Add layer" builds a :class:`layers.uploaded.UserLayer`, adds it
to this session's layers (:func:`ui.session.add_user_layer`) and shows it on the map.

Privacy: the file's bytes, the table read from them, the preview and the ward values live
only in this session's state (:mod:`ui.session`). Nothing here goes to ``st.cache_data`` /
``st.cache_resource`` (shared by every session), to a log, to disk or to the URL. Every
:class:`~geo.upload.UploadError` is shown as one message, escaped, and leaves the rest of the
page -- the view, the layers already added -- as it was. Text from the file is escaped
wherever Streamlit renders Markdown (:func:`~geo.upload.escape_markdown`); tables show it as typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from geo.areas import make_area
from geo.upload import (SMALL_COUNT_THRESHOLD, Preview, Table, UploadError, WardUpload, aggregate_to_wards,
                        escape_markdown, inspect_upload, read_pasted, read_upload)
from layers.indicator import THEMES
from layers.uploaded import MAX_TITLE, THEME, USER_LAYER_PREFIX, unique_title, user_layer
from ui import loaders, session
from ui.session import Keys

PENDING, ERROR, SEQ, LAYER_SEQ, ADDED, RESULT = (Keys.UPLOAD_PENDING, Keys.UPLOAD_ERROR, Keys.UPLOAD_SEQ,
                                                 Keys.UPLOAD_LAYER_SEQ, Keys.UPLOAD_ADDED, Keys.UPLOAD_RESULT)
#: File types the uploader offers (the content, not the name, decides how a file is read).
FILE_TYPES = ["csv", "xlsx", "txt", "tsv"]
#: Highest suppression threshold offered (the lowest is the NHS practice, 5).
MAX_THRESHOLD = 100
TEMPLATE_LEVELS = {"ward": "Wards (2025)", "lsoa": "LSOAs (2021)"}


@dataclass(frozen=True, eq=False)
class Pending:
    """The file being checked: its read table and, once checked, its preview. ``seq`` numbers the
    files of the session (it keys the card's widgets, so a new file gets fresh choices);
    ``added``: ids of the layers already made from it."""

    seq: int
    name: str
    table: Table
    preview: Preview | None = None
    added: tuple[str, ...] = ()


def max_bytes() -> int:
    """The upload limit: Streamlit's ``server.maxUploadSize`` (MB, .streamlit/config.toml), in bytes."""
    return int(st.get_option("server.maxUploadSize")) * 2**20


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
    except Exception as error:  # noqa: BLE001 -- shown as one message; the page carries on
        session.put({ERROR: _unexpected(error)})


def _read(name: str, read: Callable[[], Table]) -> None:
    """Read a new file or paste; on success it becomes the pending upload and is checked."""
    session.put({ERROR: None})

    def step() -> None:
        session.put({PENDING: None})
        table = read()
        seq = session.get(SEQ, 0) + 1
        session.forget(session.keys_starting(Keys.UPLOAD_CARD))  # the previous file's choices
        session.put({SEQ: seq, PENDING: Pending(seq, name, table), RESULT: None})
        _check()

    _guarded(step)


def _check() -> None:
    """Check the pending table against the lookups (again, after the local authority changes)."""
    pending: Pending | None = session.get(PENDING)
    if pending is None:
        return
    session.put({ERROR: None, PENDING: replace(pending, preview=None)})
    lad = session.get(Keys.UPLOAD_LAD) or None
    preview = inspect_upload(pending.table, loaders.upload_reference(), lad_code=lad)
    session.put({PENDING: replace(pending, preview=preview)})


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


def _add(wards: WardUpload, column: str, title: str, unit: str, higher_is_worse: bool, theme: str) -> None:
    """Make the chosen column a layer of this session and show it on the map."""
    pending: Pending = session.get(PENDING)
    n = session.get(LAYER_SEQ, 0) + 1

    def step() -> None:
        session.put({ERROR: None})
        taken = {u.record.title for u in session.user_layers().values()}
        layer = user_layer(f"{USER_LAYER_PREFIX}{n}", wards, column, title=unique_title(" ".join(title.split()), taken),
                           unit=unit, higher_is_worse=higher_is_worse, source_name=pending.name, theme=theme)
        session.add_user_layer(layer)
        session.put({LAYER_SEQ: n, PENDING: replace(pending, added=(*pending.added, layer.id)),
                       ADDED: layer.record.title})

    _guarded(step)




# --- sidebar -----------------------------------------------------------------------------------

def sidebar(table: pd.DataFrame, icb: str | None, lad: str | None) -> None:
    """The "Your data" expander: uploader, paste box, local authority for ward names, this
    session's layers (with remove buttons) and the template download for the area shown
    (``icb``/``lad`` as the area controls return them)."""
    layers = session.user_layers()
    area_key = make_area(table, icb, lad).key
    # A fixed key keeps it open while the controls above it change (e.g. a layer added).
    with st.expander("Your data", icon=":material/upload_file:", key="your_data"):
        st.caption("Map your own figures — such as people with 5+ long-term conditions — by ward or LSOA. "
                   "They stay in this browser session only: never saved, logged, shared or put in the link.")
        st.file_uploader(
            "Upload a CSV, Excel or text file", type=FILE_TYPES, key=Keys.UPLOAD_FILE, on_change=_on_file,
            help=f"One row per area with its code — ward (E05…, May 2025) or LSOA (E01…, 2021 or 2011) — or "
                 f"ward names with their local authority chosen below, and one or more columns of numbers. Up to "
                 f"{max_bytes() // 2**20} MB. Files that look like patient records are refused.")
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
                c1.caption(f"{escape_markdown(layer.record.title)} — {layer.n_values:,} wards"
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
    checked, and a note when the uploaded layer shown has no values in the area.

    Everything goes in one container that is always drawn, even empty, so the elements after it
    keep their place: the map is then updated in place (keeping pan and zoom), not rebuilt.
    """
    added = session.pop(ADDED)
    if added:
        st.toast(f"Added “{escape_markdown(added)}” to the map", icon=":material/check_circle:")
    with st.container():
        error = session.get(ERROR)
        if error:
            st.error(escape_markdown(error), icon=":material/error:")
        pending: Pending | None = session.get(PENDING)
        if pending is not None and pending.preview is not None:
            if pending.added:
                with st.expander(f"Your file {escape_markdown(pending.name)}: add another column as a layer"):
                    _card(pending)
            else:
                with st.container(border=True):
                    _card(pending)
        _no_values_note(area_key, area_name, layer)


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
    st.info(f"**{escape_markdown(shown.record.title)}** has no values in {escape_markdown(area_name)}: the "
            f"wards in your file are in {escape_markdown(where)}. Choose that area to see them.",
            icon=":material/info:")


def _card(pending: Pending) -> None:
    """What the file holds and how it will be mapped, with the user's choices and "Add layer"."""
    preview: Preview = pending.preview
    k = f"{Keys.UPLOAD_CARD}{pending.seq}_"
    st.markdown("#### Your data: check it, then add it as a layer")
    st.caption(f"{escape_markdown(pending.name)} · read as {escape_markdown(preview.source)}. Nothing is "
               "mapped until you add it.")
    left, right = st.columns([3, 2], gap="large")
    with left:
        m = st.columns(3)
        m[0].metric("Rows read", f"{preview.rows_read:,}")
        m[1].metric("Areas matched", f"{preview.matched:,}")
        m[2].metric("Not matched", f"{len(preview.unmatched):,}")
        st.markdown(f"**Geography:** {escape_markdown(preview.geography.label)}, detected from the codes in "
                    f"column **{escape_markdown(preview.code_column)}**.")
        if preview.unmatched:
            with st.expander(f"{len(preview.unmatched):,} area(s) not matched (left out)"):
                st.dataframe(pd.DataFrame({"Not matched": list(preview.unmatched)}), hide_index=True,
                             height=min(300, 38 + 35 * len(preview.unmatched)), key=f"{k}unmatched")
        st.markdown("**Each column of numbers** — a count is summed to wards; a rate is averaged, weighted by "
                    "population or by a denominator column.")
        kinds = {}
        for i, c in enumerate(preview.columns):
            a, b = st.columns([3, 2], vertical_alignment="center")
            a.markdown(f"**{escape_markdown(c.name)}**  \n"
                       + escape_markdown(f"{c.n_values:,} values, {c.n_missing:,} missing; looks like a {c.guess} "
                                         f"({c.reason})"))
            kinds[c.name] = b.radio(f"Treat {escape_markdown(c.name)} as", ["count", "rate"],
                                    index=["count", "rate"].index(c.guess), key=f"{k}kind{i}", horizontal=True,
                                    label_visibility="collapsed")
        names = [c.name for c in preview.columns]
        denominator = None
        if "rate" in kinds.values():
            options = [None, *names]
            default = options.index(preview.denominator) if preview.denominator in options else 0
            denominator = st.selectbox("Denominator for rates", options, index=default, key=f"{k}denominator",
                                       format_func=lambda c: c or "None: weight by Census 2021 residents",
                                       help="The column whose values weight each area's rate when areas are "
                                            "combined into wards (e.g. registered patients).")
        if preview.ignored_columns or preview.notes:
            lines = [*preview.notes]
            if preview.ignored_columns:
                lines.append("Text columns not used: " + ", ".join(f"'{c}'" for c in preview.ignored_columns))
            st.caption("\n".join(f"- {escape_markdown(n)}" for n in lines))
    with right:
        index = st.selectbox("Column to map", range(len(names)), key=f"{k}column", format_func=lambda i: names[i])
        column = names[index]
        info = preview.columns[index]
        title = st.text_input("Title", value=" ".join(column.split())[:MAX_TITLE], max_chars=MAX_TITLE,
                              key=f"{k}title{index}", help="Heads the legend, the table column and the profile row.")
        unit = st.text_input("Unit", value=info.unit or ("people" if kinds[column] == "count" else "rate"),
                             key=f"{k}unit{index}", help="For example people, % of registered patients, per 1,000.")
        theme = st.selectbox("List it under the theme", THEMES, index=THEMES.index(THEME), key=f"{k}theme{index}",
                             help="Put your layer beside the public ones it belongs with, e.g. a count of people "
                                  "with 5+ long-term conditions under Long-term conditions.")
        worse = st.toggle("Higher is worse", value=True, key=f"{k}worse{index}",
                          help="Sets the colours (darkest = worst) and which wards the 'worst 10%' targeting picks.")
        threshold = st.number_input("Suppress counts below", min_value=SMALL_COUNT_THRESHOLD,
                                    max_value=MAX_THRESHOLD, value=SMALL_COUNT_THRESHOLD, step=1, key=f"{k}threshold",
                                    help=f"Ward counts from 1 to this number less one are hidden everywhere — "
                                         f"map, profile, table and downloads — as NHS disclosure control asks "
                                         f"(at least {SMALL_COUNT_THRESHOLD}).")
        wards = _aggregate(pending, kinds, denominator, int(threshold))
        usable = False
        if isinstance(wards, str):
            st.error(escape_markdown(wards), icon=":material/error:")
        else:
            usable = _result(wards, column)
        a, b = st.columns(2)
        a.button("Add layer", type="primary", icon=":material/add:", key=f"{k}add", width="stretch",
                 disabled=not usable, on_click=_add, args=(wards if usable else None, column, title, unit, worse, theme),
                 help=None if usable else "Nothing to map: no ward gets a value from this column.")
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


def _result(wards: WardUpload, column: str) -> bool:
    """What the chosen column gives on wards: how many values, how many suppressed, and the notes.
    Returns whether any ward gets a value (shown or suppressed): otherwise there is nothing to map."""
    values = wards.frame[column]
    hidden = int(wards.suppressed[column].sum())
    shown = int(values.notna().sum())
    gaps = len(values) - shown - hidden
    parts = [f"**{shown:,}** wards with a value"]
    if wards.kinds[column] == "count":
        parts.append(f"**{hidden:,}** suppressed (counts from 1 to {wards.threshold - 1})")
    if gaps:
        parts.append(f"**{gaps:,}** without a value")
    st.markdown("On 2025 wards: " + ", ".join(parts) + ".")
    # Notes about this column, and general ones -- but not the file-wide suppression count (given above per column).
    everywhere = f"{wards.n_suppressed:,} ward value(s) between 1 and"
    mine = [n for n in wards.notes if f"'{column}'" in n
            or not (n.startswith(everywhere) or any(f"'{c}'" in n for c in wards.frame.columns))]
    if mine:
        st.caption("\n".join(f"- {escape_markdown(n)}" for n in mine))
    return shown + hidden > 0
