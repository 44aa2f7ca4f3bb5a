"""Reading content files: fast YAML parsing, and line numbers found only when a file has a problem.

Dates stay strings here (the loader parses them, so an impossible date like 2023-02-30 becomes a
clear message instead of a YAML error), and a key written twice in one mapping is an error
rather than silently keeping the last value.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML, libyaml when available, dates kept as text, duplicate keys refused."""


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return loader.construct_scalar(node)


def _mapping_without_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in seen
        except TypeError:  # an unhashable key: let SafeConstructor report it
            duplicate = False
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{key}' is written twice in this mapping", key_node.start_mark)
        seen[key] = loader.construct_object(value_node, deep=True)
    return seen


ContentLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
ContentLoader.add_constructor("tag:yaml.org,2002:map", _mapping_without_duplicates)


@dataclass(frozen=True)
class YamlSyntaxError(Exception):
    line: int | None
    message: str


def parse_yaml(text: str) -> Any:
    """Parse one YAML document; raise YamlSyntaxError with a 1-based line on bad syntax."""
    try:
        return yaml.load(text, Loader=ContentLoader)  # noqa: S506 - ContentLoader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or str(error)
        if error.context and error.problem:
            problem = f"{error.problem} ({error.context})"
        return _raise(mark.line + 1 if mark else None, problem)
    except yaml.YAMLError as error:
        return _raise(None, str(error))


def _raise(line: int | None, message: str):
    raise YamlSyntaxError(line, message)


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


class LineLocator:
    """Finds the line of a value by its path (keys and list indexes) — composed only on demand."""

    def __init__(self, text: str):
        self._text = text
        self._root: yaml.Node | None = None

    def line(self, path: tuple[Any, ...], *, key: bool = False) -> int | None:
        """The line of the node at `path`; with key=True the line of the mapping key itself.
        A path that does not exist (a missing key) gives the line of its deepest existing parent."""
        if self._root is None:
            try:
                self._root = yaml.compose(self._text, Loader=yaml.SafeLoader)
            except yaml.YAMLError:
                return None
        node, key_node = self._root, None
        for part in path:
            child, child_key = _child(node, part)
            if child is None:
                break
            node, key_node = child, child_key
        else:
            if key and key_node is not None:
                return key_node.start_mark.line + 1
        return node.start_mark.line + 1 if node is not None else None


def _child(node: yaml.Node | None, part: Any) -> tuple[yaml.Node | None, yaml.Node | None]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(part):
                return value_node, key_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part], None
    return None, None
