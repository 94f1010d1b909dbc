"""Shared fixtures: sample projects copied into tmp_path, the CLI run in-process, the repository's
project built once. Plain helpers are in helpers.py."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import PROJECTS, REPO, run_cli

SLOW_FIXTURES = {
    "repo_build",  # a whole build of the repository's project (every audience, PDF and deck)
    "built", "good_build",  # whole builds of a sample project, shared by a module's tests
}


def pytest_configure(config: pytest.Config) -> None:
    """Keep the run's cache of compiled templates, citations and font metrics (memo.py) in a
    folder of its own, shared by the session's in-process and child builds."""
    if "REPORTGEN_CACHE" not in os.environ:
        import tempfile

        os.environ["REPORTGEN_CACHE"] = tempfile.mkdtemp(prefix="reportgen-test-cache-")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark slow every test that needs a slow fixture, so `pytest -m "not slow"` leaves it out;
    tests slow for other reasons (LibreOffice, a browser, Dask, killed or child builds) carry
    @pytest.mark.slow themselves."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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


@pytest.fixture(scope="session")
def repo_build(tmp_path_factory):
    """Build the repository's own project once per test session: every audience, PDF and deck.

    Returns the output folder. SOURCE_DATE_EPOCH is fixed so dates in the outputs are known.
    """
    from reportgen.build import build

    out = tmp_path_factory.mktemp("repo-build")
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1727654400"  # 2024-09-30T00:00:00Z
    try:
        build(REPO, out_dir=out, formats=["pdf", "pptx"], jobs=2)
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    return out
