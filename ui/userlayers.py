"""The layer on the page, published or uploaded: one entry point for each result the page needs.

A published layer's results come from the shared caches of :mod:`ui.loaders`, keyed on ids.
An uploaded layer (:class:`layers.uploaded.UserLayer`) lives only in this session's
``st.session_state["user_layers"]``; everything made from it (colours, targets, ranks, the
map payload, the target list, profile rows) is computed here on each rerun -- it is small --
and is never passed to ``st.cache_data`` / ``st.cache_resource``, whose caches every session
shares. The shared caches are only ever called with published ids: a definition that reads
its own indicator (IMD, Core20) still comes from them when an uploaded layer is on the map.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.areas import counted
from geo.targeting import Coverage, coverage, rank_targets, select
from layers import INDICATORS
from layers.export import TargetTable, target_table as build_table
from layers.indicator import Indicator
from layers.mapview import LayerPayload, flag_outlines
from layers.mapview import ward_payload as build_payload
from layers.targets import TARGETINGS
from layers.uploaded import UserLayer, profile_row, style_user_layer
from ui import loaders

#: Session-state key of this session's uploaded layers, by id (insertion order = upload order).
KEY = "user_layers"


def user_layers() -> dict[str, UserLayer]:
    """This session's uploaded layers by id."""
    return st.session_state.setdefault(KEY, {})


def records() -> dict[str, Indicator]:
    """The records of this session's uploaded layers, by id."""
    return {i: u.record for i, u in user_layers().items()}


def user(layer: str) -> UserLayer | None:
    """The uploaded layer with id ``layer`` in this session, or None (a published id, or not here)."""
    return user_layers().get(layer)


def record(layer: str) -> Indicator:
    """The record of a published or uploaded layer."""
    found = user(layer)
    return found.record if found else INDICATORS[layer]


def _published(targeting: str, layer: str) -> str | None:
    """The published id under which the shared caches answer for ``targeting`` with ``layer`` on the
    map: the layer itself if published, else the definition's own indicator, else None (the
    answer needs this session's upload)."""
    return layer if layer in INDICATORS else TARGETINGS[targeting].indicator


def _values(key: str, layer: UserLayer) -> pd.Series:
    return layer.values.reindex(loaders.area_wards(key))


def targets(key: str, targeting: str, layer: str) -> pd.Series:
    """Target wards of the area (bool by ward_code); see :func:`ui.loaders.targets`."""
    shared = _published(targeting, layer)
    if shared is not None:
        return loaders.targets(key, targeting, shared)
    t, u = TARGETINGS[targeting], user_layers()[layer]
    return select(_values(key, u), t.rule, t.parameter, u.record.higher_is_worse)


def target_ranks(key: str, targeting: str, layer: str) -> pd.Series:
    """Rank 1..n of the target wards, worst first; see :func:`ui.loaders.target_ranks`."""
    shared = _published(targeting, layer)
    if shared is not None:
        return loaders.target_ranks(key, targeting, shared)
    t, u = TARGETINGS[targeting], user_layers()[layer]
    keys = [(_values(key, u), u.record.higher_is_worse),
            *((loaders.layer_values(key, i), INDICATORS[i].higher_is_worse) for i in t.tie_break)]
    return rank_targets(targets(key, targeting, layer), keys)


def target_coverage(key: str, targeting: str, layer: str) -> Coverage:
    """Target wards and the residents they hold; see :func:`ui.loaders.target_coverage`."""
    shared = _published(targeting, layer)
    if shared is not None:
        return loaders.target_coverage(key, targeting, shared)
    table = loaders.ward_table().loc[loaders.area_wards(key)]
    return coverage(targets(key, targeting, layer), table["population"], counted(table))


def target_status(key: str, layer: str, ward: str) -> dict[str, str]:
    """For each targeting definition: "yes (rank r of n)" or "no", for ``ward`` in the area."""
    return loaders.target_status(key, layer, ward, ranks_of=target_ranks)


def ward_payload(key: str, layer: str, scheme: str | None, targeting: str, flags: tuple[str, ...],
                 selected: str | None) -> LayerPayload:
    """The ward layer's browser payload; see :func:`ui.loaders.ward_payload`. An uploaded layer's is
    built here (classes, hatched suppressed wards, "fewer than 5" in their tooltips)."""
    u = user(layer)
    if u is None:
        return loaders.ward_payload(key, layer, scheme, targeting, flags, selected)
    codes = loaders.area_wards(key)
    style = style_user_layer(u, codes, scheme)
    outlines = flag_outlines([(INDICATORS[f], loaders.layer_values(key, f)) for f in flags])
    return build_payload(loaders.area_geometry(key), loaders.ward_table().loc[codes], u.record, _values(key, u),
                         style.colour, style.legend, targets(key, targeting, layer), TARGETINGS[targeting].short,
                         outlines, selected, value_text=u.texts(codes))


def target_table(table: pd.DataFrame, ranks: pd.Series, key_records: list[Indicator]) -> TargetTable:
    """The ranked target list with the key indicators' columns (see :func:`layers.export.target_table`);
    an uploaded layer's column joins the listed rows here, its suppressed counts written "<5"."""
    uploaded = {r.id: user_layers()[r.id] for r in key_records if r.id in user_layers()}
    if not uploaded:
        return build_table(table, ranks, key_records)
    rows = table.loc[ranks.index].assign(**{i: u.values.reindex(ranks.index) for i, u in uploaded.items()})
    hidden = {i: u.suppression for i, u in uploaded.items() if u.suppression is not None}
    return build_table(rows, ranks, key_records, suppressed=hidden)


def profile(ward: str) -> pd.DataFrame:
    """Every indicator for ``ward`` beside its ICB and England: this session's uploaded layers first
    (values in the file only), then the published ones (see :func:`ui.loaders.profile`)."""
    published = loaders.profile(ward)
    if not user_layers():
        return published
    register = loaders.ward_table()
    rows = pd.DataFrame([profile_row(u, register, ward) for u in user_layers().values()])
    return pd.concat([rows, published], ignore_index=True)
