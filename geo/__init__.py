"""Geometry and the data build: raw open data in, ward-level tables and boundaries out.

Nothing in this package imports streamlit; the app reads only what `python -m geo.build`
writes under `data/`.
"""
