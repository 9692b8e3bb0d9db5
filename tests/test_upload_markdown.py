"""Text from a file, a file name or a link is shown as plain text (issue 15): no Markdown, no links.

Backslash escapes are not enough: Streamlit's Markdown turns literal URLs, ``www.`` addresses and
e-mail addresses into links after the escapes are resolved, and ``:material/…:`` into icons.
:func:`geo.upload.plain_markdown` also breaks those patterns with an invisible WORD JOINER. The
unit tests pin its output; the browser tests render hostile strings with Streamlit in Chromium and
check the page holds no link, image, heading, emphasis, code, math or icon, only the text as typed
-- first in a small page, then in the app's own check card for ``markdown_names.csv``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from geo.paths import ROOT
from geo.upload import plain_markdown
from geo.upload.safety import WORD_JOINER
from tests.conftest import NEEDS_CHROMIUM, browser_page, map_frame, no_exception, only_local, settled
from tests.server import streamlit

CORPUS = Path(__file__).parent / "data" / "uploads"
J = WORD_JOINER

#: Hostile text -> what a reader must see (one line; control and direction characters dropped).
CASES = {
    "[Sign in again](http://e.vil/login)": "[Sign in again](http://e.vil/login)",
    "See http://x.example.org/a now": "See http://x.example.org/a now",
    "HTTPS://X.EXAMPLE.ORG/a?b=c&d": "HTTPS://X.EXAMPLE.ORG/a?b=c&d",
    "www.evil.example": "www.evil.example",
    "me@x.example.org or mailto:me@x.example.org": "me@x.example.org or mailto:me@x.example.org",
    "![pixel](http://127.0.0.1:9/pixel.png)": "![pixel](http://127.0.0.1:9/pixel.png)",
    "<b>bold</b> <img src=x onerror=alert(1)> <a href='http://e.vil'>a</a>":
        "<b>bold</b> <img src=x onerror=alert(1)> <a href='http://e.vil'>a</a>",
    "$x^2$ and $$y$$": "$x^2$ and $$y$$",
    "**bold** _it_ ~~gone~~ `code`": "**bold** _it_ ~~gone~~ `code`",
    "# Heading": "# Heading",
    "line one\n\n===\n- item\n> quote\n| a | b |": "line one === - item > quote | a | b |",
    ":material/lock: :red[Red] :smile:": ":material/lock: :red[Red] :smile:",
    "&lt;b&gt; &amp;": "&lt;b&gt; &amp;",
    "\u202egnp.exe\u200b": "gnp.exe",
}


def test_plain_markdown_escapes_punctuation_and_breaks_literal_links() -> None:
    assert plain_markdown("[a](http://b.org)") == rf"\[a\]\(http{J}\://b\.org\)"
    assert plain_markdown("www.x.org") == rf"www{J}\.x\.org"
    assert plain_markdown("me@x.org") == rf"me{J}\@x\.org"
    assert plain_markdown(":material/lock:") == rf"\:{J}material/lock\:"
    assert plain_markdown("a\n\n# b\t c") == r"a \# b c"
    assert plain_markdown("Note: 12.5% of <5") == r"Note\: 12\.5% of \<5"
    assert plain_markdown("\u202eabc\x00") == "abc"


def test_plain_markdown_reads_back_as_the_text() -> None:
    for text, seen in CASES.items():
        unescaped = plain_markdown(text).replace(J, "")
        assert unescaped.replace("\\", "") == seen.replace("\\", ""), text


# --- in a browser ----------------------------------------------------------------------------------

_PAGE = '''
import streamlit as st
from geo.upload import plain_markdown
from tests.test_upload_markdown import CASES

for i, text in enumerate(CASES):
    with st.container(key=f"case{i}"):
        st.markdown(plain_markdown(text))
        st.caption(plain_markdown(text))
        st.error(plain_markdown(text))
        st.checkbox(plain_markdown(text), key=f"box{i}")
        with st.expander(plain_markdown(text)):
            st.text("(inside)")
'''

#: Elements that Markdown would make of the hostile text; none may appear in a case's container.
_FORBIDDEN = "a, img, h1, h2, h3, h4, h5, h6, strong, em, code, del, blockquote, ul, ol, li, table, .katex, [role=img]"


@pytest.fixture(scope="module")
def markdown_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("markdown_page")
    (folder / "page.py").write_text(_PAGE, encoding="utf-8")
    with streamlit(folder / "page.py", cwd=folder, env={**os.environ, "PYTHONPATH": str(ROOT)}) as url:
        yield url


@NEEDS_CHROMIUM
def test_hostile_text_renders_as_plain_text_in_chromium(browser, markdown_page) -> None:
    with browser_page(browser, "markdown-plain") as (page, requests, _):
        page.goto(markdown_page)
        page.locator(f".st-key-case{len(CASES) - 1}").wait_for(timeout=60_000)
        for i, seen in enumerate(CASES.values()):
            case = page.locator(f".st-key-case{i}")
            found = case.locator(_FORBIDDEN).evaluate_all("els => els.map(e => e.outerHTML.slice(0, 120))")
            assert not found, (seen, found)
            texts = [t.replace(J, "").strip() for t in case.locator(
                "[data-testid='stMarkdownContainer']").all_inner_texts()]
            assert texts and all(t == seen for t in texts), (seen, texts)
        no_exception(page)
        only_local(requests, markdown_page)


@NEEDS_CHROMIUM
def test_the_check_card_shows_column_and_file_names_as_plain_text(browser, app_url: str) -> None:
    hostile_name = "[x](http://e.vil) www.evil.example.csv"
    with browser_page(browser, "markdown-card") as (page, requests, _):
        page.goto(app_url)
        map_frame(page)
        page.get_by_text("Your data", exact=True).first.click()
        page.locator("section[data-testid='stSidebar'] input[type=file]").set_input_files(
            files=[{"name": hostile_name, "mimeType": "text/csv",
                    "buffer": (CORPUS / "markdown_names.csv").read_bytes()}])
        page.get_by_text("Your data: check it, then add it as a layer").wait_for(timeout=30_000)
        settled(page)
        links = page.evaluate("""() => [...document.querySelectorAll('a')].map(a => a.href)
            .filter(h => /e\\.vil|example\\.org|evil\\.example|mailto:|127\\.0\\.0\\.1:9/.test(h))""")
        assert not links
        assert page.locator("img[src*='127.0.0.1:9']").count() == 0
        text = page.locator("[data-testid='stMain']").inner_text().replace(J, "")
        for shown in ("[Sign in again](http://e.vil/login)", "See http://x.example.org/a now", "www.evil.example",
                      "me@x.example.org", "![pixel](http://127.0.0.1:9/pixel.png)", "$x^2$ **b** _i_ ~~s~~",
                      "# Heading", ":material/lock: :red[Red]", hostile_name):
            assert shown in text, shown
        no_exception(page)
        only_local(requests, app_url)
