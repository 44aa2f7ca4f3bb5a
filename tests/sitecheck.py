"""Reading a built site with a real HTML parser: pages, ids, and every internal link checked."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html


@dataclass
class BuiltSite:
    root: Path

    def page(self, path: str) -> lxml.html.HtmlElement:
        """A page by its site path: "" (home), "hmp-leicester/2023-02/", "404.html"."""
        file = self.root / (path + "index.html" if path == "" or path.endswith("/") else path)
        return lxml.html.fromstring(file.read_bytes())

    @cached_property
    def html_files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*.html") if "pagefind" not in p.parts)

    def ids(self, file: Path) -> list[str]:
        return lxml.html.fromstring(file.read_bytes()).xpath("//@id")

    def broken_links(self) -> list[str]:
        """Every internal href/src that names no file, or a #fragment that names no id."""
        ids_of: dict[Path, set[str]] = {}
        broken = []
        for file in self.html_files:
            doc = lxml.html.fromstring(file.read_bytes())
            for element, attribute in ((e, a) for a in ("href", "src") for e in doc.xpath(f"//*[@{a}]")):
                link = element.get(attribute)
                parts = urlsplit(link)
                if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
                    continue
                if file.name == "404.html" and link.startswith("/"):
                    continue  # 404.html links from the site root, checked in its own test
                if link.startswith("/"):
                    broken.append(f"{file.relative_to(self.root)}: root-based link {link} breaks under a sub-path")
                    continue
                target = file if not parts.path else (file.parent / unquote(parts.path))
                target = Path(posixpath.normpath(str(target)))
                if target.is_dir() or parts.path.endswith("/"):
                    target = target / "index.html"
                if not target.exists():
                    broken.append(f"{file.relative_to(self.root)}: {link} -> no file")
                    continue
                if parts.fragment and target.suffix == ".html":
                    if target not in ids_of:
                        ids_of[target] = set(self.ids(target))
                    if unquote(parts.fragment) not in ids_of[target]:
                        broken.append(f"{file.relative_to(self.root)}: {link} -> no id '{parts.fragment}'")
        return broken


def text_of(element) -> str:
    return " ".join(element.text_content().split())
