"""Where a project's files are: content, templates, static assets — one object, passed explicitly."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the checkout: holds templates/ and content/


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def plans_dir(self) -> Path:
        return self.content_dir / "plans"

    @property
    def templates_dir(self) -> Path:
        """The project's own templates/, else the ones shipped beside this package."""
        own = self.root / "templates"
        return own if own.is_dir() else PACKAGE_ROOT / "templates"

    @property
    def assets_dir(self) -> Path:
        return self.templates_dir / "assets"

    @property
    def settings_file(self) -> Path:
        return self.content_dir / "site.yaml"

    def display(self, path: Path) -> str:
        """A path as messages show it: relative to the current directory when inside it."""
        try:
            relative = os.path.relpath(path)
        except ValueError:
            return str(path)
        return relative if not relative.startswith("..") else str(path)
