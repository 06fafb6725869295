"""Digesting on a Dask cluster, when one machine is not enough (extra ``ruen[dask]``).

Why a worker plugin: loading the model takes seconds and hundreds of megabytes, so each worker
process loads it once, when it joins (``WorkerPlugin.setup``), and keeps it; tasks carry only
documents and options, never the model. Documents go in shards of about ``window`` sentences;
at most a few shards per worker are in flight, so memory stays flat, and results come back in
input order. Where a worker process dies, Dask gives its shards to another worker (the dead
one's nanny starts a new process, which loads the model again).
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from ruen.errors import MissingExtraError

# Shards in flight per worker: enough that none waits for work, few enough to bound memory.
IN_FLIGHT = 2


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise MissingExtraError("running on a Dask cluster", "dask", "distributed") from None
    return distributed


def connect(*, workers: int | None = None, scheduler: str | None = None) -> tuple[Any, Any]:
    """(client, cluster): a new ``LocalCluster`` of ``workers`` single-threaded processes on
    the loopback interface with no dashboard, or a client of the scheduler at ``scheduler``
    (then the cluster is None)."""
    distributed = _distributed()
    if scheduler:
        try:
            return distributed.Client(scheduler, timeout="30s"), None
        except OSError as exc:
            from ruen.errors import RuenError

            raise RuenError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=50,  # logging.CRITICAL: a worker restart is ruen's business to report
    )
    return distributed.Client(cluster), cluster


class TranslatorPlugin:
    """Loads the translator once per worker process: ``load_translator(**arguments)``, with
    CTranslate2 using as many threads as the worker has (one batch per thread)."""

    def __init__(self, arguments: dict[str, Any]) -> None:
        self.arguments = dict(arguments)
        self.name = (
            "ruen-"
            + hashlib.sha256(
                json.dumps(self.arguments, sort_keys=True, default=str).encode()
            ).hexdigest()[:16]
        )

    def setup(self, worker: Any) -> None:
        from ruen.loading import load_translator

        arguments = dict(self.arguments)
        if arguments.get("inter_threads") is None:
            arguments["inter_threads"] = max(1, int(getattr(worker.state, "nthreads", 1)))
            arguments["intra_threads"] = arguments.get("intra_threads") or 1
        if arguments.get("backend") == "transformers":
            import torch

            torch.set_num_threads(max(1, int(getattr(worker.state, "nthreads", 1))))
        worker.data_ruen_translators = getattr(worker, "data_ruen_translators", {})
        worker.data_ruen_translators[self.name] = load_translator(**arguments)

    def teardown(self, worker: Any) -> None:
        getattr(worker, "data_ruen_translators", {}).pop(self.name, None)


def _digest_shard(shard: list[Any], work: Any, plugin: str) -> list[Any]:
    """On a worker: digest one shard with the worker's translator, in order."""
    from distributed import get_worker

    translator = get_worker().data_ruen_translators[plugin]
    planned = [work.plan(item) for item in shard]
    return list(work.finish(planned, translator, None))


def digest_on_cluster(
    client: Any,
    documents: Iterable[Any],
    work: Any,
    arguments: dict[str, Any],
    window: int,
) -> Iterator[Any]:
    """The digests of ``documents``, computed on ``client``'s workers, in input order."""
    distributed = _distributed()
    plugin = TranslatorPlugin(arguments)
    client.register_plugin(_as_worker_plugin(distributed, plugin), name=plugin.name)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    pending: deque[Any] = deque()
    for shard in _shards(documents, window):
        pending.append(client.submit(_digest_shard, shard, work, plugin.name, pure=False))
        while len(pending) >= IN_FLIGHT * workers:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def _shards(documents: Iterable[Any], window: int) -> Iterator[list[Any]]:
    """Documents in groups of about ``window`` characters' worth of sentences: measured by
    length, since splitting belongs to the workers."""
    shard: list[Any] = []
    size = 0
    budget = window * 150  # a sentence of a news text is about 150 characters
    for item in documents:
        shard.append(item)
        size += _length(item)
        if size >= budget:
            yield shard
            shard, size = [], 0
    if shard:
        yield shard


def _length(item: Any) -> int:
    if isinstance(item, str):
        return len(item)
    text = item.get("text") if isinstance(item, dict) else getattr(item, "text", None)
    return len(text) if isinstance(text, str) else 1


def _as_worker_plugin(distributed: Any, plugin: TranslatorPlugin) -> Any:
    """The plugin as a ``distributed.WorkerPlugin`` (subclassed here, so that importing this
    module needs no Dask)."""

    class Plugin(distributed.WorkerPlugin):
        def __init__(self) -> None:
            self.plugin = plugin

        def setup(self, worker: Any) -> None:
            self.plugin.setup(worker)

        def teardown(self, worker: Any) -> None:
            self.plugin.teardown(worker)

    return Plugin()
