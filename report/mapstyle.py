"""The static map's furniture: output sizes, fonts, colours, line styles, and text measured without a renderer.

Fonts are the DejaVu Sans files shipped inside matplotlib (never a system font), so text is
measured (:func:`text_width_pt`) and wrapped (:func:`wrap`) from the font files' metrics the same
way on any machine. Colours of the page furniture live here; the data colours come from the
map's spec and its legend, and the line colours and widths from the web map
(:mod:`layers.mappayload`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

#: DejaVu Sans as shipped inside matplotlib (mpl-data), regular and bold: never a system font.
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_FILES = {"normal": FONT_DIR / "DejaVuSans.ttf", "bold": FONT_DIR / "DejaVuSans-Bold.ttf"}

#: Colours of the page furniture (the data colours come from the spec and its legend).
TEXT = "#1a1a1a"
MUTED = "#555555"
WARD_EDGE = "#ffffff"
RULE = "#cccccc"
LABEL_HALO = "#ffffff"
#: The suppressed hatch, as the web map draws it (``layers.mappayload.SWATCHES``).
HATCH_BACKGROUND = "#f7f7f7"
HATCH_LINE = "#737373"

#: Screen pixels (CSS, 96 per inch) to points: the web map's stroke widths become line widths.
PX_TO_PT = 72 / 96


@dataclass(frozen=True)
class Canvas:
    """One output size: exact pixel size of the PNG, its resolution and the base text size.

    ``em``: body text size in points (titles and labels are multiples of it); ``line``: factor
    on the web map's stroke widths; ``legend_width``: the legend column's share of the width.
    """

    id: str
    width_px: int
    height_px: int
    dpi: int
    em: float
    line: float
    legend_width: float

    @property
    def size_in(self) -> tuple[float, float]:
        return self.width_px / self.dpi, self.height_px / self.dpi


#: The sizes :func:`report.staticmap.render_map` offers: a 16:9 slide (1920x1080 px) and A4 landscape at 300 dpi.
CANVASES: dict[str, Canvas] = {c.id: c for c in (
    Canvas("slide", 1920, 1080, 100, em=13.0, line=1.0, legend_width=0.25),
    Canvas("a4", 3508, 2480, 300, em=8.5, line=0.7, legend_width=0.27),
)}


def dashes(dash: str) -> tuple[int, tuple[float, ...]] | str:
    """An SVG dash array (``"6 4"``, as :data:`layers.mappayload.FLAG_OUTLINES`) as a matplotlib line style."""
    if not dash.strip():
        return "solid"
    try:
        values = tuple(float(v) for v in dash.replace(",", " ").split())
    except ValueError:
        raise ValueError(f"outline dash {dash!r} is not a list of numbers such as '6 4'") from None
    if len(values) % 2 or any(v <= 0 for v in values):
        raise ValueError(f"outline dash {dash!r} needs an even count of positive lengths")
    return (0, tuple(v * PX_TO_PT for v in values))


_TEXT_TO_PATH = TextToPath()


def font(size: float, weight: str = "normal") -> FontProperties:
    """DejaVu Sans from matplotlib's own files; ``weight`` also names the weight an SVG's text asks for."""
    return FontProperties(fname=FONT_FILES[weight], size=size, weight=weight)


@lru_cache(maxsize=4096)
def _unit_width(text: str, weight: str) -> float:
    """Width of ``text`` at 1 pt in DejaVu Sans of ``weight``, from the font file's metrics."""
    width, _, _ = _TEXT_TO_PATH.get_text_width_height_descent(text, font(100.0, weight), ismath=False)
    return width / 100.0


def text_width_pt(text: str, prop: FontProperties) -> float:
    """Width of ``text`` in points in the font ``prop`` (no renderer needed)."""
    return _unit_width(text, str(prop.get_weight())) * prop.get_size_in_points()


def wrap(text: str, width_pt: float, prop: FontProperties) -> list[str]:
    """Greedy word wrap of ``text`` to ``width_pt`` points in the font ``prop`` (plain text, no markup).

    A line's width is the sum of its words' and spaces' widths (each measured once), with 2%
    to spare for the kerning between them.
    """
    size, weight = prop.get_size_in_points(), str(prop.get_weight())
    space = _unit_width(" ", weight)
    room = width_pt / size / 1.02
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        line, used = "", 0.0
        for word in paragraph.split(" "):
            width = _unit_width(word, weight)
            if line and used + space + width > room:
                lines.append(line)
                line, used = word, width
            else:
                line, used = (f"{line} {word}", used + space + width) if line else (word, width)
        lines.append(line)
    return lines
