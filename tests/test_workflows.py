"""The GitHub Actions workflows, read as data: a typo in an option or a loose permission shows up
here, on the developer's machine, instead of in a failed (or wrongly privileged) run on GitHub."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from generator.cli import make_parser

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
ON_MAIN = "github.ref == 'refs/heads/main'"
PAGES_ACTIONS = ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages")
# Values the workflow's shell variables take in a run on a project site, for parsing its commands.
EXAMPLE_ENV = {"BASE_URL": "https://example.github.io/action-plans/"}


def load(path: Path) -> dict:
    """A workflow as data. YAML 1.1 reads the bare key `on` as True; give it back its name."""
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def all_steps() -> list[tuple[str, str, dict]]:
    """(workflow file, job id, step) for every step of every workflow."""
    return [(path.name, job_id, step) for path in WORKFLOWS
            for job_id, job in load(path)["jobs"].items() for step in job.get("steps", [])]


def commands(script: str) -> list[list[str]]:
    """The simple commands of a `run:` script as argument lists: continuation lines joined, split at
    newlines, `&&`, `||`, `;` and `|`, $VARIABLES replaced by example values."""
    script = script.replace("\\\n", " ")
    found = []
    for line in script.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        for part in re.split(r"&&|\|\||;|\|", line):
            part = re.sub(r"\$\{?(\w+)\}?", lambda m: EXAMPLE_ENV.get(m.group(1), m.group(0)), part)
            if part.strip():
                found.append(shlex.split(part))
    return found


def actionplans_commands() -> list[tuple[str, list[str]]]:
    """Every `actionplans …` / `python -m generator …` the workflows run: (step name, its arguments)."""
    found = []
    for _, _, step in all_steps():
        for argv in commands(step.get("run", "")):
            if argv[0] == "actionplans":
                found.append((step.get("name", ""), argv[1:]))
            elif argv[:3] in (["python", "-m", "generator"], ["python3", "-m", "generator"]):
                found.append((step.get("name", ""), argv[3:]))
    return found


def site_job() -> dict:
    return load(REPO / ".github" / "workflows" / "ci.yml")["jobs"]["site"]


def test_there_is_a_ci_workflow_and_every_workflow_is_valid_yaml():
    assert REPO / ".github" / "workflows" / "ci.yml" in WORKFLOWS
    for path in WORKFLOWS:
        workflow = load(path)
        assert workflow["name"] and workflow["jobs"], path.name
        for job_id, job in workflow["jobs"].items():
            assert job.get("runs-on") and job.get("steps"), f"{path.name}: job {job_id}"
            assert job.get("timeout-minutes"), f"{path.name}: job {job_id} has no timeout (default is 6 hours)"
            for step in job["steps"]:
                assert ("uses" in step) != ("run" in step), f"{path.name}: {job_id}: {step}"
                assert step.get("name") or "uses" in step, f"{path.name}: {job_id}: unnamed run step {step}"


def test_ci_runs_on_pull_requests_and_pushes():
    events = load(REPO / ".github" / "workflows" / "ci.yml")["on"]
    assert "pull_request" in events and "push" in events
    assert events["push"] is None or "branches" not in events["push"], "every branch is checked, not only main"


def test_the_site_job_checks_tests_builds_and_audits_in_that_order():
    runs = [step.get("run", "") for step in site_job()["steps"]]

    def position(pattern: str) -> int:
        matches = [i for i, run in enumerate(runs) if re.search(pattern, run)]
        assert matches, f"no step runs {pattern!r}"
        return matches[0]

    install = position(r"pip install -e '\.\[test\]'")
    check = position(r"^actionplans check --format github\b")
    tests = position(r"^python -m pytest\b")
    build = position(r"^actionplans build\b")
    audit = position(r"\.ci/audit-site site \"\$BASE_URL\"")
    assert install < check < tests < build < audit


def test_python_is_set_up_with_a_pip_cache():
    setup = [s for s in site_job()["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
    assert len(setup) == 1
    assert setup[0]["with"]["cache"] == "pip"
    assert "pyproject.toml" in setup[0]["with"]["cache-dependency-path"]
    assert setup[0]["with"]["python-version"] == "3.11"


def test_content_problems_become_annotations_in_check_and_build():
    formats = {argv[0]: argv[argv.index("--format") + 1] for _, argv in actionplans_commands() if "--format" in argv}
    assert formats == {"check": "github", "build": "github"}


@pytest.mark.parametrize("step_name, argv", actionplans_commands(), ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_every_actionplans_command_in_a_workflow_parses(step_name, argv, capsys):
    """The real parser decides: an option renamed in generator/cli.py fails here, not in CI."""
    try:
        args = make_parser().parse_args(argv)
    except SystemExit as stop:
        pytest.fail(f"step {step_name!r}: `actionplans {' '.join(argv)}` is refused by the parser "
                    f"(exit {stop.code}): {capsys.readouterr().err.strip()}")
    assert args.command == argv[0]


def test_the_workflow_runs_check_build_and_tests():
    subcommands = {argv[0] for _, argv in actionplans_commands()}
    assert {"check", "build"} <= subcommands


def test_the_build_is_for_the_base_url_the_audit_serves():
    build = next(argv for _, argv in actionplans_commands() if argv[0] == "build")
    assert build[build.index("--base-url") + 1] == EXAMPLE_ENV["BASE_URL"]
    audit = next(argv for s in site_job()["steps"] for argv in commands(s.get("run", "")) if ".ci/audit-site" in " ".join(argv))
    assert audit[-2:] == ["site", EXAMPLE_ENV["BASE_URL"]]
    # The base URL comes from configure-pages on main, else the project-site address.
    base_step = next(s for s in site_job()["steps"] if "BASE_URL=" in s.get("run", ""))
    assert base_step["env"]["PAGES_BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert ".github.io/" in base_step["run"]


def test_every_action_is_pinned_to_a_full_version():
    for workflow, job_id, step in all_steps():
        if "uses" in step:
            uses = step["uses"]
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})", uses), \
                f"{workflow}: {job_id}: {uses} is not pinned to a full version (e.g. @v4.2.2) or a commit"


def test_every_script_the_workflow_runs_is_in_the_repository():
    """Only the checkout exists on GitHub's runner (no ../shared beside it)."""
    for workflow, job_id, step in all_steps():
        for argv in commands(step.get("run", "")):
            for word in argv:
                if re.match(r"\.{0,2}/|\.ci/|\.github/", word) and not word.startswith(("/", "../")):
                    assert (REPO / word).is_file(), f"{workflow}: {job_id}: {step.get('name')}: {word} is not in the repository"
                assert not word.startswith("../"), f"{workflow}: {job_id}: {word} is outside the checkout"


def test_the_default_token_is_read_only():
    for path in WORKFLOWS:
        workflow = load(path)
        assert workflow.get("permissions") == {"contents": "read"}, path.name
        for job_id, job in workflow["jobs"].items():
            granted = {k for k, v in job.get("permissions", {}).items() if v == "write"}
            uses = {step.get("uses", "").split("@")[0] for step in job["steps"]}
            if "actions/deploy-pages" in uses:
                assert job["permissions"] == {"pages": "write", "id-token": "write"}, f"{path.name}: {job_id}"
            else:
                assert not granted, f"{path.name}: job {job_id} can write {granted} but does not deploy"


def test_pages_deploy_only_from_main_in_the_github_pages_environment():
    workflow = load(REPO / ".github" / "workflows" / "ci.yml")
    deploy_jobs = {job_id: job for job_id, job in workflow["jobs"].items()
                   if any(s.get("uses", "").startswith("actions/deploy-pages@") for s in job["steps"])}
    assert list(deploy_jobs) == ["deploy"]
    deploy = deploy_jobs["deploy"]
    assert ON_MAIN in deploy["if"] and "github.event_name != 'pull_request'" in deploy["if"]
    assert deploy["needs"] == "site", "only an audited build is deployed"
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    # Every other Pages step runs on main only (configure-pages would fail where Pages is not set up).
    for workflow_name, job_id, step in all_steps():
        if step.get("uses", "").startswith(PAGES_ACTIONS) and job_id != "deploy":
            assert step.get("if") == deploy["if"], f"{workflow_name}: {job_id}: {step['uses']} must run on main only"
    upload = next(s for s in site_job()["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"


def test_a_run_on_main_is_never_cancelled_by_a_newer_push():
    concurrency = load(REPO / ".github" / "workflows" / "ci.yml")["concurrency"]
    assert "github.ref" in concurrency["group"]
    assert concurrency["cancel-in-progress"] == "${{ github.ref != 'refs/heads/main' }}"
