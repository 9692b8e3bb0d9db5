"""A small document model and the engine that turns it into an accessible, tagged PDF.

Build a :class:`Document` from blocks -- :class:`Heading`, :class:`Paragraph`, :class:`Bullets`,
:class:`Table`, :class:`Image`, :class:`Note`, :class:`KeyFigures`, :class:`Keep` and
:class:`PageBreak` -- and call
:func:`render_pdf`. The engine is Typst (the ``typst`` wheel: self-contained, no system
libraries; see ``report/README.md`` for why): the model is written as JSON beside the
template ``report/templates/document.typ`` and images as files, and Typst compiles them to a
PDF/UA-1 document -- tagged (headings, paragraphs, tables with header cells, figures with alt
text), with the title and language in its metadata, A4 pages numbered in a running footer
(title · date), and landscape pages where a :class:`PageBreak` asks for one.

Every text of the model reaches Typst as a JSON string, which the template inserts as a
value: it is never parsed as markup, so ward names or notes holding ``#``, ``*``, ``$``,
``<``, ``_``, ``@`` or ``#set page(...)`` print as themselves and cannot change the layout.

Same document, same bytes: the PDF's dates come from :attr:`Document.date`, the fonts from
installed packages (DejaVu Sans inside matplotlib; never a system font).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import struct
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal, Union, get_args

import matplotlib
import pandas as pd
import typst

#: The Typst template that lays out every document.
TEMPLATE = Path(__file__).resolve().parent / "templates" / "document.typ"

#: Fonts the PDF may use: the TrueType files inside matplotlib (DejaVu Sans for text, with
#: STIX and Last Resort as fallbacks for rare symbols) and Typst's own embedded fonts.
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"

#: The PDF standard the engine writes: PDF/UA-1 (tagged, title and language required).
PDF_STANDARD = "ua-1"

Align = Literal["left", "right", "center"]
Orientation = Literal["portrait", "landscape"]
Size = Literal["normal", "small"]

_LANGUAGE = re.compile(r"^(?P<lang>[a-z]{2,3})(?:-(?P<region>[A-Z]{2}))?$")
#: Control characters (other than tab and newline) have no glyph and no business in a report.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.S)


def _clean(text: object) -> str:
    return _CONTROL.sub("", str(text)).replace("\t", " ")


def _require_choice(what: str, value: object, choices: object) -> None:
    """Raise ``ValueError`` unless ``value`` is one of the ``Literal`` type ``choices``' values."""
    allowed = get_args(choices)
    if value not in allowed:
        raise ValueError(f"{what} must be {' or '.join(allowed)}, got {value!r}")


@dataclass(frozen=True)
class Heading:
    """A section heading; ``level`` 1 (section) to 4. Levels must not skip (PDF/UA)."""

    text: str
    level: int = 1

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3, 4):
            raise ValueError(f"heading level must be 1-4, got {self.level}")
        if not _clean(self.text).strip():
            raise ValueError("a heading needs text (PDF/UA: screen readers list headings by it)")


@dataclass(frozen=True)
class Paragraph:
    """Plain text (never markup); a newline starts a new line. ``size="small"`` for notes under a table."""

    text: str
    size: Size = "normal"

    def __post_init__(self) -> None:
        _require_choice("paragraph size", self.size, Size)


@dataclass(frozen=True)
class Bullets:
    """A bulleted list of plain-text items (tagged as a list); ``size="small"`` as for :class:`Paragraph`."""

    items: tuple[str, ...]
    size: Size = "normal"

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError("a list needs at least one item")
        _require_choice("list size", self.size, Size)


@dataclass(frozen=True, eq=False)
class Table:
    """A data table, tagged as a table with a header row that repeats on every page it spans.

    ``frame``: the rows and columns to show (column names become the header; the index is not
    shown -- reset it first to show it). ``formats``: a Python format spec per column
    (``".1f"``, ``",.0f"``, ``".0%"``); other cells print with ``str``; missing values print as
    ``missing``. ``align``: ``left``/``right``/``center`` per column (default: numbers right,
    text left). ``widths``: relative column widths (0 = as wide as its content), default all 0.
    ``size="small"``: smaller type and padding, for a wide table of many rows.
    """

    frame: pd.DataFrame
    caption: str = ""
    formats: Mapping[str, str] = field(default_factory=dict)
    align: Mapping[str, Align] = field(default_factory=dict)
    widths: tuple[float, ...] | None = None
    missing: str = "–"
    size: Size = "normal"

    def __post_init__(self) -> None:
        columns = [str(c) for c in self.frame.columns]
        if not columns:
            raise ValueError("a table needs at least one column")
        unknown = sorted((set(self.formats) | set(self.align)) - set(columns))
        if unknown:
            raise ValueError(f"formats/align name column(s) {unknown} that the table does not have ({columns})")
        bad = {c: a for c, a in self.align.items() if a not in ("left", "right", "center")}
        if bad:
            raise ValueError(f"alignments must be left, right or center, got {bad}")
        for column, spec in self.formats.items():
            try:
                format(1.5, spec)
            except (ValueError, TypeError):
                raise ValueError(f"format {spec!r} of column {column!r} is not a Python format spec") from None
        if self.widths is not None and (len(self.widths) != len(columns) or any(w < 0 for w in self.widths)):
            raise ValueError(f"widths needs one non-negative number per column ({len(columns)})")
        _require_choice("table size", self.size, Size)

    def cells(self) -> list[list[str]]:
        """Every cell as the text printed, row by row."""
        out = []
        for column, values in self.frame.items():
            spec = self.formats.get(str(column))
            out.append([self.missing if _is_missing(v) else _clean(format(v, spec) if spec else v)
                        for v in values.tolist()])
        return [list(row) for row in zip(*out)] if out else []

    def alignments(self) -> list[str]:
        return [self.align.get(str(c)) or ("right" if pd.api.types.is_numeric_dtype(t) and
                                            not pd.api.types.is_bool_dtype(t) else "left")
                for c, t in self.frame.dtypes.items()]


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Image:
    """A PNG or SVG picture (e.g. :func:`report.staticmap.render_map`'s bytes) with its alt text.

    ``alt``: what the picture shows, for screen readers (required). ``width``: share of the
    text width (0-1]; a tall picture is narrowed so that it stays within ``height`` (default
    75%) of the page's text height (room for a heading and the caption). ``caption``: printed
    under it (optional).
    """

    data: bytes
    alt: str
    width: float = 1.0
    caption: str = ""
    height: float = 0.75

    def __post_init__(self) -> None:
        if not self.alt.strip():
            raise ValueError("an image needs alt text saying what it shows")
        if not 0 < self.width <= 1:
            raise ValueError(f"image width is a share of the text width in (0, 1], got {self.width}")
        if not 0 < self.height <= 1:
            raise ValueError(f"image height is a share of the text height in (0, 1], got {self.height}")
        self.suffix  # raises for an unknown format

    @property
    def suffix(self) -> str:
        head = self.data[:512].lstrip()
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if head.startswith(b"<?xml") or head.startswith(b"<svg"):
            return "svg"
        raise ValueError("an image must be PNG or SVG bytes")

    @property
    def aspect(self) -> float | None:
        """Width over height, from the PNG header or the SVG's viewBox (or width and height); None if unknown."""
        if self.suffix == "png":
            width, height = struct.unpack(">II", self.data[16:24])
            return width / height if height else None
        tag = _SVG_TAG.search(self.data[:4096].decode("utf-8", "replace"))
        if not tag:
            return None
        box = re.search(r'viewBox\s*=\s*["\']\s*[-\d.eE+]+[\s,]+[-\d.eE+]+[\s,]+([\d.eE+]+)[\s,]+([\d.eE+]+)', tag[0])
        sizes = [re.search(rf'\b{k}\s*=\s*["\']\s*([\d.]+)', tag[0]) for k in ("width", "height")]
        width, height = (map(float, box.groups()) if box else
                         (float(sizes[0][1]), float(sizes[1][1])) if all(sizes) else (0.0, 0.0))
        return width / height if width > 0 and height > 0 else None


@dataclass(frozen=True)
class Note:
    """A caveat or note box: an optional bold title over plain text."""

    text: str
    title: str = "Note"


@dataclass(frozen=True)
class KeyFigure:
    """One labelled number: ``value`` as already formatted (``"28"``, ``"41%"``), ``label`` under it."""

    value: str
    label: str
    note: str = ""


@dataclass(frozen=True)
class KeyFigures:
    """A row of key figures (1-6)."""

    figures: tuple[KeyFigure, ...]

    def __post_init__(self) -> None:
        if not 1 <= len(self.figures) <= 6:
            raise ValueError(f"a row holds 1-6 key figures, got {len(self.figures)}")


@dataclass(frozen=True)
class PageBreak:
    """Start a new page; ``orientation`` sets it and the pages after it (until the next break)."""

    orientation: Orientation = "portrait"

    def __post_init__(self) -> None:
        _require_choice("orientation", self.orientation, Orientation)


@dataclass(frozen=True)
class Keep:
    """Blocks kept together on one page (e.g. a short table and the caveats of its numbers): the group
    moves to the next page rather than split; a group taller than a page flows on over pages as
    usual. No page break inside."""

    blocks: tuple["Block", ...]

    def __post_init__(self) -> None:
        if not self.blocks:
            raise ValueError("a group to keep together needs at least one block")
        if any(isinstance(b, (PageBreak, Keep)) for b in self.blocks):
            raise ValueError("a group kept on one page cannot hold a page break or another group")


Block = Union[Heading, Paragraph, Bullets, Table, Image, Note, KeyFigures, PageBreak, Keep]


def flat(blocks: tuple[Block, ...]) -> list[Block]:
    """The blocks in reading order, the blocks of each :class:`Keep` in its place."""
    return [inner for b in blocks for inner in (b.blocks if isinstance(b, Keep) else (b,))]


@dataclass(frozen=True)
class Document:
    """A report: title page matter, then ``blocks`` in order.

    ``language``: BCP 47 tag such as ``en-GB`` (the PDF's /Lang, and hyphenation and spelling
    hints for readers). ``date``: the document's date, printed in the footer and used as the
    PDF's creation and modification date (so the same document gives the same bytes).
    """

    title: str
    date: dt.date
    blocks: tuple[Block, ...] = ()
    subtitle: str = ""
    language: str = "en-GB"
    author: str = "WardLens"

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ValueError("a document needs a title (it is the PDF's title)")
        if not _LANGUAGE.match(self.language):
            raise ValueError(f"language must be a tag such as 'en-GB', got {self.language!r}")
        if isinstance(self.date, dt.datetime) or not isinstance(self.date, dt.date):
            raise ValueError(f"date must be a datetime.date, got {self.date!r}")
        levels = [b.level for b in flat(self.blocks) if isinstance(b, Heading)]
        for before, after in zip([0, *levels], levels):
            if after > before + 1:
                raise ValueError(f"heading levels must not skip (level {before} then {after}): "
                                 "screen readers navigate by them")


def british_date(day: dt.date) -> str:
    """``15 January 2026``."""
    return f"{day.day} {day:%B %Y}"


def _model(document: Document, images: list[str]) -> dict:
    """The JSON the template reads; ``images`` receives the file name of each image in order."""
    match = _LANGUAGE.match(document.language)
    runs: list[dict] = [{"landscape": False, "blocks": []}]
    for block in document.blocks:
        if isinstance(block, PageBreak):
            runs.append({"landscape": block.orientation == "landscape", "blocks": []})
            continue
        runs[-1]["blocks"].append(_block(block, images))
    return {
        "title": _clean(document.title), "subtitle": _clean(document.subtitle), "author": _clean(document.author),
        "lang": match["lang"], "region": match["region"] or None,
        "date": {"year": document.date.year, "month": document.date.month, "day": document.date.day,
                 "text": british_date(document.date)},
        "runs": runs,
    }


def _block(block: Block, images: list[str]) -> dict:
    if isinstance(block, Keep):
        return {"kind": "keep", "blocks": [_block(b, images) for b in block.blocks]}
    if isinstance(block, Heading):
        return {"kind": "heading", "level": block.level, "text": _clean(block.text)}
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": _clean(block.text), "small": block.size == "small"}
    if isinstance(block, Bullets):
        return {"kind": "bullets", "items": [_clean(i) for i in block.items], "small": block.size == "small"}
    if isinstance(block, Note):
        return {"kind": "note", "title": _clean(block.title), "text": _clean(block.text)}
    if isinstance(block, KeyFigures):
        return {"kind": "keyfigures", "figures": [{"value": _clean(f.value), "label": _clean(f.label),
                                                  "note": _clean(f.note)} for f in block.figures]}
    if isinstance(block, Image):
        name = f"image-{len(images)}.{block.suffix}"
        images.append(name)
        return {"kind": "image", "file": name, "alt": _clean(block.alt), "width": float(block.width),
                "height": float(block.height),
                "aspect": block.aspect, "caption": _clean(block.caption)}
    if isinstance(block, Table):
        n = len(block.frame.columns)
        return {"kind": "table", "caption": _clean(block.caption),
                "header": [_clean(c) for c in block.frame.columns], "rows": block.cells(),
                "align": block.alignments(), "widths": [float(w) for w in (block.widths or (0.0,) * n)],
                "small": block.size == "small"}
    raise TypeError(f"{type(block).__name__} is not a document block")


@lru_cache(maxsize=1)
def _fonts() -> typst.Fonts:
    """The fonts, found once per process: matplotlib's TrueType files and Typst's own, no system fonts."""
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(FONT_DIR)])


def render_pdf(document: Document) -> bytes:
    """The PDF (PDF/UA-1, tagged) of ``document``. Raises ``RuntimeError`` if Typst refuses it."""
    images: list[str] = []
    model = _model(document, images)
    pictures = [b for b in flat(document.blocks) if isinstance(b, Image)]
    with tempfile.TemporaryDirectory(prefix="wardlens-pdf-") as folder:
        root = Path(folder)
        (root / "doc.json").write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
        for name, picture in zip(images, pictures):
            (root / name).write_bytes(picture.data)
        main = root / "main.typ"
        main.write_bytes(TEMPLATE.read_bytes())
        when = dt.datetime(document.date.year, document.date.month, document.date.day, tzinfo=dt.timezone.utc)
        try:
            return typst.compile(str(main), root=str(root), font_paths=_fonts(), format="pdf",
                                 pdf_standards=[PDF_STANDARD], timestamp=when)
        except typst.TypstError as error:
            raise RuntimeError(f"the PDF engine (Typst) refused the document: {error.message}"
                               f"{' (' + '; '.join(error.hints) + ')' if error.hints else ''}") from error


__all__ = ["Align", "Block", "Bullets", "Document", "Heading", "Image", "Keep", "KeyFigure", "KeyFigures", "Note",
           "PageBreak", "Paragraph", "Table", "british_date", "flat", "render_pdf"]
