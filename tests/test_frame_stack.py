"""A library call made through frame_stack.roomy: the same result, the same errors, more room."""

import sys

import pytest

from reportgen.render import frame_stack
from reportgen.render.frame_stack import roomy


def test_a_call_returns_what_the_function_returns():
    assert roomy(divmod, 17, 5) == (3, 2)
    assert roomy(dict, a=1, b=2) == {"a": 1, "b": 2}


def test_an_error_reaches_the_caller_unchanged():
    with pytest.raises(ZeroDivisionError):
        roomy(divmod, 1, 0)


def test_deep_recursion_runs_through_it():
    def depth(n: int) -> int:
        return 0 if n == 0 else 1 + depth(n - 1)

    assert roomy(depth, 500) == 500


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="the frame chunks are CPython's")
def test_the_calling_frame_is_large_enough_for_a_chunk_of_its_own():
    # 16 KiB chunks: a frame of more than 64 KiB makes CPython map 128 KiB for it and its callees.
    assert frame_stack._roomy_call.__code__.co_nlocals * 8 > 64 * 1024
