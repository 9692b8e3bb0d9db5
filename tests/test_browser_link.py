""""Copy link" in a real browser: the popover holds the address of the exact view, ward included,
drawn when it is opened (tests/test_first_page.py: not before)."""

from __future__ import annotations

from tests.conftest import BLOOMFIELD, LSC, NEEDS_CHROMIUM, browser_page, no_exception, settled

pytestmark = NEEDS_CHROMIUM


def test_copy_link_opens_on_the_address_of_this_view(browser, app_url: str) -> None:
    with browser_page(browser, "copy-link") as (page, _, _):
        page.goto(f"{app_url}/?ward={BLOOMFIELD}")
        page.get_by_role("heading", name="Bloomfield", exact=True).wait_for(timeout=90_000)
        settled(page)
        assert page.locator("[data-testid=stCode]").count() == 0
        page.get_by_role("button", name="Copy link").press("Enter")  # by keyboard
        code = page.locator("[data-testid=stCode]")
        code.wait_for(timeout=30_000)
        assert code.inner_text().strip() == (f"{app_url}/?area={LSC}&layer=imd_score_2025&target=imd10"
                                             f"&ward={BLOOMFIELD}")
        no_exception(page)
