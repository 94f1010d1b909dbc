"""One build of one project or several: keep, gather, render on an executor, write each project.

Every project is loaded and its unchanged outputs kept first (build.py's source keys); the
projects with work left are gathered together; all their jobs go to one executor (local
processes or a Dask cluster, executors.py); each project is written as soon as its last job is
in, into its own folder, as it would be alone. A project that fails writes nothing and does not
stop the others.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from .build import (
    BuildResult,
    Job,
    Output,
    Progress,
    _audiences,
    _depends,
    _formats,
    _keep,
    _previous_outputs,
    _write_all,
    check_out_dir,
    edition_name,
    editions,
    gather_jobs,
    output_lock,
    output_path,
    remove_stale_temporaries,
)
from .errors import ErrorCollector, ProjectErrors, ReportgenError
from .executors import Task, executor_for, in_parallel, local_workers
from .incremental import Sources
from .model import Project
from .products import preload, preloads
from .project import load_project
from .timestamp import build_timestamp


@dataclass
class BatchResult:
    """The projects of one build, in the order given."""

    projects: list[BuildResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[ReportgenError]:
        """Return every failed project's errors, one per problem."""
        found: list[ReportgenError] = []
        for result in self.projects:
            if result.error is not None:
                found.extend(result.error.errors if isinstance(result.error, ProjectErrors) else [result.error])
        return found


def build_projects(
    project_dirs: Sequence[str | Path],
    audiences: Iterable[str] | None = None,
    formats: Iterable[str] | None = None,
    out_dir: str | Path | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    force: bool = False,
    scheduler: str | None = None,
    languages: Iterable[str] | None = None,
) -> BatchResult:
    """Build several projects in one run: the jobs of all of them, one set of workers.

    Each project builds into its own folder as it would alone: PROJECT_DIR/build, *out_dir*
    for a single project, or OUT_DIR/<project folder's name> for several. A project that fails
    (to load, gather, render or write) keeps its previous outputs and does not stop the others;
    its error is in its result, with paths that name the project when there are several.
    """
    started = time.perf_counter()
    build_timestamp()  # a malformed SOURCE_DATE_EPOCH stops the build before anything is read
    formats = _formats(formats)
    folders = _project_folders(project_dirs, out_dir)
    names = list(audiences) if audiences else None
    chosen = list(dict.fromkeys(languages)) if languages else None
    builds: list[_ProjectBuild] = []
    try:
        for folder, out in folders:
            builds.append(_ProjectBuild.start(folder, out, names, chosen, formats, force, progress))
        executor = executor_for(jobs, scheduler)
        _gather_stale(builds, formats, jobs, executor.renders_here)
        tasks = [Task(job, index, item.sources) for index, item in enumerate(builds) for job in item.todo(progress) if item.sources]
        for item in builds:
            item.finish_if_done()
        for index, result in executor.render(tasks):
            builds[tasks[index].project].add(result, progress)
    finally:
        for item in builds:
            item.lock.close()
    located = len(builds) > 1
    return BatchResult([item.result(located) for item in builds], time.perf_counter() - started)


def _project_folders(project_dirs: Sequence[str | Path], out_dir: str | Path | None) -> list[tuple[Path, Path | None]]:
    """Return each distinct project folder with its output folder (None: PROJECT_DIR/build)."""
    folders = list({Path(folder).resolve(): Path(folder) for folder in reversed(project_dirs)}.values())[::-1]
    if out_dir is None or len(folders) <= 1:
        return [(folder, Path(out_dir) if out_dir is not None else None) for folder in folders]
    named: dict[str, Path] = {}
    for folder in folders:
        name = folder.resolve().name
        if name in named:
            raise ReportgenError(f"projects '{named[name]}' and '{folder}' would both build into {Path(out_dir) / name}: "
                                 "with -o, each project builds into OUT_DIR/<its folder's name>")
        named[name] = folder
    return [(folder, Path(out_dir) / name) for name, folder in named.items()]


def _gather_stale(builds: list[_ProjectBuild], formats: list[str], jobs: int | None, renders_here: bool) -> None:
    """Gather the jobs of every project's editions that cannot be kept, in forked processes when it pays.

    When the jobs render here, this process imports the renderers while the children gather:
    render workers forked afterwards start with them loaded, and both cores are busy from
    the start.
    """
    stale = [item for item in builds if not item.errors.errors and item.stale]
    if not stale:
        return
    warm = renders_here and bool(preloads(formats))
    workers = local_workers(jobs)
    calls = [(item.project, item.stale, formats) for item in stale if item.project is not None]  # all loaded
    if workers > 1 and (len(stale) > 1 or (warm and sum(item.missing for item in stale) > 1)):
        gathered = in_parallel(gather_jobs, calls, workers, (lambda: preload(formats)) if warm else None)
    else:
        gathered = [_gathered(*call) for call in calls]
    for item, jobs_or_error in zip(stale, gathered):
        if isinstance(jobs_or_error, ReportgenError):
            item.fail(jobs_or_error)
        else:
            item.gathered = jobs_or_error


def _gathered(project: Project, names: list[tuple[str, str]], formats: list[str]) -> list[Job] | ReportgenError:
    try:
        return gather_jobs(project, names, formats)
    except ReportgenError as error:
        return error


@dataclass
class _ProjectBuild:
    """One project's part of a build, from its reusable outputs to its written manifest."""

    folder: Path
    out: Path
    formats: list[str]
    force: bool = False
    project: Project | None = None
    sources: Sources | None = None
    previous: dict[str, dict] = field(default_factory=dict)
    wanted: list[tuple[str, str, str, str]] = field(default_factory=list)  # (audience, language, format, path)
    results: dict[str, tuple[bytes | None, Output]] = field(default_factory=dict)
    stale: list[tuple[str, str]] = field(default_factory=list)  # editions (audience, language) to gather again
    gathered: list[Job] = field(default_factory=list)
    waiting: int = 0  # jobs still rendering
    errors: ErrorCollector = field(default_factory=ErrorCollector)
    finished: bool = False
    lock: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)  # the output folder's (output_lock())
    started: float = field(default_factory=time.perf_counter)
    seconds: float = 0.0

    @classmethod
    def start(cls, folder: Path, out: Path | None, audiences: list[str] | None, languages: list[str] | None,
              formats: list[str], force: bool, progress: Progress | None) -> _ProjectBuild:
        """Load the project and keep the outputs whose source files are unchanged, ungathered."""
        item = cls(folder, out if out is not None else folder / "build", formats, force)
        progress = item.reporting(progress)
        try:
            project = item.project = load_project(folder)
            wanted_editions = editions(project, _audiences(project, audiences), languages)
            item.out = out if out is not None else project.root / "build"
            check_out_dir(item.out)
            item.lock.enter_context(output_lock(item.out))  # held until the project is written or fails
            remove_stale_temporaries(item.out)
            item.previous = _previous_outputs(item.out)  # with --force too: the manifest keeps the outputs not built now
            item.sources = Sources(project.root, item.out)
            item.wanted = [(name, language, fmt, output_path(project, name, language, fmt))
                           for name, language in wanted_editions for fmt in formats]
        except ReportgenError as error:
            item.fail(error)
            return item
        for name, language, fmt, path in item.wanted:
            old = item.reusable.get(path)
            depends = _depends(old)
            if old and depends is not None and old.get("source_hash") == item.sources.key(name, fmt, depends):
                job = Job(name, fmt, path, str(old.get("input_hash")), depends=depends, source=old["source_hash"], language=language)
                _keep(item.results, item.out, old, job, progress)
        item.stale = list(dict.fromkeys((name, language) for name, language, _fmt, path in item.wanted if path not in item.results))
        return item

    @property
    def reusable(self) -> dict[str, dict]:
        return {} if self.force else self.previous

    @property
    def missing(self) -> int:
        """Return how many wanted outputs are neither kept nor rendered yet."""
        return sum(1 for _name, _lang, _fmt, path in self.wanted if path not in self.results)

    def todo(self, progress: Progress | None) -> list[Job]:
        """Return the gathered jobs to render: those whose input key is new or whose file changed."""
        progress = self.reporting(progress)
        if self.errors.errors:
            return []
        assert self.sources is not None
        todo = []
        for job in self.gathered:
            if job.path in self.results:
                continue
            depends = self.sources.depends(job.audience, job.depends)
            job = dataclasses.replace(job, depends=depends, source=self.sources.key(job.audience, job.format, depends))
            old = self.reusable.get(job.path)
            if not (old and old.get("input_hash") == job.key and _keep(self.results, self.out, old, job, progress)):
                todo.append(job)
        self.waiting = len(todo)
        return todo

    def add(self, result: tuple[bytes, Output] | ReportgenError, progress: Progress | None) -> None:
        """Take one rendered job (or its error); write the project when its last job is in."""
        self.waiting -= 1
        if isinstance(result, ReportgenError):
            self.fail(result)
            return
        data, output = result
        self.results[output.path] = (data, output)
        if progress and not self.errors.errors:
            progress(dataclasses.replace(output, out_dir=self.out))
        self.finish_if_done()

    def reporting(self, progress: Progress | None) -> Progress | None:
        """Return *progress* given each output with this project's output folder."""
        if progress is None:
            return None
        return lambda output: progress(dataclasses.replace(output, out_dir=self.out))

    def finish_if_done(self) -> None:
        """Write the outputs and manifest once every job is in, unless the project failed."""
        if self.finished or self.waiting > 0 or self.errors.errors:
            return
        self.finished = True
        written = [Job(name, fmt, path, self.results[path][1].key, language=language) for name, language, fmt, path in self.wanted]
        try:
            assert self.project is not None
            _write_all(self.out, written, self.results, self.previous, self.project.root)
        except ReportgenError as error:
            self.fail(error)
        finally:
            self.lock.close()
        self.results = {path: (None, output) for path, (_data, output) in self.results.items()}  # the bytes are on disk
        self.seconds = time.perf_counter() - self.started

    def fail(self, error: ReportgenError) -> None:
        """Give the project up: nothing of it is written, its folder is unlocked."""
        self.errors.extend(error)
        self.results = {}
        self.lock.close()

    def result(self, located: bool) -> BuildResult:
        """Return the project's result; with *located*, error paths start with the project folder."""
        if self.errors.errors:
            errors = [_in_project(error, self.folder) if located else error for error in self.errors.errors]
            error = errors[0] if len(errors) == 1 else ProjectErrors(sorted(errors, key=lambda e: (e.path or "", e.line or 0)))
            return BuildResult(out_dir=self.out, seconds=self.seconds, project=self.folder, error=error)
        from .plan import omission_summary

        outputs = [dataclasses.replace(self.results[path][1], out_dir=self.out) for _name, _lang, _fmt, path in self.wanted]
        assert self.project is not None
        omitted = {edition_name(self.project, job.audience, job.language): omission_summary(job.plan)
                   for job in self.gathered if job.plan is not None and job.plan.omitted}
        return BuildResult(outputs, self.out, self.seconds, omitted, self.folder)


def _in_project(error: ReportgenError, folder: Path) -> ReportgenError:
    """Return *error* with its path inside *folder* (one of several projects built together)."""
    if error.path is None:
        return ReportgenError(error.message, folder, error.line)
    if Path(error.path).is_absolute():
        return error
    if (folder / error.path).exists():
        return ReportgenError(error.message, folder / error.path, error.line)
    return ReportgenError(error.message, f"{folder}: {error.path}", error.line)
