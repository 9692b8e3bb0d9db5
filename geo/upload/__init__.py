"""Bring your own data: read, check and map a user's own area-level figures (issue 5).

Pure functions on bytes and frames — no streamlit, and nothing is ever written to disk.
The app wires them in four steps::

    from geo.upload import (UploadError, read_reference, read_upload, read_pasted,
                            inspect_upload, aggregate_to_wards, template_for_area,
                            neutralise_formulas, escape_html, plain_markdown)

    reference = read_reference()                 # open lookups; cache with st.cache_resource
    try:
        table = read_upload(file.name, file.getvalue(), max_bytes=20 * 2**20)   # or read_pasted(text)
        preview = inspect_upload(table, reference, lad_code=chosen_lad)        # lad only for ward names
        # show preview.lines(); let the user confirm preview.guesses (count/rate per column: a
        # rate only once confirmed), preview.denominator, a title, unit and "higher is worse"
        wards = aggregate_to_wards(preview, reference, kinds=confirmed, threshold=5)
    except UploadError as error:
        st.error(plain_markdown(error))         # what is wrong + "Fix: ..."; the app carries on

Every limit (file size, unpacked size, rows, columns, cells, cell length, time) is checked
before the work it bounds, and a file over one is refused naming it (:mod:`~geo.upload.limits`).

``wards.frame`` (index ``ward_code``, one float column per value column, hidden values
already set missing) joins onto the ward layer like any indicator column;
``wards.suppressed`` marks the hidden values -- small counts, the counts that would give one
back by subtraction, rates whose count would be small (:mod:`~geo.upload.disclosure`) -- so
tooltips can say "fewer than 5" or "suppressed" rather than "no data"; ``wards.notes`` and ``preview.notes`` say what was guessed, left
out, weighted, rounded and suppressed. ``template_for_area(register, lad_or_icb_codes,
level="ward" | "lsoa", membership=...)`` gives the CSV template download.

Privacy in the app: keep ``table``/``preview``/``wards`` in ``st.session_state`` only.
Never pass uploaded bytes or frames to ``st.cache_data``/``st.cache_resource`` (those caches
are shared between sessions), never log them, and write them nowhere but the user's own
download. Exports: pass every frame through :func:`neutralise_formulas` before
``to_csv``/``to_excel``. Display: text from the file (headers, names, unmatched codes, and
every message and note, which may quote cells) goes through :func:`escape_html` where it
is rendered as HTML (map tooltips and legends, ``unsafe_allow_html``) and through
:func:`plain_markdown` where Streamlit renders Markdown (``st.error``, ``st.markdown``,
``st.caption``, widget labels) -- it also stops Streamlit turning URLs, ``www.`` and e-mail
addresses into links; ``st.dataframe`` and ``st.text`` show it literally.

Modules: :mod:`~geo.upload.limits` (how much is read), :mod:`~geo.upload.reader` (bytes →
cells: :mod:`~geo.upload.textfile` for text, :mod:`~geo.upload.workbook` for Excel),
:mod:`~geo.upload.tables` (cells → a table under its header), :mod:`~geo.upload.numbers`
(cells → numbers), :mod:`~geo.upload.privacy` (person-level refusal),
:mod:`~geo.upload.geography` (code kinds, vintages, the open lookups), :mod:`~geo.upload.preview`
(what the file holds; :mod:`~geo.upload.valuecolumns`: counts or rates),
:mod:`~geo.upload.aggregation` (to wards; :mod:`~geo.upload.suppression`: what is hidden),
:mod:`~geo.upload.disclosure` (what could be derived: totals and parts, rates' numerators),
:mod:`~geo.upload.safety` (suppression, formula neutralisation, escaping),
:mod:`~geo.upload.template`. Each module's docstring states its rules; :class:`UploadError` is
the only error raised for bad input.
"""

from __future__ import annotations

from geo.upload.aggregation import WardUpload, aggregate_to_wards
from geo.upload.disclosure import Relation, complementary_suppression, find_relations, small_numerators
from geo.upload.errors import UploadError
from geo.upload.geography import GEOGRAPHIES, Geography, Reference, read_reference
from geo.upload.limits import LIMITS, Limits
from geo.upload.preview import Preview, inspect_upload
from geo.upload.privacy import check_person_level, nhs_number_is_valid
from geo.upload.reader import MAX_BYTES, read_pasted, read_upload
from geo.upload.safety import (SMALL_COUNT_THRESHOLD, escape_html, neutralise, neutralise_formulas,
                               plain_markdown, small_count_mask, suppress_small_counts)
from geo.upload.tables import Table, display_name, listed
from geo.upload.template import template_for_area
from geo.upload.valuecolumns import ValueColumn

__all__ = [
    "GEOGRAPHIES", "LIMITS", "MAX_BYTES", "SMALL_COUNT_THRESHOLD", "Geography", "Limits", "Preview", "Reference",
    "Relation", "Table", "UploadError", "ValueColumn", "WardUpload", "aggregate_to_wards", "check_person_level",
    "complementary_suppression", "display_name", "escape_html", "find_relations",
    "inspect_upload", "listed", "neutralise", "neutralise_formulas", "nhs_number_is_valid", "plain_markdown",
    "read_pasted", "read_reference", "read_upload", "small_count_mask", "small_numerators", "suppress_small_counts",
    "template_for_area",
]
