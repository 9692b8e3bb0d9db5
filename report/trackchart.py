"""The tracking charts as a static image (PNG or SVG) for the place pack: matplotlib, no network.

One figure, two panels, drawn from :mod:`layers.trackchart` (the same frames, styles, icons and
words as the app's charts): the cohort against the rest of the area (and each place) with 95% CI
bands, the baseline, target and trajectory; below it the cohort's XmR chart with its limits
(trial limits dashed and labelled), special-cause points by colour and shape, and the Making
Data Count variation and assurance icons with their words.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from layers.trackchart import POINT_TYPES, STYLES, ChartText, Icon, chart_data  # noqa: E402
from layers.tracking import COHORT, PLACE, REST, Tracking  # noqa: E402

#: Figure size in inches (fits the pack's portrait text width) and resolution.
SIZE = (10.0, 9.0)
DPI = 150


def _line(ax, frame: pd.DataFrame, key: str, label: str) -> None:
    style = STYLES[key]
    if style.band:
        ax.fill_between(frame["date"], frame["lower"], frame["upper"], color=style.colour, alpha=0.18, linewidth=0,
                        label=f"{label}: 95% CI")
    ax.plot(frame["date"], frame["rate"], color=style.colour, linewidth=style.width, marker=style.marker,
            markersize=3.5, dashes=style.dash or (None, None), label=label)


def _rates_panel(ax, tracking: Tracking, rates: pd.DataFrame, text: ChartText) -> None:
    places = rates[rates["kind"] == PLACE]
    for i, (_, place) in enumerate(places.groupby("group", sort=False)):
        ax.plot(place["date"], place["rate"], color=STYLES[PLACE].colour, linewidth=STYLES[PLACE].width,
                label="Each place (local authority)" if i == 0 else None)
    for key, label in ((REST, "Rest of the area"), (COHORT, "The cohort")):
        _line(ax, rates[rates["group"] == key], key, label)
    base = tracking.baseline_periods
    ax.plot([base[0].start_time, base[-1].end_time], [tracking.baseline] * 2, color=STYLES["baseline"].colour,
            linewidth=2.4, dashes=STYLES["baseline"].dash, label=f"Baseline ({base[0]} to {base[-1]})")
    line = tracking.trajectory
    ax.plot(line["date"], line["value"], color=STYLES["trajectory"].colour, dashes=STYLES["trajectory"].dash,
            linewidth=STYLES["trajectory"].width, label="Trajectory to the target")
    ax.plot(line["date"], [tracking.target] * 2, color=STYLES["target"].colour, dashes=STYLES["target"].dash,
            linewidth=STYLES["target"].width, label=f"Target by {tracking.goal.deadline:%B %Y}")
    ax.set_ylabel(text.y_title)
    ax.set_title(text.title, loc="left", fontsize=12, fontweight="bold")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=7.5, frameon=False)


def _icon(ax, x: float, icon: Icon, caption: str) -> None:
    ax.text(x, 1.02, icon.letter, transform=ax.transAxes, ha="center", va="bottom", fontsize=10, fontweight="bold",
            color="white", bbox={"boxstyle": "circle,pad=0.3", "facecolor": icon.colour, "edgecolor": "#333333"})
    ax.text(x + 0.025, 1.03, f"{caption}: {icon.text}", transform=ax.transAxes, ha="left", va="bottom", fontsize=7.5)


def _spc_panel(ax, tracking: Tracking, points: pd.DataFrame, text: ChartText) -> None:
    ax.plot(points["date"], points["value"], color="#bbbbbb", linewidth=1, zorder=1)
    for _, seg in points.groupby("segment"):
        trial = bool(seg["trial"].iloc[0])
        dashes = (2, 2) if trial else (6, 3)
        ax.plot(seg["date"], seg["mean"], color="#333333", linewidth=1.2, label="Mean" if seg.index[0] == 0 else None)
        for limit in ("lpl", "upl"):
            ax.plot(seg["date"], seg[limit], color="#555555", linewidth=1, dashes=dashes,
                    label=("Trial process limits (fewer than 12 points)" if trial else "Process limits")
                    if limit == "upl" and seg.index[0] == 0 else None)
        if trial:
            ax.annotate("trial limits", (seg["date"].iloc[-1], seg["upl"].iloc[-1]), fontsize=7, va="bottom")
    for kind, (colour, marker, label) in POINT_TYPES.items():
        hit = points[points["point_type"] == kind]
        if len(hit):
            ax.scatter(hit["date"], hit["value"], color=colour, marker=marker, s=28, zorder=3, label=label,
                       edgecolors="#333333", linewidths=0.4)
    if tracking.spc is not None and tracking.spc.target is not None:
        ax.axhline(tracking.target, color=STYLES["target"].colour, dashes=STYLES["target"].dash, linewidth=1.2,
                   label="Target")
    for period in tracking.rebase_at:
        ax.axvline(period.start_time, color="#333333", linewidth=0.8)
        ax.annotate(f"re-baselined {period}", (period.start_time, 1.0), xycoords=("data", "axes fraction"),
                    fontsize=7, ha="left", va="top")
    _icon(ax, 0.02, text.variation, "Variation")
    _icon(ax, 0.52, text.assurance, "Assurance")
    ax.set_ylabel(text.y_title)
    ax.set_title(text.spc_title, loc="left", fontsize=11, fontweight="bold", pad=26)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=7.5, frameon=False)


def render_tracking(tracking: Tracking, text: ChartText, *, fmt: str = "png") -> bytes:
    """The two panels as PNG (or SVG) bytes; the same tracking and text give the same bytes."""
    rates, points = chart_data(tracking)
    with plt.rc_context({"font.family": "DejaVu Sans", "svg.hashsalt": "wardlens", "axes.spines.top": False,
                         "axes.spines.right": False}):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=SIZE, dpi=DPI, sharex=True)
        _rates_panel(top, tracking, rates, text)
        _spc_panel(bottom, tracking, points, text)
        for ax in (top, bottom):
            ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
            ax.tick_params(labelsize=8, labelbottom=True)
        bottom.set_xlabel(text.x_title)
        fig.text(0.01, 0.005, text.subtitle, fontsize=7, ha="left", va="bottom", wrap=True)
        fig.tight_layout(rect=(0, 0.03, 1, 1), h_pad=2.5)
        out = io.BytesIO()
        fig.savefig(out, format=fmt, metadata={"Software": None} if fmt == "png" else {"Date": None})
        plt.close(fig)
    return out.getvalue()
