"""One project's outputs: gather its edition (audience × language) × format jobs, render a job, write atomically, keep a manifest.

`build()` runs the pipeline of batch.py (which builds one project or several) for one project:
gather (gather_jobs: each edition's briefing HTML and deck plan) → render (render_job, by the
job's product in products.py) → write (_write_all: every file and the manifest, atomically).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import __version__
from .errors import ErrorCollector, ReportgenError
from .incremental import file_digest, input_key, referenced_files
from .model import DeckPlan, Edition, Project
from .products import BRIEFING, DECK, DEFAULT_FORMATS, PRODUCTS, made_from, manifest_count
from .project import load_project
from .resources import FONTS

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Job:
    """One output to make: an audience's PDF, deck or HTML, with everything it needs."""

    audience: str
    format: str
    path: str  # relative to the output folder
    key: str  # hash of everything the output depends on
    html: str = ""
    edition: Edition | None = None
    plan: DeckPlan | None = None
    depends: tuple[str, ...] = ()  # project files outside content/ and templates/ it reads
    source: str = ""  # hash of the files it is made from (see incremental.py)
    language: str = ""  # of the edition; "" for the project's main language in old manifests


@dataclass(frozen=True)
class Output:
    """One written output, as listed in the manifest."""

    audience: str
    format: str
    path: str
    sha256: str
    bytes: int
    count: int | None  # pages (pdf) or slides (pptx)
    seconds: float
    reused: bool = False
    key: str = ""
    source: str = ""
    depends: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()  # project files an HTML output needs copied beside it
    out_dir: Path | None = None  # the output folder *path* is relative to, once the build knows it
    language: str = ""

    def manifest_entry(self) -> dict:
        entry: dict = {"audience": self.audience, "language": self.language, "format": self.format, "path": self.path,
                       "sha256": self.sha256, "bytes": self.bytes}
        counts = PRODUCTS[self.format].counts
        if counts:
            entry[counts] = self.count
        entry["input_hash"] = self.key
        entry["source_hash"] = self.source
        if self.depends:
            entry["depends"] = list(self.depends)
        return entry


@dataclass
class BuildResult:
    """One project's build: its outputs in order, or the error that stopped it."""

    outputs: list[Output] = field(default_factory=list)
    out_dir: Path = Path("build")
    seconds: float = 0.0
    omitted: dict[str, str] = field(default_factory=dict)  # audience -> one line: what its deck left out, and why
    project: Path = Path(".")
    error: ReportgenError | None = None  # set when the project failed: its folder is as it was


Progress = Callable[[Output], None]


def gather_jobs(project: Project, audiences: Iterable[str | tuple[str, str]], formats: Iterable[str]) -> list[Job]:
    """Validate each edition — an audience (in the main language) or an (audience, language) pair —
    and gather what each of its jobs is made from (the briefing's HTML, the deck plan); raise all
    problems at once."""
    from .edition import check_unselected, make_edition  # here, not at the top: a build with nothing to do needs none of it
    from .plan import deck_plan
    from .render.briefing import briefing_html

    errors = ErrorCollector()
    jobs: list[Job] = []
    try:
        check_unselected(project)  # a section no audience reads is checked all the same
    except ReportgenError as error:
        errors.extend(error)
    formats = list(formats)
    sources = made_from(formats)
    for item in audiences:
        name, language = (item, project.config.language) if isinstance(item, str) else item
        try:
            edition = make_edition(project, name, language)
            html = briefing_html(edition) if BRIEFING in sources else ""
            plan = deck_plan(edition) if DECK in sources else None
        except ReportgenError as error:
            errors.extend(error)
            continue
        for fmt in formats:
            path = output_path(project, name, language, fmt)
            if PRODUCTS[fmt].made_from == BRIEFING:
                files = referenced_files(html, project.root)
                key = input_key(fmt, edition.audience.pdf_variant, _without_timestamp(html), *_file_hashes(project.root, files))
                jobs.append(Job(name, fmt, path, key, html=html, edition=edition, depends=files, language=language))
            else:
                assert plan is not None
                key = input_key(fmt, repr(_without_created(plan)), file_digest(plan.master))
                jobs.append(Job(name, fmt, path, key, plan=plan, language=language))
    errors.raise_if_any()
    return jobs


def check(project_dir: str | Path = ".") -> Project:
    """Validate the project and every audience's briefing and deck plan; write nothing."""
    from .timestamp import build_timestamp

    build_timestamp()  # the build would refuse a malformed SOURCE_DATE_EPOCH: so does check
    project = load_project(project_dir)
    gather_jobs(project, project.editions(), DEFAULT_FORMATS)
    return project


def build(
    project_dir: str | Path = ".",
    audiences: Iterable[str] | None = None,
    formats: Iterable[str] | None = None,
    out_dir: str | Path | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    force: bool = False,
    scheduler: str | None = None,
    languages: Iterable[str] | None = None,
) -> BuildResult:
    """Build the outputs of *audiences* × *languages* × *formats* into *out_dir* (default PROJECT_DIR/build).

    By default every audience in each of its languages; *languages* keeps only those.

    Nothing is written unless every output renders; each file is written to a temporary
    name and moved into place. Outputs whose inputs have not changed are kept as they are.
    *scheduler* (``tcp://HOST:PORT``) renders on a Dask cluster instead of local processes.
    """
    from .batch import build_projects  # the one pipeline for one project or several

    batch = build_projects([project_dir], audiences, formats, out_dir, jobs, progress, force, scheduler, languages)
    [result] = batch.projects
    if result.error is not None:
        raise result.error
    return dataclasses.replace(result, seconds=batch.seconds)


def _audiences(project: Project, audiences: Iterable[str] | None) -> list[str]:
    known = project.audience_names()
    if not audiences:
        return known
    names = list(dict.fromkeys(audiences))
    for name in names:
        if name not in project.audiences:
            raise ReportgenError(f"unknown audience '{name}' (known: {', '.join(known)})")
    return names


def _formats(formats: Iterable[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(formats or DEFAULT_FORMATS))
    for fmt in chosen:
        if fmt not in PRODUCTS:
            raise ReportgenError(f"unknown format '{fmt}' (known: {', '.join(PRODUCTS)})")
    return chosen


def output_path(project: Project, audience: str, language: str, fmt: str) -> str:
    """Return where an edition's output goes: government/kz-tm-partnership.pdf, or .ru.pdf in another language."""
    name = project.audiences[audience].output_name or project.config.output_name
    suffix = "" if language == project.config.language else f".{language}"
    return f"{audience}/{name}{suffix}.{fmt}"


def edition_name(project: Project, audience: str, language: str) -> str:
    """Return how messages name an edition: 'board', or 'board (ru)' in another language than the main one."""
    return audience if not language or language == project.config.language else f"{audience} ({language})"


def editions(project: Project, names: list[str], languages: Iterable[str] | None) -> list[tuple[str, str]]:
    """Return the (audience, language) editions to build: each audience in its languages, or in those of *languages*."""
    chosen = list(dict.fromkeys(languages or ()))
    for language in chosen:
        if language not in project.config.languages:
            raise ReportgenError(f"unknown language '{language}' (the project's: {', '.join(project.config.languages)})")
    found = [(name, language) for name in names for language in project.languages_of(name) if not chosen or language in chosen]
    if not found:
        raise ReportgenError(f"no edition of {', '.join(names)} is in {', '.join(chosen)}")
    return found


def _depends(entry: dict | None) -> tuple[str, ...] | None:
    """Return the extra files a manifest entry lists, or None if the list is not usable."""
    depends = (entry or {}).get("depends", [])
    if not isinstance(depends, list) or not all(isinstance(name, str) for name in depends):
        return None
    if any(name.startswith("/") or ".." in name.split("/") for name in depends):
        return None
    return tuple(depends)


def _keep(results: dict[str, tuple[bytes | None, Output]], out: Path, old: dict, job: Job, progress: Progress | None) -> bool:
    """Keep the output *old* describes if its file is intact; return whether it was kept."""
    if not _intact(out / job.path, old.get("sha256")):
        return False
    count = manifest_count(job.format, old)
    output = Output(job.audience, job.format, job.path, old["sha256"], old["bytes"], count, 0.0, True, job.key, job.source, job.depends,
                    language=job.language)
    results[job.path] = (None, output)
    if progress:
        progress(output)
    return True


def render_job(job: Job) -> tuple[bytes, Output]:
    """Render one job to bytes (in a worker process when building in parallel)."""
    started = time.perf_counter()
    rendered = PRODUCTS[job.format].render(job)
    data, assets = rendered.data, rendered.assets
    digest = hashlib.sha256(data).hexdigest()
    seconds = time.perf_counter() - started
    output = Output(job.audience, job.format, job.path, digest, len(data), rendered.count, seconds, False, job.key, job.source, job.depends,
                    language=job.language)
    return data, dataclasses.replace(output, assets=assets)


def _write_all(out: Path, jobs: list[Job], results: dict[str, tuple[bytes | None, Output]], previous: dict, root: Path) -> None:
    """Write every output to a temporary file beside its target, then move them all into place.

    The manifest moves last. If any write fails, the temporary files are removed and the
    previous outputs and manifest stay as they were.
    """
    staged: list[tuple[Path, Path]] = []  # (temporary, target)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for job in jobs:
            data, _output = results[job.path]
            target = out / job.path
            target.parent.mkdir(parents=True, exist_ok=True)
            if PRODUCTS[job.format].portable:
                staged.extend(_stage_html_assets(target.parent, root, results[job.path][1].assets))
            if data is not None:
                staged.append((_stage(target, data), target))
        kept = {path: entry for path, entry in previous.items() if (out / path).is_file()}
        replaced = {str(target.relative_to(out)) for _temporary, target in staged}
        entries = {path: entry for path, entry in kept.items() if path not in replaced}
        # While outputs move into place the manifest lists only those that stay as they are,
        # so that a build killed halfway leaves a manifest true of every file it lists.
        interim = _stage(out / MANIFEST, _manifest_bytes(entries)) if replaced & kept.keys() else None
        for job in jobs:
            entries[job.path] = results[job.path][1].manifest_entry()
        final = _stage(out / MANIFEST, _manifest_bytes(entries))
        if interim is not None:
            staged.insert(0, (interim, out / MANIFEST))
        staged.append((final, out / MANIFEST))
        for temporary, target in staged:
            os.replace(temporary, target)
    except OSError as error:
        reason = "not a folder" if isinstance(error, (FileExistsError, NotADirectoryError)) else error.strerror or str(error)
        raise ReportgenError(f"cannot write output: {reason}", error.filename or out) from None
    finally:
        for temporary, _target in staged:
            temporary.unlink(missing_ok=True)  # only those not moved into place


def _manifest_bytes(entries: dict[str, dict]) -> bytes:
    manifest = {"generator": f"reportgen {__version__}", "outputs": sorted(entries.values(), key=lambda e: (e["audience"], e["path"]))}
    return (json.dumps(manifest, indent=2) + "\n").encode("utf-8")


LOCK_WAIT_SECONDS = 300.0
_TEMPORARY = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")  # what _stage() names its files


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the output folder *out* for this build: another build into it waits (or, after
    LOCK_WAIT_SECONDS, stops with an error), so two never write one folder at once.

    The lock is the folder's own (flock), so no lock file is left behind; a folder made
    for the lock is removed again if the build writes nothing into it.
    """
    made = [folder for folder in (out, *out.absolute().parents) if not folder.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise ReportgenError(f"cannot write output: {error.strerror or error}", out) from None
    try:
        _wait_for_lock(handle, out)
        yield
    finally:
        os.close(handle)  # releases the lock
        for folder in made:  # innermost first
            try:
                folder.rmdir()
            except OSError:
                break  # not empty: the build wrote into it


def _wait_for_lock(handle: int, out: Path) -> None:
    try:
        import fcntl
    except ImportError:  # not on this platform: builds are not serialised
        return
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise ReportgenError(
                    f"another build is writing this output folder (waited {LOCK_WAIT_SECONDS:.0f} s); try again when it has finished", out
                ) from None
            time.sleep(0.1)


def remove_stale_temporaries(out: Path) -> None:
    """Remove the temporary files a killed build left in *out* (call it holding the lock)."""
    for parent, folders, files in os.walk(out):
        folders[:] = [name for name in folders if not name.startswith(".")]  # .preview is the preview's own
        for name in files:
            if _TEMPORARY.fullmatch(name):
                Path(parent, name).unlink(missing_ok=True)


def check_out_dir(out: Path) -> None:
    """Raise an error unless *out* is, or can be made, a folder we may write in."""
    for folder in (out, *out.absolute().parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise ReportgenError("cannot write output: not a folder" if folder == out else f"cannot write output: '{folder}' is not a folder", out)
            if not os.access(folder, os.W_OK | os.X_OK):
                raise ReportgenError("cannot write output: permission denied", folder)
            return


def _stage(target: Path, data: bytes) -> Path:
    """Write *data* to a new temporary file in *target*'s folder and return its path."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def write_atomic(target: Path, data: bytes) -> None:
    """Write *data* to a temporary file beside *target*, then move it into place."""
    temporary = _stage(target, data)
    try:
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _previous_outputs(out: Path) -> dict[str, dict]:
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return {entry["path"]: entry for entry in manifest.get("outputs", []) if isinstance(entry, dict) and "path" in entry}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _intact(path: Path, sha256: str | None) -> bool:
    try:
        return sha256 is not None and file_digest(path) == sha256
    except OSError:
        return False


def _file_hashes(root: Path, names: tuple[str, ...]) -> list[str]:
    return [f"{name}:{file_digest(root / name)}" for name in names]


def _without_timestamp(html: str) -> str:
    return re.sub(r'<meta name="dcterms\.(created|modified)" content="[^"]*">', "", html)


def _without_created(plan: DeckPlan) -> DeckPlan:
    return dataclasses.replace(plan, created="")


PROJECT_ASSETS = "assets/project/"


def portable_html(html: str, root: Path, files: tuple[str, ...]) -> str:
    """Point the HTML's fonts and project files (logo, images) at the copies written beside it."""
    html = html.replace(FONTS.as_uri() + "/", "assets/fonts/")
    base = root.resolve()
    for name in files:
        html = html.replace((base / name).as_uri(), PROJECT_ASSETS + name)
        html = html.replace(f'"{name}"', f'"{PROJECT_ASSETS}{name}"')
    return html


def _stage_html_assets(folder: Path, root: Path, files: tuple[str, ...]) -> list[tuple[Path, Path]]:
    """Stage the fonts and project files the HTML output refers to, where missing or different."""
    wanted = [(font, folder / "assets" / "fonts" / font.name) for font in sorted(FONTS.glob("*.ttf"))]
    wanted += [(root / name, folder / PROJECT_ASSETS / name) for name in files]
    staged = []
    for source, target in wanted:
        data = source.read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.append((_stage(target, data), target))
    return staged
