"""`reportgen serve` without a browser: safe file serving, the port, error state, events, Ctrl-C."""

from __future__ import annotations

import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reportgen.preview.session import Log, PreviewSession
from reportgen.serve import make_server, resolve_output

REPO = Path(__file__).parent.parent

BROKEN_LINE = "content/sections/01-overview.md:12: error: unknown figure 'q5' in dataset 'sales' (known: q1, q2, q3, q4, growth)"


def _session(project: Path, **options) -> tuple[PreviewSession, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    session = PreviewSession(project, project / "build" / ".preview", Log(out, err), "board", downloads=False, **options)
    return session, out, err


def _break(project: Path) -> None:
    section = project / "content" / "sections" / "01-overview.md"
    section.write_text(section.read_text(encoding="utf-8").replace("closed at {{ data.sales.q4.text }}", "closed at {{ data.sales.q5.text }}"), encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def running(project_copy):
    """A preview server on a free port, in this process, with its first build done."""
    project = project_copy()
    session, out, err = _session(project)
    session.build("board")
    server = make_server(session, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server, session
    session.stop()
    server.shutdown()
    server.server_close()


def _get(server, path: str, host: str | None = None) -> tuple[int, bytes, http.client.HTTPResponse]:
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Host": host} if host is not None else {}
    connection.request("GET", path, headers=headers)  # http.client sends the path as given: no normalising
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body, response


# --- serving only the build's own files -------------------------------------------------------


def test_resolve_output_accepts_files_inside_the_preview_folder(tmp_path):
    (tmp_path / "live" / "board").mkdir(parents=True)
    (tmp_path / "live" / "board" / "b.html").write_text("<p>hi</p>")
    assert resolve_output(tmp_path, "live/board/b.html") == (tmp_path / "live" / "board" / "b.html").resolve()


@pytest.mark.parametrize(
    "name",
    ["", "../secret.txt", "live/../../secret.txt", "/etc/passwd", "live\\..\\..\\secret.txt", "live/./board/b.html",
     ".hidden", "live/board/", "live/board", "C:/windows", "live/board/b.html\x00.png", "live//board/b.html"],
)
def test_resolve_output_refuses_everything_else(tmp_path, name):
    (tmp_path / "out" / "live" / "board").mkdir(parents=True)
    (tmp_path / "out" / "live" / "board" / "b.html").write_text("<p>hi</p>")
    (tmp_path / "out" / ".hidden").write_text("x")
    (tmp_path / "secret.txt").write_text("secret")
    assert resolve_output(tmp_path / "out", name) is None


def test_resolve_output_refuses_a_symlink_that_leaves_the_folder(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "out" / "link.txt").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "out" / "dir").symlink_to(tmp_path, target_is_directory=True)
    assert resolve_output(tmp_path / "out", "link.txt") is None
    assert resolve_output(tmp_path / "out", "dir/secret.txt") is None


@pytest.mark.parametrize(
    "path",
    ["/out/../../content/report.yaml", "/out/%2e%2e/%2e%2e/content/report.yaml", "/out/..%2f..%2fcontent%2freport.yaml",
     "/out//etc/passwd", "/out/%2fetc%2fpasswd", "/../content/report.yaml", "/static/../serve.py", "/static/index.html/../../serve.py",
     "/out/live/board/../../../../content/report.yaml", "/out/files/pdf/manifest.json/..", "/nothing"],
)
def test_path_traversal_is_refused_with_404(running, path):
    server, session = running
    status, body, _response = _get(server, path)
    assert status == 404
    assert b"title:" not in body and b"root:" not in body


def test_a_symlink_planted_in_the_preview_folder_is_not_followed(running, tmp_path):
    server, session = running
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    (session.out / "live" / "leak.txt").symlink_to(secret)
    assert _get(server, "/out/live/leak.txt")[0] == 404


def test_the_build_files_and_the_page_are_served(running):
    server, session = running
    status, body, response = _get(server, "/")
    assert status == 200 and b"reportgen preview" in body
    assert "script-src 'self'" in response.getheader("Content-Security-Policy")
    state = json.loads(_get(server, "/api/state?audience=board")[1])
    assert state["ok"] and state["errors"] == []
    status, body, response = _get(server, state["briefing"])
    assert status == 200 and b"Quarterly review" in body
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert _get(server, "/out/live/board/assets/fonts/SourceSans3-Roman-VF.ttf")[0] == 200


def test_a_foreign_host_name_is_refused(running):
    server, _session = running
    # DNS rebinding: another site's name resolving to 127.0.0.1 must not read the preview.
    assert _get(server, "/api/state", host="evil.example:8000")[0] == 403
    assert _get(server, "/api/state", host=f"localhost:{server.server_address[1]}")[0] == 200


def test_an_unknown_audience_is_404(running):
    server, _session = running
    status, body, _response = _get(server, "/api/state?audience=nobody")
    assert status == 404 and json.loads(body) == {"error": "unknown audience 'nobody'"}


# --- the port -----------------------------------------------------------------------------------


def test_a_port_in_use_is_a_clear_error(project_copy, cli):
    project = project_copy()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", project, "--port", port)
    assert result.code == 1
    assert result.err == f"error: port {port} is in use on 127.0.0.1; try --port {port + 1}\n"
    assert not (project / "build").exists()


def test_an_unknown_audience_is_refused_at_start(project_copy, cli):
    result = cli("serve", project_copy(), "-a", "nobody", "--port", _free_port())
    assert result.code == 1
    assert result.err == "error: unknown audience 'nobody' (known: board, team)\n"


def test_a_missing_project_folder_is_refused(tmp_path, cli):
    result = cli("serve", tmp_path / "missing", "--port", _free_port())
    assert result.code == 1
    assert result.err == f"{tmp_path / 'missing'}: error: project folder not found\n"


# --- errors in place ----------------------------------------------------------------------------


def test_a_broken_file_shows_its_error_and_keeps_the_last_good_preview(project_copy):
    project = project_copy()
    session, out, err = _session(project)
    good = session.build("board")
    assert good.errors == () and good.briefing and good.slide_count == 6

    _break(project)
    session.changed(["content/sections/01-overview.md"])
    broken = session.build("board")
    state = session.state("board")
    assert state["ok"] is False
    assert state["errors"] == [BROKEN_LINE]
    assert err.getvalue() == BROKEN_LINE + "\n"
    # The last good preview stays: same briefing, slides and build time.
    assert state["briefing"] == f"/out/{good.briefing}?v={good.briefing_sha}"
    assert state["slides"] == good.slides
    assert broken.built_at == good.built_at
    assert broken.version > good.version

    (project / "content" / "sections" / "01-overview.md").write_text(
        (REPO / "tests" / "projects" / "minimal" / "content" / "sections" / "01-overview.md").read_text(encoding="utf-8").replace("grew in each", "rose in each"),
        encoding="utf-8",
    )
    session.changed(["content/sections/01-overview.md"])
    fixed = session.build("board")
    assert fixed.errors == ()
    assert fixed.briefing_sha != good.briefing_sha
    assert "board: fixed; preview rebuilt in" in out.getvalue()
    html = (session.out / fixed.briefing).read_text(encoding="utf-8")
    assert "rose in each quarter" in html


def test_several_problems_are_all_listed(project_copy):
    project = project_copy()
    (project / "content" / "sections" / "02-sales.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    (project / "content" / "audiences" / "team.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    session, _out, _err = _session(project)
    view = session.build("board")
    assert len(view.errors) == 2
    assert all(": error: " in line for line in view.errors)
    assert view.briefing == ""  # nothing good yet: the page says so


def test_a_deck_plan_error_is_shown_too(project_copy):
    project = project_copy()
    folder = project / "templates" / "board"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deck.yaml.j2").write_text("- layout: Title\n  title: {{ nothing_here }}\n", encoding="utf-8")
    session, _out, _err = _session(project)
    view = session.build("board")
    assert len(view.errors) == 1
    assert view.errors[0].endswith("board/deck.yaml.j2:2: error: undefined name: 'nothing_here' is undefined")


def test_slides_are_rendered_from_the_deck_plan(project_copy):
    session, _out, _err = _session(project_copy())
    view = session.build("team")  # the board's six slides leave its chart out for length
    assert view.slides.count('class="slide-frame"') == view.slide_count
    assert "<svg" in view.slides  # the chart slide draws the briefing's SVG chart
    assert "Sales rose every quarter" in view.slides


# --- events and rebuilding on change ---------------------------------------------------------------


def test_events_announce_each_new_version(running):
    server, session = running
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/events?audience=board")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream; charset=utf-8"

    def next_event() -> dict:
        lines = []
        while True:
            line = response.fp.readline().decode("utf-8").rstrip("\n")
            if line == "" and lines:
                break
            if line and not line.startswith(":"):
                lines.append(line)
        assert lines[0] == "event: update"
        return json.loads(lines[1].removeprefix("data: "))

    first = next_event()
    assert first["audience"] == "board"
    session.changed(["content/report.yaml"])
    session.build("board")
    assert next_event()["version"] > first["version"]
    connection.close()


def test_the_builder_rebuilds_only_watched_audiences(project_copy):
    project = project_copy()
    session, _out, _err = _session(project)
    session.build("board")
    worker = threading.Thread(target=session.run, daemon=True)
    worker.start()
    try:
        session.subscribe("team")
        deadline = time.monotonic() + 20
        while session.view("team").version == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert session.view("team").briefing  # built because a page watches it
        board_version = session.view("board").version
        session.unsubscribe("team")
        session.subscribe("team")
        session.changed(["content/report.yaml"])
        team_version = session.view("team").version
        while session.view("team").version == team_version and time.monotonic() < deadline:
            time.sleep(0.05)
        assert session.view("team").version > team_version
        assert session.view("board").version == board_version  # nobody watches board now
    finally:
        session.stop()


# --- the whole command, as a user runs it ------------------------------------------------------------


def _start(project: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "reportgen", "serve", str(project), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )


def _wait_for_state(port: int, condition, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    state: dict = {}
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/state?audience=board")
            state = json.loads(connection.getresponse().read())
            connection.close()
            if condition(state):
                return state
        except (ConnectionError, OSError, ValueError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out; last state: { {k: v for k, v in state.items() if k != 'slides'} }")


@pytest.mark.slow  # the server in a child process, builds in further children
def test_serve_rebuilds_on_save_and_stops_cleanly_on_ctrl_c(project_copy):
    project = project_copy()
    port = _free_port()
    process = _start(project, port)
    try:
        first = _wait_for_state(port, lambda s: s.get("ok") and s["downloads"]["pdf"]["status"] == "ready")
        section = project / "content" / "sections" / "01-overview.md"
        section.write_text(section.read_text(encoding="utf-8").replace("grew in each", "climbed in each"), encoding="utf-8")
        _wait_for_state(port, lambda s: s["briefing"] != first["briefing"], timeout=10)
        _break(project)
        broken = _wait_for_state(port, lambda s: not s["ok"], timeout=10)
        assert broken["errors"] == [BROKEN_LINE]
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert out.splitlines()[-1].endswith("preview stopped")
    assert BROKEN_LINE in err.splitlines()
    assert "Traceback" not in err
    assert not (project / "build" / "board").exists()  # the user's build folder is left alone


def test_scratch_files_made_and_gone_in_one_save_are_not_named(tmp_path):
    from watchfiles import Change

    from reportgen.serve import _changed_files

    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "report.yaml").write_text("title: x\n")
    changes = {
        (Change.added, str(tmp_path / "content" / "sedAp9UyP")),
        (Change.deleted, str(tmp_path / "content" / "sedAp9UyP")),
        (Change.modified, str(tmp_path / "content" / "report.yaml")),
        (Change.deleted, str(tmp_path / "content" / "old.md")),
    }
    assert _changed_files(tmp_path, changes) == ["content/old.md", "content/report.yaml"]


def test_the_watcher_ignores_outputs_hidden_and_scratch_files(tmp_path):
    from watchfiles import Change

    from reportgen.serve import watch_filter

    relevant = watch_filter(tmp_path, tmp_path / "build" / ".preview")
    counted = [name for name in (
        "content/sections/01.md", "content/data/sales.csv", "templates/board/briefing.css", "build-notes.md",
        "build/board/x.pdf", "build/.preview/live/board/x.html", "content/sections/.01.md.swp",
        "content/sections/01.md~", ".git/index", "content/sections/01.md.tmp",
    ) if relevant(Change.modified, str(tmp_path / name))]
    assert counted == ["content/sections/01.md", "content/data/sales.csv", "templates/board/briefing.css", "build-notes.md"]


# --- the preview answers only to its own names, within bounds --------------------------------


@pytest.mark.parametrize(
    "host, allowed",
    [("localhost:{port}", True), ("127.0.0.1:{port}", True), ("[::1]:{port}", True), ("LOCALHOST:{port}", True), ("localhost", True),
     ("127.evil.example:{port}", False), ("127.0.0.1.nip.io:{port}", False), ("127.0.0.1.:{port}", False), ("127.0.0.2:{port}", False),
     ("localhost.:{port}", False), ("localhost:1", False), ("localhost:{port}:{port}", False), ("evil.example", False),
     ("", False), ("[::1", False), ("user@localhost:{port}", False)],
)
def test_only_the_preview_s_own_host_names_are_answered(running, host, allowed):
    server, _session = running
    status = _get(server, "/api/state", host=host.format(port=server.server_address[1]))[0]
    assert status == (200 if allowed else 403)


def test_a_server_bound_to_every_address_answers_to_ip_addresses_not_names(project_copy):
    session, _out, _err = _session(project_copy())
    server = make_server(session, "0.0.0.0", 0)
    try:
        port = server.server_address[1]
        assert server.allowed_host(f"192.168.1.20:{port}") and server.allowed_host(f"localhost:{port}")
        assert not server.allowed_host(f"rebind.evil.example:{port}") and not server.allowed_host(f"192.168.1.20.nip.io:{port}")
    finally:
        server.server_close()


def test_a_cross_origin_request_to_the_event_stream_causes_no_work(running):
    server, session = running
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/events?audience=board", headers={"Origin": "http://evil.example"})
    response = connection.getresponse()
    assert response.status == 403 and b"cross-origin" in response.read()
    assert session._subscribers == {}
    connection.close()
    # The page's own origin is served.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/api/state?audience=board", headers={"Origin": f"http://127.0.0.1:{port}"})
    assert connection.getresponse().status == 200
    connection.close()


def _idle_connection(port: int) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    client.sendall(b"GET /api/state HTTP/1.1\r\n")  # a request line, then nothing: half a request
    return client


def _closed_by_server(client: socket.socket, within: float) -> bool:
    client.settimeout(within)
    try:
        return client.recv(100) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_a_client_that_never_finishes_its_headers_is_dropped(project_copy, monkeypatch):
    from reportgen import serve

    monkeypatch.setattr(serve.PreviewHandler, "timeout", 0.5)
    session, _out, _err = _session(project_copy())
    server = make_server(session, "127.0.0.1", 0)
    assert server.request_queue_size >= 128
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        client = _idle_connection(server.server_address[1])
        started = time.monotonic()
        assert _closed_by_server(client, 5)
        assert time.monotonic() - started < 3
        client.close()
    finally:
        session.stop()
        server.shutdown()
        server.server_close()


def test_connections_beyond_the_bound_are_refused_not_given_threads(project_copy, monkeypatch):
    from reportgen import serve

    monkeypatch.setattr(serve, "MAX_CONNECTIONS", 3)
    session, _out, _err = _session(project_copy())
    session.build("board")
    server = make_server(session, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        threads_before = threading.active_count()
        idle = [_idle_connection(port) for _ in range(3)]
        time.sleep(0.3)
        extra = [_idle_connection(port) for _ in range(20)]
        assert all(_closed_by_server(client, 2) for client in extra)
        assert threading.active_count() <= threads_before + 3
        assert not any(_closed_by_server(client, 0.2) for client in idle)  # those served are still open
        for client in idle + extra:
            client.close()
        time.sleep(0.3)
        assert _get(server, "/api/state?audience=board")[0] == 200  # slots are given back
    finally:
        session.stop()
        server.shutdown()
        server.server_close()


def test_a_client_that_hangs_up_is_no_error(running, capfd):
    server, _session = running
    port = server.server_address[1]
    state = json.loads(_get(server, "/api/state?audience=board")[1])
    for _ in range(30):
        client = socket.create_connection(("127.0.0.1", port), timeout=5)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # close with a reset
        client.sendall(f"GET {state['briefing']} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        client.close()
    time.sleep(0.5)
    assert _get(server, "/api/state?audience=board")[0] == 200
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
