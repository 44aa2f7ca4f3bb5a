"""Validation against the JSON Schemas in generator/schemas/ — the single source of truth for the
shape of content files (editors get the same rules as completion and errors in their editor).

Every file goes through a compiled fast validator; only a file that fails is validated again with
jsonschema, which lists all its problems with their paths, turned here into plain-English messages.
Both check `format: date` as a real calendar date. A message quotes at most a short piece of any
value (a value can be huge).
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import fastjsonschema

if TYPE_CHECKING:
    import jsonschema

from .sources import shorten

SCHEMA_DIR = Path(__file__).parent / "schemas"


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    path: tuple[Any, ...]  # where in the document: keys and list indexes
    message: str
    hint: str
    on_key: bool = False  # the problem is the key itself (unknown key): point at the key's line


@cache
def load_schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def _real_date(value: Any) -> bool:
    if not isinstance(value, str):
        return True  # the type check reports it
    try:
        dt.date.fromisoformat(value)
        return True
    except ValueError:
        return False


@cache
def _fast_validator(name: str):
    return fastjsonschema.compile(load_schema(name), formats={"date": _real_date})


def compile_plan_validator() -> None:
    """Compile the plan files' fast validator now (serve does, so the first save does not wait
    ~80 ms for the compilation)."""
    _fast_validator("plan")


@cache
def _full_validator(name: str) -> jsonschema.protocols.Validator:
    import jsonschema  # only a file with problems needs it: a build of valid files does not load it

    schema = load_schema(name)
    formats = jsonschema.FormatChecker(formats=())
    formats.checks("date")(_real_date)
    return jsonschema.validators.validator_for(schema)(schema, format_checker=formats)


def validate(name: str, document: Any) -> list[SchemaProblem]:
    """All schema problems of one document (an empty list when it is valid)."""
    try:
        _fast_validator(name)(document)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    errors = sorted(_full_validator(name).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    other = {tuple(e.absolute_path) for e in errors if e.validator != "format"}
    # A value that is not even written YYYY-MM-DD is told so once, not also that it is no real date.
    errors = [e for e in errors if e.validator != "format" or tuple(e.absolute_path) not in other]
    return [problem for error in errors for problem in _explain(error, name)]


def _explain(error: jsonschema.ValidationError, schema_name: str) -> Iterator[SchemaProblem]:
    path = tuple(error.absolute_path)
    field = _field_name(path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        for key in sorted(set(error.instance) - set(allowed), key=str):
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"expected one of: {', '.join(allowed)}"
            yield SchemaProblem(path + (key,), f"unknown key '{shorten(key)}'", hint, on_key=True)
    elif error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        yield SchemaProblem(path, f"missing key '{missing}'",
                            f"add '{missing}:' here (see generator/schemas/{schema_name}.schema.json)")
    elif error.validator == "enum":
        choices = [str(c) for c in error.validator_value]
        expected = " or ".join(choices) if len(choices) <= 2 else ", ".join(choices[:-1]) + " or " + choices[-1]
        if isinstance(error.instance, str):
            yield SchemaProblem(path, f"unknown {field} {_describe(error.instance)}", f"expected {expected}")
        else:
            yield SchemaProblem(path, f"{field} must be {expected}, not {_describe(error.instance)}",
                                "write one of these words")
    elif error.validator == "type" and not path:
        holds = ("is empty" if error.instance is None else
                 f"holds {_describe(error.instance)} instead of keys and values")
        yield SchemaProblem(path, f"the file {holds}",
                            f"start from an existing file (see generator/schemas/{schema_name}.schema.json)")
    elif error.validator == "type":
        yield SchemaProblem(path, *_type_message(field, error.instance, str(error.validator_value)))
    elif error.validator == "pattern":
        yield SchemaProblem(path, *_pattern_message(field, error, schema))
    elif error.validator == "format":
        yield SchemaProblem(path, f"{field.replace('_', ' ')} '{shorten(error.instance)}' is not a real date",
                            "check the day and the month (YYYY-MM-DD)")
    elif error.validator in ("minItems", "minimum"):
        yield SchemaProblem(path, f"{field} is {_describe(error.instance)}",
                            "a plan needs at least one concern" if field == "concerns" else "numbers start at 1")
    else:
        yield SchemaProblem(path, shorten(error.message, 200), f"see generator/schemas/{schema_name}.schema.json")


_DECIMAL = re.compile(r"^[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?$")  # a number written with a point


def _type_message(field: str, value: Any, wanted: str) -> tuple[str, str]:
    if wanted == "integer" and isinstance(value, str) and _DECIMAL.match(value):
        whole = float(value.replace("_", ""))
        if whole.is_integer():
            return f"{field} must be a whole number like {int(whole)}, not {value}", f"write {int(whole)}"
        return f"{field} must be a whole number, not {value}", "write the number as published, without a point"
    words = {"string": "text", "integer": "a whole number", "array": "a list",
             "object": "a mapping of keys to values"}.get(wanted, wanted)
    hint = "put it in quotes to keep it as text" if words == "text" else f"write {words}"
    return f"{field} must be {words}, not {_describe(value)}", hint


def _pattern_message(field: str, error: jsonschema.ValidationError, schema: dict) -> tuple[str, str]:
    pattern = str(error.validator_value)
    if pattern == r"\S":
        return f"{field} is empty", f"write the {field} as published"
    if pattern.startswith("^[0-9]{4}"):
        return f"{field} {_describe(error.instance)} is not a date", "write it as YYYY-MM-DD, e.g. 2023-06-05"
    if pattern.startswith("^https?"):
        return f"{field} {_describe(error.instance)} is not a web address", "write a full address starting https://"
    if "concern-" in pattern:
        return (f"{_describe(error.instance)} is not a concern reference",
                "write <establishment-slug>/<YYYY-MM>#concern-<n>, e.g. hmp-leicester/2023-02#concern-6")
    return f"{field} {_describe(error.instance)} does not match {pattern}", schema.get("description", "")


def _field_name(path: tuple[Any, ...]) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "value"


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (read as yes/no)"
    if isinstance(value, (list, tuple)):
        return "an empty list" if not value else "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{shorten(value)}'"
