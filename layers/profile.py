"""A ward's profile: every layer's value for one ward beside its local authority, ICB and England.

Computed from :class:`~layers.source.LayerSource` objects alone, so a published layer and a
user's uploaded layer give their rows the same way. Where MHCLG publishes the measure for local
authorities and ICBs (:class:`Published`), the LAD and ICB columns show MHCLG's figure
("· MHCLG"); every other comparator is computed by WardLens from the ward values, weighted by
Census 2021 residents, and says so when it rests on only some of the area's wards.

:func:`profile_html` turns a profile into HTML for the page, split in two for each theme: a table of
what changes with the ward (its values, ranks and fifths beside its comparators, headed by its own
name and local authority's) and the notes under it, the same for every ward (each indicator's unit,
direction, period, warning, definition and caveat). Streamlit sends a message it has sent before as a
reference to it, so after the first ward only the tables travel.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.areas import rank_worst_first
from layers.indicator import Indicator
from layers.source import AreaValue, LayerSource, area_value_of, value_text

#: The profile's columns, in order.
PROFILE_COLUMNS = ("Theme", "Indicator", "Ward", "Rank in ICB (1 = worst)", "In England",
                   "Local authority", "ICB", "England", "Unit", "Higher is", "Period", "Note", "Definition", "Caveat")

#: Marks an LAD or ICB value that is MHCLG's published figure, not one WardLens computed.
PUBLISHED_MARK = " · MHCLG"

#: Where a ward stands among a group of wards, by the fifth of the ranking it falls in (1 = worst).
FIFTHS = ("worst fifth", "second fifth", "middle fifth", "fourth fifth", "best fifth")


@dataclass(frozen=True, eq=False)
class Published:
    """MHCLG's published IoD2025 summaries (``summaries_{lad,icb}_2025_official.csv``), indexed by
    area code; a record's ``official`` names the column."""

    lad: pd.DataFrame
    icb: pd.DataFrame

    def value(self, level: str, code: str, column: str) -> float | None:
        table = self.lad if level == "lad" else self.icb
        if not column or code not in table.index or column not in table.columns:
            return None
        value = table.at[code, column]
        return None if pd.isna(value) else float(value)

    def count(self, level: str) -> int:
        """How many areas MHCLG ranks at ``level`` ("lad" or "icb")."""
        return len(self.lad if level == "lad" else self.icb)


def fifth(rank: float, n: int) -> str:
    """Which fifth of ``n`` ranked wards rank ``rank`` (1 = worst) falls in: "worst fifth" ... "best fifth"."""
    return FIFTHS[int(np.ceil(5 * rank / n)) - 1]  # 1 <= rank <= n, so 0..4


def direction(record: Indicator) -> str:
    """What a higher value means: "worse", "better", or "neither (context)" for a context layer or a flag
    (neither is ranked; see :func:`_standing`)."""
    if record.context or record.kind != "numeric":
        return "neither (context)"
    return "worse" if record.higher_is_worse else "better"


def area_text(source: LayerSource, area: AreaValue) -> str:
    """An area value as text: "23% of wards" for a share of wards, else the record's format; a layer
    with a ``comparator_scope`` says it ("641 in your file", "none in your file"); a value made from
    only some of the area's wards says how many ("12.4 (from 88 of 97 wards)")."""
    record, scope = source.record, source.comparator_scope
    if scope and area.n_used == 0:
        return f"none {scope}"
    value = area.value
    if record.aggregation == "share of wards" and value == value:
        text = f"{value:.0%} of wards"
    else:
        text = record.format_value(value)
    if scope:
        return f"{text} {scope}"
    if 0 < area.n_used < area.n_wards:
        return f"{text} (from {area.n_used:,} of {area.n_wards:,} wards)"
    return text


def _caveat(source: LayerSource, icb: AreaValue, england: AreaValue) -> str:
    """The record's caveat; for a layer with a ``comparator_scope``, also what its area values add up."""
    record, scope = source.record, source.comparator_scope
    if not scope:
        return record.caveat
    how = "sum" if record.aggregation == "sum" else "average"
    return (f"{record.caveat} {record.method_note} The ICB value is the {how} of its {icb.n_used:,} wards with a "
            f"value {scope}, England's the {how} of all {england.n_used:,} such wards.")


def _comparator(source: LayerSource, register: pd.DataFrame, include: pd.Series, level: str, code: str,
                published: Published | None) -> tuple[str, AreaValue]:
    computed = area_value_of(source, register, include)
    official = published.value(level, code, source.record.official) if published else None
    if official is None:
        return area_text(source, computed), computed
    return source.record.format_value(official) + PUBLISHED_MARK, computed


def _standing(source: LayerSource, register: pd.DataFrame, ward: str) -> tuple[str, str]:
    """The ward's rank in its ICB ("3 of 280 · worst fifth") and its fifth in England ("–" for context
    layers, flags and wards with no value)."""
    record = source.record
    if record.kind != "numeric" or record.context:
        return "–", "–"
    values = source.values(register.index)
    in_icb = register["icb_code"] == register.at[ward, "icb_code"]
    rank = rank_worst_first(values, register["icb_code"], record.higher_is_worse).get(ward)
    if rank is None or pd.isna(rank):
        return "–", "–"
    n_icb = int((values.notna() & in_icb).sum())
    national = rank_worst_first(values, pd.Series("England", index=register.index), record.higher_is_worse)
    n_england = int(values.notna().sum())
    return f"{int(rank)} of {n_icb} · {fifth(rank, n_icb)}", fifth(national[ward], n_england)


def profile_row(source: LayerSource, register: pd.DataFrame, ward: str,
                published: Published | None = None) -> dict[str, str]:
    """One layer's row of the profile of ``ward`` (see :data:`PROFILE_COLUMNS`), as text.

    ``register``: the ward register indexed by ward_code (``icb_code``, ``lad_code`` ...);
    ``published``: MHCLG's LAD and ICB summaries, used where the record names an ``official`` column.
    """
    record = source.record
    row = register.loc[ward]
    lad, lad_value = _comparator(source, register, register["lad_code"] == row["lad_code"], "lad",
                                 row["lad_code"], published)
    icb, icb_value = _comparator(source, register, register["icb_code"] == row["icb_code"], "icb",
                                 row["icb_code"], published)
    england = area_value_of(source, register, pd.Series(True, index=register.index))
    in_icb, in_england = _standing(source, register, ward)
    return {
        "Theme": record.theme,
        "Indicator": record.full_title,
        "Ward": value_text(source, pd.Index([ward])).iloc[0],
        "Rank in ICB (1 = worst)": in_icb,
        "In England": in_england,
        "Local authority": lad,
        "ICB": icb,
        "England": area_text(source, england),
        "Unit": record.unit,
        "Higher is": direction(record),
        "Period": record.period,
        "Note": record.warning,
        "Definition": record.definition,
        "Caveat": _caveat(source, icb_value, england),
    }


def ward_profile(sources: Sequence[LayerSource], register: pd.DataFrame, ward: str,
                 published: Published | None = None) -> pd.DataFrame:
    """One row per layer for ``ward`` (see :func:`profile_row`), in the order of ``sources``."""
    return pd.DataFrame([profile_row(s, register, ward, published) for s in sources], columns=list(PROFILE_COLUMNS))


# --- The profile as HTML -----------------------------------------------------------------------------

#: A theme table's columns after the indicator (its row header), in order.
VALUE_COLUMNS = ("Ward", "Local authority", "ICB", "England", "Rank in ICB (1 = worst)", "In England")
#: What the notes under a theme's table say of each indicator (the same for every ward), in order.
NOTE_COLUMNS = ("Indicator", "Unit", "Higher is", "Period", "Note", "Definition", "Caveat")
#: Beside an indicator whose note says to read it with care.
CARE_MARK = "⚠"
#: The header of the ICB, England and standing columns (the ward's and its local authority's are their names).
FIXED_HEADERS = ("ICB", "England", "Rank in ICB (1 = worst)", "In England")


@dataclass(frozen=True)
class ThemeHtml:
    """One theme of a ward's profile as HTML, every text escaped.

    ``table``: the theme's heading, then the ward's values beside its local authority, ICB and England,
    with its rank and fifths (changes with the ward; the heading rides in the same message);
    ``notes``: each indicator's unit, direction, period, warning, definition and caveat, numbered as
    the table's rows (the same for every ward)."""

    theme: str
    table: str
    notes: str


def _text(value: object) -> str:
    return html.escape(str(value), quote=False)


def _cell(value: str) -> str:
    """A value; MHCLG's mark on a published figure as small print (``<small>``), kept whole when the
    cell wraps: "43.5" over "· MHCLG", never "43.5 ·" over "MHCLG"."""
    if value.endswith(PUBLISHED_MARK):
        return f"{_text(value.removesuffix(PUBLISHED_MARK))} <small>{_text(PUBLISHED_MARK.strip())}</small>"
    return _text(value)


#: A profile row as a plain dict (column -> text), as :func:`_themes` gives them.
Row = Mapping[str, str]


def _themes(profile: pd.DataFrame) -> list[tuple[str, list[Row]]]:
    """The profile's rows by theme, themes in the order they first appear (one theme split across the
    profile is one group, where it first appears); plain dicts, read many times over far faster
    than pandas rows."""
    themes: dict[str, list[Row]] = {}
    for row in profile.to_dict("records"):
        themes.setdefault(str(row["Theme"]), []).append(row)
    return list(themes.items())


def _theme_table(theme: str, rows: Sequence[Row], ward_name: str, lad_name: str) -> str:
    # Kept small, since it is sent for every ward: no class or attribute a stylesheet can do without, none of
    # the end tags HTML lets a table leave out (</th>, </td>, </tr>, </thead>), no scope on the column headers
    # (a <th> in <thead> heads its column). The page's stylesheet numbers the rows as the notes are numbered.
    head = "".join(f"<th>{_text(h)}" for h in ("Indicator", ward_name, lad_name, *FIXED_HEADERS))
    body = "".join(
        f"<tr><th scope=row>{_text(row['Indicator'])}{f'<i>{CARE_MARK}</i>' if row['Note'] else ''}"
        + "".join(f"<td>{_cell(row[c])}" for c in VALUE_COLUMNS) for row in rows)
    return (f"<h4>{_text(theme)}</h4><table class=wlp><caption>{_text(theme)} indicators for {_text(ward_name)}</caption>"
            f"<thead><tr>{head}<tbody>{body}</table>")


def _note(row: Row) -> str:
    def field(column: str, tag: str = "span") -> str:
        return f'<{tag} data-f="{column}">{_text(row[column])}</{tag}>'

    parts = [field("Unit") if row["Unit"] else "", f"higher is {field('Higher is')}",
             field("Period") if row["Period"] else ""]
    care = (f"<p class=wlp-care><span aria-hidden=true>{CARE_MARK} </span>Read with care: {field('Note')}</p>"
            if row["Note"] else "")
    about = "".join(field(c, "p") for c in ("Definition", "Caveat") if row[c])
    return (f"<li>{field('Indicator', 'b')}: {' · '.join(p for p in parts if p)}.{care}"
            + (f"<details><summary>Definition and caveat</summary>{about}</details>" if about else "") + "</li>")


def _theme_notes(theme: str, rows: Sequence[Row]) -> str:
    label = html.escape(f"{theme}: each indicator's unit, period and caveats, numbered as the table's rows")
    return f'<ol class=wlp-notes data-theme="{html.escape(theme)}" aria-label="{label}">' + "".join(
        _note(row) for row in rows) + "</ol>"


def profile_notes(profile: pd.DataFrame) -> list[tuple[str, str]]:
    """(theme, notes) for each theme of ``profile``: the notes alone, the same HTML as every ward's
    profile shows under its tables (:attr:`ThemeHtml.notes`), for the page to show before a ward is
    chosen; choosing one then sends them only by reference."""
    return [(theme, _theme_notes(theme, rows)) for theme, rows in _themes(profile)]


def profile_html(profile: pd.DataFrame, ward_name: str, lad_name: str) -> list[ThemeHtml]:
    """A ward's ``profile`` (from :func:`ward_profile`) as HTML, a table and its notes per theme in the
    profile's order; ``ward_name`` and ``lad_name`` head the ward's and its local authority's columns.

    Every text is escaped: a name or a note from the data (an uploaded layer's title, say) is shown as
    written, never read as HTML or Markdown."""
    return [ThemeHtml(theme, _theme_table(theme, rows, ward_name, lad_name), _theme_notes(theme, rows))
            for theme, rows in _themes(profile)]
