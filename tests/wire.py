"""What a rerun sends to the browser: the ForwardMsgs the script enqueues, recorded under AppTest.

Streamlit gives each message a hash and marks ``new_element`` deltas of at least
``global.minCachedMessageSize`` bytes cacheable; a browser keeps those and tells the server which
hashes it holds, so a message it has had before is sent again only as a reference to its hash
(:func:`on_the_wire`). Used by ``tests/test_profile_wire.py`` and ``bench/bench_profile.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from unittest import mock

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_cache import create_reference_msg
from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext


@contextmanager
def recording(owner: object, name: str) -> Iterator[list[tuple[bool, ForwardMsg]]]:
    """Record (enqueued while ``owner.name`` ran?, message) for every ForwardMsg the script enqueues
    in the block, each as sent with nothing cached (its hash and ``cacheable`` flag set)."""
    log: list[tuple[bool, ForwardMsg]] = []
    inside = [False]
    enqueue, function = ScriptRunContext.enqueue, getattr(owner, name)

    def recorded_enqueue(self: ScriptRunContext, msg: ForwardMsg) -> None:
        enqueue(self, msg)  # sets msg.hash and msg.metadata.cacheable
        copy = ForwardMsg()
        copy.CopyFrom(msg)
        log.append((inside[0], copy))

    def recorded(*args, **kwargs):
        inside[0] = True
        try:
            return function(*args, **kwargs)
        finally:
            inside[0] = False

    with mock.patch.object(ScriptRunContext, "enqueue", recorded_enqueue), mock.patch.object(owner, name, recorded):
        yield log


def cacheable(messages: Iterable[ForwardMsg]) -> set[str]:
    """The hashes a browser keeps of ``messages``."""
    return {m.hash for m in messages if m.metadata.cacheable}


def on_the_wire(messages: Iterable[ForwardMsg], cached: set[str]) -> list[ForwardMsg]:
    """``messages`` as sent to a browser holding the hashes ``cached``: a cached one as a reference."""
    return [create_reference_msg(m) if m.metadata.cacheable and m.hash in cached else m for m in messages]


def sizes(messages: Iterable[ForwardMsg], measure: Callable[[bytes], int] = len) -> int:
    """The messages' serialized bytes (or ``measure`` of each, summed)."""
    return sum(measure(m.SerializeToString()) for m in messages)
