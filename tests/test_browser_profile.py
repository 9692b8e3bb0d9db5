"""The ward profile in a real browser, on a laptop (1280 x 720) and a phone (390 x 844).

Bloomfield's profile (opened from a link) shows its five theme tables with nothing scrolling
sideways: not the page, not a table. With room (the laptop, beside the sidebar) each theme is a
table; on the phone each row is a card, its figures labelled (Ward, LA, ICB, England, Rank in ICB,
In England). Texts are the ward's own. A screenshot of each is kept in ``test-artifacts/``
(``profile-1280x720.png``, ``profile-390x844.png``) to look at.
"""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS, BLOOMFIELD, NEEDS_CHROMIUM, browser_page, no_exception, settled

pytestmark = NEEDS_CHROMIUM

#: The page's and each profile table's width against what is shown, and how a body row is laid out.
LAYOUT = """() => {
    const page = document.scrollingElement;
    const tables = [...document.querySelectorAll('table.wlp')];
    const row = tables[0].querySelector('tbody tr');
    const label = n => getComputedStyle(row.children[n], '::before').content;
    return {page: [page.scrollWidth, page.clientWidth],
            tables: tables.map(t => [t.scrollWidth, t.clientWidth, Math.round(t.getBoundingClientRect().right)]),
            row: getComputedStyle(row).display, head: tables[0].tHead.getBoundingClientRect().width,
            labels: [1, 2, 3, 4, 5, 6].map(label), width: window.innerWidth};
}"""


@pytest.mark.parametrize(("width", "height", "cards"), [(1280, 720, False), (390, 844, True)],
                         ids=["laptop", "phone"])
def test_the_profile_fits_without_scrolling_sideways(browser, app_url: str, width: int, height: int,
                                                      cards: bool) -> None:
    name = f"profile-{width}x{height}"
    with browser_page(browser, name, width=width, height=height) as (page, _, _):
        page.goto(f"{app_url}/?ward={BLOOMFIELD}")
        page.get_by_role("heading", name="Bloomfield", exact=True).wait_for(timeout=90_000)
        page.locator("table.wlp").nth(4).wait_for(timeout=30_000)
        settled(page)
        layout = page.evaluate(LAYOUT)
        assert layout["page"][0] <= layout["page"][1], layout
        assert len(layout["tables"]) == 5
        for scroll, client, right in layout["tables"]:
            assert scroll <= client and right <= layout["width"], layout
        if cards:
            assert layout["row"] == "grid" and layout["head"] <= 1, layout  # the header row is for screen readers
            assert layout["labels"] == ['"Ward"', '"LA"', '"ICB"', '"England"', '"Rank in ICB"', '"In England"']
        else:
            assert layout["row"] == "table-row" and layout["labels"] == ["none"] * 6, layout
        table = page.get_by_role("table", name="Deprivation indicators for Bloomfield")
        assert table.get_by_role("rowheader").first.inner_text().startswith(
            "Index of Multiple Deprivation, average score (IoD2025)")
        assert "1 of 280 · worst fifth" in table.inner_text()
        page.get_by_role("heading", name="Deprivation", exact=True).scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        no_exception(page)
