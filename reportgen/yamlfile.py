"""YAML reading that keeps line numbers, so errors can point at the key that is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import ReportgenError
from .resources import MAX_TEXT_BYTES, read_file


class LineDict(dict):
    """A mapping from YAML that remembers the line of itself and of each key."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        return getattr(self, "key_lines", {}).get(key, self.line)


MAX_YAML_VALUES = 100_000


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings are LineDicts; no Python object tags."""

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None:
            _count_values(node, {}, set())
        return node


def _count_values(node: yaml.Node, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """Return how many values *node* stands for once its aliases are expanded.

    Aliases let a few lines stand for billions of values ("billion laughs") or for a
    value that contains itself; both are refused before anything walks the result.
    """
    if id(node) in sizes:
        return sizes[id(node)]
    if id(node) in open_nodes:
        raise yaml.constructor.ConstructorError(None, None, "an alias refers to a value that contains it", node.start_mark)
    open_nodes.add(id(node))
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_count_values(item, sizes, open_nodes) for item in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_count_values(key, sizes, open_nodes) + _count_values(value, sizes, open_nodes) for key, value in node.value)
    open_nodes.discard(id(node))
    if size > MAX_YAML_VALUES:
        raise yaml.constructor.ConstructorError(
            None, None, f"too many values once aliases are expanded (limit {MAX_YAML_VALUES:,})", node.start_mark
        )
    sizes[id(node)] = size
    return size


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            )
        key = str(key)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _construct_timestamp_as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    # Dates stay as written ("2024-09-20"): templates format them, and YAML's
    # datetime objects would not survive the JSON round trip of deck plans.
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)

MAX_INT_DIGITS = 30  # no figure, order or count in a report needs more


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    digits = sum(char.isdigit() for char in str(node.value))
    if digits > MAX_INT_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"a whole number of {digits:,} digits (limit {MAX_INT_DIGITS})", node.start_mark
        )
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


def _construct_str(loader: Any, node: yaml.ScalarNode) -> str:
    return whole_characters(loader.construct_scalar(node), node.start_mark)


def whole_characters(text: str, mark: Any = None) -> str:
    """Return *text* with UTF-16 surrogate pairs ("\\ud83d\\ude00", as JSON writes an emoji) joined.

    A lone surrogate is no character at all and cannot be written to a PDF or a deck: it is
    an error (at *mark*, a YAML position).
    """
    if not any("\ud800" <= char <= "\udfff" for char in text):
        return text
    encoded = text.encode("utf-16-le", "surrogatepass")
    try:
        return encoded.decode("utf-16-le")
    except UnicodeDecodeError as error:
        lone = int.from_bytes(encoded[error.start : error.start + 2], "little")
        raise yaml.constructor.ConstructorError(
            None, None, f"a lone surrogate U+{lone:04X} is not a character (write the character itself)", mark
        ) from None


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None

if CParser is not None:

    class _FastLoader(yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """_Loader with libyaml's scanner and parser: the same values and lines, ten times faster.

        Nodes are still composed in Python, so deep nesting ends in RecursionError rather
        than overflowing the C stack, and aliases are counted as _Loader counts them.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        def get_single_node(self) -> yaml.Node | None:
            node = yaml.composer.Composer.get_single_node(self)
            if node is not None:
                _count_values(node, {}, set())
            return node

    _FastLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)
    _FastLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _FastLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def _load(text: str) -> Any:
    if CParser is not None:
        try:
            return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a SafeConstructor
        except yaml.YAMLError:
            pass  # parse again below: users see the pure-Python parser's wording of the problem
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader

MAX_YAML_BYTES = 2_000_000


def parse_yaml(text: str, path: str, first_line: int = 1, limit: int = MAX_YAML_BYTES) -> Any:
    """Parse YAML *text* from *path*; *first_line* is the file line where the text starts.

    *limit* bounds a file's size; a text reportgen rendered itself (the deck plan) is bounded
    by what one render may produce instead."""
    if len(text) > limit:
        raise ReportgenError(f"file is too large ({len(text):,} bytes; limit {limit:,})", path)
    try:
        value = _load(text)
        return shift_lines(value, first_line - 1) if first_line != 1 else value
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise ReportgenError(f"invalid YAML: {problem}", path, line) from None
    except yaml.YAMLError as error:
        raise ReportgenError(f"invalid YAML: {error}", path) from None
    except RecursionError:
        raise ReportgenError("invalid YAML: nested too deeply", path) from None


def shift_lines(value: Any, offset: int, _seen: set[int] | None = None) -> Any:
    """Add *offset* to every line number recorded in *value* (for embedded YAML)."""
    seen = set() if _seen is None else _seen
    if id(value) in seen:  # a value shared through an alias is shifted once
        return value
    if isinstance(value, LineDict):
        seen.add(id(value))
        if value.line is not None:
            value.line += offset
        value.key_lines = {key: line + offset for key, line in value.key_lines.items()}
        for item in value.values():
            shift_lines(item, offset, seen)
    elif isinstance(value, list):
        seen.add(id(value))
        for item in value:
            shift_lines(item, offset, seen)
    return value


def read_text(path: Path, shown: str, roots: Iterable[Path] | None = None, limit: int = MAX_TEXT_BYTES) -> str:
    """Read a UTF-8 text file under the rule of resources.read_file(), or raise naming it.

    *roots* are the folders it must lie in; None when the caller has confined *path* already.
    """
    data = read_file(path, roots if roots is not None else [path.resolve()], shown, limit)
    return decode_text(data, shown)


def decode_text(data: bytes, shown: str) -> str:
    """Decode *data* as strict UTF-8 text (a BOM allowed, CRLF read as LF), or raise naming *shown*."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReportgenError(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})", shown, line
        ) from None
    if "\x00" in text:
        raise ReportgenError("binary file, expected text", shown)
    return text.replace("\r\n", "\n")


def expect_mapping(value: Any, path: str, what: str, line: int | None = None) -> LineDict:
    """Return *value* if it is a YAML mapping, else raise a ReportgenError."""
    if value is None:
        empty = LineDict()
        empty.line = line
        empty.key_lines = {}
        return empty
    if not isinstance(value, LineDict):
        raise ReportgenError(f"{what} must be a mapping of keys to values, not {_kind(value)}", path, line)
    return value


def _kind(value: Any) -> str:
    for kind, name in ((bool, "true/false"), (dict, "a mapping"), (list, "a list"), (str, "text"), ((int, float), "a number")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def kind_of(value: Any) -> str:
    """Name the YAML kind of *value* for messages: 'a list', 'text', 'a number'."""
    return _kind(value)
