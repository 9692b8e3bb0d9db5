"""Tracking a goal in a real browser (issue 13): the SYNTHETIC series goes in through the page's file input
and the Goals tab draws its charts.

Uploads ``tests/data/track/SYNTHETIC_lsc_nel_admissions_monthly_lsoa21.csv`` with Playwright's
``set_input_files``, checks the time-series card, presses "Track with it", opens the Goals tab and
reads the charts as a screen reader would -- Vega draws them as SVG with ARIA labels: the rates
chart and the XmR chart carry their text alternatives (measure, unit, the reading), and the XmR
chart's points say their type, so the first special-cause improvement is September 2025 and the
month before it is not one. Then re-baselining at 2025-09 changes the reading. The charts' legends
draw what the charts draw (each point type's legend symbol has the shape of its points; every line of
the rates chart is named), and on a 390-pixel phone no title, legend label or icon word is cut short
or runs off the chart. No fixed sleeps, no clicks at pixel positions; no request to another host.
"""

from __future__ import annotations

import re

from tests.conftest import ARTIFACTS, NEEDS_CHROMIUM, browser_page, no_exception, only_local, settled, wait_until
from tests.test_track_upload import SYNTHETIC

pytestmark = NEEDS_CHROMIUM

UPLOADER = "section[data-testid='stSidebar'] input[type=file]"
SPC = "[data-testid=stVegaLiteChart][aria-label^='XmR chart']"
RATES = "[data-testid=stVegaLiteChart][aria-label^='Line chart of']"
_POINTS = "e => Array.from(e.querySelectorAll('path[aria-label]')).map(x => x.getAttribute('aria-label'))"


def _point_types(page) -> dict[str, str]:
    """The XmR chart's points: their period and type, from the ARIA labels Vega gives each symbol."""
    labels = page.locator(SPC).evaluate(_POINTS)
    found = {}
    for label in labels:
        period, kind = re.search(r"Period: ([\d-]+)", label), re.search(r"Point: ([^;]+)", label)
        if period and kind:
            found[period.group(1)] = kind.group(1)
    return found


def _track(page, app_url: str) -> None:
    """Upload the SYNTHETIC series, track the goal with it and open the Goals tab until the XmR chart shows."""
    page.goto(app_url)
    settled(page)
    page.get_by_text("Your data", exact=True).first.click()
    page.locator(UPLOADER).set_input_files(str(SYNTHETIC))
    page.get_by_text("Your data: a time series — check it, then track a goal with it").wait_for(timeout=60_000)
    page.get_by_text("36 months, 2023-10 to 2026-09").wait_for(timeout=10_000)
    page.get_by_role("button", name="Track with it").click()
    page.get_by_text("see the Goals tab").wait_for(timeout=30_000)
    page.get_by_role("tab", name="Goals").click()
    page.locator(SPC).wait_for(timeout=60_000)


def test_the_synthetic_series_is_tracked_in_chromium(browser, app_url: str) -> None:
    with browser_page(browser, "browser-track") as (page, requests, _):
        _track(page, app_url)

        rates = page.locator(RATES).get_attribute("aria-label")
        assert "per 1,000 residents a month, 2023-10 to 2026-09, in Lancashire and South Cumbria ICB" in rates
        assert "difference in differences" in rates
        spc = page.locator(SPC).get_attribute("aria-label")
        assert "Special cause improvement since 2025-09" in spc and "Not judged until the chart is re-baselined" in spc
        assert "consistently missed" not in spc
        wait_until(lambda: len(_point_types(page)) == 36, what="the XmR chart's 36 points")
        types = _point_types(page)
        improving = sorted(p for p, t in types.items() if t == "Special cause: improvement")
        assert improving[0] == "2025-09" and len(improving) == 13 and types["2025-08"] != "Special cause: improvement"
        assert page.locator(SPC).get_by_text("Variation: Special cause improvement (lower)").count() == 1

        box = page.get_by_role("combobox", name="Re-baseline the SPC limits from")
        box.click()
        box.fill("2025-09")  # the list is long: type to filter it, as a user would
        page.get_by_role("option", name="2025-09", exact=True).click()
        wait_until(lambda: "not yet assured" in (page.locator(SPC).get_attribute("aria-label") or ""), timeout=30,
                   what="the reading after re-baselining")
        settled(page)
        no_exception(page)
        only_local(requests, app_url)


#: Each legend entry of a chart: its label and the drawing commands of its symbol (Vega draws both as SVG).
_LEGEND = """e => Array.from(e.querySelectorAll('.role-legend')).flatMap(legend => {
    const symbols = Array.from(legend.querySelectorAll('.role-legend-symbol path'));
    return Array.from(legend.querySelectorAll('.role-legend-label text')).map((t, i) => ({
        label: t.textContent, symbol: symbols[i]?.getAttribute('d')})); })"""
#: The drawing commands of every point of a chart with the type its ARIA label gives.
_MARKS = """e => Array.from(e.querySelectorAll('path[aria-label]')).map(x => ({
    label: x.getAttribute('aria-label'), d: x.getAttribute('d')}))"""
#: Every text of a chart that is cut short ("…") or lies outside the chart's box.
_CUT = """e => { const box = e.getBoundingClientRect();
    return Array.from(e.querySelectorAll('text')).filter(t => t.textContent.trim()).filter(t => {
        const r = t.getBoundingClientRect();
        return t.textContent.includes('…') || r.left < box.left - 1 || r.right > box.right + 1;
    }).map(t => t.textContent); }"""


def _shape(d: str | None) -> str:
    """A symbol's shape as its drawing commands without numbers (a diamond "MLLLZ", a cross twelve Ls, …)."""
    return re.sub(r"[^A-Za-z]", "", d or "")


def test_the_legends_match_the_marks_and_nothing_is_cut_at_390_px(browser, app_url: str) -> None:
    with browser_page(browser, "browser-track-legends") as (page, requests, _):
        _track(page, app_url)
        settled(page)
        rates = {e["label"] for e in page.locator(RATES).evaluate(_LEGEND)}
        assert {"The cohort", "Rest of the area", "Each place (hover for its name)", "Baseline (2024-01 to 2024-12)",
                "Trajectory to the target", "Target by March 2027"} <= rates
        places = [m["label"] for m in page.locator(RATES).evaluate(_MARKS)]
        assert any("Line: Blackpool" in label for label in places)  # a place line is named where it is pointed at
        legend = {e["label"]: _shape(e["symbol"]) for e in page.locator(SPC).evaluate(_LEGEND)}
        assert {"Mean", "Process limits", "Target", "Special cause: improvement",
                "Special cause: concern"} <= set(legend)
        for kind in ("Special cause: improvement", "Special cause: concern"):
            drawn = {_shape(m["d"]) for m in page.locator(SPC).evaluate(_MARKS) if f"Point: {kind}" in m["label"]}
            assert drawn == {legend[kind]}, (kind, drawn, legend[kind])
        assert legend["Special cause: improvement"] != legend["Special cause: concern"]

        page.set_viewport_size({"width": 390, "height": 844})
        wait_until(lambda: page.locator(SPC).bounding_box()["width"] <= 390, timeout=30, what="the charts at 390 px")
        settled(page)
        for chart in (RATES, SPC):
            page.locator(chart).scroll_into_view_if_needed()
            wait_until(lambda: not page.locator(chart).evaluate(_CUT), timeout=10,
                       what=f"no text cut in {chart}: {page.locator(chart).evaluate(_CUT)}")
            page.locator(chart).screenshot(path=str(ARTIFACTS / f"track-{'spc' if chart == SPC else 'rates'}-390.png"))
        no_exception(page)
        only_local(requests, app_url)
