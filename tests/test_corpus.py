"""Archives: digest_many equals digest document by document, reads lazily, records bad
documents and goes on, resumes after a real SIGKILL, runs from many threads and on Dask."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import ruen
from ruen.evaluation import read_tsv, wmt_documents
from tests.conftest import EXAMPLE, ROOT, run_cli

FAST = {"max_new_tokens": 5, "beam_size": 2}
CLI_FAST = ("--max-new-tokens", "5", "--beam-size", "2")


def documents(count: int = 24) -> list[dict[str, str]]:
    """WMT21 documents cut to at most 10 segments, with their document ids."""
    rows = read_tsv(ROOT / "benchmarks" / "data" / "wmt21_newstest2021_ruen.tsv")
    docs = []
    for n, (russian, _) in enumerate(wmt_documents(rows)[:count]):
        docs.append({"id": f"wmt21-{n:03d}", "text": "\n\n".join(russian[:10])})
    return docs


@pytest.fixture(scope="module")
def translator(tiny_model: Path) -> ruen.Translator:
    return ruen.load_translator(tiny_model, device="cpu")


def alone(translator: ruen.Translator, docs: list, **options) -> list[dict]:
    """Each document digested on its own, as digest() does it."""
    translator.memory_cache.clear()
    return [
        {
            **ruen.digest(d["text"], translator=translator, **FAST, **options).to_dict(),
            "id": d["id"],
        }
        for d in docs
    ]


@pytest.mark.parametrize("window", [1, 7, 256])
@pytest.mark.parametrize(
    "options",
    [{}, {"full_translation": False}, {"mode": "translate-first"}, {"repair": False, "k": 0.3}],
    ids=["full", "summary-only", "translate-first", "no-repair"],
)
def test_digest_many_equals_digest_alone(translator, window: int, options: dict) -> None:
    docs = documents()
    expected = alone(translator, docs, **options)
    translator.memory_cache.clear()
    calls: list[int] = []
    real = translator.engine.translate

    def counting(texts, settings, **batching):
        calls.append(len(texts))
        return real(texts, settings, **batching)

    translator.engine.translate = counting
    try:
        got = [
            d.to_dict()
            for d in ruen.digest_many(docs, translator=translator, window=window, **FAST, **options)
        ]
    finally:
        del translator.engine.translate
    assert got == expected
    if window > 1:  # the sentences of neighbouring documents went to the model together
        assert len(calls) < len(docs)


def test_digest_many_reads_one_window_ahead(translator) -> None:
    read: list[int] = []

    def stream():
        for n in range(10_000):
            read.append(n)
            yield {"id": str(n), "text": f"Индекс вырос на {n},5 %. Беларусь заняла {n} место."}

    results = ruen.digest_many(stream(), translator=translator, window=8, **FAST)
    first = [next(results) for _ in range(3)]
    assert [d.id for d in first] == ["0", "1", "2"]
    assert len(read) <= 8  # two sentences a note: a window of 8 sentences is 4 notes
    results.close()


def test_ids_and_documents_of_every_kind(translator) -> None:
    document = ruen.read_document(EXAMPLE)
    results = list(
        ruen.digest_many(
            ["Индекс вырос на 5,8 %.", {"id": 7, "text": "Беларусь заняла 40 место."}, document],
            translator=translator,
            **FAST,
        )
    )
    assert [r.id for r in results] == [None, "7", str(EXAMPLE)]
    assert results[2].title is not None and results[2].title.ru == document.title


def test_a_bad_document_is_recorded_or_raised(translator) -> None:
    docs = [
        {"id": "a", "text": "Индекс вырос."},
        {"id": "b", "text": "  \n "},
        {"id": "c", "text": "Да."},
    ]
    results = list(ruen.digest_many(docs, translator=translator, on_error="record", **FAST))
    assert [type(r).__name__ for r in results] == ["Digest", "DocumentError", "Digest"]
    assert results[1].to_dict() == {
        "id": "b",
        "error": "b: empty input, there is no text to digest",
    }
    with pytest.raises(ruen.InputError, match="empty input"):
        list(ruen.digest_many(docs, translator=translator, **FAST))


def test_threads_get_the_single_thread_results(translator) -> None:
    docs = documents(12)
    single = alone(translator, docs)
    many = [d.to_dict() for d in ruen.digest_many(docs, translator=translator, **FAST)]
    results: dict[int, tuple] = {}
    errors: list[str] = []
    barrier = threading.Barrier(8)

    def work(n: int) -> None:
        barrier.wait()
        try:
            one = [
                {**ruen.digest(d["text"], translator=translator, **FAST).to_dict(), "id": d["id"]}
                for d in docs
            ]
            all_ = [
                d.to_dict() for d in ruen.digest_many(docs, translator=translator, window=5, **FAST)
            ]
            results[n] = (one, all_)
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(results) == 8
    assert all(one == single and all_ == many for one, all_ in results.values())


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A directory of notes, two of them bad, one in a subdirectory."""
    root = tmp_path / "archive"
    (root / "2021").mkdir(parents=True)
    for n, doc in enumerate(documents(6)):
        folder = root / "2021" if n % 2 else root
        (folder / f"{doc['id']}.txt").write_text(doc["text"], encoding="utf-8")
    (root / "broken.txt").write_bytes(b"\x00\x01\x02 not text")
    (root / "empty.txt").write_text("  \n", encoding="utf-8")
    (root / "notes.md").write_text("# Не то\n\nНе попадет под --glob.", encoding="utf-8")
    return root


def test_a_directory_with_bad_files(tiny_model: Path, offline_env, archive: Path) -> None:
    result = run_cli(
        "digest",
        "--model",
        str(tiny_model),
        *CLI_FAST,
        "--format",
        "jsonl",
        "--glob",
        "*.txt",
        str(archive),
        env=offline_env,
    )
    assert result.returncode == 1  # some documents failed, the others were digested
    records = [json.loads(line) for line in result.stdout.splitlines()]
    ids = [r["id"] for r in records]
    assert ids == sorted(ids) and len(records) == 8 and not any(i.endswith(".md") for i in ids)
    errors = {r["id"]: r["error"] for r in records if "error" in r}
    assert errors == {
        str(archive / "broken.txt"): f"{archive / 'broken.txt'}: a binary file, not text",
        str(
            archive / "empty.txt"
        ): f"{archive / 'empty.txt'}: empty input, there is no text to process",
    }
    assert result.stderr.splitlines() == [f"ruen: error: {message}" for message in errors.values()]
    (first,) = [r for r in records if r["id"] == str(archive / "wmt21-000.txt")]
    expected = ruen.digest(ruen.read_document(archive / "wmt21-000.txt"), model=tiny_model, **FAST)
    assert first == expected.to_dict()


def test_a_jsonl_stream_on_stdin(tiny_model: Path, offline_env) -> None:
    lines = [
        json.dumps({"doc": d["id"], "body": d["text"]}, ensure_ascii=False) for d in documents(3)
    ]
    lines.insert(1, "{not json")
    result = run_cli(
        "digest",
        "--model",
        str(tiny_model),
        *CLI_FAST,
        "--format",
        "jsonl",
        "--input-format",
        "jsonl",
        "--id-field",
        "doc",
        "--text-field",
        "body",
        "-",
        env=offline_env,
        stdin="\n".join(lines).encode(),
    )
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["wmt21-000", "<stdin>:2", "wmt21-001", "wmt21-002"]
    assert records[1]["error"].startswith("<stdin>:2: not a JSON record")


def corpus_file(tmp_path: Path, count: int) -> Path:
    source = documents(40)
    path = tmp_path / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            doc = source[n % len(source)]
            text = f"{doc['text']} Заметка номер {n}."
            handle.write(
                json.dumps({"id": f"note-{n:04d}", "text": text}, ensure_ascii=False) + "\n"
            )
    return path


def digest_command(tiny_model: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ruen",
        "digest",
        "--model",
        str(tiny_model),
        *CLI_FAST,
        "--format",
        "jsonl",
        "--input-format",
        "jsonl",
        *args,
    ]


def test_records_stream_out_while_the_run_goes_on(
    tiny_model: Path, offline_env, tmp_path: Path
) -> None:
    path = corpus_file(tmp_path, 2000)
    with subprocess.Popen(
        digest_command(tiny_model, str(path)), stdout=subprocess.PIPE, env=offline_env
    ) as process:
        first = json.loads(process.stdout.readline())
        still_running = process.poll() is None
        process.kill()
    assert first["id"] == "note-0000" and still_running


def test_resume_after_a_real_sigkill(tiny_model: Path, offline_env, tmp_path: Path) -> None:
    path = corpus_file(tmp_path, 400)
    full, part = tmp_path / "full.jsonl", tmp_path / "part.jsonl"
    subprocess.run(
        digest_command(tiny_model, "--output", str(full), str(path)), env=offline_env, check=True
    )
    with subprocess.Popen(
        digest_command(tiny_model, "--output", str(part), str(path)), env=offline_env
    ) as process:
        deadline = time.monotonic() + 300
        while (
            not part.exists() or part.read_bytes().count(b"\n") < 20
        ) and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    written = part.read_bytes()
    assert 20 <= written.count(b"\n") < 400  # killed in mid-run
    # A crash can tear the last line; add a torn line so that the resume must detect it.
    with part.open("ab") as handle:
        handle.write(b'{"id": "note-9999", "sentences": [{"in')
    resumed = subprocess.run(
        digest_command(tiny_model, "--output", str(part), "--resume", str(path)),
        env=offline_env,
        capture_output=True,
    )
    assert resumed.returncode == 0, resumed.stderr
    lines = part.read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line) for line in lines)  # whole lines only: the torn one is gone
    assert sorted(lines) == sorted(full.read_text(encoding="utf-8").splitlines())


def test_resume_needs_a_jsonl_file(tiny_model: Path, offline_env) -> None:
    result = run_cli(
        "digest", "--model", str(tiny_model), "--resume", str(EXAMPLE), env=offline_env
    )
    assert (
        result.returncode == 2
        and "--resume needs --format jsonl and --output FILE" in result.stderr
    )


# --- on Dask ---------------------------------------------------------------------------------------


def test_workers_without_the_extra_say_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    from ruen.cluster import connect

    with pytest.raises(ruen.MissingExtraError, match=r'pip install "ruen\[dask\]"'):
        connect(workers=2)


@pytest.fixture(scope="module")
def dask_client():
    pytest.importorskip("distributed", reason="Dask comes with ruen[dask]")
    from ruen.cluster import connect

    client, cluster = connect(workers=2)
    yield client
    client.close()
    cluster.close()


def test_on_dask_the_results_equal_one_process_also_when_a_worker_dies(
    dask_client, translator
) -> None:
    docs = documents(24)
    expected = [d.to_dict() for d in ruen.digest_many(docs, translator=translator, **FAST)]
    workers = dask_client.run(os.getpid)
    assert len(workers) == 2 and all(address.startswith("tcp://127.0.0.1:") for address in workers)

    def inputs():
        yield from docs[:-1]
        os.kill(next(iter(workers.values())), signal.SIGKILL)  # shards are in flight on it
        yield docs[-1]

    got = [
        d.to_dict()
        for d in ruen.digest_many(
            inputs(), translator=translator, client=dask_client, window=20, **FAST
        )
    ]
    assert got == expected
    dask_client.wait_for_workers(2, timeout=120)  # the dead one's nanny starts a new process
    after = dask_client.run(os.getpid)
    assert len(after) == 2 and set(after.values()) != set(workers.values())

    def recomputed(dask_scheduler) -> int:
        starts: dict[str, int] = {}
        for key, _start, finish, *_ in dask_scheduler.transition_log:
            if finish == "processing" and "_digest_shard" in str(key):
                starts[str(key)] = starts.get(str(key), 0) + 1
        return sum(1 for count in starts.values() if count > 1)

    assert dask_client.run_on_scheduler(recomputed) >= 1  # a shard of the dead worker was redone


def test_cli_workers_give_the_same_records(tiny_model: Path, offline_env, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="Dask comes with ruen[dask]")
    path = corpus_file(tmp_path, 30)
    single = subprocess.run(
        digest_command(tiny_model, str(path)), env=offline_env, capture_output=True, check=True
    )
    dask = subprocess.run(
        digest_command(tiny_model, "--workers", "2", str(path)),
        env=offline_env,
        capture_output=True,
    )
    assert dask.returncode == 0, dask.stderr.decode()
    assert dask.stdout == single.stdout
