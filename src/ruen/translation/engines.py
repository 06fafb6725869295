"""The two ways ruen runs a MarianMT model: transformers (PyTorch) and CTranslate2.

Both take sentences that already fit the model and give their translations in order; the
:class:`~ruen.translation.Translator` around them does everything else (splitting over-long
sentences, caching, streaming). Why CTranslate2: at int8 on a CPU it is several times faster
than PyTorch and needs a third of the memory, because its decoder is built for exactly this
work; it is an optional extra (``ruen[fast]``).
"""

from __future__ import annotations

import ctypes
import functools
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ruen.translation.tokens import ModelTokens

# Hypotheses a search for a better translation reads: repair's for a figure, the glossary's for
# a term (the same width, so that one search serves both).
NBEST = 8
# Forced-prefix decodes CTranslate2 runs at once (sentences of one document, at most).
PREFIX_BATCH = 16


@dataclass(frozen=True)
class GenerationSettings:
    """What the caller asked for (``None``: the model's own generation config) and the
    model's defaults, so that each engine can reproduce transformers' ``generate``."""

    beam_size: int | None = None
    max_new_tokens: int | None = None
    min_new_tokens: int | None = None
    defaults: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def for_transformers(self) -> dict[str, int]:
        """Only what the caller set: ``generate`` fills in the rest from the model."""
        settings = {
            "num_beams": self.beam_size,
            "max_new_tokens": self.max_new_tokens,
            "min_new_tokens": self.min_new_tokens,
        }
        return {key: value for key, value in settings.items() if value is not None}

    def resolved(self) -> dict[str, int | float]:
        """Every value, as transformers would take it from the model's generation config.

        transformers counts ``max_length`` with the decoder's start token, and with
        ``forced_eos_token_id`` its last step is the end token: so the most real tokens it
        produces is ``max_length - 2`` (or ``max_new_tokens - 1``).
        """
        defaults = self.defaults
        forced_end = 1 if defaults.get("forced_eos_token_id") is not None else 0
        if self.max_new_tokens is not None:
            longest = self.max_new_tokens - forced_end
        elif defaults.get("max_new_tokens") is not None:
            longest = defaults["max_new_tokens"] - forced_end
        else:
            longest = defaults.get("max_length", 20) - 1 - forced_end
        shortest = self.min_new_tokens
        if shortest is None:
            shortest = defaults.get("min_new_tokens") or 0
        return {
            "beam_size": self.beam_size or defaults.get("num_beams") or 1,
            "max_tokens": max(1, longest),
            "min_tokens": min(shortest, max(1, longest)),
            "length_penalty": defaults.get("length_penalty", 1.0),
        }

    def key(self) -> str:
        """A stable text for cache keys: the settings that change a translation."""
        return json.dumps(self.resolved(), sort_keys=True)


class Engine(Protocol):
    name: str
    compute_type: str
    device: str

    def translate(
        self,
        texts: list[str],
        settings: GenerationSettings,
        *,
        batch_size: int,
        max_batch_tokens: int,
    ) -> list[str]: ...

    def translate_nbest(
        self,
        texts: list[str],
        settings: GenerationSettings,
        n: int,
        *,
        batch_size: int,
        max_batch_tokens: int,
    ) -> list[list[str]]: ...

    def translate_prefixed(
        self, texts: list[str], prefixes: list[str], settings: GenerationSettings, limit: int
    ) -> list[str | None]: ...


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' info chatter and progress bars (a CLI user sees ours instead),
    restoring whatever the caller had set."""
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


def _length_classes(source: list[list[str]]) -> list[list[int]]:
    """Indices of ``source`` grouped by length into classes whose lengths are within a
    factor of two (up to 16, 32, 64, ... tokens), shortest class first."""
    classes: dict[int, list[int]] = {}
    for i, tokens in enumerate(source):
        classes.setdefault(max(8, len(tokens) - 1).bit_length(), []).append(i)
    return [classes[key] for key in sorted(classes)]


def nbest_width(tokens: int, beam: int, n: int, budget: int) -> int:
    """How wide an n-best search of a sentence of ``tokens`` source tokens may be: ``n`` (or
    the first pass's ``beam`` where that is wider), narrowed so that its beams times tokens
    stay within ``budget``, but never below ``beam``: the first pass ran at that width, so
    memory never peaks higher for repair than it did for the translation itself."""
    return max(beam, min(max(n, beam), budget // max(1, tokens)))


def token_batches(lengths: list[int], batch_size: int, max_batch_tokens: int) -> list[list[int]]:
    """Indices grouped into batches, longest first, each holding at most ``batch_size``
    sentences and ``max_batch_tokens`` tokens once padded to its longest sentence."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = lengths[current[0]] if current else lengths[i]
        if current and (
            len(current) >= batch_size or (len(current) + 1) * longest > max_batch_tokens
        ):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


class TransformersEngine:
    """PyTorch ``generate``, batched by length: the reference every other engine must match."""

    name = "transformers"

    def __init__(
        self, model: Any, tokenizer: Any, device: str, *, positions: int | None = None
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.tokens = ModelTokens(tokenizer, positions)
        self.device = device
        self.compute_type = str(next(model.parameters()).dtype).replace("torch.", "")

    def translate(
        self,
        texts: list[str],
        settings: GenerationSettings,
        *,
        batch_size: int,
        max_batch_tokens: int,
    ) -> list[str]:
        return [
            best
            for (best,) in self._generate(
                texts, settings.for_transformers(), 1, batch_size, max_batch_tokens
            )
        ]

    def translate_nbest(
        self,
        texts: list[str],
        settings: GenerationSettings,
        n: int,
        *,
        batch_size: int,
        max_batch_tokens: int,
    ) -> list[list[str]]:
        """The ``n`` best hypotheses of a beam search at least ``n`` wide, best first.

        Under the first pass's memory bound: a wider beam holds more hypotheses per source
        token, so a batch holds that many times fewer sentences and tokens."""
        options = settings.for_transformers()
        first = int(settings.resolved()["beam_size"])
        beam = max(n, first)
        options.update(num_beams=beam, num_return_sequences=n)
        return self._generate(
            texts,
            options,
            n,
            max(1, batch_size * first // beam),
            max(1, max_batch_tokens * first // beam),
        )

    def translate_prefixed(
        self, texts: list[str], prefixes: list[str], settings: GenerationSettings, limit: int
    ) -> list[str | None]:
        """Each text's best translation that begins with its prefix (``decoder_input_ids``:
        the decoder's start token, then the prefix's target-side tokens), or None where the
        prefix leaves the model (``limit`` positions) no room. One at a time: prefixes differ
        in length, and a batch would pad the decoder's input."""
        import torch

        start = self.model.config.decoder_start_token_id
        options = settings.for_transformers()
        results: list[str | None] = []
        for text, prefix in zip(texts, prefixes):
            target = self.tokens.target_ids(prefix)
            room = prefix_room(len(target), settings, limit)
            if room is None:
                results.append(None)
                continue
            longest, shortest = room
            options.update(max_new_tokens=longest + 1, min_new_tokens=shortest)
            (ids,) = self.tokens.source_ids([text])
            source = torch.tensor([ids], device=self.device)
            mask = torch.ones_like(source)
            decoder = torch.tensor([[start, *target]], device=self.device)
            with torch.inference_mode(), quiet_transformers():
                generated = self.model.generate(
                    input_ids=source, attention_mask=mask, decoder_input_ids=decoder, **options
                )
            results.append(self.tokens.decode(generated[0].tolist()))
        return results

    def _generate(
        self,
        texts: list[str],
        options: dict[str, int],
        n: int,
        batch_size: int,
        max_batch_tokens: int,
    ) -> list[list[str]]:
        import torch

        # Tokenise once; each batch is padded from these ids, as the tokenizer would pad it.
        ids = self.tokens.source_ids(texts)
        results: list[list[str]] = [[] for _ in texts]
        for batch in token_batches([len(row) for row in ids], batch_size, max_batch_tokens):
            encoded = self.tokenizer.pad(
                {"input_ids": [ids[i] for i in batch]}, return_tensors="pt"
            ).to(self.device)
            with torch.inference_mode(), quiet_transformers():
                generated = self.model.generate(**encoded, **options)
            decoded = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
            for k, i in enumerate(batch):
                results[i] = decoded[k * n : (k + 1) * n]
        return results


def prefix_room(prefix: int, settings: GenerationSettings, limit: int) -> tuple[int, int] | None:
    """(most, fewest) new tokens after a forced prefix of ``prefix`` tokens, None where the
    prefix leaves no room.

    The prefix is part of the English, so the settings' bounds hold for the whole of it, as
    they did for the first pass: at most ``max_tokens`` with the prefix, at least
    ``min_tokens``. (Counting them after the prefix let a forced decode write a sentence
    longer than the user's bound, and on random weights, whose English tokenises back to ten
    times its length, cost 300-step decodes.) Within the model's ``limit`` of positions (the
    start and end tokens take two)."""
    resolved = settings.resolved()
    room = min(limit - 2, int(resolved["max_tokens"])) - prefix
    if room < 1:
        return None
    return room, min(max(0, int(resolved["min_tokens"]) - prefix), room)


def release_freed_memory() -> None:
    """Give the memory CTranslate2's threads freed back to the system (glibc's malloc_trim).

    Why: each inter thread allocates from a glibc arena of its own, and batches of every shape
    leave those arenas fragmented, so that a process's RSS crept up over a long archive
    although what it held did not. A no-op where the C library is not glibc."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def default_threads() -> tuple[int, int]:
    """(inter_threads, intra_threads) for CTranslate2 on this machine's CPU cores.

    Measured on a 2-core machine (benchmarks/translate_speed.py, README): one batch per core
    (inter = cores, intra = 1) beats one batch on all cores by 1.4-2x at batch sizes of 8 and
    more, which is how ruen calls it.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, cores or 1), 1


class CTranslate2Engine:
    """CTranslate2's translator on the converted model, fed the tokenizer's own pieces."""

    name = "ctranslate2"
    # 32, not 64: at beam 4 the same speed (8 sentences a batch against 16, one batch per
    # core) and 70 MB less at the peak, which a long `ruen follow` run keeps under 500 MB
    # (benchmarks/translate_speed.py's ruen-ct2 worker, both sizes side by side).
    MAX_HYPOTHESES = 32
    MAX_HYPOTHESIS_TOKENS = 1536  # beams times source tokens per batch (benchmarks/corpus.py)

    def __init__(
        self,
        path: Path,
        tokenizer: Any,
        *,
        device: str,
        compute_type: str,
        inter_threads: int | None = None,
        intra_threads: int | None = None,
        positions: int | None = None,
    ) -> None:
        import ctranslate2

        default_inter, default_intra = default_threads()
        self.inter_threads = inter_threads or default_inter
        self.intra_threads = intra_threads if intra_threads is not None else default_intra
        self.path = path
        self.tokenizer = tokenizer
        self.tokens = ModelTokens(tokenizer, positions)
        self.device = device
        self.compute_type = compute_type
        self.translator = ctranslate2.Translator(
            str(path),
            device=device,
            compute_type=compute_type,
            inter_threads=self.inter_threads,
            intra_threads=self.intra_threads,
        )
        with (path / "shared_vocabulary.json").open(encoding="utf-8") as handle:
            self._vocabulary = set(json.load(handle))

    def translate(
        self,
        texts: list[str],
        settings: GenerationSettings,
        *,
        batch_size: int,
        max_batch_tokens: int,
    ) -> list[str]:
        beam = int(settings.resolved()["beam_size"])
        return [
            best
            for (best,) in self._translate(texts, settings, beam, 1, batch_size, max_batch_tokens)
        ]

    def translate_nbest(
        self,
        texts: list[str],
        settings: GenerationSettings,
        n: int,
        *,
        batch_size: int,
        max_batch_tokens: int,
    ) -> list[list[str]]:
        """Up to ``n`` best hypotheses of a beam search up to ``n`` wide, best first.

        Under the first pass's memory bound: a batch holds at most ``MAX_HYPOTHESIS_TOKENS``
        beams times source tokens, so a long sentence gets a narrower search (down to the
        first pass's beam, never below), and a batch of short ones fewer sentences."""
        first = int(settings.resolved()["beam_size"])
        source = self._source(texts)
        widths = [
            nbest_width(len(tokens), first, n, self.MAX_HYPOTHESIS_TOKENS) for tokens in source
        ]
        results: list[list[str]] = [[] for _ in texts]
        for width in sorted(set(widths)):
            chosen = [i for i, w in enumerate(widths) if w == width]
            found = self._run(
                [source[i] for i in chosen],
                settings,
                width,
                min(n, width),
                batch_size,
                max_batch_tokens,
            )
            for i, hypotheses in zip(chosen, found):
                results[i] = hypotheses
        return results

    def translate_prefixed(
        self, texts: list[str], prefixes: list[str], settings: GenerationSettings, limit: int
    ) -> list[str | None]:
        """Each text's best translation that begins with its prefix (CTranslate2's
        ``target_prefix``), or None where the prefix leaves the model no room."""
        resolved = settings.resolved()
        results: list[str | None] = [None] * len(texts)
        # CTranslate2 takes one decoding length per call: the texts are decoded together
        # wherever their lengths agree (with the model's defaults, the most new tokens fill
        # the model's positions and the fewest are none, so every text agrees: one batched
        # call, not one per text).
        groups: dict[tuple[int, int], list[tuple[int, list[str], list[str]]]] = {}
        for n, (source, prefix) in enumerate(zip(self._source(texts), prefixes)):
            target = self.tokens.target_pieces(prefix)
            room = prefix_room(len(target), settings, limit)
            if room is None:
                continue
            longest, shortest = room
            # At least the prefix is always written: a minimum of none is the same as one of
            # the prefix's length.
            lengths = (len(target) + longest, len(target) + shortest if shortest else 0)
            groups.setdefault(lengths, []).append((n, source, target))
        beam = int(resolved["beam_size"])
        for (most, fewest), group in groups.items():
            # Under the bounds translate keeps (beams, and beams times source tokens, per
            # batch): a window's prefixed decodes in batches of 16 long sentences took a
            # 40-document run's peak from 393 to 559 MB.
            for members in _length_classes([source for _, source, _ in group]):
                chosen = [group[i] for i in members]
                longest = max(len(source) for _, source, _ in chosen)
                per_batch = max(1, min(PREFIX_BATCH, self._batch_bound(beam, longest)))
                found = self.translator.translate_batch(
                    [source for _, source, _ in chosen],
                    target_prefix=[target for _, _, target in chosen],
                    beam_size=beam,
                    max_decoding_length=most,
                    min_decoding_length=fewest,
                    length_penalty=float(resolved["length_penalty"]),
                    max_input_length=self._positions,
                    max_batch_size=per_batch,
                )
                for (n, _, _), result in zip(chosen, found):
                    results[n] = self.tokens.decode_pieces(result.hypotheses[0])
        release_freed_memory()
        return results

    def _batch_bound(self, beam: int, longest: int) -> int:
        """Sentences a batch may hold at ``beam`` beams whose longest source has ``longest``
        tokens: within the beams and the beams times source tokens a batch holds at most."""
        return min(self.MAX_HYPOTHESES // beam, self.MAX_HYPOTHESIS_TOKENS // (beam * longest))

    def _source(self, texts: list[str]) -> list[list[str]]:
        return self.tokens.source_pieces(texts)

    @property
    def _positions(self) -> int:
        """CTranslate2's own length guard: the model's positions (``source_ids`` already
        refuses a longer text, so this never truncates; 0, no guard, where unknown)."""
        return self.tokens.positions or 0

    def _translate(
        self,
        texts: list[str],
        settings: GenerationSettings,
        beam: int,
        n: int,
        batch_size: int,
        max_batch_tokens: int,
    ) -> list[list[str]]:
        return self._run(self._source(texts), settings, beam, n, batch_size, max_batch_tokens)

    def _run(
        self,
        source: list[list[str]],
        settings: GenerationSettings,
        beam: int,
        n: int,
        batch_size: int,
        max_batch_tokens: int,
    ) -> list[list[str]]:
        if not source:
            return []
        tokenizer = self.tokenizer
        resolved = settings.resolved()
        # bad_words_ids holds <pad>, which the converter drops from the vocabulary (the
        # decoder starts from a zero vector instead): suppress only what CTranslate2 knows.
        banned = [
            tokenizer.convert_ids_to_tokens(ids)
            for ids in settings.defaults.get("bad_words_ids") or []
        ]
        suppressed = [tokens for tokens in banned if set(tokens) <= self._vocabulary]
        # What a batch holds while decoding grows with its hypotheses (each keeps a row of
        # 62,518 scores per step: at beam 4 a batch of 32 sentences took the peak from 414 to
        # 667 MB) and with its hypotheses times their source tokens (the cross-attention keys
        # and values of every layer). CTranslate2 batches either by sentences or by tokens,
        # never by both: by tokens, dozens of short notes shared one batch, and 1,500 notes
        # with every sentence repaired peaked at 709 MB (482 MB with the classes below). So
        # ruen cuts the sentences into classes of similar length and gives each class a number
        # of sentences per batch that keeps both bounds;
        # and into at least inter_threads batches, or a core sits idle (measured: beam 4 runs
        # 1.9x faster that way).
        results: list[Any] = [None] * len(source)
        for members in _length_classes(source):
            longest = max(len(source[i]) for i in members)
            per_batch = max(
                1,
                min(
                    batch_size,
                    self._batch_bound(beam, longest),
                    max_batch_tokens // longest,
                    -(-len(members) // self.inter_threads),
                ),
            )
            found = self.translator.translate_batch(
                [source[i] for i in members],
                max_batch_size=per_batch,
                batch_type="examples",
                beam_size=beam,
                num_hypotheses=n,
                max_decoding_length=int(resolved["max_tokens"]),
                min_decoding_length=int(resolved["min_tokens"]),
                length_penalty=float(resolved["length_penalty"]),
                suppress_sequences=suppressed or None,
                max_input_length=self._positions,  # ruen cut longer ones before
            )
            for i, result in zip(members, found):
                results[i] = result
        release_freed_memory()
        return [[self.tokens.decode_pieces(tokens) for tokens in r.hypotheses] for r in results]
