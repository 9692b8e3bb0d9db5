"""WardLens entry point: ``streamlit run app.py``.

Serves the map explorer page (``explorer.py``) as a Streamlit ``st.App``, whose lifespan
warms the server before the first visitor: it imports the heavy libraries (geopandas,
mapclassify, folium) and loads the shared ward table into the cache, so the first page
opened does not wait for them (see ``bench/bench_map.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import streamlit as st


@contextlib.asynccontextmanager
async def warm_up(_app: st.App) -> AsyncIterator[None]:
    from ui import loaders  # importing it imports the map stack

    loaders.ward_table()
    yield


app = st.App("explorer.py", lifespan=warm_up)
