"""The Goals tab in a real browser: the bivariate map draws its 3 x 3 key, the overlap map its legend, nothing is
fetched from another host (Vega-Lite charts included); the cohort readings table keeps every column on a phone."""

from __future__ import annotations

import pytest

from tests.conftest import (MAP_BOX, NEEDS_CHROMIUM, WARD_PATHS, browser_page, no_exception, only_local,
                            wait_until)

pytestmark = NEEDS_CHROMIUM


def _goals_map(page):
    """The Goals map (the explorer's map is drawn only while its own tab is shown)."""
    return page.get_by_role("tabpanel", name="Goals").locator(MAP_BOX)


def _read_key(page, out: dict) -> bool:
    """Read the grid key into ``out`` (labels, counts, no-data count, ward polygons); False until it is drawn."""
    try:
        frame = _goals_map(page)
        cells = frame.locator(".wl-grid td")
        if cells.count() != 9:
            return False
        out.update(labels=cells.evaluate_all("tds => tds.map(td => td.getAttribute('aria-label'))"),
                   counts=[int(t) for t in cells.all_inner_texts()],
                   no_data=int(frame.locator(".wl-legend .wl-row", has_text="No data").locator("em").inner_text()),
                   wards=frame.locator(WARD_PATHS).count())
        return True
    except Exception:  # noqa: BLE001 - a map being replaced or not yet drawn: try again
        return False


def _legend(page) -> str:
    """The Goals map's legend text now ("" while the map is being replaced)."""
    try:
        return _goals_map(page).locator(".wl-legend").inner_text(timeout=2_000)
    except Exception:  # noqa: BLE001 - a map being replaced or not yet drawn: try again
        return ""


def test_goals_tab_bivariate_key_overlap_legend_and_no_foreign_requests(app_url, browser) -> None:
    with browser_page(browser, "goals-tab") as (page, requests, _):
        page.goto(f"{app_url}/?area=E54000048")
        page.get_by_role("tab", name="Goals").click()
        page.get_by_role("heading", name="Goals: Lancashire and South Cumbria ICB").wait_for(timeout=90_000)
        page.get_by_role("tabpanel", name="Goals").locator(MAP_BOX).wait_for(timeout=90_000)
        key: dict = {}
        wait_until(lambda: _read_key(page, key), timeout=90, what="the 3 x 3 key")
        assert key["labels"][2].startswith("Most deprived third, worst third on the outcome: ")
        assert sum(key["counts"]) + key["no_data"] == key["wards"]  # every ward in a class or in no data
        # The trajectory and gradient charts: their code may load after the map is drawn, so wait for them.
        wait_until(lambda: page.locator("[data-testid='stVegaLiteChart']").count() >= 2, timeout=60,
                   what="the trajectory and gradient charts")
        page.get_by_text("How the cohort readings overlap", exact=True).click()
        # The list legend again (no grid: its axis title is gone).
        wait_until(lambda: "In all 3 readings" in (text := _legend(page)) and "Deprivation (IMD 2025)" not in text,
                   timeout=60, what="the overlap legend")
        no_exception(page)
        only_local(requests, app_url)


#: The columns of the cohort readings table (layers.goal_cohorts.reading_text).
READING_COLUMNS = ["Reading", "Wards", "Residents (share of area)", "Only in this reading"]


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 720)])
def test_readings_table_shows_every_column_on_a_phone_and_a_laptop(app_url, browser, width, height) -> None:
    with browser_page(browser, f"goals-readings-{width}", width, height) as (page, _, _):
        page.goto(f"{app_url}/?area=E54000048")
        page.get_by_role("tab", name="Goals").click()
        panel = page.get_by_role("tabpanel", name="Goals")
        table = panel.locator("[data-testid='stTable']", has_text="Only in this reading").first
        table.wait_for(timeout=120_000)
        table.scroll_into_view_if_needed()
        headers = [h.strip() for h in table.locator("th").all_inner_texts() if h.strip()]
        assert headers == READING_COLUMNS
        box = table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width  # the table lies inside the window
        overflow = table.evaluate("e => [...e.querySelectorAll('*')].filter(c => c.scrollWidth > c.clientWidth + 1)"
                                  ".length")
        assert overflow == 0  # nothing in it scrolls sideways
        last = table.locator("th", has_text="Only in this reading").bounding_box()
        assert last["x"] + last["width"] <= box["x"] + box["width"] + 1  # the last column is inside the table
        no_exception(page)
