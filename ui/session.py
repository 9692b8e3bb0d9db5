"""Every ``st.session_state`` key the app uses, and the small actions that change them.

This module owns the session state: the widget keys (the widgets are drawn elsewhere, each
with its key from :class:`Keys`), the view's own state (notices, the selected ward, the
target list's generation, this session's uploaded layers, the file being checked) and the
only functions that write them. No other module assigns to ``st.session_state``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

from geo.areas import ENGLAND
from layers.goals import Goal
from layers.indicator import Indicator
from ui.link import View


class Keys:
    """Session-state keys. Widget keys first (the widget with that key owns its value between
    actions), then the app's own state."""

    # Sidebar and page widgets.
    AREA = "icb"
    PLACE = "lad"
    THEME = "theme"
    FAMILY = "family"
    VARIANT = "variant"
    SCHEME = "scheme"
    TARGETING = "targeting"
    LAD_LINES = "lads_on"
    FLAGS = "flags"
    TILES = "tiles"
    WARD_SEARCH = "ward_search"
    TAB = "tab"
    COPY_LINK = "copy_link"
    YOUR_DATA = "your_data"
    MAP = "map"
    MSOA_SEX = "msoa_sex"
    UPLOAD_FILE = "upload_file"
    UPLOAD_PASTE = "upload_paste"
    UPLOAD_LAD = "upload_lad"
    TEMPLATE_LEVEL = "template_level"
    # The Goals tab's widgets.
    GOAL = "goal"
    GOAL_MEASURE = "goal_measure"
    GOAL_GROUPS = "goal_groups"
    GOAL_OVERDISPERSION = "goal_overdispersion"
    GOAL_MAP = "goal_map"
    GOAL_READING = "goal_reading"
    CUSTOM_MEASURE = "custom_measure"
    CUSTOM_DIRECTION = "custom_direction"
    CUSTOM_SIZE = "custom_size"
    CUSTOM_COHORT = "custom_cohort"
    CUSTOM_DEADLINE = "custom_deadline"
    # The board downloads' widgets (ui/board_panel.py).
    PACK_WARDS = "pack_wards"
    PACK_GOAL = "pack_goal"
    MAP_SIZE = "map_size"
    DOWNLOAD_MAP_PNG = "dl_map_png"
    DOWNLOAD_MAP_SVG = "dl_map_svg"
    DOWNLOAD_PACK = "dl_pack_pdf"
    #: The containers of the board downloads and of the target list's print view (their CSS classes
    #: are ``st-key-`` + these: static/wardlens/print.css hides the one and prints the other).
    BOARD = "board_downloads"
    PRINT_LIST = "print_targets"
    #: The container of "Link to this view" above the map: its height is kept from the first paint
    #: (ui/panels.py page_style), so the map does not move down when the button's script has loaded.
    SHARE = "share"
    # The app's own state.
    WARD = "ward"
    SEEDED = "seeded"
    NOTICES = "notices"
    LIST_GENERATION = "list_generation"
    PICKED_ON = "picked_on"
    MAP_SELECTION = "map_selection"
    USER_LAYERS = "user_layers"
    UPLOAD_PENDING = "upload_pending"
    UPLOAD_ERROR = "upload_error"
    UPLOAD_SEQ = "upload_seq"
    UPLOAD_LAYER_SEQ = "upload_layer_seq"
    UPLOAD_ADDED = "upload_added"
    UPLOAD_RESULT = "upload_result"
    #: Prefix of the keys of the check-and-add card's widgets (one set per file).
    UPLOAD_CARD = "upw"
    #: The goal last modelled in the Goals tab (:class:`GoalChoice`), offered to the place pack.
    MODELLED_GOAL = "modelled_goal"
    # Tracking a goal over time (ui/series_card.py, ui/tracking_panel.py): the time series being checked,
    # its aggregation for the card's choices, the series in use, the goal last tracked (for the pack).
    TRACK_PENDING = "track_pending"
    TRACK_RESULT = "track_result"
    TRACK_SERIES = "track_series"
    TRACKED_GOAL = "tracked_goal"
    #: Prefix of the keys of the time-series card's widgets (one set per file).
    TRACK_CARD = "trw"
    TRACK_REBASE = "track_rebase"
    TRACK_PLACES = "track_places"
    PACK_TRACK = "pack_track"
    DOWNLOAD_TRACK = "dl_track_csv"
    DOWNLOAD_TRACK_TEMPLATE = "dl_track_template"


def get(key: str, default: Any = None) -> Any:
    """The value under ``key`` (a :class:`Keys` name), or ``default``."""
    return st.session_state.get(key, default)


def pop(key: str) -> Any:
    """Remove ``key`` and return its value (None if absent): for one-shot messages."""
    return st.session_state.pop(key, None)


def put(values: dict[str, Any]) -> None:
    """Set keys (each a :class:`Keys` name), e.g. ``put({Keys.UPLOAD_ERROR: None})``."""
    st.session_state.update(values)


def forget(keys: Iterable[str]) -> None:
    """Drop ``keys`` (widget state included), e.g. a previous file's card choices."""
    for key in list(keys):
        st.session_state.pop(key, None)


def keys_starting(prefix: str) -> list[str]:
    return [k for k in st.session_state if str(k).startswith(prefix)]


def keep_valid_many(key: str, options: list) -> None:
    """Drop from a multiselect's value the choices that are no longer options (e.g. wards of another area)."""
    chosen = st.session_state.get(key)
    if chosen and any(c not in options for c in chosen):
        st.session_state[key] = [c for c in chosen if c in options]


def keep_valid(key: str, options: list, fallback: object = None) -> None:
    """Reset a widget's value to ``fallback`` (or the first option) when it is no longer an option."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = fallback if fallback in options else options[0]


# --- the view ------------------------------------------------------------------------------------

def seeded() -> bool:
    return Keys.SEEDED in st.session_state


def seed(view: View, record: Indicator, notices: list[str]) -> None:
    """Put the URL's ``view`` (whose layer is ``record``) into the widgets, once per session."""
    st.session_state.update({
        Keys.AREA: view.icb or ENGLAND, Keys.PLACE: view.lad or "", Keys.SCHEME: view.scheme or "",
        Keys.TARGETING: view.targeting, Keys.WARD: view.ward, Keys.WARD_SEARCH: view.ward,
        Keys.FLAGS: list(view.flags), Keys.SEEDED: True,
        Keys.NOTICES: notices,
    })
    select_layer(record)
    if view.ward:
        _move_map_selection(view.ward)


def dismiss_notices() -> None:
    """The user changed the view: the link's warnings no longer apply; the map shows the selection."""
    st.session_state[Keys.NOTICES] = []
    sync_map_selection()


def notices() -> list[str]:
    return list(st.session_state.get(Keys.NOTICES, []))


def whole_icb() -> None:
    """All England has no place: clear the place choice."""
    st.session_state[Keys.PLACE] = ""


def select_layer(record: Indicator) -> None:
    """Show ``record``'s layer: its theme, family and variant become the chosen ones."""
    st.session_state.update({Keys.THEME: record.theme, Keys.FAMILY: record.family, Keys.VARIANT: record.variant})


# --- the selected ward ---------------------------------------------------------------------------

def ward() -> str | None:
    return st.session_state.get(Keys.WARD)


def clear_ward_if_not_in(options: list[str]) -> None:
    if st.session_state.get(Keys.WARD) not in options:
        st.session_state.update({Keys.WARD: None, Keys.WARD_SEARCH: None})


def list_key() -> str:
    """The target list widget's key; a new key is a fresh list with no row picked."""
    return f"target_table_{st.session_state.get(Keys.LIST_GENERATION, 0)}"


def reset_list() -> None:
    """Forget the row picked in the target list (its widget gets a fresh key, so the page sends the
    list again); with no row picked there is nothing to forget, and the list is not resent."""
    picked = st.session_state.get(list_key())
    if picked is not None and picked.selection.rows:
        st.session_state[Keys.LIST_GENERATION] = st.session_state.get(Keys.LIST_GENERATION, 0) + 1


def select_ward(code: str, *, on: str = "search") -> None:
    """Make ``code`` the selected ward, shown in the ward search box, picked ``on`` "map", "list" or
    "search" (:func:`take_picked_on`). On the map, which already outlines it, the map keeps its
    selection layer as it is and the target list forgets its picked row."""
    st.session_state.update({Keys.WARD: code, Keys.WARD_SEARCH: code, Keys.PICKED_ON: on})
    if on == "map":
        reset_list()
    else:
        _move_map_selection(code)


def picked_ward() -> None:
    """A ward was found with the ward search: it becomes the selected ward. The box emptied: no ward is
    selected, and its profile and outline go."""
    code = st.session_state.get(Keys.WARD_SEARCH)
    if code:
        select_ward(code)
    else:
        st.session_state[Keys.WARD] = None
        _move_map_selection(None)


def take_picked_on() -> str | None:
    """Where the selected ward was just picked ("map", "list" or "search"), once per pick (None after):
    its profile is under the map (a click on it), far above the list, or right under the search box."""
    return st.session_state.pop(Keys.PICKED_ON, None)


def _move_map_selection(code: str | None) -> None:
    _, seq = st.session_state.get(Keys.MAP_SELECTION, (None, 0))
    st.session_state[Keys.MAP_SELECTION] = (code, seq + 1)


def sync_map_selection() -> None:
    """The map is about to be redrawn for another reason: draw the current selection with it."""
    code, seq = st.session_state.get(Keys.MAP_SELECTION, (None, 0))
    if code != st.session_state.get(Keys.WARD):
        st.session_state[Keys.MAP_SELECTION] = (st.session_state.get(Keys.WARD), seq)


def map_selection() -> tuple[str | None, int]:
    """The ward the map's selection layer outlines, and how many times it was moved from outside the map."""
    return st.session_state.get(Keys.MAP_SELECTION, (None, 0))


# --- this session's uploaded layers ---------------------------------------------------------------

def user_layers() -> dict:
    """This session's uploaded layers (:class:`layers.uploaded.UserLayer`) by id, in upload order.
    They live here only: never in a cache shared between sessions, on disk or in the link."""
    return st.session_state.setdefault(Keys.USER_LAYERS, {})


def add_user_layer(layer) -> None:
    """Keep ``layer`` in this session and show it on the map."""
    user_layers()[layer.id] = layer
    st.session_state[Keys.NOTICES] = []
    select_layer(layer.record)


def remove_user_layer(layer_id: str) -> None:
    """Forget an uploaded layer: its data leave this session."""
    user_layers().pop(layer_id, None)


# --- the goal the Goals tab modelled (for the place pack) ----------------------------------------

@dataclass(frozen=True)
class GoalChoice:
    """A goal as the Goals tab modelled it over the area ``area_key``: the arguments of
    :func:`layers.goalview.goal_view` beyond the data."""

    area_key: str
    goal: Goal
    measure: str
    groups: int
    overdispersion: float
    within_place: bool


def remember_goal(choice: GoalChoice) -> None:
    """The Goals tab modelled ``choice``: the place pack may add its page."""
    st.session_state[Keys.MODELLED_GOAL] = choice


def modelled_goal(area_key: str) -> GoalChoice | None:
    """The goal last modelled in the Goals tab, if it was over the area ``area_key``."""
    choice = st.session_state.get(Keys.MODELLED_GOAL)
    return choice if choice is not None and choice.area_key == area_key else None


# --- tracking a goal over time (issue 13) ---------------------------------------------------------

@dataclass(frozen=True, eq=False)
class TrackedSeries:
    """A time series in use for tracking: the file's name, its counts on wards by period
    (:class:`geo.upload.series.WardSeries`), what the counts are, the measure's direction, the
    goal it tracks (``goal_id``, chosen with "Track with it": never another goal silently) and the
    periods its SPC limits restart at for that goal. Held in this session only, like every upload."""

    name: str
    wards: Any
    measure: str
    higher_is_worse: bool
    goal_id: str
    rebase_at: tuple = ()


@dataclass(frozen=True)
class TrackChoice:
    """The goal the Goals tab last tracked over the area ``area_key``, and where the SPC limits restart."""

    area_key: str
    goal: Goal
    rebase_at: tuple


def use_series(series: TrackedSeries) -> None:
    """Track goals with ``series`` (it replaces any other); the file being checked is done with."""
    st.session_state.update({Keys.TRACK_SERIES: series, Keys.TRACK_PENDING: None, Keys.TRACK_RESULT: None})
    st.session_state.pop(Keys.TRACK_REBASE, None)


def tracked_series() -> TrackedSeries | None:
    return st.session_state.get(Keys.TRACK_SERIES)


def series_for(goal_id: str) -> TrackedSeries | None:
    """The series in use if it tracks the goal ``goal_id`` (None for any other goal)."""
    series = tracked_series()
    return series if series is not None and series.goal_id == goal_id else None


def track_goal_with_series(goal_id: str) -> None:
    """Track the goal ``goal_id`` with the series in use instead of its goal (the user's choice); the
    re-baselining chosen for the other goal does not carry over."""
    series = tracked_series()
    if series is not None:
        st.session_state[Keys.TRACK_SERIES] = replace(series, goal_id=goal_id, rebase_at=())
        st.session_state.pop(Keys.TRACK_REBASE, None)


def rebase_series(periods: tuple) -> None:
    """Restart the SPC limits of the series' goal at ``periods`` (() for one set of limits)."""
    series = tracked_series()
    if series is not None:
        st.session_state[Keys.TRACK_SERIES] = replace(series, rebase_at=tuple(periods))


def forget_series() -> None:
    """Stop tracking: the series leaves this session."""
    forget([Keys.TRACK_SERIES, Keys.TRACKED_GOAL, Keys.TRACK_REBASE])


def remember_tracking(choice: TrackChoice) -> None:
    """The Goals tab tracked ``choice``: the place pack may add its tracking page."""
    st.session_state[Keys.TRACKED_GOAL] = choice


def tracked_goal(area_key: str) -> TrackChoice | None:
    """The goal last tracked in the Goals tab over ``area_key``, while a series is in use."""
    choice = st.session_state.get(Keys.TRACKED_GOAL)
    ok = choice is not None and choice.area_key == area_key and series_for(choice.goal.id) is not None
    return choice if ok else None
