"""Render jobs on a Dask distributed cluster (``--scheduler tcp://HOST:PORT``; extra ``reportgen[dask]``).

Only a build given a scheduler imports this module, and it imports Dask only when there is
something to render, so a build with nothing changed never connects. Each job goes as a
parcel with its input files (parcel.py): every distinct file is scattered to the cluster once
and shared by the jobs that read it, so the workers need no shared file system, only the same
reportgen and rendering libraries as this machine. Results come back as bytes, to be written
here.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from .errors import ReportgenError
from .executors import Task, heaviest_first
from .parcel import Parcel, pack, render_parcel
from .resources import MAX_READ_BYTES, read_file

if TYPE_CHECKING:
    from .build import Output

MISSING = "--scheduler needs Dask distributed, which is not installed: pip install 'reportgen[dask]'"
CONNECT_SECONDS = 10


class DaskExecutor:
    """Send render jobs to the Dask scheduler at *address* and collect their results."""

    renders_here = False

    def __init__(self, address: str) -> None:
        self.address = address

    def render(self, tasks: Sequence[Task]) -> Iterator[tuple[int, tuple[bytes, Output] | ReportgenError]]:
        if not tasks:
            return
        distributed = _distributed()
        client = _connect(distributed, self.address)
        try:
            yield from self._render(distributed, client, tasks)
        finally:
            client.close()

    def _render(self, distributed: Any, client: Any, tasks: Sequence[Task]) -> Iterator[tuple[int, tuple[bytes, Output] | ReportgenError]]:
        parcels: list[Parcel] = []
        blobs: dict[str, bytes] = {}
        for task in tasks:
            parcel, carried = pack(task.job, task.sources)
            parcels.append(parcel)
            for digest, path in carried.items():
                if digest not in blobs:
                    blobs[digest] = read_file(path, [task.sources.root], str(path), MAX_READ_BYTES)
        scattered = client.scatter({f"reportgen-input-{digest}": data for digest, data in blobs.items()})
        futures: dict[Any, int] = {}
        for rank, index in enumerate(heaviest_first(tasks)):
            inputs = {digest: scattered[f"reportgen-input-{digest}"] for _name, digest in parcels[index].inputs}
            key = f"reportgen-{tasks[index].job.format}-{uuid.uuid4().hex}"
            future = client.submit(render_parcel, parcels[index], inputs, key=key, priority=len(tasks) - rank, pure=False)
            futures[future] = index
        # Results arrive with their futures: no round trip to the scheduler per job.
        for future, result in distributed.as_completed(list(futures), loop=client.loop, with_results=True, raise_errors=False):
            index = futures[future]
            if future.cancelled():
                continue
            if future.status == "error":
                error = result[1]
                if not isinstance(error, distributed.scheduler.KilledWorker):
                    raise error.with_traceback(result[2])
                result = ReportgenError(f"the Dask workers died while rendering {tasks[index].job.path}: {error}")
            if isinstance(result, ReportgenError):
                for other, position in futures.items():
                    if tasks[position].project == tasks[index].project and not other.done():
                        other.cancel()
            yield index, result


def _distributed() -> Any:
    try:
        import distributed
        import distributed.scheduler  # KilledWorker
    except ImportError:
        raise ReportgenError(MISSING) from None
    return distributed


def _connect(distributed: Any, address: str) -> Any:
    """Return a client of the scheduler at *address*, or raise a one-line error."""
    try:
        return distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ReportgenError(f"cannot reach the Dask scheduler at {address}: {reason}") from None
