"""The map on a phone (390 x 844 CSS pixels, a touch screen) and at close zoom, in headless Chromium.

On a phone one finger over the map scrolls the page and two fingers move the map, with a hint when one
finger tries; a mouse still drags it and the arrow keys still pan it. On a narrow screen the map is
shorter than the screen. A ward's tooltip stays inside the map at its edges. Close in, the target wards are
named and no names overlap. Touches go through Chromium's own touch input (CDP), so the page scrolls
as it would under a finger.
"""

from __future__ import annotations

from tests.conftest import (LEAFLET_MAP, LSC, MAP_BOX, NEEDS_CHROMIUM, browser_page, choose, map_frame, map_moved,
                            settled, wait_until, ward_points)

pytestmark = NEEDS_CHROMIUM

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 720}
#: The map's height on a narrow screen, as a share of the screen's (wardlens.css).
PHONE_MAP_SHARE = 0.6
HINT = "Use two fingers to move the map"


def _centre(page) -> tuple[float, float]:
    return tuple(page.evaluate(f"() => {{ const c = {LEAFLET_MAP}.getCenter(); return [c.lat, c.lng]; }}"))


def _map_top(page) -> float:
    return page.evaluate(f"() => document.querySelector('{MAP_BOX}').getBoundingClientRect().top")


def _touch(page, fingers: list[list[tuple[float, float]]]) -> None:
    """Put ``fingers`` on the screen at the first point of each one's path, move them through the rest
    together (the paths are of one length), and lift them."""
    cdp = page.context.new_cdp_session(page)

    def points(step: int) -> list[dict]:
        return [{"x": path[step][0], "y": path[step][1], "id": i} for i, path in enumerate(fingers)]

    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points(0)})
    for step in range(1, len(fingers[0])):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": points(step)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def _path(x: float, y: float, dy: float, steps: int = 12) -> list[tuple[float, float]]:
    return [(x, y + dy * k / steps) for k in range(steps + 1)]


def test_one_finger_scrolls_the_page_and_two_move_the_map_on_a_phone(browser, app_url: str) -> None:
    with browser_page(browser, "phone-touch", **PHONE, touch=True) as (page, _, _):
        page.goto(app_url)
        map_frame(page)
        settled(page)
        box = page.locator(MAP_BOX).bounding_box()
        assert box["height"] <= PHONE["height"] * PHONE_MAP_SHARE + 1
        assert page.evaluate(f"() => {LEAFLET_MAP}.getSize().y") == round(box["height"])  # Leaflet knows its size

        # One finger up over the map: the page scrolls, the map stays, and a hint says how to move it.
        centre, top = _centre(page), _map_top(page)
        x, y = box["x"] + box["width"] / 2, min(box["y"] + 150, PHONE["height"] - 250)
        _touch(page, [_path(x, y, -200)])
        wait_until(lambda: _map_top(page) < top - 100, what="the page to scroll under one finger")
        assert _centre(page) == centre
        assert page.evaluate(f"() => {LEAFLET_MAP}.dragging.enabled()") is False
        page.get_by_text(HINT).wait_for(state="visible", timeout=5_000)
        page.get_by_text(HINT).wait_for(state="hidden", timeout=5_000)

        # Two fingers down over the map: the map moves north, the page stays.
        top = _map_top(page)
        y = _map_top(page) + 100
        _touch(page, [_path(x - 40, y, 120), _path(x + 40, y, 120)])
        wait_until(lambda: _centre(page)[0] > centre[0], what="the map to move under two fingers")
        assert abs(_map_top(page) - top) < 1

        # The arrow keys still pan it.
        page.locator(MAP_BOX).focus()
        centre = _centre(page)
        map_moved(page, lambda: page.keyboard.press("ArrowRight"))
        assert _centre(page)[1] > centre[1]


def test_a_mouse_still_drags_the_map_on_a_desktop(browser, app_url: str) -> None:
    with browser_page(browser, "desktop-drag", **DESKTOP) as (page, _, _):
        page.goto(app_url)
        map_frame(page)
        settled(page)
        assert page.locator(MAP_BOX).bounding_box()["height"] == 640
        assert page.evaluate(f"() => {LEAFLET_MAP}.dragging.enabled()") is True
        x, y = ward_points(page, page)[0]
        centre = _centre(page)

        def drag() -> None:
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + 80, y + 40, steps=5)
            page.mouse.up()

        map_moved(page, drag)
        assert _centre(page)[1] < centre[1]  # dragged east: the map shows more of the west
        assert page.get_by_text(HINT).is_hidden()


#: The tooltip shown on the map, or null: its ward's name, its box and the map's, on the page.
TOOLTIP = f"""() => {{
    const tip = document.querySelector('.leaflet-tooltip');
    if (!tip) return null;
    const box = r => ({{left: r.left, right: r.right, top: r.top, bottom: r.bottom}});
    return {{ward: tip.querySelector('.wl-tip b').textContent, tip: box(tip.getBoundingClientRect()),
             map: box(document.querySelector('{MAP_BOX}').getBoundingClientRect())}};
}}"""
#: The ward nearest each edge of the map, from the centres of the wards in view.
EDGES = {"left": min, "right": max, "top": lambda points: min(points, key=lambda p: p[1]),
         "bottom": lambda points: max(points, key=lambda p: p[1])}


def _new_tooltip(page, previous: str | None, edge: str) -> dict:
    """The tooltip, read in one go, once it names a ward other than ``previous``."""
    reads = []

    def new() -> bool:
        reads.append(page.evaluate(TOOLTIP))
        return reads[-1] is not None and reads[-1]["ward"] != previous

    wait_until(new, what=f"the {edge} ward's tooltip")
    return reads[-1]


def test_a_ward_tooltip_stays_inside_the_map_on_a_phone(browser, app_url: str) -> None:
    """Tap the wards nearest the map's left, right, top and bottom edges: each tooltip lies inside the map.
    Each tap waits for the ward's profile, so no two taps make a double tap (which zooms)."""
    with browser_page(browser, "phone-tooltip", **PHONE, touch=True) as (page, _, _):
        page.goto(app_url)
        map_frame(page)
        settled(page)
        page.locator(MAP_BOX).scroll_into_view_if_needed()
        ward = None
        for edge, nearest in EDGES.items():
            page.touchscreen.tap(*nearest(ward_points(page, page)))
            shown = _new_tooltip(page, ward, edge)
            tip, box = shown["tip"], shown["map"]
            assert box["left"] <= tip["left"] and tip["right"] <= box["right"], (edge, shown)
            assert box["top"] <= tip["top"] and tip["bottom"] <= box["bottom"], (edge, shown)
            ward = shown["ward"]
            page.get_by_role("heading", name=ward, exact=True).wait_for(timeout=30_000)
            settled(page)


#: The boxes of the names shown on the map (drawn and not hidden by the declutter), by kind.
SHOWN_NAMES = """kind => [...document.querySelectorAll(`.${kind} span`)]
    .filter(e => getComputedStyle(e).visibility === 'visible')
    .map(e => { const r = e.getBoundingClientRect(); return {text: e.textContent, left: r.left, right: r.right,
                                                             top: r.top, bottom: r.bottom}; })"""


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_close_in_the_target_wards_are_named_and_no_names_overlap(browser, app_url: str) -> None:
    """Blackpool in Lancashire and South Cumbria, at the zooms with ward names: its most disadvantaged
    wards (ranks 1, 2 and 4, under the council's name's spot) are named, and no two names overlap."""
    with browser_page(browser, "close-zoom-names", **DESKTOP) as (page, _, _):
        page.goto(app_url)
        map_frame(page)
        settled(page)
        blackpool = page.evaluate(f"""() => {{
            let at = null;
            {LEAFLET_MAP}.eachLayer(l => {{
                if (l.getElement && l.getElement()?.textContent === 'Blackpool') at = l.getLatLng();
            }});
            return at;
        }}""")
        for zoom in (12, 13, 14):
            map_moved(page, lambda: page.evaluate(f"at => {LEAFLET_MAP}.setView(at, {zoom}, {{animate: false}})",
                                                  blackpool))
            places, wards = page.evaluate(SHOWN_NAMES, "wl-place"), page.evaluate(SHOWN_NAMES, "wl-ward-name")
            assert {"Bloomfield", "Claremont", "Brunswick"} <= {w["text"] for w in wards}, zoom
            assert len(wards) >= 5, zoom
            shown = places + wards
            assert [(a["text"], b["text"]) for i, a in enumerate(shown) for b in shown[i + 1:] if _overlap(a, b)] == [], zoom


def test_a_place_on_a_phone_names_its_target_wards_from_the_start(browser, app_url: str) -> None:
    """Blackpool (21 wards) fills a phone's map further out than the zoom ward names usually start at:
    a place's names start where it is first shown, its most disadvantaged ward's among them."""
    with browser_page(browser, "place-names-phone", touch=True, **PHONE) as (page, _, _):
        page.goto(f"{app_url}/?area={LSC}&place=E06000009")
        map_frame(page)
        settled(page)
        assert page.evaluate(f"() => {LEAFLET_MAP}.getZoom()") < 12  # the usual start for ward names
        wards = page.evaluate(SHOWN_NAMES, "wl-ward-name")
        assert "Bloomfield" in {w["text"] for w in wards} and len(wards) >= 3, wards
        assert [(a["text"], b["text"]) for i, a in enumerate(wards) for b in wards[i + 1:] if _overlap(a, b)] == []


def test_a_new_place_is_drawn_in_the_same_box_with_one_hint(browser, app_url: str) -> None:
    """Choosing a place makes a new map in the map's box: the old map's hint and touch handling go with it."""
    with browser_page(browser, "new-place", **DESKTOP) as (page, _, _):
        page.goto(app_url)
        map_frame(page)
        settled(page)
        frame_id = f"() => document.querySelector('{MAP_BOX}').wlMap.frameId"
        before = page.evaluate(frame_id)
        choose(page, "Place (local authority)", "Blackpool")
        wait_until(lambda: page.evaluate(frame_id) != before, what="the map of Blackpool")
        assert page.locator(f"{MAP_BOX} .wl-hint").count() == 1
