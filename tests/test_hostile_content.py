"""Bad content never makes `check` or `build` hang, crash or mislead (docs/reliability.md, "Bad content").

Each case is a project with one kind of damage, given to both commands through the command line:
both exit 1 with one `file:line: what is wrong — how to fix` line per problem and no traceback, and
the build writes nothing. What `check` passes, `build` builds.
"""
from __future__ import annotations

import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import AS_OF, plan_data
from generator import urls
from generator.cli import main
from generator.loader import load, read_plan
from generator.project import Project

PLAN = "content/plans/hmp-testshire/2023-02.yaml"
PROBLEM = re.compile(r"^(?P<file>content/[^:]+?)(?::(?P<line>\d+))?: (?P<message>.+) — (?P<hint>.+)$")
SUMMARY = re.compile(r"^\d+ errors? in content — ")


def line_of(text: str, part: str) -> int:
    return text[:text.index(part)].count("\n") + 1


def plan_yaml(**overrides) -> str:
    return yaml.safe_dump(plan_data(**overrides), sort_keys=False, allow_unicode=True)


GOOD = plan_yaml()


def within(seconds: float, function):
    """Run `function` in a thread; fail (rather than hang the test run) if it takes longer."""
    result: dict = {}
    thread = threading.Thread(target=lambda: result.update(value=function()), daemon=True)
    started = time.perf_counter()
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return result["value"], time.perf_counter() - started


def both_refuse(project: Project, capsys, seconds: float = 60) -> list[str]:
    """`check` and `build` each exit 1, print only file:line problems and a summary, and build
    writes nothing; returns the problems `check` printed."""
    output = project.root / "site"
    printed = []
    for command in (["check"], ["build", "--no-search", "--quiet", "-o", str(output)]):
        status, _ = within(seconds, lambda: main([*command, "--project", str(project.root)]))
        err = capsys.readouterr().err
        assert status == 1, err
        assert "Traceback" not in err
        lines = err.strip().splitlines()
        assert SUMMARY.match(lines[-1]), lines[-1]
        assert all(PROBLEM.match(line) for line in lines[:-1]), lines
        assert not output.exists()
        printed.append(lines[:-1])
    assert printed[0] == printed[1]  # the same problems, whichever command finds them
    return printed[0]


def both_accept(project: Project, capsys) -> str:
    """`check` and `build` both succeed; returns what check printed as warnings."""
    assert main(["check", "--project", str(project.root)]) == 0
    warnings = capsys.readouterr().err
    status = main(["build", "--no-search", "--quiet", "--as-of", AS_OF.isoformat(), "--project", str(project.root)])
    assert status == 0, capsys.readouterr().err
    capsys.readouterr()
    return warnings


# --- 1. YAML aliases ---------------------------------------------------------------------------------
def alias_bomb(field: str) -> str:
    """Nine anchors, each naming the one before nine times: 9⁹ items when expanded, used as `field`."""
    chain = "bomb: &a0 [lol]\n" + "".join(
        f"bomb{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
    data = plan_data()
    if field in data:
        data[field] = "BOMB"
    else:  # a field of the first concern, or of its first action
        concern = data["concerns"][0]
        (concern if field in concern else concern["actions"][0])[field] = "BOMB"
    return chain + yaml.safe_dump(data, sort_keys=False).replace("BOMB", "*a9")


@pytest.mark.parametrize("field", ["establishment", "concerns", "text", "owner"])
def test_an_alias_bomb_is_refused_at_once_whatever_field_it_fills(make_project, capsys, field):
    project = make_project(plans=[], files={PLAN: alias_bomb(field)})
    _, seconds = within(60, lambda: both_refuse(project, capsys))
    assert seconds < 5  # a guard against a hang, not a benchmark: it takes milliseconds
    assert both_refuse(project, capsys) == [
        f"{PLAN}:2: a YAML alias (*a0) repeats another part of the file — content files do not use anchors "
        "(&name) and aliases (*name): write the value out in full"]


SCALAR_ALIAS = GOOD.replace("owner: Governor", "owner: &who Governor", 1).replace("owner: Governor", "owner: *who")
MERGE_KEY = "defaults: &d {kind: key}\n" + GOOD.replace("  kind: key\n", "  <<: *d\n")


@pytest.mark.parametrize("file, text, line", [
    (PLAN, SCALAR_ALIAS, line_of(SCALAR_ALIAS, "*who")),
    (PLAN, MERGE_KEY, line_of(MERGE_KEY, "<<")),
    ("content/site.yaml", "title: &t Plans\ndescription: *t\nbase_url: https://example.org/\n", 2),
    ("content/owners.yaml", "Governor: &g [Gov]\nHead of Safety: *g\n", 2),
    ("content/establishments/hmp-testshire.yaml", "name: &n HMP Testshire\nregion: *n\n", 2),
], ids=["scalar alias", "merge key", "site settings", "owner aliases", "establishment facts"])
def test_every_way_of_writing_an_alias_is_refused_in_every_content_file(make_project, capsys, file, text, line):
    (problem,) = both_refuse(make_project(files={file: text}), capsys)
    assert problem.startswith(f"{file}:{line}: ")
    assert "alias" in problem or "merge key" in problem


def test_a_value_nested_absurdly_deep_is_refused_not_a_crash(make_project, capsys):
    deep = GOOD.replace("target: Ongoing", "target: " + "[" * 500 + "]" * 500)
    (problem,) = both_refuse(make_project(plans=[], files={PLAN: deep}), capsys)
    assert problem.endswith("lists and mappings nest more than 20 deep here — content files nest only a few "
                            "levels: check the indentation and the brackets")


def test_a_huge_value_is_quoted_short_in_its_message(make_project, capsys):
    huge = GOOD.replace("kind: key", "kind: " + "x" * 100_000)
    (problem,) = both_refuse(make_project(plans=[], files={PLAN: huge}), capsys)
    assert len(problem) < 300
    assert "unknown kind 'xxxx" in problem and "…' — expected priority or key" in problem


# --- 2. every output path is decided by check --------------------------------------------------------
SITE_FOLDERS = sorted(name for name in urls.RESERVED_NAMES if "." not in name)  # a slug has no dot


def test_the_reserved_names_are_the_site_wide_folders():
    assert {"establishments", "themes", "owners", "timeline", "search", "concerns", "data", "schema", "assets",
            "pagefind"} <= urls.RESERVED_NAMES
    assert not urls.RESERVED_NAMES & {"about", "accessibility", "hmp-leicester", "2023-02"}
    assert urls.LINKED_PAGE_SLUGS == {"about", "accessibility"}


def test_every_top_level_name_of_a_built_site_is_reserved_or_a_slug(make_project):
    """Guards the reserved names against drift: whatever the build writes at the top of the site
    is reserved, or the folder of an establishment or a content page."""
    from generator.build import build
    project = make_project()
    content = load(project).content
    site = build(project, project.root / "site", AS_OF).output_dir
    slugs = {e.slug for e in content.establishments} | {p.slug for p in content.pages}
    top = {entry.name for entry in site.iterdir()} - {"index.html"}
    assert top - slugs <= urls.RESERVED_NAMES


@pytest.mark.parametrize("folder", SITE_FOLDERS + sorted(urls.LINKED_PAGE_SLUGS))
def test_an_establishment_named_like_a_site_folder_is_an_error_with_a_fix(make_project, capsys, folder):
    name = folder.title()
    (problem,) = both_refuse(make_project(plans=[plan_data(establishment=name)]), capsys)
    assert problem.startswith(f"content/plans/{folder}/2023-02.yaml:1: the establishment '{name}' makes the address "
                              f"'{folder}/', which the site keeps for its own {folder} page")
    assert problem.endswith(f"— write the establishment's full name as published, e.g. 'HMP {name}'")


@pytest.mark.parametrize("folder", SITE_FOLDERS)
def test_a_page_named_like_a_site_folder_is_an_error_with_a_fix(make_project, capsys, folder):
    project = make_project(files={f"content/pages/{folder}.md": f"# {folder.title()}\n\nText.\n"})
    assert both_refuse(project, capsys) == [
        f"content/pages/{folder}.md: this page's address '{folder}/' is a folder the site keeps for its own {folder} "
        "pages — give the file another name (its name makes its address)"]


def test_a_page_named_like_an_establishment_is_an_error(make_project, capsys):
    project = make_project(files={"content/pages/hmp-testshire.md": "# About Testshire\n\nText.\n"})
    assert both_refuse(project, capsys) == [
        "content/pages/hmp-testshire.md: this page's address 'hmp-testshire/' is also the address of the "
        f"establishment whose plan is {PLAN} — rename the page file (its name makes its address)"]


@pytest.mark.parametrize("name", ["!!!", "Тюрьма", "监狱", "  -  "])
def test_an_establishment_whose_name_makes_no_address_is_told_so(make_project, capsys, name):
    file = "content/plans/somewhere/2023-02.yaml"
    problems = both_refuse(make_project(plans=[], files={file: plan_yaml(establishment=name)}), capsys)
    assert problems == [f"{file}:1: the establishment '{name.strip()}' has no letters a-z or digits, so it makes no "
                        "web address — write the name in Latin letters as the plan publishes it, e.g. "
                        "'HMP Leicester' (its address is hmp-leicester/)"]
    assert "plans//" not in problems[0]


def test_an_establishment_facts_file_whose_name_makes_no_address_is_told_so(make_project, capsys):
    file = "content/establishments/somewhere.yaml"
    (problem,) = both_refuse(make_project(files={file: "name: '!!!'\n"}), capsys)
    assert problem.startswith(f"{file}:1: the establishment '!!!' has no letters a-z or digits")


def test_an_establishment_name_too_long_for_a_folder_is_an_error(make_project, capsys):
    name = "HMP " + "Very Long " * 20 + "Name"
    file = "content/plans/hmp-long/2023-02.yaml"
    (problem,) = both_refuse(make_project(plans=[], files={file: plan_yaml(establishment=name)}), capsys)
    assert problem.startswith(f"{file}:1: the establishment's name makes a web address of {len(urls.slugify(name))} "
                              f"characters (at most {urls.MAX_SLUG_LENGTH})")


def long_owner_plan(owner: str) -> dict:
    data = plan_data()
    data["concerns"][1]["actions"][0]["owner"] = owner
    return data


def test_an_owner_too_long_for_its_page_is_an_error_at_its_line(make_project, capsys):
    owner = "Head of Safety and " * 25 + "Governor"  # 483 characters
    project = make_project(plans=[long_owner_plan(owner)])
    (problem,) = both_refuse(project, capsys)
    line = line_of((project.root / PLAN).read_text(encoding="utf-8"), "owner: Head of Safety and")
    assert problem.startswith(f"{PLAN}:{line}: concern 2, action 1: the owner 'Head of Safety and Head of Safety and ")
    assert problem.endswith(f"makes an owner page address of {len(urls.slugify(owner))} characters (at most 100) — "
                            "list this spelling in content/owners.yaml under a shorter name for its page (or check "
                            "that the owner took in no other text)")


def test_a_long_owner_listed_under_a_short_name_builds(make_project, capsys):
    owner = "Head of Safety and " * 25 + "Governor"
    project = make_project(plans=[long_owner_plan(owner)],
                           files={"content/owners.yaml": f"Head of Safety: [{owner!r}]\n".replace("'", '"')})
    both_accept(project, capsys)
    assert (project.root / "site" / "owners" / "head-of-safety" / "index.html").is_file()


def test_a_short_name_for_owners_that_is_itself_too_long_is_an_error(make_project, capsys):
    shown = "Head of Safety " * 10
    (problem,) = both_refuse(make_project(files={"content/owners.yaml": f"{shown}: [Governor]\n"}), capsys)
    assert problem.startswith("content/owners.yaml:1: the owner 'Head of Safety Head of Safety")


@pytest.mark.parametrize("name, problem", [
    ("---.md", "this page's file name has no letters a-z or digits, so it makes no web address"),
    (f"{'a' * 120}.md", "this page's file name makes a web address of 120 characters (at most 100)"),
])
def test_a_page_file_name_that_cannot_be_its_address_is_an_error(make_project, capsys, name, problem):
    (found,) = both_refuse(make_project(files={f"content/pages/{name}": "# A page\n\nText.\n"}), capsys)
    assert found.startswith(f"content/pages/{name}: {problem} — ")


# --- 7. what cannot be read is a message ------------------------------------------------------------
@pytest.mark.parametrize("file", ["content/pages/about.md", PLAN, "content/site.yaml", "content/owners.yaml"])
def test_bytes_that_are_not_utf8_are_named_with_their_line(make_project, capsys, file):
    project = make_project()
    path = project.root / file
    path.write_bytes((path.read_bytes() if path.exists() else b"Governor: [Gov]\n") + b"# caf\xe9\n")
    line = path.read_bytes().count(b"\n")
    assert both_refuse(project, capsys) == [
        f"{file}:{line}: the file is not UTF-8 text (byte 0xE9 cannot be read) — save it as UTF-8 (in most editors: "
        "Save as…, Encoding: UTF-8); it may have been saved as Windows-1252"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_file_saved_as_utf16_is_told_so(make_project, capsys, encoding):
    project = make_project(plans=[])
    path = project.root / PLAN
    path.parent.mkdir(parents=True)
    path.write_bytes(GOOD.encode(encoding))
    (problem,) = both_refuse(project, capsys)
    assert problem.startswith(f"{PLAN}:1: the file ")
    assert "UTF-16" in problem and problem.endswith("(in most editors: Save as…, Encoding: UTF-8)")


@pytest.mark.parametrize("file, text, problem", [
    (PLAN, "? [a, b]\n: c\n" + GOOD,
     "1: a key here is a list (written with '?' or brackets) — a key is a name: write it as text followed by ':'"),
    (PLAN, GOOD.replace("source:", "? {a: 1}\n: x\nsource:"),
     "7: a key here is a mapping (written with '?' or brackets) — a key is a name: write it as text followed by ':'"),
    ("content/owners.yaml", "2024: [Governor]\n",
     "1: the key '2024' is read as a number, not as text — put it in quotes if it is a name: \"2024\":"),
    ("content/owners.yaml", "yes: [Governor]\n",
     "1: the key 'yes' is read as yes/no, not as text — put it in quotes if it is a name: \"yes\":"),
    ("content/site.yaml", "~: Plans\nbase_url: https://example.org/\n",
     "1: a key here is empty — write the key's name before the ':'"),
], ids=["list key", "mapping key", "number key", "yes/no key", "empty key"])
def test_a_key_that_is_not_text_is_a_message(make_project, capsys, file, text, problem):
    assert both_refuse(make_project(plans=[] if file == PLAN else None, files={file: text}), capsys) == [
        f"{file}:{problem}"]


@pytest.mark.parametrize("value, problem", [
    ("!!python/object/apply:os.system [echo]", "the YAML tag '!!python/object/apply:os.system' is not used in "
                                               "content files"),
    ("!!binary aGVsbG8=", "the YAML tag '!!binary' is not used in content files"),
    ("!!set {a}", "the YAML tag '!!set' is not used in content files"),
    ("!custom x", "the YAML tag '!custom' is not used in content files"),
    ("!!int many", "'many' cannot be read as a whole number"),
])
def test_a_yaml_tag_content_files_do_not_use_is_a_message(make_project, capsys, value, problem):
    text = GOOD.replace("target: Ongoing", f"target: {value}")
    (found,) = both_refuse(make_project(plans=[], files={PLAN: text}), capsys)
    assert found.startswith(f"{PLAN}:38: {problem} — ")


def test_a_second_document_in_a_file_is_a_message(make_project, capsys):
    (problem,) = both_refuse(make_project(plans=[], files={PLAN: GOOD + "---\nestablishment: HMP Other\n"}), capsys)
    assert problem == (f"{PLAN}:39: YAML syntax error: but found another document (expected a single document in "
                       "the stream) — a content file holds one document: remove the second '---' line and what "
                       "follows, or merge them")


# --- 8. nothing is accepted silently ----------------------------------------------------------------
@pytest.mark.parametrize("written, problem", [
    ("2.0", "number must be a whole number like 2, not 2.0 — write 2"),
    ("2.", "number must be a whole number like 2, not 2. — write 2"),
    ("2.5", "number must be a whole number, not 2.5 — write the number as published, without a point"),
    ("true", "number must be a whole number, not 'true' (read as yes/no) — write a whole number"),
    ("'2'", "number must be a whole number, not '2' — write a whole number"),
])
def test_a_concern_number_must_be_a_whole_number(make_project, capsys, written, problem):
    text = GOOD.replace("number: 2", f"number: {written}")
    assert both_refuse(make_project(plans=[], files={PLAN: text}), capsys) == [
        f"{PLAN}:27: concern #2 in the list: {problem}"]


def test_numbers_with_a_point_in_text_fields_stay_as_written(make_project, capsys):
    project = make_project(plans=[], files={PLAN: GOOD.replace("target: Ongoing", "target: 1.10")})
    both_accept(project, capsys)
    assert load(project).content.plans[0].concerns[1].actions[0].target.text == "1.10"


@pytest.mark.parametrize("name", ["2024-02.YAML", "2024-02.Yaml", "2024-02.yml", "2024-02.YML"])
def test_a_plan_saved_under_another_ending_is_told_to_rename_it(make_project, capsys, name):
    project = make_project(files={f"content/plans/hmp-testshire/{name}": plan_yaml(start="2024-02-05")})
    (problem,) = both_refuse(project, capsys)
    assert problem.startswith(f"content/plans/hmp-testshire/{name}: plan files end in .yaml")
    assert problem.endswith("— rename it to 2024-02.yaml")


@pytest.mark.parametrize("file, renamed", [
    ("content/pages/Guide.MD", "Guide.md"), ("content/pages/guide.markdown", "guide.md"),
    ("content/establishments/hmp-testshire.yml", "hmp-testshire.yaml"),
    ("content/owners.yml", "owners.yaml"),
])
def test_other_content_files_saved_under_another_ending_are_reported(make_project, capsys, file, renamed):
    (problem,) = both_refuse(make_project(files={file: "# Guide\n" if file.endswith(("MD", "markdown")) else
                                                "name: HMP Testshire\n"}), capsys)
    assert problem.startswith(f"{file}: ") and problem.endswith(f"rename it to {renamed}")


def test_settings_saved_as_yml_are_reported_not_missing(make_project, capsys):
    project = make_project()
    (project.root / "content" / "site.yaml").rename(project.root / "content" / "site.yml")
    assert both_refuse(project, capsys) == [
        "content/site.yml: this file is not read: it must be named site.yaml — rename it to site.yaml"]


def make_socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    os.chdir(path.parent)  # a socket's address is short: bind the name in its folder
    server.bind(path.name)
    server.close()


MAKERS = {"named pipe": os.mkfifo, "folder": Path.mkdir, "socket": make_socket}


@pytest.mark.parametrize("kind", MAKERS)
@pytest.mark.parametrize("file", ["content/plans/hmp-testshire/2024-01.yaml", "content/pages/guide.md",
                                  "content/establishments/hmp-testshire.yaml", "content/owners.yaml"])
def test_a_pipe_socket_or_folder_named_like_a_content_file_is_reported_never_opened(make_project, capsys, kind,
                                                                                      file):
    project = make_project()
    path = project.root / file
    path.parent.mkdir(parents=True, exist_ok=True)
    MAKERS[kind](path)
    os.chdir(project.root)
    assert both_refuse(project, capsys, seconds=20) == [
        f"{file}: this is a {kind}, not a file — a content file must be a plain text file: remove this or put the "
        "file itself here"]


def test_read_plan_never_opens_a_pipe(tmp_path):
    pipe = tmp_path / "2023-02.yaml"
    os.mkfifo(pipe)
    (plan, problems), _ = within(10, lambda: read_plan(pipe, "content/plans/x/2023-02.yaml"))
    assert plan is None
    assert [p.format() for p in problems] == [
        "content/plans/x/2023-02.yaml: this is a named pipe, not a file — a content file must be a plain text file: "
        "remove this or put the file itself here"]


def test_a_link_to_a_plan_file_is_read_as_the_file(make_project, capsys, tmp_path):
    kept = tmp_path / "kept" / "plan.yaml"
    kept.parent.mkdir()
    kept.write_text(GOOD, encoding="utf-8")
    project = make_project(plans=[])
    (project.root / PLAN).parent.mkdir(parents=True)
    (project.root / PLAN).symlink_to(kept)
    both_accept(project, capsys)
    assert (project.root / "site" / "hmp-testshire" / "2023-02" / "index.html").is_file()


def test_a_gap_in_concern_numbers_is_a_warning(make_project, capsys):
    project = make_project(plans=[], files={PLAN: GOOD.replace("number: 2", "number: 4")})
    warnings = both_accept(project, capsys)
    assert warnings.strip() == (f"{PLAN}:27: warning: concern 4: concerns 2–3 are missing before it — check the "
                                "published plan: add the missing concern, or correct the numbers")
    assert main(["check", "--strict", "--project", str(project.root)]) == 1


def test_a_concern_related_to_itself_is_an_error(make_project, capsys):
    text = GOOD.replace("  kind: key\n", "  kind: key\n  related: [hmp-testshire/2023-02#concern-2]\n")
    assert both_refuse(make_project(plans=[], files={PLAN: text}), capsys) == [
        f"{PLAN}:29: concern 2: related 'hmp-testshire/2023-02#concern-2' is this concern itself — delete this line: "
        "a concern is not related to itself"]


def test_a_reference_listed_twice_or_both_ways_is_an_error(make_project, capsys):
    ref = "hmp-testshire/2023-02#concern-1"
    text = GOOD.replace("  kind: key\n", f"  kind: key\n  related: [{ref}, {ref}]\n  not_related: [{ref}]\n")
    assert both_refuse(make_project(plans=[], files={PLAN: text}), capsys) == [
        f"{PLAN}:29: concern 2: '{ref}' is listed twice — keep it once, under related or not_related",
        f"{PLAN}:30: concern 2: '{ref}' is listed as both related and not related — keep it once, under related or "
        "not_related"]


# --- 9. messages that say what is wrong, where ------------------------------------------------------
@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\ufffe"])
def test_a_control_character_is_named_at_its_line_and_column(make_project, capsys, character):
    text = GOOD.replace("Violence was too high.", f"Violence{character} was too high.")
    assert both_refuse(make_project(plans=[], files={PLAN: text}), capsys) == [
        f"{PLAN}:13: a control character (U+{ord(character):04X}) is in the text at column 18 — delete it (it often "
        "comes from copying out of a PDF)"]


def test_control_characters_in_pages_and_settings_are_named_too(make_project, capsys):
    project = make_project(files={"content/pages/guide.md": "# Guide\n\nTe\x00xt.\n",
                                  "content/site.yaml": "title: Plans\x1b\nbase_url: https://example.org/\n"})
    assert both_refuse(project, capsys) == [
        "content/pages/guide.md:3: a control character (U+0000) is in the text at column 3 — delete it (it often "
        "comes from copying out of a PDF)",
        "content/site.yaml:1: a control character (U+001B) is in the text at column 13 — delete it (it often comes "
        "from copying out of a PDF)"]


def test_many_control_characters_are_listed_up_to_ten_lines_then_summed_up(make_project, capsys):
    text = "".join(f"# note {n}\x00\n" for n in range(30)) + GOOD
    problems = both_refuse(make_project(plans=[], files={PLAN: text}), capsys)
    assert len(problems) == 11
    assert problems[-1] == (f"{PLAN}:11: 20 more lines, up to line 30, hold control characters — delete them (they "
                            "often come from copying out of a PDF)")


@pytest.mark.parametrize("start, newline", [("\ufeff", "\n"), ("", "\r\n"), ("\ufeff", "\r\n")],
                         ids=["byte-order mark", "Windows line ends", "both"])
def test_a_byte_order_mark_and_windows_line_ends_are_fine(make_project, capsys, start, newline):
    project = make_project(plans=[], files={"content/pages/guide.md": "# A guide\n\nText.\n", PLAN: GOOD})
    for file in ("content/pages/guide.md", PLAN):
        path = project.root / file
        path.write_bytes((start + path.read_text(encoding="utf-8").replace("\n", newline)).encode("utf-8"))
    both_accept(project, capsys)
    content = load(project).content
    assert next(p for p in content.pages if p.slug == "guide").title == "A guide"
    assert content.plans[0].concerns[0].text == "Violence was too high.\n"


def test_every_problem_of_an_update_is_reported_in_one_run(make_project, capsys):
    text = GOOD.replace("    target: Ongoing\n", "    target: Ongoing\n    updates:\n"
                        "    - {date: 2024-02-30, status: done, text: '', new_target: soon}\n")
    project = make_project(plans=[], files={PLAN: text})
    assert both_refuse(project, capsys) == [
        f"{PLAN}:40: concern 2, action 1, update 1: date '2024-02-30' is not a real date — check the day and the "
        "month (YYYY-MM-DD)",
        f"{PLAN}:40: warning: concern 2, action 1, update 1: new target 'soon' is not a month — write the moved "
        "target as a month and year, e.g. March 2024",
        f"{PLAN}:40: concern 2, action 1, update 1: text is empty — write the text as published",
        f"{PLAN}:40: concern 2, action 1, update 1: unknown status 'done' — expected not-started, in-progress, "
        "complete or delayed"]


def test_problems_of_dates_and_fields_come_together(make_project, capsys):
    text = (GOOD.replace("end: '2023-02-23'", "end: '2023-02-03'").replace("end: 2023-02-23", "end: 2023-02-03")
            .replace("kind: key", "kind: prority"))
    problems = both_refuse(make_project(plans=[], files={PLAN: text}), capsys)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "inspection: end 2023-02-03 is before start 2023-02-13 — check the inspection dates in the published plan",
        "concern 2: unknown kind 'prority' — expected priority or key"]


@pytest.mark.parametrize("old, new, problem", [
    ("establishment: HMP Testshire", "establishment: [HMP Testshire]",
     "establishment must be text, not a list — put it in quotes to keep it as text"),
    ("  title: 'Action Plan: HMP Testshire'", "  title: {a: b}",
     "source: title must be text, not a mapping — put it in quotes to keep it as text"),
    ("    owner: Governor\n    target: Ongoing", "    owner:\n    target: Ongoing",
     "concern 2, action 1: owner must be text, not empty — put it in quotes to keep it as text"),
    ("  kind: key", "  kind: [key]", "concern 2: kind must be priority or key, not a list — write one of these words"),
    ("  theme: respect", "  theme: 7", "concern 2: theme must be safety, respect, purposeful-activity or "
                                       "rehabilitation-and-release-planning, not '7' — write one of these words"),
    ("  kind: key", "  kind: key\n  related: hmp-testshire/2023-02#concern-1",
     "concern 2: related must be a list, not 'hmp-testshire/2023-02#concern-1' — write a list"),
], ids=["list for text", "mapping for text", "empty for text", "list for a word", "number for a word",
        "text for a list"])
def test_a_field_of_the_wrong_type_says_what_to_write(make_project, capsys, old, new, problem):
    assert old in GOOD
    (found,) = both_refuse(make_project(plans=[], files={PLAN: GOOD.replace(old, new)}), capsys)
    assert found.split(": ", 1)[1] == problem


def test_a_file_far_larger_than_any_plan_is_not_read(make_project, capsys):
    project = make_project(plans=[], files={PLAN: GOOD})
    with open(project.root / PLAN, "ab") as handle:
        handle.truncate(20 * 2**20)  # 20 MB, mostly NUL bytes: never parsed
    assert both_refuse(project, capsys) == [
        f"{PLAN}: the file is 20 MB, far larger than any content file (at most 16 MB) — check that this is the file "
        "meant"]
