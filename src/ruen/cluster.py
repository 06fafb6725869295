"""Digesting on a Dask cluster, when one machine is not enough (extra ``ruen[dask]``).

Why a worker plugin: loading the model takes seconds and hundreds of megabytes, so each worker
process loads it once, when it joins (``WorkerPlugin.setup``), and keeps it; tasks carry only
documents and options, never the model. Documents go in shards of an eighth of ``window`` sentences;
at most a few shards per worker are in flight, so memory stays flat, and results come back in
input order. Where a worker process dies, Dask gives its shards to another worker (the dead
one's nanny starts a new process, which loads the model again).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
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
    import dask

    # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's
    # mmap threshold at 128 kB: every large buffer CTranslate2 allocates is then mapped and
    # unmapped anew, and a worker translated at half speed (benchmarks/corpus.py).
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=50,  # logging.CRITICAL: a worker restart is ruen's to report
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
        from ruen.translation.loading import DEFAULT_BACKEND, load_translator, resolve_backend

        _restore_mmap_threshold()
        arguments = dict(self.arguments)
        if arguments.get("inter_threads") is None:
            arguments["inter_threads"] = max(1, int(getattr(worker.state, "nthreads", 1)))
            arguments["intra_threads"] = arguments.get("intra_threads") or 1
        if resolve_backend(arguments.get("backend") or DEFAULT_BACKEND) == "transformers":
            import torch

            torch.set_num_threads(max(1, int(getattr(worker.state, "nthreads", 1))))
        worker.data_ruen_translators = getattr(worker, "data_ruen_translators", {})
        worker.data_ruen_translators[self.name] = load_translator(**arguments)

    def teardown(self, worker: Any) -> None:
        getattr(worker, "data_ruen_translators", {}).pop(self.name, None)


def _restore_mmap_threshold() -> None:
    """Where the worker was started with MALLOC_TRIM_THRESHOLD_ (a Dask nanny's default, on
    clusters ruen did not start), give glibc back a large mmap threshold, as its dynamic one
    would grow to: measured, the same work then takes 9.4 s instead of 20.3 s."""
    if not any(name in os.environ for name in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_")):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-3, 32 * 1024 * 1024)  # M_MMAP_THRESHOLD, glibc's dynamic maximum
    except (OSError, AttributeError):  # not glibc: nothing to restore
        pass


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
    if not client.run_on_scheduler(_has_plugin, plugin.name):  # registering anew reloads it
        client.register_plugin(_as_worker_plugin(distributed, plugin), name=plugin.name)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    pending: deque[Any] = deque()
    for shard in _shards(documents, max(16, window // 8)):
        pending.append(client.submit(_digest_shard, shard, work, plugin.name, pure=False))
        while len(pending) >= IN_FLIGHT * workers:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def _has_plugin(name: str, dask_scheduler: Any = None) -> bool:
    return name in getattr(dask_scheduler, "worker_plugins", {})


def _shards(documents: Iterable[Any], sentences: int) -> Iterator[list[Any]]:
    """Documents in groups of about so many sentences: small enough that every worker has
    work, large enough for full batches on each. Measured in characters, since splitting
    belongs to the workers (a sentence of a news text is about 150 characters)."""
    shard: list[Any] = []
    size = 0
    budget = sentences * 150
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
