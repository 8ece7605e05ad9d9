"""The web application: the search page and the JSON API.

    GET /                                       the page (its script and style under /static/)
    GET /api/search?q=&limit=&page=&per_article=&since=&until=&site=&sort=&facets=
    GET /api/articles/{id}                      an article, every paragraph (?q= marks a query's words)
    GET /api/articles/{id}/paragraphs/{n}       paragraph n and its neighbours (?context=1, ?q=)
    GET /api/stats                              as ``search stats --json``
    GET /healthz

Every answer under /api is JSON; an error is ``{"error": "one line"}`` with
a 4xx status for bad input (503 when the index cannot be read), never a
traceback.  The app only reads the index: the ``Index`` it holds reopens on
a newer generation when ``search index`` has committed one.  Endpoints are
plain functions, which Starlette runs in its thread pool; the Index lets
one search run at a time.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from searcher.errors import ArticleNotFound, QueryError, SearchError
from searcher.index import Index

STATIC = Path(__file__).parent / "static"
MAX_QUERY_CHARS = 1000
MAX_LIMIT = 100
MAX_PAGE = 1000
MAX_CONTEXT = 20

# The page's own script and style only: no inline script, nothing from
# elsewhere, no framing.  Article text is inserted as text by the script,
# and this keeps an injected tag inert even if that were ever got wrong.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class BadRequest(HTTPException):
    def __init__(self, message: str):
        super().__init__(400, message)


def create_app(index: Index) -> Starlette:
    """The application serving ``index`` (which it never writes)."""

    def search(request: Request) -> JSONResponse:
        params = request.query_params
        text = params.get("q", "")
        if not text.strip():
            raise BadRequest("the query is empty: give one as ?q=")
        _check_query_length(text)
        limit = _whole_number(params, "limit", 10, 1, MAX_LIMIT)
        page = _whole_number(params, "page", 1, 1, MAX_PAGE)
        per_article = _whole_number(params, "per_article", None, 1, None)
        sort = params.get("sort") or "relevance"
        if sort not in ("relevance", "date"):
            raise BadRequest(f"sort must be 'relevance' or 'date', not {sort[:40]!r}")
        narrowed = {
            "since": params.get("since") or None,
            "until": params.get("until") or None,
            "sites": [site for site in params.getlist("site") if site],
        }
        facets = params.get("facets", "") not in ("", "0", "false")
        try:
            results = index.search(
                text, limit=limit, page=page, per_article=per_article, sort=sort, facets=facets, **narrowed
            )
        except QueryError as error:
            raise BadRequest(str(error)) from None
        return JSONResponse(
            {
                "query": text,
                "total": results.total,
                "exact": results.exact,  # false: counting stopped at "total", more match
                "articles": results.articles,
                "took_ms": round(results.seconds * 1000, 1),
                "page": page,
                "limit": limit,
                "per_article": per_article,
                **narrowed,
                "sort": sort,
                "suggestion": results.suggestion,
                "notes": list(results.notes),
                "hits": [hit.as_dict() for hit in results.hits],
                **({"facets": results.facets} if facets else {}),
            }
        )

    def article(request: Request) -> JSONResponse:
        return JSONResponse(_marked(index, request, _article(index, request).as_dict()))

    def paragraph(request: Request) -> JSONResponse:
        stored = _article(index, request)
        number = request.path_params["n"]
        context = _whole_number(request.query_params, "context", 1, 0, MAX_CONTEXT)
        texts = dict(stored.paragraphs)
        if number not in texts:
            raise HTTPException(404, f"article {stored.article!r} has paragraphs 1-{max(texts)}, not {number}")
        return JSONResponse(_marked(index, request, {**stored.as_dict(number, context), "text": texts[number]}))

    def stats(request: Request) -> JSONResponse:
        return JSONResponse(index.stats())

    def health(request: Request) -> JSONResponse:
        index.open()  # cheap when open; raises (503) when the index cannot be read
        return JSONResponse({"status": "ok"})

    def page(request: Request) -> FileResponse:
        return FileResponse(STATIC / "index.html")

    routes = [
        Route("/", page),
        Route("/api/search", search),
        # Ids may hold "/" (articles from files in subfolders): the paragraph
        # route goes first so that ".../paragraphs/3" is not read as an id.
        Route("/api/articles/{id:path}/paragraphs/{n:int}", paragraph),
        Route("/api/articles/{id:path}", article),
        Route("/api/stats", stats),
        Route("/healthz", health),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    handlers = {HTTPException: _http_error, SearchError: _index_error, Exception: _server_error}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.add_middleware(_SecurityHeaders)
    return app


def _article(index: Index, request: Request):
    """The article the path names; ``?source=`` picks one when files in
    several folders give articles the same id."""
    article_id = request.path_params["id"]
    source = request.query_params.get("source")
    try:
        found, _ = index.articles(article_id)
    except ArticleNotFound:
        raise HTTPException(404, f"no article {article_id!r} in the index") from None
    if source is not None:
        found = [stored for stored in found if stored.source == source]
        if not found:
            raise HTTPException(404, f"no article {article_id!r} from {source!r} in the index")
    return found[0]


def _marked(index: Index, request: Request, answer: dict) -> dict:
    """An article's answer with, given ``?q=``, the offsets of the query's
    words in each paragraph (``highlights``, as a hit's in its snippet),
    and in ``text`` when it has one."""
    text = request.query_params.get("q", "")
    if not text.strip():
        return answer
    _check_query_length(text)
    paragraphs = answer["paragraphs"]
    try:
        found = index.marks(text, [paragraph["text"] for paragraph in paragraphs])
    except QueryError as error:
        raise BadRequest(str(error)) from None
    for paragraph, spans in zip(paragraphs, found):
        paragraph["highlights"] = spans
        if paragraph["paragraph"] == answer["paragraph"] and "text" in answer:  # (the one asked for, among them)
            answer["highlights"] = spans
    return answer


def _check_query_length(text: str) -> None:
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(f"the query is {len(text):,} characters long; at most {MAX_QUERY_CHARS:,} are searched")


def _whole_number(params, name: str, default: int | None, least: int, most: int | None) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < least or (most is not None and number > most):
        bounds = f"from {least} to {most:,}" if most is not None else f"of {least} or more"
        raise BadRequest(f"{name} must be a whole number {bounds}, not {value[:40]!r}")
    return number


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    if error.status_code == 404 and error.detail == "Not Found":
        return _error(404, f"nothing at {request.url.path}; the API is under /api (see the README)")
    return _error(error.status_code, str(error.detail))


def _index_error(request: Request, error: SearchError) -> JSONResponse:
    """The index is missing, damaged or being replaced: the server is fine,
    the data is not there to read (and the message says what to run)."""
    return _error(503, str(error))


def _server_error(request: Request, error: Exception) -> JSONResponse:
    return _error(500, f"the server failed on this request ({error.__class__.__name__}); see its log")


class _SecurityHeaders:
    """Adds SECURITY_HEADERS to every response (a plain ASGI middleware:
    cheaper than Starlette's BaseHTTPMiddleware on each request)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
