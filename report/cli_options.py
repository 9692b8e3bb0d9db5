"""What the board commands share: the view options (area, place, layer, classes, targeting, flags),
their checks, and the one-line usage error.

A bad value is refused before any work with one line naming the option, the value and the
valid choices -- ``--layer: 'imd' is not a layer. Choose one of: imd_score_2025, …`` -- and the
command exits with status 2 (:data:`EXIT_USAGE`).
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from geo.areas import ENGLAND, Area, icb_short_name
from layers.style import SCHEMES_BY_ID
from layers.targets import DEFAULT_TARGETING, TARGETINGS
from layers.view import Catalogue

EXIT_USAGE = 2
#: The layer a command shows unless told otherwise (the app's default).
DEFAULT_LAYER = "imd_score_2025"


class UsageError(ValueError):
    """A bad argument: the message is one line naming the valid choices."""


def refuse(option: str, value: str, what: str, choices: list[str] | str) -> UsageError:
    """``--option: 'value' is not what. Choose one of: a, b, c``."""
    listed = choices if isinstance(choices, str) else ", ".join(choices)
    return UsageError(f"{option}: {value!r} is not {what}. Choose one of: {listed}")


def _icbs(register: pd.DataFrame) -> pd.Series:
    icbs = register.drop_duplicates("icb_code").dropna(subset=["icb_code"]).sort_values("icb_code")
    return pd.Series([icb_short_name(str(n)) for n in icbs["icb_name"]], index=icbs["icb_code"].to_numpy())


def area_key(code: str, register: pd.DataFrame, option: str = "--area") -> str:
    """The area key for ``code``: ``england``, an ICB code, or ``ICB/LAD`` for a local authority
    (in the ICB holding most of its residents). Raises :class:`UsageError` naming the choices."""
    code = code.strip()
    if code.lower() == ENGLAND:
        return ENGLAND
    if code in set(register["icb_code"].dropna()):
        return code
    lad = register[register["lad_code"] == code]
    if not lad.empty:
        icb = lad.groupby("icb_code")["population"].sum().idxmax()
        return f"{icb}/{code}"
    icbs = _icbs(register)
    raise refuse(option, code, "'england', an ICB code or a local authority code (E06…, E07…, E08…, E09…)",
                 ["england", *(f"{c} {n.removesuffix(' ICB')}" for c, n in icbs.items())])


def place_key(key: str, place: str, register: pd.DataFrame) -> str:
    """The area key of local authority ``place`` within the ICB of ``key``; raises :class:`UsageError`."""
    icb = key.partition("/")[0]
    if icb == ENGLAND:
        raise UsageError("--place: a local authority is chosen within an ICB; give an ICB code as --area")
    lads = (register[register["icb_code"] == icb].drop_duplicates("lad_code").sort_values("lad_code"))
    place = place.strip()
    if place not in set(lads["lad_code"]):
        raise refuse("--place", place, f"a local authority of {_icbs(register)[icb]}",
                     [f"{c} {n}" for c, n in zip(lads["lad_code"], lads["lad_name"])])
    return f"{icb}/{place}"


def places(key: str, register: pd.DataFrame) -> list[tuple[str, str]]:
    """``(lad_code, lad_name)`` of every local authority with wards in the ICB of ``key``, by code."""
    icb = key.partition("/")[0]
    lads = register[register["icb_code"] == icb].drop_duplicates("lad_code").sort_values("lad_code")
    return list(zip(lads["lad_code"].astype(str), lads["lad_name"].astype(str)))


def split_codes(text: str | None) -> list[str]:
    """``"a, b,c"`` -> ``["a", "b", "c"]`` (empty for None)."""
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def add_view_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that choose a view, as the app's sidebar does."""
    parser.add_argument("--area", required=True, metavar="CODE",
                        help="an ICB code (E54…), a local authority code (E06…–E09…; the place within its ICB) "
                             "or 'england'")
    parser.add_argument("--place", metavar="LADCODE", help="a local authority of the ICB given as --area")
    parser.add_argument("--layer", default=DEFAULT_LAYER, metavar="ID",
                        help=f"the layer to map (an indicator id; default {DEFAULT_LAYER})")
    parser.add_argument("--scheme", metavar="ID", help=f"classes: one of {', '.join(SCHEMES_BY_ID)} (default: the "
                                                       "layer's own)")
    parser.add_argument("--targeting", default=DEFAULT_TARGETING, metavar="ID",
                        help=f"target wards: one of {', '.join(TARGETINGS)} (default {DEFAULT_TARGETING})")
    parser.add_argument("--flags", metavar="ID,…", help="flag layers to outline, e.g. coastal_flag,rural_flag_2021")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="the date printed on it (default: today); the same "
                                                             "inputs and date give the same bytes")


@dataclass(frozen=True)
class ViewChoice:
    """A checked view: area, layer, classes, targeting and flags, as :func:`layers.view.layer_view` takes them."""

    area: Area
    layer: str
    scheme: str | None
    targeting: str
    flags: tuple[str, ...]
    generated: dt.date


def check_layer(layer: str, catalogue: Catalogue, option: str = "--layer") -> str:
    if layer not in catalogue:
        raise refuse(option, layer, "a layer", sorted(catalogue))
    return layer


def parse_date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise refuse("--date", text, "a date", "a date written YYYY-MM-DD, e.g. 2026-01-15") from None


def view_choice(args: argparse.Namespace, register: pd.DataFrame, catalogue: Catalogue,
                area_of) -> ViewChoice:
    """Check the view options of ``args`` against the data; ``area_of``: area key -> :class:`Area`.
    Raises :class:`UsageError` for the first bad one."""
    key = area_key(args.area, register)
    if args.place:
        key = place_key(key, args.place, register)
    layer = check_layer(args.layer, catalogue)
    if args.scheme is not None and args.scheme not in SCHEMES_BY_ID:
        raise refuse("--scheme", args.scheme, "a classification", list(SCHEMES_BY_ID))
    if args.targeting not in TARGETINGS:
        raise refuse("--targeting", args.targeting, "a targeting definition", list(TARGETINGS))
    flag_ids = [i for i, s in catalogue.items() if s.record.kind == "flag"]
    flags = split_codes(args.flags)
    for flag in flags:
        if flag not in flag_ids:
            raise refuse("--flags", flag, "a flag layer", flag_ids)
    return ViewChoice(area_of(key), layer, args.scheme, args.targeting, tuple(dict.fromkeys(flags)),
                      parse_date(args.date))
