"""Shared fixtures: sample projects copied into tmp_path, and the CLI run in-process."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from reportgen.cli import main

PROJECTS = Path(__file__).parent / "projects"
REPO = Path(__file__).parent.parent


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliResult:
    """Run `reportgen ARGS…` in-process and capture its exit code and output."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main([str(arg) for arg in args], stdout=stdout, stderr=stderr)
    return CliResult(code, stdout.getvalue(), stderr.getvalue())


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def project_copy(tmp_path):
    """Return a function that copies tests/projects/<name> into tmp_path and returns its path."""

    def copy(name: str = "minimal") -> Path:
        target = tmp_path / name
        shutil.copytree(PROJECTS / name, target)
        return target

    return copy
