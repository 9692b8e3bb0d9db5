"""The layer on the page, published or uploaded, through the one pure view (:mod:`layers.view`).

A view of a published layer depends on open data only, so it is cached once for every
session, keyed on ids (area key, layer id, scheme, targeting, flags). A view of a layer the
user uploaded is computed by the same function in the session, uncached: the user's data
never reach ``st.cache_data`` / ``st.cache_resource``, whose caches every session shares.
This module is the one place that tells the two apart.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from layers.goals import Goal
from layers.goalview import GoalView, goal_view
from layers.indicator import Indicator
from layers.profile import profile_notes, ward_profile
from layers.source import LayerSource
from layers.view import LayerView, layer_view
from ui import loaders, session


def catalogue() -> dict[str, LayerSource]:
    """Every layer the page can show by id: the published ones, then this session's uploads."""
    return {**loaders.published(), **session.user_layers()}


def record(layer: str) -> Indicator:
    """The record of a published or uploaded layer."""
    return catalogue()[layer].record


def _shared(layer: str) -> bool:
    """Whether everything about ``layer`` is open data (so its results may be cached for every session)."""
    return layer in loaders.published()


@st.cache_resource(show_spinner=False, max_entries=128)
def _published_view(key: str, layer: str, scheme: str | None, targeting: str, flags: tuple[str, ...]) -> LayerView:
    return layer_view(loaders.published(), loaders.ward_table(), loaders.area_of(key), layer, scheme, targeting,
                      flags, loaders.area_geometry(key))


def view(key: str, layer: str, scheme: str | None, targeting: str, flags: tuple[str, ...]) -> LayerView:
    """Everything shown of ``layer`` over the area ``key`` (see :func:`layers.view.layer_view`)."""
    if _shared(layer):
        return _published_view(key, layer, scheme, targeting, flags)
    return layer_view(catalogue(), loaders.ward_table(), loaders.area_of(key), layer, scheme, targeting, flags,
                      loaders.area_geometry(key))


@st.cache_resource(show_spinner=False, max_entries=64)
def _published_profile(ward: str) -> pd.DataFrame:
    return ward_profile(list(loaders.published().values()), loaders.ward_table(), ward, loaders.published_summaries())


@st.cache_resource(show_spinner=False, max_entries=64)
def _published_notes(ward: str) -> list[tuple[str, str]]:
    return profile_notes(_published_profile(ward))


def notes(ward: str) -> list[tuple[str, str]]:
    """(theme, notes HTML) of ``ward``'s profile (:func:`layers.profile.profile_notes`): what each
    indicator means, the same for every ward; made once for the published layers."""
    if not session.user_layers():
        return _published_notes(ward)
    return profile_notes(profile(ward))


def profile(ward: str) -> pd.DataFrame:
    """Every layer for ``ward`` beside its ICB and England: this session's uploaded layers first,
    then the published ones."""
    published = _published_profile(ward)
    uploads = list(session.user_layers().values())
    if not uploads:
        return published
    return pd.concat([ward_profile(uploads, loaders.ward_table(), ward, loaders.published_summaries()), published],
                     ignore_index=True)
@st.cache_resource(show_spinner="Modelling the goal…", max_entries=64)
def _published_goal(key: str, goal: Goal, measure: str, groups: int, overdispersion: float,
                    within_place: bool) -> GoalView:
    return goal_view(loaders.published(), loaders.ward_table(), loaders.area_of(key), goal, measure, groups=groups,
                     overdispersion=overdispersion, components=loaders.goal_components(),
                     geometry=loaders.area_geometry(key), within_place=within_place)


def goal(key: str, goal: Goal, measure: str, groups: int, overdispersion: float,
         within_place: bool = False) -> GoalView:
    """``goal`` over the area ``key`` modelled with ``measure`` (see :func:`layers.goalview.goal_view`):
    cached for every session when the measure is published, computed in the session for an upload."""
    if _shared(measure):
        return _published_goal(key, goal, measure, groups, overdispersion, within_place)
    return goal_view(catalogue(), loaders.ward_table(), loaders.area_of(key), goal, measure, groups=groups,
                     overdispersion=overdispersion, components=loaders.goal_components(),
                     geometry=loaders.area_geometry(key), within_place=within_place)
