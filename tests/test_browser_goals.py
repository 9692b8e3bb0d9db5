"""The Goals tab in a real browser: the bivariate map draws its 3 x 3 key, the overlap map its legend, nothing is
fetched from another host (Vega-Lite charts included)."""

from __future__ import annotations

from tests.conftest import MAP_IFRAME, NEEDS_CHROMIUM, WARD_PATHS, browser_page, no_exception, only_local, wait_until

pytestmark = NEEDS_CHROMIUM


def test_goals_tab_bivariate_key_overlap_legend_and_no_foreign_requests(app_url, browser) -> None:
    with browser_page(browser, "goals-tab") as (page, requests, _):
        page.goto(f"{app_url}/?area=E54000048")
        page.get_by_role("tab", name="Goals").click()
        page.get_by_role("heading", name="Goals: Lancashire and South Cumbria ICB").wait_for(timeout=90_000)
        wait_until(lambda: page.locator(MAP_IFRAME).count() == 2, timeout=90, what="the Goals map")
        frame = page.locator(MAP_IFRAME).last.element_handle().content_frame()
        frame.wait_for_selector(WARD_PATHS, timeout=60_000)
        cells = frame.locator(".wl-grid td")
        wait_until(lambda: cells.count() == 9, timeout=30, what="the 3 x 3 key")
        labels = cells.evaluate_all("tds => tds.map(td => td.getAttribute('aria-label'))")
        assert labels[2].startswith("Most deprived third, worst third on the outcome: ")
        no_data = int(frame.locator(".wl-legend .wl-row", has_text="No data").locator("em").inner_text())
        assert sum(int(t) for t in cells.all_inner_texts()) + no_data == frame.locator(WARD_PATHS).count()
        assert page.locator("[data-testid='stVegaLiteChart']").count() >= 2  # trajectory and gradient
        page.get_by_text("How the cohort readings overlap", exact=True).click()
        wait_until(lambda: frame.locator(".wl-grid").count() == 0 and "In all 3 readings" in frame.locator(
            ".wl-legend").inner_text(), timeout=60, what="the overlap legend")
        no_exception(page)
        only_local(requests, app_url)
