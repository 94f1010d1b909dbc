"""Parallel builds: jobs run in worker processes and write the very bytes a serial build writes."""

from __future__ import annotations

import json

import pytest

from reportgen.build import build
from reportgen.errors import ReportgenError


def _deck_renderer_available() -> bool:
    try:
        import reportgen.render.deck  # noqa: F401
    except ImportError:
        return False
    return True


FORMATS = ["pdf", "pptx"] if _deck_renderer_available() else ["pdf"]


@pytest.mark.slow  # two whole builds, one in worker processes
def test_two_jobs_write_the_same_bytes_as_one(project_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    project = project_copy()
    serial = build(project, out_dir=tmp_path / "j1", formats=FORMATS, jobs=1)
    parallel = build(project, out_dir=tmp_path / "j2", formats=FORMATS, jobs=2)
    assert [o.path for o in parallel.outputs] == [o.path for o in serial.outputs]
    assert len(serial.outputs) == 2 * len(FORMATS)
    assert not any(o.reused for o in serial.outputs + parallel.outputs)
    for output in serial.outputs:
        assert (tmp_path / "j2" / output.path).read_bytes() == (tmp_path / "j1" / output.path).read_bytes(), output.path
    assert json.loads((tmp_path / "j2" / "manifest.json").read_text()) == json.loads((tmp_path / "j1" / "manifest.json").read_text())


@pytest.mark.skipif(not _deck_renderer_available(), reason="reportgen/render/deck.py is not importable yet")
def test_the_deck_is_the_same_from_a_worker_process(project_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = project_copy()
    serial = build(project, audiences=["team"], out_dir=tmp_path / "j1", formats=["pptx"], jobs=1)
    parallel = build(project, out_dir=tmp_path / "j2", formats=["pptx", "html"], jobs=2)
    [deck] = serial.outputs
    assert (tmp_path / "j2" / deck.path).read_bytes() == (tmp_path / "j1" / deck.path).read_bytes()
    assert {o.format for o in parallel.outputs} == {"pptx", "html"}


def test_a_project_error_in_a_parallel_build_is_reported_and_writes_nothing(project_copy, tmp_path):
    project = project_copy()
    section = project / "content" / "sections" / "01-overview.md"
    section.write_text(section.read_text().replace("{{ data.sales.q4.text }}", "{{ data.sales.q9.text }}", 1))
    with pytest.raises(ReportgenError):
        build(project, out_dir=tmp_path / "out", formats=["pdf"], jobs=2)
    assert not (tmp_path / "out").exists()
