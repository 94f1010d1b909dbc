"""reportgen: one source, every audience — PDF briefings and native PowerPoint decks."""

from __future__ import annotations

__version__ = "0.1.0"

from .batch import BatchResult, build_projects  # noqa: E402
from .build import BuildResult, Output, build, check  # noqa: E402  (WeasyPrint and python-pptx load lazily)
from .errors import ExitStatus, ProjectErrors, ReportgenError  # noqa: E402
from .project import load_project  # noqa: E402

__all__ = [
    "BatchResult", "BuildResult", "ExitStatus", "Output", "ProjectErrors", "ReportgenError",
    "build", "build_projects", "check", "load_project", "__version__",
]
