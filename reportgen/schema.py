"""Declared schemas: each YAML file kind's fields, read and checked from one declaration.

A :class:`Schema` lists the :class:`Field` s of one kind of mapping (the project config, an
audience file, a directive's body …). From it come the unknown-key errors with their
did-you-mean, every type check with its message and line, the defaults, which fields a
translation may set, and the README's reference tables (:func:`reference_table`). The
declarations themselves are in ``schemas.py`` (files) and ``directives.py`` (directives).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from .colours import PATTERN as _COLOUR
from .errors import ErrorCollector, ReportgenError
from .yamlfile import LineDict, expect_mapping, kind_of

# The value types a field may declare, as the README names them.
TEXT = "text"
TEXTS = "list of text"
WHOLE = "whole number"
FLAG = "true/false"
CHOICE = "choice"
COLOUR = "colour"
MAPPING = "mapping"
ENTRIES = "list of mappings"
NUMBER = "number"
ANY = "any"


@dataclass(frozen=True)
class Field:
    """One key of a mapping: its value type, default, meaning, and how messages name it.

    *default* is what a missing key reads as (None: absent, the loader decides); *low* and
    *high* bound a whole number; *choices* list a choice's values (the first is the default
    unless *default* is given); *schema* declares the keys of a mapping or of each entry of a
    list of mappings; *noun* names the value in messages ("PDF variant", "theme colour");
    *aliases* are other spellings accepted for the key; *translated* marks the fields a
    translation (``NAME.LANG.EXT``) may set.
    """

    name: str
    type: str
    doc: str
    default: Any = None
    required: bool = False
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    schema: Schema | None = None
    noun: str = ""
    aliases: tuple[str, ...] = ()
    translated: bool = False

    def type_text(self) -> str:
        """Return the value type in the README's words: 'text', 'one of A4, Letter'."""
        if self.type == CHOICE:
            return "one of " + ", ".join(f"`{choice}`" for choice in self.choices)
        if self.type == WHOLE and self.low is not None and self.high is not None:
            return f"whole number, {self.low}–{self.high}"
        if self.type == COLOUR:
            return "colour `#RRGGBB`"
        return self.type


@dataclass(frozen=True)
class Schema:
    """The declared keys of one kind of mapping; *what* names it in messages ('an audience file')."""

    what: str
    fields: tuple[Field, ...]
    word: str = "key"  # 'option' for a directive's body

    def names(self) -> set[str]:
        """Return every key the schema accepts, aliases included."""
        return {name for field in self.fields for name in (field.name, *field.aliases)}

    def field(self, name: str) -> Field:
        for field in self.fields:
            if name == field.name or name in field.aliases:
                return field
        raise KeyError(name)

    def unknown(self, mapping: Mapping[str, Any], what: str = "") -> list[tuple[str, str]]:
        """Return (key, message) for each key of *mapping* the schema does not declare, with a did-you-mean."""
        allowed = sorted(self.names())
        found = []
        for key in mapping:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(allowed)})"
            found.append((key, f"unknown {self.word} '{key}' in {what or self.what}{hint}"))
        return found

    def check_keys(self, mapping: LineDict, path: str, errors: ErrorCollector, what: str = "") -> None:
        """Report every key of *mapping* the schema does not declare, at its line."""
        for key, message in self.unknown(mapping, what):
            errors.add(message, path, mapping.line_of(key))

    def read(self, mapping: LineDict, path: str, errors: ErrorCollector, prefix: str = "") -> dict[str, Any]:
        """Return every field's value from *mapping*, checked against its type (its default when
        missing or wrong); report unknown keys and wrong values at their lines.

        A nested mapping with a schema of its own reads as a dict of its fields; *prefix*
        qualifies names in messages ('deck.' gives "'deck.max_slides' must be …").
        """
        self.check_keys(mapping, path, errors, f"'{prefix.rstrip('.')}'" if prefix else "")
        for field in self.fields:
            value = mapping.get(_key_of(field, mapping))
            if field.required and (value is None or (isinstance(value, str) and not value.strip())):
                errors.add(f"{self.what} needs a '{field.name}'", path, mapping.line or 1)
        return {field.name: _read_field(field, mapping, path, errors, prefix) for field in self.fields}

    def given(self, mapping: LineDict, path: str, errors: ErrorCollector) -> dict[str, Any]:
        """Return the typed values of the fields *mapping* gives (a translation's words over its
        original's); report a wrong value at its line. Unknown keys are not checked here."""
        return {field.name: _read_field(field, mapping, path, errors, "") for field in self.fields
                if mapping.get(_key_of(field, mapping)) is not None}

    def translation(self, what: str) -> Schema:
        """Return the schema of a translation of this kind: only its translated fields."""
        return Schema(what, tuple(field for field in self.fields if field.translated), self.word)


def _key_of(field: Field, mapping: Mapping[str, Any]) -> str:
    """Return the key *mapping* gives *field* under: its name, or the first alias it uses."""
    return next((name for name in (field.name, *field.aliases) if mapping.get(name) is not None), field.name)


def _read_field(field: Field, mapping: LineDict, path: str, errors: ErrorCollector, prefix: str) -> Any:
    key = _key_of(field, mapping)
    value = mapping.get(key)
    line = mapping.line_of(key)
    shown = f"'{prefix}{field.name}'"
    if value is None:
        if field.type == MAPPING:
            value = LineDict()
        elif field.default is not None:
            return field.default
        else:
            return {TEXT: "", TEXTS: (), CHOICE: field.choices[0] if field.choices else ""}.get(field.type)
    if field.type == TEXT:
        if isinstance(value, (dict, list)):
            errors.add(f"{shown} must be text, not {kind_of(value)}", path, line)
            return field.default
        return str(value)
    if field.type == TEXTS:
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or any(isinstance(item, (dict, list)) for item in value):
            errors.add(f"{shown} must be a list of text", path, line)
            return ()
        return tuple(str(item) for item in value)
    if field.type == WHOLE:
        low, high = field.low, field.high
        if isinstance(value, bool) or not isinstance(value, int) or (low is not None and value < low) or (high is not None and value > high):
            bounds = f" from {low} to {high}" if low is not None and high is not None else ""
            errors.add(f"{shown} must be a whole number{bounds}, not {value!r}", path, line)
            return field.default
        return value
    if field.type == FLAG:
        if not isinstance(value, bool):
            errors.add(f"{shown} must be true or false", path, line)
            return field.default
        return value
    if field.type == CHOICE:
        if str(value) not in field.choices:
            errors.add(f"unknown {field.noun} '{value}' (known: {', '.join(field.choices)})", path, line)
            return field.default if field.default is not None else field.choices[0]
        return str(value)
    if field.type == COLOUR:
        if not _COLOUR.match(str(value)):
            errors.add(f"{field.noun or 'colour'} '{field.name}' must be '#RRGGBB', not {str(value)!r}", path, line)
            return field.default
        return str(value).upper()
    if field.type == MAPPING:
        try:
            found = expect_mapping(value, path, shown, line)
        except ReportgenError as error:
            errors.extend(error)
            found = expect_mapping(None, path, field.name)
        if field.schema is not None:
            return field.schema.read(found, path, errors, f"{prefix}{field.name}.")
        return found
    return value


def reference_table(schema: Schema, separate: Sequence[Schema] = ()) -> str:
    """Return the README's table of *schema*'s fields: key, value, default, meaning (Markdown).

    The fields of a nested schema follow their mapping's row as `deck.max_slides` (of a list's
    entries as `sections[].depth`), unless it is among *separate* (it has a table of its own).
    """
    rows = [f"| {schema.word} | value | default | meaning |", "|---|---|---|---|"]
    rows += _rows(schema, "", separate)
    return "\n".join(rows)


def _rows(schema: Schema, prefix: str, separate: Sequence[Schema]) -> list[str]:
    rows = []
    for field in schema.fields:
        names = " ".join(f"`{prefix}{name}`" for name in (field.name, *field.aliases))
        default = "required" if field.required else _default_text(field)
        rows.append(f"| {names} | {field.type_text()} | {default} | {field.doc} |")
        if field.schema is not None and not any(field.schema is other for other in separate):
            rows += _rows(field.schema, f"{prefix}{field.name}{'[].' if field.type == ENTRIES else '.'}", separate)
    return rows


def _default_text(field: Field) -> str:
    default = field.choices[0] if field.type == CHOICE and field.default is None else field.default
    if default is None or default == "" or default == ():
        return ""
    return f"`{str(default).lower() if isinstance(default, bool) else default}`"
