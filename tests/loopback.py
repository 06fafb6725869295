"""A real HTTP server on 127.0.0.1 for the tests of ``ruen follow``: routes that a test sets
(path -> a function of the request headers giving status, headers and body) and a log of every
request, so a test can say what was asked for and when. Started by the ``site`` fixture; a
second host on another loopback address (127.0.0.2, ...) by ``serve(address)``.

A body may be bytes, or an iterable of chunks sent one by one as the iterable gives them (a
body that trickles in, or never ends); such a body has no Content-Length, and the connection
is closed after it, as HTTP/1.0 servers do."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Reply = tuple[int, dict[str, str], bytes | Iterable[bytes]]
PAGE = "<html><head><title>Новость</title></head><body><p>Текст новости.</p></body></html>"


@dataclass
class Site:
    """Routes (path -> function of the request headers giving a reply) and every request."""

    routes: dict[str, Callable[[dict[str, str]], Reply]] = field(default_factory=dict)
    log: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)
    url: str = ""
    closing: bool = False  # set when the server stops: endless bodies end

    def paths(self) -> list[str]:
        return [path for _, path, _ in self.log]


@contextlib.contextmanager
def serve(address: str = "127.0.0.1") -> Iterator[Site]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.log.append((time.monotonic(), self.path, headers))
            # As real servers do, a query the route does not know is ignored.
            route = state.routes.get(self.path) or state.routes.get(self.path.split("?")[0])
            status, extra, body = route(headers) if route else (404, {}, b"not here")
            self.send_response(status)
            for key, value in extra.items():
                self.send_header(key, value)
            streamed = not isinstance(body, bytes)
            if "Content-Length" not in extra and not streamed:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError, OSError):
                for chunk in [body] if not streamed else body:
                    if state.closing:
                        break
                    self.wfile.write(chunk)
                    self.wfile.flush()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((address, 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://{address}:{server.server_address[1]}"
    try:
        yield state
    finally:
        state.closing = True
        server.shutdown()
        server.server_close()


def html(body: str = PAGE, **headers: str) -> Callable[[dict[str, str]], Reply]:
    return lambda _h: (200, {"Content-Type": "text/html; charset=utf-8", **headers}, body.encode())


def trickle(first: bytes, every: float, forever: bool = True, rest: bytes = b"") -> Iterator[bytes]:
    """A body that sends ``first`` at once, then one byte every ``every`` seconds: forever, or
    until ``rest`` is sent."""
    yield first
    for byte in (
        iter(lambda: b" ", None) if forever else (rest[i : i + 1] for i in range(len(rest)))
    ):
        time.sleep(every)
        yield byte


@contextlib.contextmanager
def serve_folder(folder: str | os.PathLike[str]) -> Iterator[str]:
    """A folder's files over HTTP on 127.0.0.1 (a built site, as a reader's browser gets it);
    yields its address."""
    import functools
    from http.server import SimpleHTTPRequestHandler

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=os.fspath(folder))
    )
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
