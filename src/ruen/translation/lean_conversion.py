"""A MarianMT checkpoint to CTranslate2 without torch, one tensor at a time: a first run in 500 MB.

Why: ctranslate2's ``TransformersConverter`` loads the model with transformers (torch and the
whole float32 model in memory, about 350 MB of imports and 300 MB of weights at opus-mt-ru-en's
size), then quantises every weight while the float32 model is still held: 860 MB at the peak,
so a 1 GB container could not make its first digest. Here each tensor is read from
``model.safetensors`` with numpy and quantised as soon as its layer is filled, so at most the
shared embedding and one layer are ever held in float32. The model specification, the
quantisation, the aliasing of equal weights and the file written are ctranslate2's own
(``TransformerSpec``, ``LayerSpec._quantize``, ``_alias_variables``, ``save``), filled as its
``MarianMTLoader`` fills them, and the result is the same ``model.bin`` byte for byte
(``tests/test_ctranslate2.py`` compares the two). A checkpoint this does not read (no
safetensors, another architecture or option) returns ``False``, and ctranslate2's own converter
does the work.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

# The activations of ctranslate2's transformers converter (_SUPPORTED_ACTIVATIONS), by name.
ACTIVATIONS = {
    "gelu": "GELU",
    "gelu_fast": "GELUTanh",
    "gelu_new": "GELUTanh",
    "gelu_python": "GELU",
    "gelu_pytorch_tanh": "GELUTanh",
    "quick_gelu": "GELUSigmoid",
    "relu": "RELU",
    "silu": "SWISH",
    "swish": "SWISH",
}


def readable(path: Path) -> bool:
    """Whether this converter reads the checkpoint at ``path`` (a post-norm MarianMT model in
    one safetensors file, as opus-mt models are saved)."""
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        (path / "model.safetensors").is_file()
        and (path / "vocab.json").is_file()
        and config.get("model_type") == "marian"
        and not config.get("normalize_before", False)
        and not config.get("normalize_embedding", False)
        and config.get("activation_function", "swish") in ACTIVATIONS
        and config.get("static_position_embeddings", True)
    )


def convert(path: Path, output: Path, quantization: str) -> bool:
    """Write the CTranslate2 model of the checkpoint at ``path`` to ``output``; ``False``
    (nothing written) where :func:`readable` says this converter does not read it."""
    if not readable(path):
        return False
    if "torch" not in sys.modules:
        # ctranslate2.specs imports torch where it can, to take torch tensors; this process
        # gives it numpy arrays only, and torch would be 200 MB of its peak.
        sys.modules["torch"] = None  # type: ignore[assignment]
    from safetensors import safe_open

    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    with safe_open(str(path / "model.safetensors"), framework="numpy") as weights:
        spec = _spec(config, _Tensors(weights), quantization)
    vocabulary = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
    tokens = [token for token, _ in sorted(vocabulary.items(), key=lambda item: item[1])]
    tokens = tokens[: config["vocab_size"]]
    if tokens[-1] == "<pad>":  # the decoder starts from a zero embedding instead
        tokens.pop()
    spec.register_source_vocabulary(tokens)
    spec.register_target_vocabulary(tokens)
    special = _special_tokens(path)
    spec.config.eos_token = special.get("eos_token", "</s>")
    spec.config.unk_token = special.get("unk_token", "<unk>")
    spec.config.decoder_start_token = spec.config.eos_token
    spec.validate()
    spec._alias_variables()  # the weights are quantised already, layer by layer
    output.mkdir(parents=True)
    spec.save(str(output))
    return True


class _Tensors:
    """The checkpoint's tensors by name, read from the file when asked for."""

    def __init__(self, weights: Any) -> None:
        self.weights = weights
        self.names = set(weights.keys())

    def __call__(self, name: str) -> np.ndarray:
        return self.weights.get_tensor(name)

    def first(self, *names: str) -> str | None:
        return next((name for name in names if name in self.names), None)


def _spec(config: dict[str, Any], tensors: _Tensors, quantization: str) -> Any:
    from ctranslate2.specs import common_spec, transformer_spec

    activation = getattr(common_spec.Activation, ACTIVATIONS[config.get("activation_function")])
    spec = transformer_spec.TransformerSpec.from_config(
        (config["encoder_layers"], config["decoder_layers"]),
        config["encoder_attention_heads"],
        pre_norm=False,
        activation=activation,
        layernorm_embedding=False,
    )

    def done(layer: Any) -> None:
        """Quantise a filled layer now, so that its float32 weights are freed."""
        layer.validate()
        layer._quantize(quantization)

    # The embedding the decoder, the encoder and the output projection share: quantised once,
    # and one object, so that ctranslate2 aliases the others to it as it does.
    shared = tensors.first("model.decoder.embed_tokens.weight", "model.shared.weight")
    if shared is None:
        raise ValueError("no token embedding in the checkpoint")
    embedding = tensors(shared)
    vocabulary = embedding.shape[0] - 1  # without <pad> (MarianMTLoader._remove_pad_weights)
    spec.decoder.embeddings.weight = embedding[:vocabulary]
    done(spec.decoder.embeddings)
    quantised = spec.decoder.embeddings.weight
    for target, name in (
        (spec.encoder.embeddings[0], "model.encoder.embed_tokens.weight"),
        (spec.decoder.projection, "lm_head.weight"),
    ):
        if name not in tensors.names or np.array_equal(tensors(name), embedding):
            target.weight = quantised  # tied: one weight (ctranslate2 aliases it on saving)
        else:
            target.weight = tensors(name)[:vocabulary]
            done(target)
    del embedding
    if "final_logits_bias" in tensors.names:
        bias = tensors("final_logits_bias").reshape(-1)
        if np.count_nonzero(bias):
            spec.decoder.projection.bias = bias[:vocabulary]
            spec.decoder.projection.validate()
            spec.decoder.projection._quantize(quantization, lambda name: name == "bias")

    scale = math.sqrt(config["d_model"]) if config.get("scale_embedding") else 1.0
    positions = _sinusoids(config["max_position_embeddings"], config["d_model"])
    for side, stack in (("encoder", spec.encoder), ("decoder", spec.decoder)):
        stack.scale_embeddings = scale
        stored = tensors.first(f"model.{side}.embed_positions.weight")
        stack.position_encodings.encodings = tensors(stored) if stored else positions
        for n, layer in enumerate(stack.layer):
            prefix = f"model.{side}.layers.{n}"
            _attention(tensors, layer.self_attention, f"{prefix}.self_attn", True)
            _norm(tensors, layer.self_attention.layer_norm, f"{prefix}.self_attn_layer_norm")
            if side == "decoder":
                _attention(tensors, layer.attention, f"{prefix}.encoder_attn", False)
                _norm(tensors, layer.attention.layer_norm, f"{prefix}.encoder_attn_layer_norm")
            _linear(tensors, layer.ffn.linear_0, f"{prefix}.fc1")
            _linear(tensors, layer.ffn.linear_1, f"{prefix}.fc2")
            _norm(tensors, layer.ffn.layer_norm, f"{prefix}.final_layer_norm")
            done(layer)
        done(stack.position_encodings)
    spec.decoder.start_from_zero_embedding = True
    return spec


def _linear(tensors: _Tensors, spec: Any, name: str) -> None:
    spec.weight = tensors(f"{name}.weight")
    if f"{name}.bias" in tensors.names:
        spec.bias = tensors(f"{name}.bias")


def _norm(tensors: _Tensors, spec: Any, name: str) -> None:
    spec.gamma = tensors(f"{name}.weight")
    spec.beta = tensors(f"{name}.bias")


def _attention(tensors: _Tensors, spec: Any, name: str, self_attention: bool) -> None:
    """Query, key and value fused as ctranslate2's BartLoader.set_attention fuses them."""
    from ctranslate2.converters.utils import fuse_linear
    from ctranslate2.specs import common_spec

    split = [common_spec.LinearSpec() for _ in range(3)]
    for part, projection in zip(split, ("q_proj", "k_proj", "v_proj")):
        _linear(tensors, part, f"{name}.{projection}")
    if self_attention:
        fuse_linear(spec.linear[0], split)
    else:
        fuse_linear(spec.linear[0], split[:1])
        fuse_linear(spec.linear[1], split[1:])
    _linear(tensors, spec.linear[-1], f"{name}.out_proj")


def _sinusoids(positions: int, dim: int) -> np.ndarray:
    """Marian's static position encodings, as transformers makes them
    (``MarianSinusoidalPositionalEmbedding.create_weight``): sines in the first half, cosines
    in the second, computed in float64 and stored in float32."""
    table = np.array(
        [
            [pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)]
            for pos in range(positions)
        ]
    )
    out = np.empty((positions, dim), dtype=np.float32)
    sentinel = dim // 2 if dim % 2 == 0 else dim // 2 + 1
    out[:, :sentinel] = np.sin(table[:, 0::2]).astype(np.float32)
    out[:, sentinel:] = np.cos(table[:, 1::2]).astype(np.float32)
    return out


def _special_tokens(path: Path) -> dict[str, str]:
    """The tokenizer's end and unknown tokens, as its config names them."""
    found: dict[str, str] = {}
    for name in ("special_tokens_map.json", "tokenizer_config.json"):
        try:
            data = json.loads((path / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for key in ("eos_token", "unk_token"):
            value = data.get(key)
            if isinstance(value, dict):
                value = value.get("content")
            if isinstance(value, str):
                found.setdefault(key, value)
    return found
