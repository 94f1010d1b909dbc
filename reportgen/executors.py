"""Where jobs run: forked local worker processes (the default) or a Dask distributed cluster.

An executor takes the jobs of one build, from one project or several, and yields each job's
result as it finishes: the rendered bytes and their `Output`, or the project error it raised.
A failed job's project is given up: its jobs not yet started are cancelled, and every other
project's jobs go on. Writing stays with the build, in this process.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import multiprocessing
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Protocol, Sequence, TypeVar

from .errors import ReportgenError
from .products import PRODUCTS, preload

if TYPE_CHECKING:
    from .build import Job, Output
    from .incremental import Sources

R = TypeVar("R")


@dataclass(frozen=True)
class Task:
    """One job to render, the project it belongs to (an index), and that project's files."""

    job: Job
    project: int
    sources: Sources  # what a remote worker is sent: the files the job is made from


class Executor(Protocol):
    """Runs render jobs and yields ``(index into tasks, result or error)`` as each finishes."""

    renders_here: bool  # the jobs run on this machine, so it pays to import the renderers first

    def render(self, tasks: Sequence[Task]) -> Iterator[tuple[int, tuple[bytes, Output] | ReportgenError]]: ...


def executor_for(jobs: int | None = None, scheduler: str | None = None) -> Executor:
    """Return the executor for ``-j JOBS`` (local processes) or ``--scheduler ADDRESS`` (Dask)."""
    if scheduler:
        from .dask_executor import DaskExecutor  # never imported by a local build

        return DaskExecutor(scheduler)
    return LocalPool(jobs)


def local_workers(jobs: int | None) -> int:
    """Return how many local processes ``-j JOBS`` means (default: the number of CPUs)."""
    return jobs or os.cpu_count() or 1


def heaviest_first(tasks: Sequence[Task]) -> list[int]:
    """Return the order to start *tasks* in: the heavy products (PDFs) by HTML length, then the
    rest, so a pool does not end on one long PDF."""
    return sorted(range(len(tasks)), key=lambda index: (not PRODUCTS[tasks[index].job.format].heavy, -len(tasks[index].job.html)))


class LocalPool:
    """Render in this process (one job, or ``-j 1``) or in forked worker processes."""

    renders_here = True

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs

    def render(self, tasks: Sequence[Task]) -> Iterator[tuple[int, tuple[bytes, Output] | ReportgenError]]:
        from .build import render_job

        workers = min(local_workers(self.jobs), len(tasks))
        if workers <= 1:
            failed: set[int] = set()
            for index, task in enumerate(tasks):
                if task.project in failed:
                    continue
                try:
                    yield index, render_job(task.job)
                except ReportgenError as error:
                    failed.add(task.project)
                    yield index, error
            return
        # Imported once, before the workers fork (usually while gathering), so each starts
        # with them loaded rather than spending its own CPU on the same imports.
        preload({task.job.format for task in tasks})
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=fork_context()) as pool:
            futures = {pool.submit(render_job, tasks[index].job): index for index in heaviest_first(tasks)}
            try:
                for future in concurrent.futures.as_completed(futures):
                    index = futures[future]
                    if future.cancelled():
                        continue
                    try:
                        result: tuple[bytes, Output] | ReportgenError = future.result()
                    except ReportgenError as error:
                        result = error
                        for other, position in futures.items():
                            if tasks[position].project == tasks[index].project:
                                other.cancel()
                    yield index, result
            except BaseException:
                for future in futures:
                    future.cancel()
                raise


def in_parallel(function: Callable[..., R], calls: Sequence[tuple[Any, ...]], workers: int,
                meanwhile: Callable[[], None] | None = None) -> list[R | ReportgenError]:
    """Call *function* with each argument tuple of *calls* in up to *workers* forked processes.

    Returns each call's result or the ReportgenError it raised, in order. *meanwhile* runs in
    this process while the children work (the build imports the renderers then, so render
    workers forked afterwards start with them loaded and both cores are busy from the start).
    """
    results: list[R | ReportgenError] = []
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, min(workers, len(calls))), mp_context=fork_context()) as pool:
        futures = [pool.submit(function, *arguments) for arguments in calls]
        if meanwhile:
            meanwhile()
        for future, arguments in zip(futures, calls):
            try:
                results.append(future.result())
            except ReportgenError as error:
                results.append(error)
            except concurrent.futures.process.BrokenProcessPool:
                # A child that died (it could not even send its error back) loses no work:
                # the call runs again here, where its error or bug shows as it would serially.
                results.append(_called_here(function, arguments))
    return results


def _called_here(function: Callable[..., R], arguments: tuple[Any, ...]) -> R | ReportgenError:
    try:
        return function(*arguments)
    except ReportgenError as error:
        return error


def fork_context() -> multiprocessing.context.BaseContext | None:
    """Return the "fork" start method where the platform has it (workers inherit the imports), else None."""
    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
