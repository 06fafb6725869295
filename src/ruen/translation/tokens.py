"""The model's two vocabularies, each with an encoder of its own, safe to share across threads.

Why not the tokenizer alone: ``MarianTokenizer`` holds one *current* SentencePiece model and
``tokenizer(text_target=...)`` switches it to the English one and back. A forced prefix
(names and glossary terms) tokenises English while another thread (``ruen serve``'s
requests, a notebook's thread pool) tokenises Russian, and the Russian was then cut by the
English model: silently other English, or past the model's 512 positions an error. Here the
Russian side only ever goes through the tokenizer's source mode and the English side through
``target.spm`` directly, so there is no shared mode to switch; and no source longer than the
model's positions ever reaches an engine (ruen cuts long sentences before, so one that gets
here is ruen's own fault, said as such).
"""

from __future__ import annotations

from typing import Any

from ruen.errors import InternalError


class ModelTokens:
    """The tokenizer's source side, its target side as an encoder of its own, and the
    number of source positions the model has."""

    def __init__(self, tokenizer: Any, positions: int | None = None) -> None:
        self.tokenizer = tokenizer
        self.positions = positions
        spm = getattr(tokenizer, "spm_target", None)
        separate = getattr(tokenizer, "separate_vocabs", False)
        self._target_spm = spm
        self._target_vocabulary = getattr(
            tokenizer, "target_encoder" if separate else "encoder", None
        )
        self._unknown = tokenizer.unk_token_id
        self.eos_token_id = tokenizer.eos_token_id

    def source_ids(self, texts: list[str]) -> list[list[int]]:
        """Each text's source ids with the end token, as the model reads them."""
        ids = self.tokenizer(texts, verbose=False)["input_ids"]
        if self.positions is not None:
            for text, row in zip(texts, ids):
                if len(row) > self.positions:
                    raise InternalError(
                        f"a text of {len(row)} tokens reached the model, which reads "
                        f"{self.positions} at most (ruen cuts longer ones first): {text[:60]!r}"
                    )
        return ids

    def source_pieces(self, texts: list[str]) -> list[list[str]]:
        """Each text's source pieces with the end token (what CTranslate2 takes)."""
        convert = self.tokenizer.convert_ids_to_tokens
        return [convert(row) for row in self.source_ids(texts)]

    def count(self, text: str) -> int:
        """Source tokens of ``text``, its end token included (no bound checked: ruen counts
        to cut a text that is too long)."""
        return len(self.tokenizer(text, verbose=False)["input_ids"])

    def target_ids(self, text: str) -> list[int]:
        """The target-side ids of ``text`` without the end token: a prefix to go on from.

        The same ids as ``tokenizer(text_target=text, add_special_tokens=False)``, read from
        ``target.spm`` and the target vocabulary without switching the tokenizer's mode."""
        if self._target_spm is None or self._target_vocabulary is None:
            raise InternalError("the tokenizer has no target SentencePiece model")
        code, rest = self.tokenizer.remove_language_code(text)
        pieces = code + self._target_spm.encode(rest, out_type=str)
        vocabulary, unknown = self._target_vocabulary, self._unknown
        ids = [vocabulary.get(piece, unknown) for piece in pieces]
        return [i for i in ids if i != self.eos_token_id]

    def target_pieces(self, text: str) -> list[str]:
        """:meth:`target_ids` as pieces."""
        return self.tokenizer.convert_ids_to_tokens(self.target_ids(text))

    def decode(self, ids: list[int]) -> str:
        """The English of target ids, special tokens left out."""
        return self.tokenizer.decode(ids, skip_special_tokens=True)

    def decode_pieces(self, pieces: list[str]) -> str:
        """The English of target pieces (what CTranslate2 returns)."""
        return self.decode(self.tokenizer.convert_tokens_to_ids(pieces))
