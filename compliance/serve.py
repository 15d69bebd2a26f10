"""The checker as an HTTP JSON service for content management systems (the ``server`` extra).

One ``Checker`` is built at start-up and shared by every request. Each check runs
in a worker thread under the request's deadline, so a slow check cannot stall the
event loop. Every answer is JSON, errors included (``{"error": ..., "detail": [...]}``,
never a traceback), and ``<``, ``>`` and ``&`` are written as ``\\u003c``-style
escapes so no input comes back as markup, whatever a client does with it.

Safety: the body size is capped (413), each request has a deadline (408 while
reading the body, 503 while checking), a bearer token is required off loopback,
and without a token only requests addressed to a loopback name are answered
(a guard against DNS rebinding from a browser on the same machine).
"""
from __future__ import annotations

import functools
import hmac
import ipaddress
import json
import socket
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Literal

import anyio
import uvicorn
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import models_json_schema
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from . import __version__
from .checker import Checker
from .errors import UserError
from .models import DocumentResult, Report, Source

TOKEN_ENV = "COMPLIANCE_TOKEN"
MIN_TOKEN_LENGTH = 16
SAFE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
CLOSE = {"Connection": "close"}  # after a refusal mid-body, so the rest is not waited for
OPEN_PATHS = frozenset({"/healthz"})  # answered without a token, e.g. for a load balancer


@dataclass(frozen=True)
class Limits:
    max_body_size: int = 1_048_576  # bytes; a larger request body is refused with 413
    timeout: float = 10.0  # seconds per request, reading the body and checking together


# -- the wire format -------------------------------------------------------
class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckRequest(_Body):
    text: str = Field(description="The article text as the reader will see it.")
    path: str | None = Field(None, description="A name for the article in the result: a CMS id or URL.")
    metadata: dict[str, Any] = Field(
        default_factory=dict,
        description="What the CMS knows about the article. Keys read: source, license, byline, url, content_type.")


class BatchRequest(_Body):
    documents: list[CheckRequest]


class SourceList(BaseModel):
    sources: list[Source]


class RuleInfo(BaseModel):
    id: str
    kind: str
    summary: str


class RuleList(BaseModel):
    fingerprint: str = Field(description="Changes whenever any active rule changes.")
    rules: list[RuleInfo]


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class FieldProblem(BaseModel):
    field: str
    message: str


class Error(BaseModel):
    error: str
    detail: list[FieldProblem] = Field(default_factory=list)


class ApiError(Exception):
    """A refusal the client caused: rendered as an ``Error`` body with this status."""

    def __init__(self, status: int, message: str, detail: list[FieldProblem] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.detail, self.headers = status, message, detail or [], headers


# -- responses -------------------------------------------------------------
def _json(body: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return _raw(body.model_dump_json(by_alias=True), status, headers)


def _raw(data: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(_escape(data), status, {**SAFE_HEADERS, **(headers or {})}, media_type="application/json")


def _escape(data: str) -> str:
    """JSON in which no input can read as markup: these characters only ever occur inside strings."""
    return data.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _error(status: int, message: str, detail: list[FieldProblem] | None = None,
           headers: dict[str, str] | None = None) -> Response:
    return _json(Error(error=message, detail=detail or []), status, headers)


async def _api_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error(exc.status, exc.message, exc.detail, exc.headers)


async def _http_error(_: Request, exc: Exception) -> Response:
    """Starlette's own refusals (unknown route, wrong method) as JSON, never echoing the path."""
    assert isinstance(exc, HTTPException)
    messages = {404: "no such endpoint (see /openapi.json)", 405: "method not allowed on this endpoint"}
    return _error(exc.status_code, messages.get(exc.status_code, "request refused"), headers=exc.headers)


async def _server_error(_: Request, __: Exception) -> Response:
    return _error(500, "internal error; the server log has the details")


# -- reading requests --------------------------------------------------------
async def _read(request: Request, model: type[_Body], limits: Limits) -> Any:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_body_size:
        raise _too_large(limits)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limits.max_body_size:
            raise _too_large(limits)
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError(422, "the request body is not valid JSON (UTF-8)") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "the request body does not match the schema (see /openapi.json)",
                       [_problem(e) for e in exc.errors(include_input=False, include_url=False)]) from None


def _too_large(limits: Limits) -> ApiError:
    return ApiError(413, f"the request body is larger than {limits.max_body_size} bytes", headers=CLOSE)


def _problem(error: Any) -> FieldProblem:
    """One validation error without the offending input; an unknown key is not named back."""
    loc = list(error["loc"])
    if error["type"] == "extra_forbidden":
        loc = loc[:-1]
    field = ".".join(str(p) for p in loc) or "(body)"
    message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
    return FieldProblem(field=field, message=message)


@contextmanager
def _deadline(at: float, status: int, message: str, headers: dict[str, str] | None = None) -> Iterator[None]:
    try:
        with anyio.fail_at(at):
            yield
    except TimeoutError:
        raise ApiError(status, message, headers=headers) from None


# -- the service -------------------------------------------------------------
class _Service:
    def __init__(self, checker: Checker, limits: Limits):
        self.checker = checker
        self.limits = limits
        rules = checker.rules  # the registry does not change while serving: answer from memory
        self.source_list = _json(SourceList(sources=[rules.source(sid) for sid in sorted(rules.sources)]))
        self.rule_list = _json(RuleList(fingerprint=rules.fingerprint, rules=[
            RuleInfo(id=lr.rule.id, kind=lr.rule.kind, summary=lr.summary)
            for lr in sorted(rules.loaded, key=lambda r: (r.rule.kind, r.rule.id))]))

    async def check(self, request: Request) -> Response:
        deadline = anyio.current_time() + self.limits.timeout
        item = await self._body(request, CheckRequest, deadline)
        with _deadline(deadline, 503, f"the check took longer than {self.limits.timeout:g} s"):
            return _json(await self._check(item))

    async def batch(self, request: Request) -> Response:
        deadline = anyio.current_time() + self.limits.timeout
        batch = await self._body(request, BatchRequest, deadline)
        with _deadline(deadline, 503, f"the batch took longer than {self.limits.timeout:g} s"):
            results = [await self._check(item) for item in batch.documents]
        # The CLI's report, but in request order so results line up with the documents sent.
        return _json(Report(documents=results, summary=Report.of(results).summary))

    async def list_sources(self, _: Request) -> Response:
        return self.source_list

    async def list_rules(self, _: Request) -> Response:
        return self.rule_list

    async def health(self, _: Request) -> Response:
        return _json(Health())

    async def _body(self, request: Request, model: type[_Body], deadline: float) -> Any:
        with _deadline(deadline, 408, "the request body did not arrive in time", CLOSE):
            return await _read(request, model, self.limits)

    async def _check(self, item: CheckRequest) -> DocumentResult:
        check = functools.partial(self.checker.check_text, item.text, path=item.path, metadata=item.metadata)
        return await anyio.to_thread.run_sync(check, abandon_on_cancel=True)


# The endpoints: routing and the OpenAPI document are both built from this table.
ENDPOINTS: list[tuple[str, str, str, str, type[BaseModel] | None, type[BaseModel]]] = [
    ("POST", "/v1/check", "check", "Check one article: the same JSON as one entry of the CLI's report.",
     CheckRequest, DocumentResult),
    ("POST", "/v1/check/batch", "batch", "Check several articles: the CLI's JSON report, in request order.",
     BatchRequest, Report),
    ("GET", "/v1/sources", "list_sources", "The source registry the rules know.", None, SourceList),
    ("GET", "/v1/rules", "list_rules", "The active rules, with a fingerprint of them all.", None, RuleList),
    ("GET", "/healthz", "health", "Liveness; needs no token.", None, Health),
]


class _Guard:
    """Answers 401 without the bearer token (when one is set), 400 for a non-loopback Host otherwise."""

    def __init__(self, app: ASGIApp, token: str | None):
        self.app = app
        self.token = token.encode() if token is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self._refusal(Headers(scope=scope), scope["path"])
            if refusal is not None:
                return await refusal(scope, receive, send)
        await self.app(scope, receive, send)

    def _refusal(self, headers: Headers, path: str) -> Response | None:
        if self.token is None:
            if not is_loopback(_host_name(headers.get("host", ""))):
                return _error(400, "without a token this service only answers requests to a loopback address")
            return None
        if path in OPEN_PATHS:
            return None
        scheme, _, given = headers.get("authorization", "").partition(" ")
        # Header values arrive as latin-1 text; back to bytes for a constant-time comparison.
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode("latin-1"), self.token):
            return None
        return _error(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})


def _host_name(host: str) -> str:
    """The name part of a Host header: ``[::1]:8000`` -> ``::1``, ``localhost:8000`` -> ``localhost``."""
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else ""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def create_app(checker: Checker, *, token: str | None = None, limits: Limits = Limits()) -> Starlette:
    """The ASGI app around one shared ``checker``; a ``token``, if set, is required everywhere but /healthz."""
    service = _Service(checker, limits)
    spec = _raw(json.dumps(openapi(token is not None)))

    async def openapi_json(_: Request) -> Response:
        return spec

    routes = [Route(path, getattr(service, name), methods=[method]) for method, path, name, *_ in ENDPOINTS]
    routes.append(Route("/openapi.json", openapi_json, methods=["GET"]))
    app = Starlette(routes=routes, exception_handlers={
        ApiError: _api_error, HTTPException: _http_error, Exception: _server_error})
    app.add_middleware(_Guard, token=token)
    return app


def openapi(secured: bool) -> dict[str, Any]:
    """The OpenAPI 3.1 document, from the same pydantic models that validate and serialise."""
    models = {(m, "validation") for *_, m, _ in ENDPOINTS if m} | {(m, "serialization") for *_, m in ENDPOINTS}
    models.add((Error, "serialization"))
    refs, schemas = models_json_schema(sorted(models, key=lambda m: (m[0].__name__, m[1])),
                                       ref_template="#/components/schemas/{model}")

    def content(model: type[BaseModel], mode: str) -> dict[str, Any]:
        return {"application/json": {"schema": refs[(model, mode)]}}

    paths: dict[str, Any] = {}
    for method, path, name, summary, request, response in ENDPOINTS:
        ok = {"description": "OK", "content": content(response, "serialization")}
        op: dict[str, Any] = {"operationId": name, "summary": summary, "responses": {"200": ok}}
        errors = {"422": "Malformed JSON or not the schema", "413": "Body too large",
                  "408": "Body too slow", "503": "Check took too long"} if request else {}
        if request:
            op["requestBody"] = {"required": True, "content": content(request, "validation")}
        if secured and path in OPEN_PATHS:
            op["security"] = []
        elif secured:
            errors["401"] = "Missing or wrong bearer token"
        for status, description in errors.items():
            op["responses"][status] = {"description": description, "content": content(Error, "serialization")}
        paths.setdefault(path, {})[method.lower()] = op
    components: dict[str, Any] = {"schemas": schemas["$defs"]}
    doc: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "news-compliance", "version": __version__},
                           "paths": paths, "components": components}
    if secured:
        components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        doc["security"] = [{"bearer": []}]
    return doc


# -- running -------------------------------------------------------------------
def check_token(token: str) -> None:
    if len(token) < MIN_TOKEN_LENGTH or not token.isascii() or not token.isprintable() or " " in token:
        raise UserError(f"the token must be at least {MIN_TOKEN_LENGTH} printable ASCII characters without spaces")


def run(checker: Checker, *, host: str, port: int, token: str | None = None, limits: Limits = Limits()) -> None:
    """Listen on ``host:port`` (port 0 picks a free one) and serve until interrupted.

    Refuses (``UserError``) to listen anywhere but loopback without a token.
    """
    if token is None and not is_loopback(host):
        raise UserError(f"refusing to listen on {host} without a bearer token: set {TOKEN_ENV} or use --token-file")
    if token is not None:
        check_token(token)
    sock = _listen(host, port)
    name, bound = sock.getsockname()[:2]
    print(f"compliance: serving on http://{'[' + name + ']' if ':' in name else name}:{bound}/ "
          f"(token {'required' if token else 'off: loopback only'})", file=sys.stderr, flush=True)
    config = uvicorn.Config(create_app(checker, token=token, limits=limits), server_header=False,
                            proxy_headers=False, lifespan="off", timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[sock])


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket. Its protocol must say TCP: asyncio turns Nagle off on accepted
    connections only then, and with Nagle on every keep-alive answer waits 40 ms for an ACK."""
    sock = None
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(socket.SOMAXCONN)
        return sock
    except OSError as exc:
        if sock is not None:
            sock.close()
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
