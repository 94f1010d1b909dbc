"""The benchmark's larger projects are valid projects: the repo's content repeated, each
translation beside its original's copy (a broken copy would make the 5× and 20× figures fail)."""

from __future__ import annotations

import sys

import pytest
from helpers import REPO, run_cli


def test_the_benchmark_repeats_every_section_and_its_translation_into_a_valid_project(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    project = bench.make_project(REPO, tmp_path / "twice", 2)
    names = {path.name for path in (project / "content" / "sections").glob("*.md")}
    originals = {path.name for path in (REPO / "content" / "sections").glob("*.md")}
    assert {"08-transport-copy1.md", "08-transport-copy1.ru.md"} <= names
    assert len(names) == 2 * len(originals)
    result = run_cli("check", str(project))
    assert result.code == 0, result.err
    assert f"{2 * 12} sections" in result.out


@pytest.mark.slow  # plans 240 sections
def test_twenty_times_the_repo_content_is_planned(tmp_path):
    """A long project plans a long deck: the rendered plan (beyond 2 MB here) is bounded by what
    one render may produce, not by the size limit of a file a user writes."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    result = run_cli("check", str(bench.make_project(REPO, tmp_path / "twenty", 20)))
    assert result.code == 0, result.err
    assert "240 sections" in result.out
