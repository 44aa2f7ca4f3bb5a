"""The command line as people and CI meet it: a real process, its exit status and what it prints.

Exit status: 0 success, 1 content (or template) errors, 2 usage errors — and never a traceback.
"""
from __future__ import annotations

import calendar
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, REPO, actionplans, plan_data, snapshot
from generator.cli import make_parser

SUBCOMMANDS = ("import", "check", "build", "serve")
OPTIONS = {  # what each --help must list (and so what the README, docs/ and the workflow may use)
    "import": ("--output", "--force"),
    "check": ("--project", "--format", "--strict"),
    "build": ("--project", "--output", "--base-url", "--as-of", "--no-search", "--strict", "--format", "--quiet"),
    "serve": ("--project", "--host", "--port", "--base-url", "--as-of", "--no-search", "--strict"),
}
ANNOTATION = re.compile(r"::error file=(?P<file>[^,:]+),line=(?P<line>\d+)::(?P<message>.+)")


def line_of(file: Path, text: str, occurrence: int = 1) -> int:
    """The line number of the n-th line of `file` that contains `text`."""
    lines = [n for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1) if text in line]
    return lines[occurrence - 1]


def subcommand_options(name: str) -> set[str]:
    """Every option string the parser defines for a subcommand (the help must list them all)."""
    subparsers = next(a for a in make_parser()._actions if a.dest == "command")
    return {s for action in subparsers.choices[name]._actions for s in action.option_strings}


@pytest.fixture
def broken_project(make_project):
    """Three plan files, three kinds of mistake: an unknown key, bad YAML, a concern number used twice."""
    twice = plan_data(establishment="HMP Gamma")
    twice["concerns"][1]["number"] = 1
    return make_project(
        plans=[plan_data(establishment="HMP Alpha"), plan_data(establishment="HMP Beta", colour="blue"), twice],
        files={"content/plans/hmp-delta/2023-02.yaml":
               "establishment: HMP Delta\n"
               "inspection: [2023-02-13\n"  # the ']' is missing: PyYAML notices on the next line
               "concerns: []\n"})


def expected_problems(root: Path) -> list[tuple[str, int, str]]:
    """(file, line, start of message) of each problem in `broken_project`, in the order printed."""
    beta, delta, gamma = (f"content/plans/{slug}/2023-02.yaml" for slug in ("hmp-beta", "hmp-delta", "hmp-gamma"))
    first = line_of(root / gamma, "number: 1")
    return [
        (beta, line_of(root / beta, "colour: blue"), "unknown key 'colour'"),
        (delta, 3, "YAML syntax error:"),
        (gamma, line_of(root / gamma, "number: 1", 2), f"concern 1: number 1 is used twice (first on line {first})"),
    ]


# --- help ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_of_each_command_lists_its_options(command, tmp_path):
    result = actionplans(command, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: actionplans {command}")
    listed = set(re.findall(r"(?<![\w-])--?[a-z][\w-]*", result.stdout))
    assert set(OPTIONS[command]) <= subcommand_options(command) <= listed


def test_help_lists_every_command(tmp_path):
    result = actionplans("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in SUBCOMMANDS:
        assert re.search(rf"^\s+{command}\s+\w", result.stdout, re.MULTILINE), command


def test_the_installed_actionplans_command_is_the_same_program(tmp_path):
    script = Path(sys.executable).with_name("actionplans")
    result = subprocess.run([str(script), "build", "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout == actionplans("build", "--help", cwd=tmp_path).stdout


# --- usage errors: exit 2, a usage line and one clear message, nothing written ----------------------
@pytest.mark.parametrize("args, message", [
    (("build", "--as-of", "2026-13-01"), "argument --as-of: '2026-13-01' is not a date: write YYYY-MM-DD"),
    (("build", "--as-of", "23/11/2026"), "argument --as-of: '23/11/2026' is not a date"),
    (("build", "--base-url", "example.org/plans/"), "argument --base-url: 'example.org/plans/' is not an absolute URL"),
    (("serve", "--base-url", "/plans/"), "argument --base-url: '/plans/' is not an absolute URL"),
    (("publish",), "argument COMMAND: invalid choice: 'publish'"),
    (("check", "--format", "json"), "argument --format: invalid choice: 'json'"),
    (("build", "--no-such-option"), "unrecognized arguments: --no-such-option"),
], ids=["bad-date", "day-first-date", "relative-base-url", "path-as-base-url", "unknown-command",
        "unknown-format", "unknown-option"])
def test_usage_errors_exit_2_and_change_nothing(make_project, args, message):
    project = make_project()
    result = actionplans(*args, cwd=project.root)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: actionplans")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project.root / "site").exists()


def test_actionplans_alone_lists_the_commands(tmp_path):
    result = actionplans(cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    for command in SUBCOMMANDS:
        assert re.search(rf"^ +{command} ", result.stdout, re.MULTILINE), command


# --- content errors: exit 1, every problem as file:line, no traceback -----------------------------
def test_check_prints_every_problem_as_file_line_message_and_hint(broken_project):
    result = actionplans("check", cwd=broken_project.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [f"{f}:{n}" for f, n, _ in expected_problems(broken_project.root)]
    for line, (file, number, message) in zip(lines, expected_problems(broken_project.root)):
        assert line.startswith(f"{file}:{number}: {message}")
        assert " — " in line, "every problem says how to fix it"
    assert lines[-1] == "3 errors in content — nothing was changed"


@pytest.mark.parametrize("command, summary", [
    (("check", "--format", "github"), "3 errors in content — nothing was changed"),
    (("build", "--format", "github", "--no-search", "--as-of", "2026-11-23"), "3 errors in content — the site was not changed"),
])
def test_problems_as_github_annotations_on_the_right_file_and_line(broken_project, command, summary):
    """What `actionplans check --format github` prints in CI becomes an annotation on the file and line."""
    result = actionplans(*command, cwd=broken_project.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    *annotations, last = result.stderr.splitlines()
    assert last == summary
    assert [ANNOTATION.fullmatch(a) is not None for a in annotations] == [True] * 3, annotations
    for line, (file, number, message) in zip(annotations, expected_problems(broken_project.root)):
        assert line.startswith(f"::error file={file},line={number}::{message}")
    assert not (broken_project.root / "site").exists()


def test_a_warning_is_a_warning_annotation_and_strict_makes_it_fail(make_project):
    plan = plan_data()
    plan["concerns"][0]["actions"][0]["updates"] = [
        {"date": "2023-09-01", "status": "delayed", "text": "Waiting.\n", "new_target": "after the refit"}]
    project = make_project(plans=[plan])
    file = "content/plans/hmp-testshire/2023-02.yaml"
    line = line_of(project.root / file, "new_target: after the refit")

    relaxed = actionplans("check", "--format", "github", cwd=project.root)
    strict = actionplans("check", "--format", "github", "--strict", cwd=project.root)

    assert relaxed.returncode == 0 and strict.returncode == 1
    for result in (relaxed, strict):
        assert result.stderr.splitlines()[0].startswith(
            f"::warning file={file},line={line}::concern 1, action 1, update 1: new target 'after the refit' is not a month")


def test_build_strict_turns_warnings_into_errors_and_writes_nothing(make_project):
    plan = plan_data()
    plan["concerns"][0]["actions"][0]["text"] = "As agreed (see Priority Concern 7).\n"
    project = make_project(plans=[plan])
    relaxed = actionplans("build", "--no-search", "--as-of", "2026-11-23", "-o", "relaxed", cwd=project.root)
    strict = actionplans("build", "--no-search", "--as-of", "2026-11-23", "-o", "strict", "--strict", cwd=project.root)
    assert relaxed.returncode == 0 and "warning: concern 1: 'Priority Concern 7' names no concern" in relaxed.stderr
    assert strict.returncode == 1 and "1 error in content — the site was not changed" in strict.stderr
    assert (project.root / "relaxed" / "index.html").exists() and not (project.root / "strict").exists()


def test_a_missing_project_is_a_content_error_not_a_traceback(tmp_path):
    result = actionplans("check", "--project", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "content/site.yaml" in result.stderr


def test_messages_name_files_as_seen_from_where_the_command_runs(make_project, tmp_path):
    root = make_project(plans=[]).root
    result = actionplans("check", "--project", "project", cwd=root.parent)
    assert result.returncode == 1
    assert result.stderr.startswith("project/content/plans: no plans found — "), result.stderr


# --- a failed build changes nothing ---------------------------------------------------------------
def break_content(root: Path) -> None:
    plan = next((root / "content" / "plans").rglob("*.yaml"))
    plan.write_text(plan.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")


def break_template(root: Path) -> None:
    """A template error only shows while pages are being written: the build is half-way through."""
    shutil.copytree(REPO / "templates", root / "templates")
    layout = root / "templates" / "layouts" / "plan.html"
    text = layout.read_text(encoding="utf-8")
    layout.write_text(text.replace("{% block content %}", "{% block content %}{{ no_such_variable }}", 1),
                      encoding="utf-8")


@pytest.mark.parametrize("breakage", [break_content, break_template], ids=["content-error", "template-error"])
def test_a_failed_build_leaves_the_previous_site_untouched(make_project, breakage):
    project = make_project(plans=[plan_data(), plan_data(establishment="HMP Peterborough (Men)")])
    site = project.root / "site"
    good = actionplans("build", "--no-search", "--as-of", "2026-11-23", cwd=project.root)
    assert good.returncode == 0, good.stderr
    before = snapshot(site)
    assert "hmp-testshire/2023-02/index.html" in before

    breakage(project.root)
    failed = actionplans("build", "--no-search", "--as-of", "2026-11-24", cwd=project.root)

    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert failed.stderr.rstrip().endswith("the site was not changed")
    assert snapshot(site) == before
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(".site")) == [], "no half-built folder is left"


def test_the_as_of_date_defaults_to_source_date_epoch(make_project):
    """Reproducible builds: the same commit and SOURCE_DATE_EPOCH give the same site."""
    project = make_project()
    epoch = calendar.timegm((2026, 11, 23, 12, 0, 0))
    result = actionplans("build", "--no-search", "--quiet", cwd=project.root, env={"SOURCE_DATE_EPOCH": str(epoch)})
    assert result.returncode == 0, result.stderr
    assert "status as of 2026-11-23" in result.stdout


def test_build_refuses_an_output_folder_that_holds_the_sources(make_project, capsys):
    from generator.commands import build as build_command
    project = make_project()
    for folder in (project.root / "content", project.root, project.root / "content" / "plans", project.root / "templates" / "x"):
        assert build_command.run(project, folder, AS_OF, search=False) == 2
        assert "would replace a folder holding the project's sources" in capsys.readouterr().err
    assert (project.root / "content" / "site.yaml").exists()
