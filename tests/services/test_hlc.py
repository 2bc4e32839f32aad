"""The hybrid logical clock the outbox stamps: always forward, and sortable as text."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from crm.sync.hlc import HLC, MAX_LOGICAL, receive, tick

NODE = "9a4f12ab34cd"
millis = st.integers(min_value=0, max_value=9_999_999_999_999)  # 13 digits, as the text form
logical = st.integers(min_value=0, max_value=MAX_LOGICAL)
nodes = st.text(alphabet="0123456789abcdef", min_size=12, max_size=12)
clocks = st.builds(HLC, millis, logical, nodes)


def order(h: HLC) -> tuple[int, int]:
    return h.millis, h.logical


@given(last=st.none() | clocks, wall=millis, node=nodes)
def test_tick_moves_forward_and_never_behind_the_wall_clock(
    last: HLC | None, wall: int, node: str
) -> None:
    now = tick(last, wall, node)
    assert now.node == node
    assert now.millis >= wall
    assert 0 <= now.logical <= MAX_LOGICAL
    if last is not None:
        assert order(now) > order(last)


@given(walls=st.lists(millis, min_size=2, max_size=40))
def test_ticks_strictly_increase_whatever_the_wall_clock_does(walls: list[int]) -> None:
    stamps: list[HLC] = []
    last: HLC | None = None
    for wall in walls:
        last = tick(last, wall, NODE)
        stamps.append(last)
    assert all(a < b for a, b in pairwise(stamps))
    assert all(str(a) < str(b) for a, b in pairwise(stamps))


def test_tick_in_the_same_millisecond_counts_up_then_borrows_the_next() -> None:
    assert tick(None, 1000, NODE) == HLC(1000, 0, NODE)
    assert tick(HLC(1000, 0, NODE), 1000, NODE) == HLC(1000, 1, NODE)
    assert tick(HLC(1000, 5, NODE), 900, NODE) == HLC(1000, 6, NODE)
    assert tick(HLC(1000, MAX_LOGICAL, NODE), 1000, NODE) == HLC(1001, 0, NODE)


@given(last=st.none() | clocks, remote=clocks, wall=millis, node=nodes)
def test_receive_lands_after_both_the_local_and_the_remote_clock(
    last: HLC | None, remote: HLC, wall: int, node: str
) -> None:
    now = receive(last, remote, wall, node)
    assert now.node == node
    assert now.millis >= wall
    assert order(now) > order(remote)
    if last is not None:
        assert order(now) > order(last)
    assert 0 <= now.logical <= MAX_LOGICAL


@given(last=clocks, remote=clocks, wall=millis, later_wall=millis)
def test_a_tick_after_receive_still_sorts_after_the_remote_edit(
    last: HLC, remote: HLC, wall: int, later_wall: int
) -> None:
    seen = receive(last, remote, wall, NODE)
    assert order(tick(seen, later_wall, NODE)) > order(remote)


@given(clocks)
def test_text_form_round_trips(h: HLC) -> None:
    assert HLC.parse(str(h)) == h


@given(a=clocks, b=clocks)
def test_text_form_sorts_in_clock_order(a: HLC, b: HLC) -> None:
    assert (str(a) < str(b)) == (a < b)


def test_text_form_is_fixed_width() -> None:
    assert str(HLC(1_781_488_800_000, 10, NODE)) == "1781488800000-000a-9a4f12ab34cd"
