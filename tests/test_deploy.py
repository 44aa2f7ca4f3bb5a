"""The built site works wherever it is published: under a sub-path (https://example.org/plans/, as on
GitHub Pages) and at the root of a domain (https://example.org/).

Each build is served by a real HTTP server that behaves like a static host (a folder serves its
index.html, an unknown path gets 404.html with status 404) and crawled from the home page, following
every internal link once and checking every #fragment names an id on the page it points to.
"""
from __future__ import annotations

import http.client
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest

from browser import chromium
from conftest import AS_OF, RECOMMENDED_CSP, REPO, plan_data
from generator.cli import main

SUB_PATH = ("https://example.org/plans/", "/plans/")
DOMAIN_ROOT = ("https://example.org/", "/")
HOSTS = pytest.mark.parametrize("base_url, mount", [SUB_PATH, DOMAIN_ROOT], ids=["sub-path", "domain-root"])
LINKS = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"))
# The response headers docs/publishing.md recommends for any host that can set them (GitHub Pages cannot).
SECURITY_HEADERS = {
    "Content-Security-Policy": RECOMMENDED_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=(), payment=(), usb=()",
}


# --- a static host --------------------------------------------------------------------------------
def file_for(folder: Path, mount: str, path: str) -> Path | str | None:
    """The file a static host serves for a URL path; "redirect" for a folder without its slash."""
    if not path.startswith(mount):
        return "redirect" if path + "/" == mount else None
    parts = [p for p in path[len(mount):].split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None
    file = folder.joinpath(*parts)
    if file.is_dir():
        if not path.endswith("/"):
            return "redirect"
        file = file / "index.html"
    return file if file.is_file() else None


def handler_for(folder: Path, mount: str, headers: dict[str, str]) -> type[BaseHTTPRequestHandler]:
    class StaticHost(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            file = file_for(folder, mount, path)
            if file == "redirect":
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status, file = (200, file) if file else (404, folder / "404.html")
            body = file.read_bytes()
            self.send_response(status)
            self.send_header("Content-Type", mimetypes.guess_type(file.name)[0] or "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return StaticHost


@contextmanager
def static_host(folder: Path, mount: str, headers: dict[str, str] | None = None) -> Iterator[str]:
    """Serve `folder` at http://127.0.0.1:<free port><mount>; yields the origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(folder, mount, headers or {}))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- a crawler ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")

    def document(self) -> lxml.html.HtmlElement:
        return lxml.html.fromstring(self.body)

    def ids(self) -> set[str]:
        return set(self.document().xpath("//@id")) if self.is_html else set()


@dataclass(frozen=True)
class Link:
    page: str  # URL of the page the link is on
    tag: str
    raw: str  # as written in the page
    target: str  # absolute URL on the local host, without the fragment
    fragment: str


def fetch(url: str) -> Response:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path or "/")
        answer = connection.getresponse()
        return Response(answer.status, answer.getheader("Content-Type", ""), answer.read())
    finally:
        connection.close()


def links_of(page_url: str, response: Response, local_root: str, base_url: str) -> list[Link]:
    """Internal links of a page, resolved as a browser would. Absolute links into the published site
    (canonical URLs, feeds) are checked against the local copy too; a relative link that climbs out of
    the sub-path stays internal (and fails)."""
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(local_root))
    found = []
    document = response.document()
    for tag, attribute in LINKS:
        for element in document.iter(tag):
            raw = (element.get(attribute) or "").strip()
            if not raw:
                continue
            target, fragment = urldefrag(urljoin(page_url, raw))
            if target.startswith(base_url):
                target = local_root + target[len(base_url):]
            if target.startswith(origin):
                found.append(Link(page_url, tag, raw, target, fragment))
    return found


@dataclass(frozen=True)
class Crawl:
    """What a crawl fetched (each URL once) and every internal link it saw."""
    responses: dict[str, Response]
    links: tuple[Link, ...]

    def pages(self) -> dict[str, Response]:
        return {url: r for url, r in self.responses.items() if r.is_html and r.status == 200}

    def broken(self) -> list[str]:
        """Links to a URL that did not answer 200, or to a #fragment with no such id on the page."""
        problems = []
        ids = {url: response.ids() for url, response in self.responses.items()}
        for link in self.links:
            response = self.responses.get(link.target) or fetch(link.target)
            where = f"{link.page}: <{link.tag}> {link.raw!r} -> {link.target}"
            if response.status != 200:
                problems.append(f"{where}: HTTP {response.status}")
            elif link.fragment and link.fragment not in ids.get(link.target, response.ids()):
                problems.append(f"{where}: no id {link.fragment!r} on the page")
        return problems


def crawl(local_root: str, base_url: str) -> Crawl:
    """Fetch the home page, then every internal URL any fetched page links to, once each."""
    responses: dict[str, Response] = {}
    links: list[Link] = []
    queue = [local_root]
    while queue:
        url = queue.pop()
        if url in responses:
            continue
        response = responses[url] = fetch(url)
        if response.is_html and response.status == 200:
            new = links_of(url, response, local_root, base_url)
            links += new
            queue += sorted({link.target for link in new} - set(responses), reverse=True)
    return Crawl(responses, tuple(links))


# --- the site -------------------------------------------------------------------------------------
def sample_plans() -> list[dict]:
    """Two prisons, one inspected twice (neighbouring plans link to each other), with a moved target."""
    moved = plan_data(establishment="HMP Peterborough (Men)", start="2022-06-06")
    moved["concerns"][0]["actions"][0]["updates"] = [
        {"date": "2023-09-01", "status": "delayed", "text": "Waiting for the new strategy.\n",
         "new_target": "March 2024"}]
    return [plan_data(), moved, plan_data(establishment="HMP Peterborough (Men)", start="2024-05-13")]


def published(make_project, base_url: str) -> Path:
    """Build a small project for `base_url` with the command line, as a deploy does; returns site/."""
    pages = {f"content/pages/{p.name}": p.read_text(encoding="utf-8")
             for p in sorted((REPO / "content" / "pages").glob("*.md"))}
    project = make_project(plans=sample_plans(), files=pages)
    output = project.root / "site"
    status = main(["build", "--project", str(project.root), "--output", str(output), "--base-url", base_url,
                   "--as-of", AS_OF.isoformat(), "--quiet"])
    assert status == 0
    return output


def site_path(file: Path, site: Path) -> str:
    """The site path of a written file: index.html files stand for their folder."""
    path = file.relative_to(site).as_posix()
    return path.removesuffix("index.html") if path == "index.html" or path.endswith("/index.html") else path


def page_path(url: str, local_root: str) -> str:
    """The site path of a crawled URL: "" for the home page, "hmp-testshire/2023-02/", "404.html"."""
    return url[len(local_root):]


@HOSTS
def test_every_link_from_the_home_page_works(make_project, base_url, mount):
    site = published(make_project, base_url)
    with static_host(site, mount) as origin:
        local_root = origin + mount
        found = crawl(local_root, base_url)
        assert found.broken() == []
    pages = {page_path(url, local_root) for url in found.pages()}
    assert {"", "hmp-testshire/2023-02/", "hmp-peterborough-men/2022-06/", "hmp-peterborough-men/2024-05/",
            "themes/safety/", "owners/governor/", "about/"} <= pages
    assert any(link.fragment == "concern-1-action-1" for link in found.links), "actions are linked to"


@HOSTS
def test_every_page_is_reachable_from_the_home_page(make_project, base_url, mount):
    site = published(make_project, base_url)
    with static_host(site, mount) as origin:
        found = crawl(origin + mount, base_url)
    reached = {page_path(url, origin + mount) for url in found.pages()}
    on_disk = {site_path(f, site) for f in site.rglob("*.html")
               if f.name != "404.html" and "pagefind" not in f.relative_to(site).parts}
    assert on_disk - reached == set()


@HOSTS
def test_links_are_relative_so_the_site_can_move(make_project, base_url, mount):
    """Only 404.html (served at any depth) links from the site root; every other page links relatively."""
    site = published(make_project, base_url)
    root_based = []
    for file in sorted(site.rglob("*.html")):
        if file.name == "404.html":
            continue
        document = lxml.html.fromstring(file.read_bytes())
        for tag, attribute in LINKS:
            for element in document.iter(tag):
                value = element.get(attribute) or ""
                if value.startswith("/"):
                    root_based.append(f"{file.relative_to(site)}: <{tag} {attribute}={value!r}>")
    assert root_based == []


@HOSTS
def test_canonical_urls_and_the_sitemap_use_the_base_url(make_project, base_url, mount):
    site = published(make_project, base_url)
    with static_host(site, mount) as origin:
        local_root = origin + mount
        found = crawl(local_root, base_url)
        for url, response in found.pages().items():
            canonical = response.document().xpath("//link[@rel='canonical']/@href")
            assert canonical == [base_url + page_path(url, local_root)], url
        sitemap = fetch(local_root + "sitemap.xml")
        assert sitemap.status == 200
        locations = lxml.etree.fromstring(sitemap.body).xpath("//*[local-name()='loc']/text()")
        assert locations and all(loc.startswith(base_url) for loc in locations)
        assert {local_root + loc[len(base_url):] for loc in locations} <= set(found.pages())
    if base_url != SUB_PATH[0]:  # content/site.yaml says https://example.org/plans/: --base-url wins
        assert [f for f in site.rglob("*") if f.is_file() and SUB_PATH[0].encode() in f.read_bytes()] == []


@HOSTS
def test_the_404_page_works_from_a_deep_path(make_project, base_url, mount):
    """Hosts answer any unknown path with 404.html, so its links must work from any depth."""
    site = published(make_project, base_url)
    with static_host(site, mount) as origin:
        local_root = origin + mount
        deep = local_root + "hmp-nowhere/1999-01/no/such/page/"
        response = fetch(deep)
        assert response.status == 404
        assert response.body == (site / "404.html").read_bytes()
        assert response.document().xpath("//h1/text()") == ["Page not found"]
        links = links_of(deep, response, local_root, base_url)
        assert {link.tag for link in links} >= {"a", "link"}
        own = [link for link in links if link.raw.startswith("#")]  # the skip link, on this very page
        assert own and all(link.fragment in response.ids() for link in own)
        elsewhere = [link for link in links if link not in own]
        assert all(link.raw.startswith((mount, base_url)) for link in elsewhere), elsewhere
        assert Crawl({}, tuple(elsewhere)).broken() == []


def test_the_crawler_reports_a_missing_page_and_a_missing_fragment(tmp_path):
    """The checks above have teeth: a hand-written two-page site with three broken links."""
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><title>Home</title><h1 id="top">Home</h1>'
                                         '<a href="a/#top">A</a> <a href="a/#nowhere">A</a> <a href="b/">B</a>'
                                         '<a href="../elsewhere/">out of the sub-path</a>'
                                         '<a href="https://elsewhere.example/">another site</a>', encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text('<!doctype html><title>A</title><h1 id="top">A</h1>'
                                               '<a href="../#top">Home</a>', encoding="utf-8")
    (tmp_path / "404.html").write_text("<!doctype html><title>Not found</title><h1>Not found</h1>", encoding="utf-8")
    with static_host(tmp_path, "/plans/") as origin:
        root = origin + "/plans/"
        found = crawl(root, "https://example.org/plans/")
        assert sorted(found.responses) == [f"{origin}/elsewhere/", root, f"{root}a/", f"{root}b/"]
        assert found.broken() == [f"{root}: <a> 'a/#nowhere' -> {root}a/: no id 'nowhere' on the page",
                                  f"{root}: <a> 'b/' -> {root}b/: HTTP 404",
                                  f"{root}: <a> '../elsewhere/' -> {origin}/elsewhere/: HTTP 404"]


@pytest.mark.browser
def test_the_recommended_security_headers_block_nothing_the_site_uses(make_project):
    """Every page, and a search (WebAssembly, fetches, a worker), under the documented policy in Chromium."""
    site = published(make_project, SUB_PATH[0])
    with static_host(site, "/plans/", SECURITY_HEADERS) as origin, chromium() as browser:
        from playwright.sync_api import expect
        root = origin + "/plans/"
        pages = sorted(crawl(root, SUB_PATH[0]).pages())
        page = browser.new_page()
        problems: list[str] = []
        # Chromium asks for /favicon.ico on its own (the site has no icon): not the site's request.
        page.on("response", lambda response: response.status >= 400 and not response.url.endswith("/favicon.ico")
                and problems.append(f"HTTP {response.status}: {response.url}"))
        page.on("console", lambda message: message.type in ("error", "warning") and "favicon.ico" not in
                (message.location or {}).get("url", "") and problems.append(message.text))
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
        for url in pages:
            page.goto(url)
        page.goto(root + "search/")
        page.get_by_label("Words to search for").fill("violence")
        page.get_by_label("Words to search for").press("Enter")
        expect(page.locator("#search-status")).to_contain_text("found")
    assert len(pages) > 20
    assert problems == []


def test_the_publishing_guide_recommends_the_policy_the_browser_tests_serve():
    assert RECOMMENDED_CSP in (REPO / "docs" / "publishing.md").read_text(encoding="utf-8")
