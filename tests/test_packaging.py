"""The built wheel: every data file under reportgen/ ships, and building writes nothing into build/."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent

pytest.importorskip("hatchling")


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> tuple[set[str], list[Path] | None, list[Path] | None]:
    """Build the project's wheel with its declared backend (as `pip install .` does); return
    its file names and the repository's build/ folder before and after."""
    folder = tmp_path_factory.mktemp("wheel")
    before = _build_folder()
    script = "import sys, hatchling.build as backend; print(backend.build_wheel(sys.argv[1]))"
    name = subprocess.run([sys.executable, "-c", script, str(folder)], cwd=REPO, check=True, capture_output=True, text=True).stdout.split()[-1]
    with zipfile.ZipFile(folder / name) as wheel:
        return set(wheel.namelist()), before, _build_folder()


def _build_folder() -> list[Path] | None:
    return sorted((REPO / "build").rglob("*")) if (REPO / "build").exists() else None


def _package_files(kind: str) -> set[str]:
    """Return the package's files (relative to the repository) that are, or are not, Python."""
    files = {path.relative_to(REPO).as_posix() for path in (REPO / "reportgen").rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    return {name for name in files if name.endswith(".py") == (kind == "python")}


def test_the_wheel_holds_every_module_and_data_file(wheel_names):
    names, _before, _after = wheel_names
    data = _package_files("data")
    assert {"reportgen/templates/base/deck.pptx", "reportgen/preview/static/preview.js", "reportgen/assets/fonts/Carlito-Regular.ttf"} <= data
    assert any(name.startswith("reportgen/templates/base/blocks/") for name in data)
    assert any(name.startswith("reportgen/assets/csl/") for name in data)  # the citation styles
    assert data - names == set()
    assert _package_files("python") - names == set()


def test_building_the_wheel_leaves_the_build_folder_alone(wheel_names):
    _names, before, after = wheel_names
    assert after == before
