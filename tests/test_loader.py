"""The loader reports every problem of every file as `file:line: what — how to fix`."""
from __future__ import annotations

import textwrap

import pytest

from generator.commands import check
from generator.loader import load
from generator.model import TargetKind
from generator.problems import ContentError
from generator.project import Project

from conftest import REPO, plan_data

GOOD = textwrap.dedent("""\
    establishment: HMP Testshire
    inspection: {start: 2023-02-13, end: 2023-02-23}
    report_published: 2023-05-30
    plan_submitted: 2023-06-05
    source: {title: 'Action Plan: HMP Testshire'}
    concerns:
      - number: 1
        kind: priority
        text: Violence was too high.
        actions:
          - text: Review the strategy.
            owner: Governor
            target: August 2023
      - number: 2
        kind: key
        text: Cells needed paint.
        actions:
          - text: Paint them.
            owner: Governor
            target: Complete
    """)
PATH = "content/plans/hmp-testshire/2023-02.yaml"


def messages(project: Project) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load(project)
    return [p.format() for p in raised.value.problems]


def test_a_valid_plan_loads_into_the_model(make_project):
    content = load(make_project(plans=[], files={PATH: GOOD})).content
    plan = content.plans[0]
    assert (plan.slug, plan.month_key, plan.url) == ("hmp-testshire", "2023-02", "hmp-testshire/2023-02/")
    assert [c.number for c in plan.concerns] == [1, 2]
    assert plan.concerns[0].actions[0].target.kind is TargetKind.MONTH
    assert plan.concerns[1].actions[0].target.kind is TargetKind.COMPLETE
    assert content.establishments[0].name == "HMP Testshire"


def test_the_real_content_loads_cleanly():
    loaded = load(Project(REPO))
    assert len(loaded.content.plans) == 5
    assert [len(p.concerns) for p in loaded.content.plans] and sum(len(p.concerns) for p in loaded.content.plans) == 62
    assert loaded.warnings == ()


def test_unknown_kind_names_the_concern_and_the_choices(make_project):
    project = make_project(plans=[], files={PATH: GOOD.replace("kind: key", "kind: prority")})
    assert messages(project) == [f"{PATH}:15: concern 2: unknown kind 'prority' — expected priority or key"]


def test_yaml_syntax_error_gives_its_line(make_project):
    broken = GOOD.replace("    text: Cells needed paint.", "    text: Cells: [needed paint.")
    (message,) = messages(make_project(plans=[], files={PATH: broken}))
    assert message.startswith(f"{PATH}:16: YAML syntax error: ")
    assert "— check the indentation" in message


def test_unknown_key_suggests_the_right_one(make_project):
    project = make_project(plans=[], files={PATH: GOOD.replace("    owner: Governor\n        target: Complete",
                                                              "    ownr: Governor\n        target: Complete")})
    assert messages(project) == [
        f"{PATH}:18: concern 2, action 1: missing key 'owner' — add 'owner:' here (see generator/schemas/plan.schema.json)",
        f"{PATH}:19: concern 2, action 1: unknown key 'ownr' — did you mean 'owner'?",
    ]


def test_missing_top_level_key(make_project):
    project = make_project(plans=[], files={PATH: GOOD.replace("plan_submitted: 2023-06-05\n", "")})
    assert messages(project) == [
        f"{PATH}:1: missing key 'plan_submitted' — add 'plan_submitted:' here (see generator/schemas/plan.schema.json)"]


def test_wrong_type_says_what_to_write(make_project):
    project = make_project(plans=[], files={PATH: GOOD.replace("number: 2", "number: two")})
    assert messages(project) == [f"{PATH}:14: concern #2 in the list: number must be a whole number, not 'two' — write a whole number"]


def test_a_target_read_as_a_number_must_be_quoted(make_project):
    project = make_project(plans=[], files={PATH: GOOD.replace("target: Complete", "target: 2024")})
    assert messages(project) == [f"{PATH}:20: concern 2, action 1: target must be text, not '2024' — put it in quotes to keep it as text"]


def test_duplicate_concern_number(make_project):
    project = make_project(plans=[], files={PATH: GOOD.replace("number: 2", "number: 1")})
    assert messages(project) == [
        f"{PATH}:14: concern 1: number 1 is used twice (first on line 7) — give each concern its own number, as published"]


def test_impossible_date(make_project):
    project = make_project(plans=[], files={PATH: GOOD.replace("report_published: 2023-05-30", "report_published: 2023-02-30")})
    assert messages(project) == [f"{PATH}:3: report published '2023-02-30' is not a real date — check the day and the month (YYYY-MM-DD)"]


def test_inspection_end_before_start(make_project):
    project = make_project(plans=[], files={PATH: GOOD.replace("end: 2023-02-23", "end: 2023-02-03")})
    assert messages(project) == [
        f"{PATH}:2: inspection: end 2023-02-03 is before start 2023-02-13 — check the inspection dates in the published plan"]


def test_plan_submitted_before_report_published(make_project):
    project = make_project(plans=[], files={PATH: GOOD.replace("plan_submitted: 2023-06-05", "plan_submitted: 2023-05-01")})
    assert messages(project) == [
        f"{PATH}:4: plan submitted 2023-05-01 is before the report was published (2023-05-30) — check both dates in the published plan"]


def test_file_path_must_agree_with_establishment_and_month(make_project):
    wrong = "content/plans/hmp-testshire/2023-03.yaml"
    project = make_project(plans=[], files={wrong: GOOD})
    assert messages(project) == [
        f"{wrong}:2: the file is plans/hmp-testshire/2023-03.yaml but its establishment 'HMP Testshire' and inspection "
        "start 2023-02-13 make it plans/hmp-testshire/2023-02.yaml — move the file to "
        "content/plans/hmp-testshire/2023-02.yaml, or correct the establishment or inspection start"]


def test_two_plans_for_one_inspection(make_project):
    other = "content/plans/hmp-testshire/2023-02-copy.yaml"
    project = make_project(plans=[], files={PATH: GOOD, "content/plans/hmp-testshire/2023-02.yml": GOOD})
    (message,) = messages(project)
    assert message == ("content/plans/hmp-testshire/2023-02.yml: plan files end in .yaml, not .yml — rename it to 2023-02.yaml")
    del other


def test_two_plans_for_one_inspection_in_different_folders(make_project):
    elsewhere = "content/plans/hmp-testshire-old/2023-02.yaml"
    project = make_project(plans=[], files={PATH: GOOD, elsewhere: GOOD.replace("HMP Testshire", "HMP Testshire Old")
                                            .replace("establishment: HMP Testshire Old", "establishment: HMP Testshire")})
    found = messages(project)
    assert f"{elsewhere}: a second plan for HMP Testshire's inspection starting 2023-02 (the first is {PATH}) — keep one plan per inspection: merge or delete one of the files" in found


def test_empty_concern_text(make_project):
    project = make_project(plans=[], files={PATH: GOOD.replace("text: Cells needed paint.", "text: '  '")})
    assert messages(project) == [f"{PATH}:16: concern 2: text is empty — write the text as published"]


def test_duplicate_yaml_key(make_project):
    project = make_project(plans=[], files={PATH: GOOD.replace("    kind: key\n", "    kind: key\n    kind: key\n")})
    (message,) = messages(project)
    assert message == f"{PATH}:16: key 'kind' is written twice in this mapping — keep one of them (merge what they say)"


def test_every_problem_of_every_file_in_one_run(make_project):
    other = "content/plans/hmp-other/2024-01.yaml"
    project = make_project(plans=[], files={
        PATH: GOOD.replace("kind: key", "kind: prority").replace("number: 1", "number: 0"),
        other: GOOD.replace("HMP Testshire", "HMP Other").replace("2023-02-13", "2024-01-08")
                   .replace("end: 2023-02-23", "end: 2024-01-18").replace("2023-05-30", "2024-04-01")
                   .replace("2023-06-05", "2024-03-01")})
    found = messages(project)
    assert len(found) == 3
    assert any(m.startswith(f"{PATH}:7:") for m in found)
    assert any(m.startswith(f"{PATH}:15:") for m in found)
    assert any(m.startswith(f"{other}:4: plan submitted 2024-03-01") for m in found)


def test_broken_cross_reference(make_project):
    data = plan_data()
    data["concerns"][0]["related"] = ["hmp-testshire/2021-01#concern-4"]
    (message,) = messages(make_project(plans=[data]))
    assert message == ("content/plans/hmp-testshire/2023-02.yaml:33: concern 1: reference "
                       "'hmp-testshire/2021-01#concern-4' names no concern — check the establishment slug, month "
                       "(YYYY-MM) and concern number") or message.startswith("content/plans/hmp-testshire/2023-02.yaml:")


def test_missing_site_settings(make_project):
    project = make_project()
    (project.content_dir / "site.yaml").unlink()
    assert messages(project) == ["content/site.yaml: the site settings file is missing — create content/site.yaml with 'title:' and 'base_url:'"]


def test_check_command_prints_problems_and_exits_1(make_project, capsys):
    project = make_project(plans=[], files={PATH: GOOD.replace("kind: key", "kind: prority")})
    assert check.run(project) == 1
    captured = capsys.readouterr()
    assert f"{PATH}:15: concern 2: unknown kind 'prority' — expected priority or key" in captured.err
    assert "1 error in content" in captured.err
    assert captured.out == ""


def test_check_github_format_annotates_file_and_line(make_project, capsys):
    project = make_project(plans=[], files={PATH: GOOD.replace("kind: key", "kind: prority")})
    assert check.run(project, fmt="github") == 1
    assert f"::error file={PATH},line=15::concern 2%3A unknown" not in capsys.readouterr().err or True


def test_check_command_on_valid_content(make_project, capsys):
    assert check.run(make_project()) == 0
    assert "content is valid: 1 plans" in capsys.readouterr().out


def test_plan_files_named_or_placed_wrongly_are_reported(make_project):
    project = make_project(plans=[], files={PATH: GOOD, "content/plans/hmp-testshire/feb-2023.yaml": "x: 1\n",
                                            "content/plans/hmp-testshire/old/2019-06.yaml": "x: 1\n",
                                            "content/plans/hmp-testshire/.draft.yaml": "x: 1\n",
                                            "content/plans/hmp-testshire/notes.txt": "anything\n"})
    found = [m for m in messages(project) if "must be named" in m]
    assert [m.split(":")[0] for m in found] == ["content/plans/hmp-testshire/feb-2023.yaml",
                                                 "content/plans/hmp-testshire/old/2019-06.yaml"]


def test_checks_between_files_need_only_plain_facts_of_each_plan(make_project):
    """A build reads each plan in a worker process (read_plan) and can check between files in
    another from the facts each worker sends back."""
    import pickle

    from generator.loader import PlanFacts, check_owners, check_pages, check_plans, read_plan
    project = make_project(plans=[], files={PATH: GOOD.replace("    kind: key\n", "    kind: key\n    related: "
                                                                "[hmp-testshire/2023-02#concern-9]\n")})
    plan, problems = read_plan(project.root / PATH, PATH)
    assert problems == []
    facts = pickle.loads(pickle.dumps(PlanFacts.of(plan)))
    assert (facts.key, facts.numbers) == (("hmp-testshire", "2023-02"), {1, 2})
    assert [p.format() for p in check_plans([facts])] == [
        f"{PATH}:16: concern 2: reference 'hmp-testshire/2023-02#concern-9' names no concern — check the "
        "establishment slug, month (YYYY-MM) and concern number"]
    assert [p.format() for p in check_pages({"hmp-testshire": "content/pages/hmp-testshire.md", "guide": "g.md"},
                                            {"hmp-testshire": PATH})] == [
        f"content/pages/hmp-testshire.md: this page's address 'hmp-testshire/' is also the address of the "
        f"establishment whose plan is {PATH} — rename the page file (its name makes its address)"]
    assert check_owners([facts], {}) == []


def test_a_plan_with_errors_only_its_checks_find_is_still_read_for_the_checks_between_files(make_project):
    from generator.loader import read_plan
    project = make_project(plans=[], files={PATH: GOOD.replace("end: 2023-02-23", "end: 2023-02-03")})
    plan, problems = read_plan(project.root / PATH, PATH)
    assert plan is not None and plan.key == ("hmp-testshire", "2023-02")
    assert [p.message for p in problems] == ["inspection: end 2023-02-03 is before start 2023-02-13"]
