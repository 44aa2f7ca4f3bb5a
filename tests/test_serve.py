"""`actionplans serve` on a free port: a change to a plan is served and open browsers are told to
reload (livereload's websocket, as its script in a page speaks it), an error keeps the last good site."""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import signal
import subprocess
import sys
import time
import urllib.error
import threading
import urllib.request

import pytest
from tornado.websocket import websocket_connect

from conftest import free_port, plan_data, write_plan


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


@contextlib.contextmanager
def serving(project):
    """`actionplans serve` for the project on a free port, as (base URL, process); stopped with Ctrl-C."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", str(port), "--as-of", "2026-11-23", "--no-search"],
        cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield f"http://127.0.0.1:{port}/", process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def server(make_project):
    project = make_project(plans=[plan_data()])
    with serving(project) as (base, process):
        wait_for(lambda: fetch(base)[0] == 200)
        yield project, base, process


async def _reloads_after(base: str, changes: list, timeout: float = 20.0) -> list[float]:
    """Connect as a browser's livereload script does, make each change once the previous reload
    came, and return how long each reload took to come."""
    socket_url = base.replace("http://", "ws://") + "livereload"
    connection = await websocket_connect(socket_url)
    try:
        await connection.write_message(json.dumps({"command": "hello", "protocols": [
            "http://livereload.com/protocols/official-7"]}))
        assert json.loads(await connection.read_message())["command"] == "hello"
        await connection.write_message(json.dumps({"command": "info", "url": base, "plugins": {}}))
        await asyncio.sleep(0.3)  # the server lists this browser once it has read the info message
        took = []
        for change in changes:
            started = time.monotonic()
            change()
            while True:
                message = await asyncio.wait_for(connection.read_message(), timeout)
                if message and json.loads(message)["command"] == "reload":
                    break
            took.append(time.monotonic() - started)
        return took
    finally:
        connection.close()


def test_ready_is_said_once_the_server_answers(make_project):
    """"ready" comes after the server listens (its warm-up used to end first on a small site)."""
    with serving(make_project(plans=[plan_data()])) as (base, process):
        said = []
        for line in process.stdout:
            said.append(line)
            if line.startswith("ready"):
                break
        assert said and said[-1].startswith("ready"), "".join(said)
        assert fetch(base)[0] == 200  # at once, no waiting


def test_a_changed_plan_is_served_after_the_rebuild(server):
    project, base, _ = server
    page = base + "hmp-testshire/2023-02/"
    assert "Violence was too high." in fetch(page)[1]
    plan_file = project.plans_dir / "hmp-testshire" / "2023-02.yaml"
    plan_file.write_text(plan_file.read_text().replace("Violence was too high.", "Violence was far too high."))
    wait_for(lambda: "Violence was far too high." in fetch(page)[1])
    assert "livereload" in fetch(page)[1]  # open browsers reload


def test_a_missing_page_is_the_sites_404_page_and_a_folder_without_its_slash_is_redirected(server):
    _, base, _ = server
    status, body = fetch(base + "hmp-nowhere/")
    assert status == 404 and "<h1>Page not found</h1>" in body
    with urllib.request.urlopen(base + "hmp-testshire/2023-02", timeout=5) as response:
        assert response.status == 200 and response.url == base + "hmp-testshire/2023-02/"
    assert fetch(base + "../../etc/passwd")[0] == 404


def test_a_content_error_shows_an_error_page_until_fixed(server):
    project, base, _ = server
    page = base + "hmp-testshire/2023-02/"
    plan_file = project.plans_dir / "hmp-testshire" / "2023-02.yaml"
    good = plan_file.read_text()
    plan_file.write_text(good.replace("kind: key", "kind: prority"))
    status, body = wait_for(lambda: (lambda r: r if r[0] == 500 else None)(fetch(page)))
    assert "unknown kind" in body and "content/plans/hmp-testshire/2023-02.yaml:" in body
    assert not (project.root / "site").exists()  # serve builds into a folder of its own, never site/
    plan_file.write_text(good.replace("Violence was too high.", "Violence is fixed."))
    wait_for(lambda: "Violence is fixed." in fetch(page)[1])


def test_ctrl_c_stops_the_server_cleanly(server):
    _, _, process = server
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0


def test_browsers_reload_after_every_save_even_saves_a_second_apart(server):
    """livereload alone drops a reload that follows another within 3 s; an editor's second
    save must show too."""
    project, base, _ = server
    page = base + "hmp-testshire/2023-02/"
    plan_file = project.plans_dir / "hmp-testshire" / "2023-02.yaml"

    def edit(old: str, new: str):
        return lambda: plan_file.write_text(plan_file.read_text().replace(old, new))

    took = asyncio.run(_reloads_after(base, [edit("Violence was too high.", "First save."),
                                             edit("First save.", "Second save.")]))
    assert len(took) == 2 and all(seconds < 10 for seconds in took)
    assert "Second save." in fetch(page)[1]


def test_a_burst_of_saves_gives_one_rebuild(server):
    project, base, process = server
    first = project.plans_dir / "hmp-testshire" / "2023-02.yaml"
    write_plan(project.root, plan_data(start="2019-06-03"))
    first.write_text(first.read_text().replace("Violence was too high.", "Saved with another file."))
    wait_for(lambda: "Saved with another file." in fetch(base + "hmp-testshire/2023-02/")[1]
             and fetch(base + "hmp-testshire/2019-06/")[0] == 200)
    time.sleep(1)
    process.send_signal(signal.SIGINT)
    output = process.communicate(timeout=20)[0]
    assert output.count("rebuilt ") == 1, output


def test_a_listing_is_never_served_stale_while_the_rest_of_a_rebuild_runs(make_project, tmp_path):
    """The edited plan's prison comes first and browsers reload then; a request for a page still
    being rebuilt (a listing of every plan) waits for its new version."""
    from generator.cache import ParseCache
    from generator.serve import LiveSite

    project = make_project(plans=[plan_data(), plan_data("HMP Otherton")])
    site = tmp_path / "served"
    live = LiveSite(project, site, dt.date(2026, 11, 23), "http://127.0.0.1:8000/",
                    ParseCache(project.root / ".cache", memory=True))
    live.rebuild()
    assert not live.errors
    plan_file = project.plans_dir / "hmp-testshire" / "2023-02.yaml"
    plan_file.write_text(plan_file.read_text().replace("owner: Head of Safety", "owner: Head of Calm"))
    seen: dict[str, object] = {}

    def when_first_part_is_written():
        seen["plan page"] = (site / "hmp-testshire" / "2023-02" / "index.html").read_text()
        seen["waits"] = {file: live.waits(file) for file in (
            "owners/index.html", "hmp-testshire/2023-02/index.html", "hmp-testshire/index.html",
            "hmp-otherton/index.html", "assets/site.css")}

        def browser():
            live.wait_until_fresh("owners/index.html")
            seen["owners"] = (site / "owners" / "index.html").read_text()
        seen["browser"] = threading.Thread(target=browser)
        seen["browser"].start()

    rebuilt = live.rebuild({str(plan_file)}, when_first_part_is_written)
    seen["browser"].join(10)
    assert not live.errors and rebuilt.first_seconds is not None and rebuilt.first_seconds <= rebuilt.seconds
    assert "Head of Calm" in seen["plan page"]
    # The saved plan's page is fresh; the rest of its prison and the pages about every prison wait.
    assert seen["waits"] == {"owners/index.html": True, "hmp-testshire/2023-02/index.html": False,
                             "hmp-testshire/index.html": True, "hmp-otherton/index.html": False,
                             "assets/site.css": False}
    assert "Head of Calm" in seen["owners"]
    assert not live.waits("owners/index.html")


def test_a_rebuild_after_an_edit_gives_the_site_a_build_gives(make_project, tmp_path):
    """What serve rewrites after each kind of edit is byte for byte what `build` makes of the content."""
    from generator.build import build
    from generator.cache import ParseCache
    from generator.serve import LiveSite

    project = make_project(plans=[plan_data(), plan_data(start="2025-08-04"), plan_data("HMP Otherton")])
    live = LiveSite(project, tmp_path / "served", dt.date(2026, 11, 23), "https://example.org/plans/",
                    ParseCache(project.root / ".cache", memory=True))
    live.rebuild()
    plans = project.plans_dir
    edits = [
        lambda: (plans / "hmp-testshire" / "2023-02.yaml").write_text(
            (plans / "hmp-testshire" / "2023-02.yaml").read_text().replace("Violence was too high.", "Fights.")),
        lambda: (plans / "hmp-otherton" / "2023-02.yaml").write_text(  # a new owner: other prisons' pages link it
            (plans / "hmp-otherton" / "2023-02.yaml").read_text().replace("owner: Head of Safety", "owner: Head of Calm")),
        lambda: write_plan(project.root, plan_data("HMP Newton", "2024-03-04")),  # a new prison
        lambda: (plans / "hmp-testshire" / "2025-08.yaml").unlink(),  # a plan deleted
    ]
    for number, edit in enumerate(edits):
        edit()
        live.rebuild({str(p) for p in plans.rglob("*.yaml")})
        assert not live.errors
        expected = build(project, tmp_path / f"built-{number}", dt.date(2026, 11, 23), search=False).output_dir
        served = {p.relative_to(live.folder).as_posix(): p.read_bytes() for p in live.folder.rglob("*") if p.is_file()}
        built = {p.relative_to(expected).as_posix(): p.read_bytes() for p in expected.rglob("*") if p.is_file()}
        assert served.keys() == built.keys(), number
        assert [f for f in built if served[f] != built[f]] == [], number


def test_where_the_system_cannot_report_changes_serve_looks_for_them(tmp_path, monkeypatch):
    """Out of inotify watches (or on a file system that reports nothing), serve looks every 0.1 s."""
    import watchdog.observers
    from watchdog.observers.polling import PollingObserver

    from generator.saves import Changes, watch

    class OutOfWatches(watchdog.observers.Observer):
        def schedule(self, *args, **kwargs):
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watchdog.observers, "Observer", OutOfWatches)
    changes = Changes()
    observer = watch([tmp_path], changes)
    try:
        assert isinstance(observer, PollingObserver)
        time.sleep(0.3)  # the first look has been taken
        (tmp_path / "plan.yaml").write_text("saved\n")
        assert changes.settled(threading.Event()) == {str(tmp_path / "plan.yaml")}
    finally:
        observer.stop()
        observer.join(timeout=5)
