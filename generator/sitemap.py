"""sitemap.xml and robots.txt: absolute URLs from the base URL, in a stable order."""
from __future__ import annotations

from xml.sax.saxutils import escape

from . import urls


def sitemap_xml(site, paths: tuple[str, ...]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(site.absolute(path))}</loc></url>" for path in paths]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(site) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {site.absolute(urls.sitemap())}\n"
