"""The HTTP face of ``ruen serve``: a JSON API, its OpenAPI page at ``/docs`` and a web page
at ``/``, over the :class:`~ruen.serve.service.Service` (extra ``ruen[serve]``).

Every answer that is not a success is one JSON line, ``{"error": "..."}``: the handlers below
turn validation errors, refusals and unexpected failures into it, and :class:`Guard` answers
what must be settled before a request reaches the routes (body size, a slow body, the API
key) the same way. The page is static (HTML, CSS, one script, all served from here) under a
Content-Security-Policy of ``default-src 'self'``; the script inserts every text as text.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from importlib import resources
from typing import Annotated, Any, Literal, TypeVar

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import ruen
from ruen.errors import RuenError
from ruen.flags import Flag
from ruen.records import SentenceRecord, TermUse, Title
from ruen.report import CSP as PAGE_CSP
from ruen.report import STYLE
from ruen.serve.service import Refused, Service, Slot, checked, replace_repair
from ruen.summarization import key_sentences

log = logging.getLogger("ruen.serve")
T = TypeVar("T")

CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
# The OpenAPI page (Swagger UI, served from this package, no CDN) starts itself with an
# inline script and inline styles.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/static-offline-docs/")


# --- requests ----------------------------------------------------------------------------------


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class DigestRequest(_Request):
    """One announcement: ``text``, or a file's bytes in base64 as ``data`` (with its ``name``,
    whose extension says how to read it)."""

    text: str | None = None
    data: str | None = Field(None, description="a file's bytes, base64")
    name: str | None = Field(None, description="the uploaded file's name")
    id: str | None = Field(None, description="given back as the digest's id")
    format: Literal["auto", "text", "markdown", "html"] = "auto"
    k: float = Field(
        3, description="key sentences: a whole count of 1 or more, or a share between 0 and 1"
    )
    mode: Literal["summarise-first", "translate-first"] = "summarise-first"
    summary_only: bool = False
    beam_size: Annotated[int, Field(ge=1)] | None = None
    repair: bool = True

    @field_validator("k")
    @classmethod
    def _key_sentences(cls, k: int | float) -> int | float:
        return key_sentences(k)  # the CLI's rule: 0 and 2.5 are refused

    @model_validator(mode="after")
    def _one_source(self) -> DigestRequest:
        if (self.text is None) == (self.data is None):
            raise ValueError("give the announcement as 'text' or as base64 'data', one of them")
        return self


class TranslateRequest(_Request):
    q: list[str] = Field(min_length=1, description="sentences, each translated as one segment")
    beam_size: Annotated[int, Field(ge=1)] | None = None
    repair: bool = False


class CheckRequest(_Request):
    pairs: list[Annotated[list[str], Field(min_length=2, max_length=2)]] = Field(
        description="[Russian, English] pairs"
    )


# --- answers, as /docs shows them (documentation: the routes send plain JSON) -----------------


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a key the docs do not name fails the tests


class ErrorAnswer(_Answer):
    """Every error of this server: one line (never FastAPI's list of details)."""

    error: str = Field(description="what was wrong, in one line")


class DigestAnswer(_Answer):
    """What ``ruen digest --format json`` writes for one document (:meth:`ruen.Digest.to_dict`)."""

    id: str | None
    title: Title | None
    date: str | None
    url: str | None
    model: str
    k: float
    settings: dict[str, Any] = Field(description="what produced it, to reproduce it")
    summary_en: list[str] = Field(description="the key sentences' English, in text order")
    flags: dict[str, int] = Field(description="flags of each kind, zeros too")
    notes: list[str]
    sentences: list[SentenceRecord]


class TranslateAnswer(_Answer):
    translations: list[str]
    repaired: list[bool]
    terms: list[list[TermUse]]
    flags: list[list[Flag]]


class CheckResult(_Answer):
    flags: list[Flag]


class CheckAnswer(_Answer):
    results: list[CheckResult]


class InfoAnswer(_Answer):
    model: str
    fingerprint: str = Field(description="a hash of the model's files: same hash, same English")
    backend: str
    compute_type: str | None
    device: str
    defaults: dict[str, Any] = Field(description="the digest settings a request does not set")
    limits: dict[str, Any] = Field(description="pending requests, sizes, the deadline")
    ruen: str


class HealthAnswer(_Answer):
    status: Literal["ok"]
    pending: int = Field(description="requests admitted and not yet answered")
    max_pending: int
    ruen: str
    model: str = Field(description="the model's name (a folder by its own name)")
    key_needed: bool
    briefing: bool = Field(description="whether /briefing answers (started with --store)")
    notice: str = Field(description="the machine-translation notice of today's results")


def _answers(ok: type[BaseModel] | None, *errors: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route: its answer, and each error it can give, in our shape."""
    said = {
        400: "a body that is not valid JSON, or a value out of range",
        401: "the API key is missing or wrong",
        404: "no such thing here",
        408: "the body took too long to arrive",
        413: "the body, the text or its sentences over this server's limits",
        415: "a body that is not application/json",
        422: "a request that names an unknown field or lacks one, or a text that cannot be read",
        503: "the server is busy (Retry-After says when to try again)",
        504: "the request ran past the server's deadline",
    }
    out: dict[int | str, dict[str, Any]] = {}
    if ok is not None:
        out[200] = {"model": ok, "description": "the answer"}
    for status in errors:
        out[status] = {"model": ErrorAnswer, "description": said[status]}
    return out


_POSTED = (400, 401, 408, 413, 415, 422, 503, 504)
_BRIEFING_MEDIA = ("text/html", "application/json", "application/atom+xml", "text/markdown")


# --- the app -----------------------------------------------------------------------------------


def create_app(
    service: Service, *, cors_origins: Sequence[str] = (), store: str | None = None
) -> FastAPI:
    """The ASGI app of ``ruen serve`` over ``service``; ``store``: a ``ruen follow`` store
    whose latest briefing ``/briefing`` shows."""
    app = FastAPIOffline(
        title="ruen",
        version=ruen.__version__,
        description="Russian announcements into English: digest, translate, check.",
        redoc_url=None,
    )
    limits = service.limits

    async def run(call: Callable[[], T], deadline: float) -> T:
        """``call`` on the service's planning threads, within the request's deadline."""
        loop = asyncio.get_running_loop()
        return await _within(loop.run_in_executor(service.planner, call), deadline, limits)

    async def translated(slot: Slot, texts: list[str], options: Any, deadline: float) -> list[Any]:
        """The texts' translations, from the batcher."""
        future = slot.translate(texts, options, deadline)
        return await _within(asyncio.wrap_future(future), deadline, limits)

    @app.post(
        "/v1/digest",
        summary="Digest one announcement (as `ruen digest --format json`)",
        response_model=None,
        responses=_answers(DigestAnswer, *_POSTED),
    )
    async def digest(request: DigestRequest) -> JSONResponse:
        deadline = time.monotonic() + limits.deadline_seconds
        wanted = request.model_dump()
        with service.admitted() as slot:
            work, plan = await run(lambda: service.plan(wanted), deadline)
            future = slot.translate_plan(work, plan, deadline)
            done = await _within(asyncio.wrap_future(future), deadline, limits)
            name, settings = service.translator.name, work.settings(service.translator)
            # As digest_many completes a digest: an error inside (raised, on_error="raise")
            # answers this request with an error and the server serves the next.
            result = await run(
                lambda: work.complete(plan, done, name, settings).to_dict(), deadline
            )
        return JSONResponse(result)  # plain JSON data already: no second encoding pass

    @app.post(
        "/v1/translate",
        summary="Translate sentences, each as one segment",
        response_model=None,
        responses=_answers(TranslateAnswer, *_POSTED),
    )
    async def translate(request: TranslateRequest) -> dict[str, Any]:
        deadline = time.monotonic() + limits.deadline_seconds
        service.cap_sentences(len(request.q))
        service.cap_chars(sum(len(text) for text in request.q))
        options = replace_repair(service.options(request.beam_size), request.repair)
        with service.admitted() as slot:
            done = await translated(slot, request.q, options, deadline)
            pairs = [[ru, result.text] for ru, result in zip(request.q, done)]
            flags = await run(lambda: checked(pairs, options.glossary), deadline)
        return {
            "translations": [result.text for result in done],
            "repaired": [result.repaired for result in done],
            "terms": [[term.to_dict() for term in result.terms] for result in done],
            "flags": [item["flags"] for item in flags],
        }

    @app.post(
        "/v1/check",
        summary="Flag changed figures, names and addresses in any pairs",
        response_model=None,
        responses=_answers(CheckAnswer, *_POSTED),
    )
    async def check(request: CheckRequest) -> dict[str, Any]:
        deadline = time.monotonic() + limits.deadline_seconds
        service.cap_sentences(len(request.pairs))
        service.cap_chars(sum(len(ru) + len(en) for ru, en in request.pairs))
        with service.admitted():
            glossary = service.defaults.glossary
            return {"results": await run(lambda: checked(request.pairs, glossary), deadline)}

    @app.get(
        "/health",
        summary="Whether the server is up, how busy, and what the page needs",
        response_model=None,
        responses=_answers(HealthAnswer),
    )
    async def health() -> dict[str, Any]:
        """Open without the key: the page asks it what to show (the key field only where a
        key is needed, the briefing's link only where there is one, the model by name: a
        folder by its own name, never the path it lies at), and the notice to show with a
        result (the report's own line, so the page never words it apart)."""
        from datetime import date

        from ruen.report import _model_name, machine_translation_notice

        return {
            "status": "ok",
            "pending": service.pending,
            "max_pending": limits.max_pending,
            "ruen": ruen.__version__,
            "model": _model_name(service.translator.name),
            "key_needed": service.api_key is not None,
            "briefing": store is not None,
            "notice": machine_translation_notice(
                [service.translator.name], date.today().isoformat()
            ),
        }

    @app.get(
        "/v1/info",
        summary="The model, its settings and the server's limits",
        response_model=None,
        responses=_answers(InfoAnswer, 401),
    )
    async def info() -> dict[str, Any]:
        return service.info()

    @app.get(
        "/briefing",
        summary="The latest briefing of the follow store (as `ruen briefing`)",
        response_class=Response,
        responses={
            200: {
                "description": "the briefing",
                "content": {media: {} for media in _BRIEFING_MEDIA},
            },
            **_answers(None, 400, 401, 404, 422, 503, 504),
        },
    )
    async def briefing(
        format: Literal["html", "json", "atom", "markdown"] | None = None,
        since: str = "24h",
        tz: str | None = None,
        accept: Annotated[str | None, Header()] = None,
    ) -> Response:
        """HTML (the default), JSON, Atom or Markdown: ``?format=``, or what the ``Accept``
        header asks for first (a feed reader asks for ``application/atom+xml``); ``?since=``
        and ``?tz=`` as ``ruen briefing``'s options. Behind the API key, where the server has
        one (a feed reader sends it as the password of HTTP Basic authentication, any user
        name)."""
        from ruen.follow import briefing as briefings
        from ruen.follow.store import Store

        if store is None:
            raise Refused(404, "no briefing here: start ruen serve with --store FILE")
        form = format or _accepted(accept or "")
        deadline = time.monotonic() + limits.deadline_seconds

        def render() -> str:
            zone = briefings.zone(tz)
            start = briefings.since(since, tz=zone)
            with Store.reader(store) as opened:
                return briefings.render(
                    opened, start, form, feed_id=f"urn:ruen:briefing:{since}", tz=zone
                )

        with service.admitted():
            try:
                body = await run(render, deadline)
            except RuenError as exc:
                asked = any(word in str(exc) for word in ("--since", "--tz"))
                raise Refused(400 if asked else 503, str(exc)) from None
        return Response(body, media_type=briefings.MEDIA_TYPES[form])

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(_asset("index.html"))

    @app.get("/static/app.js", include_in_schema=False)
    async def script() -> Response:
        return Response(_asset("app.js"), media_type="text/javascript; charset=utf-8")

    @app.get("/static/page.css", include_in_schema=False)
    async def style() -> Response:
        return Response(STYLE + _asset("page.css"), media_type="text/css; charset=utf-8")

    @app.get("/favicon.ico", include_in_schema=False)
    @app.get("/static/icon.svg", include_in_schema=False)
    async def icon() -> Response:
        return Response(_asset("icon.svg"), media_type="image/svg+xml")

    @app.exception_handler(Refused)
    async def refused(_: Request, exc: Refused) -> JSONResponse:
        return _error(exc.status, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(*_validation_message(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = {
            404: f"no such endpoint: {request.url.path}",
            405: f"{request.method} is not allowed on {request.url.path}",
        }.get(exc.status_code, str(exc.detail))
        return _error(exc.status_code, message, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def failed(_: Request, exc: Exception) -> JSONResponse:
        log.exception("request failed")  # the trace goes to the server's log, not the client
        return _error(500, f"internal error ({type(exc).__name__}); the server log has more")

    app.add_middleware(Guard, service=service)
    if cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(  # outermost: answers preflights before the key is asked for
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            allow_credentials=False,
        )
    return app


def _accepted(accept: str) -> str:
    """The briefing's format an ``Accept`` header asks for (HTML where it names none)."""
    for kind in (part.split(";")[0].strip().lower() for part in accept.split(",")):
        if kind in ("application/atom+xml", "application/rss+xml", "application/xml"):
            return "atom"
        if kind == "application/json":
            return "json"
        if kind == "text/markdown":
            return "markdown"
        if kind in ("text/html", "application/xhtml+xml", "*/*"):
            return "html"
    return "html"


async def _within(awaitable: Awaitable[T], deadline: float, limits: Any) -> T:
    try:
        return await asyncio.wait_for(awaitable, max(0.0, deadline - time.monotonic()))
    except (asyncio.TimeoutError, TimeoutError):  # the same class from Python 3.11
        raise Refused(
            504,
            f"not done within {limits.deadline_seconds:g} s, this server's deadline per request; "
            "try a shorter text, or again when it is less busy",
        ) from None


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _validation_message(errors: Sequence[Any]) -> tuple[int, str]:
    """One line for pydantic's list of errors: each field once, with what was wrong."""
    if any(error.get("type") == "json_invalid" for error in errors):
        detail = next(e for e in errors if e.get("type") == "json_invalid").get("ctx", {})
        reason = detail.get("error", "")
        return 400, f"the body is not valid JSON{': ' + reason if reason else ''}"
    parts: dict[str, str] = {}
    for error in errors:
        field = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        kind = error.get("type")
        if (kind == "missing" and not field) or kind == "model_attributes_type":
            message = "the body must be a JSON object"
        elif kind == "extra_forbidden":
            message = "not a field of this request"
        parts.setdefault(field, f"{field}: {message}" if field else message)
    return 422, "; ".join(parts.values())


def _asset(name: str) -> str:
    return resources.files("ruen.serve").joinpath("web", name).read_text(encoding="utf-8")


# --- what is settled before the routes ----------------------------------------------------------


class Guard:
    """Security headers on every answer; for ``/v1/``, the API key; for a body, its size and
    the time it takes to arrive (read here in full, then handed on)."""

    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        csp = DOCS_CSP if path.startswith(DOCS_PATHS) else CSP
        if path == "/briefing":  # a self-contained page: its own inline styles, nothing else
            csp = PAGE_CSP

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        headers = {key.decode("latin-1").lower(): value for key, value in scope["headers"]}
        limits = self.service.limits
        if (path.startswith("/v1/") or path == "/briefing") and not self.service.authorised(
            headers.get("authorization", b"").decode("latin-1")
        ):
            feed = path == "/briefing"  # a feed reader asks the user for a password
            await _error(
                401,
                "an API key is needed: send it as 'Authorization: Bearer <key>'"
                + (" or as the password of HTTP Basic authentication" if feed else ""),
                {"WWW-Authenticate": 'Basic realm="ruen briefing"' if feed else "Bearer"},
            )(scope, receive, secured)
            return
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, secured)
            return
        kind = headers.get("content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        if (
            path.startswith("/v1/")
            and kind
            and not (kind == "application/json" or kind.endswith("+json"))
        ):
            await _error(
                415, f"send the body as JSON with Content-Type: application/json, not {kind}"
            )(scope, receive, secured)
            return
        too_big = _error(
            413, f"the request body is over {limits.max_body_bytes:,} bytes, this server's limit"
        )
        length = headers.get("content-length", b"")
        if length.isdigit() and int(length) > limits.max_body_bytes:
            await too_big(scope, receive, secured)
            return
        try:
            reading = _body(receive, limits.max_body_bytes)
            body = await asyncio.wait_for(reading, limits.body_seconds)
        except _Gone:
            return  # the client went away while sending: no one to answer
        except asyncio.TimeoutError:
            await _error(408, f"the request body did not arrive within {limits.body_seconds:g} s")(
                scope, receive, secured
            )
            return
        if body is None:  # over the limit
            await too_big(scope, receive, secured)
            return
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            await _error(
                400,
                f"the body is not valid UTF-8 (byte 0x{body[exc.start]:02x} at offset {exc.start})",
            )(scope, receive, secured)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, secured)


class _Gone(Exception):
    """The client went away while sending its body."""


async def _body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Gone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


# --- running it --------------------------------------------------------------------------------


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free one), or one line that says why
    not."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        raise RuenError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def run(app: FastAPI, sock: socket.socket) -> None:
    """Serve ``app`` on ``sock`` with uvicorn until interrupted (Ctrl+C, SIGTERM)."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[sock])
