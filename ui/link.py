"""The view a link describes: area, place, layer, classification, targeting and ward.

Pure functions: :func:`parse_query` reads ``st.query_params`` (any mapping of str to str)
into a :class:`View`, replacing each unusable value by the default and saying so in plain
English; :func:`to_query` writes a view back. Query keys::

    area=E54000048 | england   place=E06000009   layer=imd_score_2025
    classes=NationalDeciles     target=imd10      ward=E05015188

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


DEFAULT_VIEW = View()


def _first(value: object) -> str:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return str(value).strip()


def parse_query(params: Mapping[str, object], wards: pd.DataFrame, layers: Collection[str],
                schemes: Collection[str], targetings: Collection[str],
                default: View = DEFAULT_VIEW) -> tuple[View, list[str]]:
    """The :class:`View` for URL query ``params``, and a message for each value that was unusable.

    ``wards``: the ward register indexed by ward_code (with ``icb_code``, ``lad_code``,
    ``ward_name``, ``lad_name``, ``icb_name``). Unknown codes and ids fall back to ``default``
    (area, layer, targeting) or to none (place, ward, classification). A ward given without an
    area opens the ward's ICB; a ward outside the chosen area is dropped.
    """
    get = {k: _first(v) for k, v in params.items()}
    view, notes = default, []
    icbs = set(wards["icb_code"].dropna())

    area = get.get("area", "")
    if area:
        if area.lower() == ENGLAND:
            view = replace(view, icb=None)
        elif area in icbs:
            view = replace(view, icb=area)
        else:
            notes.append(f"The link's area “{area}” is not one of England's 42 ICB codes (E54…) or "
                         f"“england”, so the default area is shown.")

    ward = get.get("ward", "")
    if ward:
        if ward not in wards.index:
            notes.append(f"The link's ward “{ward}” is not a 2025 ward code in England, so no ward is selected.")
        elif not area:
            view = replace(view, icb=str(wards.at[ward, "icb_code"]), ward=ward)
        else:
            view = replace(view, ward=ward)

    place = get.get("place", "")
    if place:
        in_icb = wards["icb_code"] == view.icb if view.icb else pd.Series(False, index=wards.index)
        if (in_icb & (wards["lad_code"] == place)).any():
            view = replace(view, lad=place)
        else:
            where = "all England" if view.icb is None else "this ICB"
            notes.append(f"The link's local authority “{place}” has no wards in {where}, "
                         "so the whole area is shown.")

    layer = get.get("layer", "")
    if layer:
        if layer in layers:
            view = replace(view, layer=layer)
        elif layer.startswith(USER_LAYER_PREFIX):
            notes.append(f"The link shows a layer uploaded in another browser session (“{layer}”). Uploaded data "
                         "stay in the session that loaded them, so it cannot be shown here and the default layer "
                         "is shown: upload the file again under “Your data” in the sidebar.")
        else:
            notes.append(f"The link's layer “{layer}” is not a layer WardLens has, so the default layer is shown.")

    scheme = get.get("classes", "")
    if scheme:
        if scheme in schemes:
            view = replace(view, scheme=scheme)
        else:
            notes.append(f"The link's classification “{scheme}” is not one of {', '.join(schemes)}, "
                         "so the layer's own classification is used.")

    target = get.get("target", "")
    if target:
        if target in targetings:
            view = replace(view, targeting=target)
        else:
            notes.append(f"The link's targeting “{target}” is not one of {', '.join(targetings)}, "
                         "so the default definition is used.")

    if view.ward is not None and not ward_in_view(wards, view):
        notes.append(f"The link's ward {wards.at[view.ward, 'ward_name']} is not in the area shown, "
                     "so no ward is selected.")
        view = replace(view, ward=None)
    return view, notes


def ward_in_view(wards: pd.DataFrame, view: View) -> bool:
    """Whether the view's ward lies in its area."""
    if view.ward is None or view.ward not in wards.index:
        return False
    row = wards.loc[view.ward]
    return (view.icb is None or row["icb_code"] == view.icb) and (view.lad is None or row["lad_code"] == view.lad)


def to_query(view: View) -> dict[str, str]:
    """The URL query for ``view``: area, layer and target always; place, classes, ward when set."""
    query = {"area": view.icb or ENGLAND}
    if view.lad:
        query["place"] = view.lad
    query["layer"] = view.layer
    if view.scheme:
        query["classes"] = view.scheme
    query["target"] = view.targeting
    if view.ward:
        query["ward"] = view.ward
    return query
