"""`reportgen serve`: a local page that shows the briefing and the deck and reloads on every save."""

from __future__ import annotations

import base64
import errno
import http.server
import ipaddress
import json
import mimetypes
import os
import re
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import ExitStatus, ReportgenError
from .paths import display_path
from .preview.session import Log, PreviewSession, copy_fonts
from .resources import read_file

STATIC = Path(__file__).parent / "preview" / "static"
STATIC_FILES = {"preview.css": "text/css; charset=utf-8", "preview.js": "text/javascript; charset=utf-8"}
PREVIEW_FOLDER = Path("build") / ".preview"
HEARTBEAT_SECONDS = 5.0
_MAX_INLINE_BYTES = 5_000_000
_FILE_URI = re.compile(r'(\ssrc=")file://([^"]+)(")')
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
    "script-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)


def serve(
    project: str | Path = ".",
    audience: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Serve a live preview of *project* at http://HOST:PORT/ until Ctrl-C; return the exit status.

    Raises ReportgenError when the project folder is missing, *audience* is unknown or the
    port cannot be bound.
    """
    log = Log(stdout or sys.stdout, stderr or sys.stderr)
    root = Path(project)
    missing = [name for name in ("index.html", *STATIC_FILES) if not (STATIC / name).is_file()]
    if missing:
        raise ReportgenError(f"this installation of reportgen lacks the preview page's files ({', '.join(missing)}); reinstall it", STATIC)
    if not root.is_dir():
        raise ReportgenError("project folder not found", root)
    session = PreviewSession(root, root / PREVIEW_FOLDER, log, audience)
    session.refresh_audiences()
    if audience and not session.knows(audience):
        raise ReportgenError(f"unknown audience '{audience}' (known: {', '.join(n for n, _t in session.audiences())})")
    if not session.default_audience:
        names = session.audiences()
        if not names:
            raise ReportgenError("no audiences found in content/audiences/", root)
        session.default_audience = names[0][0]
    server = make_server(session, host, port)
    try:
        copy_fonts(session.out / "fonts")  # the slides are set in Carlito, the charts in Source Sans
    except OSError as error:
        server.server_close()
        raise ReportgenError(f"cannot write the preview folder: {error.strerror or error}", session.out) from None
    watcher = threading.Thread(target=watch_project, args=(session,), name="preview-watcher", daemon=True)
    builder = threading.Thread(target=session.run, name="preview-builder", daemon=True)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="preview-server", daemon=True)
    restore = _stop_on_sigterm()
    try:
        watcher.start()  # first, so that a save during the first build is not missed
        session.build(session.default_audience)
        builder.start()
        serving.start()
        shown_host = f"[{host}]" if ":" in host else host
        log.info(f"previewing {session.default_audience} at http://{shown_host}:{server.server_address[1]}/ (Ctrl-C to stop)")
        if not _is_loopback(host):
            log.errors([f"warning: serving on {host}: anyone who can reach this machine can read the preview"])
        while not session.stopped:
            time.sleep(0.5)  # until Ctrl-C (a plain sleep is interruptible everywhere)
    except KeyboardInterrupt:
        pass
    finally:
        session.stop()
        if serving.is_alive():
            server.shutdown()
        server.server_close()
        for thread in (watcher, builder, serving):
            if thread.is_alive():
                thread.join(timeout=5)
        restore()
    log.info("preview stopped")
    return ExitStatus.OK


MAX_CONNECTIONS = 64  # requests served at once; more are closed at once, not queued in threads
LISTEN_BACKLOG = 128  # connections the kernel holds before the server accepts them
HEADER_TIMEOUT_SECONDS = 10.0  # a client must send its request line and headers this fast
_HANGUPS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


class PreviewServer(http.server.HTTPServer):
    """The preview's HTTP server: a bounded number of request threads, the session it shows.

    *host* is the address it was asked to bind: with the loopback names, the only Host
    header it answers to (see allowed_host()).
    """

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address: tuple[str, int], session: PreviewSession) -> None:
        self.session = session
        self.host = address[0]
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(address, PreviewHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)  # every slot busy: refuse rather than pile up threads
            return
        thread = threading.Thread(target=self._serve, args=(request, client_address), daemon=True)
        thread.start()

    def _serve(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], _HANGUPS):
            return  # a client that hangs up or stalls is normal, not a bug
        super().handle_error(request, client_address)

    def allowed_host(self, header: str) -> bool:
        """Return whether a request's Host *header* names this server (DNS rebinding defence).

        Accepted, exactly and with the port the server listens on (or without any port):
        ``localhost``, ``127.0.0.1``, ``[::1]`` and the host it was asked to bind. A server
        bound to every address (0.0.0.0, ::) also answers to any IP address, which no other
        site's page can make a browser send.
        """
        port = str(self.server_address[1])
        host = header.strip().lower()
        match = re.fullmatch(r"(\[[0-9a-f:.]+\]|[^\[\]:]+)(?::(\d+))?", host)
        if not match or match.group(2) not in (None, port):
            return False
        name = match.group(1)
        bound = self.host.lower()
        names = {"localhost", "127.0.0.1", "[::1]", f"[{bound}]" if ":" in bound else bound}
        if name in names:
            return True
        if bound in ("0.0.0.0", "::", ""):
            try:
                ipaddress.ip_address(name.strip("[]"))
                return name.startswith("[") == (":" in name)
            except ValueError:
                return False
        return False


def make_server(session: PreviewSession, host: str = "127.0.0.1", port: int = 8000) -> PreviewServer:
    """Bind the preview server to *host*:*port*; raise ReportgenError when that is impossible."""
    if not 0 <= port <= 65535:
        raise ReportgenError(f"port {port} is not a valid port (0–65535)")
    server_class: type[PreviewServer] = PreviewServer
    if ":" in host:
        server_class = type("PreviewServer6", (PreviewServer,), {"address_family": socket.AF_INET6})
    try:
        return server_class((host, port), session)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ReportgenError(f"port {port} is in use on {host}; try --port {port + 1}") from None
        if error.errno in (errno.EACCES, errno.EPERM):
            raise ReportgenError(f"not allowed to listen on port {port} on {host}; try --port 8000") from None
        if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
            raise ReportgenError(f"cannot listen on {host}: no such address on this machine") from None
        raise ReportgenError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    """Routes: the page, its static files, the JSON state, the event stream, the build's files."""

    server: PreviewServer
    server_version = "reportgen-preview"
    protocol_version = "HTTP/1.1"
    timeout = HEADER_TIMEOUT_SECONDS  # the socket's; the event stream waits on the session, not on it

    def do_GET(self) -> None:  # noqa: N802 — the name http.server dispatches to
        self._dispatch(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — http.server's signature
        pass  # the terminal is for rebuilds and errors, not for every request

    def _dispatch(self, send_body: bool) -> None:
        if not self._host_allowed():
            self._send(403, b"forbidden: unexpected Host header\n", "text/plain; charset=utf-8", send_body)
            return
        if not self._same_origin():
            self._send(403, b"forbidden: cross-origin request\n", "text/plain; charset=utf-8", send_body)
            return
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        path = url.path
        session = self.server.session
        if path in ("/", "/index.html"):
            self._send_file(STATIC / "index.html", "text/html; charset=utf-8", send_body)
        elif path.startswith("/static/") and path[len("/static/"):] in STATIC_FILES:
            name = path[len("/static/"):]
            self._send_file(STATIC / name, STATIC_FILES[name], send_body)
        elif path == "/api/state":
            audience = self._audience(query)
            if audience is None:
                self._send_json(404, {"error": f"unknown audience '{query.get('audience', [''])[0]}'"}, send_body)
            else:
                self._send_json(200, session.state(audience), send_body)
        elif path == "/events":
            audience = self._audience(query)
            if audience is None:
                self._send(404, b"unknown audience\n", "text/plain; charset=utf-8", send_body)
            elif not send_body:
                self._send(200, b"", "text/event-stream; charset=utf-8", send_body)
            else:
                self._events(audience)
        elif path.startswith("/out/"):
            target = resolve_output(session.out, unquote(path[len("/out/"):]))
            if target is None:
                self._send(404, b"not found\n", "text/plain; charset=utf-8", send_body)
            elif target.suffix == ".html" and target.is_relative_to(session.out / "live"):
                self._send_briefing(target, send_body)
            else:
                self._send_file(target, None, send_body, cache=True)
        elif path == "/favicon.ico":
            self._send(204, b"", "image/x-icon", send_body)
        else:
            self._send(404, b"not found\n", "text/plain; charset=utf-8", send_body)

    def _host_allowed(self) -> bool:
        # A page on another site must not read the preview by pointing its own name at 127.0.0.1.
        return self.server.allowed_host(self.headers.get("Host") or "")

    def _same_origin(self) -> bool:
        # A page on another site may send requests here (an EventSource, a form): none may cause work.
        origin = self.headers.get("Origin")
        if origin is None:
            return True
        return origin.strip().lower() == "http://" + (self.headers.get("Host") or "").strip().lower()

    def _audience(self, query: dict[str, list[str]]) -> str | None:
        session = self.server.session
        audience = query.get("audience", [""])[0] or session.default_audience
        return audience if session.knows(audience) else None

    def _events(self, audience: str) -> None:
        session = self.server.session
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Accel-Buffering", "no")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        session.subscribe(audience)
        try:
            version = session.view(audience).version
            self._event("update", {"audience": audience, "version": version})
            while not session.stopped:
                view = session.wait(audience, version, HEARTBEAT_SECONDS)
                if view is None:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    continue
                version = view.version
                self._event("update", {"audience": audience, "version": version})
        except _HANGUPS:
            pass
        finally:
            session.unsubscribe(audience)

    def _event(self, name: str, data: dict) -> None:
        self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode("utf-8"))
        self.wfile.flush()

    def _send_briefing(self, target: Path, send_body: bool) -> None:
        html = target.read_text(encoding="utf-8")
        body = _inline_project_images(html, self.server.session.root).encode("utf-8")
        self._send(200, body, "text/html; charset=utf-8", send_body, cache=True)

    def _send_json(self, status: int, data: dict, send_body: bool) -> None:
        self._send(status, json.dumps(data).encode("utf-8"), "application/json", send_body)

    def _send_file(self, target: Path, content_type: str | None, send_body: bool, cache: bool = False) -> None:
        try:
            body = target.read_bytes()
        except OSError:
            self._send(404, b"not found\n", "text/plain; charset=utf-8", send_body)
            return
        content_type = content_type or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") and "charset" not in content_type:
            content_type += "; charset=utf-8"
        self._send(200, body, content_type, send_body, cache)

    def _send(self, status: int, body: bytes, content_type: str, send_body: bool, cache: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        # Outputs are addressed with ?v=<digest>, so the browser may keep them; the page and state may not.
        self.send_header("Cache-Control", "private, max-age=3600" if cache else "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", _CSP)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def resolve_output(folder: Path, relative: str) -> Path | None:
    """Return the file *relative* names inside *folder*, or None for anything else.

    Refused: empty names, absolute paths, drive letters, backslashes, ``..`` and hidden parts,
    NUL bytes, and anything whose real path (after symlinks) leaves *folder*.
    """
    if not relative or "\x00" in relative or "\\" in relative or relative.startswith("/"):
        return None
    parts = relative.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") or ":" in part for part in parts):
        return None
    try:
        base = folder.resolve(strict=True)
        target = (base / relative).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target


def watch_project(session: PreviewSession) -> None:
    """Tell *session* about every saved change under its project, until it stops.

    Everything but the build folder is watched: content, data, templates, the config and
    any file they refer to (a logo). Editor swap files and version control are ignored.
    """
    from watchfiles import watch

    root = session.root
    relevant = watch_filter(root, session.out)
    for changes in watch(root, watch_filter=relevant, stop_event=session.stop_event, step=50, rust_timeout=500, raise_interrupt=False):
        session.changed(_changed_files(root, changes))


def watch_filter(root: Path, out: Path) -> Callable[[Any, str], bool]:
    """Return the test of which changed paths count: not build outputs, hidden or scratch files."""
    from watchfiles import DefaultFilter

    default = DefaultFilter(ignore_paths=[str(root / "build") + os.sep, str(out) + os.sep])

    def relevant(change: Any, path: str) -> bool:
        name = Path(path).name
        return default(change, path) and not name.startswith(".") and not name.endswith((".tmp", ".bak"))

    return relevant


def _changed_files(root: Path, changes: set[tuple[Any, str]]) -> list[str]:
    """Return the changed paths worth naming: not an editor's scratch file made and gone in one save."""
    from watchfiles import Change

    kinds: dict[str, set[Any]] = {}
    for change, path in changes:
        kinds.setdefault(path, set()).add(change)
    lasting = [path for path, seen in kinds.items() if not (Change.added in seen and not Path(path).exists())]
    return sorted(display_path(root, Path(path)) for path in lasting)


def _inline_project_images(html: str, root: Path) -> str:
    """Turn the briefing's file:// images inside the project (a logo) into data: URIs the page can show."""

    def inline(match: re.Match[str]) -> str:
        path = Path(unquote(match.group(2)))
        kind = mimetypes.guess_type(path.name)[0]
        if not kind or not kind.startswith("image/"):
            return match.group(0)
        try:  # the build's rule: inside the project, a regular file, size-capped
            data = base64.b64encode(read_file(path, [root], "", _MAX_INLINE_BYTES)).decode("ascii")
        except ReportgenError:
            return match.group(0)
        return f"{match.group(1)}data:{kind};base64,{data}{match.group(3)}"

    return _FILE_URI.sub(inline, html)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _stop_on_sigterm() -> Any:
    """Treat SIGTERM like Ctrl-C while serving; return a function that restores the old handler."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    return lambda: signal.signal(signal.SIGTERM, previous)
