"""A job that carries its inputs, so a worker on another machine can render it without the project.

A parcel names every project file the job's output is made from (the files its source key
covers, see incremental.py) by content hash; the bytes travel beside it, once per distinct
file. The worker lays them out in a temporary project folder, renders there, and sends back
the bytes and the `Output`, or the project error with the client's paths put back, so a
message reads exactly as a local build's would.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from .errors import ProjectErrors, ReportgenError
from .incremental import PACKAGE, toolchain
from .resources import inside

if TYPE_CHECKING:
    from .build import Job, Output
    from .incremental import Sources

TOOLCHAIN_DIFFERS = (
    "a Dask worker runs another version of reportgen or of its rendering libraries than this "
    "machine; install the same versions on the workers"
)


@dataclass(frozen=True)
class Parcel:
    """A render job with the names and hashes of the project files it reads."""

    job: Job
    root: str  # the project folder on the machine that planned the job
    package: str  # reportgen's package folder there
    toolchain: str  # incremental.toolchain() there: the worker must render with the same
    inputs: tuple[tuple[str, str], ...]  # (path relative to the project folder, sha256)


def pack(job: Job, sources: Sources) -> tuple[Parcel, dict[str, Path]]:
    """Return *job* as a parcel, and the files it carries by hash (hash -> file to read).

    Files whose links lead outside the project are not sent: the worker then refuses them
    as missing, as the local renderer refuses them as outside.
    """
    root = sources.root.resolve()
    inputs: list[tuple[str, str]] = []
    files: dict[str, Path] = {}
    for name, digest in sources.inputs(job.audience, job.depends).items():
        path = root / name
        if digest == "missing" or not inside(path, [root]):
            continue
        inputs.append((name, digest))
        files[digest] = path
    parcel = Parcel(job, str(root), str(PACKAGE.resolve()), toolchain(), tuple(inputs))
    return parcel, files


def render_parcel(parcel: Parcel, blobs: Mapping[str, bytes]) -> tuple[bytes, Output] | ReportgenError:
    """Render *parcel* with its files (*blobs*, by hash) in a temporary project folder.

    Runs on a worker. A project error is returned, not raised, so the cluster logs nothing
    and the client reports it as a local build would.
    """
    from .build import render_job

    if toolchain() != parcel.toolchain:
        return ReportgenError(TOOLCHAIN_DIFFERS)
    with tempfile.TemporaryDirectory(prefix="reportgen-job-") as folder:
        here = Path(folder).resolve()
        for name, digest in parcel.inputs:
            target = here / name
            if not target.resolve().is_relative_to(here):
                continue  # a name planned elsewhere never leaves the folder
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blobs[digest])
        moves = ((Path(parcel.root), here), (Path(parcel.package), PACKAGE.resolve()))
        try:
            return render_job(_relocated(parcel.job, moves))
        except ReportgenError as error:
            return _moved_back(error, [(new, old) for old, new in moves])


def _relocated(job: Job, moves: tuple[tuple[Path, Path], ...]) -> Job:
    """Return *job* with its project and package paths (and file URLs) moved by *moves*."""

    def move(path: Path) -> Path:
        for old, new in moves:
            if path.is_relative_to(old):
                return new / path.relative_to(old)
        return path

    html = job.html
    for old, new in moves:
        html = html.replace(old.as_uri() + "/", new.as_uri() + "/")
    edition = job.edition and dataclasses.replace(job.edition, root=move(job.edition.root), template_dirs=tuple(map(move, job.edition.template_dirs)))
    plan = job.plan and dataclasses.replace(job.plan, master=move(job.plan.master))
    return dataclasses.replace(job, html=html, edition=edition, plan=plan)


def _moved_back(error: ReportgenError, moves: list[tuple[Path, Path]]) -> ReportgenError:
    """Return *error* with the worker's folders in its path and message shown as the client's."""
    if isinstance(error, ProjectErrors):
        return ProjectErrors([_moved_back(item, moves) for item in error.errors])

    def back(text: str) -> str:
        for new, old in moves:
            text = text.replace(new.as_uri(), old.as_uri()).replace(str(new), str(old))
        return text

    return ReportgenError(back(error.message), back(error.path) if error.path else None, error.line)
