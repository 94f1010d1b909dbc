"""Reproducible builds: with SOURCE_DATE_EPOCH set, the same project gives the same bytes —
PDF and deck — whatever the folder it sits in, the time of day and the number of jobs."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from helpers import PROJECTS, run_cli

EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z

pytestmark = pytest.mark.slow  # every test compares whole builds made in child processes


def build(tmp_path: Path, name: str, *args: str) -> Path:
    """Copy the minimal project to tmp_path/name and build it; return the output folder."""
    project = tmp_path / name / "minimal"
    shutil.copytree(PROJECTS / "minimal", project)
    out = tmp_path / name / "out"
    result = run_cli("build", project, "-o", out, *args)
    assert result.code == 0, result.err
    return out


def outputs(out: Path, suffix: str) -> dict[str, bytes]:
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob(f"*{suffix}"))}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Two builds of two copies of the project, in different folders, with different job counts."""
    tmp_path = tmp_path_factory.mktemp("reproducible")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        first = build(tmp_path, "first", "-j", "1")
        second = build(tmp_path, "second-copy", "-j", "2")
    return first, second


def test_pdfs_are_byte_identical(builds):
    first, second = builds
    pdfs = outputs(first, ".pdf")
    assert sorted(pdfs) == ["board/quarterly-review.pdf", "team/quarterly-review.pdf"]
    assert pdfs == outputs(second, ".pdf")


def test_decks_are_byte_identical(builds):
    pytest.importorskip("reportgen.render.deck", reason="the deck renderer has not landed yet")
    first, second = builds
    decks = outputs(first, ".pptx")
    assert sorted(decks) == ["board/quarterly-review.pptx", "team/quarterly-review.pptx"]
    assert decks == outputs(second, ".pptx")


def test_manifests_list_the_same_hashes(builds):
    first, second = builds
    entries = [json.loads((out / "manifest.json").read_text())["outputs"] for out in builds]
    assert [(e["path"], e["sha256"], e["bytes"]) for e in entries[0]] == [(e["path"], e["sha256"], e["bytes"]) for e in entries[1]]


def test_the_pdf_dates_are_the_epoch(builds):
    from pypdf import PdfReader

    reader = PdfReader(builds[0] / "board" / "quarterly-review.pdf")
    assert reader.metadata["/CreationDate"] == "D:20260101000000Z"
    assert reader.metadata["/ModDate"] == "D:20260101000000Z"


def test_the_deck_dates_and_zip_entry_times_are_fixed(builds):
    pytest.importorskip("reportgen.render.deck", reason="the deck renderer has not landed yet")
    from pptx import Presentation

    data = (builds[0] / "board" / "quarterly-review.pptx").read_bytes()
    core = Presentation(io.BytesIO(data)).core_properties
    expected = dt.datetime(2026, 1, 1)
    assert core.created.replace(tzinfo=None) == expected
    assert core.modified.replace(tzinfo=None) == expected
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        times = {info.date_time for info in archive.infolist()}
        names = archive.namelist()
    assert len(times) == 1
    assert names[0] == "[Content_Types].xml"
    assert len(names) == len(set(names))


def test_another_epoch_changes_only_the_dates(tmp_path, monkeypatch, builds):
    """The epoch is what the dates come from: a later one gives other dates and nothing else."""
    from pypdf import PdfReader

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86_400))
    out = build(tmp_path, "next-day", "-a", "board", "-f", "pdf")
    later = PdfReader(out / "board" / "quarterly-review.pdf")
    earlier = PdfReader(builds[0] / "board" / "quarterly-review.pdf")
    assert later.metadata["/CreationDate"] == "D:20260102000000Z"
    assert [page.extract_text() for page in later.pages] == [page.extract_text() for page in earlier.pages]
