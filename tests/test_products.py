"""The products registry: every format, its renderer, manifest field and progress wording in one place."""

from __future__ import annotations

import json

import pytest

from reportgen import products
from reportgen.build import build
from reportgen.errors import ReportgenError
from reportgen.products import BRIEFING, DECK, DEFAULT_FORMATS, PRODUCTS, Product, Rendered, count_text, made_from, manifest_count


def test_the_registry_lists_the_formats_and_what_each_is_made_from():
    assert list(PRODUCTS) == ["pdf", "pptx", "html"]
    assert DEFAULT_FORMATS == ("pdf", "pptx")
    assert made_from(["pdf", "html"]) == {BRIEFING} and made_from(["pptx"]) == {DECK}
    assert [fmt for fmt, product in PRODUCTS.items() if product.portable] == ["html"]


def test_progress_wording_and_manifest_counts_come_from_the_registry():
    assert count_text("pdf", 4) == "4 pages" and count_text("pptx", 9) == "9 slides"
    assert count_text("html", None) == "" and count_text("pdf", None) == ""
    assert manifest_count("pdf", {"pages": 3, "slides": 7}) == 3
    assert manifest_count("pptx", {"pages": 3, "slides": 7}) == 7
    assert manifest_count("html", {"pages": 3}) is None


def test_the_cli_offers_the_registrys_formats(cli):
    helped = cli("build", "--help").out
    assert "{pdf,pptx,html}" in helped and "only this format (repeatable): pdf, pptx, html" in " ".join(helped.split())


def _render_text(job) -> Rendered:
    text = f"{job.edition.audience.name}: {len(job.html)} characters of briefing\n"
    return Rendered(text.encode(), count=text.count("\n"))


def test_a_product_added_to_the_registry_builds_with_nothing_else_changed(monkeypatch, cli, project_copy, tmp_path):
    monkeypatch.setitem(PRODUCTS, "txt", Product("txt", BRIEFING, _render_text, counts="lines"))
    out = tmp_path / "out"
    project = project_copy()
    result = build(project, formats=["txt"], out_dir=out, jobs=1)
    assert [(output.path, output.count) for output in result.outputs] == [("board/quarterly-review.txt", 1), ("team/quarterly-review.txt", 1)]
    assert (out / "board" / "quarterly-review.txt").read_text().startswith("board: ")
    entries = json.loads((out / "manifest.json").read_text())["outputs"]
    assert [(entry["format"], entry["lines"]) for entry in entries] == [("txt", 1), ("txt", 1)]
    again = build(project, formats=["txt"], out_dir=out, jobs=1)
    assert all(output.reused and output.count == 1 for output in again.outputs)  # the count is read back by its field
    assert "txt" in cli("build", "--help").out


def test_an_unknown_format_names_the_registrys(project_copy):
    with pytest.raises(ReportgenError, match=r"unknown format 'docx' \(known: pdf, pptx, html\)"):
        build(project_copy(), formats=["docx"])


def test_the_heavy_product_starts_first():
    from reportgen.build import Job
    from reportgen.executors import Task, heaviest_first

    tasks = [Task(Job("a", fmt, f"a/x.{fmt}", "k", html="x" * size), 0, None) for fmt, size in (("html", 9), ("pptx", 0), ("pdf", 1), ("pdf", 5))]
    assert [tasks[index].job.format for index in heaviest_first(tasks)][:2] == ["pdf", "pdf"]
    assert products.PRODUCTS["pdf"].heavy and not products.PRODUCTS["html"].heavy
