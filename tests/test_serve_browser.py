"""`reportgen serve` in a real browser: headless Debian Chromium driven by Playwright.

Start the preview on a copy of the minimal project, open the page, then edit, break, fix and
switch audience the way a writer would, and check what the page shows each time.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("REPORTGEN_CHROMIUM", "/usr/bin/chromium"))
if not CHROMIUM.is_file():
    pytest.skip(f"no Chromium at {CHROMIUM} (Debian package 'chromium')", allow_module_level=True)
pytestmark = pytest.mark.slow  # a browser

sync_api = pytest.importorskip("playwright.sync_api", reason="the Python package 'playwright' is not installed")

REPO = Path(__file__).parent.parent
SECTION = Path("content/sections/01-overview.md")
BROKEN_LINE = "content/sections/01-overview.md:12: error: unknown figure 'q5' in dataset 'sales' (known: q1, q2, q3, q4, growth)"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
WITHIN = 5_000  # ms: how soon a save must show on the page


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`python -m reportgen serve PROJECT --port N` in a child process, its output collected."""

    def __init__(self, project: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reportgen", "serve", str(project), "--port", str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.out: list[str] = []
        self.err: list[str] = []
        self.readers = [
            threading.Thread(target=self._read, args=(stream, sink), daemon=True)
            for stream, sink in ((self.process.stdout, self.out), (self.process.stderr, self.err))
        ]
        for reader in self.readers:
            reader.start()

    def _read(self, stream, sink: list[str]) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            sink.append(line.rstrip("\n"))
            self.lines.put(line)

    def wait_until_serving(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(f"127.0.0.1:{self.port}/" in line for line in self.out):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"serve did not start:\n{chr(10).join(self.out + self.err)}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for reader in self.readers:
                reader.join(timeout=5)
            for stream in (self.process.stdout, self.process.stderr):
                if stream:
                    stream.close()


@pytest.fixture
def project(project_copy):
    return project_copy()


@pytest.fixture
def server(project):
    running = Server(project)
    try:
        running.wait_until_serving()
        yield running
    finally:
        running.stop()


@pytest.fixture
def page():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        opened = context.new_page()
        problems: list[str] = []
        opened.on("pageerror", lambda error: problems.append(str(error)))
        yield opened
        browser.close()
        assert problems == [], f"JavaScript errors on the page: {problems}"


def _edit(project: Path, old: str, new: str) -> None:
    path = project / SECTION
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _save_and_time(page, project: Path, old: str, new: str, appears: str) -> float:
    """Save an edit and return the seconds until *appears* is in the briefing on the page."""
    briefing = page.frame_locator("#frames iframe.current").locator("body")
    started = time.perf_counter()
    _edit(project, old, new)
    sync_api.expect(briefing).to_contain_text(appears, timeout=WITHIN)
    return time.perf_counter() - started


def test_edit_break_fix_and_switch_audience_in_the_browser(server, project, page, tmp_path):
    expect = sync_api.expect
    page.goto(server.url)
    briefing = page.frame_locator("#frames iframe.current").locator("body")
    expect(briefing).to_contain_text("Sales grew in each quarter", timeout=15_000)
    expect(page.locator("#audiences button[aria-pressed=true]")).to_have_text("Board")
    expect(page.locator(".slide-frame")).to_have_count(6)
    expect(page.locator("#status-text")).to_contain_text("Rebuilt")
    # The briefing sits in page boxes (the cover, on its own page, and the rest); downloads
    # arrive once the PDF and PPTX are built.
    assert int(page.frame_locator("#frames iframe.current").locator("html").get_attribute("data-sheets")) >= 2
    expect(page.locator(".download[data-format=pdf]")).to_have_attribute("data-status", "ready", timeout=30_000)
    expect(page.locator(".download[data-format=pptx]")).to_have_attribute("data-status", "ready", timeout=30_000)
    assert page.locator(".download[data-format=pdf]").get_attribute("href").startswith("/out/files/pdf/board/")

    # Edit a section: the new text is on the page within a few seconds, without a reload.
    marker = page.evaluate("window.__marker = Math.random()")
    latencies = [_save_and_time(page, project, "Sales grew in each quarter", "Sales soared in each quarter", "Sales soared in each quarter")]
    latencies.append(_save_and_time(page, project, "Sales soared in each quarter", "Sales climbed in each quarter", "Sales climbed in each quarter"))
    assert page.evaluate("window.__marker") == marker  # the same page, updated in place
    print(f"\nsave -> page updated: {', '.join(f'{s * 1000:.0f} ms' for s in latencies)}")

    # The deck follows: a new slide title shows in the slides.
    _edit(project, "slide_title: Sales grew every quarter", "slide_title: Four quarters of growth")
    expect(page.locator("#slides")).to_contain_text("Four quarters of growth", timeout=WITHIN)

    # Break the file: its one-line error shows, and the last good preview stays.
    _edit(project, "closed at {{ data.sales.q4.text }}", "closed at {{ data.sales.q5.text }}")
    expect(page.locator("#problems")).to_be_visible(timeout=WITHIN)
    expect(page.locator("#problem-list li")).to_have_text([BROKEN_LINE])
    expect(page.locator("#status")).to_have_attribute("data-kind", "error")
    expect(briefing).to_contain_text("Sales climbed in each quarter")
    expect(page.locator(".slide-frame")).to_have_count(6)
    page.screenshot(path=str(tmp_path / "error.png"))

    # Fix it: the error goes and the fixed text shows, with no restart.
    _edit(project, "closed at {{ data.sales.q5.text }}", "ended at {{ data.sales.q4.text }}")
    expect(page.locator("#problems")).to_be_hidden(timeout=WITHIN)
    expect(briefing).to_contain_text("ended at $180 thousand", timeout=WITHIN)
    expect(page.locator("#status")).to_have_attribute("data-kind", "ok")

    # Switch audience: the team's edition, which has no board-only paragraph.
    page.locator("#audiences button", has_text="Sales team").click()
    expect(page.locator("#audiences button[aria-pressed=true]")).to_have_text("Sales team")
    expect(briefing).to_contain_text("Sales team", timeout=15_000)
    expect(briefing).not_to_contain_text("The board is asked to")
    expect(page.locator(".slide-frame")).to_have_count(6)  # the team deck's storyline (#11)
    assert "audience=team" in page.url
    # And editing still updates the audience now shown.
    _save_and_time(page, project, "Sales climbed in each quarter", "Sales rose in each quarter", "Sales rose in each quarter")

    # The exact view: the PDF's pages as images, when poppler's pdftoppm is installed.
    if shutil.which("pdftoppm"):
        page.locator("#tab-pages").click()
        expect(page.locator("#pages img").first).to_be_visible(timeout=30_000)
    shot = os.environ.get("REPORTGEN_SCREENSHOT")
    page.locator("#tab-html").click()
    page.screenshot(path=shot or str(tmp_path / "preview.png"))

    assert server.stop() == 0
    assert server.out[-1].endswith("preview stopped")
    assert BROKEN_LINE in server.err
    assert not any("Traceback" in line for line in server.err), "\n".join(server.err)
