"""A job that carries its inputs, so a worker on another machine can render it without the project.

A parcel names every project file the job's output is made from (the files its source key
covers, see incremental.py) by content hash; the bytes travel beside it, once per distinct
file. The worker lays them out in a project folder of its own, renders there, and sends back
the bytes and the `Output`, or the project error with the client's paths put back, so a
message reads exactly as a local build's would.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping

from .errors import ProjectErrors, ReportgenError
from .incremental import PACKAGE, toolchain
from .resources import MAX_READ_BYTES, file_refusal

if TYPE_CHECKING:
    from .build import Job, Output
    from .incremental import Sources

KEPT_FOLDERS = 32  # project folders a worker keeps for later jobs; more than its threads ever use at once
_HASH = re.compile(r"[0-9a-f]{64}")
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
    epoch: str | None = None  # SOURCE_DATE_EPOCH on the planning machine: the worker stamps outputs with it


def pack(job: Job, sources: Sources) -> tuple[Parcel, dict[str, Path]]:
    """Return *job* as a parcel, and the files it carries by hash (hash -> file to read).

    Files a build may not read (links out of the project, pipes, files above every size
    limit) are not sent: the worker then refuses them as missing, as this machine refuses them.
    """
    root = sources.root.resolve()
    inputs: list[tuple[str, str]] = []
    files: dict[str, Path] = {}
    for name, digest in sources.inputs(job.audience, job.depends).items():
        path = root / name
        if not _HASH.fullmatch(digest) or file_refusal(path, [root], MAX_READ_BYTES):
            continue
        inputs.append((name, digest))
        files[digest] = path
    parcel = Parcel(job, str(root), str(PACKAGE.resolve()), toolchain(), tuple(inputs), os.environ.get("SOURCE_DATE_EPOCH"))
    return parcel, files


def render_parcel(parcel: Parcel, blobs: Mapping[str, bytes]) -> tuple[bytes, Output] | ReportgenError:
    """Render *parcel* with its files (*blobs*, by hash) in a project folder of this worker's.

    Runs on a worker. A project error is returned, not raised, so the cluster logs nothing
    and the client reports it as a local build would.
    """
    from .build import render_job

    if toolchain() != parcel.toolchain:
        return ReportgenError(TOOLCHAIN_DIFFERS)
    here = _project_folder(parcel.inputs, blobs)
    moves = ((Path(parcel.root), here), (Path(parcel.package), PACKAGE.resolve()))
    try:
        with _build_epoch(parcel.epoch):
            return render_job(_relocated(parcel.job, moves))
    except ReportgenError as error:
        return _moved_back(error, [(new, old) for old, new in moves])


_epoch_lock = threading.Lock()


@contextmanager
def _build_epoch(epoch: str | None) -> Iterator[None]:
    """Render with the planning machine's SOURCE_DATE_EPOCH (or none), whatever the worker's
    environment says, so a cluster stamps outputs exactly as the local pool does."""
    with _epoch_lock:  # the variable is process-wide: one job's stamp at a time
        before = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = before


_folders: OrderedDict[str, Path] = OrderedDict()  # this worker's project folders, the latest last
_folders_lock = threading.Lock()
_workspace: list[Path] = []


def _project_folder(inputs: tuple[tuple[str, str], ...], blobs: Mapping[str, bytes]) -> Path:
    """Return a folder holding exactly *inputs*, laid out once per worker and shared by the jobs
    that read the same files (an audience's PDF and deck), never changed once made."""
    key = hashlib.sha256(repr(inputs).encode()).hexdigest()
    with _folders_lock:
        if key in _folders:
            _folders.move_to_end(key)
            return _folders[key]
        if not _workspace:
            _workspace.append(Path(tempfile.mkdtemp(prefix="reportgen-worker-")).resolve())
            atexit.register(shutil.rmtree, _workspace[0], True)
    folder = Path(tempfile.mkdtemp(dir=_workspace[0]))
    for name, digest in inputs:
        target = folder / name
        if not target.resolve().is_relative_to(folder):
            continue  # a name planned elsewhere never leaves the folder
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blobs[digest])
    with _folders_lock:
        _folders[key] = folder
        while len(_folders) > KEPT_FOLDERS:
            shutil.rmtree(_folders.popitem(last=False)[1], ignore_errors=True)
    return folder


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
