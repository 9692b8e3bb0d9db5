"""Compact geometry for the browser: Google encoded polylines, decoded by a few lines of JavaScript.

A ward map is mostly coordinates. Written as GeoJSON, every vertex costs about 19 bytes
(``[-2.1234,53.1234],``); as an encoded polyline (the format of the Google Maps APIs: rounded
integer deltas, zigzag-signed, in 5-bit chunks of printable ASCII 63-126) it costs 2-4. The map
payload stays small enough for a whole ICB at 11 m precision in well under 200 KB.

:func:`encode_geometries` returns one JSON fragment per geometry -- a list of polygons, each a
list of encoded rings (outer ring first; the closing vertex dropped, as Leaflet closes rings
itself), or for lines a list of encoded lines, with any ``{`` written ``\\u007b``.
``WardLens.decode`` in ``static/wardlens/wardlens.js`` decodes one ring back to ``[lat, lng]``
pairs; :func:`decode` is the same in Python, for tests.
"""

from __future__ import annotations

import json

import numpy as np
import shapely

_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)


def _chars(values: np.ndarray) -> np.ndarray:
    """Polyline characters (uint8) for signed ints ``values``, and each char's value index."""
    z = (values << 1) ^ (values >> 63)  # zigzag: 0, -1, 1, -2 ... -> 0, 1, 2, 3 ...
    n = np.ones(len(z), dtype=np.int64)
    for k in range(1, 7):
        n += z >= (1 << (5 * k))
    owner = np.repeat(np.arange(len(z)), n)
    k = np.arange(len(owner)) - np.repeat(np.cumsum(n) - n, n)
    chunk = (z[owner] >> (5 * k)) & 31
    more = k < (n[owner] - 1)
    return (chunk | (more.astype(np.int64) << 5)) + 63, owner


def encode_lines(lines: np.ndarray, precision: int, closed: bool) -> list[str]:
    """Encode each LineString/LinearRing in ``lines`` at ``precision`` decimal places.

    Consecutive vertices equal after rounding are dropped; with ``closed`` the last vertex
    (a repeat of the first) is dropped too.
    """
    if len(lines) == 0:
        return []
    coords, ring = shapely.get_coordinates(lines, return_index=True)
    q = np.round(coords[:, ::-1] * 10 ** precision).astype(np.int64)  # (lat, lng), like Leaflet
    start = np.r_[True, ring[1:] != ring[:-1]]
    end = np.r_[ring[1:] != ring[:-1], True]
    keep = start | np.r_[True, (q[1:] != q[:-1]).any(axis=1)]
    if closed:
        keep &= ~end | start
    q, ring, start = q[keep], ring[keep], start[keep]
    delta = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    delta[start] = q[start]
    chars, owner = _chars(delta.ravel())
    char_ring = np.repeat(ring, 2)[owner]
    text = chars.astype(np.uint8).tobytes().decode("ascii")
    counts = np.bincount(char_ring, minlength=len(lines))
    bounds = np.r_[0, np.cumsum(counts)]
    return [text[bounds[i]:bounds[i + 1]] for i in range(len(lines))]


def encode_geometries(geoms: np.ndarray, precision: int) -> list[str]:
    """One JSON fragment per geometry of ``geoms`` (shapely array): see the module docstring.

    Polygons and multipolygons give ``[[ring, hole, ...], ...]``; lines and multilines give
    ``[line, ...]``. Empty or missing geometries give ``[]``.
    """
    geoms = np.asarray(geoms, dtype=object)
    out: list[list] = [[] for _ in range(len(geoms))]
    polygonal = np.isin(shapely.get_type_id(geoms), _POLYGONAL)
    if polygonal.any():
        idx = np.flatnonzero(polygonal)
        polys, poly_owner = shapely.get_parts(geoms[idx], return_index=True)
        rings, ring_owner = shapely.get_rings(polys, return_index=True)
        encoded = encode_lines(rings, precision, closed=True)
        per_poly: list[list[str]] = [[] for _ in range(len(polys))]
        for r, text in zip(ring_owner, encoded):
            per_poly[r].append(text)
        for p, rings_text in zip(poly_owner, per_poly):
            out[idx[p]].append(rings_text)
    lineal = ~polygonal & ~shapely.is_missing(geoms)
    if lineal.any():
        idx = np.flatnonzero(lineal)
        parts, owner = shapely.get_parts(geoms[idx], return_index=True)
        for o, text in zip(owner, encode_lines(parts, precision, closed=False)):
            out[idx[o]].append(text)
    return [json.dumps(item, separators=(",", ":")) for item in out]


def decode(text: str, precision: int) -> list[tuple[float, float]]:
    """Decode one encoded line to ``(lat, lng)`` pairs (the inverse of :func:`encode_lines`)."""
    points, i, lat, lng, factor = [], 0, 0, 0, 10 ** precision
    while i < len(text):
        pair = []
        for _ in range(2):
            shift = result = 0
            while True:
                b = ord(text[i]) - 63
                i += 1
                result |= (b & 31) << shift
                shift += 5
                if b < 32:
                    break
            pair.append(~(result >> 1) if result & 1 else result >> 1)
        lat, lng = lat + pair[0], lng + pair[1]
        points.append((lat / factor, lng / factor))
    return points
