"""The same build on a Dask cluster: the same bytes, the same errors, nothing scheduled twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a Dask cluster

distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed (pip install 'reportgen[dask]')")

from helpers import desk_of_projects

from reportgen import dask_executor
from reportgen.batch import build_projects

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#0B6E4F"/></svg>\n'


@pytest.fixture(scope="module")
def cluster():
    """One local cluster of two worker processes for the whole module."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        yield local


@pytest.fixture
def desk(tmp_path) -> list[Path]:
    """Three small projects; the second shows a logo kept outside content/ (a file the job must carry)."""
    projects = desk_of_projects(tmp_path / "desk")
    (projects[1] / "brand").mkdir()
    (projects[1] / "brand" / "logo.svg").write_text(LOGO)
    board = projects[1] / "content" / "audiences" / "board.yaml"
    board.write_text(board.read_text().replace('  accent: "#5B2A86"\n', '  accent: "#5B2A86"\n  logo: brand/logo.svg\n'))
    return projects


def transitions(cluster) -> int:
    """Return how many task state changes the scheduler has made so far."""
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        return client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter)


def files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.slow
def test_the_cluster_writes_the_bytes_the_local_pool_writes(desk, tmp_path, cluster, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    formats = ["pdf", "pptx", "html"]
    local = build_projects(desk, formats=formats, out_dir=tmp_path / "local", jobs=2)
    remote = build_projects(desk, formats=formats, out_dir=tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert local.errors == remote.errors == []
    made, expected = files(tmp_path / "dask"), files(tmp_path / "local")
    assert sorted(made) == sorted(expected)
    assert [name for name in made if made[name] != expected[name]] == []  # names, not bytes: a short report
    assert len([name for name in made if name.endswith((".pdf", ".pptx"))]) == 3 * 2 * 2
    entry = next(e for e in json.loads(made["kz-uz/manifest.json"])["outputs"] if e["audience"] == "board" and e["format"] == "pdf")
    assert entry["depends"] == ["brand/logo.svg"]
    assert "kz-uz/board/assets/project/brand/logo.svg" in made  # the HTML output's copy, from this machine


def test_a_second_run_with_nothing_changed_schedules_nothing(desk, tmp_path, cluster):
    out = tmp_path / "out"
    start = transitions(cluster)
    first = build_projects(desk, formats=["html", "pptx"], out_dir=out, scheduler=cluster.scheduler_address)
    assert first.errors == []
    assert sum(not output.reused for result in first.projects for output in result.outputs) == 12
    before = transitions(cluster)
    assert before > start
    second = build_projects(desk, formats=["html", "pptx"], out_dir=out, scheduler=cluster.scheduler_address)
    assert all(output.reused for result in second.projects for output in result.outputs)
    assert transitions(cluster) == before
    # Nothing to render: the scheduler is not even asked.
    third = build_projects(desk, formats=["html", "pptx"], out_dir=out, scheduler="tcp://127.0.0.1:9")
    assert third.errors == []


def test_a_worker_error_is_the_local_one_line_message_and_stops_only_its_project(desk, tmp_path, cluster, cli):
    broken = desk[1]
    (broken / "content" / "images").mkdir()
    (broken / "content" / "images" / "map.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="50">'
        '<image xlink:href="nothere.png" width="100" height="50"/></svg>\n')
    with (broken / "content" / "sections" / "02-sales.md").open("a") as section:
        section.write("\n![A map](content/images/map.svg)\n")
    local = cli("build", *desk, "-f", "pdf", "-o", tmp_path / "local", "-j", "2")
    remote = cli("build", *desk, "-f", "pdf", "-o", tmp_path / "dask", "--scheduler", cluster.scheduler_address)
    assert remote.code == local.code == 1
    assert remote.err == local.err == (f"{broken}: the briefing templates (templates/team, templates/base): "
                                       "error: resource 'content/images/nothere.png' refused: file not found\n")
    assert sorted(path.parent.name for path in (tmp_path / "dask").glob("*/manifest.json")) == ["kz-kg", "kz-tm"]
    assert remote.out.replace("/dask/", "/") == local.out.replace("/local/", "/")


def test_an_unreachable_scheduler_is_one_line(desk, cli, monkeypatch):
    monkeypatch.setattr(dask_executor, "CONNECT_SECONDS", 1)
    result = cli("build", desk[0], "-f", "html", "--scheduler", "tcp://127.0.0.1:9")
    assert result.code == 1
    assert result.err.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:9: ")
    assert len(result.err.splitlines()) == 1
    assert not (desk[0] / "build").exists()
