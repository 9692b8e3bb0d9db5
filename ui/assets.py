"""The map's files, served by the app itself: Leaflet (copied from the XStatic-Leaflet package into
``static/vendor``) and the app's own script and styles (``static/wardlens``, committed).

Streamlit serves ``./static`` at ``/app/static/`` when ``[server] enableStaticServing`` is on
(``.streamlit/config.toml``). ``static/vendor/`` is generated (and git-ignored): the map
never loads anything from a CDN.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet

from geo.paths import ROOT

STATIC = ROOT / "static"
#: The page icon (a committed file, unlike static/vendor).
ICON = STATIC / "wardlens.png"
LEAFLET_DIR = STATIC / "vendor" / "leaflet"
#: The files the map loads (plus the images leaflet.css refers to).
LEAFLET_FILES = ("leaflet.js", "leaflet.css")
#: The URL path Streamlit serves STATIC at, below the server's base URL path.
STATIC_URL = "app/static"


def ensure_leaflet(target: Path = LEAFLET_DIR) -> Path:
    """Copy Leaflet's JS, CSS and images from XStatic-Leaflet into ``target`` if any is missing."""
    source = Path(xleaflet.BASE_DIR)
    wanted = [*LEAFLET_FILES, *(f"images/{p.name}" for p in (source / "images").glob("*.png"))]
    if all((target / name).is_file() for name in wanted):
        return target
    (target / "images").mkdir(parents=True, exist_ok=True)
    for name in wanted:
        shutil.copyfile(source / name, target / name)
    (target / "VERSION").write_text(f"Leaflet {xleaflet.VERSION} from XStatic-Leaflet\n", encoding="utf-8")
    return target


def static_base_url(base_url_path: str) -> str:
    """The URL of the static folder for Streamlit's ``server.baseUrlPath`` (``""`` when served at /)."""
    prefix = base_url_path.strip("/")
    return "/" + "/".join(p for p in (prefix, STATIC_URL) if p)
