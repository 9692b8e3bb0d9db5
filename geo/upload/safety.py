r"""Disclosure control and output safety: small-count suppression, CSV injection, HTML escaping.

**Small-number suppression** (NHS disclosure control practice): a count greater than 0
and below the threshold (default 5, so 1–4) is hidden wherever a value is shown or
exported. It applies to the *ward* values WardLens shows: the LSOA values of an upload are
never shown, so an LSOA count of 3 is fine once its ward totals 5 or more. Secondary
disclosure: any total over several wards (a local authority, a targeted selection) must be
the sum of the *suppressed* ward values, labelled as excluding suppressed wards — never
the sum of the unsuppressed ones, which would let a reader subtract the shown wards and
recover a hidden one. :func:`geo.upload.aggregation.aggregate_to_wards` applies the rule
before returning, so unsuppressed ward counts never leave it; it also hides what would
give a hidden count back -- parts and totals, rates with a known numerator -- by the rules
of :mod:`geo.upload.disclosure`.

**CSV/Excel formula injection** (OWASP "CSV Injection"): :func:`neutralise_formulas` puts
an apostrophe before any text cell (and header) starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return, so a spreadsheet shows it as text instead of running it. Numbers
stored as numbers, and text that is just a number ("-3.5"), are left alone.

**HTML and Markdown**: user- and data-supplied text (file names, headers, area names, and
every :class:`UploadError` message and note, which quote cells; a link's query string) must
be escaped wherever it is rendered: :func:`escape_html` for HTML (map tooltips and
popups, ``unsafe_allow_html=True``), :func:`plain_markdown` for Streamlit's Markdown
(``st.error``, ``st.warning``, ``st.info``, ``st.markdown``, ``st.caption``, ``st.toast``,
widget and expander labels), so a header such as ``[click](http://…)``, ``http://x``,
``![x](http://…)`` or ``$x$`` is shown as typed: plain text, no link, no image, no math.
``st.dataframe``, ``st.text`` and ``st.code`` show text literally and need nothing.

Backslash escapes are not enough against links: Streamlit's Markdown (react-markdown with
remark-gfm) turns *literal* URLs into links after escapes are resolved -- ``http\://x``
still becomes a link to ``http://x``, and so do ``www.`` addresses and e-mail addresses.
:func:`plain_markdown` therefore also puts an invisible WORD JOINER (U+2060) inside each
scheme (``http⁠://``), after ``www``, before ``@`` and after a ``:`` before a letter, where
the autolink and ``:material/…:`` icon patterns need those characters side by side; and it
puts the text on one line without control or direction-override characters (which can
reorder what a reader sees).
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


#: The invisible character put inside link-like text so that no autolink pattern matches.
WORD_JOINER = "\u2060"
_PLAIN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&@=^])")
_JUNK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*)(?=://)", re.IGNORECASE)
_WWW = re.compile(r"(www)(?=\.)", re.IGNORECASE)
_DIRECTIVE = re.compile(r":(?=[a-z])", re.IGNORECASE)


def plain_markdown(text: object) -> str:
    """``text`` as Markdown that Streamlit shows as plain text, exactly as typed, on one line.

    Markdown's punctuation (``\\`*_{}[]()#+-.!|<>~$:&@=^``) is backslash-escaped (no emphasis,
    heading, list, table, code, HTML, entity, math, image, link or ``:material/…:``
    directive); white space (line
    breaks included) becomes single spaces; control, zero-width and direction-override
    characters are dropped; and a WORD JOINER (U+2060, invisible) goes between a URL scheme
    and its ``://``, after ``www``, before ``@`` and after a ``:`` followed by a letter, so
    that no literal URL or e-mail address becomes a link and no ``:material/icon:`` an icon
    (Streamlit also matches those after escapes are resolved). For example ``plain_markdown("see http://x.org")`` is
    ``"see http\u2060\\://x\\.org"``.
    """
    one_line = " ".join(_JUNK.sub("", str(text)).split())
    joined = _SCHEME.sub(r"\1" + WORD_JOINER, one_line)
    joined = _WWW.sub(r"\1" + WORD_JOINER, joined).replace("@", WORD_JOINER + "@")
    joined = _DIRECTIVE.sub(":" + WORD_JOINER, joined)
    return _PLAIN_PUNCTUATION.sub(r"\\\1", joined)
