"""The Jinja sandbox prose and templates render in: no Python internals, no files, bounded work."""

from __future__ import annotations

import contextvars
import functools
import os
import posixpath
import re
import string
import time
import weakref
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, cast

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

MAX_RENDERED_CHARS = 5_000_000  # the text one render may produce
MAX_STEPS = 2_000_000  # loop iterations plus calls in one render
MAX_STRING = 1_000_000  # characters of one string built by an operator, filter or method
MAX_WIDTH = 1_000  # a padding width, indent or format width
MAX_EXPONENT = 100
MAX_INT_BITS = 10_000  # about 3,000 digits
MAX_TEMPLATE_BYTES = 5_000_000
MAX_RENDER_SECONDS = 10.0  # processor time of one render: CPU-bound loops stop here

_steps: contextvars.ContextVar[list[float] | None] = contextvars.ContextVar("reportgen_steps", default=None)


class LimitExceeded(SecurityError):
    """A template asked for more work or a larger result than a report can need."""


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox (no attributes starting with "_", no unsafe callables, no
    changing the lists and dicts it is given), plus limits.

    Every ``{% for %}`` step and every call spends from a per-render budget, and operators,
    filters and string methods that could build a huge string check its size first.
    """

    intercepted_binops = frozenset(["*", "**", "%", "+"])

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters["_counted"] = _counted
        self.filters["_sized"] = _sized
        for name, check in _FILTER_CHECKS.items():
            self.filters[name] = _checked(self.filters[name], check)
        self.globals["lipsum"] = _checked(cast(Callable[..., Any], self.globals["lipsum"]), _check_lipsum)
        self.globals["range"] = _checked(cast(Callable[..., Any], self.globals["range"]), _check_range)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "_counted", [], [], None, None, lineno=loop.iter.lineno)
        # "a ~ b" joins strings without an operator call: check the size of what it built.
        return _SizeConcat().visit(tree)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _spend()
        if isinstance(getattr(__obj, "__self__", None), str):
            _check_str_method(__obj.__self__, __obj.__name__, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise LimitExceeded(f"an exponent above {MAX_EXPONENT}")
        if operator in ("*", "**") and isinstance(left, int) and isinstance(right, int):
            bits = left.bit_length() + right.bit_length() if operator == "*" else left.bit_length() * abs(right)
            if bits > MAX_INT_BITS:  # squaring a big number twenty times needs no loop at all
                raise LimitExceeded(f"a whole number of more than {MAX_INT_BITS:,} bits")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) and len(sequence) * count > MAX_STRING:
                    raise LimitExceeded(f"a repeated string or list longer than {MAX_STRING:,}")
        if operator == "%" and isinstance(left, str):
            _check_percent_format(left)
        if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            if len(left) + len(right) > MAX_STRING:
                raise LimitExceeded(f"a joined string or list longer than {MAX_STRING:,}")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        formatter = super().wrap_str_format(value)
        if formatter is None:
            return None
        template = value.__self__

        @functools.wraps(formatter)
        def checked(*args: Any, **kwargs: Any) -> str:
            for _text, _field, spec, _conversion in string.Formatter().parse(template):
                _check_format_spec(spec or "")
            return formatter(*args, **kwargs)

        return checked


class _SizeConcat(NodeTransformer):
    """Wrap every "~" join in the _sized filter, so the string it builds is checked."""

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802 — Jinja's visitor naming
        self.generic_visit(node)
        return nodes.Filter(node, "_sized", [], [], None, None, lineno=node.lineno)


_TOO_SLOW: weakref.WeakSet[jinja2.Template] = weakref.WeakSet()  # spent their time once: fail at once again


def render(template: jinja2.Template, context: Any) -> str:
    """Render *template* with a fresh work budget, stopping once its text grows too large.

    A template that ran out of processor time fails at once when rendered again (the same
    prose is rendered for each audience), so a hostile loop costs one budget, not one each.
    """
    if template in _TOO_SLOW:
        raise LimitExceeded(f"more than {MAX_RENDER_SECONDS:g} s of processor time")
    token = _steps.set([0, time.process_time() + MAX_RENDER_SECONDS])
    try:
        parts, size = [], 0
        for part in template.generate(context):
            size += len(part)
            if size > MAX_RENDERED_CHARS:
                raise LimitExceeded(f"text longer than {MAX_RENDERED_CHARS:,} characters")
            parts.append(part)
        return "".join(parts)
    except LimitExceeded as error:
        if "processor time" in str(error):
            _TOO_SLOW.add(template)
        raise
    finally:
        _steps.reset(token)


def _spend() -> None:
    steps = _steps.get()
    if steps is not None:
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            raise LimitExceeded(f"more than {MAX_STEPS:,} loop steps and calls")
        if steps[0] % 64 == 0 and time.process_time() > steps[1]:
            raise LimitExceeded(f"more than {MAX_RENDER_SECONDS:g} s of processor time")


def _sized(value: Any) -> Any:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_STRING:
        raise LimitExceeded(f"a joined string or list longer than {MAX_STRING:,}")
    return value


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        _spend()
        yield item


def _checked(function: Callable, check: Callable[..., None]) -> Callable:
    """Wrap a filter or global so that *check* sees its arguments first (Jinja's pass_* marks kept)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        skip = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0
        check(*args[skip:], **kwargs)
        return function(*args, **kwargs)

    return wrapper


def _width(value: Any, what: str) -> None:
    if isinstance(value, int) and value > MAX_WIDTH:
        raise LimitExceeded(f"{what} of {value:,} (limit {MAX_WIDTH:,})")


def _check_center(value: Any = "", width: Any = 80) -> None:
    _width(width, "a width")


def _check_indent(value: Any = "", width: Any = 4, *args: Any, **kwargs: Any) -> None:
    _width(width if not isinstance(width, str) else len(width), "an indent")


def _check_tojson(value: Any = None, indent: Any = None) -> None:
    _width(indent, "an indent")


def _check_format(value: Any = "", *args: Any, **kwargs: Any) -> None:
    if isinstance(value, str):
        _check_percent_format(value)


def _check_replace(value: Any = "", old: Any = "", new: Any = "", count: Any = None) -> None:
    _check_replaced(str(value), str(old), str(new))


def _check_join(value: Any = (), d: Any = "", attribute: Any = None) -> None:
    if isinstance(value, (list, tuple)):
        _check_joined(str(d), value)


def _check_lipsum(n: Any = 5, html: Any = True, min: Any = 20, max: Any = 100) -> None:  # noqa: A002
    _width(n, "a paragraph count")
    _width(max, "a word count")


def _check_range(*args: Any) -> None:
    from jinja2.sandbox import MAX_RANGE

    try:
        size = len(range(*args))
    except (TypeError, ValueError, OverflowError):
        return  # range() itself will say what is wrong
    if size > MAX_RANGE:
        raise LimitExceeded(f"a range of {size:,} numbers (limit {MAX_RANGE:,})")


_FILTER_CHECKS: dict[str, Callable[..., None]] = {
    "center": _check_center,
    "indent": _check_indent,
    "tojson": _check_tojson,
    "format": _check_format,
    "replace": _check_replace,
    "join": _check_join,
}


def _check_str_method(text: str, name: str, args: tuple, kwargs: dict) -> None:
    if name in ("center", "ljust", "rjust", "zfill") and args:
        _width(args[0], "a width")
    elif name == "expandtabs":
        _width(args[0] if args else kwargs.get("tabsize", 8), "a tab size")
    elif name == "replace" and len(args) >= 2:
        _check_replaced(text, str(args[0]), str(args[1]))
    elif name == "join" and args and isinstance(args[0], (list, tuple)):
        _check_joined(text, args[0])


def _check_replaced(text: str, old: str, new: str) -> None:
    count = text.count(old) if old else len(text) + 1
    if len(text) + count * (len(new) - len(old)) > MAX_STRING:
        raise LimitExceeded(f"a replaced string longer than {MAX_STRING:,} characters")


def _check_joined(separator: str, items: list | tuple) -> None:
    size = len(separator) * len(items)
    for item in items:
        size += len(item) if isinstance(item, str) else 20
        if size > MAX_STRING:
            raise LimitExceeded(f"a joined string longer than {MAX_STRING:,} characters")


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_percent_format(text: str) -> None:
    for match in _PERCENT_SPEC.finditer(text):
        for number in match.groups():
            if number == "*":
                raise LimitExceeded("a '*' width in a % format")
            if number is not None:
                _width(int(number), "a format width")


def _check_format_spec(spec: str) -> None:
    if "{" in spec:
        raise LimitExceeded("a nested {} in a format spec")
    for number in re.findall(r"\d+", spec):
        _width(int(number), "a format width")


class NoFiles(jinja2.BaseLoader):
    """The loader of the content sandbox: prose cannot include, import or extend any file."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        raise SecurityError(f"prose cannot include, import or extend files ('{template}')")


class ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that reads UTF-8 text files of sane size, inside its folders only.

    A symbolic link out of the folders is refused; a file that is not UTF-8 text is an error
    naming it, as *display* shows its path (relative to the project).
    """

    def __init__(self, searchpath: list[str], display: Callable[[str], str] = str) -> None:
        super().__init__(searchpath)
        self.display = display

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        from .resources import inside
        from .yamlfile import read_text

        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            filename = posixpath.join(folder, *pieces)
            if os.path.lexists(filename) and not os.path.isdir(filename):
                break
        else:
            raise jinja2.TemplateNotFound(template)
        folders = [Path(folder) for folder in self.searchpath]
        if not inside(Path(filename), folders):
            raise SecurityError(f"template '{template}' is a link to a file outside the template folders")
        mtime = os.path.getmtime(filename)
        contents = read_text(Path(filename), self.display(filename), folders, MAX_TEMPLATE_BYTES)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(filename) == mtime
            except OSError:
                return False

        return contents, os.path.normpath(filename), uptodate


class Undefined(jinja2.StrictUndefined):
    """Strict undefined whose message names the dataset, figure or field that does not exist."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        from .model import Column, Dataset, Figure

        owner, name = self._undefined_obj, self._undefined_name
        if self._undefined_hint is None and isinstance(name, str):
            if isinstance(owner, dict) and owner and all(isinstance(value, Dataset) for value in owner.values()):
                return f"unknown dataset '{name}' (known: {', '.join(sorted(owner))})"
            if isinstance(owner, Dataset) and owner.table is not None:
                return f"unknown column '{name}' in table '{owner.name}' (known: {', '.join(owner.keys())})"
            if isinstance(owner, Column):
                if name in owner.categories:
                    return f"empty cell {owner.name} / {name} (a gap in the table)"
                return f"unknown category '{name}' in column '{owner.name}' (known: {', '.join(owner.categories)})"
            if isinstance(owner, Dataset):
                known = ", ".join(owner.keys()) or "none; it holds events"
                return f"unknown figure '{name}' in dataset '{owner.name}' (known: {known})"
            if isinstance(owner, Figure):
                fields = ["value", "number", "amount", "text", "Text", "chart_label", "unit", "label", "source",
                          "qualifier", "note", "is_derived", *owner.extra]
                return f"figure '{owner.key}' has no field '{name}' (known: {', '.join(fields)})"
        if self._undefined_hint is None:  # "'Config object' has no attribute 'titel'"
            return f"undefined name: {super()._undefined_message}".replace("reportgen.model.", "")
        return super()._undefined_message
