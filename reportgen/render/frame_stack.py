"""Room on CPython's frame stack for a deeply recursive library call (WeasyPrint's layout).

CPython 3.11 and later keep the frames of Python functions in chunks of 16 KiB, each mapped
from the system when the stack grows past the end of the last one and unmapped as soon as
the stack falls back below its start. WeasyPrint lays a page out by recursion some tens of
kilobytes deep, going up and down all the time; wherever a chunk ends inside that range,
every crossing maps a fresh chunk and unmaps it again. How often that happens depends on
how deep the caller already is: a briefing laid out from within a build (command line,
batch, executor, product, pagination) took 90,000 page faults where the same HTML from a
two-line script took 45,000, and the page faults cost 10 to 25 % of the layout time.

:func:`roomy` calls a function from a frame that is itself large enough that CPython gives it
a chunk of 128 KiB of its own; the call then runs in the 60 KiB left above that frame, where
WeasyPrint's recursion fits, and a layout takes a few hundred page faults wherever it is
called from. Results are unchanged: only where the frames are stored differs. Elsewhere
(another Python, or a code object that cannot be widened) it is a plain call.
"""

from __future__ import annotations

import types
from typing import Any, Callable, TypeVar

T = TypeVar("T")

_SPARE_SLOTS = 8400  # local variables never used: 67 KB of frame, so the chunk CPython maps is 128 KiB


def _call(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return function(*args, **kwargs)


def _widened(function: Callable[..., Any], slots: int) -> Callable[..., Any]:
    """Return *function* with *slots* more local variables (unused): the same code, a larger frame."""
    code = function.__code__
    try:
        names = code.co_varnames + tuple(f"_spare{index}" for index in range(slots))
        return types.FunctionType(code.replace(co_varnames=names, co_nlocals=len(names)), function.__globals__)
    except (TypeError, ValueError):  # a Python whose code objects take other fields
        return function


_roomy_call = _widened(_call, _SPARE_SLOTS)


def roomy(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Return ``function(*args, **kwargs)``, called with room above it on the frame stack."""
    result: T = _roomy_call(function, args, kwargs)
    return result
