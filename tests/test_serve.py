"""``ruen serve``: the API equals the CLI, bad requests get one JSON line each and the server
goes on, concurrent requests share the model, the caps hold, and the page works in Chromium.

The server runs for real: ``ruen serve`` in a subprocess, or uvicorn on a thread of this
process where a test needs to see inside (a spy on the engine, a slow engine), always on
127.0.0.1 and a free port.
"""

from __future__ import annotations

import base64
import copy
import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx", reason="httpx comes with ruen[test]")
pytest.importorskip("fastapi", reason="ruen serve needs ruen[serve]")

import ruen  # noqa: E402
from ruen.serve import api  # noqa: E402
from ruen.serve import service as server  # noqa: E402
from ruen.translation.cache import MemoryCache  # noqa: E402
from tests.conftest import EXAMPLE, ROOT, run_cli  # noqa: E402

FAST = ("--max-new-tokens", "6", "--beam-size", "2")
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = "Министр заявил: <script>alert(1)</script> и <img src=x onerror=alert(2)>."


# --- a server in a subprocess, as a user starts it ---------------------------------------------


@contextmanager
def serve_process(*args: str) -> Iterator[str]:
    """``ruen serve ARGS --port 0`` until the block ends; yields its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ruen", "serve", "--port", "0", *args],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        before = []  # what came first (a converter's progress bar): said if it never serves
        for line in process.stderr:  # "ruen: serving ... on http://127.0.0.1:PORT ..."
            if " on http://127.0.0.1:" in line:
                break
            before.append(line)
        else:
            raise AssertionError("".join(before) or "ruen serve exited without a word")
        yield line.split(" on ", 1)[1].split()[0]
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()


@pytest.fixture(scope="module")
def url(tiny_model: Path) -> Iterator[str]:
    with serve_process(
        "--model", str(tiny_model), *FAST, "--body-timeout", "1", "--max-chars", "20000"
    ) as address:
        yield address


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=60) as session:
        yield session


# --- a server on a thread of this process -------------------------------------------------------


@contextmanager
def serve_thread(service: server.Service, **options) -> Iterator[str]:
    import uvicorn

    sock = api.listen("127.0.0.1", 0)
    running = uvicorn.Server(
        uvicorn.Config(api.create_app(service, **options), log_level="warning")
    )
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):
        if running.started:
            break
        time.sleep(0.01)
    try:
        yield api.url_of(sock)
    finally:
        running.should_exit = True
        thread.join(timeout=30)


class Spy:
    """Wraps an engine: records every text it is asked to translate, optionally slowly."""

    def __init__(self, engine, delay: float = 0.0) -> None:
        self.engine, self.delay = engine, delay
        self.seen: list[str] = []
        self.lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def translate(self, texts, settings, **batching):
        with self.lock:
            self.seen.extend(texts)
        time.sleep(self.delay)
        return self.engine.translate(texts, settings, **batching)


def spied(tiny_model: Path, delay: float = 0.0) -> tuple[ruen.Translator, Spy]:
    """A translator of its own (empty cache) whose engine is a spy."""
    translator = copy.copy(ruen.load_translator(tiny_model, device="cpu"))
    translator.engine = Spy(translator.engine, delay)
    translator.memory_cache = MemoryCache()
    return translator, translator.engine


DEFAULTS = ruen.TranslateOptions(max_new_tokens=6, beam_size=2, repair=True)


# --- the API equals the CLI ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cli_options", "body"),
    [
        ((), {}),
        (("-k", "2", "--summary-only"), {"k": 2, "summary_only": True}),
        (
            ("--no-repair", "--mode", "translate-first"),
            {"repair": False, "mode": "translate-first"},
        ),
    ],
)
def test_digest_equals_the_cli_json(
    client: httpx.Client, tiny_model: Path, cli_options: tuple[str, ...], body: dict
) -> None:
    cli = run_cli("digest", str(EXAMPLE), "--model", str(tiny_model), *FAST, *cli_options,
                  "--format", "json")  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    expected = json.loads(cli.stdout)
    text = EXAMPLE.read_text(encoding="utf-8")
    answer = client.post("/v1/digest", json={"text": text, "id": str(EXAMPLE), **body})
    assert answer.status_code == 200, answer.text
    assert answer.json() == expected
    assert expected["sentences"] and expected["settings"]["translation"].startswith("model:")


def test_an_uploaded_file_equals_the_cli_json(
    client: httpx.Client, tiny_model: Path, tmp_path: Path
) -> None:
    # A Markdown page in windows-1251: read by its name's extension and decoded as the CLI does.
    page = tmp_path / "note.md"
    page.write_bytes(("# Заголовок сообщения\n\n" + EXAMPLE.read_text("utf-8")).encode("cp1251"))
    cli = run_cli("digest", str(page), "--model", str(tiny_model), *FAST, "--format", "json")
    assert cli.returncode == 0, cli.stderr
    data = base64.b64encode(page.read_bytes()).decode()
    answer = client.post("/v1/digest", json={"data": data, "name": str(page)})
    assert answer.status_code == 200, answer.text
    assert answer.json() == json.loads(cli.stdout)
    assert answer.json()["title"]["ru"] == "Заголовок сообщения"


def test_translate_check_info_and_health(client: httpx.Client, tiny_model: Path) -> None:
    sentences = ["Индекс вырос на 5,8 %.", "Конференция прошла в Минске."]
    answer = client.post("/v1/translate", json={"q": sentences}).json()
    translator = ruen.load_translator(tiny_model, device="cpu")
    assert answer["translations"] == translator.translate(sentences, max_new_tokens=6, beam_size=2)
    assert answer["repaired"] == [False, False]
    assert len(answer["flags"]) == 2 and any(f["kind"] == "number" for f in answer["flags"][0])

    pairs = [["Индекс вырос на 5,8 %.", "The index grew by 58%."], ["Да.", "Yes."]]
    results = client.post("/v1/check", json={"pairs": pairs}).json()["results"]
    assert [[f["kind"] for f in r["flags"]] for r in results] == [["number"], []]
    assert results[0]["flags"] == [flag.to_dict() for flag in ruen.check(*pairs[0])]

    info = client.get("/v1/info").json()
    assert info["model"] == str(tiny_model) and info["ruen"] == ruen.__version__
    assert info["fingerprint"] == translator.fingerprint and info["backend"] == "ctranslate2"
    assert info["limits"]["max_chars"] == 20000 and info["defaults"]["beam_size"] == 2
    assert client.get("/health").json()["status"] == "ok"


def test_openapi_page_is_served_from_here(client: httpx.Client) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    assert "'unsafe-inline'" in docs.headers["content-security-policy"]
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/digest", "/v1/translate", "/v1/check", "/v1/info", "/health"} <= set(paths)
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200


def test_the_docs_schema_is_what_the_server_answers(client: httpx.Client) -> None:
    """/docs showed an empty 200 schema and FastAPI's 422 shape, where the server answers
    ``{"error": ...}``: each route's answer and errors are documented as sent, and real
    answers validate against them (an undocumented key fails)."""
    spec = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            answers = operation["responses"]
            assert answers["200"].get("content"), path
            for status, answer in answers.items():
                if status != "200":
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorAnswer"}, (path, status)
    text = "Конференция прошла в Минске 23 октября 2020 года."
    api.DigestAnswer.model_validate(client.post("/v1/digest", json={"text": text}).json())
    api.TranslateAnswer.model_validate(client.post("/v1/translate", json={"q": [text]}).json())
    checked = client.post("/v1/check", json={"pairs": [[text, "It was held in Minsk."]]}).json()
    api.CheckAnswer.model_validate(checked)
    assert checked["results"][0]["flags"]  # the date is not in the English
    api.InfoAnswer.model_validate(client.get("/v1/info").json())
    api.HealthAnswer.model_validate(client.get("/health").json())
    wrong = client.post("/v1/digest", json={"text": text, "colour": "red"})
    api.ErrorAnswer.model_validate(wrong.json())
    assert wrong.status_code == 422 and "colour" in wrong.json()["error"]


# --- bad requests: one clear line each, and the server goes on ----------------------------------


def _raw(url: str, request: bytes, wait: float = 0.0, rest: bytes = b"") -> tuple[int, dict]:
    """Send ``request`` over a socket (pausing ``wait`` s before ``rest``); status and body."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(request)
        time.sleep(wait)
        with suppress(OSError):
            sock.sendall(rest)
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    return int(head.split()[1]), json.loads(body)


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def test_bad_requests_each_get_one_line_and_the_server_goes_on(
    client: httpx.Client, url: str
) -> None:
    big = json.dumps({"text": "а" * 10_000_000}).encode()
    binary = base64.b64encode(bytes(range(256)) * 40).decode()
    cases = {
        "not JSON": (dict(content=b"{text: 1", headers={"Content-Type": "application/json"}),
                     400, "not valid JSON"),
        "not an object": (dict(json=["text"]), 422, "must be a JSON object"),
        "wrong types": (dict(json={"text": 5, "k": "three"}), 422, "text: Input should be a valid string; k:"),
        "unknown field": (dict(json={"text": "Да.", "colour": 1}), 422, "colour: not a field"),
        "neither text nor data": (dict(json={"k": 3}), 422, "'text' or as base64 'data'"),
        "empty text": (dict(json={"text": " \n\t "}), 422, "empty input"),
        "negative k": (dict(json={"text": "Да.", "k": -1}), 422, "k: a count of key sentences"),
        "no key sentences": (dict(json={"text": "Да.", "k": 0}), 422, "1 or more) or a share"),
        "half a sentence": (dict(json={"text": "Да.", "k": 2.5}), 422, "not 2.5"),
        "unknown mode": (dict(json={"text": "Да.", "mode": "guess"}), 422, "mode:"),
        "10 MB": (dict(content=big, headers={"Content-Type": "application/json"}),
                  413, "over 1,000,000 bytes"),
        "10 MB, chunked": (dict(content=iter([big[i:i + 65536] for i in range(0, len(big), 65536)]),
                           headers={"Content-Type": "application/json"}), 413, "over 1,000,000 bytes"),
        "over the character cap": (dict(json={"text": "Да. " * 6000}), 413, "at most 20000 per request"),
        "invalid UTF-8": (dict(content=b'{"text": "\xff\xfe"}', headers={"Content-Type": "application/json"}),
                          400, "not valid UTF-8 (byte 0xff at offset 10)"),
        "binary upload": (dict(json={"data": binary, "name": "photo.png"}), 422, "photo.png: a binary file"),
        "not base64": (dict(json={"data": "%%%"}), 422, "data: not valid base64"),
        "a form, not JSON": (dict(data={"text": "Да."}), 415, "Content-Type: application/json"),
        "no sentences": (dict(json={"q": []}, path="/v1/translate"), 422, "q: List should have at least 1 item"),
        "a pair of three": (dict(json={"pairs": [["a", "b", "c"]]}, path="/v1/check"), 422, "pairs.0:"),
        "no such endpoint": (dict(json={}, path="/v2/digest"), 404, "no such endpoint: /v2/digest"),
    }  # fmt: skip
    for name, (request, status, message) in cases.items():
        path = request.pop("path", "/v1/digest")
        answer = client.post(path, **request)
        assert answer.status_code == status, (name, answer.text)
        error = answer.json()["error"]
        assert message in error, (name, error)
        assert "\n" not in error and "Traceback" not in answer.text, name
        assert answer.headers["content-type"] == "application/json"
    assert client.get("/v1/digest").json()["error"] == "GET is not allowed on /v1/digest"

    # A slow client: the body's start, then nothing for longer than the server waits (1 s).
    head = b"POST /v1/digest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    status, body = _raw(url, head + b'Content-Length: 40\r\n\r\n{"text": "', wait=2, rest=b"x")
    assert status == 408 and body == {"error": "the request body did not arrive within 1 s"}

    answer = client.post("/v1/digest", json={"text": "Конференция прошла в Минске."})
    assert answer.status_code == 200 and answer.json()["sentences"][0]["en"]
    assert client.get("/health").json()["pending"] == 0


# --- under load ---------------------------------------------------------------------------------


def test_concurrent_identical_sentences_are_translated_once(tiny_model: Path) -> None:
    translator, spy = spied(tiny_model, delay=0.2)
    service = server.Service(translator, server.Limits(), DEFAULTS)
    marker = uuid.uuid4().hex[:8]  # sentences no earlier test has put in any cache
    text = f"Совещание {marker} прошло в Минске. Участники обсудили план на 2021 год."
    with (
        serve_thread(service) as address,
        httpx.Client(base_url=address, timeout=60) as http,
        ThreadPoolExecutor(16) as pool,
    ):
        answers = list(pool.map(lambda _: http.post("/v1/digest", json={"text": text}), range(16)))
    assert [a.status_code for a in answers] == [200] * 16
    assert all(a.json() == answers[0].json() for a in answers)
    sentences = [r["ru"] for r in answers[0].json()["sentences"]]
    assert [spy.seen.count(s) for s in sentences] == [1, 1]


def test_past_the_cap_the_answer_is_503_with_retry_after(tiny_model: Path) -> None:
    translator, _ = spied(tiny_model, delay=1.0)
    service = server.Service(translator, server.Limits(max_pending=2), DEFAULTS)
    with serve_thread(service) as address, httpx.Client(base_url=address, timeout=60) as http:
        with ThreadPoolExecutor(6) as pool:
            texts = [f"Заседание номер {n} {uuid.uuid4().hex[:6]} прошло." for n in range(6)]
            answers = list(pool.map(lambda t: http.post("/v1/digest", json={"text": t}), texts))
        codes = sorted(a.status_code for a in answers)
        assert codes.count(200) >= 2 and codes.count(503) >= 1 and set(codes) <= {200, 503}
        busy = next(a for a in answers if a.status_code == 503)
        assert busy.headers["retry-after"] == "2" and "busy" in busy.json()["error"]
        assert http.post("/v1/digest", json={"text": "Да, конечно."}).status_code == 200
        assert http.get("/health").json()["pending"] == 0


def test_a_request_past_its_deadline_gets_504_and_frees_its_slot(tiny_model: Path) -> None:
    translator, _ = spied(tiny_model, delay=1.5)
    limits = server.Limits(deadline_seconds=0.5, max_pending=1)
    service = server.Service(translator, limits, DEFAULTS)
    with serve_thread(service) as address, httpx.Client(base_url=address, timeout=60) as http:
        answer = http.post("/v1/digest", json={"text": f"Сессия {uuid.uuid4().hex[:6]} открыта."})
        assert answer.status_code == 504 and "0.5 s" in answer.json()["error"]
        # Its slot is held until the engine is done with its sentences, then freed.
        assert http.get("/health").json()["pending"] == 1
        time.sleep(1.5)
        assert http.get("/health").json()["pending"] == 0


def test_beam_and_k_are_clamped(tiny_model: Path) -> None:
    service = server.Service(
        ruen.load_translator(tiny_model, device="cpu"), server.Limits(max_beam=3, max_k=2), DEFAULTS
    )
    assert service.options(50).beam_size == 3 and service.clamp_k(1000) == 2
    work, _ = service.plan({"text": "Да. Нет. Может быть. Конечно.", "k": 9, "beam_size": 99})
    assert work.k == 2 and work.options.beam_size == 3


# --- safe by default ----------------------------------------------------------------------------


def test_an_api_key_is_asked_for_and_compared(tiny_model: Path) -> None:
    key = "k" * 24
    service = server.Service(ruen.load_translator(tiny_model, device="cpu"), server.Limits(),
                             DEFAULTS, api_key=key)  # fmt: skip
    with serve_thread(service) as address, httpx.Client(base_url=address, timeout=60) as http:
        body = {"text": "Конференция прошла в Минске."}
        for headers in ({}, {"Authorization": "Bearer " + "x" * 24}, {"Authorization": key}):
            answer = http.post("/v1/digest", json=body, headers=headers)
            assert answer.status_code == 401 and "Bearer" in answer.json()["error"]
            assert answer.headers["www-authenticate"] == "Bearer"
        assert http.get("/v1/info").status_code == 401
        good = http.post("/v1/digest", json=body, headers={"Authorization": f"Bearer {key}"})
        assert good.status_code == 200
        assert http.get("/health").status_code == 200 and http.get("/").status_code == 200
        assert http.get("/health").json()["key_needed"] is True  # the page shows its field


def test_cors_is_off_unless_an_origin_is_named(tiny_model: Path) -> None:
    translator = ruen.load_translator(tiny_model, device="cpu")
    origin = {"Origin": "https://evil.example"}
    preflight = {**origin, "Access-Control-Request-Method": "POST"}
    service = server.Service(translator, server.Limits(), DEFAULTS)
    with serve_thread(service) as address, httpx.Client(base_url=address, timeout=60) as http:
        assert "access-control-allow-origin" not in http.get("/v1/info", headers=origin).headers
        assert (
            "access-control-allow-origin"
            not in http.options("/v1/digest", headers=preflight).headers
        )
    allowed = "https://analysts.example"
    with (
        serve_thread(service, cors_origins=[allowed]) as address,
        httpx.Client(base_url=address) as http,
    ):
        answer = http.options("/v1/digest", headers={**preflight, "Origin": allowed})
        assert answer.headers["access-control-allow-origin"] == allowed
        assert "access-control-allow-credentials" not in answer.headers
        assert "access-control-allow-origin" not in http.get("/v1/info", headers=origin).headers


def test_serve_refuses_to_listen_beyond_loopback_without_a_key(
    tiny_model: Path, tmp_path: Path
) -> None:
    refused = run_cli("serve", "--model", str(tiny_model), "--host", "0.0.0.0")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        "ruen: error: --host 0.0.0.0 can be reached from other machines: give --api-key-file "
        "(a key of at least 16 characters), or serve on 127.0.0.1"
    ]
    short = tmp_path / "key"
    short.write_text("secret\n")
    answer = run_cli(
        "serve", "--model", str(tiny_model), "--host", "0.0.0.0", "--api-key-file", str(short)
    )
    assert answer.returncode == 2 and "at least 16 characters" in answer.stderr
    assert len(answer.stderr.strip().splitlines()) == 1
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        busy = run_cli("serve", "--model", str(tiny_model), "--port", port)
    assert busy.returncode == 2 and busy.stderr.startswith(
        f"ruen: error: cannot listen on 127.0.0.1:{port}"
    )


# --- the web page, in Chromium ------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (390, 844, "phone")])
def test_the_page_in_chromium(
    browser, client: httpx.Client, url: str, width: int, height: int, name: str
) -> None:
    page_headers = client.get("/").headers
    assert page_headers["content-security-policy"].startswith("default-src 'self'")
    text = EXAMPLE.read_text(encoding="utf-8") + "\n\n" + HOSTILE
    expected = client.post("/v1/digest", json={"text": text, "format": "text"}).json()

    context = browser.new_context(viewport={"width": width, "height": height})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page = context.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url + "/")
    page.fill("#text", text)
    page.select_option("#format", "text")  # as text: the markup in it is text too
    page.click("#submit")
    page.wait_for_selector("#d0 table.bilingual")

    assert problems == []
    assert all(request.startswith(url + "/") for request in requests)  # nothing from elsewhere
    assert page.locator("script").count() == 1  # ours; the pasted one is text
    assert "<script>alert(1)</script>" in page.inner_text("#d0 table.bilingual")
    assert page.locator("#d0 img").count() == 0
    rows = page.locator("#d0 table.bilingual tbody tr")
    assert rows.count() == len({r["paragraph"] for r in expected["sentences"]})
    key = page.locator("#d0 .summary li:not(.flag):not(.repaired)")
    assert [key.nth(i).evaluate("n => n.firstChild.textContent") for i in range(key.count())] == [
        r["en"] for r in expected["sentences"] if r["selected"]
    ]
    assert page.locator("#d0 .s.key").count() == 2 * sum(
        r["selected"] for r in expected["sentences"]
    )
    flagged = sum(len(r["flags"]) for r in expected["sentences"])
    assert page.locator('#d0 td[lang="en"] .flags li.flag').count() == flagged > 0
    for i in range(rows.count()):
        ru = rows.nth(i).locator('td[lang="ru"]').bounding_box()
        en = rows.nth(i).locator('td[lang="en"]').bounding_box()
        if name == "desktop":
            assert ru["x"] + ru["width"] <= en["x"] + 1 and abs(ru["y"] - en["y"]) < 1
        else:
            assert en["y"] >= ru["y"] + ru["height"] - 1
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width

    notice = page.inner_text("#notice")
    assert notice.startswith(f"Machine translation by ruen {ruen.__version__} with ")
    assert "check figures, names and dates" in notice
    about = page.inner_text("#about")  # the model named; no key field where none is needed
    assert about == f"ruen {ruen.__version__} · model {Path(expected['model']).name}"
    assert page.locator("#key-field").is_hidden() and page.locator("#briefing-link").count() == 0
    page.click("#copy")
    page.wait_for_selector("#status:has-text('clipboard')")  # (the CSP forbids eval)
    copied = page.evaluate("navigator.clipboard.readText()")
    # the notice first, then the English, each warning under its paragraph
    assert copied.startswith(notice + "\n\n")
    title = [expected["title"]["en"]] if expected["title"] else []
    english = [line for line in copied.split("\n")[2:] if not line.startswith("  ! ")]
    assert (
        " ".join(english).split()
        == " ".join(title + [r["en"] for r in expected["sentences"]]).split()
    )
    warnings = [line[4:] for line in copied.split("\n") if line.startswith("  ! ")]
    assert warnings == [
        f["message"] for r in ([expected["title"]] if expected["title"] else []) + expected["sentences"]
        for f in r["flags"]
    ]  # fmt: skip

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"serve-{name}.png"), full_page=True)
    assert (ARTIFACTS / f"serve-{name}.png").stat().st_size > 10_000
    context.close()


def test_the_page_digests_a_dropped_file_and_shows_errors(
    browser, client: httpx.Client, url: str, tmp_path: Path
) -> None:
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(url + "/")
    page.click("#submit")  # nothing given yet
    assert "Paste a text" in page.inner_text("#status")

    html = tmp_path / "news.html"
    body = "".join(f"<p>{line}</p>" for line in EXAMPLE.read_text("utf-8").split("\n\n"))
    html.write_text(
        f"<html><head><title>Новости министерства</title></head><body><nav>Меню</nav>"
        f"<article><h1>Новости министерства</h1>{body}</article></body></html>",
        encoding="utf-8",
    )
    page.set_input_files("#file", str(html))
    page.wait_for_selector("#status:has-text('news.html')")
    page.click("#submit")
    page.wait_for_selector("#d0 h1")
    expected = client.post(
        "/v1/digest",
        json={"data": base64.b64encode(html.read_bytes()).decode(), "name": "news.html"},
    ).json()
    assert page.inner_text("#d0 .ru-title") == expected["title"]["ru"] == "Новости министерства"
    assert page.locator("#d0 table.bilingual tbody tr").count() > 1

    other = tmp_path / "other.html"
    other.write_bytes(html.read_bytes())
    page.set_input_files("#file", str(other))  # another file: the last digest goes
    page.wait_for_selector("#status:has-text('other.html')")
    assert page.locator("#d0").count() == 0 and page.locator("#copy").is_disabled()
    page.click("#clear-file")
    page.fill("#text", "   ")
    page.click("#submit")
    assert "Paste a text" in page.inner_text("#status")
    page.fill("#text", "Да. " * 6000)  # over the server's character cap
    page.click("#submit")
    page.wait_for_selector("#status.error")
    assert "at most 20000 per request" in page.inner_text("#status")
    assert problems == []
    page.close()


def test_a_glossary_served_is_listed_enforced_and_checked(browser, tiny_model: Path) -> None:
    with (
        # Room for the term: a forced prefix counts toward the English's 16 tokens.
        serve_process(
            "--model", str(tiny_model), *FAST, "--max-new-tokens", "16", "--glossary", "ru-gov"
        ) as address,
        httpx.Client(base_url=address, timeout=60) as http,
    ):
        info = http.get("/v1/info").json()
        assert info["defaults"]["glossary"]["name"] == "ru-gov"
        assert info["defaults"]["glossary"]["terms"] >= 150
        q = ["Позиция Минфина не изменилась."]
        (terms,) = http.post("/v1/translate", json={"q": q}).json()["terms"]
        assert terms[0]["how"] == "missing"  # translate repairs (and enforces) when asked
        answer = http.post("/v1/translate", json={"q": q, "repair": True})
        (terms,) = answer.json()["terms"]
        assert terms[0]["source"] == "Минфина" and terms[0]["how"] != "missing"
        assert "Ministry of Finance" in answer.json()["translations"][0]
        pairs = [["Позиция Минфина не изменилась.", "Minfin's position has not changed."]]
        (result,) = http.post("/v1/check", json={"pairs": pairs}).json()["results"]
        assert [flag["kind"] for flag in result["flags"]] == ["term"]
        # The page underlines the applied term, in the Russian and in the English.
        page = browser.new_page()
        page.goto(address + "/")
        page.fill("#text", "Позиция Минфина не изменилась.\n\nПогода хорошая.")
        page.click("#submit")
        page.wait_for_selector("#d0 table.bilingual")
        marked = page.locator("#d0 table.bilingual u.term")
        assert [marked.nth(i).inner_text() for i in range(marked.count())] == [
            "Минфина",
            "Ministry of Finance",
        ]
        assert "glossary: Минфина → Ministry of Finance" in marked.first.get_attribute("title")
        page.close()
