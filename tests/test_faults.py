"""Faults during a build: a damaged cache, an output folder that is not the build's to replace, builds
at once, a killed build, a full disk, a read-only folder. Each ends in a built site or in one line
saying what is wrong and what to do (exit 1 or 2), and the previous site is never left half-replaced.
The promises are written down in docs/reliability.md, "Faults during a build".
"""
from __future__ import annotations

import collections
import copyreg
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import AS_OF, actionplans, free_port, plan_data, snapshot, write_plan
from synthetic import write_project
from generator import model
from generator.build import MARKER, build
from generator.cache import ENTRY_PREFIX, ParseCache
from generator.cli import main


# --- helpers ---------------------------------------------------------------------------------------
def start(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
                            start_new_session=True)


def copy_project(root: Path, to: Path) -> Path:
    """A copy of the content of the project at `root` in `to` (the templates are the package's own)."""
    shutil.copytree(root / "content", to / "content")
    return to


def leftovers(folder: Path) -> list[str]:
    """Folders a build works in beside its output (`.site-building-…`, `.site-old-…`) still there."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and ("-building-" in p.name
                                                                               or "-old-" in p.name))


def one_line_with_what_to_do(stderr: str) -> str:
    """The whole of what a failed build says: one line, what is wrong — what to do."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert " — " in lines[0], lines[0]
    return lines[0]


def build_cli(*args: str) -> int:
    return main(["build", "--quiet", "--no-search", "--as-of", AS_OF.isoformat(), *args])


@pytest.fixture
def project(make_project):
    return make_project(plans=[plan_data(), plan_data(establishment="HMP Peterborough (Men)", start="2024-01-08")])


@pytest.fixture(scope="module")
def synthetic_project(tmp_path_factory) -> Path:
    """130 synthetic plans: more than build.PARALLEL_FROM bytes, so worker processes read and write them."""
    return write_project(tmp_path_factory.mktemp("synthetic"), 130)


@pytest.fixture
def fresh(project, tmp_path):
    """The site of `project` as a build without any cache makes it."""
    return snapshot(build(project, tmp_path / "fresh", AS_OF, search=False, cache=False).output_dir)


# --- 1. the cache never breaks a build -------------------------------------------------------------
class Calls:
    """Pickles to a call of `function(*args)`, made when the pickle is loaded."""

    def __init__(self, function, *args):
        self.function, self.args = function, args

    def __reduce__(self):
        return (self.function, self.args)


def _flipped_text(good: bytes) -> bytes:
    at = good.index(b"Violence was too high")
    return good[:at] + b"X" + good[at + 1:]


RAW_DAMAGE = {  # what is found in each cache entry, given the entry as written
    "random bytes": lambda good: os.urandom(len(good)),
    "an empty file": lambda good: b"",
    "a truncated entry": lambda good: good[: len(good) // 2],
    "one byte changed in a text": _flipped_text,
    "one byte more": lambda good: good + b"\0",
    "a pickle of a dict": lambda good: pickle.dumps({"plan": None, "problems": ()}),
    "a pickle of a tuple of the wrong length": lambda good: pickle.dumps((None, (), ())),
    "a pickle with text where the plan goes": lambda good: pickle.dumps(("HMP Testshire", ())),
    "a pickle that calls os.system": lambda good: pickle.dumps(Calls(os.system, "touch {marker}")),
    "a pickle of another module's object": lambda good: pickle.dumps((collections.OrderedDict(a=1), ())),
    "a pickle that calls eval": lambda good: b"cbuiltins\neval\n(V__import__('os').system('touch {marker}')\ntR.",
    "a huge bytes length": lambda good: b"\x80\x05\x8e" + (1 << 62).to_bytes(8, "little") + b"xx",
    "a huge frame": lambda good: b"\x80\x05\x95" + (1 << 61).to_bytes(8, "little") + b"N.",
    "a huge bytearray": lambda good: b"\x80\x05\x96" + (1 << 36).to_bytes(8, "little") + b"xx",
}


def entries(project) -> list[Path]:
    return sorted((project.root / ".cache").glob(ENTRY_PREFIX + "*"))


@pytest.mark.parametrize("damage", RAW_DAMAGE, ids=list(RAW_DAMAGE))
def test_a_damaged_cache_entry_is_a_miss(project, fresh, damage, tmp_path, capsys):
    assert build_cli() == 0
    marker = tmp_path / "code-ran"
    written = entries(project)
    assert len(written) == 2
    for entry in written:
        made = RAW_DAMAGE[damage](entry.read_bytes())
        entry.write_bytes(made.replace(b"{marker}", str(marker).encode()) if isinstance(made, bytes) else made)

    assert build_cli() == 0
    assert capsys.readouterr().err == ""
    assert snapshot(project.root / "site") == fresh
    assert not marker.exists(), "a cache entry ran code"
    # The entries were written again, and the next build reads them back.
    assert build_cli() == 0
    assert snapshot(project.root / "site") == fresh


WRONG_VALUES = {  # values of the wrong kind, kept in the cache as the cache itself keeps values
    "a dict": lambda marker: {"plan": None, "problems": ()},
    "a tuple of the wrong length": lambda marker: (None, (), ()),
    "text where the plan goes": lambda marker: ("HMP Testshire", ()),
    "a date where the plan goes": lambda marker: (AS_OF, ()),
    "text where the problems go": lambda marker: (None, ("not a problem",)),
    "a list where the problems go": lambda marker: (None, []),
    "None": lambda marker: None,
    "a call of os.system": lambda marker: (Calls(os.system, f"touch {marker}"), ()),
    "a function of the model's got by getattr": lambda marker: (Calls(getattr, model.Plan, "__post_init__"), ()),
    "getattr of what is not an enum member": lambda marker: (Calls(getattr, model.TargetKind, "__class__"), ()),
    "another module's object": lambda marker: (collections.OrderedDict(a=1), ()),
    "a path": lambda marker: (Path("/"), ()),
}


@pytest.mark.parametrize("value", WRONG_VALUES, ids=list(WRONG_VALUES))
def test_a_cache_entry_of_the_wrong_kind_is_a_miss(project, fresh, value, tmp_path, capsys):
    assert build_cli() == 0
    marker = tmp_path / "code-ran"
    cache = ParseCache(project.root / ".cache")
    for entry in entries(project):
        cache.put(entry.name.removeprefix(ENTRY_PREFIX), WRONG_VALUES[value](marker))

    assert build_cli() == 0
    assert capsys.readouterr().err == ""
    assert snapshot(project.root / "site") == fresh
    assert not marker.exists(), "a cache entry ran code"


def test_a_cache_entry_read_back_is_what_was_kept(project):
    """The other side of the tests above: a sound entry is a hit."""
    assert build_cli() == 0
    cache = ParseCache(project.root / ".cache")
    for entry in entries(project):
        plan, problems = cache.get(entry.name.removeprefix(ENTRY_PREFIX))
        assert plan.establishment in ("HMP Testshire", "HMP Peterborough (Men)")
        assert problems == ()


def test_an_entry_naming_enum_members_by_getattr_is_read_back(project):
    """Some Python versions (3.11.2) pickle an enum member as `getattr(TargetKind, "MONTH")`: their
    entries are hits too, while getattr of anything else is a miss (above)."""
    assert build_cli() == 0
    cache = ParseCache(project.root / ".cache")
    kept = {entry: cache.get(entry.name.removeprefix(ENTRY_PREFIX)) for entry in entries(project)}
    copyreg.pickle(model.TargetKind, lambda member: (getattr, (model.TargetKind, member.name)))
    try:
        for entry, value in kept.items():
            cache.put(entry.name.removeprefix(ENTRY_PREFIX), value)
    finally:
        del copyreg.dispatch_table[model.TargetKind]

    for entry, value in kept.items():
        assert b"getattr" in entry.read_bytes()
        assert cache.get(entry.name.removeprefix(ENTRY_PREFIX)) == value


def _cache_is_a_file(root: Path) -> None:
    (root / ".cache").write_text("not a folder\n")


def _cache_links_nowhere(root: Path) -> None:
    (root / ".cache").symlink_to(root / "no-such-folder")


def _cache_is_under_a_file(root: Path) -> None:
    (root / "a-file").write_text("x\n")
    (root / ".cache").symlink_to(root / "a-file" / "cache")


def _cache_is_read_only(root: Path) -> None:
    """(Root writes into it all the same: for root, this is a cache that works.)"""
    (root / ".cache").mkdir()
    (root / ".cache").chmod(0o555)


@pytest.mark.parametrize("make", [_cache_is_a_file, _cache_links_nowhere, _cache_is_under_a_file,
                                  _cache_is_read_only], ids=lambda f: f.__name__.strip("_").replace("_", " "))
def test_a_cache_folder_that_cannot_be_used_only_makes_the_build_slower(project, fresh, make, capsys):
    make(project.root)
    for _ in range(2):
        assert build_cli() == 0
        assert capsys.readouterr().err == ""
        assert snapshot(project.root / "site") == fresh


# --- 2. a build replaces only a folder a build made ------------------------------------------------
def test_an_unrelated_folder_is_never_replaced(project, capsys):
    notes = project.root / "notes"
    notes.mkdir()
    (notes / "notes.txt").write_text("mine\n")

    assert build_cli("-o", "notes") == 2
    message = one_line_with_what_to_do(capsys.readouterr().err)
    assert "holds files that no build made" in message and "-o" in message
    assert snapshot(notes) == {"notes.txt": b"mine\n"}
    assert leftovers(project.root) == []


def test_a_plain_file_where_the_site_goes_is_never_replaced(project, capsys):
    (project.root / "site").write_text("a file\n")

    assert build_cli() == 2
    message = one_line_with_what_to_do(capsys.readouterr().err)
    assert "is not a folder" in message
    assert (project.root / "site").read_text() == "a file\n"


@pytest.mark.parametrize("points_to", ["a folder a build made", "an unrelated folder", "nothing"])
def test_a_link_where_the_site_goes_is_never_replaced(project, points_to, capsys, tmp_path):
    target = tmp_path / "elsewhere"
    if points_to == "a folder a build made":
        assert build_cli("-o", str(target)) == 0
    elif points_to == "an unrelated folder":
        target.mkdir()
        (target / "notes.txt").write_text("mine\n")
    before = snapshot(target) if target.exists() else None
    (project.root / "site").symlink_to(target)

    assert build_cli() == 2
    message = one_line_with_what_to_do(capsys.readouterr().err)
    assert "is a link" in message
    assert (project.root / "site").is_symlink() and os.readlink(project.root / "site") == str(target)
    assert (snapshot(target) if target.exists() else None) == before


def test_an_empty_folder_is_built_into(project, fresh):
    (project.root / "site").mkdir()
    assert build_cli() == 0
    assert snapshot(project.root / "site") == fresh


def test_a_folder_a_build_made_is_replaced_whole(project, fresh):
    """What the folder held is gone, even what was added by hand: the build's folder is its own."""
    write_plan(project.root, plan_data(establishment="HMP Gone", start="2022-05-09"))
    assert build_cli() == 0
    assert (project.root / "site" / MARKER).is_file()
    assert (project.root / "site" / "hmp-gone" / "index.html").is_file()
    (project.root / "site" / "added-by-hand.txt").write_text("x\n")
    shutil.rmtree(project.root / "content" / "plans" / "hmp-gone")

    assert build_cli() == 0
    assert snapshot(project.root / "site") == fresh
    assert leftovers(project.root) == []


def test_a_site_made_read_only_is_replaced_and_leaves_nothing_behind(project, fresh):
    if os.geteuid() == 0:
        pytest.skip("running as root, whom a folder's permissions do not stop: a read-only site is no obstacle")
    assert build_cli() == 0
    site = project.root / "site"
    for folder in (site / "hmp-testshire" / "2023-02", site / "hmp-testshire", site):
        folder.chmod(0o555)

    assert build_cli() == 0
    assert snapshot(site) == fresh
    assert leftovers(project.root) == []


def test_an_output_folder_under_a_file_is_refused(project, capsys):
    (project.root / "a-file").write_text("x\n")
    assert build_cli("-o", "a-file/site") == 2
    message = one_line_with_what_to_do(capsys.readouterr().err)
    assert "a-file is a file" in message
    assert (project.root / "a-file").read_text() == "x\n"


# --- 3. a build always writes every file -----------------------------------------------------------
def test_a_hand_edited_file_of_the_same_size_and_time_is_written_again(project, fresh):
    assert build_cli() == 0
    page = project.root / "site" / "hmp-testshire" / "2023-02" / "index.html"
    written = page.read_bytes()
    times = page.stat()
    page.write_bytes(written.replace(b"Violence", b"VIOLENCE"))
    os.utime(page, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert page.stat().st_size == times.st_size and page.stat().st_mtime_ns == times.st_mtime_ns

    assert build_cli() == 0
    assert page.read_bytes() == written
    assert snapshot(project.root / "site") == fresh


# --- 4. writing fails: one line, the old site stays ------------------------------------------------
def test_a_full_disk_leaves_the_previous_site_and_nothing_else(project):
    assert build_cli() == 0
    before = snapshot(project.root / "site")
    long = "A concern written at length. " * 200  # its cache entry, too, is more than the disk takes
    write_plan(project.root, plan_data(establishment="HMP New", start="2025-01-06", concerns=[
        {"number": 1, "kind": "key", "text": long, "actions": [{"text": "Act.\n", "owner": "Governor",
                                                                "target": "Ongoing"}]}]))

    result = actionplans("build", "--no-search", "--quiet", "--as-of", AS_OF.isoformat(), cwd=project.root,
                         limit_file_size=2000)

    assert result.returncode == 1
    message = one_line_with_what_to_do(result.stderr)
    assert "could not write the site" in message and "unchanged" in message
    assert snapshot(project.root / "site") == before
    assert leftovers(project.root) == []
    assert [p.name for p in (project.root / ".cache").iterdir() if not p.name.startswith(ENTRY_PREFIX)] == [], \
        "no half-written cache entry is left"


def test_a_full_disk_while_worker_processes_write_is_said_in_one_line(synthetic_project, tmp_path):
    """A large estate is written by worker processes: a write that fails in one is said the same way."""
    root = copy_project(synthetic_project, tmp_path / "large")
    result = actionplans("build", "--no-search", "--quiet", "--as-of", AS_OF.isoformat(), cwd=root,
                         limit_file_size=30_000)
    assert result.returncode == 1
    message = one_line_with_what_to_do(result.stderr)
    assert "could not write the site" in message
    assert not (root / "site").exists()
    assert leftovers(root) == []


def _read_only_folder(folder: Path, command: list[str]) -> list[str]:
    """`command` run where `folder` cannot be written: with its permissions for most users, and on a
    read-only view of it (a private mount) for root, whom permissions do not stop."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return command
    probe = subprocess.run(["unshare", "--mount", "sh", "-c", f"mount --bind '{folder}' '{folder}' && "
                            f"mount -o remount,bind,ro '{folder}' '{folder}'"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("running as root, whom a folder's permissions do not stop, and no read-only mount can be "
                    f"made here ({probe.stderr.decode().strip()})")
    script = f"mount --bind '{folder}' '{folder}' && mount -o remount,bind,ro '{folder}' '{folder}' && exec \"$@\""
    return ["unshare", "--mount", "sh", "-c", script, "sh", *command]


def test_a_read_only_folder_for_the_site_leaves_the_previous_site(project, tmp_path):
    parent = tmp_path / "www"
    parent.mkdir()
    assert build_cli("-o", str(parent / "site")) == 0
    before = snapshot(parent / "site")
    command = _read_only_folder(parent, [sys.executable, "-m", "generator", "build", "--no-search", "--quiet",
                                         "--as-of", "2026-11-24", "-o", str(parent / "site")])
    try:
        result = subprocess.run(command, cwd=project.root, capture_output=True, text=True, timeout=120)
    finally:
        parent.chmod(0o755)

    assert result.returncode == 1
    message = one_line_with_what_to_do(result.stderr)
    assert f"cannot write into {parent}" in message
    assert snapshot(parent / "site") == before
    assert leftovers(parent) == []


# --- 5. search -------------------------------------------------------------------------------------
def fake_pagefind(tmp_path: Path, script: str) -> dict[str, str]:
    """The environment for a build that runs `script` (sh) instead of the Pagefind program."""
    program = tmp_path / "fake-pagefind"
    program.write_text("#!/bin/sh\n" + script + "\n")
    program.chmod(0o755)
    return {"PAGEFIND_BINARY_PATH": str(program)}


PAGEFIND_FAULTS = {
    "fails": "echo 'Error: something broke' >&2; exit 1",
    "writes nothing": "exit 0",
    "is killed": "kill -9 $$",
    "writes an index that is not one": 'while [ "$1" != --output-path ]; do shift; done; mkdir -p "$2"; '
                                       ': > "$2/pagefind-entry.json"',
    "is not there": None,
}


@pytest.mark.parametrize("fault", PAGEFIND_FAULTS, ids=list(PAGEFIND_FAULTS))
def test_pagefind_failing_is_one_line_and_the_previous_site_stays(project, fault, tmp_path):
    assert actionplans("build", "--quiet", "--as-of", AS_OF.isoformat(), cwd=project.root).returncode == 0
    before = snapshot(project.root / "site")
    env = ({"PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-program")} if PAGEFIND_FAULTS[fault] is None
           else fake_pagefind(tmp_path, PAGEFIND_FAULTS[fault]))

    result = actionplans("build", "--quiet", "--as-of", "2026-11-24", cwd=project.root, env=env)

    assert result.returncode == 1
    message = one_line_with_what_to_do(result.stderr)
    assert message.startswith("Pagefind could not index the site") and "--no-search" in message
    assert snapshot(project.root / "site") == before
    assert leftovers(project.root) == []


def test_four_builds_with_search_at_once_in_separate_copies_give_one_index(project, tmp_path):
    copies = [copy_project(project.root, tmp_path / f"copy-{n}") for n in range(4)]
    builds = [start("build", "--quiet", "--as-of", AS_OF.isoformat(), cwd=root) for root in copies]
    results = [(process.wait(timeout=120), process.communicate()) for process in builds]

    assert [code for code, _ in results] == [0, 0, 0, 0], [err for _, (_, err) in results]
    bundles = [snapshot(root / "site" / "pagefind") for root in copies]
    assert "pagefind-entry.json" in bundles[0]
    assert all(bundle == bundles[0] for bundle in bundles)


def test_two_builds_at_once_into_one_folder_give_the_site_one_build_gives(project, tmp_path):
    one = actionplans("build", "--quiet", "--as-of", AS_OF.isoformat(), "-o", str(tmp_path / "one"),
                      cwd=project.root)
    assert one.returncode == 0, one.stderr
    builds = [start("build", "--quiet", "--as-of", AS_OF.isoformat(), cwd=project.root) for _ in range(2)]
    results = [(process.wait(timeout=120), process.communicate()) for process in builds]

    assert [code for code, _ in results] == [0, 0], [err for _, (_, err) in results]
    assert snapshot(project.root / "site") == snapshot(tmp_path / "one")
    assert leftovers(project.root) == []


# --- 6. what a killed build left is removed by the next ---------------------------------------------
def test_folders_a_killed_build_left_are_removed_by_the_next_build(project, fresh):
    for name in (".site-building-k2j4_x", ".site-old-4242-123456789"):
        (project.root / name / "hmp-testshire").mkdir(parents=True)
        (project.root / name / "hmp-testshire" / "index.html").write_text("half\n")
    (project.root / ".site-building-search-3f9a").mkdir()  # what indexing for search left
    (project.root / ".other-building-k2j4_x").mkdir()  # another output folder's: not this build's to remove
    (project.root / "notes-building-x").mkdir()  # not a build's at all

    assert build_cli() == 0
    assert snapshot(project.root / "site") == fresh
    assert leftovers(project.root) == [".other-building-k2j4_x"]
    assert (project.root / "notes-building-x").is_dir()


@pytest.fixture
def large(synthetic_project, tmp_path):
    """A copy of the synthetic project, whose site folder holds an earlier build's site of two of its prisons."""
    root = copy_project(synthetic_project, tmp_path / "large")
    small = copy_project(root, tmp_path / "small")
    for prison in sorted((small / "content" / "plans").iterdir())[2:]:
        shutil.rmtree(prison)
    result = actionplans("build", "--quiet", "--no-search", "--as-of", AS_OF.isoformat(), "-o", str(root / "site"),
                         cwd=small)
    assert result.returncode == 0, result.stderr
    return root


def _kill_when(process: subprocess.Popen, ready, group: bool = True, how: int = signal.SIGKILL,
               seconds: float = 120) -> str:
    """Send `how` to the build once `ready()`: to it and its worker processes (`group`), or to its own
    process only. Returns what the build printed on stderr."""
    deadline = time.monotonic() + seconds
    while not ready():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build never got there"
        time.sleep(0.05)
    if group:
        os.killpg(process.pid, how)
    else:
        process.send_signal(how)
    return process.communicate(timeout=60)[1]


def _half_written(root: Path) -> bool:
    return any(sum(1 for _ in folder.rglob("*.html")) > 20 for folder in root.glob(".site-building-*"))


@pytest.mark.slow
@pytest.mark.parametrize("group", [True, False], ids=["with its workers", "its workers left running"])
def test_a_build_killed_while_writing_leaves_the_old_site_and_the_next_build_cleans_up(large, group):
    """The workers of a build whose own process was killed finish what they were writing, and the next
    build waits for them before it removes the folder they wrote into."""
    before = snapshot(large / "site")
    build = start("build", "--quiet", "--no-search", "--as-of", AS_OF.isoformat(), cwd=large)
    _kill_when(build, lambda: _half_written(large), group)

    assert snapshot(large / "site") == before, "the site is the old one, whole"
    assert leftovers(large) != []
    again = actionplans("build", "--quiet", "--no-search", "--as-of", AS_OF.isoformat(), cwd=large, timeout=180)
    assert again.returncode == 0, again.stderr
    assert leftovers(large) == []
    assert (large / "site" / "hmp-synthetic-120" / "index.html").is_file()


def test_a_build_stopped_with_ctrl_c_says_so_and_leaves_the_old_site_alone(large):
    before = snapshot(large / "site")
    build = start("build", "--quiet", "--no-search", "--as-of", AS_OF.isoformat(), cwd=large)
    said = _kill_when(build, lambda: _half_written(large), how=signal.SIGINT)  # as Ctrl-C in a terminal does

    assert build.returncode == 130
    assert said.strip() == "stopped"
    assert snapshot(large / "site") == before
    assert leftovers(large) == []


@pytest.mark.slow
def test_a_build_killed_while_indexing_leaves_nothing_the_next_build_does_not_remove(large, tmp_path):
    private_temp = tmp_path / "temp"
    private_temp.mkdir()
    started = tmp_path / "indexing"
    env = {"TMPDIR": str(private_temp), **fake_pagefind(tmp_path, f"touch '{started}'; exec sleep 600")}
    before = snapshot(large / "site")
    build = start("build", "--quiet", "--as-of", AS_OF.isoformat(), cwd=large, env=env)
    _kill_when(build, started.exists)

    assert snapshot(large / "site") == before
    again = actionplans("build", "--quiet", "--no-search", "--as-of", AS_OF.isoformat(), cwd=large,
                        env={"TMPDIR": str(private_temp)})
    assert again.returncode == 0, again.stderr
    assert leftovers(large) == []
    assert [p.name for p in large.iterdir() if p.name.startswith(".site")] == []
    assert list(private_temp.iterdir()) == []


# --- 7. serve never writes the site that is published -------------------------------------------
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_serve_builds_in_a_temporary_folder_of_its_own_and_removes_it(project, tmp_path, stop):
    private_temp = tmp_path / "temp"
    private_temp.mkdir()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--no-search", "--port", str(port),
                               "--as-of", AS_OF.isoformat()], cwd=project.root, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env={**os.environ, "TMPDIR": str(private_temp)})
    try:
        said = []
        for line in server.stdout:
            said.append(line)
            if line.startswith("ready"):
                break
        assert said and said[-1].startswith("ready"), "".join(said)
        served = [p for p in private_temp.iterdir() if p.name.startswith("actionplans-serve-")]
        assert len(served) == 1 and (served[0] / "site" / "index.html").is_file()
    finally:
        server.send_signal(stop)
        server.wait(timeout=30)

    assert server.returncode == 0, server.stdout.read()
    assert not (project.root / "site").exists()
    assert [p.name for p in private_temp.iterdir() if p.name.startswith("actionplans-serve-")] == []
