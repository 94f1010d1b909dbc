"""Incremental builds: an output is made again exactly when something it depends on changed."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from reportgen import incremental
from reportgen.build import build

# HTML shares the PDF's keys and needs no WeasyPrint run, so these tests stay fast.
FORMATS = ["html"]
EXTRA_SECTION = """---
title: Pipeline
order: 30
tags: [pipeline]
summary: The pipeline holds {{ data.pipeline.deals.text }}.
---

The pipeline holds {{ data.pipeline.deals.text }} for next year.
"""
EXTRA_DATA = """key,label,year,value,unit,source,qualifier,derived,note
deals,Open deals,2025,{deals},USD thousand,ledger,,,
"""


def no_planning(monkeypatch) -> None:
    """Make planning fail: a build with nothing to do must not plan at all."""

    def gather_jobs(*args, **kwargs):
        raise AssertionError("planned although no source changed")

    monkeypatch.setattr(sys.modules["reportgen.batch"], "gather_jobs", gather_jobs)


def made(result) -> set[str]:
    """Return the outputs a build made (rather than kept), as 'audience/format'."""
    return {f"{output.audience}/{output.format}" for output in result.outputs if not output.reused}


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


@pytest.fixture
def project(project_copy):
    """The minimal project with a data file and a section only the team audience gets."""
    root = project_copy()
    (root / "content" / "data" / "pipeline.csv").write_text(EXTRA_DATA.format(deals=400))
    (root / "content" / "sections" / "03-pipeline.md").write_text(EXTRA_SECTION)
    return root


def test_nothing_changed_rebuilds_nothing_and_the_manifest_stays_the_same(project, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = build(project, out_dir=out, formats=FORMATS, jobs=1)
    assert made(first) == {"board/html", "team/html"}
    listed = manifest(out)
    no_planning(monkeypatch)
    second = build(project, out_dir=out, formats=FORMATS, jobs=1)
    assert made(second) == set()
    assert manifest(out) == listed
    assert [o.sha256 for o in second.outputs] == [o.sha256 for o in first.outputs]


def test_building_one_audience_keeps_the_others_in_the_manifest(project, tmp_path):
    out = tmp_path / "out"
    build(project, out_dir=out, formats=FORMATS, jobs=1)
    listed = manifest(out)
    (project / "templates" / "board" / "audience.css").write_text(".cover-title { font-size: 30pt; }\n")
    assert made(build(project, audiences=["board"], out_dir=out, formats=FORMATS, jobs=1)) == {"board/html"}
    entries = {entry["path"]: entry for entry in manifest(out)["outputs"]}
    assert set(entries) == {"board/quarterly-review.html", "team/quarterly-review.html"}
    assert entries["team/quarterly-review.html"] == next(e for e in listed["outputs"] if e["audience"] == "team")


def test_a_changed_data_file_rebuilds_only_the_outputs_that_use_it(project, tmp_path):
    out = tmp_path / "out"
    build(project, out_dir=out, formats=FORMATS, jobs=1)
    (project / "content" / "data" / "pipeline.csv").write_text(EXTRA_DATA.format(deals=450))
    assert made(build(project, out_dir=out, formats=FORMATS, jobs=1)) == {"team/html"}
    assert "450" in (out / "team" / "quarterly-review.html").read_text()
    sales = project / "content" / "data" / "sales.csv"
    sales.write_text(sales.read_text().replace("q4,Q4,2025,180", "q4,Q4,2025,190"))
    assert made(build(project, out_dir=out, formats=FORMATS, jobs=1)) == {"board/html", "team/html"}


def test_a_template_override_for_one_audience_rebuilds_only_that_audience(project, tmp_path):
    out = tmp_path / "out"
    build(project, out_dir=out, formats=FORMATS, jobs=1)
    (project / "templates" / "team").mkdir()
    (project / "templates" / "team" / "audience.css").write_text(".cover-title { color: #0B6E4F; }\n")
    assert made(build(project, out_dir=out, formats=FORMATS, jobs=1)) == {"team/html"}
    # An override shared by every audience rebuilds them all.
    (project / "templates" / "base").mkdir()
    shutil.copy(incremental.PACKAGE / "templates" / "base" / "briefing.css", project / "templates" / "base" / "briefing.css")
    with (project / "templates" / "base" / "briefing.css").open("a") as css:
        css.write("\nh1 { letter-spacing: 0.01em; }\n")
    assert made(build(project, out_dir=out, formats=FORMATS, jobs=1)) == {"board/html", "team/html"}


def test_a_change_that_does_not_reach_an_output_keeps_it(project, tmp_path):
    out = tmp_path / "out"
    build(project, out_dir=out, formats=FORMATS, jobs=1)
    # A comment in the team's audience file changes its source key, not its HTML.
    team = project / "content" / "audiences" / "team.yaml"
    team.write_text(team.read_text() + "# reviewed\n")
    result = build(project, out_dir=out, formats=FORMATS, jobs=1)
    assert made(result) == set()
    assert manifest(out)["outputs"][1]["source_hash"] == result.outputs[1].source


def test_a_changed_image_outside_content_rebuilds_the_briefing_that_shows_it(project, tmp_path):
    out = tmp_path / "out"
    (project / "brand").mkdir()
    logo = project / "brand" / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#5B2A86"/></svg>')
    board = project / "content" / "audiences" / "board.yaml"
    board.write_text(board.read_text().replace('  accent: "#5B2A86"\n', '  accent: "#5B2A86"\n  logo: brand/logo.svg\n'))
    build(project, out_dir=out, formats=FORMATS, jobs=1)
    entry = next(e for e in manifest(out)["outputs"] if e["audience"] == "board")
    assert entry["depends"] == ["brand/logo.svg"]
    assert made(build(project, out_dir=out, formats=FORMATS, jobs=1)) == set()
    logo.write_text(logo.read_text().replace("#5B2A86", "#0B6E4F"))
    assert made(build(project, out_dir=out, formats=FORMATS, jobs=1)) == {"board/html"}


def test_a_new_package_version_rebuilds_everything(project, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(project, out_dir=out, formats=FORMATS, jobs=1)
    monkeypatch.setattr(incremental, "__version__", "99.0")
    incremental.toolchain.cache_clear()
    try:
        assert made(build(project, out_dir=out, formats=FORMATS, jobs=1)) == {"board/html", "team/html"}
    finally:
        monkeypatch.undo()
        incremental.toolchain.cache_clear()


def test_an_output_changed_on_disk_is_made_again(project, tmp_path):
    out = tmp_path / "out"
    build(project, out_dir=out, formats=FORMATS, jobs=1)
    (out / "board" / "quarterly-review.html").write_text("edited by hand")
    (out / "team" / "quarterly-review.html").unlink()
    assert made(build(project, out_dir=out, formats=FORMATS, jobs=1)) == {"board/html", "team/html"}


def test_force_rebuilds_everything(project, tmp_path, cli):
    out = tmp_path / "out"
    build(project, out_dir=out, formats=FORMATS, jobs=1)
    assert made(build(project, out_dir=out, formats=FORMATS, jobs=1, force=True)) == {"board/html", "team/html"}
    assert cli("build", project, "-f", "html", "-o", out, "--force").code == 0


@pytest.mark.slow
def test_the_pdf_is_kept_when_nothing_changed(project, tmp_path):
    out = tmp_path / "out"
    first = build(project, audiences=["board"], out_dir=out, formats=["pdf"], jobs=1)
    assert made(first) == {"board/pdf"}
    assert made(build(project, audiences=["board"], out_dir=out, formats=["pdf"], jobs=1)) == set()
    (project / "templates" / "board" / "audience.css").write_text(".cover-title { font-size: 30pt; }\n")
    assert made(build(project, audiences=["board"], out_dir=out, formats=["pdf"], jobs=1)) == {"board/pdf"}


def _deck_renderer_available() -> bool:
    try:
        import reportgen.render.deck  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _deck_renderer_available(), reason="reportgen/render/deck.py is not importable yet")
def test_a_new_deck_master_for_one_audience_rebuilds_only_its_deck(project, tmp_path):
    from pptx import Presentation

    out = tmp_path / "out"
    formats = ["html", "pptx"]
    build(project, out_dir=out, formats=formats, jobs=1)
    assert made(build(project, out_dir=out, formats=formats, jobs=1)) == set()
    master = Presentation(str(incremental.PACKAGE / "templates" / "base" / "deck.pptx"))
    master.core_properties.title = "Board master"
    master.save(str(project / "templates" / "board" / "deck.pptx"))
    assert made(build(project, out_dir=out, formats=formats, jobs=1)) == {"board/pptx"}


def test_an_output_folder_inside_content_is_not_a_source(project, monkeypatch):
    out = project / "content" / "out"
    build(project, out_dir=out, formats=FORMATS, jobs=1)
    no_planning(monkeypatch)
    assert made(build(project, out_dir=out, formats=FORMATS, jobs=1)) == set()


def test_force_for_one_audience_keeps_the_others_in_the_manifest(project, tmp_path):
    out = tmp_path / "out"
    build(project, out_dir=out, formats=FORMATS, jobs=1)
    listed = manifest(out)
    assert made(build(project, audiences=["board"], out_dir=out, formats=FORMATS, jobs=1, force=True)) == {"board/html"}
    assert [e["path"] for e in manifest(out)["outputs"]] == [e["path"] for e in listed["outputs"]]
