"""Reusing unchanged files between builds (generator.reuse): a build with the caches must give
exactly the site a build from nothing gives, whatever changed in between."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import AS_OF, REPO
from generator.build import build
from generator.project import Project


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path) -> Project:
    """A copy of the real content, built once with the caches filled."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "content", root / "content")
    project = Project(root)
    build(project, root / "site", AS_OF, search=False)
    return project


def assert_same_as_fresh_build(project: Project, as_of: dt.date = AS_OF) -> int:
    """Build with the caches, then from nothing; the two sites are identical. Returns files rendered."""
    result = build(project, project.root / "site", as_of, search=False)
    fresh = build(project, project.root.parent / "fresh", as_of, search=False, cache=False)
    assert fresh.rendered == len(fresh.keys)
    built, expected = tree(result.output_dir), tree(fresh.output_dir)
    assert built.keys() == expected.keys()
    assert [f for f in built if built[f] != expected[f]] == []
    return result.rendered


def edit(project: Project, plan: str, old: str, new: str) -> None:
    path = project.plans_dir / plan
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unchanged_site_is_reused_whole(project):
    before = tree(project.root / "site")
    result = build(project, project.root / "site", AS_OF, search=False)
    assert result.rendered == 0
    assert tree(result.output_dir) == before


def test_editing_one_plan_renders_only_what_shows_it(project):
    edit(project, "hmp-littlehey/2023-09.yaml", "text: ", "text: Edited. ")
    rendered = assert_same_as_fresh_build(project)
    assert 0 < rendered < 40
    assert "Edited." in (project.root / "site" / "hmp-littlehey" / "2023-09" / "index.html").read_text()


def test_moving_a_concern_to_another_theme_updates_both_theme_pages(project):
    edit(project, "hmp-littlehey/2023-09.yaml", "theme: respect", "theme: safety")
    assert_same_as_fresh_build(project)


@pytest.mark.parametrize("change", ["owner", "target", "plan added", "plan removed", "owners file", "template",
                                    "as-of date"])
def test_every_kind_of_change_gives_the_site_a_fresh_build_gives(project, change):
    as_of = AS_OF
    if change == "owner":
        edit(project, "hmp-leicester/2023-02.yaml", "owner: ", "owner: Deputy Governor and ")
    elif change == "target":
        edit(project, "hmp-leicester/2025-08.yaml", "target: ", "target: December 2031 ")
    elif change == "plan added":
        source = project.plans_dir / "hmp-leicester" / "2023-02.yaml"
        shutil.copyfile(source, project.plans_dir / "hmp-leicester" / "2021-02.yaml")
        edit(project, "hmp-leicester/2021-02.yaml", "start: 2023-02", "start: 2021-02")
        text = (project.plans_dir / "hmp-leicester" / "2021-02.yaml").read_text()
        for field in ("end", "report_published", "plan_submitted"):
            text = text.replace(f"{field}: 2023-", f"{field}: 2021-").replace(f"{field}: '2023-", f"{field}: '2021-")
        (project.plans_dir / "hmp-leicester" / "2021-02.yaml").write_text(text)
    elif change == "plan removed":
        (project.plans_dir / "hmp-long-lartin").rename(project.root / "removed")
    elif change == "owners file":
        path = project.content_dir / "owners.yaml"
        path.write_text(path.read_text() + "\n# edited\n")
    elif change == "template":
        templates = project.root / "templates"
        shutil.copytree(REPO / "templates", templates)
        path = templates / "partials" / "footer.html"
        assert "</p>" in path.read_text()
        path.write_text(path.read_text().replace("</p>", " Edited.</p>", 1))
    elif change == "as-of date":
        as_of = AS_OF + dt.timedelta(days=400)
    assert_same_as_fresh_build(project, as_of)


def test_a_hand_edited_file_in_the_site_is_made_again(project):
    page = project.root / "site" / "hmp-leicester" / "index.html"
    original = page.read_bytes()
    page.write_bytes(original + b"<!-- edited by hand -->")
    build(project, project.root / "site", AS_OF, search=False)
    assert page.read_bytes() == original


def test_deleting_the_cache_only_costs_time(project):
    shutil.rmtree(project.root / ".cache")
    result = build(project, project.root / "site", AS_OF, search=False)
    assert result.rendered == len(result.keys)


def test_serve_rebuilds_give_the_site_a_fresh_build_gives(project):
    """serve keeps statuses, timeline events and listing fragments between rebuilds: after each
    change its site is still exactly what a build from nothing makes."""
    from generator.cache import ParseCache
    from generator.serve import LiveSite

    base = "http://127.0.0.1:8000/"
    live = LiveSite(project, project.root / "served", AS_OF, base, ParseCache(project.root / ".cache" / "parsed"))
    live.full_build()
    live.warm_up()
    changes = [
        ("hmp-littlehey/2023-09.yaml", "text: ", "text: Edited. "),
        ("hmp-littlehey/2023-09.yaml", "theme: respect", "theme: safety"),
        ("hmp-leicester/2023-02.yaml", "owner: ", "owner: Deputy Governor and "),
        ("hmp-leicester/2025-08.yaml", "target: ", "target: December 2031 "),
    ]
    for number, (plan, old, new) in enumerate(changes):
        edit(project, plan, old, new)
        written = live.rebuild().files
        assert not live.errors and written > 0
        fresh = build(project, project.root.parent / f"fresh-{number}", AS_OF, base_url=base, search=False,
                      cache=False)
        served, expected = tree(project.root / "served"), tree(fresh.output_dir)
        assert served.keys() == expected.keys()
        assert [f for f in served if served[f] != expected[f]] == [], plan


def test_build_no_cache_renders_everything_and_the_next_build_reuses_it(project, capsys):
    from generator.cli import main

    code = main(["build", "--project", str(project.root), "--no-cache", "--no-search", "--as-of", AS_OF.isoformat()])
    assert code == 0
    assert "unchanged" not in capsys.readouterr().out
    code = main(["build", "--project", str(project.root), "--no-search", "--as-of", AS_OF.isoformat()])
    assert code == 0 and "unchanged" in capsys.readouterr().out


def test_a_parsed_file_is_read_again_whenever_its_status_changes(tmp_path, monkeypatch):
    """serve looks at a file's inode, size and times before reading it; a file rewritten with the
    same size is still read again, and a file changed in the last two seconds is always read."""
    import os
    import time

    import generator.cache as cache_module
    from generator.cache import ParseCache

    cache = ParseCache(tmp_path / "cache")
    plan = tmp_path / "plan.yaml"
    plan.write_text("text: one\n")
    first = cache.file_key(plan, "plan.yaml")
    assert not cache.known  # just written: racy, so not trusted yet
    monkeypatch.setattr(cache_module, "SETTLED_NS", 0)
    assert cache.file_key(plan, "plan.yaml") == first and str(plan) in cache.known
    time.sleep(0.05)
    plan.write_text("text: two\n")  # same size
    second = cache.file_key(plan, "plan.yaml")
    assert second != first
    os.utime(plan, ns=(cache.known[str(plan)][0][2],) * 2)  # the old modified time put back
    assert cache.file_key(plan, "plan.yaml") == second
    plan.write_text("text: one\n")
    assert cache.file_key(plan, "plan.yaml") == first
