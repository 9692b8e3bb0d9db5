"""Disclosure control and output safety: small-count suppression, CSV injection, HTML escaping.

**Small-number suppression** (NHS disclosure control practice): a count greater than 0
and below the threshold (default 5, so 1–4) is hidden wherever a value is shown or
exported. It applies to the *ward* values WardLens shows: the LSOA values of an upload are
never shown, so an LSOA count of 3 is fine once its ward totals 5 or more. Secondary
disclosure: any total over several wards (a local authority, a targeted selection) must be
the sum of the *suppressed* ward values, labelled as excluding suppressed wards — never
the sum of the unsuppressed ones, which would let a reader subtract the shown wards and
recover a hidden one. :func:`geo.upload.aggregation.aggregate_to_wards` applies the rule
before returning, so unsuppressed ward counts never leave it. Rates are not suppressed;
a rate with a small numerator and a shown denominator can disclose it, so the app should
not show an uploaded rate beside its denominator for the same ward.

**CSV/Excel formula injection** (OWASP "CSV Injection"): :func:`neutralise_formulas` puts
an apostrophe before any text cell (and header) starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return, so a spreadsheet shows it as text instead of running it. Numbers
stored as numbers, and text that is just a number ("-3.5"), are left alone.

**HTML and Markdown**: user- and data-supplied text (file names, headers, area names, and
every :class:`UploadError` message and note, which quote cells) must be escaped wherever it
is rendered: :func:`escape_html` for HTML (folium tooltips and popups,
``unsafe_allow_html=True``), :func:`escape_markdown` for Streamlit's Markdown (``st.error``,
``st.warning``, ``st.info``, ``st.markdown``, ``st.caption``, widget labels), so a header
such as ``[click](http://…)`` or ``$x$`` is shown as typed. ``st.dataframe``, ``st.text``
and ``st.code`` show text literally and need nothing.
"""

from __future__ import annotations

import html
import re
from typing import Iterable

import pandas as pd

from geo.upload.errors import UploadError

#: Counts greater than 0 and below this are suppressed by default (1-4 hidden).
SMALL_COUNT_THRESHOLD = 5

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def small_count_mask(frame: pd.DataFrame, columns: Iterable[str], threshold: int = SMALL_COUNT_THRESHOLD
                     ) -> pd.DataFrame:
    """True where a value in ``columns`` is greater than 0 and below ``threshold`` (other columns False)."""
    if threshold < 1:
        raise UploadError(f"The small-number threshold must be 1 or more, not {threshold}",
                          "Set a threshold of 5 (NHS practice) or more; 1 turns suppression off")
    mask = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        mask[column] = (values > 0) & (values < threshold)
    return mask


def suppress_small_counts(frame: pd.DataFrame, columns: Iterable[str], threshold: int = SMALL_COUNT_THRESHOLD
                          ) -> tuple[pd.DataFrame, int]:
    """A copy of ``frame`` with counts in ``columns`` between 1 and ``threshold`` - 1 set missing.

    Returns the copy and how many values were suppressed. Use :func:`small_count_mask` to
    label those cells ("fewer than 5") apart from true gaps.
    """
    mask = small_count_mask(frame, columns, threshold)
    out = frame.copy()
    for column in mask.columns[mask.any()]:
        out[column] = out[column].astype(float).mask(mask[column])
    return out, int(mask.to_numpy().sum())


def neutralise(cell: object) -> object:
    """``cell`` with a leading ``'`` if a spreadsheet would run it as a formula; numbers and
    number-like text ("-3.5") unchanged."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` safe to open in a spreadsheet: formula-like text gets a leading apostrophe."""
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(c) for c in out.columns]
    if isinstance(out.index, pd.Index) and not pd.api.types.is_numeric_dtype(out.index):
        out.index = out.index.map(neutralise)
    return out


def escape_html(text: object) -> str:
    """``text`` as a string safe inside HTML (``<``, ``>``, ``&`` and quotes escaped)."""
    return html.escape(str(text), quote=True)


def escape_markdown(text: object) -> str:
    """``text`` as a string Streamlit's Markdown shows as typed (punctuation backslash-escaped)."""
    return _MARKDOWN.sub(r"\\\1", str(text))
