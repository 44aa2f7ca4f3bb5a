"""`actionplans serve` on a free port: a change to a plan is served, an error keeps the last good site."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import plan_data


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(predicate, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the server")


@pytest.fixture
def server(make_project):
    project = make_project(plans=[plan_data()])
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", str(port), "--as-of", "2026-11-23", "--no-search"],
        cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(base)[0] == 200)
        yield project, base, process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_changed_plan_is_served_after_the_rebuild(server):
    project, base, _ = server
    page = base + "hmp-testshire/2023-02/"
    assert "Violence was too high." in fetch(page)[1]
    plan_file = project.plans_dir / "hmp-testshire" / "2023-02.yaml"
    plan_file.write_text(plan_file.read_text().replace("Violence was too high.", "Violence was far too high."))
    wait_for(lambda: "Violence was far too high." in fetch(page)[1])
    assert "livereload" in fetch(page)[1]  # open browsers reload


def test_a_content_error_shows_an_error_page_until_fixed(server):
    project, base, _ = server
    page = base + "hmp-testshire/2023-02/"
    plan_file = project.plans_dir / "hmp-testshire" / "2023-02.yaml"
    good = plan_file.read_text()
    plan_file.write_text(good.replace("kind: key", "kind: prority"))
    status, body = wait_for(lambda: (lambda r: r if r[0] == 500 else None)(fetch(page)))
    assert "unknown kind" in body and "content/plans/hmp-testshire/2023-02.yaml:" in body
    assert (project.root / "site" / "hmp-testshire" / "2023-02" / "index.html").exists()
    plan_file.write_text(good.replace("Violence was too high.", "Violence is fixed."))
    wait_for(lambda: "Violence is fixed." in fetch(page)[1])


def test_ctrl_c_stops_the_server_cleanly(server):
    _, _, process = server
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
