"""The legend column of a static map: title, unit and scheme, one row per class, then the line samples.

Laid out top-down in inches: a swatch, label and ward count per class (suppressed and no data
last), then a sample of each outline drawn on the map (target wards, flags, LAD borders).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from layers.mappayload import LAD_LINE, LINE_WEIGHTS, TARGET_OUTLINE
from layers.style import SUPPRESSED_FILL, LegendEntry
from report.mapstyle import HATCH_BACKGROUND, MUTED, PX_TO_PT, RULE, TEXT, Canvas, dashes, font, text_width_pt, wrap

if TYPE_CHECKING:
    from report.staticmap import MapSpec


def draw_legend(ax: Axes, spec: MapSpec, canvas: Canvas, width_in: float, height_in: float) -> None:
    """The legend panel, laid out top-down in inches: title, unit and scheme, one row per class
    (swatch, label, count of wards), suppressed and no data, then the outline samples."""
    legend = spec.legend
    em_pt = canvas.em
    em = em_pt / 72
    ax.set_axis_off()
    ax.set_xlim(0, width_in)
    ax.set_ylim(0, height_in)
    y = _heading(ax, spec, canvas, width_in, height_in)
    sw_w = 1.9 * em
    rows = _Rows(em=em, width_in=width_in, body=font(em_pt * 0.92), swatch_w=sw_w, swatch_h=1.05 * em,
                 least=1.55 * em, label_x=sw_w + 0.6 * em)
    count_room = text_width_pt("00,000", rows.body) + 0.6 * em_pt
    label_pt = width_in * 72 - rows.label_x * 72 - count_room
    for e in (*legend.entries, *filter(None, [legend.suppressed]), legend.no_data):
        y = _class_row(ax, rows, e, label_pt, y)
    y -= 0.4 * em
    ax.add_line(Line2D([0, width_in], [y, y], color=RULE, linewidth=0.6))
    y -= 0.5 * em
    for text, colour, width, style in _line_samples(spec, canvas):
        y = _sample_row(ax, rows, text, colour, width, style, y)


@dataclass(frozen=True)
class _Rows:
    """The layout of the legend's rows in inches: the swatch, the least row height, where the
    labels start, and the body font."""

    em: float
    width_in: float
    body: FontProperties
    swatch_w: float
    swatch_h: float
    least: float
    label_x: float

    def height(self, lines: list[str]) -> float:
        """The height of a row whose label takes ``lines``."""
        return max(self.least, len(lines) * self.body.get_size_in_points() * 1.25 / 72 + 0.5 * self.em)

    def label(self, ax: Axes, mid: float, lines: list[str]) -> None:
        ax.text(self.label_x, mid, "\n".join(lines), fontproperties=self.body, color=TEXT, va="center", ha="left",
                linespacing=1.25)


def _heading(ax: Axes, spec: MapSpec, canvas: Canvas, width_in: float, height_in: float) -> float:
    """The legend's title, its unit and scheme, and the heading of the counts; returns the y under them."""
    legend = spec.legend
    em_pt = canvas.em
    em = em_pt / 72
    width_pt = width_in * 72
    title_prop, muted = font(em_pt * 1.05, "bold"), font(em_pt * 0.8)
    y = _block(ax, height_in, legend.title, title_prop, TEXT, width_pt)
    y -= 0.2 * em
    y = _block(ax, y, " · ".join(p for p in (legend.unit, legend.scheme) if p), muted, MUTED, width_pt)
    y -= 0.5 * em
    ax.text(width_in, y, spec.noun, fontproperties=muted, color=MUTED, va="top", ha="right")
    return y - 1.3 * em


def _block(ax: Axes, y: float, text: str, prop: FontProperties, colour: str, avail: float) -> float:
    """``text`` wrapped to ``avail`` points from ``y`` down; returns the y under it."""
    lines = wrap(text, avail, prop)
    ax.text(0.0, y, "\n".join(lines), fontproperties=prop, color=colour, va="top", ha="left", linespacing=1.2)
    return y - len(lines) * prop.get_size_in_points() * 1.2 / 72


def _class_row(ax: Axes, rows: _Rows, e: LegendEntry, label_pt: float, y: float) -> float:
    """One class: its swatch (hatched for suppressed values), label and count of wards; returns the y under it."""
    lines = wrap(e.label, label_pt, rows.body)
    rows_h = rows.height(lines)
    mid = y - rows_h / 2
    sw_w, sw_h = rows.swatch_w, rows.swatch_h
    hatched = e.colour == SUPPRESSED_FILL
    ax.add_patch(Rectangle((0, mid - sw_h / 2), sw_w, sw_h, facecolor=HATCH_BACKGROUND if hatched else e.colour,
                           edgecolor="none", linewidth=0, antialiased=False, hatch="////" if hatched else None))
    ax.add_patch(Rectangle((0, mid - sw_h / 2), sw_w, sw_h, facecolor="none", edgecolor="#00000040",
                           linewidth=0.6))
    rows.label(ax, mid, lines)
    ax.text(rows.width_in, mid, f"{e.count:,}", fontproperties=rows.body, color=MUTED, va="center", ha="right")
    return y - rows_h


def _line_samples(spec: MapSpec, canvas: Canvas) -> list[tuple[str, str, float, object]]:
    """(label, colour, width in points, line style) of each line the map draws: target wards, flags, LAD borders."""
    weights = LINE_WEIGHTS[spec.level]
    lw = canvas.line * PX_TO_PT
    samples = []
    if spec.target_label and spec.targets is not None:
        samples.append((spec.target_label, TARGET_OUTLINE, weights.target * lw, "solid"))
    samples += [(o.label, o.colour, weights.flag * lw, dashes(o.dash)) for o in spec.outlines]
    samples.append(("Local authority boundary", LAD_LINE, weights.lad * lw, "solid"))
    return samples


def _sample_row(ax: Axes, rows: _Rows, text: str, colour: str, width: float, style: object, y: float) -> float:
    """A line sample and its label; returns the y under it."""
    lines = wrap(text, rows.width_in * 72 - rows.label_x * 72, rows.body)
    rows_h = rows.height(lines)
    mid = y - rows_h / 2
    em = rows.em
    ax.add_line(Line2D([0.1 * em, rows.swatch_w - 0.1 * em], [mid, mid], color=colour, linewidth=width,
                       linestyle=style, solid_capstyle="butt"))
    rows.label(ax, mid, lines)
    return y - rows_h
