"""The check-and-add card's widgets: what the file holds, the user's choices, what it gives on wards.

Each function draws its part of the card (:func:`ui.upload.review_panel` puts them together) and
returns the choices as plain values; widget keys start with the card's key ``k`` (one per file,
so a new file gets fresh choices). Every text from the file is shown as plain text
(:func:`~geo.upload.plain_markdown`), long lists cut short with "and N more".
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from geo.upload import SMALL_COUNT_THRESHOLD, Preview, ValueColumn, WardUpload, plain_markdown
from layers.indicator import THEMES
from layers.uploaded import MAX_TITLE, THEME

#: Highest suppression threshold offered (the lowest is the NHS practice, 5).
MAX_THRESHOLD = 100
#: What the card lists at most (issue 17): value columns one by one, codes not matched, notes.
CARD_COLUMNS = 20
UNMATCHED_SHOWN = 200
NOTES_SHOWN = 12
#: Characters of a column name shown in a widget label or option.
NAME_SHOWN = 60


def short(text: object, width: int = NAME_SHOWN) -> str:
    """One line of at most ``width`` characters (for labels and options; escape before Markdown)."""
    line = " ".join(str(text).split())
    return line if len(line) <= width else line[: width - 1] + "…"


def bullets(lines: list[str], shown: int = NOTES_SHOWN) -> str:
    """Markdown bullets of ``lines`` (plain text), at most ``shown`` of them and "… and N more"."""
    out = [f"- {plain_markdown(n)}" for n in lines[:shown]]
    if len(lines) > shown:
        out.append(f"- … and {len(lines) - shown:,} more")
    return "\n".join(out)


def heading(name: str, preview: Preview) -> None:
    """The card's title and what the file was read as."""
    st.markdown("## Your data: check it, then add it as a layer")
    st.caption(f"{plain_markdown(name)} · read as {plain_markdown(preview.source)}. Nothing is "
               "mapped until you add it.")


def file_columns(preview: Preview, k: str) -> tuple[dict[str, str], str | None]:
    """The file's side of the card: rows and areas matched, the geography, the count/rate choice of
    each value column (at most :data:`CARD_COLUMNS`), the denominator for rates, and the notes.
    Returns the kind of every value column (the guess where not shown) and the denominator."""
    names = [c.name for c in preview.columns]
    _matches(preview, k)
    st.markdown("**Each column of numbers** — a count is summed to wards; a rate is averaged, weighted by "
                "population or by a denominator column. A rate is used only once you confirm it.")
    kinds = dict(preview.guesses)
    for i, c in enumerate(preview.columns[:CARD_COLUMNS]):
        kinds[c.name] = _kind_row(k, i, c)
    if len(names) > CARD_COLUMNS:
        st.caption(f"… and {len(names) - CARD_COLUMNS:,} more columns, each treated as it looks (count or rate) "
                   "unless you choose it under “Column to map” and change it there.")
    denominator = None
    if "rate" in kinds.values():
        options = [None, *names]
        default = options.index(preview.denominator) if preview.denominator in options else 0
        denominator = st.selectbox("Denominator for rates", options, index=default, key=f"{k}denominator",
                                   format_func=lambda c: short(c) if c else
                                   "None: weight by Census 2021 residents",
                                   help="The column whose values weight each area's rate when areas are "
                                        "combined into wards (e.g. registered patients); a ward rate whose "
                                        "count (rate × denominator) would be 1 to 4 is suppressed.")
    lines = [*preview.notes]
    if preview.ignored_columns:
        ignored = preview.ignored_columns
        lines.append("Text columns not used: " + ", ".join(f"'{short(c, 40)}'" for c in ignored[:10])
                     + (f" and {len(ignored) - 10:,} more" if len(ignored) > 10 else ""))
    if lines:
        st.caption(bullets(lines))
    return kinds, denominator


def _matches(preview: Preview, k: str) -> None:
    """Rows read, areas matched and not matched (listed in an expander), and the geography found."""
    m = st.columns(3)
    m[0].metric("Rows read", f"{preview.rows_read:,}")
    m[1].metric("Areas matched", f"{preview.matched:,}")
    m[2].metric("Not matched", f"{len(preview.unmatched):,}")
    st.markdown(f"**Geography:** {plain_markdown(preview.geography.label)}, detected from the codes in "
                f"column **{plain_markdown(preview.code_column)}**.")
    if preview.unmatched:
        with st.expander(f"{len(preview.unmatched):,} area(s) not matched (left out)"):
            listed = list(preview.unmatched[:UNMATCHED_SHOWN])
            st.dataframe(pd.DataFrame({"Not matched": listed}), hide_index=True,
                         height=min(300, 38 + 35 * len(listed)), key=f"{k}unmatched")
            if len(preview.unmatched) > UNMATCHED_SHOWN:
                st.caption(f"The first {UNMATCHED_SHOWN:,} are listed, in file order; "
                           f"{len(preview.unmatched) - UNMATCHED_SHOWN:,} more are not shown.")


@dataclass(frozen=True)
class LayerChoice:
    """The column to map and how: its kind, whether a rate was confirmed as one, the widget keys
    of its title, unit, theme and direction (read when "Add layer" is pressed), and the
    suppression threshold."""

    column: str
    kind: str
    confirmed: bool
    keys: dict[str, str]
    threshold: int

    @property
    def rate(self) -> bool:
        return self.kind == "rate"


def layer_choices(preview: Preview, kinds: dict[str, str], k: str) -> LayerChoice:
    """The layer's side of the card: the column to map (its count/rate choice too when the file's side
    does not list it), a rate's confirmation, title, unit, theme, direction and suppression threshold."""
    names = [c.name for c in preview.columns]
    index = st.selectbox("Column to map", range(len(names)), key=f"{k}column",
                         format_func=lambda i: short(names[i]))
    column = names[index]
    info = preview.columns[index]
    kind = kinds[column]
    if index >= CARD_COLUMNS:
        kind = _kind_row(k, index, info)
    rate = kind == "rate"
    confirmed = True
    if rate:
        confirmed = st.checkbox(f"“{plain_markdown(short(column))}” holds rates, not counts of people",
                                value=False, key=f"{k}rate_ok{index}",
                                help="A count treated as a rate would show its small values (1 to 4) "
                                     "unsuppressed. Tick this only if the column is a rate, percentage or "
                                     "average; otherwise choose “count” for it.")
    keys = {name: f"{k}{name}{index}" for name in ("title", "unit", "theme", "worse")}
    st.text_input("Title", value=" ".join(column.split())[:MAX_TITLE], max_chars=MAX_TITLE, key=keys["title"],
                  help="Heads the legend, the table column and the profile row.")
    st.text_input("Unit", value=info.unit or ("people" if not rate else "rate"), max_chars=60, key=keys["unit"],
                  help="For example people, % of registered patients, per 1,000.")
    st.selectbox("List it under the theme", THEMES, index=THEMES.index(THEME), key=keys["theme"],
                 help="Put your layer beside the public ones it belongs with, e.g. a count of people "
                      "with 5+ long-term conditions under Long-term conditions.")
    st.toggle("Higher is worse", value=True, key=keys["worse"],
              help="Sets the colours (darkest = worst) and which wards the 'worst 10%' targeting picks.")
    threshold = st.number_input("Suppress counts below", min_value=SMALL_COUNT_THRESHOLD,
                                max_value=MAX_THRESHOLD, value=SMALL_COUNT_THRESHOLD, step=1, key=f"{k}threshold",
                                help=f"Ward counts from 1 to this number less one are hidden everywhere — "
                                     f"map, profile, table and downloads — as NHS disclosure control asks "
                                     f"(at least {SMALL_COUNT_THRESHOLD}); so are the values that would let "
                                     "them be worked out (a total's other part, a rate's count).")
    return LayerChoice(column, kind, confirmed, keys, int(threshold))


def _kind_row(k: str, i: int, c: ValueColumn) -> str:
    """One value column's line in the card -- name, counts, guess and why -- and its count/rate choice."""
    a, b = st.columns([3, 2], vertical_alignment="center")
    a.markdown(f"**{plain_markdown(short(c.name, 100))}**  \n"
               + plain_markdown(f"{c.n_values:,} values, {c.n_missing:,} missing; looks like a {c.guess} ({c.reason})"))
    return b.radio(f"Treat {plain_markdown(short(c.name))} as", ["count", "rate"],
                   index=["count", "rate"].index(c.guess), key=f"{k}kind{i}", horizontal=True,
                   label_visibility="collapsed")


def ward_result(wards: WardUpload, column: str) -> bool:
    """What the chosen column gives on wards: how many values, how many suppressed, and the notes.
    Returns whether any ward gets a value (shown or suppressed): otherwise there is nothing to map."""
    values = wards.frame[column]
    hidden = int(wards.suppressed[column].sum())
    shown = int(values.notna().sum())
    gaps = len(values) - shown - hidden
    parts = [f"**{shown:,}** {'ward' if shown == 1 else 'wards'} with a value"]
    if wards.kinds[column] == "count" or hidden:
        more = int(wards.secondary[column].sum()) if wards.secondary is not None else 0
        what = (f"counts from 1 to {wards.threshold - 1}" if wards.kinds[column] == "count" else
                f"their count would be 1 to {wards.threshold - 1}")
        parts.append(f"**{hidden:,}** suppressed ({what}" + (f"; {more:,} of them so that another cannot be worked "
                                                              "out" if more else "") + ")")
    if gaps:
        parts.append(f"**{gaps:,}** without a value")
    st.markdown("On 2025 wards: " + ", ".join(parts) + ".")
    # Notes about this column, and general ones -- but not the file-wide suppression count (given above per column).
    mine = [n for n in wards.notes if f"'{column}'" in n
            or not (" ward value(s) between 1 and " in n or any(f"'{c}'" in n for c in wards.frame.columns))]
    if mine:
        st.caption(bullets(mine))
    return shown + hidden > 0
