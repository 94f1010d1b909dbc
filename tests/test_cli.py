"""The command line as SPEC §3 describes it: commands, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PROJECTS

from reportgen.errors import ExitStatus
from reportgen.scaffold import FILES, scaffold


def test_check_reports_ok_and_writes_nothing(cli, project_copy):
    project = project_copy()
    result = cli("check", project)
    assert result.code == 0
    assert result.out == "ok: 2 sections, 2 datasets, 2 audiences\n"
    assert not (project / "build").exists()


def test_list_shows_each_audiences_sections_slides_and_template_origins(cli, project_copy):
    result = cli("list", project_copy())
    assert result.code == 0
    board = result.out.split("\nboard (en): ")[1].split("\nteam (en): ")[0]
    assert "sales                  key_points  Sales by quarter" in board
    assert " 2. Bullets      The bottom line" in board and " 5. Section      Our recommendation" in board
    assert "  left out of the deck (2):\n    slide 'Both regions grew; the south faster' (content/sections/02-sales.md:29): trimmed for length (deck.max_slides 6)" in board
    assert "audience.css         templates/board/audience.css" in board
    team = result.out.split("\nteam (en): ")[1]
    assert "Two content  Each quarter beat the one before" in team
    assert "table 'Sales by quarter' (content/sections/02-sales.md:19): shows the same figures as chart 'Sales rose every quarter'" in team
    assert "audience.css" not in team


@pytest.mark.slow
def test_build_one_audience_one_format_writes_output_and_manifest(cli, project_copy, tmp_path):
    project = project_copy()
    out = tmp_path / "out"
    result = cli("build", project, "-a", "board", "-f", "pdf", "-o", out, "-j", "1")
    assert result.code == 0, result.err
    assert result.out.strip() == str(out / "board" / "quarterly-review.pdf")
    manifest = json.loads((out / "manifest.json").read_text())
    [entry] = manifest["outputs"]
    assert entry["audience"] == "board" and entry["format"] == "pdf"
    assert entry["path"] == "board/quarterly-review.pdf"
    assert entry["pages"] >= 1 and entry["bytes"] == (out / entry["path"]).stat().st_size
    assert len(entry["sha256"]) == 64


def test_html_format_writes_the_html_with_its_fonts_beside_it(cli, project_copy, tmp_path):
    out = tmp_path / "out"
    assert cli("build", project_copy(), "-a", "team", "-f", "html", "-o", out).code == 0
    html = (out / "team" / "quarterly-review.html").read_text()
    assert 'src: url("assets/fonts/SourceSerif4-Roman-VF.ttf")' in html
    assert (out / "team" / "assets" / "fonts" / "SourceSerif4-Roman-VF.ttf").is_file()
    assert "Sales rose every quarter" in html


def test_html_format_copies_the_logo_beside_it_too(cli, project_copy, tmp_path):
    project = project_copy()
    (project / "content" / "images").mkdir()
    (project / "content" / "images" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>')
    audience = project / "content" / "audiences" / "team.yaml"
    audience.write_text(audience.read_text().replace('theme:\n', 'theme:\n  logo: content/images/logo.svg\n'))
    out = tmp_path / "out"
    assert cli("build", project, "-a", "team", "-f", "html", "-o", out).code == 0
    html = (out / "team" / "quarterly-review.html").read_text()
    assert 'src="assets/project/content/images/logo.svg"' in html and "file://" not in html
    assert (out / "team" / "assets" / "project" / "content" / "images" / "logo.svg").is_file()


def test_unknown_audience_is_a_project_error(cli, project_copy):
    result = cli("build", project_copy(), "-a", "press")
    assert result.code == 1
    assert result.err == "error: unknown audience 'press' (known: board, team)\n"


def test_wrong_usage_exits_2_through_the_given_stderr(cli, capsys):
    result = cli("build", "-f", "docx")
    assert result.code == ExitStatus.USAGE == 2
    assert result.err.startswith("usage: reportgen build ")
    assert result.err.endswith("reportgen build: error: argument -f/--format: invalid choice: 'docx' (choose from 'pdf', 'pptx', 'html')\n")
    assert result.out == ""
    assert capsys.readouterr() == ("", "")  # nothing bypassed the injected streams


def test_a_missing_command_and_a_bad_number_are_usage_errors(cli, capsys):
    assert cli().code == 2 and "error: the following arguments are required: COMMAND" in cli().err
    result = cli("build", "-j", "0")
    assert result.code == 2 and result.err.endswith("error: argument -j/--jobs: must be at least 1\n")
    assert capsys.readouterr() == ("", "")


def test_help_and_version_go_to_the_given_stdout(cli, capsys):
    assert cli("--version").out.startswith("reportgen ")
    helped = cli("build", "--help")
    assert helped.code == 0 and helped.out.startswith("usage: reportgen build ") and helped.err == ""
    assert capsys.readouterr() == ("", "")


@pytest.mark.slow
def test_new_scaffolds_a_project_that_checks(cli, tmp_path):
    target = tmp_path / "fresh"
    result = cli("new", target)
    assert result.code == 0
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()) == sorted([*FILES, ".gitignore"])
    assert cli("check", target).code == 0
    built = cli("build", target)
    assert built.code == 0, built.err
    assert sorted(p.relative_to(target / "build").as_posix() for p in (target / "build").rglob("*.*")) == [
        "board/quarterly-review.pdf", "board/quarterly-review.pptx", "manifest.json",
        "team/quarterly-review.pdf", "team/quarterly-review.pptx",
    ]


def test_new_refuses_a_folder_that_is_not_empty(cli, project_copy):
    project = project_copy()
    result = cli("new", project)
    assert result.code == 1
    assert result.err == f"{project}: error: folder exists and is not empty; choose a new folder\n"


@pytest.mark.slow
def test_installed_command_runs_as_a_user_would(project_copy):
    project = project_copy()
    result = subprocess.run([sys.executable, "-m", "reportgen", "check", str(project)], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("ok: ")
    broken = project / "content" / "audiences" / "team.yaml"
    broken.write_text("title: [unclosed\n")
    result = subprocess.run([sys.executable, "-m", "reportgen", "check", str(project)], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith("content/audiences/team.yaml:2: error: invalid YAML")
    assert "Traceback" not in result.stderr


def test_the_minimal_fixture_is_the_scaffold_file_for_file(tmp_path):
    """tests/projects/minimal is what `reportgen new` writes: change one, change the other."""
    made = scaffold(tmp_path / "fresh")
    fixture = PROJECTS / "minimal"

    def files(root: Path) -> dict[str, bytes]:
        return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}

    assert files(fixture) == files(made)
