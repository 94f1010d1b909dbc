"""Several projects in one build: one plan and one pool, each project's outputs as if alone."""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, desk_of_projects

from reportgen.batch import build_projects
from reportgen.build import gather_jobs
from reportgen.executors import in_parallel
from reportgen.incremental import Sources
from reportgen.parcel import TOOLCHAIN_DIFFERS, pack, render_parcel
from reportgen.project import load_project

build_module = importlib.import_module("reportgen.build")
batch_module = importlib.import_module("reportgen.batch")
BROKEN_LINE = "{{ data.sales.q9.text }}"
HTML = ["html"]


def broken(project: Path) -> Path:
    """Put an unknown figure into *project*'s first section (line 5 of its file)."""
    section = project / "content" / "sections" / "01-overview.md"
    section.write_text(section.read_text().replace("{{ data.sales.q4.text }}", BROKEN_LINE, 1))
    return project


def unknown_figure(section: Path) -> str:
    return f"{section}:5: error: unknown figure 'q9' in dataset 'sales' (known: q1, q2, q3, q4, growth)"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Return every file under *folder* with its bytes and modification time."""
    return {str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns) for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def three(tmp_path) -> list[Path]:
    """Three copies of the minimal project, each with its own title."""
    return desk_of_projects(tmp_path / "desk")


def test_a_broken_project_fails_alone_and_keeps_its_previous_outputs(three, cli):
    first, middle, last = three
    assert cli("build", middle, "-f", "html", "-j", "1").code == 0
    before = snapshot(middle / "build")
    broken(middle)
    result = cli("build", *three, "-f", "html", "-j", "2")
    assert result.code == 1
    assert result.err.splitlines() == [unknown_figure(middle / "content" / "sections" / "01-overview.md")]
    assert snapshot(middle / "build") == before
    for project in (first, last):
        listed = json.loads((project / "build" / "manifest.json").read_text())
        assert [entry["path"] for entry in listed["outputs"]] == ["board/quarterly-review.html", "team/quarterly-review.html"]
        assert f"{project.name} Quarterly review" in (project / "build" / "team" / "quarterly-review.html").read_text()
    assert result.out.splitlines() == [str(project / "build" / path) for project in (first, last)
                                       for path in ("board/quarterly-review.html", "team/quarterly-review.html")]


@pytest.mark.slow  # three projects rendered in worker processes
def test_a_render_error_in_a_worker_stops_only_its_own_project(three, tmp_path):
    middle = three[1]
    # An SVG that points to a missing image: found only when WeasyPrint lays the PDF out.
    (middle / "content" / "images").mkdir()
    (middle / "content" / "images" / "map.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="50">'
        '<image xlink:href="nothere.png" width="100" height="50"/></svg>\n')
    with (middle / "content" / "sections" / "02-sales.md").open("a") as section:
        section.write("\n![A map](content/images/map.svg)\n")
    batch = build_projects(three, formats=["pdf"], out_dir=tmp_path / "out", jobs=2)
    [error] = batch.errors
    assert str(error) == (f"{middle}: the briefing templates (templates/team, templates/base): "
                          "error: resource 'content/images/nothere.png' refused: file not found")
    assert [result.error is None for result in batch.projects] == [True, False, True]
    assert not (tmp_path / "out" / "kz-uz").exists()
    for name in ("kz-tm", "kz-kg"):
        assert sorted(path.name for path in (tmp_path / "out" / name).rglob("*.pdf")) == ["quarterly-review.pdf"] * 2


def test_with_an_output_folder_each_project_builds_into_a_folder_of_its_name(three, tmp_path):
    batch = build_projects(three, formats=HTML, out_dir=tmp_path / "out", jobs=1)
    assert [result.out_dir for result in batch.projects] == [tmp_path / "out" / project.name for project in three]
    for project in three:
        listed = json.loads((tmp_path / "out" / project.name / "manifest.json").read_text())
        assert len(listed["outputs"]) == 2
        assert not (project / "build").exists()


def test_one_project_with_an_output_folder_builds_into_it_as_before(three, tmp_path):
    batch = build_projects(three[:1], formats=HTML, out_dir=tmp_path / "out", jobs=1)
    assert batch.projects[0].out_dir == tmp_path / "out"
    assert (tmp_path / "out" / "manifest.json").is_file()


def test_two_projects_of_the_same_name_cannot_share_an_output_folder(three, tmp_path, cli):
    other = tmp_path / "elsewhere" / "kz-tm"
    shutil.copytree(three[0], other)
    result = cli("build", three[0], other, "-o", tmp_path / "out")
    assert result.code == 1
    assert result.err == (f"error: projects '{three[0]}' and '{other}' would both build into {tmp_path / 'out' / 'kz-tm'}: "
                          "with -o, each project builds into OUT_DIR/<its folder's name>\n")
    assert not (tmp_path / "out").exists()


def test_a_project_given_twice_is_built_once(three):
    batch = build_projects([three[0], three[0] / ".." / three[0].name], formats=HTML, jobs=1)
    assert len(batch.projects) == 1


def test_a_missing_project_folder_is_reported_and_the_others_build(three, tmp_path, cli):
    missing = tmp_path / "desk" / "kz-af"
    result = cli("build", three[0], missing, "-f", "html")
    assert result.code == 1
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith(f"{missing}")
    assert (three[0] / "build" / "manifest.json").is_file()


def test_a_second_run_with_nothing_changed_plans_and_renders_nothing(three, monkeypatch):
    first = build_projects(three, formats=HTML, jobs=2)
    assert all(not output.reused for result in first.projects for output in result.outputs)
    manifests = [(project / "build" / "manifest.json").read_text() for project in three]

    def fail(*args, **kwargs):
        raise AssertionError("planned or rendered although nothing changed")

    monkeypatch.setattr(batch_module, "gather_jobs", fail)
    monkeypatch.setattr(build_module, "render_job", fail)
    second = build_projects(three, formats=HTML, jobs=2)
    assert [len(result.outputs) for result in second.projects] == [2, 2, 2]
    assert all(output.reused for result in second.projects for output in result.outputs)
    assert [(project / "build" / "manifest.json").read_text() for project in three] == manifests


def test_a_change_in_one_project_rebuilds_only_that_project(three):
    build_projects(three, formats=HTML, jobs=1)
    data = three[1] / "content" / "data" / "sales.csv"
    data.write_text(data.read_text().replace("q4,Q4,2025,180", "q4,Q4,2025,190"))
    second = build_projects(three, formats=HTML, jobs=1)
    made = {(result.project.name, output.audience) for result in second.projects for output in result.outputs if not output.reused}
    assert made == {("kz-uz", "board"), ("kz-uz", "team")}


def test_progress_names_each_output_with_its_project_folder(three, tmp_path):
    seen = []
    build_projects(three, formats=HTML, out_dir=tmp_path / "out", jobs=1, progress=seen.append)
    assert sorted(str(output.out_dir / output.path) for output in seen) == sorted(
        str(tmp_path / "out" / project.name / audience / "quarterly-review.html") for project in three for audience in ("board", "team"))


def test_a_parcel_renders_without_the_project_folder(three, tmp_path, monkeypatch):
    """A job carries its files: it renders the same bytes after the project has gone."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = load_project(three[0])
    [job] = gather_jobs(project, ["board"], HTML)
    expected, _output = build_module.render_job(job)
    parcel, files = pack(job, Sources(project.root))
    assert {name for name, _digest in parcel.inputs} >= {"content/report.yaml", "content/sections/01-overview.md", "templates/board/audience.css"}
    blobs = {digest: path.read_bytes() for digest, path in files.items()}
    shutil.rmtree(three[0])
    data, output = render_parcel(parcel, blobs)
    assert data == expected
    assert output.path == "board/quarterly-review.html"


def test_a_worker_with_other_versions_refuses_the_job(three):
    project = load_project(three[0])
    [job] = gather_jobs(project, ["board"], HTML)
    parcel, files = pack(job, Sources(project.root))
    error = render_parcel(dataclasses.replace(parcel, toolchain="another"), {digest: path.read_bytes() for digest, path in files.items()})
    assert str(error) == f"error: {TOOLCHAIN_DIFFERS}"


def test_the_scheduler_option_without_dask_installed_says_what_to_install(three, cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    result = cli("build", three[0], "-f", "html", "--scheduler", "tcp://127.0.0.1:8786")
    assert result.code == 1
    assert result.err == "error: --scheduler needs Dask distributed, which is not installed: pip install 'reportgen[dask]'\n"


@pytest.mark.slow
def test_a_local_build_and_the_help_never_import_dask(three):
    script = (
        "import sys\n"
        "from reportgen.cli import main\n"
        f"assert main(['build', {str(three[0])!r}, {str(three[1])!r}, '-f', 'html', '-j', '1']) == 0\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('dask', 'distributed')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert found.stdout.strip().splitlines()[-1] == "[]"
    helped = subprocess.run([sys.executable, "-X", "importtime", "-m", "reportgen", "build", "--help"], capture_output=True, text=True, env=env, check=True)
    assert "--scheduler" in helped.stdout
    assert not [line for line in helped.stderr.splitlines() if line.rstrip().endswith(("dask", "distributed", "weasyprint"))]


def _dies_in_a_child(parent: int, value: int) -> int:
    if os.getpid() != parent:
        os._exit(1)  # as a child does that cannot send its result back
    return value * 2


def test_planning_in_a_child_that_dies_runs_again_here():
    assert in_parallel(_dies_in_a_child, [(os.getpid(), 1), (os.getpid(), 2)], 2) == [2, 4]
