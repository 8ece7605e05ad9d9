// The search page: searches as you type and on Enter, keeps the query in
// the URL, and opens an article at the paragraph a hit points at.
// Everything from the index is put in the page as text (textContent,
// text nodes), never as HTML.
"use strict";

const LIMIT = 10;
const DEBOUNCE_MS = 250;
const SHOWN_DUPLICATES = 3;

const $ = (id) => document.getElementById(id);
const input = $("q");
const perArticle = $("per-article");
// The filters, each a form field named as its URL and API parameter.
const FILTERS = ["sort", "since", "until", "site"];

// What the page shows: a query's results, and maybe an article over them.
let shown = { q: "", page: 1, perArticle: "", filters: {}, article: null, paragraph: null, source: null };
let results = null; // the last answer of /api/search, for `shown`
let typingTimer = null;
let pending = null; // the AbortController of the search in flight

function element(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children); // strings become text nodes
  return node;
}

function plural(count, noun, atLeast) {
  const more = atLeast ? "+" : "";
  return `${count.toLocaleString("en-US")}${more} ${noun}${count === 1 && !atLeast ? "" : "s"}`;
}

function pageUrl(view) {
  const params = new URLSearchParams();
  if (view.q) params.set("q", view.q);
  if (view.page > 1) params.set("page", String(view.page));
  if (view.perArticle) params.set("per_article", view.perArticle);
  for (const name of FILTERS) if (view.filters[name]) params.set(name, view.filters[name]);
  if (view.article) {
    params.set("article", view.article);
    if (view.paragraph) params.set("paragraph", String(view.paragraph));
    if (view.source) params.set("source", view.source);
  }
  const query = params.toString();
  return "/" + (query ? "?" + query : "");
}

function viewFromUrl() {
  const params = new URLSearchParams(location.search);
  return {
    q: params.get("q") || "",
    page: Math.max(1, parseInt(params.get("page"), 10) || 1),
    perArticle: params.get("per_article") || "",
    filters: Object.fromEntries(FILTERS.map((name) => [name, params.get(name) || ""])),
    article: params.get("article"),
    paragraph: parseInt(params.get("paragraph"), 10) || null,
    source: params.get("source"),
  };
}

async function getJson(url, signal) {
  const response = await fetch(url, { signal, headers: { Accept: "application/json" } });
  let body;
  try {
    body = await response.json();
  } catch (error) {
    throw new Error(`the server answered ${response.status} without JSON`);
  }
  if (!response.ok) throw new Error(body.error || `the server answered ${response.status}`);
  return body;
}

function setStatus(text, isError) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", Boolean(isError));
}

// Searching

function searchSoon() {
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => search({ ...shown, q: input.value.trim(), page: 1, article: null }), DEBOUNCE_MS);
}

function isShowing(q) {
  return results !== null && shown.q === q && !shown.article;
}

async function search(view, how = "push") {
  clearTimeout(typingTimer);
  if (pending) pending.abort();
  if (how !== "none") {
    const same = pageUrl(view) === location.pathname + location.search;
    if (!same) history[how === "push" ? "pushState" : "replaceState"](null, "", pageUrl(view));
  }
  shown = view;
  closeReader();
  if (!view.q) {
    results = null;
    showResults(null);
    return;
  }
  document.body.dataset.state = "searching";
  const params = new URLSearchParams({ q: view.q, limit: String(LIMIT), page: String(view.page) });
  if (view.perArticle) params.set("per_article", view.perArticle);
  for (const name of FILTERS) if (view.filters[name]) params.set(name, view.filters[name]);
  const controller = new AbortController();
  pending = controller;
  try {
    const answer = await getJson(`/api/search?${params}`, controller.signal);
    if (pending !== controller) return;
    results = answer;
    showResults(answer);
  } catch (error) {
    if (error.name === "AbortError") return;
    results = null;
    showResults(null);
    setStatus(error.message, true);
  } finally {
    if (pending === controller) {
      pending = null;
      document.body.dataset.state = "done";
    }
  }
}

function showResults(answer) {
  const hits = $("hits");
  hits.replaceChildren();
  $("suggestion").hidden = true;
  $("previous").hidden = $("next").hidden = true;
  $("page-number").textContent = "";
  setStatus("");
  document.title = shown.q ? `${shown.q} - searcher` : "searcher";
  if (!answer) return;
  const first = (answer.page - 1) * answer.limit + 1;
  const more = !answer.exact;
  let line =
    `${plural(answer.total, "paragraph", more)} in ${plural(answer.articles, "article", more)} ` +
    `match (${Math.round(answer.took_ms)} ms)`;
  if (answer.hits.length) line += `; showing ${first}-${first + answer.hits.length - 1}`;
  else if (answer.total) line += `; none on page ${answer.page}`;
  setStatus(line + (answer.notes.length ? ". " + answer.notes.join(" ") : ""));
  if (answer.suggestion) {
    const link = $("suggestion-link");
    link.textContent = answer.suggestion;
    link.href = pageUrl({ ...shown, q: answer.suggestion, page: 1 });
    link.dataset.q = answer.suggestion;
    $("suggestion").hidden = false;
  }
  answer.hits.forEach((hit) => hits.append(hitItem(hit)));
  const lastPage = answer.exact ? Math.ceil(answer.total / answer.limit) : Infinity;
  pagerLink($("previous"), answer.page > 1, answer.page - 1);
  pagerLink($("next"), answer.page < lastPage && answer.hits.length === answer.limit, answer.page + 1);
  const paged = !$("previous").hidden || !$("next").hidden;
  if (answer.hits.length && paged) $("page-number").textContent = `page ${answer.page}`;
}

function pagerLink(link, usable, page) {
  link.hidden = !usable;
  link.href = pageUrl({ ...shown, page });
  link.dataset.page = String(page);
}

function markedSnippet(snippet, highlights) {
  return marked(element("p", "snippet"), snippet, highlights);
}

function marked(paragraph, text, highlights) {
  // Offsets count characters (code points), as Python does; JavaScript
  // strings count UTF-16 units, so walk the code points.
  const chars = Array.from(text);
  let at = 0;
  for (const [start, end] of highlights) {
    if (start < at) continue;
    paragraph.append(chars.slice(at, start).join(""), element("mark", null, chars.slice(start, end).join("")));
    at = end;
  }
  paragraph.append(chars.slice(at).join(""));
  return paragraph;
}

function articleLink(article, paragraph, source, text) {
  const link = element("a", null, text);
  const view = { ...shown, article, paragraph, source };
  link.href = pageUrl(view);
  link.addEventListener("click", (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    openArticle(view, "push");
  });
  return link;
}

function published(item) {
  // "Kompas, 2024-06-18 · " when the article's file says where or when.
  const known = [item.site, item.date].filter(Boolean).join(", ");
  return known ? element("span", "published", known + " · ") : "";
}

function hitItem(hit) {
  const title = articleLink(hit.article, hit.paragraph, hit.source, hit.title || hit.article);
  title.classList.add("title");
  const item = element(
    "li",
    "hit",
    element("div", "heading", title, " ", element("span", "score", hit.score.toFixed(2))),
    element("div", "source", published(hit), hit.source, element("span", "paragraph", ` · paragraph ${hit.paragraph}`)),
    markedSnippet(hit.snippet, hit.highlights)
  );
  if (!hit.highlights.length) item.append(element("div", "duplicates", "(title match)")); // matched through the title
  item.value = hit.rank;
  if (hit.duplicates.length) {
    const others = new Set(hit.duplicates.map((copy) => `${copy.source}\u0000${copy.article}`)).size;
    const copies = element("div", "duplicates", `also in ${plural(others, "other article")}: `);
    hit.duplicates.slice(0, SHOWN_DUPLICATES).forEach((copy, i) => {
      if (i) copies.append(", ");
      copies.append(articleLink(copy.article, copy.paragraph, copy.source, `${copy.article}:${copy.paragraph}`));
    });
    if (hit.duplicates.length > SHOWN_DUPLICATES) copies.append(", …");
    item.append(copies);
  }
  return item;
}

// Reading

async function openArticle(view, how) {
  if (how !== "none") history[how === "push" ? "pushState" : "replaceState"](null, "", pageUrl(view));
  shown = view;
  document.body.dataset.state = "loading";
  // With the query, the answer says where its words are in each paragraph.
  const params = new URLSearchParams();
  if (view.source) params.set("source", view.source);
  if (view.q) params.set("q", view.q);
  const query = params.toString() ? "?" + params : "";
  try {
    const article = await getJson(`/api/articles/${encodeURIComponent(view.article)}${query}`);
    if (shown !== view) return;
    showArticle(article, view.paragraph);
  } catch (error) {
    setStatus(error.message, true);
  } finally {
    document.body.dataset.state = "done";
  }
}

function showArticle(article, focus) {
  $("results").hidden = true;
  $("reader").hidden = false;
  $("back").hidden = !shown.q;
  $("article-title").textContent = article.title || article.article;
  const about = $("article-source");
  about.replaceChildren(`${article.source} · article ${article.article}`);
  const facts = [article.site, article.date, article.author && `by ${article.author}`].filter(Boolean);
  if (facts.length || article.url) about.append(element("br"), facts.join(" · "));
  if (article.url && /^https?:\/\//i.test(article.url)) {
    // Only web addresses become links: a "javascript:" URL in the data stays text.
    const link = element("a", null, article.url);
    link.href = article.url;
    link.rel = "noopener noreferrer";
    about.append(facts.length ? " · " : "", link);
  } else if (article.url) {
    about.append(facts.length ? " · " : "", article.url);
  }
  document.title = `${article.title || article.article} - searcher`;
  const paragraphs = $("article-paragraphs");
  paragraphs.replaceChildren();
  let focused = null;
  for (const { paragraph, text, highlights } of article.paragraphs) {
    const node = element("p", paragraph === focus ? "focus" : null, element("span", "number", String(paragraph)));
    marked(node, text, highlights || []);
    node.id = `p${paragraph}`;
    paragraphs.append(node);
    if (paragraph === focus) focused = node;
  }
  if (focused) focused.scrollIntoView({ block: "center" });
  else window.scrollTo(0, 0);
}

function closeReader() {
  $("reader").hidden = true;
  $("results").hidden = false;
}

function backToResults() {
  if (!shown.article) return;
  const view = { ...shown, article: null, paragraph: null, source: null };
  history.pushState(null, "", pageUrl(view));
  shown = view;
  closeReader();
  if (!results || results.query !== view.q) search(view, "none");
}

// The page as the URL says

function showUrl() {
  const view = viewFromUrl();
  input.value = view.q;
  perArticle.value = view.perArticle;
  for (const name of FILTERS) $(name).value = view.filters[name] || "";
  if (view.article) {
    if (view.q && (!results || results.query !== view.q)) {
      // Load the results behind the article, for "back to the results".
      search({ ...view, article: null }, "none").then(() => openArticle(view, "none"));
      return;
    }
    openArticle(view, "none");
  } else {
    search(view, "none");
  }
}

function openFirstHit() {
  const first = document.querySelector("#hits a.title");
  if (first) first.click();
}

input.addEventListener("input", searchSoon);
input.addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault();
  const q = input.value.trim();
  // Results already shown for what is typed: Enter opens the first hit;
  // otherwise it searches at once, without waiting for the pause.
  if (isShowing(q) && !pending) openFirstHit();
  else search({ ...shown, q, page: 1, article: null });
});
$("search-form").addEventListener("submit", (event) => event.preventDefault());
perArticle.addEventListener("change", () => search({ ...shown, q: input.value.trim(), perArticle: perArticle.value, page: 1, article: null }));
for (const name of FILTERS) {
  $(name).addEventListener("change", () => {
    const filters = Object.fromEntries(FILTERS.map((each) => [each, $(each).value.trim()]));
    search({ ...shown, q: input.value.trim(), filters, page: 1, article: null });
  });
}

// The sites the index knows, offered as one types a site.
getJson("/api/stats")
  .then((stats) => {
    const list = $("sites");
    for (const site of Object.keys(stats.sites || {})) list.append(new Option(site));
    // Only where there is something to narrow by: not on an index made
    // before dates and sites were kept, nor one whose articles have none.
    const known = stats.dates && (stats.dates.first || Object.keys(stats.sites).length);
    document.querySelector(".narrow").hidden = !known;
  })
  .catch(() => {});

for (const id of ["previous", "next"]) {
  $(id).addEventListener("click", (event) => {
    event.preventDefault();
    search({ ...shown, page: Number(event.currentTarget.dataset.page) });
    window.scrollTo(0, 0);
  });
}
$("suggestion-link").addEventListener("click", (event) => {
  event.preventDefault();
  input.value = event.currentTarget.dataset.q;
  search({ ...shown, q: input.value, page: 1 });
});
$("back").addEventListener("click", (event) => {
  event.preventDefault();
  backToResults();
});

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = event.target === input || event.target.tagName === "SELECT";
  if (event.key === "/" && !typing) {
    event.preventDefault();
    if (shown.article) backToResults();
    input.focus();
    input.select();
  } else if (event.key === "Escape" && shown.article) {
    backToResults();
  } else if (event.key === "Enter" && !typing && !shown.article && event.target === document.body) {
    openFirstHit();
  }
});
window.addEventListener("popstate", showUrl);

showUrl();
if (!shown.article) input.focus();
document.body.dataset.ready = "1";
