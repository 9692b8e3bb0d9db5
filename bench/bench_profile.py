"""Bytes the ward profile sends over the websocket, for a first ward and then a second one.

    python bench/bench_profile.py                          # Bloomfield, then Claremont (both Blackpool)
    python bench/bench_profile.py E05015188 E05015202      # any two L&SC ward codes (here Talbot)

Runs the explorer page under Streamlit's AppTest, picks a ward in the finder, then a second ward,
and records every ForwardMsg the script enqueues while ``ui.panels.profile_panel`` runs (each with
the hash and ``cacheable`` flag Streamlit gives it). A browser keeps each cacheable message
(``new_element`` deltas of at least ``global.minCachedMessageSize`` bytes, 256 here) and tells the
server which hashes it holds, so a message already sent is sent again only as a reference (its
hash). For the second ward the figure is therefore: messages not sent for the first ward in full,
the others as references. Printed for each ward: the messages' serialized bytes, the same deflated
one message at a time (zlib level 6 with no shared context: about what permessage-deflate gives
without context takeover), and the part that the browser's cache saves. The whole rerun (map, list and profile) is
printed beside it, for context.

Measured (Bloomfield, then Claremont; serialized bytes, deflated in brackets):

    profile as five Arrow dataframes + caveats expander   first 49,406 (22,618)   second 35,135 (13,592)
    profile as HTML tables + cached notes (now)           first 38,281 (11,131)   second  7,621 ( 3,674)
"""

from __future__ import annotations

import argparse
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

from streamlit import config
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.wire import cacheable, on_the_wire, recording, sizes  # noqa: E402
from ui import panels  # noqa: E402

#: Bloomfield and Claremont, Blackpool (L&SC, the default area): the two most deprived wards.
FIRST, SECOND = "E05015188", "E05015190"


@dataclass(frozen=True)
class Sent:
    """What one rerun sent: every message, and those enqueued while the profile was drawn."""

    everything: tuple[ForwardMsg, ...]
    profile: tuple[ForwardMsg, ...]


def pick(at: AppTest, ward: str) -> Sent:
    """Choose ``ward`` in the finder and return what that rerun sent."""
    with recording(panels, "profile_panel") as log:
        at.selectbox(key="ward_search").set_value(ward).run()
    assert not at.exception, [e.value for e in at.exception]
    return Sent(tuple(m for _, m in log), tuple(m for inside, m in log if inside))


def deflated(data: bytes) -> int:
    """Bytes after deflate at zlib's level 6, without zlib's header and checksum (permessage-deflate
    compresses each websocket message; this is its figure with no context kept between messages)."""
    return len(zlib.compress(data, 6)) - 6


def report(label: str, messages: tuple[ForwardMsg, ...], cached: set[str]) -> None:
    sent = on_the_wire(messages, cached)
    raw, full = sizes(sent), sizes(messages)
    refs = sum(1 for m in sent if m.HasField("ref_hash"))
    print(f"{label:34} {len(messages):4d} msgs {raw:8,d} B  deflated {sizes(sent, deflated):7,d} B  "
          f"({refs} sent as references, saving {full - raw:,} B)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wards", nargs="*", default=[FIRST, SECOND], help="two ward codes in L&SC")
    first, second = parser.parse_args().wards or [FIRST, SECOND]
    config.set_option("global.minCachedMessageSize", 256)  # as .streamlit/config.toml
    at = AppTest.from_file(str(ROOT / "explorer.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    a = pick(at, first)
    b = pick(at, second)
    print(f"== Ward profile on the wire (minCachedMessageSize = {config.get_option('global.minCachedMessageSize')}) ==")
    report(f"profile, first ward {first}", a.profile, set())
    report(f"profile, second ward {second}", b.profile, cacheable(a.everything))
    report("  (second ward, nothing cached)", b.profile, set())
    report("whole rerun, first ward", a.everything, set())
    report("whole rerun, second ward", b.everything, cacheable(a.everything))
    per_ward = [m for m in b.profile if not (m.metadata.cacheable and m.hash in cacheable(a.profile))]
    print(f"profile messages that differ between the two wards: {len(per_ward)} of {len(b.profile)}, "
          f"largest {max((m.ByteSize() for m in per_ward), default=0):,} B")


if __name__ == "__main__":
    main()
