"""Benchmark the board outputs (report/) and print the figures (nothing is asserted).

    python bench/bench_report.py                      # static maps, the PDF engine and the place packs
    python bench/bench_report.py --save DIR           # also write the sample PNG, SVG and PDF to DIR
    python bench/bench_report.py --pack               # the place packs only
    python bench/bench_report.py --engines            # the PDF engine evaluation (README.md, "Why Typst")

Static maps (report.staticmap): Lancashire and South Cumbria ICB (280 wards) as a slide PNG
(budget 3 s), an A4 PNG and an SVG, and all England (6,826 wards): first render (cold, with
matplotlib's font cache warm) and the median of three warm renders, with the file sizes.

PDF (report.document): the sample document of report.samples -- key figures, text, a note,
the 300 most deprived wards as a table and the map on a landscape page (about ten pages) --
its render time (first and warm) and size; budget for the whole pack: 10 s.

Place packs (report.pack): the L&SC pack (cover, map, 28-ward list, comparison, sources; budget
10 s) assembled and rendered in a warm process and by ``python -m report pack`` in a fresh one
(data read included), the view's slide PNG (budget 3 s), and one pack per local authority of
L&SC (``--all-places`` over 2 processes; budget 2 minutes).

``--engines`` makes the same tiny document (a heading, a paragraph of hostile text, a table)
with each candidate engine that is installed (typst, weasyprint, fpdf2, reportlab) and
inspects it with pypdf: tags, /MarkInfo, /Lang, title in Info and XMP, PDF/UA claim, table
tags, literal text, byte-identical second run, time. Only typst is a project requirement;
install the others by hand to compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import importlib.util
import io
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo import store  # noqa: E402
from report.document import render_pdf  # noqa: E402
from report.mapstyle import FONT_FILES  # noqa: E402
from report.samples import LSC, sample_document, sample_map  # noqa: E402
from report.staticmap import render_map  # noqa: E402


def _timed(fn, repeat: int = 3) -> tuple[float, float, object]:
    """(first run, median of the next ``repeat``, result) in seconds."""
    t = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return first, statistics.median(times), result


def bench_maps(save: Path | None) -> bytes:
    icb_shapes = store.read_ward_shapes("icb")
    lsc, _, _ = sample_map("imd_score_2025", LSC, shapes=icb_shapes)
    england, _, _ = sample_map("imd_score_2025", None)
    print("Static maps (report.staticmap.render_map), seconds: first / median of 3 warm")
    slide_png = b""
    for label, spec in (("L&SC ICB, 280 wards", lsc), ("All England, 6,826 wards", england)):
        for fmt, size in (("png", "slide"), ("png", "a4"), ("svg", "slide")):
            first, warm, data = _timed(lambda: render_map(spec, fmt=fmt, size=size))
            print(f"  {label:<26} {fmt.upper()} {size:<5}  {first:5.2f} / {warm:5.2f} s  {len(data) / 1e6:6.2f} MB")
            if spec is lsc and (fmt, size) == ("png", "slide"):
                slide_png = data
            if save:
                name = "lsc" if spec is lsc else "england"
                (save / f"map_{name}_{size}.{fmt}").write_bytes(data)
    return slide_png


def bench_pdf(map_png: bytes, save: Path | None) -> None:
    from pypdf import PdfReader

    t = time.perf_counter()
    document = sample_document(map_png, rows=300)
    assemble = time.perf_counter() - t
    first, warm, pdf = _timed(lambda: render_pdf(document))
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print("PDF (report.document.render_pdf): 300-row table and a slide PNG map")
    print(f"  sample document assembled      {assemble:5.2f} s")
    print(f"  render ({pages} pages)             {first:5.2f} / {warm:5.2f} s  {len(pdf) / 1e6:6.2f} MB")
    if save:
        (save / "sample_document.pdf").write_bytes(pdf)
        print(f"  written to {save}")


# --- the engine evaluation ------------------------------------------------------------------------

TITLE = "Ward pack test"
HOSTILE = "Ynys Môn #set page(width: 1cm) <b>*x*</b> $5 _y_ @ref"
ROWS = (("E05000001", "Pen-y-bont", "12.3"), ("E05000002", "Saint-Étienne", "45.6"))
WHEN = dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc)
FONT = str(FONT_FILES["normal"])


def _typst() -> bytes:
    from report.document import Document, Heading, Paragraph, Table
    import pandas as pd
    frame = pd.DataFrame(list(ROWS), columns=["Code", "Ward", "Score"])
    return render_pdf(Document(TITLE, WHEN.date(), (Heading("Heading"), Paragraph(HOSTILE),
                                                      Table(frame, caption="Wards"))))


def _weasyprint() -> bytes:
    import weasyprint
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in ROWS)
    page = (f'<html lang="en-GB"><head><title>{TITLE}</title><meta name="dcterms.created" '
            f'content="2026-01-15T00:00:00Z"></head><body><h1>Heading</h1><p>{html.escape(HOSTILE)}</p>'
            "<table><caption>Wards</caption><thead><tr><th>Code</th><th>Ward</th><th>Score</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></body></html>")
    return weasyprint.HTML(string=page).write_pdf(pdf_variant="pdf/ua-1")


def _fpdf2() -> bytes:
    from fpdf import FPDF
    pdf = FPDF(format="A4")
    pdf.set_title(TITLE)
    pdf.set_lang("en-GB")
    pdf.set_creation_date(WHEN)
    pdf.add_page()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.add_font("DejaVu", style="B", fname=str(FONT_FILES["bold"]))
    pdf.set_font("DejaVu", size=11)
    pdf.start_section("Heading")
    pdf.multi_cell(0, text=HOSTILE, new_x="LMARGIN", new_y="NEXT")
    with pdf.table() as table:
        for row in (("Code", "Ward", "Score"), *ROWS):
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    return bytes(pdf.output())


def _reportlab() -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table
    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    styles = getSampleStyleSheet()
    body = styles["Normal"]
    body.fontName = "DejaVu"
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=TITLE, lang="en-GB", invariant=1)
    doc.build([Paragraph("Heading", styles["Heading1"]), Paragraph(escape(HOSTILE), body),
               Table([("Code", "Ward", "Score"), *ROWS], repeatRows=1)])
    return buf.getvalue()


ENGINES = (("typst", "typst", _typst), ("weasyprint", "weasyprint", _weasyprint), ("fpdf2", "fpdf", _fpdf2),
           ("reportlab", "reportlab", _reportlab))


def _inspect(data: bytes) -> dict[str, object]:
    from pypdf import PdfReader

    from tests.test_report_document import structure

    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8", "replace") if reader.xmp_metadata else ""
    tags = structure(reader)[0] if "/StructTreeRoot" in root else Counter()
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    mark = root.get("/MarkInfo")
    return {
        "StructTreeRoot": "/StructTreeRoot" in root,
        "Marked": bool(mark and mark.get_object().get("/Marked")),
        "/Lang": str(root.get("/Lang")),
        "Info title": (reader.metadata or {}).get("/Title") == TITLE,
        "XMP title": TITLE in xmp,
        "PDF/UA id": "pdfuaid" in xmp,
        "table tags": "+".join(t.strip("/") for t in ("/Table", "/TH", "/TD") if tags[t]) or "none",
        "text literal": HOSTILE in text,
    }


def bench_engines() -> None:
    print("PDF engine evaluation: a heading, a hostile paragraph and a 2-row table, read back with pypdf")
    for name, module, make in ENGINES:
        if importlib.util.find_spec(module) is None:
            print(f"  {name:<11} not installed")
            continue
        make()  # first run loads fonts
        t = time.perf_counter()
        first = make()
        seconds = time.perf_counter() - t
        time.sleep(1.1)  # a clock that leaks into the file would now differ
        facts = _inspect(first) | {"same bytes": make() == first, "seconds": round(seconds, 3),
                                   "bytes": len(first)}
        print(f"  {name:<11} " + ", ".join(f"{k}={v}" for k, v in facts.items()))


def bench_pack(save: Path | None) -> None:
    import subprocess
    import tempfile

    from layers.view import layer_view
    from report import inputs
    from report.cli_pack import PackJob, run_jobs
    from report.cli_options import places
    from report.mapspec import map_spec
    from report.pack import file_stem, place_pack
    from report.version import version

    today = dt.date(2026, 1, 15)
    t = time.perf_counter()
    table, catalogue = inputs.ward_table(), inputs.catalogue()
    shapes, official = inputs.ward_shapes("icb"), inputs.official_summaries()
    print("Place packs (report.pack), seconds: first / median of 3 warm")
    print(f"  data read once per process              {time.perf_counter() - t:5.2f} s")
    area = inputs.area_of(LSC)

    def pack() -> bytes:
        return render_pdf(place_pack(catalogue, table, area, "imd_score_2025", None, "imd10", shapes=shapes,
                                     official=official, generated=today, version=version()))

    first, warm, pdf = _timed(pack)
    print(f"  L&SC pack (assemble + map + PDF)        {first:5.2f} / {warm:5.2f} s  {len(pdf) / 1e6:6.2f} MB  "
          f"(budget 10 s)")

    def png() -> bytes:
        view = layer_view(catalogue, table, area, "imd_score_2025", None, "imd10")
        return render_map(map_spec(view, shapes, table, generated=today, version=version()), fmt="png", size="slide")

    first, warm, image = _timed(png)
    print(f"  L&SC view PNG, slide (view + map)       {first:5.2f} / {warm:5.2f} s  {len(image) / 1e6:6.2f} MB  "
          f"(budget 3 s)")
    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "report", "pack", "--area", LSC, "--date", today.isoformat(), "--out",
                        str(Path(folder) / "lsc.pdf")], cwd=ROOT, check=True, capture_output=True)
        print(f"  python -m report pack --area {LSC}  {time.perf_counter() - t:5.2f} s  (fresh process, with imports)")
        lads = places(LSC, table)
        jobs = [PackJob(key=f"{LSC}/{lad}", layer="imd_score_2025", scheme=None, targeting="imd10", flags=(),
                        wards=(), goal=None, measure=None, choice_date=today.isoformat(),
                        out=Path(folder) / f"{file_stem(inputs.area_of(f'{LSC}/{lad}'), 'imd_score_2025', 'imd10')}.pdf")
                for lad, _ in lads]
        t = time.perf_counter()
        run_jobs(jobs, 2, stream=io.StringIO())
        print(f"  all {len(jobs)} L&SC place packs, 2 processes   {time.perf_counter() - t:5.2f} s  (budget 120 s)")
    if save:
        (save / "pack_lsc.pdf").write_bytes(pdf)
        (save / "map_lsc_view_slide.png").write_bytes(image)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, help="folder to write the sample PNG, SVG and PDF to")
    parser.add_argument("--engines", action="store_true", help="run the PDF engine evaluation only")
    parser.add_argument("--pack", action="store_true", help="run the place pack benchmark only")
    args = parser.parse_args()
    if args.engines:
        bench_engines()
        return
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    if not args.pack:
        png = bench_maps(args.save)
        bench_pdf(png, args.save)
    bench_pack(args.save)


if __name__ == "__main__":
    main()
