"""The view a link describes: area, place, layer, classification, targeting and ward.

Pure functions: :func:`parse_query` reads ``st.query_params`` (any mapping of str to str)
into a :class:`View`, replacing each unusable value by the default and saying so in plain
English; :func:`to_query` writes a view back. Query keys::

    area=E54000048 | england   place=E06000009   layer=imd_score_2025
    classes=NationalDeciles     target=imd10      ward=E05015188
    flags=coastal_flag,rural_flag_2021   (the flag layers outlined on the map)

A layer the user uploaded is named by its id only (``layer=upload-1``): its data never leave
the browser session that loaded them, so a link to one opened anywhere else says so and
shows the default layer.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

import pandas as pd

from geo.areas import ENGLAND
from layers.uploaded import USER_LAYER_PREFIX


@dataclass(frozen=True)
class View:
    """What the page shows. ``icb`` None means all England; ``scheme`` None means the layer's own."""

    icb: str | None = "E54000048"
    lad: str | None = None
    layer: str = "imd_score_2025"
    scheme: str | None = None
    targeting: str = "imd10"
    ward: str | None = None
    flags: tuple[str, ...] = ()


DEFAULT_VIEW = View()


def _first(value: object) -> str:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return str(value).strip()


def parse_query(params: Mapping[str, object], wards: pd.DataFrame, layers: Collection[str],
                schemes: Collection[str], targetings: Collection[str], flags: Collection[str] = (),
                default: View = DEFAULT_VIEW) -> tuple[View, list[str]]:
    """The :class:`View` for URL query ``params``, and a message for each value that was unusable.

    ``wards``: the ward register indexed by ward_code (with ``icb_code``, ``lad_code``,
    ``ward_name``, ``lad_name``, ``icb_name``). Unknown codes and ids fall back to ``default``
    (area, layer, targeting) or to none (place, ward, classification, a flag not in ``flags``). A
    ward given without an area opens the ward's ICB; a ward outside the chosen area is dropped.
    """
    get = {k: _first(v) for k, v in params.items()}
    notes: list[str] = []
    area = get.get("area", "")
    view = _with_area(default, area, wards, notes)
    view = _with_ward(view, get.get("ward", ""), bool(area), wards, notes)
    view = _with_place(view, get.get("place", ""), wards, notes)
    view = _with_layer(view, get.get("layer", ""), layers, notes)
    view = _with_choice(view, "scheme", get.get("classes", ""), schemes, notes,
                        "The link's classification “{value}” is not one of {allowed}, so the layer's own "
                        "classification is used.")
    view = _with_choice(view, "targeting", get.get("target", ""), targetings, notes,
                        "The link's targeting “{value}” is not one of {allowed}, so the default definition is "
                        "used.")
    view = _with_flags(view, get.get("flags", ""), flags, notes)
    if view.ward is not None and not ward_in_view(wards, view):
        notes.append(f"The link's ward {wards.at[view.ward, 'ward_name']} is not in the area shown, "
                     "so no ward is selected.")
        view = replace(view, ward=None)
    return view, notes


def _with_area(view: View, area: str, wards: pd.DataFrame, notes: list[str]) -> View:
    """The view on ``area`` (an ICB code or "england"); an unknown one is noted and left as it was."""
    if area:
        if area.lower() == ENGLAND:
            return replace(view, icb=None)
        if area in set(wards["icb_code"].dropna()):
            return replace(view, icb=area)
        notes.append(f"The link's area “{area}” is not one of England's 42 ICB codes (E54…) or "
                     f"“england”, so the default area is shown.")
    return view


def _with_ward(view: View, ward: str, area_given: bool, wards: pd.DataFrame, notes: list[str]) -> View:
    """The view with ``ward`` selected (and, when the link gives no area, on the ward's ICB)."""
    if ward:
        if ward not in wards.index:
            notes.append(f"The link's ward “{ward}” is not a 2025 ward code in England, so no ward is selected.")
        elif not area_given:
            return replace(view, icb=str(wards.at[ward, "icb_code"]), ward=ward)
        else:
            return replace(view, ward=ward)
    return view


def _with_place(view: View, place: str, wards: pd.DataFrame, notes: list[str]) -> View:
    """The view on the local authority ``place`` when it has wards in the view's ICB."""
    if place:
        in_icb = wards["icb_code"] == view.icb if view.icb else pd.Series(False, index=wards.index)
        if (in_icb & (wards["lad_code"] == place)).any():
            return replace(view, lad=place)
        where = "all England" if view.icb is None else "this ICB"
        notes.append(f"The link's local authority “{place}” has no wards in {where}, "
                     "so the whole area is shown.")
    return view


def _with_layer(view: View, layer: str, layers: Collection[str], notes: list[str]) -> View:
    """The view showing ``layer``; a layer uploaded in another session, or unknown, is noted."""
    if layer:
        if layer in layers:
            return replace(view, layer=layer)
        if layer.startswith(USER_LAYER_PREFIX):
            notes.append(f"The link shows a layer uploaded in another browser session (“{layer}”). Uploaded data "
                         "stay in the session that loaded them, so it cannot be shown here and the default layer "
                         "is shown: upload the file again under “Your data” in the sidebar.")
        else:
            notes.append(f"The link's layer “{layer}” is not a layer WardLens has, so the default layer is shown.")
    return view


def _with_choice(view: View, field: str, value: str, allowed: Collection[str], notes: list[str], unusable: str) -> View:
    """The view with ``field`` set to ``value`` when it is one of ``allowed``; else ``unusable`` is noted."""
    if value:
        if value in allowed:
            return replace(view, **{field: value})
        notes.append(unusable.format(value=value, allowed=", ".join(allowed)))
    return view


def _with_flags(view: View, value: str, allowed: Collection[str], notes: list[str]) -> View:
    """The view outlining the flag layers listed in ``value`` (comma-separated); unknown ones are noted."""
    asked = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in asked if f not in allowed]
    if unknown:
        notes.append(f"The link's flag overlay “{', '.join(unknown)}” is not one of {', '.join(allowed)}, so it is "
                     "not outlined.")
    return replace(view, flags=tuple(dict.fromkeys(f for f in asked if f in allowed)))


def ward_in_view(wards: pd.DataFrame, view: View) -> bool:
    """Whether the view's ward lies in its area."""
    if view.ward is None or view.ward not in wards.index:
        return False
    row = wards.loc[view.ward]
    return (view.icb is None or row["icb_code"] == view.icb) and (view.lad is None or row["lad_code"] == view.lad)


def to_query(view: View) -> dict[str, str]:
    """The URL query for ``view``: area, layer and target always; place, classes, ward, flags when set."""
    query = {"area": view.icb or ENGLAND}
    if view.lad:
        query["place"] = view.lad
    query["layer"] = view.layer
    if view.scheme:
        query["classes"] = view.scheme
    query["target"] = view.targeting
    if view.ward:
        query["ward"] = view.ward
    if view.flags:
        query["flags"] = ",".join(view.flags)
    return query
