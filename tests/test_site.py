"""The built site: pages, permanent ids, links, status wording, sub-paths, determinism, safety."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator import urls
from generator.build import build
from generator.commands import build as build_command
from generator.project import Project

from conftest import AS_OF, REPO, plan_data
from sitecheck import BuiltSite, text_of


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> BuiltSite:
    """The site built from the repository's content/, once for this module."""
    out = tmp_path_factory.mktemp("real") / "site"
    build(Project(REPO), out, AS_OF, search=False)
    return BuiltSite(out)


def build_fixture(project: Project, **options) -> BuiltSite:
    result = build(project, project.root / "site", AS_OF, search=False, **options)
    return BuiltSite(result.output_dir)


# --- the real content ----------------------------------------------------------------------------
def test_every_concern_and_action_of_every_plan_has_its_permanent_id(real_site):
    content_plans = sorted((REPO / "content" / "plans").glob("*/*.yaml"))
    assert len(content_plans) == 5
    from generator.loader import load
    for plan in load(Project(REPO)).content.plans:
        page = real_site.page(plan.url)
        ids = page.xpath("//@id")
        assert len(ids) == len(set(ids)), f"duplicate ids on {plan.url}"
        for concern in plan.concerns:
            assert urls.concern_id(concern.number) in ids
            heading = page.get_element_by_id(urls.concern_id(concern.number)).xpath(".//h3")[0]
            assert str(concern.number) in text_of(heading)
            for action in concern.actions:
                assert urls.action_id(concern.number, action.index) in ids


def test_every_page_has_one_h1_headings_in_order_and_landmarks(real_site):
    for file in real_site.html_files:
        doc = real_site.page(str(file.relative_to(real_site.root)))
        assert len(doc.xpath("//h1")) == 1, file
        levels = [int(h.tag[1]) for h in doc.xpath("//main//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")]
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, f"{file}: heading h{after} after h{before}"
        assert doc.xpath("//a[@class='skip-link'][@href='#main-content']") and doc.xpath("//main[@id='main-content']")
        assert doc.xpath("//header") and doc.xpath("//footer") and doc.xpath("//nav")
        assert not doc.xpath("//script[not(@src)]"), f"{file}: inline script"
        assert not doc.xpath("//@style"), f"{file}: inline style"


def test_every_internal_link_and_fragment_resolves(real_site):
    assert real_site.broken_links() == []


def test_contents_list_links_to_every_concern(real_site):
    page = real_site.page("hmp-leicester/2023-02/")
    targets = [a.get("href") for a in page.xpath("//nav[@aria-labelledby='contents-heading']//a")]
    assert targets[:2] == ["#priority-concerns", "#concern-1"]
    assert {f"#concern-{n}" for n in range(1, 14)} <= set(targets)


def test_dates_are_machine_readable_and_as_of_is_on_every_page(real_site):
    for file in real_site.html_files:
        doc = real_site.page(str(file.relative_to(real_site.root)))
        assert "Status as of 23 November 2026" in text_of(doc), file
        for time in doc.xpath("//time"):
            assert time.get("datetime"), file
    page = real_site.page("hmp-leicester/2023-02/")
    assert page.xpath("//time[@datetime='2023-02-13']") and page.xpath("//time[@datetime='2023-06-05']")


def test_home_page_counts_and_lists_every_establishment(real_site):
    home = real_site.page("")
    text = text_of(home)
    assert "5 action plans" in text and "4 prisons" in text
    assert "62 concerns" in text
    for name in ("HMP Leicester", "HMP Littlehey", "HMP Long Lartin", "HMP Peterborough (Men)"):
        assert home.xpath(f"//table//a[normalize-space()='{name}']")


def test_establishment_page_lists_inspections_newest_first(real_site):
    page = real_site.page("hmp-leicester/")
    links = [a.get("href") for a in page.xpath("//table//th//a")]
    assert links == ["2025-08/", "2023-02/"]


def test_sitemap_robots_404_and_content_pages(real_site):
    sitemap = (real_site.root / "sitemap.xml").read_text()
    assert "<loc>https://actionplans.example.org/hmp-leicester/2023-02/</loc>" in sitemap
    assert "Sitemap: https://actionplans.example.org/sitemap.xml" in (real_site.root / "robots.txt").read_text()
    assert text_of(real_site.page("404.html").xpath("//h1")[0]) == "Page not found"
    assert text_of(real_site.page("about/").xpath("//h1")[0]) == "About this site"
    assert text_of(real_site.page("accessibility/").xpath("//h1")[0]) == "Accessibility statement"


# --- fixtures: status wording ----------------------------------------------------------------------
def status_texts(site: BuiltSite, plan_url: str) -> dict[str, str]:
    page = site.page(plan_url)
    return {li.get("id"): text_of(li.xpath(".//dt[.='Status']/following-sibling::dd[1]")[0])
            for li in page.xpath("//article[@id='concern-1']//li[@class='action']")}


def test_status_wording_for_each_kind_of_target_and_update(make_project):
    data = plan_data()
    data["concerns"][0]["actions"] = [
        {"text": "a", "owner": "Governor", "target": "Complete"},
        {"text": "b", "owner": "Governor", "target": "Ongoing"},
        {"text": "c", "owner": "Governor", "target": "November 2026"},
        {"text": "d", "owner": "Governor", "target": "October 2026"},
        {"text": "e", "owner": "Governor", "target": "June 2023 and monthly"},
        {"text": "f", "owner": "Governor", "target": ""},
        {"text": "g", "owner": "Governor", "target": "August 2023",
         "updates": [{"date": "2023-09-01", "status": "delayed", "text": "Waiting for funds.", "new_target": "March 2027"}]},
        {"text": "h", "owner": "Governor", "target": "August 2023",
         "updates": [{"date": "2023-07-01", "status": "in-progress", "text": "Started."},
                     {"date": "2023-10-02", "status": "complete", "text": "Done."}]},
    ]
    site = build_fixture(make_project(plans=[data]))
    statuses = status_texts(site, "hmp-testshire/2023-02/")
    assert statuses == {
        "concern-1-action-1": "Complete (as published)",
        "concern-1-action-2": "Ongoing",
        "concern-1-action-3": "Due November 2026",
        "concern-1-action-4": "Target date passed — no update published",
        "concern-1-action-5": "June 2023 and monthly",
        "concern-1-action-6": "No target date published",
        "concern-1-action-7": "Delayed (update of 1 September 2023)",
        "concern-1-action-8": "Complete (2 October 2023)",
    }
    page = site.page("hmp-testshire/2023-02/")
    moved = page.get_element_by_id("concern-1-action-7")
    assert "Target moved from August 2023 to March 2027" in text_of(moved)


def test_content_cannot_inject_markup(make_project):
    data = plan_data()
    data["concerns"][0]["text"] = "<script>alert('x')</script> and <b>bold</b> [link](javascript:alert(1))"
    data["concerns"][0]["actions"][0]["owner"] = "<img src=x onerror=alert(1)>"
    site = build_fixture(make_project(plans=[data]))
    page = site.page("hmp-testshire/2023-02/")
    assert not page.xpath("//main//script") and not page.xpath("//main//img") and not page.xpath("//main//b")
    assert not page.xpath("//a[starts-with(@href, 'javascript:')]")
    assert "<script>alert('x')</script>" in text_of(page.get_element_by_id("concern-1"))


def test_links_work_under_a_sub_path(make_project):
    project = make_project(plans=[plan_data(), plan_data(start="2025-08-04")])
    site = build_fixture(project, base_url="https://example.org/plans/")
    assert site.broken_links() == []
    page = site.page("hmp-testshire/2023-02/")
    assert page.xpath("//link[@rel='canonical']/@href") == ["https://example.org/plans/hmp-testshire/2023-02/"]
    assert page.xpath("//link[@rel='stylesheet']/@href") == ["../../assets/site.css"]
    not_found = site.page("404.html")
    assert not_found.xpath("//link[@rel='stylesheet']/@href") == ["/plans/assets/site.css"]


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_content_and_date_give_byte_identical_sites(make_project, tmp_path):
    project = make_project(plans=[plan_data(), plan_data(establishment="HMP Other", start="2024-01-08")])
    first = build(project, tmp_path / "one", AS_OF, search=False).output_dir
    second = build(project, tmp_path / "two", AS_OF, search=False).output_dir
    assert digest(first) == digest(second)


def test_rendering_in_worker_processes_gives_the_site_one_process_gives(tmp_path, monkeypatch):
    """Large sites are read and written by forked workers, a share of the prisons each; the files
    must not depend on it."""
    from generator import build as build_module
    project = Project(REPO)
    serial = build(project, tmp_path / "serial", AS_OF, search=False, cache=False).output_dir
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(build_module, "cores", lambda: 2)
    parallel = build(project, tmp_path / "parallel", AS_OF, search=False, cache=False).output_dir
    assert digest(parallel) == digest(serial)


def test_the_workers_share_the_prisons_by_size_each_prison_once():
    from generator.workers import balanced
    sizes = {"a": 90, "b": 50, "c": 40, "d": 30, "e": 20, "f": 10}
    shares = balanced(sizes, 2)
    assert sorted(name for share in shares for name in share) == sorted(sizes)
    assert [sum(sizes[n] for n in share) for share in shares] == [120, 120]
    assert shares[0][0] == "a"  # the largest first
    assert balanced({"a": 1}, 4) == [["a"]]  # no empty share


def _write_into_a_full_disk(share: str, _: None) -> None:
    raise OSError(28, "No space left on device", share)


def _fail_with_a_bug(share: str, _: None) -> None:
    raise ZeroDivisionError("a bug")


def test_a_worker_sends_back_a_full_disk_as_itself_and_a_bug_as_its_traceback():
    """Whatever a worker writes, the parent says a full disk as it says its own (build's one line);
    any other unexpected error comes back with the worker's traceback."""
    from generator.workers import Pool, WorkerFailure
    with Pool(["one.html", "two.html"], lambda share: share) as pool:
        with pytest.raises(OSError) as full:
            pool.step(_write_into_a_full_disk)
        with pytest.raises(WorkerFailure, match="ZeroDivisionError: a bug"):
            pool.step(_fail_with_a_bug)
    assert (full.value.errno, full.value.strerror, full.value.filename) == (28, "No space left on device", "one.html")


def test_a_failed_build_leaves_the_previous_site_untouched(make_project, capsys):
    project = make_project()
    assert build_command.run(project, None, AS_OF, search=False) == 0
    before = digest(project.root / "site")
    broken = project.plans_dir / "hmp-testshire" / "2023-02.yaml"
    broken.write_text(broken.read_text().replace("kind: key", "kind: prority"))
    assert build_command.run(project, None, AS_OF, search=False) == 1
    err = capsys.readouterr().err
    assert "content/plans/hmp-testshire/2023-02.yaml:" in err and "unknown kind 'prority'" in err
    assert "the site was not changed" in err
    assert digest(project.root / "site") == before
    assert not [p for p in project.root.iterdir() if p.name.startswith(".site-")]


def test_a_template_mistake_names_the_template_and_line(make_project, capsys):
    project = make_project()
    templates = project.root / "templates"
    import shutil
    shutil.copytree(REPO / "templates", templates)
    home = templates / "layouts" / "home.html"
    home.write_text(home.read_text().replace("{{ page.frame.site_title }}</h1>", "{{ page.frame.site_titel }}</h1>"))
    assert build_command.run(project, None, AS_OF, search=False) == 1
    err = capsys.readouterr().err
    assert "templates/layouts/home.html:" in err and "titel" in err
    assert not (project.root / "site").exists()


def test_an_output_path_written_twice_is_refused(tmp_path):
    from generator.site import DuplicateOutput, SiteFiles
    files = SiteFiles(tmp_path)
    files.write("x/", b"one")
    with pytest.raises(DuplicateOutput, match="x/index.html"):
        files.write("x/index.html", b"two")
    with pytest.raises(DuplicateOutput, match="x/index.html"):
        SiteFiles(tmp_path, dict(files.written)).merge({"x/index.html": 3}, [])


def test_the_accessibility_statement_has_the_gov_uk_models_parts_and_the_sites_contact(real_site):
    page = real_site.page("accessibility/")
    headings = [text_of(h) for h in page.xpath("//main//h2 | //main//h3")]
    for part in ("How accessible this website is", "Feedback and contact information", "Enforcement procedure",
                 "Compliance status", "Preparation of this accessibility statement"):
        assert part in headings, part
    contact = "mailto:accessibility@actionplans.example.org"  # content/site.yaml's contact
    assert contact in page.xpath("//main//a/@href")
    assert "prepared on" in text_of(page) and "last reviewed on" in text_of(page)


def test_a_page_linking_to_the_contact_needs_one_in_the_settings(make_project):
    from generator.loader import load
    from generator.problems import ContentError
    project = make_project(files={"content/pages/help.md": "# Help\n\nWrite to [the editors][contact].\n"},
                           site="title: Test\nbase_url: https://example.org/\n")
    with pytest.raises(ContentError) as raised:
        load(project)
    (problem,) = [p for p in raised.value.problems if p.file == "content/pages/help.md"]
    assert problem.format().startswith("content/pages/help.md:3: the link [contact] needs a contact address")
    (project.root / "content" / "site.yaml").write_text(
        "title: Test\nbase_url: https://example.org/\ncontact: https://example.org/contact/\n", encoding="utf-8")
    assert load(project).content.settings.links == {"contact": "https://example.org/contact/"}
