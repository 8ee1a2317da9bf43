"""Shared by the fuzz targets: one budget, and mutations of real inputs.

`make test` runs each target briefly; `make fuzz` sets POSTLINGO_FUZZ_EXAMPLES
for a long run. The property everywhere: an input is accepted, or it gets a
PostlingoError naming the file; never any other exception, and never more
than 10x the input's size in memory.
"""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable
from typing import TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=int(os.environ.get("POSTLINGO_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Bytes that tend to break readers: encodings, line ends, quotes and escapes.
NASTY = [
    b"\x00", b"\xff", b"\xef\xbb\xbf", b"\r", b"\r\n", b"\n", b"\\", b'"', b"\xe2\x80\xa8",
    b"\x1c", b"\xc3", b"\t", b"#", b"[", b"]", b"=", b"{", b"'''", b'"""',
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes], tokens: list[bytes]) -> bytes:
    """A real input with a few random edits: cut, doubled, spliced, overwritten, truncated."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        end = draw(st.integers(at, min(len(data), at + 40)))
        op = draw(st.sampled_from(["delete", "double", "insert", "overwrite", "truncate"]))
        if op == "delete":
            del data[at:end]
        elif op == "double":
            data[at:at] = data[at:end]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(tokens + NASTY) | st.binary(max_size=8))
        elif op == "overwrite" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[at:]
    return bytes(data)


T = TypeVar("T")
# The fixed cost of one read (parser tables, renderer set-up) on top of the
# bound of 10x the input: what is left catches amplification, such as an
# entity or alias that expands, not the constant of the libraries.
MEMORY_FLOOR = 8 * 2**20


def within_memory(read: Callable[[], T], size: int) -> T:
    """Run one read and fail if its peak traced memory exceeds 10x the input plus the floor.

    Call it after the process has paid its one-time costs (the caller warms up).
    """
    tracemalloc.start()
    try:
        result = read()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= 10 * size + MEMORY_FLOOR, f"{peak} bytes for a {size}-byte input"
    return result
