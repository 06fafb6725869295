"""Build a MarianMT model with random weights, for tests and benchmarks, without a network.

The layout is exactly that of Helsinki-NLP/opus-mt-ru-en (source.spm for the Russian and
target.spm for the English, two different SentencePiece models; a shared vocab.json with
</s> = 0, <unk> = 1 and <pad> last, config.json, generation_config.json and
model.safetensors), so everything ruen does with it is what it does with the real model; only the
weights are random. The SentencePiece models are trained on real Russian and English sentences
(``tests/data/pud_ru_en_300.tsv``).

    python models/build_tiny_marian.py OUT_DIR            # tiny: about 1 MB, for tests
    python models/build_tiny_marian.py OUT_DIR --real-size  # opus-mt-ru-en's shape, 77M params
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "pud_ru_en_300.tsv"

# Published shape of opus-mt-ru-en (see its config.json).
REAL_SIZE = {
    "vocab_size": 62518,
    "d_model": 512,
    "encoder_layers": 6,
    "decoder_layers": 6,
    "encoder_attention_heads": 8,
    "decoder_attention_heads": 8,
    "encoder_ffn_dim": 2048,
    "decoder_ffn_dim": 2048,
}
TINY_SIZE = {
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 64,
}


def read_corpus(path: Path = CORPUS) -> tuple[list[str], list[str]]:
    """The corpus's Russian and English sides."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row["ru"] for row in rows], [row["en"] for row in rows]


def train_spm(lines: list[str], model_file: Path, vocab_size: int) -> list[str]:
    """Train one SentencePiece model on ``lines`` and return its pieces in id order, </s>
    first and <unk> second as in Marian."""
    import sentencepiece as spm

    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "corpus.txt"
        text.write_text("\n".join(lines) + "\n", encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(text),
            model_prefix=str(Path(tmp) / "spm"),
            vocab_size=vocab_size,
            model_type="unigram",
            character_coverage=1.0,
            eos_id=0,
            unk_id=1,
            bos_id=-1,
            pad_id=-1,
            num_threads=1,
            minloglevel=2,
        )
        model_file.write_bytes((Path(tmp) / "spm.model").read_bytes())
    processor = spm.SentencePieceProcessor(model_file=str(model_file))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def train_spms(out_dir: Path, vocab_size: int) -> list[str]:
    """source.spm trained on the Russian and target.spm on the English, as opus-mt-ru-en has
    them: two different models over one shared vocabulary (vocab.json), so that a Russian
    text cut by the English model (a tokenizer left in target mode) gives other pieces, as it
    does with the real model. Returns the shared vocabulary's pieces in id order."""
    russian, english = read_corpus()
    source = train_spm(russian, out_dir / "source.spm", vocab_size)
    target = train_spm(english, out_dir / "target.spm", vocab_size)
    return list(dict.fromkeys(source + target))


def build(
    out_dir: str | Path,
    *,
    real_size: bool = False,
    spm_vocab_size: int = 600,
    max_length: int = 512,
    num_beams: int = 6,
    seed: int = 0,
) -> Path:
    """Write a randomly initialised MarianMT model to ``out_dir`` and return the path."""
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pieces = train_spms(out, spm_vocab_size)
    vocab = {piece: i for i, piece in enumerate(pieces)}
    shape = dict(REAL_SIZE if real_size else TINY_SIZE)
    vocab_size = shape.pop("vocab_size", len(pieces) + 1)
    pad = vocab_size - 1  # <pad> is the last id, as in opus-mt-ru-en
    # At the real size the model's vocabulary is larger than what SentencePiece learned from
    # a little text: name the extra ids, so that every id the model can emit decodes.
    for i in range(len(pieces), pad):
        vocab[f"<unused{i}>"] = i
    vocab["<pad>"] = pad
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (out / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "MarianTokenizer",
                "source_lang": "ru",
                "target_lang": "en",
                "model_max_length": 512,
                "separate_vocabs": False,
                "eos_token": "</s>",
                "unk_token": "<unk>",
                "pad_token": "<pad>",
            }
        ),
        encoding="utf-8",
    )
    generation = {
        "bad_words_ids": [[pad]],
        "bos_token_id": 0,
        "decoder_start_token_id": pad,
        "eos_token_id": 0,
        "forced_eos_token_id": 0,
        "max_length": max_length,
        "num_beams": num_beams,
        "pad_token_id": pad,
    }
    config = MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        max_position_embeddings=512,
        activation_function="swish",
        scale_embedding=True,
        static_position_embeddings=True,
        share_encoder_decoder_embeddings=True,
        dropout=0.1,
        attention_dropout=0.0,
        activation_dropout=0.0,
        **shape,
        **{key: value for key, value in generation.items() if key.endswith("token_id")},
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    model.eval()
    model.save_pretrained(out, safe_serialization=True)
    # transformers 5 does not carry generation settings from MarianConfig into the saved
    # generation config, so write it as opus-mt-ru-en ships it.
    GenerationConfig(**generation).save_pretrained(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument(
        "--real-size",
        action="store_true",
        help="opus-mt-ru-en's shape (77M parameters) instead of a tiny one",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    path = build(args.out_dir, real_size=args.real_size, seed=args.seed)
    print(path)


if __name__ == "__main__":
    main()
