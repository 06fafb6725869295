"""Fetching politely: what a site's robots.txt forbids is never requested, each host is asked at
most once per ``delay`` (or its crawl-delay), several hosts at once, with timeouts and a total
deadline per page, a bounded number of tries for 429 and 5xx (honouring ``Retry-After``), of
redirects and of bytes.

robots.txt is read as RFC 9309 says: a 4xx answer means no restrictions; a 5xx answer, a
timeout or a host that cannot be reached means "not now" (the page is tried on a later run,
never refused for good). Redirects are followed hop by hop, each hop asking its own host's
robots.txt and keeping its own host's delay, so that a redirect never leads past a rule.

A failure says whether a later run may do better (:class:`FetchError`): ``retry=False`` for
what cannot heal (robots.txt forbids it, 404/410, a redirect loop, an address that is not
http(s), a body that is not a page), ``counts=False`` for "not now" (the host or its
robots.txt could not be reached, or the host was too slow this run), which costs the item
none of its tries.

Why these libraries: httpx (timeouts, streaming, one pooled client for all threads), protego
(robots.txt as search engines read it, crawl-delay and sitemaps included). Conditional GET
needs no cache library: ``ruen follow``'s store keeps each listing's ETag and Last-Modified,
which is all a conditional request needs.
"""

from __future__ import annotations

import email.message
import email.utils
import math
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from urllib.parse import urljoin, urlsplit

from ruen.errors import MissingExtraError, RuenError
from ruen.follow.shells import meta_refresh

HTML_TYPES = ("text/html", "application/xhtml+xml", "")  # "": none given, told by its bytes

# A listing (feed, sitemap) larger than this is refused: the sitemap protocol caps a file at
# 50 MB uncompressed, and a feed is far smaller.
LISTING_BYTES = 50 * 1024 * 1024
# A page is read up to this size and cut there, with a note in its record: an article's text
# is a small share of its page, and parsing costs some 22 bytes of memory per byte of markup
# (a 19 MB page took ruen follow to 1.6 GB; 2 MB costs about 55 MB).
PAGE_BYTES = 2 * 1024 * 1024
# robots.txt is read up to this size (RFC 9309: at least 500 kibibytes).
ROBOTS_BYTES = 512 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
GONE_STATUSES = frozenset({404, 410})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def user_agent() -> str:
    from ruen import __version__

    return f"ruen/{__version__} (news digests; obeys robots.txt)"


@dataclass(frozen=True)
class Politeness:
    """How ruen treats the sites it reads; every default here is the command line's."""

    delay: float = 1.0  # seconds between two requests to one host, at least
    connections: int = 4  # hosts fetched at once
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # for each read of a response
    # One page's total time, from its first request to its last byte, tries included: a body
    # that trickles in forever is given up at this point (and the rest of its host's pages
    # wait for the next run), whatever the read timeout.
    page_deadline: float = 60.0
    tries: int = 3  # for 429 and 5xx, per URL and run
    max_redirects: int = 5
    max_bytes: int = LISTING_BYTES  # a feed or sitemap larger than this is refused
    page_bytes: int = PAGE_BYTES  # a page larger than this is cut here, with a note

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            whole = item.name in ("connections", "tries", "max_redirects", "max_bytes")
            whole = whole or item.name == "page_bytes"
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{item.name} must be a number, not {value!r}")
            if not math.isfinite(value) or value < 0 or (whole and int(value) != value):
                raise ValueError(f"{item.name} must be a finite number of 0 or more, not {value}")
        if self.delay > 86400:
            raise ValueError(f"delay must be at most a day (86400 s), not {self.delay:g}")
        for name in ("connections", "tries", "page_deadline", "read_timeout", "connect_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be more than 0, not {getattr(self, name)}")


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    content: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None
    charset: str | None = None  # the Content-Type header's charset parameter
    size: int | None = None  # where the body was cut at ``page_bytes``: its size, if known

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def cut(self) -> bool:
        return self.size is not None


class FetchError(RuenError):
    """A URL that could not be fetched, in one line that says why.

    ``retry``: whether a later run may do better (a 503 may pass; robots.txt's refusal, a 404
    or a redirect loop will not). ``counts``: whether this was a real try, which costs the
    item one of its attempts; "not now" (the host or its robots.txt could not be reached, the
    host was too slow this run) does not, so that a page is never given up because its site
    was down on a few mornings."""

    def __init__(self, url: str, reason: str, *, retry: bool = True, counts: bool = True) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.retry = retry
        self.counts = counts


def _not_now(url: str, reason: str) -> FetchError:
    return FetchError(url, f"{reason}; not fetched this run, tried again next run", counts=False)


def _gone(url: str, reason: str) -> FetchError:
    return FetchError(url, reason, retry=False)


class Fetcher:
    """One HTTP client for a run, shared by its threads, with a memory per host of robots.txt,
    of when it was last asked and of whether it can be reached."""

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
            follow_redirects=False,  # followed hop by hop, each asking its host's robots.txt
            timeout=httpx.Timeout(
                self.politeness.read_timeout, connect=self.politeness.connect_timeout
            ),
            headers={"User-Agent": user_agent()},
        )
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()
        self.requests = 0  # every request made, robots.txt included
        self.stopped = threading.Event()  # set to make get_many stop starting new pages

    def close(self) -> None:
        self.client.close()

    def _count(self) -> None:
        with self._lock:  # requests are made from several threads
            self.requests += 1

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- one URL, hop by hop ------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: tuple[str, ...] = (),
        page: bool = False,
    ) -> Response:
        """GET ``url`` as the politeness says; conditional when ``etag`` or ``last_modified``
        is given (a 304 comes back as a response that is ``not_modified``). ``accept``
        limits the content types taken (by prefix; a response with none is taken and told by
        its bytes). A ``page`` is cut at ``page_bytes`` (the response says so); anything else
        larger than ``max_bytes`` is refused. Raises :class:`FetchError`."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current, seen = url, {url}
        clock = _Clock(self.politeness.page_deadline)
        for _hop in range(self.politeness.max_redirects + 1):
            if urlsplit(current).scheme.lower() not in ("http", "https"):
                where = "not" if current == url else f"redirected to {current}, not"
                raise _gone(url, f"{where} an http or https address")
            host = self._host(current)
            if host.unreachable:
                raise _not_now(url, host.unreachable)
            if not host.robots.can_fetch(current, user_agent()):  # type: ignore[attr-defined]
                where = "" if current == url else f"redirected to {current}, which is "
                raise _gone(url, f"{where}disallowed by the site's robots.txt; not requested")
            if host.too_slow:
                raise _not_now(url, host.too_slow)
            reply = self._tries(url, current, host, headers, accept, page, clock)
            if isinstance(reply, Response):
                return reply
            following = urljoin(current, reply)
            if following in seen:
                raise _gone(url, f"a redirect loop ({current} → {following})")
            seen.add(following)
            current = following
        raise _gone(url, f"more than {self.politeness.max_redirects} redirects")

    def get_many(
        self, urls: Iterable[str], **options: object
    ) -> Iterator[tuple[str, Response | FetchError]]:
        """(url, response or error) for each URL as it arrives, whatever its host: hosts in
        parallel (at most ``connections`` at once), each host's URLs one after the other, so
        that a slow host holds up only its own pages. Setting ``stopped`` ends it early: no
        new page is asked for, and what is on its way is given up."""
        groups: queue.SimpleQueue[list[str]] = queue.SimpleQueue()
        by_host: dict[str, list[str]] = {}
        for url in urls:
            by_host.setdefault(urlsplit(url).netloc.lower(), []).append(url)
        for group in by_host.values():
            groups.put(group)
        arrived: queue.Queue[tuple[str, Response | FetchError] | None] = queue.Queue()
        workers = max(1, min(self.politeness.connections, len(by_host)))
        running = [workers]

        def work() -> None:  # daemon threads: an interrupted run does not wait for them
            try:
                while not self.stopped.is_set():
                    try:
                        group = groups.get_nowait()
                    except queue.Empty:
                        return
                    for url in group:
                        if self.stopped.is_set():
                            return
                        arrived.put((url, self.get_safely(url, **options)))
            finally:
                with self._lock:
                    running[0] -= 1
                    if not running[0]:
                        arrived.put(None)

        for n in range(workers):
            threading.Thread(target=work, name=f"ruen-fetch-{n}", daemon=True).start()
        try:
            while (item := arrived.get()) is not None:
                yield item
        finally:
            self.stopped.set()

    def get_safely(self, url: str, **options: object) -> Response | FetchError:
        """:meth:`get`, with every failure as a :class:`FetchError` returned, not raised (an
        address httpx cannot even parse included)."""
        try:
            return self.get(url, **options)  # type: ignore[arg-type]
        except FetchError as exc:
            return exc
        except Exception as exc:  # a malformed address, or a fault of a library below
            return _gone(url, f"cannot be fetched ({type(exc).__name__}: {exc})")

    def _tries(
        self,
        url: str,
        current: str,
        host: _Host,
        headers: dict[str, str],
        accept: tuple[str, ...],
        page: bool,
        clock: _Clock,
    ) -> Response | str:
        """The response for ``current``, or where it redirects, within the page deadline
        (which starts at the page's first request, and counts every try and hop after it)."""
        for attempt in range(1, self.politeness.tries + 1):
            host.wait_turn(self._sleep)
            deadline = clock.deadline()
            outcome, wait = self._once(url, current, host, headers, accept, page, deadline)
            if outcome is not None:
                return outcome
            if attempt == self.politeness.tries:
                if wait[2]:  # the host could not be reached: its other pages need not try
                    host.unreachable = host.unreachable or wait[1]
                    raise _not_now(url, wait[1])
                raise FetchError(url, f"{wait[1]}, {attempt} tries; tried again next run")
            if time.monotonic() + wait[0] > deadline:
                raise FetchError(
                    url, f"{wait[1]}, asked to wait {wait[0]:.0f} s: past the page deadline "
                    f"({self.politeness.page_deadline:g} s); tried again next run",
                )  # fmt: skip
            host.not_before(time.monotonic() + wait[0])
        raise AssertionError("unreachable")

    def _once(
        self,
        url: str,
        current: str,
        host: _Host,
        headers: dict[str, str],
        accept: tuple[str, ...],
        page: bool,
        deadline: float,
    ) -> tuple[Response | str | None, tuple[float, str, bool]]:
        """One request: the response, the next hop's address, or None and (seconds to wait,
        why, whether the host could not be reached) before the next try."""
        httpx = self._httpx
        self._count()
        left = deadline - time.monotonic()
        timeout = httpx.Timeout(
            min(self.politeness.read_timeout, max(left, 0.01)),
            connect=min(self.politeness.connect_timeout, max(left, 0.01)),
        )
        try:
            with self.client.stream("GET", current, headers=headers, timeout=timeout) as reply:
                status = reply.status_code
                if status in REDIRECT_STATUSES and reply.headers.get("location"):
                    return reply.headers["location"], (0, "", False)
                if status in RETRY_STATUSES:
                    return None, (self._retry_after(reply, host), f"HTTP {status}", False)
                if status == 304:
                    return Response(current, 304, b"", "", headers.get("If-None-Match")), (
                        0,
                        "",
                        False,
                    )
                if status in GONE_STATUSES:
                    raise _gone(url, f"HTTP {status}: the page is not there")
                if status >= 400:
                    raise FetchError(url, f"HTTP {status}")
                kind, charset = _content_type(reply.headers.get("content-type", ""))
                if accept and kind and not kind.startswith(accept):
                    raise _gone(url, f"{kind}, not {'/'.join(accept)}")
                content, size = self._read(url, reply, page, deadline, host)
                refresh = meta_refresh(content, current) if page and kind in HTML_TYPES else None
                if refresh:  # a page that only sends the reader on: followed as a redirect
                    return refresh, (0, "", False)
                return Response(
                    current,
                    status,
                    content,
                    kind,
                    reply.headers.get("etag"),
                    reply.headers.get("last-modified"),
                    charset,
                    size,
                ), (0, "", False)
        except httpx.TimeoutException as exc:
            if time.monotonic() >= deadline - 0.01:
                raise self._past_deadline(url, host) from None
            return None, (self._backoff(host), f"timed out ({type(exc).__name__})", False)
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise _gone(url, f"{current}: not an address that can be fetched ({exc})") from None
        except httpx.ConnectError as exc:
            return None, (self._backoff(host), _unreachable(current, exc), True)
        except httpx.HTTPError as exc:
            return None, (self._backoff(host), f"{type(exc).__name__}: {exc}", False)

    def _past_deadline(self, url: str, host: _Host) -> FetchError:
        limit = self.politeness.page_deadline
        host.too_slow = f"the host sent a page for more than {limit:g} s (the page deadline)"
        return FetchError(
            url, f"the page took more than {limit:g} s to arrive (the page deadline, "
            "--page-deadline); tried again next run",
        )  # fmt: skip

    def _read(
        self, url: str, reply: object, page: bool, deadline: float, host: _Host
    ) -> tuple[bytes, int | None]:
        """The body, within the deadline: a page cut at ``page_bytes`` (with its size where
        the server declared it), anything else refused beyond ``max_bytes``."""
        limit = self.politeness.page_bytes if page else self.politeness.max_bytes
        declared = reply.headers.get("content-length")  # type: ignore[attr-defined]
        declared_size = int(declared) if declared and declared.isdigit() else None
        if not page and declared_size is not None and declared_size > limit:
            size = f"{declared_size / 2**20:.1f} MB, over {limit / 2**20:.0f} MB"
            raise _gone(url, size)
        chunks, size = [], 0
        try:
            for chunk in reply.iter_bytes():  # type: ignore[attr-defined]
                if time.monotonic() > deadline:
                    raise self._past_deadline(url, host)
                size += len(chunk)
                if size > limit:
                    if not page:
                        raise _gone(url, f"over {limit / 2**20:.0f} MB; not read further")
                    chunks.append(chunk[: len(chunk) - (size - limit)])
                    return b"".join(chunks), max(declared_size or 0, size)
                chunks.append(chunk)
        except (self._httpx.RemoteProtocolError, self._httpx.ReadError):
            # A listing cut off in transfer (the connection closed before the declared length
            # or the last chunk): what arrived is kept, and its reader says where it ends (a
            # feed's whole items are read, the cut noted). A page is tried again instead.
            if page or not chunks:
                raise
        return b"".join(chunks), None

    def _retry_after(self, reply: object, host: _Host) -> float:
        value = reply.headers.get("retry-after", "").strip()  # type: ignore[attr-defined]
        if value.isdigit():
            return float(value)
        if value:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                when = None
            if when is not None:
                return max(0.0, when.timestamp() - time.time())
        return self._backoff(host)

    def _backoff(self, host: _Host) -> float:
        host.failures += 1
        return self.politeness.delay * 2**host.failures

    # --- hosts and their robots.txt --------------------------------------------------------

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        with self._lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host(self.politeness.delay)
        with host.lock:
            if host.robots is None:
                host.robots = self._robots(key, host)
        return host

    def _robots(self, root: str, host: _Host) -> object:
        """The site's robots.txt, as RFC 9309 reads it: a 4xx answer (none there, or not for
        us) allows everything; a 5xx answer, no answer or no host means "not now", and the
        host's pages wait for a later run (``host.unreachable``)."""
        allow_all = self._protego.parse("")
        host.wait_turn(self._sleep)
        self._count()
        httpx = self._httpx
        try:
            with self.client.stream(
                "GET", f"{root}/robots.txt", follow_redirects=True
            ) as reply:  # RFC 9309: follow at least five redirects (httpx's default is 20)
                status = reply.status_code
                if status >= 500 or status == 429:
                    host.unreachable = f"its robots.txt could not be read (HTTP {status})"
                    return allow_all
                if status >= 400:
                    return allow_all
                body = b""
                for chunk in reply.iter_bytes():
                    body += chunk
                    if len(body) >= ROBOTS_BYTES:
                        break
        except httpx.TooManyRedirects:
            return allow_all  # RFC 9309: after the redirects it follows, "unavailable": 4xx
        except httpx.TimeoutException:
            host.unreachable = "its robots.txt did not answer in time"
            return allow_all
        except httpx.ConnectError as exc:
            host.unreachable = _unreachable(root, exc)
            return allow_all
        except httpx.HTTPError as exc:
            host.unreachable = f"its robots.txt could not be read ({type(exc).__name__})"
            return allow_all
        robots = self._protego.parse(body[:ROBOTS_BYTES].decode("utf-8", "replace"))
        crawl_delay = robots.crawl_delay(user_agent())
        if crawl_delay:
            host.delay = max(host.delay, float(crawl_delay))
        return robots

    def sitemaps(self, url: str) -> list[str]:
        """The sitemaps a site's robots.txt names, a relative one (``Sitemap: /sitemap.xml``,
        as some sites write it) resolved against the site."""
        root = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/"
        robots = self._host(url).robots
        return [urljoin(root, found.strip()) for found in robots.sitemaps]  # type: ignore[attr-defined]


def _content_type(header: str) -> tuple[str, str | None]:
    """(media type, charset) of a Content-Type header, both lower-case."""
    if not header.strip():
        return "", None
    message = email.message.Message()
    message["content-type"] = header
    charset = message.get_param("charset")
    charset = charset.strip().strip("\"'").lower() if isinstance(charset, str) else None
    return message.get_content_type().lower() if "/" in header else "", charset or None


def _unreachable(url: str, exc: Exception) -> str:
    """Why a host could not be reached, in words: no such host, or nothing listening."""
    text = str(exc).lower()
    host = urlsplit(url).netloc
    if (
        any(
            sign in text
            for sign in ("name or service not known", "nodename nor servname", "name resolution")
        )
        or "getaddrinfo" in text
    ):
        return f"host {host} not found (no such name)"
    if "refused" in text:
        return f"host {host} unreachable (connection refused)"
    return f"host {host} unreachable ({exc or type(exc).__name__})"


class _Clock:
    """A page's deadline, which starts at its first request (not while it waits its turn)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end: float | None = None

    def deadline(self) -> float:
        if self._end is None:
            self._end = time.monotonic() + self.seconds
        return self._end


class _Host:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.robots: object = None
        self.unreachable: str | None = None  # why this host's pages wait for the next run
        self.too_slow: str | None = None  # a page hit the deadline: the rest wait too
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
