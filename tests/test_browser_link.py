""""Link to this view" in a real browser: the popover holds the address of the exact view, ward included,
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
        page.get_by_role("button", name="Link to this view").press("Enter")  # by keyboard
        code = page.locator("[data-testid=stCode]")
        code.wait_for(timeout=30_000)
        assert code.inner_text().strip() == (f"{app_url}/?area={LSC}&layer=imd_score_2025&target=imd10"
                                             f"&ward={BLOOMFIELD}")
        no_exception(page)


def test_on_a_touch_screen_the_copy_button_shows_and_copies_the_link(browser, app_url: str) -> None:
    """A code block's copy button appears only on hover, which a touch screen never has: the app shows it."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    try:
        page = context.new_page()
        page.goto(f"{app_url}/?ward={BLOOMFIELD}")
        page.get_by_role("heading", name="Bloomfield", exact=True).wait_for(timeout=90_000)
        settled(page)
        page.get_by_role("button", name="Link to this view").tap()
        copy = page.locator("[data-testid=stCode]").get_by_role("button", name="Copy to clipboard")
        copy.wait_for(timeout=30_000)
        hidden = copy.evaluate("""b => {  // the button or a box around it that hides it
            const out = [];
            for (let e = b; e.dataset.testid !== 'stCode'; e = e.parentElement) {
                const s = getComputedStyle(e);
                if (s.visibility !== 'visible' || s.opacity !== '1') out.push(e.outerHTML.slice(0, 80));
            }
            return out; }""")
        assert hidden == []
        copy.tap()
        assert page.evaluate("navigator.clipboard.readText()") == (
            f"{app_url}/?area={LSC}&layer=imd_score_2025&target=imd10&ward={BLOOMFIELD}")
        no_exception(page)
    finally:
        context.close()
