"""Shared fixtures: sample projects copied into tmp_path, and the CLI run in-process."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import uuid
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


def libreoffice_pdf(deck: Path, outdir: Path) -> Path:
    """Convert *deck* to PDF with LibreOffice, in a fresh profile (no lock shared between runs)."""
    profile = Path(f"/tmp/lo_profile_{uuid.uuid4().hex}")
    try:
        subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(outdir), str(deck)],
                       check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return outdir / (deck.stem + ".pdf")


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


def desk_of_projects(folder: Path, names: tuple[str, ...] = ("kz-tm", "kz-uz", "kz-kg")) -> list[Path]:
    """Copy the minimal project to *folder*/<name> for each name, each with the name in its title."""
    projects = []
    for name in names:
        target = folder / name
        shutil.copytree(PROJECTS / "minimal", target)
        config = target / "content" / "report.yaml"
        config.write_text(config.read_text().replace("title: ", f"title: {name} ", 1))
        projects.append(target)
    return projects


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
