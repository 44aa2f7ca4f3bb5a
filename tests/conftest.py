"""Shared fixtures: `make_project` writes a small project (YAML content) into a temp dir."""
from __future__ import annotations

import copy
import datetime as dt
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.project import Project
from generator import urls

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "tests" / "seeds"
AS_OF = dt.date(2026, 11, 23)

# The Content-Security-Policy docs/publishing.md recommends; the browser tests serve the site with it.
RECOMMENDED_CSP = ("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
                   "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
                   "frame-ancestors 'none'")

SITE_YAML = "title: Test action plans\nbase_url: https://example.org/plans/\ncontact: editors@example.org\n"


def plan_data(establishment: str = "HMP Testshire", start: str = "2023-02-13", **overrides: Any) -> dict:
    """A small valid plan as plain data; override any top-level key."""
    data = {
        "establishment": establishment,
        "inspection": {"start": start, "end": (dt.date.fromisoformat(start) + dt.timedelta(days=10)).isoformat()},
        "report_published": (dt.date.fromisoformat(start) + dt.timedelta(days=100)).isoformat(),
        "plan_submitted": (dt.date.fromisoformat(start) + dt.timedelta(days=110)).isoformat(),
        "source": {"title": f"Action Plan: {establishment}"},
        "concerns": [
            {"number": 1, "kind": "priority", "theme": "safety",
             "text": "Violence was too high.\n",
             "actions": [{"text": "Review the safety strategy.\n", "owner": "Governor", "target": "August 2023"},
                         {"text": "Train all staff.\n", "owner": "Head of Safety", "target": "Complete"}]},
            {"number": 2, "kind": "key", "theme": "respect",
             "text": "Many cells needed refurbishment.\n",
             "actions": [{"text": "Refurbish cells.\n", "owner": "Governor", "target": "Ongoing"}]},
        ],
    }
    data.update(copy.deepcopy(overrides))
    return data


def plan_path(data: dict) -> str:
    return f"plans/{urls.slugify(data['establishment'])}/{data['inspection']['start'][:7]}.yaml"


def write_plan(root: Path, data: dict) -> Path:
    path = root / "content" / plan_path(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def actionplans(*args: str, cwd: Path, env: dict[str, str] | None = None, limit_file_size: int | None = None,
                timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m generator ARGS` in `cwd`, as CI runs it; with `limit_file_size`, as on a disk that is
    full once a file reaches that many bytes (writes then fail with EFBIG, as they fail with ENOSPC on a
    full disk)."""
    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})},
                          preexec_fn=limited if limit_file_size else None)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def make_project(tmp_path, monkeypatch):
    """make_project(plans=[plan_data(...)], files={"content/plans/x/2023-02.yaml": "raw yaml"}) -> Project.

    The project gets a content/site.yaml unless `files` gives one, the repo's content/pages/ (about,
    accessibility), and the repo's templates.
    The current directory becomes the project, so messages show paths like content/plans/...
    """
    def make(plans: list[dict] | None = None, files: dict[str, str] | None = None, site: str = SITE_YAML) -> Project:
        root = tmp_path / "project"
        (root / "content").mkdir(parents=True, exist_ok=True)
        shutil.copytree(REPO / "content" / "pages", root / "content" / "pages", dirs_exist_ok=True)
        (root / "content" / "site.yaml").write_text(site, encoding="utf-8")
        for data in ([plan_data()] if plans is None else plans):
            write_plan(root, data)
        for name, text in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        monkeypatch.chdir(root)
        return Project(root)
    return make
