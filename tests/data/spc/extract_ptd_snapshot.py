"""Write the NHSRplotthedots worked examples used by tests/test_stats_spc.py as CSV files.

NHSRplotthedots' integration tests store each ``ptd_spc()`` result as an R object, serialised
(XDR, format 2) and base64-encoded, in ``tests/testthat/_snaps/integration_tests.md``. This
script reads that file, decodes the three single-series results and writes one CSV per result
beside itself, keeping ptd's own column names for the expected values.

Usage: python tests/data/spc/extract_ptd_snapshot.py path/to/integration_tests.md
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Snapshot section title -> CSV written.
SECTIONS = {
    "ae_all attendances spc returns expected values": "ptd_ae_all_attendances.csv",
    "ae_all attendances spc with rebase returns expected values": "ptd_ae_all_attendances_rebase.csv",
    "ae_all performance spc returns expected values": "ptd_ae_all_performance_fix12.csv",
}
#: ptd_spc() columns kept, in order (period is written from ptd's ``x``, value from ``y``).
COLUMNS = ("mean", "lpl", "upl", "relative_to_mean", "outside_limits", "close_to_limits",
           "special_cause_flag", "point_type")

NILVALUE, REFSXP, SYMSXP, LISTSXP, CHARSXP = 254, 255, 1, 2, 9
LGLSXP, INTSXP, REALSXP, STRSXP, VECSXP = 10, 13, 14, 16, 19
NA_INTEGER = -(2**31)


class _Reader:
    """Just enough of R's unserialize for data frames of logical, integer, double and string columns."""

    def __init__(self, raw: bytes) -> None:
        if raw[:2] != b"X\n":
            raise ValueError("not an R XDR serialisation")
        self.raw, self.pos, self.refs = raw, 2, []
        version = self.int()
        self.pos += 8  # R version that wrote it, and the oldest that can read it
        if version != 2:
            raise ValueError(f"serialisation format {version} is not supported")

    def int(self) -> int:
        (value,) = struct.unpack_from(">i", self.raw, self.pos)
        self.pos += 4
        return value

    def item(self):
        flags = self.int()
        kind, has_attr, has_tag = flags & 0xFF, flags & (1 << 9), flags & (1 << 10)
        if kind == NILVALUE:
            return None
        if kind == REFSXP:
            return self.refs[(flags >> 8) - 1]
        if kind == SYMSXP:
            symbol = ("symbol", self.item())
            self.refs.append(symbol)
            return symbol
        if kind == LISTSXP:
            return self.pairlist(has_attr, has_tag)
        if kind == CHARSXP:
            n = self.int()
            if n == -1:
                return None
            text = self.raw[self.pos : self.pos + n].decode()
            self.pos += n
            return text
        return self.vector(kind, has_attr)

    def pairlist(self, has_attr: int, has_tag: int) -> dict:
        out = {}
        while True:
            if has_attr:
                self.item()
            tag = self.item() if has_tag else ("symbol", len(out))
            out[tag[1]] = self.item()
            flags = self.int()
            if flags & 0xFF == NILVALUE:
                return out
            has_attr, has_tag = flags & (1 << 9), flags & (1 << 10)

    def vector(self, kind: int, has_attr: int):
        n = self.int()
        if kind in (LGLSXP, INTSXP):
            values = [None if v == NA_INTEGER else v for v in struct.unpack_from(f">{n}i", self.raw, self.pos)]
            self.pos += 4 * n
            values = [v if v is None or kind == INTSXP else bool(v) for v in values]
        elif kind == REALSXP:
            values = list(struct.unpack_from(f">{n}d", self.raw, self.pos))
            self.pos += 8 * n
        elif kind in (STRSXP, VECSXP):
            values = [self.item() for _ in range(n)]
        else:
            raise ValueError(f"R type {kind} is not supported")
        attrs = self.item() if has_attr else None
        return {"values": values, "attrs": attrs} if attrs else values


def data_frame(blob: str) -> dict[str, list]:
    """Columns of the serialised data frame in a base64 ``blob``."""
    frame = _Reader(base64.b64decode("".join(blob.split()))).item()
    return {name: col["values"] if isinstance(col, dict) else col
            for name, col in zip(frame["attrs"]["names"], frame["values"], strict=True)}


def sections(markdown: str) -> dict[str, str]:
    """Snapshot title -> its indented base64 block."""
    out, title = {}, None
    for line in markdown.splitlines():
        if line.startswith("# "):
            title = line[2:].strip()
            out[title] = ""
        elif title and line.startswith("    "):
            out[title] += line.strip()
    return out


def write_csv(columns: dict[str, list], path: Path) -> None:
    """One row per point: period (ISO date), value and ptd's expected columns (floats in full)."""
    with path.open("w", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(("period", "value", *COLUMNS))
        for i, seconds in enumerate(columns["x"]):
            day = dt.datetime.fromtimestamp(seconds, dt.UTC).date().isoformat()
            row = [columns[c][i] for c in ("y", *COLUMNS)]
            out.writerow([day, *(repr(v) if isinstance(v, float) else v for v in row)])


def main(snapshot: Path) -> None:
    found = sections(snapshot.read_text())
    for title, name in SECTIONS.items():
        write_csv(data_frame(found[title]), HERE / name)
        print("wrote", HERE / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
