"""What the first page holds (AppTest): the parts drawn only when opened are not on it.

The first map waits for the scripts of every kind of element on the first page (Streamlit loads
each kind's script when it first meets one; ``python bench/bench_map.py`` times it), so "Copy
link" (a code block) and "Your data" (uploader, paste box, template download) draw their contents
only when opened, as Streamlit's ``on_change="rerun"`` and ``.open`` allow.
"""

from __future__ import annotations

from tests.conftest import BLOOMFIELD, LSC, assert_no_exception, run_app
from ui.session import Keys


def test_copy_link_shows_the_views_link_only_once_opened() -> None:
    at = run_app({"area": LSC, "ward": BLOOMFIELD})
    assert_no_exception(at)
    assert not at.code  # closed: no code block on the first page
    at.session_state[Keys.COPY_LINK] = True
    at.run()
    assert [c.value for c in at.code] == [f"?area={LSC}&layer=imd_score_2025&target=imd10&ward={BLOOMFIELD}"]
    assert any("Data you uploaded never go in a link" in c.value for c in at.caption)
    at.sidebar.selectbox(key=Keys.FAMILY).set_value("Income deprivation").run()  # open, it follows the view
    assert [c.value for c in at.code] == [f"?area={LSC}&layer=income_score_2025&target=imd10&ward={BLOOMFIELD}"]


def test_your_data_holds_its_uploader_only_once_opened() -> None:
    at = run_app()
    assert_no_exception(at)
    assert [e.label for e in at.sidebar.expander] == ["Your data"]
    assert not at.get("file_uploader") and not at.text_area
    assert not at.sidebar.get("download_button")  # the template's download is inside too
    at.session_state[Keys.YOUR_DATA] = True
    at.run()
    assert_no_exception(at)
    assert [u.key for u in at.get("file_uploader")] == [Keys.UPLOAD_FILE]
    assert [t.key for t in at.text_area] == [Keys.UPLOAD_PASTE]
    assert "dl_template" in {e.key for e in at.sidebar.get("download_button")}
