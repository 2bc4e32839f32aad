"""Hybrid logical clock: orders edits across devices even when wall clocks disagree a little.

A timestamp is wall-clock milliseconds, a logical counter and the node (device) id. Its
text form sorts in clock order, so the server can compare edits as plain strings.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_LOGICAL = 0xFFFF


@dataclass(frozen=True, order=True, slots=True)
class HLC:
    millis: int
    logical: int
    node: str

    def __str__(self) -> str:
        return f"{self.millis:013d}-{self.logical:04x}-{self.node}"

    @classmethod
    def parse(cls, text: str) -> HLC:
        millis, logical, node = text.split("-", 2)
        return cls(int(millis), int(logical, 16), node)


def tick(last: HLC | None, wall_millis: int, node: str) -> HLC:
    """The clock value for a local event after ``last``."""
    if last is None or wall_millis > last.millis:
        return HLC(wall_millis, 0, node)
    if last.logical >= MAX_LOGICAL:
        return HLC(last.millis + 1, 0, node)
    return HLC(last.millis, last.logical + 1, node)


def receive(last: HLC | None, remote: HLC, wall_millis: int, node: str) -> HLC:
    """The clock value after seeing a remote timestamp, so later local edits sort after it."""
    millis = max(wall_millis, remote.millis, last.millis if last else 0)
    if last is not None and millis == last.millis == remote.millis:
        logical = max(last.logical, remote.logical) + 1
    elif last is not None and millis == last.millis:
        logical = last.logical + 1
    elif millis == remote.millis:
        logical = remote.logical + 1
    else:
        logical = 0
    if logical > MAX_LOGICAL:
        return HLC(millis + 1, 0, node)
    return HLC(millis, logical, node)
