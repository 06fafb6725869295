"""The ``ruen`` command end to end, in a subprocess, on the tiny model and with no model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import ruen
from tests.conftest import EXAMPLE, run_cli

FAST = ("--max-new-tokens", "6", "--beam-size", "2")


def assert_one_line_error(result, *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ruen: error: "), result.stderr
    for needle in needles:
        assert needle in lines[0]
    assert result.stdout == ""


def test_summarize_needs_no_model(offline_env: dict[str, str]) -> None:
    result = run_cli("summarize", str(EXAMPLE), env=offline_env)
    assert result.returncode == 0, result.stderr
    sentences = ruen.split_sentences(ruen.read_document(EXAMPLE).text)
    expected = [" ".join(sentences[i].split()) for i in ruen.summarize(sentences, 3)]
    assert result.stdout.splitlines() == expected


def test_split_and_stdin(offline_env: dict[str, str], example_text: str) -> None:
    # The sample was scraped to Markdown: read as such, its title is apart and its link's
    # target gone; offsets point into the document's text.
    document = ruen.parse_document(example_text.encode())
    assert document.format == "markdown" and "](#)" not in document.text
    result = run_cli("split", "-", env=offline_env, stdin=example_text.encode())
    assert result.returncode == 0, result.stderr
    expected = [document.title, *ruen.split_sentences(document.text)]
    assert result.stdout.splitlines() == expected
    result = run_cli("split", "--format", "jsonl", str(EXAMPLE), env=offline_env)
    record = json.loads(result.stdout)
    assert record["title"] == document.title
    assert [s["text"] for s in record["sentences"]] == ruen.split_sentences(document.text)
    assert all(document.text[s["start"] : s["stop"]] == s["text"] for s in record["sentences"])
    # Read as plain text instead, only the title line is set apart.
    result = run_cli("split", "--input-format", "text", str(EXAMPLE), env=offline_env)
    assert "[проинформировал" in result.stdout


def test_digest_text(tiny_model: Path, offline_env: dict[str, str], example_text: str) -> None:
    result = run_cli("digest", "--model", str(tiny_model), *FAST, str(EXAMPLE), env=offline_env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Title: ") and "Key sentences:" in lines
    full = lines.index("Full translation:")
    start = lines.index("Key sentences:")
    key = [line for line in lines[start:full] if line.startswith("  ") and line[2] != " "]
    assert len(key) == 3  # k = 3 by default
    n = len(ruen.split_sentences(ruen.read_document(EXAMPLE).text))
    numbered = [line for line in lines[full + 1 :] if line.startswith("  [")]
    assert [line.split("]")[0] for line in numbered] == [f"  [{i}" for i in range(1, n + 1)]
    # Under each sentence, its warnings: the tiny model's random English loses every figure.
    ninth = lines.index(numbered[7])
    warnings = [line for line in lines[ninth + 1 :] if not line.lstrip().startswith("~")]
    assert warnings[:3] == [
        "      ! 2018 is not in the English",
        "      ! 5,8 % is not in the English",
        "      ! 2020 is not in the English",
    ]
    assert lines[-2].startswith("Checks: ") and "number " in lines[-2]
    assert lines[-1].startswith("Machine translation by ruen ") and "check figures" in lines[-1]


def test_digest_json_matches_the_api(
    tiny_model: Path, offline_env: dict[str, str], example_text: str, tmp_path: Path
) -> None:
    out = tmp_path / "digest.json"
    result = run_cli(
        "digest",
        "--model",
        str(tiny_model),
        *FAST,
        "-k",
        "2",
        "--format",
        "json",
        "--output",
        str(out),
        str(EXAMPLE),
        env=offline_env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    document = ruen.read_document(EXAMPLE)
    expected = ruen.digest(document, model=tiny_model, k=2, max_new_tokens=6, beam_size=2)
    assert data["title"] == expected.to_dict()["title"] and data["title"]["ru"] == document.title
    assert data["sentences"] == expected.to_dict()["sentences"]
    assert data["summary_en"] == expected.summary_en and len(data["summary_en"]) == 2
    assert data["id"] == str(EXAMPLE)


def test_digest_summary_only(tiny_model: Path, offline_env: dict[str, str]) -> None:
    result = run_cli(
        "digest",
        "--model",
        str(tiny_model),
        *FAST,
        "--summary-only",
        "-k",
        "0.3",
        str(EXAMPLE),
        env=offline_env,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("Key sentences:")
    key = [line for line in lines[start:] if line.startswith("  ") and line[2] != " "]
    assert len(key) == 3  # 30 % of the 9 sentences after the title
    assert "Full translation:" not in result.stdout


def test_digest_several_files_jsonl(
    tiny_model: Path, offline_env: dict[str, str], tmp_path: Path
) -> None:
    second = tmp_path / "second.txt"
    second.write_text("Индекс вырос на 5,8 %. Беларусь заняла 40 место.", encoding="utf-8")
    result = run_cli(
        "digest",
        "--model",
        str(tiny_model),
        *FAST,
        "--format",
        "jsonl",
        str(EXAMPLE),
        str(second),
        env=offline_env,
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == [str(EXAMPLE), str(second)]
    assert len(records[1]["sentences"]) == 2
    assert result.stderr == ""  # stderr is not a terminal: no progress bar


def test_digest_no_repair_json(
    tiny_model: Path, offline_env: dict[str, str], example_text: str
) -> None:
    result = run_cli(
        "digest",
        "--model",
        str(tiny_model),
        *FAST,
        "--no-repair",
        "--format",
        "json",
        str(EXAMPLE),
        env=offline_env,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    expected = ruen.digest(
        ruen.read_document(EXAMPLE), model=tiny_model, max_new_tokens=6, beam_size=2, repair=False
    ).to_dict()
    assert data["sentences"] == expected["sentences"] and data["flags"] == expected["flags"]
    assert data["settings"]["repair"] is False
    assert all(not record["repaired"] for record in data["sentences"])
    flags = len(data["title"]["flags"]) + sum(len(r["flags"]) for r in data["sentences"])
    assert sum(data["flags"].values()) == flags > 0  # the title's flags count too


def test_translate(tiny_model: Path, offline_env: dict[str, str]) -> None:
    source = "Индекс вырос на 5,8 %. Беларусь заняла 40 место."
    result = run_cli(
        "translate", "--model", str(tiny_model), *FAST, "-", env=offline_env, stdin=source.encode()
    )
    assert result.returncode == 0, result.stderr
    translator = ruen.load_translator(tiny_model, device="cpu")
    expected = translator.translate(ruen.split_sentences(source), max_new_tokens=6, beam_size=2)
    assert result.stdout.splitlines() == expected


def test_models_info(tiny_model: Path, offline_env: dict[str, str]) -> None:
    result = run_cli("models", "info", str(tiny_model), "--format", "json", env=offline_env)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["weights"] == "model.safetensors"
    assert info["generation"]["num_beams"] == 6


def test_no_model_available(offline_env: dict[str, str]) -> None:
    result = run_cli("digest", str(EXAMPLE), env=offline_env)
    assert_one_line_error(
        result, "Helsinki-NLP/opus-mt-ru-en", "ruen models download", "--model PATH"
    )


def test_no_network(offline_env: dict[str, str]) -> None:
    # Without HF_HUB_OFFLINE ruen tries the hub; on a machine with no network (as here, and in
    # CI) that fails at once, in one line. Where a network exists this test is skipped.
    env = {**offline_env, "HF_HUB_OFFLINE": "0"}
    result = run_cli("models", "info", "Helsinki-NLP/opus-mt-ru-en", env=env)
    if result.returncode == 0:
        pytest.skip("this machine can reach the hub")
    assert_one_line_error(result, "Helsinki-NLP/opus-mt-ru-en", "ruen models download")


@pytest.mark.parametrize(
    ("setup", "needles"),
    [
        (lambda d: d / "missing.txt", ["missing.txt", "no such file"]),
        (lambda d: _mkdir(d / "empty-dir"), ["empty-dir", "no files matching '*'"]),
        (lambda d: _write(d / "empty.txt", b" \n\n "), ["empty input"]),
        (
            lambda d: _write(d / "bad.txt", "Привет ".encode() + b"\xff\xfe"),
            ["not valid UTF-8", "byte 0xff at offset 13"],
        ),
    ],
    ids=["missing file", "empty directory", "empty", "invalid utf-8"],
)
@pytest.mark.parametrize("command", ["digest", "summarize", "split"])
def test_bad_input(
    command: str,
    setup,
    needles: list[str],
    tmp_path: Path,
    offline_env: dict[str, str],
    tiny_model: Path,
) -> None:
    path = setup(tmp_path)
    model = ["--model", str(tiny_model)] if command == "digest" else []
    assert_one_line_error(run_cli(command, *model, str(path), env=offline_env), *needles)


def test_empty_stdin(offline_env: dict[str, str]) -> None:
    assert_one_line_error(
        run_cli("summarize", "-", env=offline_env, stdin=b""), "<stdin>", "empty input"
    )


def test_model_directory_that_is_not_marian(
    tiny_model: Path, tmp_path: Path, offline_env: dict[str, str]
) -> None:
    bert = tmp_path / "bert"
    shutil.copytree(tiny_model, bert)
    config = json.loads((bert / "config.json").read_text())
    (bert / "config.json").write_text(json.dumps({**config, "model_type": "bert"}))
    result = run_cli("digest", "--model", str(bert), str(EXAMPLE), env=offline_env)
    assert_one_line_error(result, "not a MarianMT model", "model_type 'bert'")
    result = run_cli("digest", "--model", str(tmp_path / "nope"), str(EXAMPLE), env=offline_env)
    assert_one_line_error(result, "does not exist")
    result = run_cli("digest", "--model", str(EXAMPLE), str(EXAMPLE), env=offline_env)
    assert_one_line_error(result, "is a file")


def test_usage_errors(offline_env: dict[str, str]) -> None:
    result = run_cli("digest", "-k", "-1", str(EXAMPLE), env=offline_env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    result = run_cli(env=offline_env)
    assert result.returncode == 2 and "digest" in result.stderr


def test_console_script_is_installed() -> None:
    assert shutil.which("ruen") is not None


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _stderr_on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run ruen with stderr on a pseudo-terminal, as in an interactive shell; return it."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 x 100
    with subprocess.Popen(
        [sys.executable, "-m", "ruen", *args], stdout=subprocess.DEVNULL, stderr=slave, env=env
    ) as process:
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=600)
    os.close(master)
    assert process.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_only_on_a_terminal_and_not_when_quiet(
    tiny_model: Path, offline_env: dict[str, str], tmp_path: Path
) -> None:
    second = tmp_path / "second.txt"
    second.write_text("Индекс вырос на 5,8 %.", encoding="utf-8")
    args = ["digest", "--model", str(tiny_model), *FAST, str(EXAMPLE), str(second)]
    assert "sent" in _stderr_on_a_terminal(args, offline_env)  # tqdm's bar, unit "sent"
    assert _stderr_on_a_terminal([*args, "--quiet"], offline_env) == ""


# --- ruen check: any system's translations -----------------------------------------------------

PAIRS = [
    ("Индекс вырос на 5,8 %.", "The index grew by 5.8%."),
    ("Индекс вырос на 5,8 %.", "The index grew by 58%."),
    ("Организаторы: UN DESA и ACSH.", "Organisers: UN DESA and ACSH."),
    ("Организаторы: UN DESA и ACSH.", "Organisers: UN and ACSH."),
]


def test_check_tsv_with_a_header(tmp_path: Path, offline_env: dict[str, str]) -> None:
    tsv = tmp_path / "pairs.tsv"
    rows = ["id\tru\ten", *(f"s{i}\t{ru}\t{en}" for i, (ru, en) in enumerate(PAIRS))]
    tsv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("check", str(tsv), env=offline_env)
    assert result.returncode == 1  # some pairs are flagged
    assert result.stdout.splitlines() == [
        "line 3: The index grew by 58%.",
        "  ! number: 5,8 % is 58% in the English",
        "line 5: Organisers: UN and ACSH.",
        "  ! name: DESA is not in the English",
    ]
    assert result.stderr == "ruen check: 4 pairs, 2 flagged\n"


def test_check_two_aligned_files_as_jsonl(tmp_path: Path, offline_env: dict[str, str]) -> None:
    ru, en = tmp_path / "ru.txt", tmp_path / "en.txt"
    ru.write_text("\n".join(p[0] for p in PAIRS), encoding="utf-8")
    en.write_text("\n".join(p[1] for p in PAIRS), encoding="utf-8")
    result = run_cli("check", "--format", "jsonl", "-q", str(ru), str(en), env=offline_env)
    assert result.returncode == 1 and result.stderr == ""
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [2, 4]
    assert records[0]["flags"] == [ruen.check(*PAIRS[1])[0].to_dict()]
    clean = tmp_path / "clean.tsv"
    clean.write_text(f"{PAIRS[0][0]}\t{PAIRS[0][1]}\n", encoding="utf-8")  # no header
    result = run_cli("check", "--format", "json", str(clean), env=offline_env)
    assert result.returncode == 0 and json.loads(result.stdout) == []


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        (
            "ru\ten\nИндекс вырос.\tThe index grew.\nОдна колонка без табуляции\n",
            ["line 3", "expected 2", "found 1"],
        ),
        ("a\tb\tc\n", ["line 1", "found 3"]),
    ],
    ids=["missing tab", "too many fields"],
)
def test_check_malformed_tsv_names_the_line(
    content: str, needles: list[str], tmp_path: Path, offline_env: dict[str, str]
) -> None:
    tsv = tmp_path / "bad.tsv"
    tsv.write_text(content, encoding="utf-8")
    assert_one_line_error(run_cli("check", str(tsv), env=offline_env), "bad.tsv", *needles)


def test_check_files_that_do_not_align(tmp_path: Path, offline_env: dict[str, str]) -> None:
    ru, en = tmp_path / "ru.txt", tmp_path / "en.txt"
    ru.write_text("Один.\nДва.\n", encoding="utf-8")
    en.write_text("One.\n", encoding="utf-8")
    assert_one_line_error(run_cli("check", str(ru), str(en), env=offline_env), "2 lines", "1")


@pytest.mark.parametrize("encoding", ["windows-1251", "koi8-r"])
def test_check_reads_a_russian_tsv_in_a_legacy_encoding(
    encoding: str, tmp_path: Path, offline_env: dict[str, str]
) -> None:
    # The same decoder as every other command: the pairs are read, and stderr says how.
    tsv = tmp_path / "pairs.tsv"
    rows = ["ru\ten", *(f"{ru}\t{en}" for ru, en in PAIRS)]
    tsv.write_bytes(("\n".join(rows) + "\n").encode(encoding))
    result = run_cli("check", "--format", "jsonl", str(tsv), env=offline_env)
    assert result.returncode == 1, result.stderr
    assert [json.loads(line)["line"] for line in result.stdout.splitlines()] == [3, 5]
    assert json.loads(result.stdout.splitlines()[0])["ru"] == PAIRS[1][0]
    assert result.stderr.splitlines() == [
        f"ruen: {tsv}: not UTF-8, read as {encoding}",
        "ruen check: 4 pairs, 2 flagged",
    ]


def test_no_false_warning_of_indexing_errors_for_long_sentences(
    tiny_model: Path, offline_env: dict[str, str], tmp_path: Path
) -> None:
    # A sentence of over 512 tokens is cut by ruen, never truncated: transformers' warning
    # that it "will result in indexing errors" would be a false alarm of data loss.
    long = "В " + ", ".join(f"пункте {n} статьи {n + 1}" for n in range(200)) + " изменений нет."
    note = tmp_path / "act.txt"
    note.write_text(long + "\n", encoding="utf-8")
    result = run_cli(
        "digest",
        "--model",
        str(tiny_model),
        "--backend",
        "transformers",
        *FAST,
        "-k",
        "1",
        "--format",
        "json",
        str(note),
        env=offline_env,
    )
    assert result.returncode == 0, result.stderr
    assert "indexing errors" not in result.stderr and "Token indices" not in result.stderr
    records = json.loads(result.stdout)["sentences"]  # cut at clauses, as the splitter cuts
    assert " ".join(r["ru"] for r in records) == long and all(r["en"] for r in records)
    assert len(records) > 1


def test_the_output_files_extension_chooses_the_format(
    tiny_model: Path, offline_env: dict[str, str], tmp_path: Path
) -> None:
    """`ruen --help`'s own example, `ruen digest FILE -o digest.html`, writes a page; .md
    Markdown, .json JSON; --format still decides where given; an extension the command does
    not write is one line, exit 2."""
    model = ("--model", str(tiny_model), *FAST)
    page, notes, data = tmp_path / "digest.html", tmp_path / "digest.md", tmp_path / "d.json"
    for out in (page, notes, data):
        assert (
            run_cli("digest", *model, str(EXAMPLE), "-o", str(out), env=offline_env).returncode == 0
        )
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert notes.read_text(encoding="utf-8").startswith("# ")
    assert "sentences" in json.loads(data.read_text(encoding="utf-8"))
    forced = tmp_path / "forced.html"
    run_cli("digest", *model, str(EXAMPLE), "--format", "text", "-o", str(forced), env=offline_env)
    assert not forced.read_text(encoding="utf-8").startswith("<!DOCTYPE")
    assert_one_line_error(
        run_cli("split", str(EXAMPLE), "-o", str(tmp_path / "s.html"), env=offline_env),
        "s.html",
        "not html",
    )


# What each example needs, and why some are not run here.
NOT_RUN_HERE = {
    "follow": "fetches sources from the web (tests/test_follow.py runs it on a loopback site)",
    "briefing": "reads a follow store (tests/test_briefing.py runs it on one)",
    "serve": "a server that runs until stopped (tests/test_serve.py starts it)",
    "models": "asks the Hugging Face hub (no network here)",
    "models download": "downloads from the Hugging Face hub (no network here)",
}


@pytest.mark.parametrize(
    "name", sorted(set(__import__("ruen.cli.parser").cli.parser.EXAMPLES) - set(NOT_RUN_HERE))
)
def test_each_commands_help_example_runs_as_written(
    name: str, tiny_model: Path, offline_env: dict[str, str], tmp_path: Path
) -> None:
    """The example at the foot of each ``--help``, run word for word in a folder holding
    the files it names (the sample as note.txt and note.html, a pairs.tsv, the tests' model
    at ./opus-mt-ru-en and as RUEN_MODEL): it exits 0 (1 for ``check``: pairs flagged) and
    writes what it says."""
    import shlex
    import shutil

    from ruen.cli.parser import EXAMPLES

    text = EXAMPLE.read_text(encoding="utf-8")
    (tmp_path / "note.txt").write_text(text, encoding="utf-8")
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    (tmp_path / "note.html").write_text(
        f"<html><head><title>Новость</title></head><body><article>{paragraphs}</article>"
        "</body></html>",
        encoding="utf-8",
    )
    (tmp_path / "pairs.tsv").write_text(
        "В 2020 году индекс вырос на 5,8 %.\tIn 2021 the index rose by 5.8%.\n", encoding="utf-8"
    )
    model = tmp_path / "opus-mt-ru-en"
    shutil.copytree(tiny_model, model)
    # random weights write to the model's limit: a short limit and beam 2 in its own config
    # keep the examples' words as written and the test quick
    settings = json.loads((model / "generation_config.json").read_text(encoding="utf-8"))
    settings.update(max_length=12, num_beams=2)
    (model / "generation_config.json").write_text(json.dumps(settings), encoding="utf-8")
    env = {**offline_env, "RUEN_MODEL": str(model)}
    words = shlex.split(EXAMPLES[name])
    assert words[0] == "ruen"
    result = run_cli(*words[1:], env=env, cwd=tmp_path)
    assert result.returncode == (1 if name == "check" else 0), result.stderr
    if "-o" in words:
        written = tmp_path / words[words.index("-o") + 1]
        assert written.stat().st_size > 0
        if written.suffix == ".html":
            assert written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        if written.suffix == ".json":
            json.loads(written.read_text(encoding="utf-8"))
    else:
        assert result.stdout.strip()
