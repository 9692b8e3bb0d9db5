"""Accessibility in a real browser (WCAG 2.2 AA): axe-core on every tab and on a ward's profile, at
desktop and phone widths, and the keyboard paths to a ward's profile.

axe-core (pinned through axe-playwright-python) checks the page against the WCAG 2.0-2.2 A and
AA rules and its best-practice rules; none may fail. The map is drawn in the page itself (no
frame), so the same check covers it, legend and tooltips included. The keyboard tests reach the ward finder and the target list with Tab alone and open a
ward's profile with the keyboard, as someone who cannot use a mouse (or the map) would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import (BLOOMFIELD, NEEDS_CHROMIUM, browser_page, map_frame, no_exception, pick_list_row, settled,
                            tab_to)

pytestmark = NEEDS_CHROMIUM

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PAGE_RULES = {"runOnly": {"type": "tag", "values": [*WCAG, "best-practice"]}, "resultTypes": ["violations"]}
#: Each tab and the heading it opens with.
TABS = {"Life expectancy by MSOA": "Life expectancy by MSOA", "Goals": "Goals",
        "Methods and sources": "How the ward values were made"}
PHONE = {"width": 390, "height": 844}


def _violations(results: dict) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in results["violations"]]


def _check(page) -> list[str]:
    """axe's violations on the page, its map included."""
    return _violations(Axe().run(page, options=PAGE_RULES).response)


@contextmanager
def _explorer(browser, app_url: str, name: str, viewport: dict | None = None) -> Iterator[object]:
    """The explorer in a fresh page (at ``viewport`` if given), its map drawn and its script run."""
    with browser_page(browser, name) as (page, _, _):
        if viewport:
            page.set_viewport_size(viewport)
        page.goto(app_url)
        map_frame(page)
        settled(page)
        yield page


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_explorer_passes_axe(browser, app_url: str, viewport) -> None:
    with _explorer(browser, app_url, "a11y-explorer", viewport) as page:
        assert _check(page) == []


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_ward_profile_passes_axe(browser, app_url: str, viewport) -> None:
    """Bloomfield's profile: its tables (cards on the phone) and notes, one caveat opened."""
    with browser_page(browser, "a11y-profile") as (page, _, _):
        if viewport:
            page.set_viewport_size(viewport)
        page.goto(f"{app_url}/?ward={BLOOMFIELD}")
        map_frame(page)
        page.locator("table.wlp").nth(4).wait_for(timeout=30_000)
        settled(page)
        page.locator("ol.wlp-notes summary").first.click()
        page.locator("ol.wlp-notes details[open]").first.wait_for()
        assert _check(page) == []


@pytest.mark.parametrize("tab", TABS)
def test_each_tab_passes_axe(browser, app_url: str, tab: str) -> None:
    with _explorer(browser, app_url, f"a11y-{tab.split()[0].lower()}") as page:
        page.get_by_role("tab", name=tab).click()
        page.get_by_role("heading", level=2, name=TABS[tab]).first.wait_for(timeout=90_000)
        settled(page)
        found = _violations(Axe().run(page, options=PAGE_RULES).response)
        assert found == []
        no_exception(page)


def test_the_keyboard_reaches_a_ward_profile_from_the_finder(browser, app_url: str) -> None:
    with _explorer(browser, app_url, "a11y-finder") as page:
        page.get_by_role("button", name="Link to this view").focus()  # the first control under the area's title
        tab_to(page, "e => e.getAttribute('aria-label') === 'Find a ward'")
        page.keyboard.type("Claremont")
        page.get_by_role("option", name="Claremont", exact=False).first.wait_for()
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Claremont", exact=True).wait_for(timeout=30_000)
        assert "Target ward?" in page.locator("[data-testid='stMain']").inner_text()
        no_exception(page)


def test_the_keyboard_selects_a_ward_in_the_target_list(browser, app_url: str) -> None:
    with _explorer(browser, app_url, "a11y-list") as page:
        ward = pick_list_row(page, down=3)
        assert ward == "Talbot"  # rank 3
        page.get_by_role("heading", name=ward, exact=True).wait_for(timeout=30_000)
        no_exception(page)
