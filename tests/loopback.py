"""A real HTTP server on 127.0.0.1 for the tests of ``ruen follow``: routes that a test sets
(path -> a function of the request headers giving status, headers and body) and a log of every
request, so a test can say what was asked for and when. Started by the ``site`` fixture."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Reply = tuple[int, dict[str, str], bytes]
PAGE = "<html><head><title>Новость</title></head><body><p>Текст новости.</p></body></html>"


@dataclass
class Site:
    """Routes (path -> function of the request headers giving a reply) and every request."""

    routes: dict[str, Callable[[dict[str, str]], Reply]] = field(default_factory=dict)
    log: list[tuple[float, str, dict[str, str]]] = field(default_factory=list)
    url: str = ""

    def paths(self) -> list[str]:
        return [path for _, path, _ in self.log]


@contextlib.contextmanager
def serve() -> Iterator[Site]:
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
            if "Content-Length" not in extra:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def html(body: str = PAGE, **headers: str) -> Callable[[dict[str, str]], Reply]:
    return lambda _h: (200, {"Content-Type": "text/html; charset=utf-8", **headers}, body.encode())
