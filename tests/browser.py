"""What the browser tests share: Debian's Chromium driven through Playwright, and a static server
that sends the Content-Security-Policy the site documents.

Outside CI the browser tests skip when Chromium is missing; with CI=true they fail instead.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from pathlib import Path
from typing import Iterator

import pytest

from conftest import RECOMMENDED_CSP

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--proxy-server=http://127.0.0.1:9"]
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}  # also a 1280-wide desktop zoomed to 400 %
DESKTOP = {"width": 1280, "height": 900}


def require_chromium() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "Playwright is not installed"
    else:
        missing = None if CHROMIUM.exists() else f"{CHROMIUM} is missing"
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"{missing}: browser tests must run in CI (install Debian's chromium package)")
    if missing:
        pytest.skip(f"{missing}; install Debian's chromium to run browser tests")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with the site's CSP; no favicon (the site has none), no log lines."""

    def end_headers(self):
        self.send_header("Content-Security-Policy", RECOMMENDED_CSP)
        super().end_headers()

    def do_GET(self):
        if self.path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP on a free port: yields its address, ending in "/"."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator:
    require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def watched_page(context, problems: list[str]):
    """A new page whose script errors, console errors and failed requests are written to `problems`."""
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("response", lambda response: response.status >= 400 and problems.append(f"{response.status} {response.url}"))
    return page
