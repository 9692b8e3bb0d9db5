"""The PDF engine (report.document): real text, metadata, tags, tables, images and hostile text.

One document exercises every block: a heading, paragraphs of hostile text (Typst and HTML
markup, a URL, an emoji, Welsh and French place names), a 120-row table that spans pages, a
map image with alt text on a landscape page. The PDF is read back with pypdf.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from report.document import (Bullets, Document, Heading, Image, Keep, KeyFigure, KeyFigures, Note, PageBreak,
                             Paragraph, Table, render_pdf)
from report.staticmap import render_map

A4 = (595.28, 841.89)  # points
DATE = dt.date(2026, 1, 15)
TITLE = "Lancashire and South Cumbria ICB: ward pack"
ALT = "Map of the IMD 2025 average score by ward in Lancashire and South Cumbria ICB"

#: Text that must print as itself: Typst markup and code, HTML, a URL, an emoji, non-Latin letters.
HOSTILE = (
    "#set page(width: 1cm)",
    "#set text(fill: red, size: 40pt)",
    "*not bold* _not italic_ `not code` $x^2$ @not-a-ref <not-a-label>",
    "= Not a heading",
    "<b>Ward & Co</b> <script>alert(1)</script>",
    "Costs £5 \\ 10% // not a comment /* nor this */ #{1 + 1} [link](x)",
    "https://example.org/wards?code=E05_001#top",
    "Grinning 😀 face",
    "Pen-y-bont",
    "Ynys Môn",
    "Saint-Étienne",
)

HEADER = ("Ward", "IMD score", "Residents", "Target")


def ward_rows(n: int) -> pd.DataFrame:
    """``n`` wards whose names carry markup characters, with a score, a count and a flag."""
    return pd.DataFrame({
        "Ward": [f"W{i:03d} #{i} *St_Mary's* @{i}" for i in range(n)],
        "IMD score": np.linspace(5.04, 80.0, n),
        "Residents": np.arange(n) * 1234,
        "Target": ["yes" if i % 10 == 0 else "" for i in range(n)],
    })


def squash(text: str) -> str:
    """Whitespace collapsed to single spaces (lines wrap where the page says)."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def map_png() -> bytes:
    from report.samples import sample_map
    return render_map(sample_map()[0])


@pytest.fixture(scope="module")
def document(map_png) -> Document:
    return Document(
        title=TITLE, subtitle="Health inequality by electoral ward (2025 boundaries)", date=DATE,
        blocks=(
            KeyFigures((KeyFigure("280", "wards"), KeyFigure("28", "target wards"),
                        KeyFigure("18.4%", "residents in target wards", "Census 2021"))),
            Heading("Summary"),
            *(Paragraph(text) for text in HOSTILE),
            Note("Ward values are population-weighted estimates. #pagebreak()", title="Caveat"),
            Heading("Target wards", 2),
            Table(ward_rows(120), caption="Wards ranked by IMD 2025 score",
                  formats={"IMD score": ".1f", "Residents": ",.0f"}),
            PageBreak("landscape"),
            Heading("Map"),
            Image(map_png, alt=ALT, caption="IMD 2025 average score"),
            PageBreak(),
            Heading("Notes"),
            Paragraph("Back on a portrait page."),
        ))


@pytest.fixture(scope="module")
def pdf(document) -> bytes:
    return render_pdf(document)


@pytest.fixture(scope="module")
def reader(pdf) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


@pytest.fixture(scope="module")
def pages(reader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def structure(reader: PdfReader) -> tuple[Counter, list[tuple[str, str]]]:
    """Count of each structure type in the tag tree, and (type, /Alt) of the elements with alt text."""
    tags: Counter = Counter()
    alts: list[tuple[str, str]] = []

    def walk(node) -> None:
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if node.get("/S") is not None:
            tags[str(node["/S"])] += 1
            if "/Alt" in node:
                alts.append((str(node["/S"]), str(node["/Alt"])))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if hasattr(kid, "get") and kid.get("/Type") not in ("/MCR", "/OBJR"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return tags, alts


def test_text_is_real_and_hostile_strings_print_literally(pages):
    text = squash("\n".join(pages))
    for literal in HOSTILE:
        assert squash(literal) in text or literal.replace(" ", "") in "".join(text.split()), literal
    assert "Ward values are population-weighted estimates. #pagebreak()" in text


def test_hostile_text_did_not_change_the_layout(reader, pages):
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    portrait = [s for s in sizes if s[0] < s[1]]
    landscape = [s for s in sizes if s[0] > s[1]]
    assert all(s == pytest.approx(A4, abs=0.01) for s in portrait)
    assert landscape == [pytest.approx(A4[::-1], abs=0.01)]
    # the "= Not a heading" paragraph is body text, not a heading: headings are exactly ours
    tags, _ = structure(reader)
    assert tags["/H1"] == 3 and tags["/H2"] == 1


def test_pages_count_numbers_and_running_footer(reader, pages):
    n = len(reader.pages)
    assert n == 5  # title, text and the table over three pages; the landscape map; the last portrait page
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {n}" in text
        assert f"{TITLE} · 15 January 2026" in text
    assert [float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages] == [
        False, False, False, True, False]
    assert "Back on a portrait page." in pages[-1]


def test_title_language_and_dates_in_the_metadata(reader):
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == TITLE
    assert reader.metadata.author == "WardLens"
    assert reader.metadata["/CreationDate"] == "D:20260115000000Z"
    xmp = reader.xmp_metadata
    assert xmp.dc_title == {"x-default": TITLE}
    assert xmp.dc_language == ["en-GB"]
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert "pdfuaid" in xmp.stream.get_data().decode("utf-8")  # declares PDF/UA-1


def test_pdf_is_tagged_with_a_real_table_and_alt_text(reader):
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    tags, alts = structure(reader)
    assert tags["/Table"] == 1
    assert tags["/TH"] == len(HEADER)  # the header row once, repeats are artifacts
    assert tags["/TR"] == 120 + 1
    assert tags["/TD"] == 120 * len(HEADER)
    assert tags["/P"] >= len(HOSTILE)
    assert ("/Figure", ALT) in alts


def test_long_table_keeps_every_row_with_the_header_on_each_page(pages):
    rows = ward_rows(120)
    text = squash("\n".join(pages))
    for name in rows["Ward"]:
        assert name in text, name
    assert "5.0 0 yes" in text and "80.0 146,846" in text  # formats applied: ".1f", ",.0f"
    table_pages = [p for p in pages if any(name in p for name in rows["Ward"])]
    assert len(table_pages) >= 3
    for page in table_pages:
        assert " ".join(HEADER) in squash(page)
    # rows stay in order across the page breaks
    positions = [text.index(name) for name in rows["Ward"]]
    assert positions == sorted(positions)


def test_same_document_gives_the_same_bytes(document, pdf):
    assert render_pdf(document) == pdf
    later = render_pdf(dataclasses.replace(document, date=dt.date(2026, 2, 1)))
    assert later != pdf
    assert PdfReader(io.BytesIO(later)).metadata["/CreationDate"] == "D:20260201000000Z"


def test_missing_values_alignment_and_an_svg_image(map_png):
    frame = pd.DataFrame({"Ward": ["Alpha", "Beta"], "Score": [1.25, np.nan], "Rank": pd.array([1, None], "Int64")})
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50" fill="#bd0026"/></svg>'
    doc = Document("Small", DATE, (Table(frame, formats={"Score": ".1f"}, align={"Ward": "center"}),
                                   Image(svg, alt="A red bar", width=0.3)), language="cy-GB")
    reader = PdfReader(io.BytesIO(render_pdf(doc)))
    text = squash(reader.pages[0].extract_text())
    assert "Alpha 1.2 1" in text or "Alpha 1.3 1" in text
    assert "Beta – –" in text
    assert reader.trailer["/Root"]["/Lang"] == "cy-GB"
    assert ("/Figure", "A red bar") in structure(reader)[1]
    assert Table(frame).alignments() == ["left", "right", "right"]
    assert Image(svg, alt="A red bar").aspect == 2.0


def test_bad_documents_are_refused_with_a_reason(map_png):
    with pytest.raises(ValueError, match="alt text"):
        Image(map_png, alt="  ")
    with pytest.raises(ValueError, match="PNG or SVG"):
        Image(b"GIF89a....", alt="x")
    with pytest.raises(ValueError, match="heading needs text"):
        Heading(" ")
    with pytest.raises(ValueError, match="skip"):
        Document("T", DATE, (Heading("A"), Heading("B", 3)))
    with pytest.raises(ValueError, match="language"):
        Document("T", DATE, language="English")
    with pytest.raises(ValueError, match="title"):
        Document(" ", DATE)
    with pytest.raises(ValueError, match="datetime.date"):
        Document("T", dt.datetime(2026, 1, 15, 12, 0))
    with pytest.raises(ValueError, match="column"):
        Table(ward_rows(2), formats={"Score": ".1f"})
    with pytest.raises(ValueError, match="format spec"):
        Table(ward_rows(2), formats={"IMD score": "%.1f"})
    with pytest.raises(ValueError, match="left, right or center"):
        Table(ward_rows(2), align={"Ward": "justify"})
    with pytest.raises(ValueError, match="landscape"):
        PageBreak("sideways")
    with pytest.raises(TypeError, match="not a document block"):
        render_pdf(Document("T", DATE, ("just a string",)))


def test_control_characters_are_dropped_not_fatal():
    doc = Document("Ctrl\x00title", DATE, (Paragraph("bell\x07 and\ttab"),))
    reader = PdfReader(io.BytesIO(render_pdf(doc)))
    assert reader.metadata.title == "Ctrltitle"
    assert "bell and tab" in squash(reader.pages[0].extract_text())


def test_keyfigures_render_value_and_label(reader, pages):
    first = squash(pages[0])
    assert re.search(r"280 wards 28 target wards 18\.4% residents in target wards Census 2021", first)


def test_a_print_size_map_fits_its_landscape_page_with_heading_and_caption():
    """An A4-proportioned map (taller than the text area allows at full width) is narrowed, so the
    heading, the map and its caption share one page."""
    from report.samples import sample_map
    a4_map = render_map(sample_map()[0], size="a4")
    image = Image(a4_map, alt="Map", caption="IMD 2025 average score")
    assert image.aspect == pytest.approx(3508 / 2480)
    doc = Document("T", DATE, (PageBreak("landscape"), Heading("Map"), image, Paragraph("After the map.")))
    pages = [squash(p.extract_text()) for p in PdfReader(io.BytesIO(render_pdf(doc))).pages]
    assert len(pages) == 2
    assert pages[1].startswith("Map Figure 1: IMD 2025 average score After the map.")


# --- lists, small type, groups kept on one page, image height ------------------------------------

def test_bullets_and_small_text_are_tagged_text() -> None:
    pdf = render_pdf(Document(title="Lists", date=DATE, blocks=(
        Heading("Caveats"), Bullets(("First #caveat *x*", "Second <b>caveat</b>"), size="small"),
        Paragraph("A small note $5", size="small"),
        Table(ward_rows(3), caption="Small", formats={"IMD score": ".1f"}, size="small"))))
    reader = PdfReader(io.BytesIO(pdf))
    text = squash(reader.pages[0].extract_text())
    assert "First #caveat *x*" in text and "Second <b>caveat</b>" in text and "A small note $5" in text
    tags, _ = structure(reader)
    assert tags["/L"] == 1 and tags["/LI"] == 2 and tags["/Table"] == 1


def test_a_kept_group_moves_to_the_next_page_rather_than_split() -> None:
    filler = tuple(Paragraph(f"Filler paragraph {i} " + "words " * 40) for i in range(12))  # the group starts low on page 1
    group = Keep((Heading("Kept together"), Table(ward_rows(12), caption="Twelve wards"),
                  Bullets(("The caveat of these numbers",))))
    for kept, expect_same_page in ((True, True), (False, False)):
        blocks = (*filler, group) if kept else (*filler, *group.blocks)
        pages = [squash(p.extract_text()) for p in PdfReader(io.BytesIO(render_pdf(
            Document(title="Keep", date=DATE, blocks=blocks)))).pages]
        heading = next(i for i, p in enumerate(pages) if "Kept together" in p)
        caveat = next(i for i, p in enumerate(pages) if "The caveat of these numbers" in p)
        assert (heading == caveat) is expect_same_page
    # taller than a page: it flows on instead of running off the page
    tall = Keep((Heading("Tall"), Table(ward_rows(150), caption="150 wards")))
    pages = PdfReader(io.BytesIO(render_pdf(Document(title="Tall", date=DATE, blocks=(tall,))))).pages
    text = squash(" ".join(p.extract_text() for p in pages))
    assert len(pages) >= 3 and "W149" in text


def test_new_blocks_refuse_bad_values(map_png) -> None:
    with pytest.raises(ValueError, match="at least one item"):
        Bullets(())
    with pytest.raises(ValueError, match="normal or small"):
        Paragraph("x", size="tiny")
    with pytest.raises(ValueError, match="page break"):
        Keep((Paragraph("x"), PageBreak()))
    with pytest.raises(ValueError, match="height"):
        Image(map_png, alt="map", height=1.5)
    with pytest.raises(ValueError, match="must not skip"):
        Document(title="t", date=DATE, blocks=(Keep((Heading("A"), Heading("C", 3))),))
