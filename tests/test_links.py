"""Cross-links: repeat concerns (found by similarity or set by editors), references in text, navigation."""
from __future__ import annotations

import pytest

from generator.build import build
from generator.links import SIMILARITY_THRESHOLD, related_concerns, similarity_scores
from generator.loader import load
from generator.problems import ContentError
from generator.project import Project

from conftest import AS_OF, REPO, plan_data
from sitecheck import BuiltSite, text_of


@pytest.fixture(scope="module")
def content():
    return load(Project(REPO)).content


def test_threshold_separates_real_repeats_from_unrelated_concerns(content):
    scores = {(a[2], b[2]): s for (a, b), s in similarity_scores(content.plans).items()}
    repeats = {(11, 9), (2, 1), (7, 6)}  # 2025 concern, 2023 concern: attendance, drugs, cells
    assert all(scores[pair] >= SIMILARITY_THRESHOLD for pair in repeats)
    assert all(s < SIMILARITY_THRESHOLD for pair, s in scores.items() if pair not in repeats)


def test_leicester_cells_concerns_link_both_ways(content):
    related = related_concerns(content.plans)
    later = [(r.ref.month_key, r.ref.number, r.earlier) for r in related[("hmp-leicester", "2025-08", 7)]]
    earlier = [(r.ref.month_key, r.ref.number, r.earlier) for r in related[("hmp-leicester", "2023-02", 6)]]
    assert later == [("2023-02", 6, True)]
    assert earlier == [("2025-08", 7, False)]


def test_another_prisons_plans_never_change_a_prisons_links(make_project):
    """Words are weighed within one establishment, so adding plans elsewhere moves no score."""
    plans = two_inspections(text="Many cells needed refurbishment and violence was too high.\n")
    alone = similarity_scores(load(make_project(plans=plans)).content.plans)
    elsewhere = [plan_data(establishment="HMP Otherton", start=start) for start in ("2019-03-04", "2024-05-06")]
    together = similarity_scores(load(make_project(plans=plans + elsewhere)).content.plans)
    assert alone and {key: score for key, score in together.items() if key[0][0] == "hmp-testshire"} == alone


def test_editor_related_link_is_added(content):
    related = related_concerns(content.plans)
    assert [(r.ref.number, r.reason) for r in related[("hmp-leicester", "2025-08", 13)]] == [(10, "editor")]


def test_plan_page_says_raised_before_with_a_working_link(tmp_path):
    site = BuiltSite(build(Project(REPO), tmp_path / "site", AS_OF, search=False).output_dir)
    concern = site.page("hmp-leicester/2025-08/").get_element_by_id("concern-7")
    assert "Raised before: February 2023 inspection, concern 6 — “Many cells were in need of" in text_of(concern)
    assert "(found by matching wording)" in text_of(concern)
    assert concern.xpath(".//a[normalize-space()='February 2023 inspection, concern 6']/@href") == ["../2023-02/#concern-6"]
    older = site.page("hmp-leicester/2023-02/").get_element_by_id("concern-6")
    assert "Raised again: August 2025 inspection, concern 7" in text_of(older)
    reference = site.page("hmp-long-lartin/2022-12/").get_element_by_id("concern-14")
    assert reference.xpath(".//a[@class='concern-ref']/@href") == ["#concern-5"]


def two_inspections(**second_concern) -> list[dict]:
    old, new = plan_data(), plan_data(start="2025-08-04")
    new["concerns"][1].update(second_concern)
    return [old, new]


def test_not_related_suppresses_an_automatic_link(make_project):
    plans = two_inspections()  # both plans have the same texts: every pair is similar
    found = related_concerns(load(make_project(plans=plans)).content.plans)
    assert ("hmp-testshire", "2025-08", 2) in found
    plans = two_inspections(not_related=["hmp-testshire/2023-02#concern-2"])
    found = related_concerns(load(make_project(plans=plans)).content.plans)
    assert [r.ref.number for r in found.get(("hmp-testshire", "2025-08", 2), ())] == []


def test_a_reference_to_a_missing_concern_is_an_error_with_its_line(make_project):
    plans = two_inspections(related=["hmp-testshire/2023-02#concern-9"])
    with pytest.raises(ContentError) as raised:
        load(make_project(plans=plans))
    (problem,) = raised.value.problems
    assert problem.format().startswith("content/plans/hmp-testshire/2025-08.yaml:")
    assert "concern 2: reference 'hmp-testshire/2023-02#concern-9' names no concern" in problem.format()
    assert problem.line is not None


def test_unknown_reference_in_text_is_a_warning_and_stays_text(make_project, tmp_path):
    data = plan_data()
    data["concerns"][0]["actions"][0]["text"] = "As agreed (see Priority Concern 7) and see concern 2.\n"
    project = make_project(plans=[data])
    loaded = load(project)
    (warning,) = loaded.warnings
    assert warning.severity == "warning"
    assert warning.format().startswith("content/plans/hmp-testshire/2023-02.yaml:")
    assert "'Priority Concern 7' names no concern of this plan" in warning.format()
    site = BuiltSite(build(project, tmp_path / "out", AS_OF, search=False).output_dir)
    action = site.page("hmp-testshire/2023-02/").get_element_by_id("concern-1-action-1")
    assert action.xpath(".//a[@class='concern-ref']/@href") == ["#concern-2"]
    assert "Priority Concern 7" in text_of(action)


def test_breadcrumbs_on_every_page_below_home(tmp_path):
    site = BuiltSite(build(Project(REPO), tmp_path / "site", AS_OF, search=False).output_dir)
    for file in site.html_files:
        path = str(file.relative_to(site.root))
        if path in ("index.html", "404.html"):
            continue
        assert site.page(path).xpath("//nav[@aria-label='Breadcrumb']"), path


def test_owner_spellings_merge_through_owners_yaml(content, tmp_path):
    assert content.owner_aliases["Governing Governor"] == "Governor"
    site = BuiltSite(build(Project(REPO), tmp_path / "site", AS_OF, search=False).output_dir)
    page = site.page("owners/regional-property-operation-manager-rpom/")
    assert "published as “RPOM”, “Regional Property Operation Manager (RPOM)”" in text_of(page)
    assert "6 actions name this owner" in text_of(page)  # a line per plan, not the actions again
    assert not (site.root / "owners" / "rpom").exists()
    index = site.page("owners/")
    assert index.xpath("//a[normalize-space()='Governor']/@href") == ["governor/"]


def test_two_owners_whose_names_make_one_slug_keep_a_page_each(make_project, tmp_path):
    data = plan_data()
    data["concerns"][0]["actions"][0]["owner"] = "MOJ / Amey"
    data["concerns"][0]["actions"][1]["owner"] = "MOJ Amey"
    site = BuiltSite(build(make_project(plans=[data]), tmp_path / "site", AS_OF, search=False).output_dir)
    index = site.page("owners/")
    assert index.xpath("//a[normalize-space()='MOJ / Amey']/@href") == ["moj-amey/"]
    assert index.xpath("//a[normalize-space()='MOJ Amey']/@href") == ["moj-amey-2/"]

