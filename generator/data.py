"""Open data: every plan as JSON and CSV, the whole dataset in one file of each, the /data/ page
that documents them, and the JSON Schema they follow.

The files are a public, versioned contract like the URLs: a column or key is only ever added in a
new minor schema version, never renamed or removed without a new major one. CSV columns are defined
once (`CSV_COLUMNS`) and both the writer and the /data/ page read them, so the documentation cannot
drift from the files.

The bytes of a file depend only on the plan(s), the as-of date and the base URL. Each plan's two
files are written first (stage 0); pages that show their sizes read them from the written files,
and the whole-dataset files are joined from them byte for byte (stage 1), so every record is made
once per build; the /data/ page, which shows the whole dataset's sizes, comes last (stage 2).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from . import urls
from .model import THEMES, UPDATE_STATUSES, Action, Concern, Plan, Target, TargetKind
from .status import STATUS_KEYS, status_of

if TYPE_CHECKING:  # build imports render, which may import plan_downloads from here for templates
    from .build import Output, SiteBuild

SCHEMA_VERSION = "1.0"
SCHEMA_SOURCE = Path(__file__).resolve().parent / "schemas" / "plans-data.schema.json"
LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "attribution": "Contains public sector information licensed under the Open Government Licence v3.0: "
                   "action plans published by HM Prison and Probation Service.",
}

# Cells starting with these are formulas to spreadsheet software ("=HYPERLINK(...)", "-2+3", "@SUM").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    description: str


CSV_COLUMNS: tuple[Column, ...] = (
    Column("establishment", "The prison or young offender institution, named as the plan names it."),
    Column("establishment_slug", "The establishment's identifier in this site's web addresses."),
    Column("inspection_start", "First day of the inspection (YYYY-MM-DD)."),
    Column("inspection_end", "Last day of the inspection (YYYY-MM-DD)."),
    Column("report_published", "The day HM Inspectorate of Prisons published its report (YYYY-MM-DD)."),
    Column("plan_submitted", "The day HM Prison and Probation Service submitted the action plan (YYYY-MM-DD)."),
    Column("concern_number", "The concern's number in the report."),
    Column("concern_kind", "priority or key (a priority concern or a key concern)."),
    Column("theme", "The healthy prison area: " + ", ".join(THEMES) + "; empty when not recorded."),
    Column("concern_text", "The concern as published (Markdown)."),
    Column("action_number", "The action's number within its concern, counting from 1 in published order."),
    Column("action_text", "The action as published (Markdown)."),
    Column("owner", "Who owns the action: a role, as published."),
    Column("target", "The target date as published (\"August 2023\", \"Complete\", \"Ongoing\", other text)."),
    Column("target_kind", "The published target read as month, complete, ongoing, unparsed (text kept as "
                          "written) or none (no target published)."),
    Column("target_month", "The published target's month (YYYY-MM) when target_kind is month, else empty."),
    Column("current_target", "The target in force: a progress update's new target, else the published one."),
    Column("current_target_kind", "current_target read as target_kind is."),
    Column("current_target_month", "current_target's month (YYYY-MM) when it is a month, else empty."),
    Column("updates", "How many progress updates have been published for the action."),
    Column("latest_update_date", "The day of the latest progress update (YYYY-MM-DD), empty when none."),
    Column("latest_update_status", "The status the latest update reported: " + ", ".join(UPDATE_STATUSES)
           + "; empty when none."),
    Column("status", "The action's status as of status_as_of, as a key: " + ", ".join(STATUS_KEYS) + "."),
    Column("status_label", "The same status in the words this site shows."),
    Column("status_as_of", "The date statuses are worked out for (YYYY-MM-DD): the site's as-of date."),
    Column("url", "The action's permanent web address on this site."),
)


@dataclass(frozen=True, slots=True)
class Download:
    """A data file as a page links to it: where, what, and how big."""
    path: str
    title: str
    media_type: str
    description: str
    make: Callable[[SiteBuild], bytes]
    site: SiteBuild

    @property
    def size(self) -> int:
        written = self.site.files.size(self.path)
        if written is not None:
            return written
        data = self.make(self.site)  # not written in this build (a page rendered on its own)
        return len(data) if isinstance(data, bytes) else sum(len(chunk) for chunk in data)

    @property
    def size_text(self) -> str:
        return size_text(self.size)

    @property
    def format(self) -> str:
        return "CSV" if self.media_type.startswith("text/csv") else "JSON"


def size_text(size: int) -> str:
    """'812 bytes', '4.2 KB', '1.3 MB' (1 KB = 1024 bytes)."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


# --- outputs ------------------------------------------------------------------------------------
def data_outputs(site: SiteBuild, only: frozenset[tuple[str, str]] | None = None) -> Iterator[Output]:
    """Per plan: plan.json and plan.csv; the whole dataset, its schema and the /data/ page (with
    `only`, plan keys: only these plans' files)."""
    from .build import Output
    for plan in site.content.plans:
        if only is not None and plan.key not in only:
            continue
        yield Output(urls.plan_json(plan.slug, plan.month_key), make=_plan_json_maker(plan),
                     depends_on=frozenset({plan.key}), in_sitemap=False, stage=0)
        yield Output(urls.plan_csv(plan.slug, plan.month_key), make=_plan_csv_maker(plan),
                     depends_on=frozenset({plan.key}), in_sitemap=False, stage=0)
    if only is not None:
        return
    yield Output(urls.data_plans_json(), make=plans_json, in_sitemap=False)
    yield Output(urls.data_actions_csv(), make=actions_csv, in_sitemap=False)
    yield Output(urls.data_schema(), make=schema_json, depends_on=frozenset(), in_sitemap=False, stage=0)
    yield Output(urls.data_page(), "layouts/data.html",
                 lambda: {"dataset": dataset_downloads(site), "columns": CSV_COLUMNS, "schema_version": SCHEMA_VERSION,
                          "licence": LICENCE, "formula_starts": FORMULA_STARTS,
                          "plan_files": tuple((plan, plan_downloads(site, plan)) for plan in site.content.plans)},
                 stage=2)


def plan_downloads(site: SiteBuild, plan: Plan) -> tuple[Download, ...]:
    """The plan's two data files, for links with sizes on the plan page and the data page."""
    return (
        Download(urls.plan_csv(plan.slug, plan.month_key), "This plan as CSV", "text/csv; charset=utf-8",
                 "one row per action, for spreadsheets", _plan_csv_maker(plan), site),
        Download(urls.plan_json(plan.slug, plan.month_key), "This plan as JSON", "application/json",
                 "concerns, actions and updates, nested", _plan_json_maker(plan), site),
    )


def dataset_downloads(site: SiteBuild) -> tuple[Download, ...]:
    return (
        Download(urls.data_actions_csv(), "All actions (CSV)", "text/csv; charset=utf-8",
                 "every action of every plan, one row each, with the columns below", actions_csv, site),
        Download(urls.data_plans_json(), "All plans (JSON)", "application/json",
                 "every plan with its concerns, actions and updates, nested", plans_json, site),
        Download(urls.data_schema(), "JSON Schema of the JSON files", "application/schema+json",
                 "the structure of plans.json and every plan.json, machine-readable", schema_json, site),
    )


def _plan_json_maker(plan: Plan) -> Callable[[SiteBuild], bytes]:
    return lambda site: _plan_json(plan, site.as_of, site.base_url)


def _plan_csv_maker(plan: Plan) -> Callable[[SiteBuild], bytes]:
    return lambda site: _plan_csv(plan, site.as_of, site.base_url)


def plans_json(site: SiteBuild) -> Iterator[bytes]:
    """The whole dataset as JSON, a plan at a time (hundreds of MB at scale): each plan's record is
    cut from its plan.json when this build wrote one, else made."""
    header = json.dumps(_header(site.as_of, site.base_url), ensure_ascii=False, separators=(",", ":"))
    yield (header[:-1] + ',"plans":[').encode("utf-8")
    before = (header[:-1] + ',"plan":').encode("utf-8")
    for number, plan in enumerate(site.content.plans):
        written = site.files.read(urls.plan_json(plan.slug, plan.month_key))
        if written is not None and written.startswith(before) and written.endswith(b"}\n"):
            record = written[len(before):-2]
        else:
            record = json.dumps(plan_record(plan, site.as_of, site.base_url), ensure_ascii=False,
                                separators=(",", ":")).encode("utf-8")
        yield (b"," if number else b"") + record
    yield b"]}\n"


def actions_csv(site: SiteBuild) -> Iterator[bytes]:
    """Every action as one CSV, a plan at a time: each plan's rows are cut from its plan.csv when
    this build wrote one, else made."""
    header = csv_bytes(())
    yield header
    for plan in site.content.plans:
        written = site.files.read(urls.plan_csv(plan.slug, plan.month_key))
        if written is not None and written.startswith(header):
            yield written[len(header):]
        else:
            yield csv_rows_bytes(action_rows(plan, site.as_of, site.base_url))


def schema_json(site: SiteBuild) -> bytes:
    """The schema as written, with its $id set to where this build publishes it."""
    schema = json.loads(SCHEMA_SOURCE.read_text(encoding="utf-8"))
    schema["$id"] = site.absolute(urls.data_schema())
    return _json_bytes(schema)


# --- the bytes: pure functions of (plans, as-of date, base URL) -------------------------------------
def _plan_json(plan: Plan, as_of, base_url: str) -> bytes:
    return _json_bytes({**_header(as_of, base_url), "plan": plan_record(plan, as_of, base_url)})


def _plan_csv(plan: Plan, as_of, base_url: str) -> bytes:
    return csv_bytes(action_rows(plan, as_of, base_url))




def _header(as_of, base_url: str) -> dict:
    return {"schema_version": SCHEMA_VERSION, "schema": base_url + urls.data_schema(),
            "as_of": as_of.isoformat(), "licence": LICENCE}


def _json_bytes(data: dict) -> bytes:
    # Compact: Python's fast (C) JSON encoder only runs without indentation, and files are smaller.
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


# --- records ------------------------------------------------------------------------------------
def target_record(target: Target) -> dict:
    """Read-only: the same dict is shared by every use of an equal target (few distinct targets,
    each written several times per action)."""
    return _target_record(target.text, target.kind, target.month)


@lru_cache(maxsize=4096)
def _target_record(text: str, kind: TargetKind, month) -> dict:
    return {"text": text.strip(), "kind": kind.value,
            "month": month.strftime("%Y-%m") if kind is TargetKind.MONTH else None}


def plan_record(plan: Plan, as_of, base_url: str) -> dict:
    """A plan as nested plain data: plan -> concerns -> actions -> updates, values as published."""
    return {
        "establishment": plan.establishment,
        "establishment_slug": plan.slug,
        "url": base_url + plan.url,
        "inspection": {"start": plan.inspection.start.isoformat(), "end": plan.inspection.end.isoformat()},
        "report_published": plan.report_published.isoformat(),
        "plan_submitted": plan.plan_submitted.isoformat(),
        "source": {"title": plan.source.title, "url": plan.source.url},
        "concerns": [{
            "number": concern.number,
            "kind": concern.kind,
            "theme": concern.theme,
            "text": concern.text.strip(),
            "url": base_url + urls.concern(plan.slug, plan.month_key, concern.number),
            "actions": [_action_record(plan, concern, action, as_of, base_url) for action in concern.actions],
        } for concern in plan.concerns],
    }


def _action_record(plan: Plan, concern: Concern, action: Action, as_of, base_url: str) -> dict:
    status = status_of(action, as_of)
    return {
        "number": action.index,
        "text": action.text.strip(),
        "owner": action.owner,
        "target": target_record(action.target),
        "current_target": target_record(status.target),
        "status": {"key": status.key, "label": status.label},
        "url": base_url + urls.action(plan.slug, plan.month_key, concern.number, action.index),
        "updates": [{"date": u.date.isoformat(), "status": u.status, "text": u.text.strip(),
                     "new_target": target_record(u.new_target) if u.new_target else None}
                    for u in sorted(action.updates, key=lambda u: u.date)],
    }


def action_rows(plan: Plan, as_of, base_url: str) -> Iterator[dict[str, str]]:
    """One flat row per action, keyed by CSV_COLUMNS names, every value a string."""
    for concern in plan.concerns:
        for action in concern.actions:
            status = status_of(action, as_of)
            published, current, latest = target_record(action.target), target_record(status.target), action.latest_update
            yield {
                "establishment": plan.establishment,
                "establishment_slug": plan.slug,
                "inspection_start": plan.inspection.start.isoformat(),
                "inspection_end": plan.inspection.end.isoformat(),
                "report_published": plan.report_published.isoformat(),
                "plan_submitted": plan.plan_submitted.isoformat(),
                "concern_number": str(concern.number),
                "concern_kind": concern.kind,
                "theme": concern.theme or "",
                "concern_text": concern.text.strip(),
                "action_number": str(action.index),
                "action_text": action.text.strip(),
                "owner": action.owner,
                "target": published["text"],
                "target_kind": published["kind"],
                "target_month": published["month"] or "",
                "current_target": current["text"],
                "current_target_kind": current["kind"],
                "current_target_month": current["month"] or "",
                "updates": str(len(action.updates)),
                "latest_update_date": latest.date.isoformat() if latest else "",
                "latest_update_status": latest.status if latest else "",
                "status": status.key,
                "status_label": status.label,
                "status_as_of": as_of.isoformat(),
                "url": base_url + urls.action(plan.slug, plan.month_key, concern.number, action.index),
            }


# --- CSV that spreadsheets open safely ------------------------------------------------------------
def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs: formula-like text gets a leading apostrophe."""
    return "'" + value if value[:1] in _FORMULA_FIRST else value


_FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each is one character
_COLUMN_NAMES = tuple(c.name for c in CSV_COLUMNS)


def csv_bytes(rows) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads UTF-8), RFC 4180 quoting and CRLF line ends."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow([c.name for c in CSV_COLUMNS])
    return "\ufeff".encode("utf-8") + buffer.getvalue().encode("utf-8") + csv_rows_bytes(rows)


def csv_rows_bytes(rows) -> bytes:
    """Rows without the header, so a large file can be written a part at a time."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow(list(map(safe_cell, map(row.__getitem__, _COLUMN_NAMES))))
    return buffer.getvalue().encode("utf-8")

