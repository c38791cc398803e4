"""The arena planners (`analysis/planning.py`): properties on random buffer sets
(hypothesis), hand-computed plans, and the independent plan checker."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiny_training.analysis import planning
from tiny_training.analysis.planning import ALGORITHMS, Buffer, check_plan, greedy, live_bytes, lower_bound, optimal, plan


@st.composite
def buffer_sets(draw, max_buffers: int = 24) -> list[Buffer]:
    count = draw(st.integers(1, max_buffers))
    buffers = []
    for index in range(count):
        first = draw(st.integers(0, 30))
        length = draw(st.integers(0, 10))
        size = draw(st.integers(1, 5000))
        alignment = draw(st.sampled_from([1, 2, 4, 8, 16]))
        buffers.append(Buffer(f"b{index}", size, alignment, first, first + length))
    return buffers


def brute_force_overlaps(buffers, offsets) -> bool:
    """Byte by byte and step by step: does any byte hold two live buffers?"""
    for a, b in itertools.combinations(range(len(buffers)), 2):
        x, y = buffers[a], buffers[b]
        steps = set(range(x.first, x.last + 1)) & set(range(y.first, y.last + 1))
        bytes_shared = set(range(offsets[a], offsets[a] + x.size)) & set(range(offsets[b], offsets[b] + y.size))
        if steps and bytes_shared:
            return True
    return False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(buffer_sets(), st.sampled_from(ALGORITHMS[:2]))
def test_greedy_plans_are_valid(buffers, algorithm):
    result = greedy(buffers, algorithm)
    assert check_plan(buffers, result.offsets, result.arena).ok
    for b, offset in zip(buffers, result.offsets):
        assert offset % b.alignment == 0
        assert offset + b.size <= result.arena
    assert result.arena >= result.lower_bound
    assert result.lower_bound == max(live_bytes(buffers))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(buffer_sets(max_buffers=12))
def test_optimal_is_valid_and_never_worse_than_greedy(buffers):
    best = optimal(buffers, time_limit=2.0, workers=1)
    assert check_plan(buffers, best.offsets, best.arena).ok
    assert not brute_force_overlaps(buffers, best.offsets)
    assert best.arena >= best.lower_bound
    for algorithm in ALGORITHMS[:2]:
        assert best.arena <= greedy(buffers, algorithm).arena


@settings(max_examples=60, deadline=None)
@given(buffer_sets(max_buffers=10))
def test_checker_agrees_with_brute_force(buffers):
    # Everything at offset 0: the checker must flag exactly the sets where some pair is
    # live at a common step (all buffers are at least one byte).
    offsets = [0] * len(buffers)
    arena = max(b.size for b in buffers)
    conflicting = any(a.conflicts(b) for a, b in itertools.combinations(buffers, 2))
    assert (not check_plan(buffers, offsets, arena).ok) == conflicting == brute_force_overlaps(buffers, offsets)


def test_lower_bound_by_hand():
    buffers = [Buffer("a", 10, 4, 0, 2), Buffer("b", 7, 1, 2, 5), Buffer("c", 100, 4, 4, 4)]
    # padded sizes 12, 7, 100: step 2 holds a + b = 19, step 4 holds b + c = 107.
    assert live_bytes(buffers) == [12, 12, 19, 7, 107, 7]
    assert lower_bound(buffers) == (107, 4)


def test_greedy_by_size_by_hand():
    # a (64 B, steps 0-1) at 0; b (32 B, 1-2) conflicts a, so at 64; c (16 B, 2-3) conflicts
    # only b: the gap [0, 64) below b is the best fit, so 0.
    buffers = [Buffer("a", 64, 4, 0, 1), Buffer("b", 32, 4, 1, 2), Buffer("c", 16, 4, 2, 3)]
    result = greedy(buffers, "greedy-by-size")
    assert result.offsets == (0, 64, 0)
    assert result.arena == 96 == result.lower_bound


def test_best_fit_prefers_the_smallest_gap():
    # Live together with d: a [0, 8), gap [8, 24) of 16 B, b [24, 32), gap [32, 40) of 8 B,
    # c [40, 48). The 8-byte buffer d takes the tighter gap at 32, not the first one.
    buffers = [
        Buffer("a", 8, 8, 0, 5), Buffer("x", 16, 8, 0, 0), Buffer("b", 8, 8, 0, 5),
        Buffer("y", 8, 8, 0, 0), Buffer("c", 8, 8, 0, 5), Buffer("d", 8, 8, 3, 3),
    ]  # fmt: skip
    placed = planning._place([0, 1, 2, 3, 4, 5], buffers)  # in the given order
    assert placed == [0, 8, 24, 32, 40, 32]


def test_optimal_beats_greedy_and_proves_it():
    # The example of test/lit/passes/mem-plan/algorithms.mlir: both greedy orders need 20 B,
    # the lower bound is 16 B and it is reachable.
    buffers = [Buffer("x", 8, 4, 0, 0), Buffer("y", 8, 4, 0, 2), Buffer("p", 2, 4, 2, 3), Buffer("d", 8, 4, 3, 4)]
    assert greedy(buffers, "greedy-by-size").arena == 20
    assert greedy(buffers, "greedy-by-conflicts").arena == 20
    result = plan(buffers, "optimal")
    assert result.arena == 16 and result.optimal and result.gap == 0.0


def test_checker_reports_misalignment_and_overflow():
    buffers = [Buffer("a", 8, 4, 0, 1)]
    problems = check_plan(buffers, [2], 8).problems
    assert "a: offset 2 is not a non-negative multiple of 4" in problems
    assert "a: bytes [2, 10) exceed the arena of 8" in problems


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_empty_and_single(algorithm):
    single = [Buffer("a", 5, 4, 3, 7)]
    result = plan(single, algorithm)
    assert result.offsets == (0,) and result.arena == 8 == result.lower_bound
