"""One preview session: each audience's last good preview, rebuilt when the project changes.

The briefing's HTML and the deck plan are rebuilt in this process (a fraction of a second);
the PDF and PPTX for download are built after them by `reportgen build` in child processes,
so a slow layout never holds up the page.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterable, Mapping

from ..errors import ProjectErrors, ReportgenError
from ..model import Project
from ..products import DEFAULT_FORMATS, count_text, manifest_count

DOWNLOAD_FORMATS = DEFAULT_FORMATS  # the files `reportgen build` makes, built in the background
PAGE_WIDTH_PX = 1240  # PDF page images: sharp at 620 CSS px on a 2x screen


@dataclass(frozen=True)
class Download:
    """The state of one downloadable output: waiting, building, ready or failed."""

    format: str
    status: str = "waiting"
    path: str = ""  # relative to the preview folder
    bytes: int = 0
    count: int | None = None  # pages or slides
    sha: str = ""
    error: str = ""


@dataclass(frozen=True)
class View:
    """What the page shows for one audience; errors never erase the last good preview."""

    audience: str
    version: int = 0  # bumped on every change the page should fetch
    generation: int = -1  # the project change this view reflects
    errors: tuple[str, ...] = ()
    briefing: str = ""  # the briefing's HTML, relative to the preview folder
    briefing_sha: str = ""
    slides: str = ""  # the deck's slides as HTML
    slide_count: int = 0
    built_at: float = 0.0  # epoch seconds of the last good rebuild
    seconds: float = 0.0  # how long it took
    downloads: Mapping[str, Download] = field(default_factory=lambda: {f: Download(f) for f in DOWNLOAD_FORMATS})
    pages: tuple[str, ...] = ()  # PNG images of the PDF's pages, relative to the preview folder

    def as_json(self) -> dict:
        """Return the view as the page's JSON state."""
        return {
            "audience": self.audience,
            "version": self.version,
            "ok": not self.errors,
            "errors": list(self.errors),
            "briefing": f"/out/{self.briefing}?v={self.briefing_sha}" if self.briefing else "",
            "slides": self.slides,
            "slide_count": self.slide_count,
            "built_at": self.built_at,
            "seconds": round(self.seconds, 3),
            "downloads": {
                name: {**dataclasses.asdict(item), "url": f"/out/{item.path}?v={item.sha[:12]}" if item.path else ""}
                for name, item in self.downloads.items()
            },
            "pages": [f"/out/{page}" for page in self.pages],
        }


class Log:
    """Terminal output shared by the threads: progress to stdout, errors to stderr, one line each."""

    def __init__(self, stdout: IO[str], stderr: IO[str]) -> None:
        self.stdout, self.stderr = stdout, stderr
        self._lock = threading.Lock()

    def info(self, message: str) -> None:
        with self._lock:
            print(f"{time.strftime('%H:%M:%S')}  {message}", file=self.stdout, flush=True)

    def errors(self, lines: Iterable[str]) -> None:
        with self._lock:
            for line in lines:
                print(line, file=self.stderr, flush=True)


class PreviewSession:
    """Builds each watched audience's preview into *out* and tells waiting pages when it changes."""

    def __init__(self, root: str | Path, out: str | Path, log: Log, audience: str | None = None, downloads: bool = True) -> None:
        self.root = Path(root).resolve()
        self.out = Path(out).resolve()
        self.log = log
        self.title = self.root.name
        self.default_audience = audience or ""
        self._audiences: list[tuple[str, str]] = []
        self._changed = threading.Condition()
        self._generation = 0
        self._views: dict[str, View] = {}
        self._subscribers: dict[str, int] = {}
        self._stop = threading.Event()
        self._downloads = _Downloads(self) if downloads else None
        self._last_changes: list[str] = []

    # --- what the page asks ------------------------------------------------------------

    def audiences(self) -> list[tuple[str, str]]:
        """Return (name, title) of each audience, from the last project that loaded."""
        if self._audiences:
            return list(self._audiences)
        folder = self.root / "content" / "audiences"
        names = sorted({p.stem for p in folder.glob("*.y*ml")}) if folder.is_dir() else []
        return [(name, name) for name in names]

    def refresh_audiences(self) -> None:
        """Read the audience list from the project, when it loads; keep the old one when it does not."""
        from ..project import load_project

        try:
            self._remember(load_project(self.root))
        except ReportgenError:
            pass

    def _remember(self, project: Project) -> None:
        self.title = project.config.title
        self._audiences = [(name, project.audiences[name].title) for name in project.audience_names()]

    def knows(self, audience: str) -> bool:
        return any(name == audience for name, _title in self.audiences())

    def view(self, audience: str) -> View:
        """Return *audience*'s current view (an empty one before its first build)."""
        with self._changed:
            return self._views.get(audience) or View(audience)

    def state(self, audience: str) -> dict:
        """Return the JSON state the page renders for *audience*."""
        return {
            "project": self.title,
            "audiences": [{"name": name, "title": title} for name, title in self.audiences()],
            "default_audience": self.default_audience,
            "building": self._is_stale(audience),
            **self.view(audience).as_json(),
        }

    def subscribe(self, audience: str) -> None:
        """Note a page watching *audience*: it is rebuilt on every change from now on."""
        with self._changed:
            self._subscribers[audience] = self._subscribers.get(audience, 0) + 1
            self._changed.notify_all()

    def unsubscribe(self, audience: str) -> None:
        with self._changed:
            self._subscribers[audience] -= 1
            if self._subscribers[audience] <= 0:
                del self._subscribers[audience]

    def wait(self, audience: str, known_version: int, timeout: float) -> View | None:
        """Block until *audience*'s view differs from *known_version*; None on timeout or stop."""
        with self._changed:
            changed = self._changed.wait_for(
                lambda: self._stop.is_set() or self._views.get(audience, View(audience)).version != known_version, timeout
            )
            if not changed or self._stop.is_set():
                return None
            return self._views[audience]

    # --- what the watcher and the server tell it ------------------------------------------

    def changed(self, paths: list[str]) -> None:
        """Record a change to the project's files; watched audiences are rebuilt."""
        with self._changed:
            self._generation += 1
            self._last_changes = paths
            self._changed.notify_all()

    def stop(self) -> None:
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        if self._downloads:
            self._downloads.stop()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    @property
    def stop_event(self) -> threading.Event:
        """The event set when the session stops; the watcher ends with it."""
        return self._stop

    # --- building ---------------------------------------------------------------------

    def run(self) -> None:
        """Rebuild stale watched audiences until stopped (the builder thread's loop)."""
        while not self._stop.is_set():
            with self._changed:
                self._changed.wait_for(lambda: self._stop.is_set() or bool(self._stale()))
                if self._stop.is_set():
                    return
                targets = self._stale()
            for audience in targets:
                self.build(audience)

    def _wanted(self) -> list[str]:
        wanted = [name for name, count in self._subscribers.items() if count > 0]
        return wanted or ([self.default_audience] if self.default_audience else [])

    def _stale(self) -> list[str]:
        return [a for a in self._wanted() if self._views.get(a, View(a)).generation < self._generation]

    def _is_stale(self, audience: str) -> bool:
        with self._changed:
            return self._views.get(audience, View(audience)).generation < self._generation

    def build(self, audience: str) -> View:
        """Rebuild *audience*'s briefing HTML and slides now; keep the last good ones on error."""
        with self._changed:
            generation = self._generation
            changes = self._last_changes
        started = time.perf_counter()
        try:
            briefing, sha, slides, slide_count = self._render(audience)
        except ReportgenError as error:
            items = error.errors if isinstance(error, ProjectErrors) else [error]
            return self._failed(audience, generation, [str(item) for item in items])
        except Exception as error:  # noqa: BLE001 — a bug must not stop the preview
            self.log.errors(traceback.format_exc().rstrip().splitlines())
            return self._failed(audience, generation, [f"error: internal error: {type(error).__name__}: {error} (traceback in the terminal)"])
        seconds = time.perf_counter() - started
        with self._changed:
            old = self._views.get(audience) or View(audience)
            view = dataclasses.replace(
                old, version=old.version + 1, generation=generation, errors=(), briefing=briefing, briefing_sha=sha,
                slides=slides, slide_count=slide_count, built_at=time.time(), seconds=seconds,
            )
            self._views[audience] = view
            self._changed.notify_all()
        why = f" after {', '.join(changes[:3])}{' …' if len(changes) > 3 else ''}" if changes and old.version else ""
        recovered = "fixed; " if old.errors else ""
        self.log.info(f"{audience}: {recovered}preview rebuilt in {seconds:.2f} s{why}")
        if self._downloads:
            self._downloads.request(audience, generation)
        return view

    def _render(self, audience: str) -> tuple[str, str, str, int]:
        from ..build import gather_jobs, render_job, write_atomic
        from ..project import load_project
        from .slides import slides_html

        project = load_project(self.root)
        self._remember(project)
        if audience not in project.audiences:
            raise ReportgenError(f"unknown audience '{audience}' (known: {', '.join(project.audience_names())})")
        # Validate the briefing and the deck plan together so every problem shows at once.
        jobs = gather_jobs(project, [audience], ["html", "pptx"])
        plan = next(job.plan for job in jobs if job.plan is not None)
        html_job = next(job for job in jobs if job.format == "html")
        # The same bytes `reportgen build -f html` writes: the HTML the PDF is laid out from.
        data, output = render_job(html_job)
        target = self.out / "live" / output.path
        if not _same_bytes(target, data):
            target.parent.mkdir(parents=True, exist_ok=True)
            copy_fonts(target.parent / "assets" / "fonts")
            write_atomic(target, data)
        return f"live/{output.path}", output.sha256[:12], slides_html(plan), len(plan.slides)

    def _failed(self, audience: str, generation: int, lines: list[str]) -> View:
        with self._changed:
            old = self._views.get(audience) or View(audience)
            view = dataclasses.replace(old, version=old.version + 1, generation=generation, errors=tuple(lines))
            self._views[audience] = view
            self._changed.notify_all()
        self.log.errors(lines)
        return view

    def _set_download(self, audience: str, download: Download, pages: tuple[str, ...] | None = None) -> None:
        with self._changed:
            old = self._views.get(audience) or View(audience)
            changes: dict = {"downloads": {**old.downloads, download.format: download}}
            if pages is not None:
                changes["pages"] = pages
            self._views[audience] = dataclasses.replace(old, version=old.version + 1, **changes)
            self._changed.notify_all()


class _Downloads:
    """Builds each audience's PDF and PPTX in child processes, one run at a time per audience."""

    def __init__(self, session: PreviewSession) -> None:
        self.session = session
        self._lock = threading.Lock()
        self._wanted: dict[str, int] = {}
        self._done: dict[str, int] = {}
        self._running: set[str] = set()
        self._processes: set[subprocess.Popen] = set()

    def request(self, audience: str, generation: int) -> None:
        with self._lock:
            self._wanted[audience] = max(generation, self._wanted.get(audience, -1))
            if audience in self._running:
                return  # the running loop picks the newer generation up when it finishes
            self._running.add(audience)
        threading.Thread(target=self._loop, args=(audience,), name=f"downloads-{audience}", daemon=True).start()

    def stop(self) -> None:
        with self._lock:
            processes = list(self._processes)
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()

    def _loop(self, audience: str) -> None:
        try:
            while not self.session.stopped:
                with self._lock:
                    generation = self._wanted[audience]
                    if self._done.get(audience, -1) >= generation:
                        return
                self._run(audience)
                with self._lock:
                    self._done[audience] = generation
        finally:
            with self._lock:
                self._running.discard(audience)

    def _run(self, audience: str) -> None:
        session = self.session
        old = session.view(audience).downloads
        for fmt in DOWNLOAD_FORMATS:
            session._set_download(audience, dataclasses.replace(old[fmt], status="building", error=""))
        started = time.perf_counter()
        processes = {fmt: self._start(audience, fmt) for fmt in DOWNLOAD_FORMATS}
        summary = []
        for fmt, process in processes.items():
            _out, err = process.communicate()
            with self._lock:
                self._processes.discard(process)
            if session.stopped:
                return
            download, pages = self._finish(audience, fmt, process.returncode, err)
            session._set_download(audience, download, pages)
            if download.status == "ready":
                summary.append(f"{fmt.upper()} {count_text(fmt, download.count)}")
        if summary:
            session.log.info(f"{audience}: {', '.join(summary)} ready in {time.perf_counter() - started:.1f} s")

    def _start(self, audience: str, fmt: str) -> subprocess.Popen:
        session = self.session
        command = [sys.executable, "-m", "reportgen", "build", str(session.root), "-a", audience, "-f", fmt, "-o", str(session.out / "files" / fmt)]
        env = dict(os.environ)
        package_parent = str(Path(__file__).resolve().parent.parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH", "")) if p)
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            start_new_session=True,  # Ctrl-C reaches the server, which stops the child itself
        )
        with self._lock:
            self._processes.add(process)
        return process

    def _finish(self, audience: str, fmt: str, code: int, err: str) -> tuple[Download, tuple[str, ...] | None]:
        session = self.session
        if code != 0:
            lines = [line for line in err.strip().splitlines() if line.strip()] or [f"exit status {code}"]
            if code == 1 and all(": error: " in line or line.startswith("error: ") for line in lines):
                session.log.errors(lines)
                message = lines[0]
            else:
                session.log.errors([f"{audience}: building the {fmt.upper()} failed:", *lines])
                message = f"error: internal error: {lines[-1]} (details in the terminal)"
            return dataclasses.replace(session.view(audience).downloads[fmt], status="failed", error=message), None
        entry = _manifest_entry(session.out / "files" / fmt, audience, fmt)
        if entry is None:
            return Download(fmt, status="failed", error="error: the build wrote no manifest entry"), None
        download = Download(
            fmt, status="ready", path=f"files/{fmt}/{entry['path']}", bytes=int(entry.get("bytes", 0)),
            count=manifest_count(fmt, entry), sha=str(entry.get("sha256", "")),
        )
        pages = None
        if fmt == "pdf":
            pages = page_images(session.out / download.path, session.out / "pages" / audience, download.sha[:12], session.out)
        return download, pages


def copy_fonts(target: Path) -> None:
    """Put the shipped fonts in *target*, where the briefing's HTML and the slides look for them."""
    from ..resources import FONTS

    target.mkdir(parents=True, exist_ok=True)
    for font in FONTS.glob("*.ttf"):
        copy = target / font.name
        if not copy.is_file() or copy.stat().st_size != font.stat().st_size:
            shutil.copyfile(font, copy)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _manifest_entry(out: Path, audience: str, fmt: str) -> dict | None:
    import json

    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for entry in manifest.get("outputs", []):
        if entry.get("audience") == audience and entry.get("format") == fmt:
            return entry
    return None


def page_images(pdf: Path, folder: Path, key: str, relative_to: Path, run: Callable = subprocess.run) -> tuple[str, ...]:
    """Return PNG images of *pdf*'s pages (made by poppler's pdftoppm), or () without it.

    Images are kept per PDF digest *key*, so an unchanged PDF is never rasterised twice.
    """
    tool = shutil.which("pdftoppm")
    if tool is None:
        return ()
    target = folder / key
    if not target.is_dir():
        scratch = folder / f".{key}.tmp"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        result = run([tool, "-png", "-scale-to-x", str(PAGE_WIDTH_PX), "-scale-to-y", "-1", str(pdf), str(scratch / "page")], capture_output=True)
        if result.returncode != 0:
            shutil.rmtree(scratch, ignore_errors=True)
            return ()
        scratch.rename(target)
    for stale in folder.iterdir():
        if stale.name != key and not stale.name.startswith("."):
            shutil.rmtree(stale, ignore_errors=True)
    images = sorted(target.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return tuple(str(image.relative_to(relative_to)) for image in images)
