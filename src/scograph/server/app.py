"""The Starlette app: routes to small endpoint functions, middleware for what every request shares.

Middleware, outermost first: the access log; the security headers every answer carries;
CORS, when ``--cors`` names origins; the strict reading of the request line (a method
other than GET, HEAD and POST is a 405, a path or query string that is not UTF-8
percent-encoding a 400, a URL past the size limit a 414), before routing. Blocking work (reading the graph, rendering a page, waiting
for a query worker) runs in Starlette's thread pool; at most ``--workers`` requests wait
on query workers at once, so pages are answered while queries queue.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
from urllib.parse import quote

import anyio
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from .answers import Refusal
from .negotiation import MEDIA_TYPES, _offered, choose_format, negotiate
from ..terms import ENTITY
from . import protocol
from .connections import SECURITY_HEADERS
from .settings import host_for_url
from .site import Site, service_description
from .workers import QueryWorkers, Reply

HTML = MEDIA_TYPES["html"]


def text(status: int, message: str, **headers: str) -> Response:
    return PlainTextResponse(message.rstrip("\n") + "\n", status, headers=headers or None,
                             media_type="text/plain; charset=utf-8")


def html(status: int, page: bytes, **headers: str) -> Response:
    return Response(page, status, headers=headers or None, media_type=HTML)


def wants_html(request: Request) -> bool:
    return negotiate(request.headers.get("accept"), [("text/plain", "text"), ("text/html", "html")]) == "html"


class Endpoints:
    """The endpoint functions, sharing the site (pages) and the query workers."""

    def __init__(self, settings, site: Site, workers: QueryWorkers | None):
        self.settings = settings
        self.site = site
        self.workers = workers
        self.port = settings.port
        self._queries: asyncio.Semaphore | None = None

    def error(self, request: Request, status: int, message: str, suggestions: list[str] | None = None,
              **headers: str) -> Response:
        if wants_html(request):
            return html(status, self.site.error_page(status, message, suggestions or []), **headers)
        if suggestions:
            message += "\ndid you mean: " + ", ".join(f"/id/{s}" for s in suggestions)
        return text(status, message, **headers)

    # ---------------------------------------------------------------- pages

    async def home(self, request: Request) -> Response:
        selected = protocol.single(request.scope["scograph.params"], "query")
        return html(200, await run_in_threadpool(self.site.home, selected))

    async def search(self, request: Request) -> Response:
        query_text = protocol.single(request.scope["scograph.params"], "q") or ""
        if len(query_text) > 500:
            raise Refusal(400, "the search text is longer than 500 characters")
        page = await run_in_threadpool(self.site.search_page, query_text)
        return StreamingResponse(page, media_type=HTML)

    async def id_root(self, request: Request) -> Response:
        return Response(b"see /\n", 301, headers={"Location": "/"}, media_type="text/plain; charset=utf-8")

    async def entity(self, request: Request) -> Response:
        entity_path = request.scope["path"][len("/id/"):]
        params = request.scope["scograph.params"]
        site = self.site
        iri = ENTITY + entity_path
        is_entity = entity_path in site.entity_ids
        if not is_entity and ("/" not in entity_path or not await run_in_threadpool(site.exists, iri)):
            if entity_path.lower() in site.entity_ids:
                return Response(b"", 301, headers={"Location": "/id/" + quote(entity_path.lower(), safe="/-._~")},
                                media_type="text/plain; charset=utf-8")
            return self.error(request, 404, f"no entity {entity_path!r} in this graph", site.near_ids(entity_path))
        fmt = choose_format("graph", request.headers.get("accept"),
                            [v for k, v in params if k in ("format", "output")])
        if fmt is None:
            return text(406, f"an entity can be sent as {_offered('graph')}", Vary="Accept")
        if fmt == "html":
            make = site.entity_html if is_entity else site.node_html
            return html(200, await run_in_threadpool(make, entity_path if is_entity else iri), Vary="Accept")
        body = await run_in_threadpool(site.description_bytes, iri, is_entity, fmt)
        return Response(body, 200, headers={"Vary": "Accept"}, media_type=MEDIA_TYPES[fmt])

    async def picture(self, request: Request) -> Response:
        name = request.path_params["name"]
        found = await run_in_threadpool(self.site.picture, name, list(request.scope["scograph.params"]))
        if found is None:
            return self.error(request, 404, f"no picture {name!r} here; the pages of states and themes show theirs "
                                            "(with the plot extra installed)")
        body, media = found
        return Response(body, 200, media_type=media)

    # ---------------------------------------------------------------- the SPARQL protocol

    async def sparql(self, request: Request) -> Response:
        params = list(request.scope["scograph.params"])
        if request.method == "POST":
            length = protocol.body_length(request.headers, self.settings.max_request_bytes)
            try:
                body = await request.body()
            except ClientDisconnect:
                return text(400, "the client went before its request body arrived")
            if len(body) != length:
                raise Refusal(400, f"the request body ended after {len(body)} of the {length} bytes announced")
            params += protocol.post_params(request.headers.get("content-type", ""), body)
        accept = request.headers.get("accept")
        job = protocol.sparql_job(request.method, params, accept)
        if job is None:
            fmt = choose_format("graph", accept, list(protocol.format_hints(params)))
            if fmt == "html":
                return html(200, await run_in_threadpool(self.site.home, None))
            if fmt is None:
                return text(406, f"the service description can be sent as {_offered('graph')}")
            endpoint = f"http://{host_for_url(self.settings.host)}:{self.port}/sparql"
            body = await run_in_threadpool(service_description, endpoint, self.site.triple_count, fmt)
            return Response(body, 200, headers={"Vary": "Accept"}, media_type=MEDIA_TYPES[fmt])
        reply = await self._run(job)
        reply.headers.setdefault("Vary", "Accept")
        if reply.status >= 400 and reply.content_type.startswith("text/plain") and wants_html(request):
            message = reply.text_body()
            reply.close()
            page = await run_in_threadpool(self.site.results_error_page, job.query, reply.status, message)
            return html(reply.status, page, **reply.headers)
        headers = dict(reply.headers, **{"Content-Length": str(reply.length)})
        return StreamingResponse(reply.chunks(), reply.status, headers=headers, media_type=reply.content_type)

    async def _run(self, job) -> Reply:
        """A query answered by a worker; at most ``--workers`` wait on the pool, the others queue here."""
        if self._queries is None:
            self._queries = asyncio.Semaphore(self.settings.workers)
        try:
            await asyncio.wait_for(self._queries.acquire(), self.settings.timeout)
        except asyncio.TimeoutError:
            return self.workers.busy()
        try:
            return await anyio.to_thread.run_sync(self.workers.run, job)
        finally:
            self._queries.release()


# --------------------------------------------------------------------- middleware


class SecurityHeaders:
    """Every answer: nosniff, no framing, the pages' Content-Security-Policy, no referrer."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in SECURITY_HEADERS if name not in present]
            await send(message)

        await self.app(scope, receive, with_headers)


class StrictURL:
    """The URL read strictly before routing: UTF-8 percent-encoding in the path and the query string, a size cap."""

    def __init__(self, app, settings):
        self.app = app
        self.limit = settings.max_request_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        raw_path = scope.get("raw_path") or scope["path"].encode()
        if scope["method"] not in ("GET", "HEAD", "POST"):  # methods are case-sensitive: "get" is not GET
            response = text(405, f"{scope['method'][:20]} is not allowed; this server answers GET, HEAD and POST "
                                 "(POST only at /sparql) and is read-only", Allow="GET, HEAD, POST", Connection="close")
            return await response(scope, receive, send)
        try:
            if len(raw_path) + len(scope["query_string"]) > self.limit + 1024:
                raise Refusal(414, f"the request URL is longer than this server accepts ({self.limit} bytes); "
                                   "POST the query instead")
            scope["path"] = protocol.decode_path(raw_path)
            scope["scograph.params"] = protocol.parse_params(scope["query_string"])
        except Refusal as refusal:
            response = text(refusal.status, refusal.message, Connection="close")
            return await response(scope, receive, send)
        await self.app(scope, receive, send)


class AccessLog:
    """One line per request on stderr: client, method, path, status."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status = []

        async def noting(message):
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            target = scope.get("raw_path", b"").decode("latin-1")
            if scope.get("query_string"):
                target += "?" + scope["query_string"].decode("latin-1")
            client = scope.get("client") or ("-",)
            line = f'{client[0]} - "{scope["method"]} {target[:200]}" {status[0] if status else "-"}\n'
            sys.stderr.write(line.encode("ascii", "backslashreplace").decode("ascii"))


# --------------------------------------------------------------------- the app


def build_app(settings, site: Site, workers: QueryWorkers | None) -> tuple[Starlette, Endpoints]:
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware

    endpoints = Endpoints(settings, site, workers)
    read = ["GET", "HEAD"]
    routes = [
        Route("/", endpoints.home, methods=read),
        Route("/index.html", endpoints.home, methods=read),
        Route("/sparql", endpoints.sparql, methods=["GET", "HEAD", "POST"]),
        Route("/search", endpoints.search, methods=read),
        Route("/id", endpoints.id_root, methods=read),
        Route("/id/", endpoints.id_root, methods=read),
        Route("/id/{rest:path}", endpoints.entity, methods=read),
        Route("/pictures/{name}", endpoints.picture, methods=read),
    ]

    async def refused(request: Request, refusal: Refusal) -> Response:
        headers = {"Connection": "close"} if request.method == "POST" else {}
        return endpoints.error(request, refusal.status, refusal.message, **headers)

    async def http_error(request: Request, error: HTTPException) -> Response:
        if error.status_code == 405:
            if request.method == "POST":
                message = f"POST is accepted at /sparql only, not at {request.url.path}"
            else:
                message = (f"{request.method} is not allowed; this server answers GET, HEAD and POST "
                           "(POST only at /sparql) and is read-only")
            allow = (error.headers or {}).get("Allow", "GET, HEAD")
            return text(405, message, Allow=allow, Connection="close")
        if error.status_code == 404:
            return endpoints.error(request, 404, f"nothing at {request.url.path}; the home page is /, the SPARQL "
                                                 "endpoint /sparql, entities are at /id/ID")
        return text(error.status_code, str(error.detail))

    async def bug(request: Request, error: Exception) -> Response:
        # A bug, not the client's fault: logged here, a one-line answer without details there.
        traceback.print_exception(error, file=sys.stderr)
        return text(500, "internal error; the server's log has the details", Connection="close")

    middleware = []
    if not settings.quiet:
        middleware.append(Middleware(AccessLog))
    middleware.append(Middleware(SecurityHeaders))
    if settings.cors:  # outside StrictURL, so that a preflight OPTIONS is answered, not refused
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=list(settings.cors), allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["Accept", "Content-Type"], expose_headers=["Scograph-Truncated", "Retry-After"],
            max_age=600))
    middleware.append(Middleware(StrictURL, settings=settings))
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={Refusal: refused, HTTPException: http_error, Exception: bug})
    return app, endpoints
