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


def test_the_cache_keeps_only_what_the_last_build_used(project):
    """Without pruning, .cache/ would grow with every saved version of every plan and every version
    of the code; after a build it holds one parsed entry per plan file and nothing from older code."""
    parsed = project.root / ".cache" / "parsed"

    def entries() -> dict[str, set[str]]:
        return {version.name: {p.name for p in version.glob("??/*")} for version in parsed.iterdir()}

    plan_files = len(list(project.plans_dir.glob("*/*.yaml")))
    (version,) = entries()
    assert len(entries()[version]) == plan_files
    derived = {p.name for p in (parsed / version / "derived").glob("??/*")}
    assert derived, "repeat-concern scores and the concerns split are kept"
    stale = parsed / "0123456789abcdef" / "ab" / "ab12"  # what older code left behind
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")

    edit(project, "hmp-littlehey/2023-09.yaml", "text: ", "text: Edited. ")
    before = entries()[version]
    assert_same_as_fresh_build(project)
    after = entries()
    assert list(after) == [version]
    assert len(after[version]) == plan_files and len(after[version] - before) == 1
    assert {p.name for p in (parsed / version / "derived").glob("??/*")} >= derived  # small, and kept


def test_the_cache_forgets_sites_whose_folder_is_gone(project):
    """Each output folder has a record of what made its files; a folder deleted since (a test's
    temporary site, an old -o folder) loses its record at the next build."""
    rendered = project.root / ".cache" / "rendered"
    elsewhere = project.root.parent / "elsewhere"
    build(project, elsewhere, AS_OF, search=False)
    assert len(list(rendered.glob("*.json"))) == 2
    shutil.rmtree(elsewhere)
    assert build(project, project.root / "site", AS_OF, search=False).rendered == 0  # its own record kept
    assert len(list(rendered.glob("*.json"))) == 1


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


def own_templates(project: Project) -> Path:
    """A copy of the shipped templates in the project, to edit."""
    templates = project.root / "templates"
    shutil.copytree(REPO / "templates", templates)
    return templates


def append_to(path: Path, text: str, before: str) -> None:
    source = path.read_text(encoding="utf-8")
    assert before in source, path
    index = source.rindex(before)
    path.write_text(source[:index] + text + source[index:], encoding="utf-8")


def made_again(folder: Path, before: dict[str, int]) -> set[str]:
    """Files of a site that are not the previous build's file linked forward (a new inode)."""
    return {f for f, inode in inodes(folder).items() if before.get(f) != inode}


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def is_plan_page(file: str) -> bool:
    parts = file.split("/")
    return len(parts) == 3 and parts[2] == "index.html" and len(parts[1]) == 7 and parts[1][4] == "-"


@pytest.mark.parametrize("template, edited_at, expected", [
    ("layouts/owner.html", "{% endblock %}", lambda f: f.startswith("owners/") and f != "owners/index.html"),
    ("partials/owner_plan.html", "</", lambda f: f.startswith("owners/") and f != "owners/index.html"),
    ("components/action.html", "</li>", is_plan_page),
    ("base.html", "</body>", lambda f: f.endswith(".html")),
])
def test_an_edited_template_renders_only_the_pages_made_with_it(project, template, edited_at, expected):
    """Its layout and every template that layout uses, however deep: a partial rendered with
    fragment() counts, an include, an import and what a layout extends."""
    build(project, project.root / "site", AS_OF, search=False)  # with the project's own templates
    site = project.root / "site"
    before = inodes(site)
    append_to(own_templates(project) / template, "<!-- edited -->", edited_at)
    assert_same_as_fresh_build(project)
    expected_files = {f for f in before if expected(f) and not f.startswith(("assets/", "pagefind/"))}
    assert expected_files
    assert made_again(site, before) - {f for f in before if f.startswith("assets/")} == expected_files
    assert all("<!-- edited -->" in (site / f).read_text(encoding="utf-8") for f in expected_files)


def test_an_edited_stylesheet_is_copied_and_no_page_is_rendered(project):
    templates = own_templates(project)
    build(project, project.root / "site", AS_OF, search=False)
    (templates / "assets" / "site.css").write_text("/* edited */\n", encoding="utf-8")
    result = build(project, project.root / "site", AS_OF, search=False)
    assert result.rendered == 0
    assert (project.root / "site" / "assets" / "site.css").read_text(encoding="utf-8") == "/* edited */\n"


def test_a_template_naming_what_it_uses_only_when_rendering_counts_as_using_all(tmp_path):
    from generator.reuse import template_digests

    project = Project(tmp_path)
    templates = project.root / "templates"
    (templates / "layouts").mkdir(parents=True)
    (templates / "base.html").write_text("{% block content %}{% endblock %}")
    (templates / "other.html").write_text("other")
    (templates / "layouts" / "known.html").write_text('{% extends "base.html" %}')
    (templates / "layouts" / "worked_out.html").write_text("{% include name %}")
    (templates / "layouts" / "broken.html").write_text("{% if %}")
    before = template_digests(project)
    (templates / "other.html").write_text("other, edited")
    after = template_digests(project)
    assert after["layouts/known.html"] == before["layouts/known.html"]
    assert after["layouts/worked_out.html"] != before["layouts/worked_out.html"]
    assert after["layouts/broken.html"] != before["layouts/broken.html"]
    (templates / "base.html").write_text("{% block content %}{% endblock %}!")
    assert template_digests(project)["layouts/known.html"] != after["layouts/known.html"]


def test_serve_after_template_edits_gives_the_site_a_fresh_build_gives(project):
    """Under serve an edited template drops the listing parts it made (kept between rebuilds) and
    re-renders only the pages made with it; a rebuild that failed on a template error leaves
    nothing behind that the next rebuild could show."""
    from generator.cache import ParseCache
    from generator.serve import LiveSite

    templates = own_templates(project)
    base = "http://127.0.0.1:8000/"
    live = LiveSite(project, project.root / "served", AS_OF, base, ParseCache(project.root / ".cache" / "parsed"))
    live.full_build()
    live.warm_up()
    owner_pages = [f for f in live.keys if f.startswith("owners/") and f != "owners/index.html"]

    def assert_fresh(number: int) -> None:
        fresh = build(project, project.root.parent / f"fresh-{number}", AS_OF, base_url=base, search=False,
                      cache=False)
        served, expected = tree(project.root / "served"), tree(fresh.output_dir)
        assert served.keys() == expected.keys()
        assert [f for f in served if served[f] != expected[f]] == []

    partial = templates / "partials" / "owner_plan.html"
    append_to(partial, "<!-- edited -->", "</")
    assert live.rebuild().files == len(owner_pages) and not live.errors
    assert_fresh(1)
    edited = partial.read_text(encoding="utf-8")

    layout = templates / "layouts" / "data.html"  # made after the owner pages
    append_to(layout, "{% if %}", "{% endblock %}")  # an error, in the same save as another edit
    partial.write_text(edited.replace("</", "<!-- again -->\n</", 1), encoding="utf-8")
    live.rebuild()
    assert live.errors and "layouts/data.html" in live.errors[0]
    layout.write_text(layout.read_text(encoding="utf-8").replace("{% if %}", ""), encoding="utf-8")
    partial.write_text(edited, encoding="utf-8")  # both back as the site being served was made
    live.rebuild()
    assert not live.errors
    edit(project, "hmp-leicester/2023-02.yaml", "owner: ", "owner: Deputy Governor and ")  # owner pages again
    live.rebuild()
    assert not live.errors
    assert_fresh(2)

    (templates / "assets" / "site.css").write_text("/* edited */\n", encoding="utf-8")
    assert live.rebuild().files == 0
    assert (project.root / "served" / "assets" / "site.css").read_text(encoding="utf-8") == "/* edited */\n"
    (templates / "assets" / "search.js").unlink()  # a deleted asset goes, as a build leaves it out
    live.rebuild()
    assert not (project.root / "served" / "assets" / "search.js").exists()
    assert (project.root / "served" / "assets" / "site.css").exists()


def test_serve_keeps_its_start_up_work_for_the_first_rebuild(project):
    """What warm_up works out per plan (statuses, owner lists…) is still there when the first edit
    comes, so the first rebuild is as quick as later ones."""
    from generator.cache import ParseCache
    from generator.serve import LiveSite

    live = LiveSite(project, project.root / "served", AS_OF, None, ParseCache(project.root / ".cache" / "parsed"))
    live.full_build()
    live.warm_up()
    statuses = {key for key in live.kept if key[0] == "statuses"}
    assert len(statuses) == len(live.site.content.plans)
    edit(project, "hmp-littlehey/2023-09.yaml", "text: ", "text: Edited. ")
    live.rebuild()
    assert not live.errors and statuses <= set(live.kept)
