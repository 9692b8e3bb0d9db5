"""WardLens entry point: ``streamlit run app.py``.

Serves the map explorer page (``explorer.py``) as a Streamlit ``st.App``, whose lifespan
warms the server before the first visitor: it imports the heavy libraries (geopandas,
mapclassify, the map component), loads the shared ward table and builds the default view (Lancashire and
South Cumbria, IMD 2025) into the caches, so the first page opened does not wait for them
(see ``bench/bench_map.py``). The loaders it calls show no spinner: there is no page yet.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import streamlit as st


@contextlib.asynccontextmanager
async def warm_up(_app: st.App) -> AsyncIterator[None]:
    from ui import views  # importing it imports the map stack
    from ui.link import DEFAULT_VIEW

    view = DEFAULT_VIEW
    views.view(view.icb, view.layer, view.scheme, view.targeting, ())
    yield


app = st.App("explorer.py", lifespan=warm_up)
