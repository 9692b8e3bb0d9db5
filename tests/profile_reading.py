"""Read the ward profile back from the HTML the page shows (:func:`layers.profile.profile_html`).

The tests see the profile as a reader does: each theme's table (the ward's values) and the notes under
it (each indicator's unit, direction, period, warning, definition and caveat), joined row by row into
one frame with the columns of :data:`layers.profile.PROFILE_COLUMNS`. Read with the standard library's
HTML parser, so the texts are what a browser shows (entities decoded, nothing taken as markup).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from html.parser import HTMLParser

import pandas as pd

from layers.profile import NOTE_COLUMNS, PROFILE_COLUMNS, VALUE_COLUMNS


class _ProfileParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []  # per table: its rows (header row first), each a list of cells
        self.notes: list[tuple[str, list[dict[str, str]]]] = []  # per list: its theme and its items' fields
        self.headings: list[str] = []  # the themes' headings (the <h4> just before each table)
        self._heading = ""
        self._in_table = self._in_mark = self._in_caption = self._in_heading = self._in_notes = False
        self._field: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "h4":
            self._in_heading, self._heading = True, ""
        elif tag == "table" and attr.get("class") == "wlp":
            self.headings.append(self._heading)
            self._in_table = True
            self.tables.append([])
        elif self._in_table and tag == "caption":
            self._in_caption = True
        elif self._in_table and tag == "tr":
            self.tables[-1].append([])
        elif self._in_table and tag in ("th", "td"):
            self._in_caption = False
            self.tables[-1][-1].append("")
        elif self._in_table and tag == "i":
            self._in_mark = True
        elif tag == "ol" and attr.get("class") == "wlp-notes":
            self._in_notes = True
            self.notes.append((attr["data-theme"] or "", []))
        elif tag == "li" and self._in_notes:
            self.notes[-1][1].append({})
        elif "data-f" in attr:
            self._field = attr["data-f"]
            self.notes[-1][1][-1][self._field] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif tag == "ol":
            self._in_notes = False
        elif tag == "h4":
            self._in_heading = False
        elif tag == "i":
            self._in_mark = False
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("span", "b", "p"):
            self._field = None

    def handle_data(self, data: str) -> None:
        if self._in_heading:
            self._heading += data
        elif self._in_table and not self._in_mark and not self._in_caption and self.tables[-1]:
            row = self.tables[-1][-1]
            if row:
                row[-1] += data
        elif self._field is not None:
            self.notes[-1][1][-1][self._field] += data


def read_profile(bodies: Iterable[str]) -> pd.DataFrame:
    """The profile shown by the HTML ``bodies`` (in page order): one row per indicator, with the columns of
    :data:`PROFILE_COLUMNS`; ``Note`` is "" for a row with no warning. Fails if a table and its notes
    disagree (a row without its note, or a note naming another indicator)."""
    parser = _parsed(bodies)
    assert len(parser.tables) == len(parser.notes), "each theme's table has its notes"
    rows = []
    for table, (theme, notes) in zip(parser.tables, parser.notes, strict=True):
        header, *body = table
        assert len(header) == 1 + len(VALUE_COLUMNS) and len(body) == len(notes), (header, len(body), len(notes))
        for cells, note in zip(body, notes, strict=True):
            assert cells[0] == note["Indicator"], (cells[0], note["Indicator"])
            rows.append({"Theme": theme, **dict(zip(VALUE_COLUMNS, cells[1:], strict=True)),
                         **{c: note.get(c, "") for c in NOTE_COLUMNS}})
    return pd.DataFrame(rows, columns=list(PROFILE_COLUMNS))


def _parsed(bodies: Iterable[str]) -> _ProfileParser:
    parser = _ProfileParser()
    for body in bodies:
        parser.feed(body)
        parser.close()
    return parser


def theme_headings(bodies: Iterable[str]) -> list[str]:
    """The themes' headings in the HTML ``bodies``, in order."""
    return _parsed(bodies).headings


def table_headers(bodies: Iterable[str]) -> list[list[str]]:
    """The column headers of each profile table in the HTML ``bodies``."""
    return [table[0] for table in _parsed(bodies).tables]


class _Canonical(HTMLParser):
    """Writes HTML back as a browser reads it: tag and attribute names in lower case, every attribute
    quoted and in order, every end tag HTML lets a table leave out put back, texts decoded then escaped
    the one way (``&``, ``<`` and ``>``; in an attribute also ``"``)."""

    # A start tag that ends the open elements HTML lets it end (only what profile tables leave out).
    _ENDS = {"th": {"th", "td"}, "td": {"th", "td"}, "tr": {"th", "td", "tr"}, "tbody": {"th", "td", "tr", "thead"}}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._open: list[str] = []

    def _close_to(self, tag: str) -> None:
        while self._open:
            top = self._open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        while self._open and self._open[-1] in self._ENDS.get(tag, ()):
            self.out.append(f"</{self._open.pop()}>")
        quoted = (html.escape(value or "", quote=False).replace('"', "&quot;") for _, value in attrs)
        self.out.append(f"<{tag}" + "".join(f' {name}="{value}"' for (name, _), value in zip(attrs, quoted, strict=True)) + ">")
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            self._close_to(tag)

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))


def canonical(body: str) -> str:
    """``body`` as a browser reads it, written out in one canonical way (see :class:`_Canonical`): two
    bodies that a browser shows and a screen reader reads alike give the same text."""
    parser = _Canonical()
    parser.feed(body)
    parser.close()
    parser._close_to("")  # anything left open
    return "".join(parser.out)
