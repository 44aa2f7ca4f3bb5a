"""Loading content into the model, with every problem of every file collected before stopping.

Phase one of every command: read each file (schema-checked), build frozen model objects, then
cross-check between files. Nothing here writes anything. Every output path is decided here too:
an establishment's or a page's slug that is empty, too long, one the site keeps for itself, or
taken by the other kind of page is a content error, so what `check` passes `build` can write.

Each file is checked on its own by read_plan and read_page (the build calls read_plan in worker
processes, a prison at a time); the checks between files (check_plans, check_pages, check_owners)
take plain facts of each file, so a process that holds only those can run them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from . import schema, urls
from .cache import ParseCache
from .links import reference_warnings, terms
from .model import (Action, Concern, ConcernRef, Content, ContentPage, Correction, Establishment,
                    Inspection, Link, Plan, Settings, Source, Target, TargetKind, Update)
from .problems import ContentError, Problem
from .project import Project
from .sources import (LineLocator, SourceProblem, control_characters, decode, not_a_file, parse_yaml, read_bytes,
                      read_text, shorten)

PLAN_NAME = re.compile(r"^\d{4}-\d{2}$")
# Names editors give files meant as content files: each is reported unless written exactly so.
_LOOKALIKES = {".yaml": (".yaml", ".yml"), ".md": (".md", ".markdown")}


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


def _source_problem(display: str, problem: SourceProblem) -> Problem:
    return Problem(display, problem.line, problem.message, problem.hint)


@dataclass(frozen=True)
class PlanFacts:
    """What the checks between files need of one plan, as plain values a worker process can send."""
    path: str  # the plan file, as messages show it
    key: tuple[str, str]  # (establishment slug, YYYY-MM)
    establishment: str
    numbers: frozenset[int]  # its concerns' numbers
    # (concern number, "related" or "not_related", concern index, index in that list, the reference)
    references: tuple[tuple[int, str, int, int, ConcernRef], ...]
    # each owner as published, once, with where it is first used: (owner, concern number, concern
    # index, action index)
    owners: tuple[tuple[str, int, int, int], ...]

    @classmethod
    def of(cls, plan: Plan) -> "PlanFacts":
        references = tuple((c.number, field, ci, ri, ref) for ci, c in enumerate(plan.concerns)
                           for field in ("related", "not_related") for ri, ref in enumerate(getattr(c, field)))
        owners: dict[str, tuple[str, int, int, int]] = {}
        for ci, concern in enumerate(plan.concerns):
            for ai, action in enumerate(concern.actions):
                owners.setdefault(action.owner, (action.owner, concern.number, ci, ai))
        return cls(plan.path, plan.key, plan.establishment, frozenset(c.number for c in plan.concerns),
                   references, tuple(owners.values()))


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
    plans_folder: str  # content/plans as messages name it

    def sizes(self) -> dict[str, int]:
        """Each prison's plan files in bytes: how much reading and rendering it takes."""
        return {slug: sum(_size(path) for path, _ in files) for slug, files in self.prisons.items()}


def read_sources(project: Project) -> Sources:
    problems: list[Problem] = []
    settings = _load_settings(project, problems)
    settings_read = not problems  # a page's link to the contact is checked against settings that could be read
    prisons: dict[str, list[tuple[str, str]]] = {}
    base, cut = project.display(project.plans_dir), len(str(project.plans_dir)) + 1
    for path in _plan_files(project, problems):
        display = path[cut:] if base == "." else f"{base}/{path[cut:]}"
        prisons.setdefault(os.path.basename(os.path.dirname(path)), []).append((path, display))
    facts = _load_establishment_facts(project, problems)
    pages = _load_pages(project, problems)
    if settings_read:
        problems += _named_links(pages, settings)
    aliases = _load_owner_aliases(project, problems)
    return Sources(settings, {slug: tuple(files) for slug, files in sorted(prisons.items())}, pages, aliases,
                   facts, tuple(problems), base)


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
                data = read_bytes(path)
            except SourceProblem as problem:
                problems.append(_source_problem(display, problem))
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


def check_between(sources: Sources, plans: Sequence[PlanFacts], slugs: set[str]) -> list[Problem]:
    """Problems only several files show: a second plan for one inspection, a reference to a concern
    no plan has, a page named like a prison, an owner's page address too long, an establishment
    file without plans. `slugs`: the establishments read."""
    plans = sorted(plans, key=lambda p: Path(p.path).parts)
    problems = check_plans(plans)
    problems += check_pages({page.slug: page.path for page in sources.pages}, {p.key[0]: p.path for p in plans})
    problems += check_owners(plans, sources.owner_aliases)
    for slug, fact in sources.facts.items():
        if slug not in slugs:
            problems.append(Problem(fact["_path"], None, f"no plan for establishment '{fact['name']}'",
                                    f"add a plan under content/plans/{slug}/ or delete this file", "warning"))
    if not sources.prisons:
        problems.append(Problem(sources.plans_folder, None, "no plans found",
                                "add content/plans/<establishment-slug>/<YYYY-MM>.yaml (see README)"))
    return problems


def every_problem(sources: Sources, found: Iterable[Problem], plans: Sequence[PlanFacts], slugs: set[str],
                  strict: bool = False) -> list[Problem]:
    """The problems of every file (`found`: those the prisons' files gave) and between files, sorted;
    raise ContentError listing them all when there is an error (with `strict`, any problem)."""
    problems = [*sources.problems, *found, *check_between(sources, plans, slugs)]
    if any(p.severity == "error" for p in problems) or (strict and problems):
        raise ContentError([dataclasses.replace(p, severity="error") if strict else p for p in problems])
    return sorted(problems, key=Problem.sort_key)


def load(project: Project) -> Loaded:
    """Load and check all content in this process; raise ContentError listing every error (warnings
    included). The build reads prisons in worker processes with the same steps."""
    sources = read_sources(project)
    prisons = [load_prison(folder, files, sources) for folder, files in sources.prisons.items()]
    plans = [plan for prison in prisons for plan in prison.plans]
    problems = every_problem(sources, (p for prison in prisons for p in prison.problems),
                             [PlanFacts.of(p) for p in plans],
                             {prison.establishment.slug for prison in prisons if prison.establishment})
    establishments = tuple(sorted((p.establishment for p in prisons if p.establishment), key=lambda e: e.slug))
    content = Content(settings=sources.settings, plans=tuple(sorted(plans, key=lambda p: p.key)),
                      establishments=establishments, pages=sources.pages, owner_aliases=sources.owner_aliases)
    return Loaded(content, tuple(problems))


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


# --- one plan file --------------------------------------------------------------------------------
def read_plan(path: Path | str, display: str, data: bytes | None = None) -> tuple[Plan | None, list[Problem]]:
    """Read, validate and build one plan (from `data` when its bytes are already read); the plan is
    None when it could not be built.

    Every check whose own fields are sound runs, whatever else is wrong, so one run lists every
    problem of the file."""
    path = Path(path)
    try:
        text = read_text(path) if data is None else decode(data)
    except SourceProblem as problem:
        return None, [_source_problem(display, problem)]
    report = _FileProblems(display, text)
    controls = control_characters(text)
    if controls:  # YAML would stop at the first; each is reported at its own line
        report.problems.extend(_source_problem(display, problem) for problem in controls)
        return None, report.problems
    try:
        document = parse_yaml(text)
    except SourceProblem as problem:
        return None, [_source_problem(display, problem)]
    schema_problems = schema.validate("plan", document)
    for problem in schema_problems:
        report.add(problem.path, _context(document, problem.path) + problem.message, problem.hint,
                   on_key=problem.on_key)
    if isinstance(document, dict):
        _check_plan(document, path, report)
    if schema_problems:
        return None, report.problems
    plan = _build_plan(document, display)
    report.problems.extend(reference_warnings([plan]))  # here, so it runs in parallel and is cached
    return plan, report.problems  # kept despite errors found by the checks, for the checks between files


def _context(document: Any, path: tuple[Any, ...]) -> str:
    """'concern 3, action 2: ' — where in the plan a problem is, in the plan's own words."""
    if len(path) >= 2 and path[0] == "concerns" and isinstance(path[1], int):
        where = _concern_label(document, path[1])
        if len(path) >= 4 and path[2] == "actions" and isinstance(path[3], int):
            where += f", action {path[3] + 1}"
            if len(path) >= 6 and path[4] == "updates" and isinstance(path[5], int):
                where += f", update {path[5] + 1}"
        return where + ": "
    if path and path[0] in ("inspection", "source"):
        return f"{path[0]}: "
    return ""


def _build_plan(doc: dict, display: str) -> Plan:
    """The model of a plan that fits the schema (its dates are real dates)."""
    concerns = []
    for c in doc["concerns"]:
        actions = []
        for ai, a in enumerate(c["actions"]):
            updates = tuple(
                Update(date=dt.date.fromisoformat(u["date"]), status=u["status"], text=u["text"],
                       new_target=Target.parse(u["new_target"]) if "new_target" in u else None)
                for u in a.get("updates", ()))
            actions.append(Action(index=ai + 1, text=a["text"], owner=a["owner"].strip(),
                                  target=Target.parse(a["target"]), updates=updates))
        concerns.append(Concern(
            number=c["number"], kind=c["kind"], text=c["text"], actions=tuple(actions),
            theme=c.get("theme"),
            corrections=tuple(Correction(x["published"], x["shown"], x["reason"]) for x in c.get("corrections", ())),
            related=tuple(ConcernRef.parse(r) for r in c.get("related", ())),
            not_related=tuple(ConcernRef.parse(r) for r in c.get("not_related", ())),
            terms=tuple(terms(c["text"]).items())))
    inspection = doc["inspection"]
    return Plan(
        establishment=doc["establishment"].strip(),
        inspection=Inspection(dt.date.fromisoformat(inspection["start"]), dt.date.fromisoformat(inspection["end"])),
        report_published=dt.date.fromisoformat(doc["report_published"]),
        plan_submitted=dt.date.fromisoformat(doc["plan_submitted"]),
        source=Source(doc["source"]["title"], doc["source"].get("url")),
        concerns=tuple(concerns), path=display)


# --- checks of one plan file, on its document: each reads only its own fields and runs when they are sound
def _at(document: Any, *path: Any, kind: type = str) -> Any:
    """The value at `path` if it is there and of type `kind` (a bool is no int), else None."""
    value = document
    for part in path:
        if isinstance(part, int) and isinstance(value, list) and 0 <= part < len(value):
            value = value[part]
        elif isinstance(part, str) and isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        return None
    return value


_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _real_date(document: Any, *path: Any) -> dt.date | None:
    text = _at(document, *path)
    try:
        return dt.date.fromisoformat(text) if text and _DATE.match(text) else None
    except ValueError:
        return None


def _concerns(document: dict) -> list[tuple[int, dict]]:
    return [(ci, c) for ci, c in enumerate(_at(document, "concerns", kind=list) or ()) if isinstance(c, dict)]


def _concern_label(document: Any, ci: int) -> str:
    """'concern 3' by its number, or 'concern #2 in the list' while its number is unsound."""
    number = _at(document, "concerns", ci, "number", kind=int)
    return f"concern {number}" if number is not None else f"concern #{ci + 1} in the list"


def _check_plan(document: dict, path: Path, report: _FileProblems) -> None:
    _check_dates(document, report)
    _check_slug(document, path, report)
    _check_numbers(document, report)
    _check_references(document, report)
    _check_updates(document, report)
    _check_kinds(document, report)


def _check_dates(document: dict, report: _FileProblems) -> None:
    start, end = _real_date(document, "inspection", "start"), _real_date(document, "inspection", "end")
    published, submitted = _real_date(document, "report_published"), _real_date(document, "plan_submitted")
    if start and end and end < start:
        report.add(("inspection", "end"), f"inspection: end {end} is before start {start}",
                   "check the inspection dates in the published plan")
    if end and published and published < end:
        report.add(("report_published",), f"report published {published} is before the inspection ended ({end})",
                   "check both dates in the published plan")
    if published and submitted and submitted < published:
        report.add(("plan_submitted",), f"plan submitted {submitted} is before the report was published "
                   f"({published})", "check both dates in the published plan")


def _check_slug(document: dict, path: Path, report: _FileProblems) -> None:
    """The establishment's name makes its folder in the site (and in content/plans/): a slug that
    cannot be one is an error here, before the file's own place is compared with it."""
    name = _at(document, "establishment")
    if name is None or not name.strip():
        return  # the schema reports it
    name = name.strip()
    slug = urls.slugify(name)
    problem = establishment_slug_problem(name, slug)
    if problem:
        report.add(("establishment",), *problem)
        return
    start = _real_date(document, "inspection", "start")
    if start is None:
        return
    expected = f"{slug}/{start:%Y-%m}.yaml"
    actual = f"{path.parent.name}/{path.name}"
    if actual != expected:
        report.add(("establishment",) if path.parent.name != slug else ("inspection", "start"),
                   f"the file is plans/{actual} but its establishment '{shorten(name)}' and inspection start "
                   f"{start} make it plans/{expected}",
                   f"move the file to content/plans/{expected}, or correct the establishment or inspection start")


def establishment_slug_problem(name: str, slug: str) -> tuple[str, str] | None:
    """(what is wrong, how to fix) when an establishment's slug cannot be its folder in the site."""
    if not slug:
        return (f"the establishment '{shorten(name)}' has no letters a-z or digits, so it makes no web address",
                "write the name in Latin letters as the plan publishes it, e.g. 'HMP Leicester' (its address is "
                "hmp-leicester/)")
    if len(slug) > urls.MAX_SLUG_LENGTH:
        return (f"the establishment's name makes a web address of {len(slug)} characters (at most "
                f"{urls.MAX_SLUG_LENGTH}): '{shorten(name)}'",
                "write only the establishment's name as published, e.g. 'HMP Leicester'")
    if slug in urls.RESERVED_NAMES or slug in urls.LINKED_PAGE_SLUGS:
        return (f"the establishment '{shorten(name)}' makes the address '{slug}/', which the site keeps for its "
                f"own {slug} page{'s' * (slug in urls.RESERVED_NAMES)}",
                f"write the establishment's full name as published, e.g. 'HMP {shorten(name)}'")
    return None


def _check_numbers(document: dict, report: _FileProblems) -> None:
    """A number written twice is an error: the permanent links #concern-<n> would clash. A gap is
    a warning: the plan is shown as published and a published plan may skip a number, but a gap
    is more often a concern left out in copying, which the editor should look for."""
    seen: dict[int, int] = {}
    unsound = False  # a number the schema refuses: the gaps would be guesswork until it is fixed
    for ci, concern in _concerns(document):
        number = _at(concern, "number", kind=int)
        if number is None or number < 1:
            unsound = True
            continue
        if number in seen:
            first_line = report.locator.line(("concerns", seen[number], "number"))
            report.add(("concerns", ci, "number"), f"concern {number}: number {number} is used twice "
                       f"(first on line {first_line})", "give each concern its own number, as published")
        seen.setdefault(number, ci)
    if unsound:
        return
    previous = 0
    for number in sorted(seen):
        if number > previous + 1:
            which = (f"concern {previous + 1} is" if number == previous + 2 else
                     f"concerns {previous + 1}–{number - 1} are")
            report.add(("concerns", seen[number], "number"), f"concern {number}: {which} missing before it",
                       "check the published plan: add the missing concern, or correct the numbers", severity="warning")
        previous = number


def _check_references(document: dict, report: _FileProblems) -> None:
    """A concern related to itself, or listed twice, or both related and not: always a slip, and
    one the page would show as a link to itself or a contradiction, so an error."""
    slug = urls.slugify(_at(document, "establishment") or "")
    start = _real_date(document, "inspection", "start")
    for ci, concern in _concerns(document):
        number = _at(concern, "number", kind=int)
        label = _concern_label(document, ci)
        written: dict[str, tuple[str, int]] = {}
        for field in ("related", "not_related"):
            for ri, ref in enumerate(_at(concern, field, kind=list) or ()):
                if not isinstance(ref, str):
                    continue
                where = ("concerns", ci, field, ri)
                if start and number is not None and ref == f"{slug}/{start:%Y-%m}#{urls.concern_id(number)}":
                    report.add(where, f"{label}: {field.replace('_', ' ')} '{shorten(ref)}' is this concern itself",
                               "delete this line: a concern is not related to itself")
                elif ref in written:
                    other, _ = written[ref]
                    twice = "twice" if other == field else "as both related and not related"
                    report.add(where, f"{label}: '{shorten(ref)}' is listed {twice}",
                               "keep it once, under related or not_related")
                written.setdefault(ref, (field, ri))


def _check_updates(document: dict, report: _FileProblems) -> None:
    for ci, concern in _concerns(document):
        for ai, action in enumerate(_at(concern, "actions", kind=list) or ()):
            for ui, update in enumerate(_at(action, "updates", kind=list) or ()):
                new_target = _at(update, "new_target")
                if new_target and new_target.strip() and Target.parse(new_target).kind is not TargetKind.MONTH:
                    report.add(("concerns", ci, "actions", ai, "updates", ui, "new_target"),
                               f"{_concern_label(document, ci)}, action {ai + 1}, update {ui + 1}: new target "
                               f"'{shorten(new_target)}' is not a month",
                               "write the moved target as a month and year, e.g. March 2024", severity="warning")


def _check_kinds(document: dict, report: _FileProblems) -> None:
    kinds = [(ci, _at(c, "kind")) for ci, c in _concerns(document)]
    first_key = next((i for i, (_, kind) in enumerate(kinds) if kind == "key"), None)
    if first_key is None:
        return
    late = next((ci for ci, kind in kinds[first_key:] if kind == "priority"), None)
    if late is not None:
        report.add(("concerns", late, "kind"), f"{_concern_label(document, late)}: a priority concern after a key "
                   "concern", "published plans list priority concerns first: check the kind and the order",
                   severity="warning")


# --- between files: plain facts in, problems out --------------------------------------------------
def check_plans(plans: Sequence[PlanFacts]) -> list[Problem]:
    """Two plans for one inspection, and references that name no concern of any plan."""
    problems: list[Problem] = []
    by_key: dict[tuple[str, str], PlanFacts] = {}
    for plan in plans:
        other = by_key.get(plan.key)
        if other:
            problems.append(Problem(plan.path, None, f"a second plan for {shorten(plan.establishment)}'s inspection "
                                    f"starting {plan.key[1]} (the first is {other.path})",
                                    "keep one plan per inspection: merge or delete one of the files"))
        else:
            by_key[plan.key] = plan
    for plan in plans:
        for number, field, ci, ri, ref in plan.references:
            target = by_key.get(ref.plan_key)
            if target is None or ref.number not in target.numbers:
                problems.append(Problem(plan.path, _line_in(plan.path, ("concerns", ci, field, ri)),
                                        f"concern {number}: reference '{ref}' names no concern",
                                        "check the establishment slug, month (YYYY-MM) and concern number"))
    return problems


def check_pages(pages: Mapping[str, str], establishments: Mapping[str, str]) -> list[Problem]:
    """A content page whose slug is an establishment's: both would be written to one folder.
    `pages`: page slug -> its file; `establishments`: establishment slug -> one of its plan files.
    (An establishment named like a page the footer links to, 'About', is told so by its plan.)"""
    return [Problem(path, None, f"this page's address '{slug}/' is also the address of the establishment whose "
                                f"plan is {establishments[slug]}", "rename the page file (its name makes its address)")
            for slug, path in sorted(pages.items()) if slug in establishments and slug not in urls.LINKED_PAGE_SLUGS]


def check_owners(plans: Iterable[PlanFacts], aliases: Mapping[str, str]) -> list[Problem]:
    """An owner whose page address (owners/<slug>/) would be too long for a file name. A spelling
    content/owners.yaml lists is shown under its name there, checked where that file is read."""
    problems = []
    for plan in plans:
        for owner, number, ci, ai in plan.owners:
            length = len(urls.slugify(owner))
            if owner not in aliases and length > urls.MAX_SLUG_LENGTH:
                problems.append(Problem(
                    plan.path, _line_in(plan.path, ("concerns", ci, "actions", ai, "owner")),
                    f"concern {number}, action {ai + 1}: the owner '{shorten(owner)}' makes an owner page address "
                    f"of {length} characters (at most {urls.MAX_SLUG_LENGTH})",
                    "list this spelling in content/owners.yaml under a shorter name for its page (or check that "
                    "the owner took in no other text)"))
    return problems


def _line_in(display: str, path: tuple[Any, ...]) -> int | None:
    """The line of a value in a file already read once (for a problem found between files)."""
    try:
        return LineLocator(read_text(display)).line(path)
    except SourceProblem:
        return None


# --- finding content files ------------------------------------------------------------------------
def _looks_like(name: str, suffix: str) -> bool:
    """Named as a content file of this kind is meant to be (hidden files are drafts: skipped)."""
    return not name.startswith(".") and name.lower().endswith(_LOOKALIKES[suffix])


def _misfiled(entry: os.DirEntry, suffix: str, noun: str) -> tuple[str, str] | None:
    """What is wrong with an entry named like a content file, or None for a plain file named right
    (a link to one is fine). Nothing here opens the entry, so a pipe or a device cannot block."""
    name = entry.name
    if not name.endswith(suffix):
        stem, _, ending = name.rpartition(".")
        case = " (lower case)" if f".{ending.lower()}" == suffix else ""
        return f"{noun} end in {suffix}{case}, not .{ending}", f"rename it to {stem}{suffix}"
    try:
        if entry.is_file():
            return None
        mode = entry.stat().st_mode
    except OSError:
        return "this is a link to a file that does not exist", "remove the link or put the file itself here"
    problem = not_a_file(mode)
    return problem.message, problem.hint


def _entries(folder: str) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as found:
            return sorted(found, key=lambda entry: entry.name)
    except OSError:
        return []


def _content_files(folder: Path, suffix: str, noun: str, project: Project, problems: list[Problem]) -> list[Path]:
    """The plain files <name><suffix> in `folder`, in order; entries only named like them are reported."""
    found = []
    for entry in _entries(str(folder)):
        if _looks_like(entry.name, suffix):
            wrong = _misfiled(entry, suffix, noun)
            if wrong:
                problems.append(Problem(project.display(Path(entry.path)), None, *wrong))
            else:
                found.append(Path(entry.path))
    return found


def _plan_files(project: Project, problems: list[Problem]) -> list[str]:
    """The plan files, plans/<establishment-slug>/<YYYY-MM>.yaml, in order; entries that look like
    plans but are misnamed, misplaced or not plain files are reported and never opened. One walk of
    the folder (its entries tell files from folders without a stat of each)."""
    root = str(project.plans_dir)
    found: list[str] = []

    def visit(folder: str, depth: int) -> None:
        for entry in _entries(folder):
            name = entry.name
            if not _looks_like(name, ".yaml"):
                if name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    visit(entry.path, depth + 1)
                elif depth == 0 and entry.is_symlink() and entry.is_dir():
                    problems.append(Problem(project.display(Path(entry.path)), None,
                                            "this is a link to a folder, which is not read",
                                            "move the establishment's folder itself here"))
                continue
            wrong = _misfiled(entry, ".yaml", "plan files")
            if wrong:
                problems.append(Problem(project.display(Path(entry.path)), None, *wrong))
            elif depth == 1 and PLAN_NAME.match(name[:-5]):
                found.append(entry.path)  # Paths made only for files read
            else:
                problems.append(Problem(project.display(Path(entry.path)), None,
                                        "a plan file must be named plans/<establishment-slug>/<YYYY-MM>.yaml",
                                        "name it after the month the inspection started, e.g. 2023-02.yaml"))

    if os.path.isdir(root):
        visit(root, 0)
    return found


# --- settings, establishments, pages, owners ------------------------------------------------------
def _read_document(path: Path, display: str, schema_name: str, problems: list[Problem]) -> tuple[Any, str]:
    """(document, text) of a small content file that fits its schema, else (None, text) with its
    problems added."""
    try:
        text = read_text(path)
    except SourceProblem as problem:
        problems.append(_source_problem(display, problem))
        return None, ""
    controls = control_characters(text)
    if controls:
        problems.extend(_source_problem(display, problem) for problem in controls)
        return None, text
    try:
        document = parse_yaml(text)
    except SourceProblem as problem:
        problems.append(_source_problem(display, problem))
        return None, text
    report = _FileProblems(display, text)
    for problem in schema.validate(schema_name, document):
        report.add(problem.path, problem.message, problem.hint, on_key=problem.on_key)
    problems.extend(report.problems)
    return (None if report.problems else document), text


def _misnamed(project: Project, path: Path, problems: list[Problem]) -> bool:
    """Whether a file meant as `path` (site.yaml, owners.yaml) is there under another ending
    (owners.yml, Site.YAML): reported, as it is not read."""
    stem = path.name.removesuffix(".yaml").lower()
    for entry in _entries(str(path.parent)):
        if _looks_like(entry.name, ".yaml") and entry.name.rpartition(".")[0].lower() == stem:
            problems.append(Problem(project.display(Path(entry.path)), None, "this file is not read: it must be "
                                    f"named {path.name}", f"rename it to {path.name}"))
            return True
    return False


def _load_settings(project: Project, problems: list[Problem]) -> Settings:
    path = project.settings_file
    default = Settings(title="Prison action plans", base_url="https://example.org/")
    if not os.path.lexists(path):
        if not _misnamed(project, path, problems):
            problems.append(Problem(project.display(path), None, "the site settings file is missing",
                                    "create content/site.yaml with 'title:' and 'base_url:'"))
        return default
    document, _ = _read_document(path, project.display(path), "site", problems)
    if document is None:
        return default
    return Settings(title=document["title"], base_url=document["base_url"],
                    description=document.get("description", ""), language=document.get("language", "en-GB"),
                    contact=document.get("contact", ""))


def _load_establishment_facts(project: Project, problems: list[Problem]) -> dict[str, dict]:
    facts: dict[str, dict] = {}
    for path in _content_files(project.content_dir / "establishments", ".yaml", "establishment files", project,
                               problems):
        display = project.display(path)
        document, text = _read_document(path, display, "establishment", problems)
        if document is None:
            continue
        name = document["name"].strip()
        slug = urls.slugify(name)
        wrong = establishment_slug_problem(name, slug)
        if wrong is None and slug != path.stem:
            wrong = (f"name '{shorten(name)}' makes the slug '{slug}', not '{path.stem}'",
                     f"rename the file to {slug}.yaml or correct the name")
        if wrong:
            problems.append(Problem(display, LineLocator(text).line(("name",)), *wrong))
            continue
        facts[slug] = document | {"_path": display}
    return facts


def _establishment(plans: list[Plan], fact: dict, problems: list[Problem]) -> Establishment:
    """A prison from its plans (newest first) and its optional facts file."""
    names = {p.establishment for p in plans}
    if len(names) > 1:
        problems.append(Problem(plans[0].path, None, f"plans for '{plans[0].slug}' name the establishment "
                                "differently: " + ", ".join(sorted(shorten(n) for n in names)),
                                "the site shows the name from the newest plan", "warning"))
    return Establishment(
        slug=plans[0].slug, name=fact.get("name", plans[0].establishment), plans=tuple(plans),
        type=fact.get("type"), region=fact.get("region"), operator=fact.get("operator"),
        links=tuple(Link(x["title"], x["url"]) for x in fact.get("links", ())))


def _load_pages(project: Project, problems: list[Problem]) -> tuple[ContentPage, ...]:
    pages = []
    for path in _content_files(project.content_dir / "pages", ".md", "page files", project, problems):
        page, page_problems = read_page(path, project.display(path))
        problems.extend(page_problems)
        if page is not None:
            pages.append(page)
    return tuple(pages)


_NAMED_LINK = re.compile(r"\]\[([^\]]+)\]")


def _named_links(pages: Sequence[ContentPage], settings: Settings) -> list[Problem]:
    """A page's link to a name the settings give no address for ([write to us][contact] without
    `contact:` in site.yaml) would show as brackets: an error, at its line."""
    problems = []
    for page in pages:
        for number, line in enumerate(page.body.split("\n"), page.body_line):
            for name in _NAMED_LINK.findall(line):
                if name.lower() == "contact" and "contact" not in settings.links:
                    problems.append(Problem(page.path, number, f"the link [{shorten(name)}] needs a contact address",
                                            "add contact: with an email or web address to content/site.yaml"))
    return problems


def read_page(path: Path, display: str) -> tuple[ContentPage | None, list[Problem]]:
    """One Markdown page: its first line is its title ('# Title'), its file name its address."""
    try:
        text = read_text(path)
    except SourceProblem as problem:
        return None, [_source_problem(display, problem)]
    problems = [_source_problem(display, problem) for problem in control_characters(text)]
    first, _, body = text.partition("\n")
    if not first.startswith("# ") or not first[2:].strip():
        problems.append(Problem(display, 1, "a page must start with its title as '# Title'",
                                "put the page title on the first line, after '# '"))
    slug = urls.slugify(path.stem)
    wrong = page_slug_problem(path.stem, slug)
    if wrong:
        problems.append(Problem(display, None, *wrong))
    if problems:
        return None, problems
    stripped = body.lstrip("\n")
    return ContentPage(slug=slug, title=first[2:].strip(), body=stripped, path=display,
                       body_line=2 + len(body) - len(stripped)), []


def page_slug_problem(stem: str, slug: str) -> tuple[str, str] | None:
    """(what is wrong, how to fix) when a page's file name cannot be its folder in the site."""
    if not slug:
        return ("this page's file name has no letters a-z or digits, so it makes no web address",
                "name the file with lower case words joined by '-', e.g. how-to-read-a-plan.md")
    if slug != stem:
        return f"page file names make its URL: use '{slug[:urls.MAX_SLUG_LENGTH]}.md'", "lower case words joined by '-'"
    if len(slug) > urls.MAX_SLUG_LENGTH:
        return (f"this page's file name makes a web address of {len(slug)} characters (at most "
                f"{urls.MAX_SLUG_LENGTH})", "give the file a shorter name")
    if slug in urls.RESERVED_NAMES:
        return (f"this page's address '{slug}/' is a folder the site keeps for its own {slug} pages",
                "give the file another name (its name makes its address)")
    return None


def _load_owner_aliases(project: Project, problems: list[Problem]) -> dict[str, str]:
    path = project.content_dir / "owners.yaml"
    if not os.path.lexists(path):
        _misnamed(project, path, problems)
        return {}
    display = project.display(path)
    document, text = _read_document(path, display, "owners", problems)
    aliases: dict[str, str] = {}
    locator = LineLocator(text)
    for shown, variants in (document or {}).items():
        length = len(urls.slugify(shown))
        if length > urls.MAX_SLUG_LENGTH:
            problems.append(Problem(display, locator.line((shown,), key=True),
                                    f"the owner '{shorten(shown)}' makes an owner page address of {length} characters "
                                    f"(at most {urls.MAX_SLUG_LENGTH})", "choose a shorter name to show"))
        for variant in variants:
            if variant in aliases and aliases[variant] != shown:
                problems.append(Problem(display, locator.line((shown,)),
                                        f"'{shorten(variant)}' is listed under both '{shorten(aliases[variant])}' and "
                                        f"'{shorten(shown)}'", "list each spelling under one owner only"))
            aliases[variant] = shown
    return aliases
