"""The one error type users see: a message with the file and line it is about."""

from __future__ import annotations

import enum
from pathlib import Path


class ExitStatus(enum.IntEnum):
    """Process exit codes of the command line."""

    OK = 0
    PROJECT_ERROR = 1
    USAGE = 2


class ReportgenError(Exception):
    """A problem in the user's project: content, data, template or config.

    *path* is shown relative to the project when possible; *line* is 1-based or None.
    """

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __reduce__(self) -> tuple:
        # Keep path and line when an error crosses from a worker process.
        return (type(self), (self.message, self.path, self.line))

    def __str__(self) -> str:
        where = _one_line(self.path or "")
        if where and self.line:
            where = f"{where}:{self.line}"
        message = _one_line(self.message)
        return f"{where}: error: {message}" if where else f"error: {message}"


def _one_line(text: str) -> str:
    """Escape line breaks and other control characters a user's text may bring into a message."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


class ProjectErrors(ReportgenError):
    """Several problems found in one pass; each is a ReportgenError."""

    def __init__(self, errors: list[ReportgenError]):
        super().__init__(f"{len(errors)} problem(s) found")
        self.errors = errors

    def __reduce__(self) -> tuple:
        return (type(self), (self.errors,))

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


class ErrorCollector:
    """Gathers errors during validation so that one run reports all of them."""

    def __init__(self) -> None:
        self.errors: list[ReportgenError] = []
        self._seen: set[str] = set()

    def add(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        self.extend(ReportgenError(message, path, line))

    def extend(self, error: ReportgenError) -> None:
        # One problem met by several audiences (a typo in shared prose) is reported once.
        for item in error.errors if isinstance(error, ProjectErrors) else [error]:
            if str(item) not in self._seen:
                self._seen.add(str(item))
                self.errors.append(item)

    def raise_if_any(self) -> None:
        """Raise the errors found, in file and line order."""
        self.errors.sort(key=lambda error: (error.path or "", error.line or 0))
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ProjectErrors(self.errors)
