"""The site as a build makes it: the settings one build shares with every page, and the folder its
files are written into, which records every path written and refuses one written twice.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import urls
from .model import Settings


@dataclass(frozen=True)
class SiteInfo:
    """One build's settings: every page depends on them, and nothing else is shared by all."""
    settings: Settings
    as_of: dt.date
    base_url: str  # absolute, ends with "/"
    search: bool = True

    def absolute(self, path: str) -> str:
        return self.base_url + path


class DuplicateOutput(Exception):
    """Two parts of the build wrote one file: a bug, since `check` rules out every collision of names."""


@dataclass
class SiteFiles:
    """Writes the site's files under `folder` by site path (generator.urls), remembering each, so a
    path written twice is an error and the build knows every file and page it made."""
    folder: Path
    written: dict[str, int] = field(default_factory=dict)  # file -> size in bytes
    pages: list[str] = field(default_factory=list)  # site paths of HTML pages, for the sitemap
    _folders: set[str] = field(default_factory=set)

    def write(self, path: str, data: bytes | Iterable[bytes], page: bool = False) -> int:
        """Write the file for site path `path` (a page path ending "/" is its index.html)."""
        file = urls.output_file(path)
        if file in self.written:
            raise DuplicateOutput(f"two parts of the build write {file}")
        target = os.path.join(self.folder, file)
        parent = os.path.dirname(target)
        if parent not in self._folders:
            os.makedirs(parent, exist_ok=True)
            self._folders.add(parent)
        with open(target, "wb") as out:
            if isinstance(data, bytes):
                out.write(data)
                size = len(data)
            else:
                size = 0
                for part in data:
                    out.write(part)
                    size += len(part)
        self.written[file] = size
        if page:
            self.pages.append(path)
        return size

    def read(self, path: str) -> bytes:
        return Path(self.folder, urls.output_file(path)).read_bytes()

    def merge(self, written: dict[str, int], pages: Iterable[str]) -> None:
        """Take in the files a worker process wrote into the same folder."""
        for file in written:
            if file in self.written:
                raise DuplicateOutput(f"two parts of the build write {file}")
        self.written.update(written)
        self.pages.extend(pages)
