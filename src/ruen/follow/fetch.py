"""Fetching politely: what a site's robots.txt forbids is never requested, each host is asked at
most once per ``delay`` (or its crawl-delay), several hosts at once, with timeouts, a bounded
number of tries for 429 and 5xx (honouring ``Retry-After``), of redirects and of bytes.

Why these libraries: httpx (timeouts, redirects, streaming, one pooled client for all threads),
protego (robots.txt as search engines read it, crawl-delay and sitemaps included). Conditional
GET needs no cache library: ``ruen follow``'s store keeps each feed's ETag and Last-Modified,
which is all a conditional request needs.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from ruen.errors import MissingExtraError, RuenError

MAX_BYTES = 20 * 1024 * 1024  # the cap ruen reads a page with (documents.MAX_HTML_BYTES)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
LONGEST_WAIT = 120.0  # a Retry-After beyond this is not waited for in this run


def user_agent() -> str:
    from ruen import __version__

    return f"ruen/{__version__} (news digests; obeys robots.txt)"


@dataclass(frozen=True)
class Politeness:
    """How ruen treats the sites it reads; every default here is the command line's."""

    delay: float = 1.0  # seconds between two requests to one host, at least
    connections: int = 4  # hosts fetched at once
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    tries: int = 3  # for 429 and 5xx, per URL and run
    max_redirects: int = 5
    max_bytes: int = MAX_BYTES


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    content: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(RuenError):
    """A URL that could not be fetched, in one line that says why; ``retry`` says whether a
    later run may do better (a 503 may pass, robots.txt's refusal or a 404 will not)."""

    def __init__(self, url: str, reason: str, *, retry: bool = True) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.retry = retry


class Fetcher:
    """One HTTP client for a run, shared by its threads, with a memory per host of robots.txt
    and of when it was last asked."""

    def __init__(self, politeness: Politeness | None = None, *, sleep: Callable = time.sleep):
        try:
            import httpx
            from protego import Protego
        except ImportError as exc:
            raise MissingExtraError("ruen follow", "follow", exc.name or "httpx") from None
        self.politeness = politeness or Politeness()
        self._httpx = httpx
        self._protego = Protego
        self._sleep = sleep
        self.client = httpx.Client(
            follow_redirects=True,
            max_redirects=self.politeness.max_redirects,
            timeout=httpx.Timeout(
                self.politeness.read_timeout, connect=self.politeness.connect_timeout
            ),
            headers={"User-Agent": user_agent()},
        )
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()
        self.requests = 0  # every request made, robots.txt included

    def close(self) -> None:
        self.client.close()

    def _count(self) -> None:
        with self._lock:  # requests are made from several threads
            self.requests += 1

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the one request -----------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: tuple[str, ...] = (),
    ) -> Response:
        """GET ``url`` as the politeness says; conditional when ``etag`` or ``last_modified``
        is given (a 304 comes back as a response that is ``not_modified``). ``accept``
        limits the content types taken (by prefix). Raises :class:`FetchError`."""
        _check_scheme(url)
        host = self._host(url)
        if not host.robots.can_fetch(url, user_agent()):
            raise FetchError(url, "disallowed by the site's robots.txt; not requested", retry=False)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for attempt in range(1, self.politeness.tries + 1):
            response, wait = self._once(url, host, headers, accept)
            if response is not None:
                return response
            if attempt == self.politeness.tries:
                raise FetchError(url, f"{wait[1]}, {attempt} tries; tried again next run")
            if wait[0] > LONGEST_WAIT:
                raise FetchError(url, f"{wait[1]}, asked to wait {wait[0]:.0f} s; next run")
            host.not_before(time.monotonic() + wait[0])
        raise AssertionError("unreachable")

    def get_many(
        self, urls: Iterable[str], **options: object
    ) -> Iterator[tuple[str, Response | FetchError]]:
        """(url, response or error) for each URL, as they finish: hosts in parallel (at most
        ``connections`` at once), each host's URLs one after the other."""
        by_host: dict[str, list[str]] = {}
        for url in urls:
            by_host.setdefault(urlsplit(url).netloc.lower(), []).append(url)

        def one_host(group: list[str]) -> list[tuple[str, Response | FetchError]]:
            done: list[tuple[str, Response | FetchError]] = []
            for url in group:
                try:
                    done.append((url, self.get(url, **options)))  # type: ignore[arg-type]
                except FetchError as exc:
                    done.append((url, exc))
            return done

        workers = max(1, min(self.politeness.connections, len(by_host)))
        with ThreadPoolExecutor(workers, thread_name_prefix="ruen-fetch") as pool:
            for finished in pool.map(one_host, by_host.values()):
                yield from finished

    def _once(
        self, url: str, host: _Host, headers: dict[str, str], accept: tuple[str, ...]
    ) -> tuple[Response | None, tuple[float, str]]:
        """One try: the response, or None and (seconds to wait, why) before the next."""
        httpx = self._httpx
        host.wait_turn(self._sleep)
        self._count()
        try:
            with self.client.stream("GET", url, headers=headers) as reply:
                if reply.status_code in RETRY_STATUSES:
                    return None, (self._retry_after(reply, host), f"HTTP {reply.status_code}")
                final = str(reply.url)
                _check_scheme(final)
                if reply.status_code == 304:
                    return Response(final, 304, b"", "", headers.get("If-None-Match")), (0, "")
                if reply.status_code >= 400:
                    raise FetchError(url, f"HTTP {reply.status_code}", retry=False)
                kind = reply.headers.get("content-type", "").split(";")[0].strip().lower()
                if accept and not kind.startswith(accept):
                    raise FetchError(
                        url, f"{kind or 'no content type'}, not {'/'.join(accept)}", retry=False
                    )
                content = self._read(url, reply)
                return Response(
                    final,
                    reply.status_code,
                    content,
                    kind,
                    reply.headers.get("etag"),
                    reply.headers.get("last-modified"),
                ), (0, "")
        except httpx.TooManyRedirects:
            raise FetchError(url, f"more than {self.politeness.max_redirects} redirects") from None
        except httpx.TimeoutException as exc:
            return None, (self._backoff(host), f"timed out ({type(exc).__name__})")
        except httpx.UnsupportedProtocol:
            raise FetchError(url, "redirected to an address that is not http or https") from None
        except httpx.HTTPError as exc:
            return None, (self._backoff(host), f"{type(exc).__name__}: {exc}")

    def _read(self, url: str, reply: object) -> bytes:
        limit = self.politeness.max_bytes
        declared = reply.headers.get("content-length")  # type: ignore[attr-defined]
        if declared and declared.isdigit() and int(declared) > limit:
            size = f"{int(declared) / 2**20:.1f} MB, over {limit / 2**20:.0f} MB"
            raise FetchError(url, size, retry=False)
        chunks, size = [], 0
        for chunk in reply.iter_bytes():  # type: ignore[attr-defined]
            size += len(chunk)
            if size > limit:
                raise FetchError(url, f"over {limit / 2**20:.0f} MB; not read further", retry=False)
            chunks.append(chunk)
        return b"".join(chunks)

    def _retry_after(self, reply: object, host: _Host) -> float:
        value = reply.headers.get("retry-after", "").strip()  # type: ignore[attr-defined]
        if value.isdigit():
            return float(value)
        if value:
            when = email.utils.parsedate_to_datetime(value)
            if when is not None:
                return max(0.0, when.timestamp() - time.time())
        return self._backoff(host)

    def _backoff(self, host: _Host) -> float:
        host.failures += 1
        return self.politeness.delay * 2**host.failures

    # --- hosts and their robots.txt --------------------------------------------------------

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host(self.politeness.delay)
        with host.lock:
            if host.robots is None:
                host.robots = self._robots(key, host)
        return host

    def _robots(self, root: str, host: _Host) -> object:
        """The site's robots.txt: none (404 and the like) allows everything; one that cannot
        be read (5xx, no answer) allows nothing this run, as RFC 9309 asks."""
        host.wait_turn(self._sleep)
        self._count()
        try:
            reply = self.client.get(f"{root}/robots.txt")
        except self._httpx.HTTPError:
            return self._protego.parse("User-agent: *\nDisallow: /\n")
        if reply.status_code >= 500:
            return self._protego.parse("User-agent: *\nDisallow: /\n")
        text = reply.text if reply.status_code < 400 else ""
        robots = self._protego.parse(text)
        crawl_delay = robots.crawl_delay(user_agent())
        if crawl_delay:
            host.delay = max(host.delay, float(crawl_delay))
        return robots

    def sitemaps(self, url: str) -> list[str]:
        """The sitemaps a site's robots.txt names."""
        return list(self._host(url).robots.sitemaps)


class _Host:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.robots: object = None
        self.lock = threading.Lock()
        self._turn = threading.Lock()
        self._next = 0.0
        self.failures = 0

    def not_before(self, moment: float) -> None:
        self._next = max(self._next, moment)

    def wait_turn(self, sleep: Callable) -> None:
        """Wait until this host may be asked again, and book the next turn."""
        with self._turn:
            now = time.monotonic()
            if self._next > now:
                sleep(self._next - now)
            self._next = max(now, self._next) + self.delay


def _check_scheme(url: str) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(url, "not an http or https address")
