"""The `actionplans` command line: argument parsing only; each command lives in generator/commands/.

Exit status: 0 success, 1 content errors (every problem printed as file:line), 2 usage errors.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from .project import Project


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write YYYY-MM-DD, e.g. 2026-11-23") from None


def _base_url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"'{text}' is not an absolute URL: write e.g. https://example.org/plans/")
    return text if text.endswith("/") else text + "/"


def default_as_of() -> dt.date:
    """Today, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()


def _add_project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                        help="the project folder holding content/ and templates/ (default: current folder)")


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                        help="date the status of every action is computed for "
                             "(default: today, or SOURCE_DATE_EPOCH when set)")
    parser.add_argument("--base-url", type=_base_url, default=None, metavar="URL",
                        help="where the site will be published, e.g. https://example.org/plans/ "
                             "(default: base_url in content/site.yaml)")
    parser.add_argument("--no-search", action="store_true", help="skip the Pagefind search index (quicker local builds)")
    parser.add_argument("--strict", action="store_true", help="treat content warnings as errors")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actionplans",
        description="Build the public website of prison action plans from reviewed YAML files in content/.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("import", help="turn a published plan (.docx, .odt, .pdf or text) into a plan YAML file",
                            description="Convert a published action plan (the Word, OpenDocument or PDF file from "
                                        "GOV.UK, or a tab-separated text export) into "
                                        "content/plans/<establishment-slug>/<YYYY-MM>.yaml, with a coverage "
                                        "report that accounts for every word of the plan's title block and "
                                        "table (with the page or table row each dropped fragment came from). "
                                        "The format is told by the file's content.")
    p.add_argument("file", help="the published plan: .docx, .odt or .pdf, or a text export "
                                "(UTF-8 or UTF-16 text, tab-separated table)")
    p.add_argument("-o", "--output", default="content", metavar="DIR", help="content folder to write into (default: content)")
    p.add_argument("--force", action="store_true", help="overwrite an existing plan file")

    p = commands.add_parser("check", help="check all content and report every problem",
                            description="Load every content file, check it against the schema and across files, "
                                        "and print every problem as file:line. Writes nothing.")
    _add_project(p)
    p.add_argument("--format", choices=("text", "github"), default="text",
                   help="'github' prints GitHub Actions annotations (::error file=…,line=…::)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    p = commands.add_parser("build", help="build the website into site/",
                            description="Check all content, then render the whole site into a temporary folder "
                                        "that replaces the output folder only when complete. The output folder "
                                        "must be empty or made by an earlier build. Plan files read before are "
                                        "taken from .cache/ (safe to delete).")
    _add_project(p)
    p.add_argument("-o", "--output", type=Path, default=None, metavar="DIR", help="output folder (default: site/ in the project)")
    p.add_argument("--format", choices=("text", "github"), default="text", help="how to print content problems")
    p.add_argument("--quiet", action="store_true", help="print only problems and the summary line")
    p.add_argument("--no-cache", action="store_true",
                   help="read every plan file again instead of taking the ones read before from .cache/ "
                        "(the cache never serves stale plans; this only costs time)")
    _add_site_options(p)

    p = commands.add_parser("serve", help="build, serve on localhost and rebuild on every change",
                            description="Build the site into a temporary folder of its own (never site/), serve "
                                        "it on localhost, and rebuild whenever content, templates or settings "
                                        "change: an edited plan's prison first, then open browsers reload, "
                                        "then the pages about every prison; a page still being rebuilt is "
                                        "sent once it is fresh. Content errors are shown, and the last good "
                                        "site stays served. Ctrl-C stops.")
    _add_project(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    _add_site_options(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # bare `actionplans`: what it can do
        parser.print_help()
        return 2
    try:
        if args.command == "import":
            from .commands import import_plan
            return import_plan.run(args.file, args.output, force=args.force)
        project = Project(args.project.resolve())
        if args.command == "check":
            from .commands import check
            return check.run(project, fmt=args.format, strict=args.strict)
        as_of = args.as_of or default_as_of()
        if args.command == "build":
            from .commands import build
            return build.run(project, output=args.output, as_of=as_of, base_url=args.base_url,
                             search=not args.no_search, strict=args.strict, fmt=args.format, quiet=args.quiet,
                             cache=not args.no_cache)
        from .commands import serve
        return serve.run(project, host=args.host, port=args.port, as_of=args.as_of,
                         base_url=args.base_url, search=not args.no_search, strict=args.strict)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
