"""Streamlit UI helpers for app.py: cached loaders, controls, panels, URL state and static assets."""
