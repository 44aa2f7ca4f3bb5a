// Search page: a small form over Pagefind's JavaScript API (https://pagefind.app/docs/api/).
// Each Pagefind record is one concern (see generator/search.py). The form stays hidden until this
// script runs; Pagefind loads on first use and result links are made relative to the site root
// this page names, so the site works under any base URL.
// Runs under `script-src 'self' 'wasm-unsafe-eval'`: no eval, no inline code, no worker.

const PAGE_SIZE = 10;

const form = document.getElementById("search-form");
const unavailable = document.getElementById("search-unavailable");
const input = document.getElementById("search-query");
const sortSelect = document.getElementById("search-sort");
const filterSelects = Array.from(form.querySelectorAll("select[data-filter]"));
const statusRegion = document.getElementById("search-status");
const list = document.getElementById("search-results");
const moreButton = document.getElementById("search-more");
const filtersBox = document.getElementById("search-filters-box");
const filtersChosen = document.getElementById("search-filters-chosen");
// On a narrow screen the filters start closed: the first result then shows without scrolling.
filtersBox.open = window.matchMedia("(min-width: 40rem)").matches;
const pageTitle = document.title;
const siteRoot = new URL(form.dataset.siteRoot, document.baseURI);

let pagefindPromise = null;
let latest = 0; // number of the newest search: older answers arriving late are dropped
let shown = { results: [], count: 0 };

function loadPagefind() {
  if (!pagefindPromise) {
    const bundle = new URL(form.dataset.pagefind, document.baseURI).href;
    pagefindPromise = import(bundle).then(async (pagefind) => {
      await pagefind.options({ noWorker: true, excerptLength: 24 });
      return pagefind;
    });
    pagefindPromise.catch(() => { pagefindPromise = null; });
  }
  return pagefindPromise;
}

function chosenFilters() {
  const filters = {};
  for (const select of filterSelects) {
    if (select.value) filters[select.dataset.filter] = select.value;
  }
  return filters;
}

function concerns(count) {
  return count === 1 ? "1 concern" : `${count} concerns`;
}

function describe(query, count, showing) {
  const parts = [];
  if (query) parts.push(`matching “${query}”`);
  const chosen = filterSelects.filter((s) => s.value).map((s) => `${s.labels[0].textContent.toLowerCase()}: ${s.value}`);
  if (chosen.length) parts.push(`with ${chosen.join(", ")}`);
  const more = showing < count ? ` Showing the first ${showing}.` : "";
  return `${concerns(count)} found${parts.length ? " " + parts.join(" ") : ""}.${more}`;
}

function rememberInAddress(query) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const select of [...filterSelects, sortSelect]) {
    if (select.value) params.set(select.name, select.value);
  }
  const address = params.toString() ? `?${params}` : location.pathname;
  history.replaceState(null, "", address);
}

function restoreFromAddress() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const select of [...filterSelects, sortSelect]) {
    const wanted = params.get(select.name);
    if (wanted && Array.from(select.options).some((o) => o.value === wanted)) select.value = wanted;
  }
  return Boolean(input.value.trim() || filterSelects.some((s) => s.value));
}

function showChosen() {
  const chosen = filterSelects.filter((s) => s.value).length + (sortSelect.value ? 1 : 0);
  filtersChosen.textContent = chosen ? ` (${chosen} chosen)` : "";
}

async function runSearch() {
  const number = ++latest;
  showChosen();
  const query = input.value.trim();
  const filters = chosenFilters();
  rememberInAddress(query);
  if (!query && Object.keys(filters).length === 0) {
    list.replaceChildren();
    moreButton.hidden = true;
    statusRegion.textContent = "Type words to search for, or choose what to show.";
    document.title = pageTitle;
    return;
  }
  list.setAttribute("aria-busy", "true");
  let search;
  try {
    const pagefind = await loadPagefind();
    const options = { filters };
    if (sortSelect.value) options.sort = { date: sortSelect.value };
    search = await pagefind.search(query || null, options);
  } catch (error) {
    if (number !== latest) return;
    list.removeAttribute("aria-busy");
    showFailure();
    return;
  }
  if (number !== latest || search === null) return;
  shown = { results: search.results, count: 0 };
  list.replaceChildren();
  await showMore(number, false);
  if (number !== latest) return;
  list.removeAttribute("aria-busy");
  statusRegion.textContent = describe(query, search.results.length, shown.count);
  document.title = `${query || "Filtered"}: ${concerns(search.results.length)} – ${pageTitle}`;
}

async function showMore(number, moveFocus) {
  const next = shown.results.slice(shown.count, shown.count + PAGE_SIZE);
  const data = await Promise.all(next.map((result) => result.data()));
  if (number !== latest) return;
  const items = data.map(resultItem);
  list.append(...items);
  shown.count += next.length;
  moreButton.hidden = shown.count >= shown.results.length;
  if (moveFocus && items.length) {
    items[0].querySelector("a").focus();
    statusRegion.textContent = `Showing ${shown.count} of ${concerns(shown.results.length)}.`;
  }
}

// The part of a result its match is in: the concern's own text, or one of its actions (each action
// heading is a Pagefind sub-result). The one with the most matching words wins; a tie goes to the concern.
function bestPart(data) {
  let best = null;
  for (const sub of data.sub_results || []) {
    const id = sub.anchor && sub.anchor.id;
    if (id && !/-action-\d+-heading$/.test(id)) continue;
    const hits = (sub.locations || []).length;
    if (!best || hits > best.hits || (hits === best.hits && !id && best.id)) best = { id, hits, sub };
  }
  return best;
}

function resultItem(data) {
  const meta = data.meta || {};
  const item = document.createElement("li");
  item.className = "search-result";
  const part = bestPart(data);
  const action = part && part.id ? part.id.replace(/-heading$/, "") : null;

  const heading = document.createElement("h2");
  heading.className = "search-result__heading";
  // A record's address on the site is its `link` metadata (see generator/search.py), from the root.
  const target = new URL(meta.link, siteRoot);
  const link = document.createElement("a");
  link.href = target.pathname + (action ? `#${action}` : target.hash);
  // The concern's number and first words (and the action that matches); where it was raised, for a
  // list of links read on its own.
  link.textContent = meta.title || meta.link;
  if (action) {
    const number = /concern-(\d+)-action-(\d+)/.exec(action);
    link.append(` — action ${number[1]}.${number[2]}`);
  }
  if (meta.establishment && meta.date) {
    const where = document.createElement("span");
    where.className = "visually-hidden";
    const month = new Date(`${meta.date}T12:00:00`).toLocaleDateString("en-GB", { month: "long", year: "numeric" });
    where.textContent = `, ${meta.establishment}, ${month} inspection`;
    link.append(where);
  }
  heading.append(link);

  // Establishment · inspection date · kind · theme, from the metadata on each concern.
  const facts = document.createElement("p");
  facts.className = "search-result__facts";
  const parts = [];
  if (meta.establishment) parts.push(meta.establishment);
  if (meta.date) {
    const inspected = document.createElement("time");
    inspected.dateTime = meta.date;
    inspected.textContent = meta.inspection || meta.date;
    parts.push(["inspection began ", inspected]);
  }
  if (meta.kind) parts.push(meta.kind);
  if (meta.theme) parts.push(meta.theme);
  parts.forEach((part, index) => {
    if (index) facts.append(" · ");
    facts.append(...[].concat(part));
  });
  item.append(heading);
  if (parts.length) item.append(facts);
  if (meta.statuses) {
    const statuses = document.createElement("p");
    statuses.className = "search-result__statuses";
    statuses.textContent = `Actions: ${meta.statuses}.`;
    item.append(statuses);
  }
  const excerptHtml = part && part.sub.excerpt ? part.sub.excerpt : data.excerpt;
  if (excerptHtml) {
    const excerpt = document.createElement("p");
    excerpt.className = "search-result__excerpt";
    excerpt.append(...excerptNodes(excerptHtml));
    item.append(excerpt);
  }
  return item;
}

// Pagefind's excerpt is escaped text with <mark> around matched words: keep exactly that, as nodes.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html").body.firstChild;
  const nodes = [];
  for (const node of parsed.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}

function showFailure() {
  const link = unavailable.querySelector("a").cloneNode(true);
  statusRegion.replaceChildren("Search could not load. The ", link, " lists every concern.");
}

let filterTimer = null;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  runSearch();
});
for (const select of [...filterSelects, sortSelect]) {
  select.addEventListener("change", () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(runSearch, 250);
  });
}
input.addEventListener("focus", () => { loadPagefind().catch(() => {}); }, { once: true });
moreButton.addEventListener("click", () => showMore(latest, true));

form.hidden = false;
unavailable.hidden = true;
form.dataset.ready = "true";
if (restoreFromAddress()) runSearch();
