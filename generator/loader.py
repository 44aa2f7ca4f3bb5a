"""Loading content into the model, with every problem of every file collected before stopping.

Phase one of every command: read each file (schema-checked), build frozen model objects, then
cross-check between files. Nothing here writes anything.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import schema, urls
from .cache import ParseCache
from .links import reference_warnings, terms
from .model import (Action, Concern, ConcernRef, Content, ContentPage, Correction, Establishment,
                    Inspection, Link, Plan, Settings, Source, Target, TargetKind, Update)
from .problems import ContentError, Problem
from .project import Project
from .sources import LineLocator, YamlSyntaxError, parse_yaml, read_text

PLAN_NAME = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class Loaded:
    content: Content
    warnings: tuple[Problem, ...]


class _FileProblems:
    """Problems of one file; the YAML is composed for line numbers only if there is a problem."""

    def __init__(self, display: str, text: str):
        self.display = display
        self.locator = LineLocator(text)
        self.problems: list[Problem] = []

    def add(self, path: tuple[Any, ...], message: str, hint: str = "", *, on_key: bool = False,
            severity: str = "error") -> None:
        self.problems.append(Problem(self.display, self.locator.line(path, key=on_key), message, hint, severity))

    def add_at(self, line: int | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.display, line, message, hint))

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


# --- the whole content, in three steps: sources, prisons, checks between them ----------------------
@dataclass(frozen=True)
class Sources:
    """What content/ holds apart from the plans' contents: the plan files by prison folder, and the
    small files every prison's pages share (settings, pages, owners, establishment facts)."""
    settings: Settings
    prisons: dict[str, tuple[tuple[str, str], ...]]  # folder name -> (path, display) of each plan file
    pages: tuple[ContentPage, ...]
    owner_aliases: dict[str, str]
    facts: dict[str, dict]  # establishment slug -> content/establishments/<slug>.yaml
    problems: tuple[Problem, ...]

    def sizes(self) -> dict[str, int]:
        """Each prison's plan files in bytes: how much reading and rendering it takes."""
        return {slug: sum(_size(path) for path, _ in files) for slug, files in self.prisons.items()}


def read_sources(project: Project) -> Sources:
    problems: list[Problem] = []
    settings = _load_settings(project, problems)
    prisons: dict[str, list[tuple[str, str]]] = {}
    base, cut = project.display(project.plans_dir), len(str(project.plans_dir)) + 1
    for path in _plan_files(project, problems):
        display = path[cut:] if base == "." else f"{base}/{path[cut:]}"
        prisons.setdefault(os.path.basename(os.path.dirname(path)), []).append((path, display))
    facts = _load_establishment_facts(project, problems)
    pages = _load_pages(project, problems)
    aliases = _load_owner_aliases(project, problems)
    return Sources(settings, {slug: tuple(files) for slug, files in sorted(prisons.items())}, pages, aliases,
                   facts, tuple(problems))


@dataclass(frozen=True)
class Prison:
    """One prison folder's plans as read and checked: the unit a build works on."""
    folder: str
    plans: tuple[Plan, ...]  # newest inspection first
    establishment: Establishment | None  # None when no plan could be read
    problems: tuple[Problem, ...]
    keys: frozenset[str]  # the cache entries used


def load_prison(folder: str, files: tuple[tuple[str, str], ...], sources: Sources,
                cache: ParseCache | None = None) -> Prison:
    """Read every plan file of one prison folder (from the cache where its bytes were read before)."""
    problems: list[Problem] = []
    plans: list[Plan] = []
    keys = set()
    for path, display in files:
        if cache is None:
            plan, found = read_plan(path, display)
        else:
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError as error:
                problems.append(Problem(display, None, f"cannot read the file ({error.strerror})",
                                        "check the file exists and can be read"))
                continue
            key = cache.key(data, display)
            keys.add(key)
            entry = cache.get(key)
            if entry is None:
                plan, found = read_plan(path, display, data)
                cache.put(key, (plan, tuple(found)))
            else:
                plan, found = entry
        problems.extend(found)
        if plan is not None:
            plans.append(plan)
    plans.sort(key=lambda p: p.inspection.start, reverse=True)
    establishment = _establishment(plans, sources.facts.get(folder, {}), problems) if plans else None
    return Prison(folder, tuple(plans), establishment, tuple(problems), frozenset(keys))


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """What checks between files need to know of a plan, without the plan itself."""
    key: tuple[str, str]
    path: str
    establishment: str
    concerns: frozenset[int]
    refs: tuple[tuple[int, int, str, ConcernRef], ...]  # (concern list index, number, field, ref)


def facts_of(plan: Plan) -> PlanFacts:
    refs = tuple((ci, c.number, name, ref) for ci, c in enumerate(plan.concerns)
                 for name in ("related", "not_related") for ref in getattr(c, name))
    return PlanFacts(plan.key, plan.path, plan.establishment, frozenset(c.number for c in plan.concerns), refs)


def check_between(sources: Sources, plans: list[PlanFacts], slugs: set[str]) -> list[Problem]:
    """Problems only several files show: a second plan for one inspection, a reference to a concern
    no plan has, an establishment file without plans. `slugs`: the establishments read."""
    problems: list[Problem] = []
    by_key: dict[tuple[str, str], PlanFacts] = {}
    for plan in sorted(plans, key=lambda p: Path(p.path).parts):
        other = by_key.get(plan.key)
        if other:
            problems.append(Problem(plan.path, None, f"a second plan for {plan.establishment}'s inspection starting "
                                    f"{plan.key[1]} (the first is {other.path})",
                                    "keep one plan per inspection: merge or delete one of the files"))
        else:
            by_key[plan.key] = plan
    for plan in plans:
        for ci, number, name, ref in plan.refs:
            target = by_key.get(ref.plan_key)
            if target is None or ref.number not in target.concerns:
                problems.append(Problem(plan.path, _ref_line(plan, ci, name, ref),
                                        f"concern {number}: reference '{ref}' names no concern",
                                        "check the establishment slug, month (YYYY-MM) and concern number"))
    for slug, fact in sources.facts.items():
        if slug not in slugs:
            problems.append(Problem(fact["_path"], None, f"no plan for establishment '{fact['name']}'",
                                    f"add a plan under content/plans/{slug}/ or delete this file", "warning"))
    if not sources.prisons:
        problems.append(Problem("content/plans", None, "no plans found",
                                "add content/plans/<establishment-slug>/<YYYY-MM>.yaml (see README)"))
    return problems


def load(project: Project, cache: ParseCache | None = None) -> Loaded:
    """Load and check all content in this process; raise ContentError listing every error (warnings
    included). The build reads prisons in worker processes with the same steps."""
    sources = read_sources(project)
    prisons = [load_prison(folder, files, sources, cache) for folder, files in sources.prisons.items()]
    problems = [*sources.problems, *(p for prison in prisons for p in prison.problems)]
    plans = [plan for prison in prisons for plan in prison.plans]
    problems += check_between(sources, [facts_of(p) for p in plans],
                              {prison.establishment.slug for prison in prisons if prison.establishment})
    if any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    establishments = tuple(sorted((p.establishment for p in prisons if p.establishment), key=lambda e: e.slug))
    content = Content(settings=sources.settings, plans=tuple(sorted(plans, key=lambda p: p.key)),
                      establishments=establishments, pages=sources.pages, owner_aliases=sources.owner_aliases)
    return Loaded(content, tuple(sorted(problems, key=Problem.sort_key)))


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


# --- one plan file --------------------------------------------------------------------------------
def read_plan(path: Path | str, display: str, data: bytes | None = None) -> tuple[Plan | None, list[Problem]]:
    """Read, validate and build one plan (from `data` when its bytes are already read); the plan is
    None when it could not be built."""
    path = Path(path)
    try:
        text = (path.read_bytes() if data is None else data).decode("utf-8")
    except OSError as error:
        return None, [Problem(display, None, f"cannot read the file ({error.strerror})",
                              "check the file exists and can be read")]
    except UnicodeDecodeError as error:
        return None, [Problem(display, None, f"the file is not UTF-8 text (byte {error.start + 1})",
                              "save it as UTF-8 text")]
    report = _FileProblems(display, text)
    try:
        document = parse_yaml(text)
    except YamlSyntaxError as error:
        report.add_at(error.line, f"YAML syntax error: {error.message}",
                      "check the indentation and quoting on this line and the one above")
        return None, report.problems
    for problem in schema.validate("plan", document):
        report.add(problem.path, _context(document, problem.path) + problem.message, problem.hint,
                   on_key=problem.on_key)
    if report.has_errors:
        return None, report.problems
    plan = _build_plan(document, display, report, hashlib.sha256(text.encode("utf-8")).hexdigest()[:32])
    if report.has_errors:  # an impossible date: the order checks would only add noise
        return None, report.problems
    _check_plan(plan, path, report)
    report.problems.extend(reference_warnings([plan]))  # here, so it runs in parallel and is cached
    return plan, report.problems  # kept despite errors found here, for the checks between files


def _context(document: Any, path: tuple[Any, ...]) -> str:
    """'concern 3, action 2: ' — where in the plan a problem is, in the plan's own words."""
    if len(path) >= 2 and path[0] == "concerns" and isinstance(path[1], int):
        try:
            number = document["concerns"][path[1]]["number"]
            where = f"concern {number}" if isinstance(number, int) else f"concern #{path[1] + 1} in the list"
        except (KeyError, IndexError, TypeError):
            where = f"concern #{path[1] + 1} in the list"
        if len(path) >= 4 and path[2] == "actions" and isinstance(path[3], int):
            where += f", action {path[3] + 1}"
            if len(path) >= 6 and path[4] == "updates" and isinstance(path[5], int):
                where += f", update {path[5] + 1}"
        return where + ": "
    if path and path[0] in ("inspection", "source"):
        return f"{path[0]}: "
    return ""


def _date(document: dict, path: tuple[Any, ...], report: _FileProblems) -> dt.date:
    value: Any = document
    for part in path:
        value = value[part]
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        name = " ".join(str(p) for p in path if isinstance(p, str)).replace("_", " ")
        report.add(path, f"{_context(document, path)}{name} '{value}' is not a real date",
                   "check the day and the month (YYYY-MM-DD)")
        return dt.date.min


def _build_plan(doc: dict, display: str, report: _FileProblems, digest: str = "") -> Plan:
    concerns = []
    for ci, c in enumerate(doc["concerns"]):
        actions = []
        for ai, a in enumerate(c["actions"]):
            updates = tuple(
                Update(date=_date(doc, ("concerns", ci, "actions", ai, "updates", ui, "date"), report),
                       status=u["status"], text=u["text"],
                       new_target=Target.parse(u["new_target"]) if "new_target" in u else None)
                for ui, u in enumerate(a.get("updates", ())))
            actions.append(Action(index=ai + 1, text=a["text"], owner=a["owner"].strip(),
                                  target=Target.parse(a["target"]), updates=updates))
        concerns.append(Concern(
            number=c["number"], kind=c["kind"], text=c["text"], actions=tuple(actions),
            theme=c.get("theme"),
            corrections=tuple(Correction(x["published"], x["shown"], x["reason"]) for x in c.get("corrections", ())),
            related=tuple(ConcernRef.parse(r) for r in c.get("related", ())),
            not_related=tuple(ConcernRef.parse(r) for r in c.get("not_related", ())),
            terms=tuple(terms(c["text"]).items())))
    return Plan(
        establishment=doc["establishment"].strip(),
        inspection=Inspection(_date(doc, ("inspection", "start"), report), _date(doc, ("inspection", "end"), report)),
        report_published=_date(doc, ("report_published",), report),
        plan_submitted=_date(doc, ("plan_submitted",), report),
        source=Source(doc["source"]["title"], doc["source"].get("url")),
        concerns=tuple(concerns), path=display, digest=digest)


def _check_plan(plan: Plan, path: Path, report: _FileProblems) -> None:
    if plan.inspection.end < plan.inspection.start:
        report.add(("inspection", "end"), f"inspection: end {plan.inspection.end} is before start {plan.inspection.start}",
                   "check the inspection dates in the published plan")
    if plan.report_published < plan.inspection.end:
        report.add(("report_published",), f"report published {plan.report_published} is before the inspection ended "
                   f"({plan.inspection.end})", "check both dates in the published plan")
    if plan.plan_submitted < plan.report_published:
        report.add(("plan_submitted",), f"plan submitted {plan.plan_submitted} is before the report was published "
                   f"({plan.report_published})", "check both dates in the published plan")
    expected = f"{plan.slug}/{plan.month_key}.yaml"
    actual = f"{path.parent.name}/{path.name}"
    if actual != expected:
        report.add(("establishment",) if path.parent.name != plan.slug else ("inspection", "start"),
                   f"the file is plans/{actual} but its establishment '{plan.establishment}' and inspection start "
                   f"{plan.inspection.start} make it plans/{expected}",
                   f"move the file to content/plans/{expected}, or correct the establishment or inspection start")
    seen: dict[int, int] = {}
    for ci, concern in enumerate(plan.concerns):
        if concern.number in seen:
            first_line = report.locator.line(("concerns", seen[concern.number], "number"))
            report.add(("concerns", ci, "number"), f"concern {concern.number}: number {concern.number} is used twice "
                       f"(first on line {first_line})", "give each concern its own number, as published")
        seen.setdefault(concern.number, ci)
        for ai, action in enumerate(concern.actions):
            for ui, update in enumerate(action.updates):
                if update.new_target and update.new_target.kind is not TargetKind.MONTH:
                    report.add(("concerns", ci, "actions", ai, "updates", ui, "new_target"),
                               f"concern {concern.number}, action {ai + 1}, update {ui + 1}: new target "
                               f"'{update.new_target.text}' is not a month",
                               "write the moved target as a month and year, e.g. March 2024", severity="warning")
    kinds = [c.kind for c in plan.concerns]
    if "key" in kinds and "priority" in kinds[kinds.index("key"):]:
        ci = kinds.index("priority", kinds.index("key"))
        report.add(("concerns", ci, "kind"), f"concern {plan.concerns[ci].number}: a priority concern after a key "
                   "concern", "published plans list priority concerns first: check the kind and the order",
                   severity="warning")


# --- between files ----------------------------------------------------------------------------
def _ref_line(plan: PlanFacts, ci: int, name: str, ref: ConcernRef) -> int | None:
    """The line of a reference, found only for the message (the file is read again)."""
    try:
        text = Path(plan.path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    refs = [r for i, _, field, r in plan.refs if i == ci and field == name]
    return LineLocator(text).line(("concerns", ci, name, refs.index(ref)))


def _plan_files(project: Project, problems: list[Problem]) -> list[str]:
    """The plan files, plans/<establishment-slug>/<name>.yaml, in order; files that look like plans
    but are misnamed or misplaced are reported. One walk of the folder (it tells files from
    folders without a stat of each)."""
    root = str(project.plans_dir)
    if not os.path.isdir(root):
        return []
    found: list[tuple[str, str]] = []
    for folder, folders, names in os.walk(root):
        folders.sort()
        depth = 0 if folder == root else folder[len(root) + 1:].count(os.sep) + 1
        for name in sorted(names):
            if not name.endswith((".yaml", ".yml")):
                continue
            if depth == 1 and name.endswith(".yaml"):
                found.append((folder, name))
            if name.startswith(".") or (depth == 1 and name.endswith(".yaml") and PLAN_NAME.match(name[:-5])):
                continue
            path = Path(folder) / name
            if name.endswith(".yml"):
                problems.append(Problem(project.display(path), None, "plan files end in .yaml, not .yml",
                                        f"rename it to {path.with_suffix('.yaml').name}"))
            else:
                problems.append(Problem(project.display(path), None,
                                        "a plan file must be named plans/<establishment-slug>/<YYYY-MM>.yaml",
                                        "name it after the month the inspection started, e.g. 2023-02.yaml"))
    return [os.path.join(folder, name) for folder, name in sorted(found)]  # Paths made only for files read


# --- settings, establishments, pages, owners ------------------------------------------------------
def _read_document(path: Path, display: str, schema_name: str, problems: list[Problem]) -> Any:
    try:
        text = read_text(path)
        document = parse_yaml(text)
    except YamlSyntaxError as error:
        problems.append(Problem(display, error.line, f"YAML syntax error: {error.message}",
                                "check the indentation and quoting on this line"))
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(display, None, f"cannot read the file ({error})", "save it as UTF-8 text"))
        return None
    report = _FileProblems(display, text)
    for problem in schema.validate(schema_name, document):
        report.add(problem.path, problem.message, problem.hint, on_key=problem.on_key)
    problems.extend(report.problems)
    return None if report.problems else document


def _load_settings(project: Project, problems: list[Problem]) -> Settings:
    path = project.settings_file
    default = Settings(title="Prison action plans", base_url="https://example.org/")
    if not path.exists():
        problems.append(Problem(project.display(path), None, "the site settings file is missing",
                                "create content/site.yaml with 'title:' and 'base_url:'"))
        return default
    document = _read_document(path, project.display(path), "site", problems)
    if document is None:
        return default
    return Settings(title=document["title"], base_url=document["base_url"],
                    description=document.get("description", ""), language=document.get("language", "en-GB"))


def _load_establishment_facts(project: Project, problems: list[Problem]) -> dict[str, dict]:
    facts: dict[str, dict] = {}
    folder = project.content_dir / "establishments"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        display = project.display(path)
        document = _read_document(path, display, "establishment", problems)
        if document is None:
            continue
        slug = urls.slugify(document["name"])
        if slug != path.stem:
            problems.append(Problem(display, LineLocator(read_text(path)).line(("name",)),
                                    f"name '{document['name']}' makes the slug '{slug}', not '{path.stem}'",
                                    f"rename the file to {slug}.yaml or correct the name"))
            continue
        facts[slug] = document | {"_path": display}
    return facts


def _establishment(plans: list[Plan], fact: dict, problems: list[Problem]) -> Establishment:
    """A prison from its plans (newest first) and its optional facts file."""
    names = {p.establishment for p in plans}
    if len(names) > 1:
        problems.append(Problem(plans[0].path, None, f"plans for '{plans[0].slug}' name the establishment "
                                "differently: " + ", ".join(sorted(names)),
                                "the site shows the name from the newest plan", "warning"))
    return Establishment(
        slug=plans[0].slug, name=fact.get("name", plans[0].establishment), plans=tuple(plans),
        type=fact.get("type"), region=fact.get("region"), operator=fact.get("operator"),
        links=tuple(Link(x["title"], x["url"]) for x in fact.get("links", ())))


def _load_pages(project: Project, problems: list[Problem]) -> tuple[ContentPage, ...]:
    folder = project.content_dir / "pages"
    pages = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        display = project.display(path)
        text = read_text(path)
        first, _, body = text.partition("\n")
        if not first.startswith("# ") or not first[2:].strip():
            problems.append(Problem(display, 1, "a page must start with its title as '# Title'",
                                    "put the page title on the first line, after '# '"))
            continue
        slug = urls.slugify(path.stem)
        if slug != path.stem:
            problems.append(Problem(display, None, f"page file names make its URL: use '{slug}.md'",
                                    "lower case words joined by '-'"))
            continue
        pages.append(ContentPage(slug=slug, title=first[2:].strip(), body=body.lstrip("\n"), path=display))
    return tuple(pages)


def _load_owner_aliases(project: Project, problems: list[Problem]) -> dict[str, str]:
    path = project.content_dir / "owners.yaml"
    if not path.exists():
        return {}
    document = _read_document(path, project.display(path), "owners", problems)
    aliases: dict[str, str] = {}
    for shown, variants in (document or {}).items():
        for variant in variants:
            if variant in aliases and aliases[variant] != shown:
                problems.append(Problem(project.display(path), LineLocator(read_text(path)).line((shown,)),
                                        f"'{variant}' is listed under both '{aliases[variant]}' and '{shown}'",
                                        "list each spelling under one owner only"))
            aliases[variant] = shown
    return aliases
