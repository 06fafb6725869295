"""``ruen serve``: one loaded model for a whole team; this is the service behind the HTTP API
(``api.py``).

Why one process and a batcher: a model loaded per worker process multiplies the memory (the
complaint of LibreTranslate's users), and a model called on the event loop blocks every other
request (EasyNMT's). Here the model is loaded once; requests are planned (read, split, scored)
on worker threads, and one batching thread gathers the sentences of all waiting requests and
translates them in one call, on CTranslate2's threads (one per core), as ``digest_many``
does for neighbouring documents: concurrent requests fill the same batches, and a sentence
asked for by several at once is translated once. The event loop only waits.

Safe by default: it listens on 127.0.0.1, and refuses any other address without an API key;
requests in flight and queued are capped (503 with Retry-After past the cap), each has a
deadline (504), bodies, characters and sentences are capped (413, with the limit in the
message), beam size and k are clamped, CORS is off, and every error is one JSON line,
``{"error": ...}``, never a stack trace.
"""

from __future__ import annotations

import base64
import binascii
import concurrent.futures
import hmac
import os
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from typing import Any

from ruen.documents import parse_document
from ruen.errors import RuenError
from ruen.fidelity import check
from ruen.glossary import Glossary
from ruen.pipeline import WINDOW, Plan, Translated, Work
from ruen.translation import Translation, Translator
from ruen.translation.options import TranslateOptions

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class Limits:
    """What one request may ask, and how many may wait."""

    max_body_bytes: int = 1_000_000
    max_chars: int = 100_000
    max_sentences: int = 2_000
    max_pending: int = 32  # requests in flight and queued; past it, 503
    deadline_seconds: float = 120.0
    body_seconds: float = 10.0  # a body that takes longer to arrive is a slow client
    max_beam: int = 8
    max_k: int = 50


class Refused(Exception):
    """A request turned away, with its status and the one line that says why."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# --- the batcher -------------------------------------------------------------------------------


@dataclass
class _Job:
    texts: list[str]
    options: TranslateOptions
    future: concurrent.futures.Future[Any]
    deadline: float
    work: Work | None = None  # a digest's: its plan translated as digest_many translates it
    plan: Plan | None = None


class Batcher:
    """One thread that translates the texts of every waiting request together.

    Having taken a job, it waits ``linger`` for more, then translates what it has: requests
    that arrive meanwhile queue up and form the next batch. (Waiting up to 100 ms for
    requests still being read and split made no measurable difference: 86 % of digest_many's
    sentences/s at 16 clients against 84 %, 69 % against 70 % at 4, benchmarks/serve.py.)
    """

    def __init__(
        self,
        translator: Translator,
        *,
        window: int = WINDOW,
        linger: float = 0.005,
    ) -> None:
        self.translator = translator
        self.window = window
        self.linger = linger
        self.jobs: queue.Queue[_Job] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="ruen-batcher", daemon=True)
        self.thread.start()

    def submit(
        self, texts: list[str], options: TranslateOptions, deadline: float
    ) -> concurrent.futures.Future[list[Translation]]:
        future: concurrent.futures.Future[list[Translation]] = concurrent.futures.Future()
        self.jobs.put(_Job(texts, options, future, deadline))
        return future

    def submit_plan(
        self, work: Work, plan: Plan, deadline: float
    ) -> concurrent.futures.Future[Translated]:
        """A digest's plan, translated and its names kept by :meth:`Work.translate`, the
        step every way of digesting shares (with the document's state's options)."""
        future: concurrent.futures.Future[Translated] = concurrent.futures.Future()
        self.jobs.put(_Job(plan.texts, work.options, future, deadline, work, plan))
        return future

    def _run(self) -> None:
        while True:
            batch = [self.jobs.get()]
            size = len(batch[0].texts)
            until = time.monotonic() + self.linger
            while size < self.window:
                try:
                    job = self.jobs.get(timeout=max(0.0, until - time.monotonic()))
                except queue.Empty:
                    break
                batch.append(job)
                size += len(job.texts)
            groups: dict[TranslateOptions, list[_Job]] = {}
            for job in batch:
                if not job.future.set_running_or_notify_cancel():
                    continue  # cancelled: its caller has gone
                if time.monotonic() > job.deadline:  # its caller has given up: skip the work
                    job.future.set_exception(TimeoutError())
                else:
                    groups.setdefault(job.options, []).append(job)
            for options, jobs in groups.items():
                self._translate(options, jobs)

    def _translate(self, options: TranslateOptions, jobs: list[_Job]) -> None:
        plain = [job for job in jobs if job.work is None]
        planned = [job for job in jobs if job.work is not None]
        try:
            if plain:
                texts = [text for job in plain for text in job.texts]
                done = self.translator.translate_detailed(texts, options)
                cursor = 0
                for job in plain:
                    job.future.set_result(done[cursor : cursor + len(job.texts)])
                    cursor += len(job.texts)
            if planned:
                work = planned[0].work
                assert work is not None
                plans = [job.plan for job in planned if job.plan is not None]
                translated = work.translate(plans, self.translator)
                for job in planned:
                    job.future.set_result(translated)
        except Exception as exc:  # handed to each waiting request, which answers 500
            for job in jobs:
                if not job.future.done():
                    job.future.set_exception(exc)


class Slot:
    """An admitted request's place: it hands its texts to the batcher once."""

    def __init__(self, batcher: Batcher) -> None:
        self.batcher = batcher
        self.future: concurrent.futures.Future[list[Translation]] | None = None

    def translate(
        self, texts: list[str], options: TranslateOptions, deadline: float
    ) -> concurrent.futures.Future[list[Translation]]:
        self.future = self.batcher.submit(texts, options, deadline)
        return self.future

    def translate_plan(
        self, work: Work, plan: Plan, deadline: float
    ) -> concurrent.futures.Future[Translated]:
        future = self.batcher.submit_plan(work, plan, deadline)
        self.future = future
        return future


# --- the service -------------------------------------------------------------------------------


class Service:
    """What the endpoints do, apart from HTTP: plan, translate through the batcher, finish."""

    def __init__(
        self,
        translator: Translator,
        limits: Limits,
        defaults: TranslateOptions,
        api_key: str | None = None,
    ) -> None:
        self.translator = translator
        self.limits = limits
        self.defaults = defaults
        self.api_key = api_key
        self.batcher = Batcher(translator)
        # Reading, splitting, scoring and checking: Python work, on threads of their own so
        # that the event loop only waits.
        self.planner = concurrent.futures.ThreadPoolExecutor(
            max_workers=os.cpu_count() or 1, thread_name_prefix="ruen-plan"
        )
        self.pending = 0
        self.lock = threading.Lock()

    def admit(self) -> None:
        with self.lock:
            if self.pending >= self.limits.max_pending:
                raise Refused(
                    503,
                    f"busy: {self.pending} requests in flight or queued, the most this server "
                    "takes; try again shortly",
                    {"Retry-After": "2"},
                )
            self.pending += 1

    def release(self) -> None:
        with self.lock:
            self.pending -= 1

    @contextmanager
    def admitted(self) -> Iterator[Slot]:
        """One request counted as pending while it lasts: and, where it gave up (its
        deadline) while the batcher still works for it, until the batcher is done, so that
        requests that time out cannot pile work up beyond the cap."""
        self.admit()
        slot = Slot(self.batcher)
        try:
            yield slot
        finally:
            if slot.future is not None and not slot.future.done():
                slot.future.add_done_callback(lambda _: self.release())
            else:
                self.release()

    def authorised(self, header: str | None) -> bool:
        if self.api_key is None:
            return True
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() == "basic":  # a feed reader's: the key as the password
            try:
                token = base64.b64decode(token.strip(), validate=True).decode().partition(":")[2]
            except ValueError:
                return False
        elif scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(token.strip().encode(), self.api_key.encode())

    def options(self, beam_size: Any) -> TranslateOptions:
        """The server's options, with the request's beam size clamped to the limit."""
        beam = self.defaults.beam_size if beam_size is None else beam_size
        if beam is not None:
            beam = max(1, min(int(beam), self.limits.max_beam))
        return replace(self.defaults, beam_size=beam)

    def clamp_k(self, k: Any) -> int | float:
        if isinstance(k, float) and 0 < k < 1:
            return k
        return max(0, min(int(k), self.limits.max_k))

    def plan(self, request: dict[str, Any]) -> tuple[Work, Plan]:
        """Read, split and score the request's document (on a worker thread)."""
        text, data = request.get("text"), request.get("data")
        identity = request.get("id")
        if data is not None:
            try:
                raw: bytes | str = base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError):
                raise Refused(422, "data: not valid base64") from None
            identity = identity or request.get("name")
        else:
            raw = text or ""
        name = identity or ("data" if data is not None else "text")
        work = Work(
            self.clamp_k(request.get("k", 3)),
            request.get("mode") or "summarise-first",
            not request.get("summary_only"),
            replace_repair(self.options(request.get("beam_size")), request.get("repair")),
            "raise",
        )
        try:
            document = parse_document(raw, format=request.get("format") or "auto", name=name)
            self.cap_chars(len(document.text))
            planned = work.plan({"id": identity, "text": document})
        except RuenError as exc:
            raise Refused(422, str(exc)) from None
        assert isinstance(planned, Plan)  # on_error="raise": errors were raised
        if identity is None:  # no id given: none in the digest, as for a text in Python
            planned = replace(planned, id=None)
        self.cap_sentences(len(planned.spans))
        return work, planned

    def cap_chars(self, size: int) -> None:
        if size > self.limits.max_chars:
            raise Refused(
                413,
                f"the text is {size} characters; this server takes at most "
                f"{self.limits.max_chars} per request",
            )

    def cap_sentences(self, count: int) -> None:
        if count > self.limits.max_sentences:
            raise Refused(
                413,
                f"the text has {count} sentences; this server takes at most "
                f"{self.limits.max_sentences} per request",
            )

    def info(self) -> dict[str, Any]:
        import ruen

        translator = self.translator
        return {
            "model": translator.name,
            "fingerprint": translator.fingerprint,
            "backend": translator.backend,
            "compute_type": translator.compute_type,
            "device": translator.device,
            "defaults": {
                **asdict(replace(self.defaults, glossary=None)),
                "glossary": glossary.describe() if (glossary := self.defaults.glossary) else None,
            },
            "limits": asdict(self.limits),
            "ruen": ruen.__version__,
        }


def replace_repair(options: TranslateOptions, repair: Any) -> TranslateOptions:
    return options if repair is None else replace(options, repair=bool(repair))


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address, where no API key is needed."""
    return host in LOOPBACK or host.startswith("127.")


def load_api_key(path: str | os.PathLike[str]) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            key = handle.read().strip()
    except OSError as exc:
        raise RuenError(f"{path}: cannot read the API key ({exc.strerror or exc})") from None
    if len(key) < 16:
        raise RuenError(f"{path}: an API key of at least 16 characters is needed")
    return key


def checked(pairs: list[list[str]], glossary: Glossary | None = None) -> list[dict[str, Any]]:
    """The fidelity flags of each (Russian, English) pair (``term`` flags with the server's
    glossary)."""
    return [
        {"flags": [flag.to_dict() for flag in check(ru, en, glossary=glossary)]} for ru, en in pairs
    ]
