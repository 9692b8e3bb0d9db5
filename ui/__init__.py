"""Streamlit UI helpers for the explorer page: cached loaders, controls, panels, URL state and static assets."""
