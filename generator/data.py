"""Open data: every plan as JSON and CSV, the whole dataset in one file of each, and the JSON
Schema they follow (the /data/ page that documents them is a view: generator.views.estate).

The files are a public, versioned contract like the URLs: a column or key is only ever added in a
new minor schema version, never renamed or removed without a new major one. CSV columns are defined
once (`CSV_COLUMNS`) and both the writer and the /data/ page read them, so the documentation cannot
drift from the files.

The bytes of a file depend only on the plan(s), the as-of date and the base URL. The whole-dataset
files are the plans' own files joined byte for byte (`join_json`, `join_csv`), so every record is
made once per build, by the worker that renders its prison.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import orjson

from . import urls
from .model import THEMES, UPDATE_STATUSES, Action, Concern, Plan, Target, TargetKind
from .status import STATUS_KEYS, Statuses

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


def size_text(size: int) -> str:
    """'812 bytes', '4.2 KB', '1.3 MB' (1 KB = 1024 bytes)."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


# --- the bytes: pure functions of (plans, as-of date, base URL) -------------------------------------
def plan_json(plan: Plan, as_of: dt.date, base_url: str, statuses: Statuses) -> bytes:
    """`statuses`: (concern number, action index) -> Status as of `as_of` (generator.views.plan.plan_statuses)."""
    return _json_bytes({**_header(as_of, base_url), "plan": plan_record(plan, base_url, statuses)})


def plan_csv(plan: Plan, as_of: dt.date, base_url: str, statuses: Statuses) -> bytes:
    return csv_bytes(action_rows(plan, as_of, base_url, statuses))


def join_json(plan_files: Iterable[bytes], as_of: dt.date, base_url: str) -> Iterator[bytes]:
    """The whole dataset as JSON, from each plan's plan.json (hundreds of MB at scale: in parts)."""
    header = _json_bytes(_header(as_of, base_url))[:-2]
    yield header + b',"plans":['
    before = header + b',"plan":'
    for number, written in enumerate(plan_files):
        if not (written.startswith(before) and written.endswith(b"}\n")):
            raise ValueError("a plan.json of this build does not start with this build's header")
        yield (b"," if number else b"") + written[len(before):-2]
    yield b"]}\n"


def join_csv(plan_files: Iterable[bytes]) -> Iterator[bytes]:
    """Every action as one CSV, from each plan's plan.csv (their header row once)."""
    header = csv_bytes(())
    yield header
    for written in plan_files:
        if not written.startswith(header):
            raise ValueError("a plan.csv of this build does not start with this build's header row")
        yield written[len(header):]


def schema_json(base_url: str) -> bytes:
    """The schema as written, with its $id set to where this build publishes it."""
    schema = json.loads(SCHEMA_SOURCE.read_text(encoding="utf-8"))
    schema["$id"] = base_url + urls.data_schema()
    return _json_bytes(schema)


def _header(as_of: dt.date, base_url: str) -> dict:
    return {"schema_version": SCHEMA_VERSION, "schema": base_url + urls.data_schema(),
            "as_of": as_of.isoformat(), "licence": LICENCE}


def _json_bytes(data: dict) -> bytes:
    """Compact UTF-8 JSON, the bytes json.dumps(ensure_ascii=False, separators=(",", ":")) gives, made
    by orjson (several times quicker on a build's thousands of records)."""
    return orjson.dumps(data) + b"\n"


# --- records ------------------------------------------------------------------------------------
def target_record(target: Target) -> dict:
    """Read-only: the same dict is shared by every use of an equal target (few distinct targets,
    each written several times per action)."""
    return _target_record(target.text, target.kind, target.month)


@lru_cache(maxsize=4096)
def _target_record(text: str, kind: TargetKind, month) -> dict:
    return {"text": text.strip(), "kind": kind.value,
            "month": month.strftime("%Y-%m") if kind is TargetKind.MONTH else None}


def plan_record(plan: Plan, base_url: str, statuses: Statuses) -> dict:
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
            "actions": [_action_record(plan, concern, action, statuses[(concern.number, action.index)], base_url)
                        for action in concern.actions],
        } for concern in plan.concerns],
    }


def _action_record(plan: Plan, concern: Concern, action: Action, status, base_url: str) -> dict:
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


def action_rows(plan: Plan, as_of: dt.date, base_url: str, statuses: Statuses) -> Iterator[list[str]]:
    """One row per action, its cells in CSV_COLUMNS order, every value a string as published."""
    about_plan = [plan.establishment, plan.slug, plan.inspection.start.isoformat(), plan.inspection.end.isoformat(),
                  plan.report_published.isoformat(), plan.plan_submitted.isoformat()]
    day = as_of.isoformat()
    for concern in plan.concerns:
        about_concern = about_plan + [str(concern.number), concern.kind, concern.theme or "", concern.text.strip()]
        for action in concern.actions:
            status = statuses[(concern.number, action.index)]
            published, current, latest = target_record(action.target), target_record(status.target), action.latest_update
            yield about_concern + [
                str(action.index), action.text.strip(), action.owner,
                published["text"], published["kind"], published["month"] or "",
                current["text"], current["kind"], current["month"] or "",
                str(len(action.updates)), latest.date.isoformat() if latest else "", latest.status if latest else "",
                status.key, status.label, day,
                base_url + urls.action(plan.slug, plan.month_key, concern.number, action.index)]


# --- CSV that spreadsheets open safely ------------------------------------------------------------
def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs: formula-like text gets a leading apostrophe."""
    return "'" + value if value[:1] in _FORMULA_FIRST else value


_FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each is one character


def csv_bytes(rows) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads UTF-8), RFC 4180 quoting and CRLF line ends: the
    bytes Python's csv module writes with QUOTE_MINIMAL, made with less work per cell (a plan's file
    has some 1,500 cells, the whole dataset millions)."""
    lines = [_CSV_HEADER]
    for row in rows:
        lines.append(",".join(_csv_cell(safe_cell(cell) if cell[:1] in _FORMULA_FIRST else cell) for cell in row))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _csv_cell(cell: str) -> str:
    """A cell as the csv module writes it with QUOTE_MINIMAL: quoted when it holds a comma, a quote,
    a line break or a carriage return (quotes doubled), or when it is the only cell and empty."""
    if "," in cell or '"' in cell or "\n" in cell or "\r" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


_CSV_HEADER = ",".join(c.name for c in CSV_COLUMNS)
