"""Stage 6: the plan -> YAML text in the project's house style.

Written by hand rather than by yaml.dump so the layout is stable and reviewable: keys in schema
order, literal block scalars for every text field, plain or quoted scalars for the rest. The text
is then parsed back and must give exactly the plan it was made from.
"""
from __future__ import annotations

import datetime as dt
import re

import yaml

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../../generator/schemas/plan.schema.json"
_NOT_PRINTABLE_RE = re.compile("[^\x09\x0a\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def emit(plan: dict, source_name: str) -> str:
    name = _NOT_PRINTABLE_RE.sub("?", source_name).replace("\n", " ")
    out = [SCHEMA_COMMENT,
           f"# Imported by `actionplans import` from {name}; reviewed against the published plan: no",
           f"establishment: {_scalar(plan['establishment'])}",
           "inspection:",
           f"  start: {_date(plan['inspection']['start'])}",
           f"  end: {_date(plan['inspection']['end'])}",
           f"report_published: {_date(plan['report_published'])}",
           f"plan_submitted: {_date(plan['plan_submitted'])}",
           "source:",
           f"  title: {_scalar(plan['source']['title'])}",
           "concerns:"]
    for concern in plan["concerns"]:
        out.append(f"  - number: {concern['number']}")
        out.append(f"    kind: {concern['kind']}")
        out.append(f"    text: {_text(concern['text'], 6)}")
        if not concern["actions"]:
            out.append("    actions: []")
            continue
        out.append("    actions:")
        for action in concern["actions"]:
            out.append(f"      - text: {_text(action['text'], 10)}")
            out.append(f"        owner: {_scalar(action['owner'])}")
            out.append(f"        target: {_scalar(action['target'])}")
    text = "\n".join(out) + "\n"
    loaded = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if loaded != plan:  # a bug in this module, never a problem with the input
        raise RuntimeError("the YAML written for this plan does not read back as the same plan")
    return text


def _date(value: dt.date) -> str:
    return value.isoformat()


def _scalar(value: str) -> str:
    """A plain scalar when YAML reads it back unchanged, else a quoted one."""
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1_000_000, default_flow_style=True)
    dumped = dumped.removesuffix("\n").removesuffix("\n...").removesuffix("\n")
    return dumped


def _text(value: str, indent: int) -> str:
    """A literal block scalar ('|' when the text ends with one newline, '|-' with none), indented."""
    if not value or value[:1].isspace() or _NOT_PRINTABLE_RE.search(value) or "\r" in value \
            or any(line != line.rstrip() for line in value.split("\n")):
        return _scalar(value)
    if value.endswith("\n\n"):
        indicator, body = "|+", value[:-1]
    elif value.endswith("\n"):
        indicator, body = "|", value[:-1]
    else:
        indicator, body = "|-", value
    pad = " " * indent
    return indicator + "".join("\n" + (pad + line if line else "") for line in body.split("\n"))
