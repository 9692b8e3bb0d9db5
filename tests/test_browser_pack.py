"""Board outputs in a real browser: the browser's print of the page lists every target ward, and the
"Place pack (PDF)" and "Map image (PNG)" buttons download their files when clicked.

The default page (Lancashire and South Cumbria ICB, IMD 2025, the most disadvantaged 10% of the
ICB's wards: 28 wards) is printed to PDF by Chromium with print media styles; its text must name
all 28 wards, though the on-screen list (a canvas grid) shows only about ten of them at a time.
"""

from __future__ import annotations

import io

from pypdf import PdfReader

from layers.view import layer_view
from report import inputs
from tests.conftest import LSC, NEEDS_CHROMIUM, click_ward, settled
from tests.conftest import browser_page as _page
from tests.conftest import map_frame as _map
from tests.conftest import no_exception as _no_exception

pytestmark = NEEDS_CHROMIUM


def _target_names() -> list[str]:
    view = layer_view(inputs.catalogue(), inputs.ward_table(), inputs.area_of(LSC), "imd_score_2025", None, "imd10")
    return list(view.table.frame["Ward"])


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_print_shows_every_target_ward(browser, app_url) -> None:
    names = _target_names()
    assert len(names) == 28
    with _page(browser, "print_target_list") as (page, _, _):
        page.goto(app_url)
        _map(page)
        page.get_by_role("button", name="Place pack (PDF)").wait_for(timeout=30_000)
        _no_exception(page)
        page.emulate_media(media="print")
        text = _text(page.pdf(format="A4", print_background=True))
    missing = [n for n in names if n not in text]
    assert not missing, f"the print leaves out {missing}"
    assert "221,247" in text  # the residents the target wards hold, as the page says it


def test_the_print_list_stays_off_screen_after_a_ward_is_clicked(browser, app_url) -> None:
    """A click on the map reruns only the map's part of the page; the print styles, which hide the
    print-only list on screen, must outlive it (they were lost with it once)."""
    with _page(browser, "print_list_after_click") as (page, _, _):
        page.goto(app_url)
        frame = _map(page)
        printed = page.locator(".st-key-print_targets")
        printed.wait_for(state="attached", timeout=30_000)
        assert printed.is_hidden()
        name = click_ward(page, frame, 0.3)
        page.get_by_role("heading", name=name, exact=True).wait_for(timeout=30_000)
        settled(page)
        assert printed.is_hidden()
        _no_exception(page)


def test_pack_and_map_buttons_download_their_files(browser, app_url) -> None:
    with _page(browser, "board_downloads") as (page, _, _):
        page.goto(app_url)
        _map(page)
        button = page.get_by_role("button", name="Place pack (PDF)")
        button.wait_for(timeout=30_000)
        with page.expect_download(timeout=120_000) as pack:
            button.click()
        with page.expect_download(timeout=60_000) as png:
            page.get_by_role("button", name="Map image (PNG)").click()
        pdf = pack.value.path().read_bytes()
        image = png.value.path().read_bytes()
        assert pack.value.suggested_filename == ("wardlens_lancashire-and-south-cumbria-icb_E54000048_imd_score_2025_"
                                                 "imd10_pack.pdf")
        _no_exception(page)
    assert pdf.startswith(b"%PDF") and all(n in _text(pdf) for n in _target_names())
    assert image.startswith(b"\x89PNG")
