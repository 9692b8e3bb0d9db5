"""The app in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

Starts ``streamlit run app.py`` on a free localhost port, then for Lancashire and South Cumbria
(the default page) and for LLR (opened from a link): the ward polygons are drawn on the
page's map, switching the measure changes their fill colours without reloading the
map, panning and zooming send nothing to the server, clicking a ward shows its profile, no
Streamlit exception appears, and no request goes to any host but the app's own. A screenshot is
saved to ``test-artifacts/`` when a check fails. The server, the browser and the helpers are
shared with the other browser tests (``tests/conftest.py``).
"""

from __future__ import annotations

import pytest

from tests.conftest import LEAFLET_MAP, MAP_BOX, NEEDS_CHROMIUM, WARD_PATHS
from tests.conftest import browser_page as _page
from tests.conftest import choose as _choose
from tests.conftest import click_ward as _click_ward
from tests.conftest import fills as _fills
from tests.conftest import map_moved as _moved
from tests.conftest import map_frame as _map
from tests.conftest import no_exception as _no_exception
from tests.conftest import only_local as _only_local
from tests.conftest import page_url as _url
from tests.conftest import pick_list_row as _pick_list_row
from tests.conftest import settled as _settled
from tests.conftest import wait_until as _wait_until
from tests.conftest import ward_points as _ward_points

pytestmark = NEEDS_CHROMIUM


def _exercise(page, requests: list[str], sent: list[float], app_url: str, n_wards: int, heading: str) -> None:
    frame = _map(page)
    page.get_by_role("heading", name=heading).wait_for(timeout=30_000)
    assert frame.locator(WARD_PATHS).count() == n_wards
    before = _fills(frame)
    assert len(set(before)) >= 4  # a choropleth, not one colour

    # Pan and zoom: nothing goes to the server (no script rerun).
    _settled(page)
    quiet = len(sent)
    cx, cy = _ward_points(page, frame)[0]
    page.mouse.move(cx, cy)
    _moved(page, lambda: page.mouse.wheel(0, -200))

    def drag() -> None:
        page.mouse.down()
        page.mouse.move(cx + 80, cy + 40, steps=5)
        page.mouse.up()

    _moved(page, drag)
    assert len(sent) == quiet, "panning or zooming the map sent a message to the server"

    # Switch the measure: new fill colours, same map (no reload).
    _choose(page, "Measure", "Income deprivation")
    _wait_until(lambda: _fills(frame) != before, what="fill colours to change after switching the measure")
    assert frame.locator(WARD_PATHS).count() == n_wards
    _wait_until(lambda: "layer=income_score_2025" in _url(page), timeout=10, what="the layer in the URL")

    # Click a ward: its profile appears, named as in the map tooltip, and a toast says where.
    name = _click_ward(page, frame, 1 / 2)
    page.get_by_role("heading", name=name, exact=True).wait_for(timeout=30_000)
    page.get_by_text(f"{name}: its profile is under the map").wait_for(timeout=10_000)
    assert len(sent) > quiet
    page.get_by_text("Target ward?").wait_for(timeout=10_000)
    _wait_until(lambda: "ward=E05" in _url(page), timeout=10, what="the ward in the URL")
    _no_exception(page)
    _only_local(requests, app_url)


def test_default_view_lsc_in_chromium(browser, app_url: str) -> None:
    with _page(browser, "browser-lsc") as (page, requests, sent):
        page.goto(app_url)
        _exercise(page, requests, sent, app_url, 280, "Lancashire and South Cumbria ICB")


def test_llr_from_a_link_in_chromium(browser, app_url: str) -> None:
    with _page(browser, "browser-llr") as (page, requests, sent):
        page.goto(f"{app_url}/?area=E54000015&target=core20&ward=E05010465")
        frame = _map(page)
        page.get_by_role("heading", name="Eyres Monsell", exact=True).wait_for(timeout=30_000)
        _exercise(page, requests, sent, app_url, 176, "Leicester, Leicestershire and Rutland ICB")
        assert "target=core20" in _url(page)
        frame.wait_for_selector(".wl-legend", timeout=5_000)


#: Records, in the page, what it holds when the first ward polygon appears, and tags that Leaflet map.
FIRST_SIGHT = """
new MutationObserver((_, observer) => {
  const box = document.querySelector('.wl-map');
  if (!box || !box.wlMap || !document.querySelector('path.leaflet-interactive')) { return; }
  observer.disconnect();
  box.wlMap.map.wlFirstPage = true;
  window.wlFirstSight = {
    top: box.getBoundingClientRect().top,
    controls: document.querySelectorAll('[data-testid=stSidebar] [data-testid=stSelectbox]').length,
    lists: document.querySelectorAll('[data-testid=stDataFrame]').length,
    title: document.querySelector('[data-testid=stMain] h1')?.textContent,
    wards: document.querySelectorAll('path.leaflet-interactive').length};
}).observe(document, {subtree: true, childList: true});
"""


def test_the_first_page_shows_a_links_map_first_then_the_rest_around_it(browser, app_url: str) -> None:
    """A session's first page holds the link's map and title but not the controls or the list; once the
    browser has painted the map they follow, around the same Leaflet map (not drawn again), with the
    link's ward outlined on it."""
    with _page(browser, "browser-map-first") as (page, _, _):
        page.add_init_script(FIRST_SIGHT)
        page.goto(f"{app_url}/?area=E54000015&layer=income_score_2025&target=core20&ward=E05010465")
        _map(page)  # the map, then the full page
        page.get_by_role("heading", name="Eyres Monsell", exact=True).wait_for(timeout=30_000)
        first = page.evaluate("window.wlFirstSight")
        assert first.pop("top") == page.locator(MAP_BOX).bounding_box()["y"]  # the map has not moved
        assert first == {"controls": 0, "lists": 0, "title": "Leicester, Leicestershire and Rutland ICB", "wards": 176}
        assert page.locator(MAP_BOX).count() == 1
        assert page.evaluate(f"() => {LEAFLET_MAP}.wlFirstPage") is True  # the first page's map, kept
        assert page.evaluate("() => document.querySelector('.wl-map').wlMap.selected") >= 0
        assert page.get_by_role("combobox", name="Measure").input_value() == "Income deprivation"
        assert page.get_by_role("combobox", name="Find a ward").input_value() == "Eyres Monsell — Leicester"
        _wait_until(lambda: "target=core20" in _url(page) and "ward=E05010465" in _url(page), timeout=10,
                    what="the link's view in the URL")
        _no_exception(page)


def test_msoa_life_expectancy_tab_in_chromium(browser, app_url: str) -> None:
    """The MSOA tab (built only when opened): 217 L&SC MSOAs, a tooltip with the 95% CI, and the
    sex switch recolours the same map; nothing is loaded from another host."""
    with _page(browser, "browser-msoa") as (page, requests, sent):
        page.goto(app_url)
        _map(page)
        page.get_by_role("tab", name="Life expectancy by MSOA").click()
        page.get_by_role("heading", name="Life expectancy by MSOA: Lancashire and South Cumbria ICB").wait_for(
            timeout=30_000)
        box_of_map = page.get_by_role("tabpanel", name="Life expectancy by MSOA").locator(MAP_BOX)
        box_of_map.wait_for(state="visible", timeout=30_000)
        frame = page
        frame.wait_for_selector(WARD_PATHS, state="attached", timeout=30_000)
        assert frame.locator(WARD_PATHS).count() == 217
        before = _fills(frame)
        box = box_of_map.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.6)
        frame.wait_for_selector(".wl-tip", timeout=10_000)
        assert "95% CI" in frame.inner_text(".wl-tip") or "No figure" in frame.inner_text(".wl-tip")
        page.get_by_text("Female", exact=True).click()
        _wait_until(lambda: _fills(frame) != before, what="MSOA colours to change after choosing Female")
        assert frame.locator(WARD_PATHS).count() == 217
        _no_exception(page)
        _only_local(requests, app_url)


def test_a_row_picked_in_the_list_is_cleared_by_a_map_click(browser, app_url: str) -> None:
    """Pick row 2 of the target list (by keyboard), then click another ward on the map: the profile follows
    the map and the list comes back with no row picked (a fresh widget, so no stale highlight)."""
    with _page(browser, "browser-list-then-map") as (page, requests, sent):
        page.goto(app_url)
        frame = _map(page)
        page.locator(".st-key-target_table_0").wait_for(timeout=30_000)
        _settled(page)
        listed = _pick_list_row(page, down=2)
        assert listed == "Claremont"  # rank 2 of L&SC's most deprived wards
        page.get_by_role("heading", name=listed, exact=True).wait_for(timeout=30_000)
        name = _click_ward(page, frame, 1 / 3)
        assert name != listed
        page.get_by_role("heading", name=name, exact=True).wait_for(timeout=30_000)
        # The ward search box names the ward shown, whichever way it was chosen.
        _wait_until(lambda: page.locator(".st-key-ward_search input").input_value().startswith(f"{name} — "), timeout=10,
                    what="the clicked ward in the search box")
        page.locator(".st-key-target_table_1").wait_for(timeout=10_000)
        page.locator(".st-key-target_table_0").wait_for(state="detached", timeout=10_000)
        _no_exception(page)
        _only_local(requests, app_url)


def _tooltip_of(frame, ward: str) -> str:
    """The tooltip HTML the map gives the ward named ``ward`` (the bound tooltip function, called)."""
    return frame.evaluate("""name => {
        let html = null;
        LEAFLET.eachLayer(group => {  // the ward group holds the tooltip; its polygons carry wlIndex
            if (!group.eachLayer || !group.getTooltip || !group.getTooltip()) return;
            const content = group.getTooltip()._content;
            group.eachLayer(l => {
                const text = l.wlIndex === undefined ? '' : content(l);
                if (text.includes('<b>' + name + '</b>')) html = text;
            });
        });
        return html;
    }""".replace("LEAFLET", LEAFLET_MAP), ward)


def test_blackpool_from_a_link_with_the_coastal_outline(browser, app_url: str) -> None:
    """Park (Blackpool) has no male life expectancy: its tooltip says "no data", not "no data years".
    The link's coastal outline is drawn over the target outline (Claremont is both)."""
    with _page(browser, "browser-no-data") as (page, _, _):
        page.goto(f"{app_url}/?area=E54000048&place=E06000009&layer=le_male_2016_20&flags=coastal_flag")
        frame = _map(page)
        frame.wait_for_selector(".leaflet-flags-pane path", timeout=30_000)
        assert frame.evaluate("""() => +getComputedStyle(LEAFLET.getPane('flags')).zIndex
                                       > +getComputedStyle(LEAFLET.getPane('targets')).zIndex""".replace("LEAFLET", LEAFLET_MAP))
        assert frame.locator(".leaflet-flags-pane path").count() == 9  # Blackpool's nine seafront wards
        _wait_until(lambda: _tooltip_of(frame, "Park") is not None, what="Park's tooltip")
        park, claremont = _tooltip_of(frame, "Park"), _tooltip_of(frame, "Claremont")
        assert "<b>no data</b></div>" in park and '<span class="wl-unit">' not in park
        assert '<span class="wl-unit">years</span>' in claremont


def test_the_classes_box_shows_each_choice_whole(browser, app_url: str) -> None:
    """The box shows one line: each choice fits it at the sidebar's width (it read "Layer default:
    Quantiles within the area (5 c…")."""
    with _page(browser, "browser-classes", width=1280, height=1000) as (page, _, _):  # the list opens in view
        page.goto(f"{app_url}/?layer=le_male_2016_20")  # a layer whose default is quantiles
        _map(page)
        box = page.get_by_role("combobox", name="Classes")
        _settled(page)
        assert box.input_value() == "Default: quantiles within the area"
        for choice in ("National deciles (England's breaks)", "Equal interval (equal widths)",
                       "Fisher–Jenks natural breaks", "Quantiles (equal numbers of wards)",
                       "Default: quantiles within the area"):
            _choose(page, "Classes", choice)
            assert box.evaluate("i => i.scrollWidth <= i.clientWidth"), f"{choice!r} is cut short"
        _no_exception(page)


@pytest.mark.parametrize(("width", "side_by_side"), [(1280, False), (1920, False), (2400, True)])
def test_the_target_list_shows_every_column_beside_or_under_the_map(browser, app_url: str, width: int,
                                                                     side_by_side: bool) -> None:
    """With three indicator columns (the widest list), no column of the list is cut or scrolled to:
    the map and list sit side by side only where the list still has room (ui/panels.py)."""
    with _page(browser, f"browser-list-{width}", width=width, height=900) as (page, _, _):
        page.goto(f"{app_url}/?layer=income_score_2025&target=layer10")
        _map(page)
        grid = page.locator("[data-testid=stDataFrame]").first
        grid.wait_for(timeout=30_000)
        _settled(page)
        scroller = grid.locator(".dvn-scroller").first
        _wait_until(lambda: scroller.evaluate("s => s.clientWidth > 0"), what="the list to have its width")
        assert scroller.evaluate("s => s.scrollWidth <= s.clientWidth"), scroller.evaluate(
            "s => [s.scrollWidth, s.clientWidth]")
        map_box, list_box = page.locator(MAP_BOX).bounding_box(), grid.bounding_box()
        assert (list_box["x"] >= map_box["x"] + map_box["width"]) == side_by_side, (map_box, list_box)
        _no_exception(page)


def test_a_row_ticked_far_down_the_list_takes_the_page_up_to_the_profile(browser, app_url: str) -> None:
    """On a laptop the list is under the map and the profile: tick a row with the mouse, the list at the
    top of the screen, and the page goes up to the ward's profile (it opened thousands of pixels above)."""
    with _page(browser, "browser-list-reveal", width=1280, height=720) as (page, _, _):
        page.goto(app_url)
        _map(page)
        grid = page.locator("[data-testid=stDataFrame]").first
        grid.wait_for(timeout=30_000)
        _settled(page)
        grid.evaluate("g => g.scrollIntoView({block: 'start'})")
        heading = page.locator("#ward-profile")
        assert heading.bounding_box()["y"] < 0  # above the screen
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 16, box["y"] + 38 + 35 * 2 + 17)  # row 3's tick box
        page.get_by_text("Target ward?").wait_for(timeout=30_000)
        _wait_until(lambda: 0 <= heading.bounding_box()["y"] < 200, timeout=10,
                    what="the profile's heading at the top of the screen")
        assert page.locator("[data-testid=stToast]").count() == 0  # nothing over the profile: it is in view
        _no_exception(page)
