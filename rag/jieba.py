"""jieba's words and tags (rjieba), with the dictionary loaded only as far as a text needs it.

Why: ``import rjieba`` builds jieba's whole dictionary (349,045 words) before
the first cut: 0.13-0.17 s, a quarter of an ``ask`` process, which cuts and
tags a few hundred characters. How jieba-rs cuts a text depends only on the
dictionary words that occur in that text (the candidate words, their
frequencies and tags, the check that a run of single characters is a word
before the HMM splits it, search mode's sub-words) and on the sum of all
frequencies. So this module gives an empty rjieba ``Jieba`` the words that
occur in each text before cutting it, plus one word that occurs in no text
(private-use characters, never looked up) whose frequency keeps the total
equal to the full dictionary's. The words come from a lookup derived once
from jieba's ``dict.txt`` (the dictionary jieba-rs embeds) into the user's
cache folder: 64-bit hashes of the words, sorted and memory-mapped, with
their frequencies and tags; a hash that matches is checked against the word's
text, so a collision cannot add a word.

The derivation checks the result against rjieba's own dictionary on the
seed articles (every function, as written and lower-cased); if they differ,
or ``jieba`` is not installed, or the lookup cannot be read, every call goes
to rjieba with its full dictionary, as before. After ``FULL_AFTER``
characters (a build, an eval run, the chat server) the full dictionary is
cheaper than growing the small one, and calls go to rjieba too; a build
loads it at once (``load_full``). Either way the words and tags are rjieba's
(``tests/test_jieba.py`` compares them on the seed articles, the gold
questions and random text).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import mmap
import os
import shutil
import threading
from pathlib import Path

import numpy as np

# Characters cut by the small dictionary before the full one is loaded instead.
FULL_AFTER = 100_000
# The stand-in for the dictionary's other words: private-use characters, which
# jieba never looks up (it cuts them one by one, and this word has two).
_REST = "\ue000\ue001"
# The polynomial hash of a word's code points (plus one), modulo 2**64.
_MULTIPLIER = 0x100000001B3
# Bits of the bitmap of the words' beginnings (every prefix of a word, the word included), by hash.
_PREFIX_SLOTS = 1 << 24

_lock = threading.Lock()
_state: dict = {}  # "full": the rjieba module; or "small": _SmallDictionary; "fed": characters cut


def cut(text: str) -> list[str]:
    """``rjieba.cut(text)`` (with the HMM)."""
    return _engine(text).cut(text)


def cut_for_search(text: str) -> list[str]:
    """``rjieba.cut_for_search(text)`` (with the HMM)."""
    return _engine(text).cut_for_search(text)


def tag(text: str) -> list[tuple[str, str]]:
    """``rjieba.tag(text)`` (with the HMM): each word with its part of speech."""
    return _engine(text).tag(text)


def load_full() -> None:
    """Use rjieba's full dictionary from now on (a build cuts far more text than a question)."""
    with _lock:
        _use_full()


def uses_full_dictionary() -> bool:
    """Whether calls go to rjieba's full dictionary (loaded) rather than the small one."""
    return "full" in _state


def _use_full():
    import rjieba

    _state["full"] = rjieba
    _state.pop("small", None)
    return rjieba


def _engine(text: str):
    """What cuts ``text``: rjieba, or the small dictionary with ``text``'s words added."""
    full = _state.get("full")
    if full is not None:
        return full
    with _lock:
        if "full" in _state:
            return _state["full"]
        small = _state.get("small")
        if small is None:
            small = _SmallDictionary.open()
            if small is None:
                return _use_full()
            _state["small"] = small
        _state["fed"] = _state.get("fed", 0) + len(text)
        if _state["fed"] > FULL_AFTER:
            return _use_full()
        small.add_words_of(text)
        return _Locked(small.jieba)


class _Locked:
    """The small dictionary's calls, one thread at a time (another thread may be adding words)."""

    def __init__(self, jieba):
        self._jieba = jieba

    def cut(self, text: str) -> list[str]:
        with _lock:
            return self._jieba.cut(text)

    def cut_for_search(self, text: str) -> list[str]:
        with _lock:
            return self._jieba.cut_for_search(text)

    def tag(self, text: str) -> list[tuple[str, str]]:
        with _lock:
            return self._jieba.tag(text)


class _SmallDictionary:
    """An empty rjieba ``Jieba`` that is given the dictionary's words as texts need them."""

    def __init__(self, lookup: "_Lookup", jieba_class):
        self.lookup = lookup
        self.jieba = jieba_class.empty()
        self._added = np.zeros(len(lookup.hashes), dtype=bool)  # by word id
        self._added_frequency = 0
        self.jieba.add_word(_REST, lookup.total, "")

    @classmethod
    def open(cls) -> "_SmallDictionary | None":
        """The small dictionary, or None where it cannot be had (then rjieba's full one serves)."""
        try:
            jieba_class = _rjieba_class()
            lookup = _Lookup.load()
        except (OSError, ValueError, KeyError, TypeError, ImportError, RuntimeError):
            return None
        if jieba_class is None or lookup is None:
            return None
        return cls(lookup, jieba_class)

    def add_words_of(self, text: str) -> None:
        """Add every dictionary word that occurs in ``text`` (and keep the total the full dictionary's)."""
        lookup = self.lookup
        starts, lengths, word_ids = lookup.occurrences(text)
        new = ~self._added[word_ids]
        if not new.any():
            return
        word_ids, first = np.unique(word_ids[new], return_index=True)
        for start, length, word_id in zip(starts[new][first].tolist(), lengths[new][first].tolist(), word_ids.tolist()):
            word = text[start : start + length]
            if lookup.word(word_id) != word:  # a hash collision: not this word
                continue
            frequency = int(lookup.frequencies[word_id])
            self.jieba.add_word(word, frequency, lookup.tags[lookup.tag_ids[word_id]])
            self._added[word_id] = True
            self._added_frequency += frequency
        self.jieba.add_word(_REST, lookup.total - self._added_frequency, "")


def _rjieba_class():
    """rjieba's ``Jieba`` class, without importing the package (whose ``__init__`` loads the full dictionary).

    Loading the extension module on its own is what ``import rjieba`` does
    first; a later ``import rjieba`` finds the same module (PyO3 keeps it).
    """
    import sys

    if "rjieba" in sys.modules:  # loaded already: its class is the same
        return sys.modules["rjieba"].Jieba
    spec = importlib.util.find_spec("rjieba")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    libraries = sorted(folder.glob("rjieba*.so")) + sorted(folder.glob("rjieba*.pyd"))
    if not libraries:
        return None
    extension = importlib.util.spec_from_file_location("rjieba.rjieba", libraries[0])
    if extension is None or extension.loader is None:
        return None
    module = importlib.util.module_from_spec(extension)
    extension.loader.exec_module(module)
    jieba_class = getattr(module, "Jieba", None)
    return jieba_class if jieba_class is not None and hasattr(jieba_class, "empty") else None


# ---- the lookup ------------------------------------------------------------------------------------------


def _prefix_hashes(word: str) -> list[int]:
    """The hashes of the word's first character, first two, ..., the whole word (the last)."""
    value, hashes = 0, []
    for character in word:
        value = (value * _MULTIPLIER + ord(character) + 1) & 0xFFFF_FFFF_FFFF_FFFF
        hashes.append(value)
    return hashes


def _code_points(text: str) -> np.ndarray:
    # surrogatepass: a lone surrogate must not fail here (rjieba decides what to do with it).
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.uint64) + np.uint64(1)


class _Lookup:
    """jieba's dictionary as sorted word hashes (memory-mapped) with each word's frequency, tag and text."""


    def __init__(self, folder: Path):
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if not meta.get("usable"):
            raise ValueError("the small dictionary did not match rjieba's")
        self.total = int(meta["total"])
        self.longest = int(meta["longest"])
        self.tags: list[str] = list(meta["tags"])
        self.hashes = np.load(folder / "hashes.npy", mmap_mode="r")
        self.frequencies = np.load(folder / "frequencies.npy", mmap_mode="r")
        self.tag_ids = np.load(folder / "tag_ids.npy", mmap_mode="r")
        self.starts = np.load(folder / "starts.npy", mmap_mode="r")
        self.prefix_bits = np.load(folder / "prefix_bits.npy", mmap_mode="r")
        with open(folder / "words.bin", "rb") as file:
            self._words = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        n = len(self.hashes)
        if not (len(self.frequencies) == len(self.tag_ids) == n and len(self.starts) == n + 1 and self.total > 0
                and int(self.starts[-1]) == len(self._words) and len(self.prefix_bits) == _PREFIX_SLOTS // 8 and int(self.tag_ids.max(initial=0)) < len(self.tags)):
            raise ValueError("the small dictionary's files do not fit together")

    def word(self, word_id: int) -> str:
        return self._words[int(self.starts[word_id]) : int(self.starts[word_id + 1])].decode("utf-8")

    def occurrences(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Start, length and word id of each run of ``text`` whose hash is a dictionary word's.

        The runs from one start grow a character at a time while they may
        still begin a word (the prefix bitmap says no only when none does).
        """
        code_points = _code_points(text)
        hashes, bits = self.hashes, self.prefix_bits
        last = len(hashes) - 1
        starts = np.arange(len(code_points))
        runs = code_points.copy()  # the hash of the run of ``length`` characters from each start
        found_starts, found_lengths, found_ids = [], [], []
        for length in range(1, self.longest + 1):
            slot = runs & np.uint64(_PREFIX_SLOTS - 1)
            alive = ((bits[slot >> np.uint64(3)] >> (slot & np.uint64(7)).astype(np.uint8)) & 1).astype(bool)
            starts, runs = starts[alive], runs[alive]
            if not len(starts):
                break
            at = np.minimum(np.searchsorted(hashes, runs), last)
            found = np.flatnonzero(hashes[at] == runs)
            if len(found):
                found_starts.append(starts[found])
                found_lengths.append(np.full(len(found), length))
                found_ids.append(at[found])
            room = starts + length < len(code_points)
            starts, runs = starts[room], runs[room]
            runs = runs * np.uint64(_MULTIPLIER) + code_points[starts + length]
        if not found_starts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        return np.concatenate(found_starts), np.concatenate(found_lengths), np.concatenate(found_ids)

    @classmethod
    def load(cls) -> "_Lookup | None":
        source = _dictionary_file()
        if source is None:
            return None
        from rag.places import _cache_folder

        try:
            folder = _cache_folder() / f"jieba-words-{_key(source)}"
        except RuntimeError:  # no home folder
            return None
        if not (folder / "meta.json").exists():
            _derive(source, folder)
        return cls(folder)


def _dictionary_file() -> Path | None:
    """jieba's ``dict.txt`` (the ``jieba`` package; found without importing it)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.origin:
        return None
    file = Path(spec.origin).parent / "dict.txt"
    return file if file.is_file() else None


def _key(source: Path) -> str:
    """Changes with jieba's dictionary, rjieba's library and this module's code."""
    digest = hashlib.sha1(Path(__file__).read_bytes())
    rjieba = importlib.util.find_spec("rjieba")
    files = [source]
    if rjieba is not None and rjieba.submodule_search_locations:
        files += sorted(Path(next(iter(rjieba.submodule_search_locations))).glob("rjieba*"))
    for file in files:
        status = file.stat()
        digest.update(f"{file}\0{status.st_size}\0{status.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:16]


def _read_dictionary(source: Path) -> tuple[dict[str, tuple[int, str]], int]:
    """word -> (frequency, tag), and the sum of the frequencies, as jieba-rs reads the file.

    jieba-rs counts every line's frequency in the total, a repeated word too
    (``B超`` is listed twice), and the word keeps its last line.
    """
    words: dict[str, tuple[int, str]] = {}
    total = 0
    for line in source.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if not fields:
            continue
        frequency = int(fields[1]) if len(fields) > 1 else 0
        words[fields[0]] = (frequency, fields[2] if len(fields) > 2 else "")
        total += frequency
    return words, total


def _derive(source: Path, folder: Path) -> None:
    """Write the lookup for ``source`` into ``folder`` (atomically), checked against rjieba's dictionary."""
    words, total = _read_dictionary(source)
    hashes: dict[int, list[str]] = {}
    slots = set()
    for word in words:
        prefixes = _prefix_hashes(word)
        hashes.setdefault(prefixes[-1], []).append(word)
        slots.update(h & (_PREFIX_SLOTS - 1) for h in prefixes)
    bits = np.zeros(_PREFIX_SLOTS, dtype=bool)
    bits[np.fromiter(slots, dtype=np.int64, count=len(slots))] = True
    usable = all(len(same) == 1 for same in hashes.values())  # two words with one hash: give up
    ordered = sorted(hashes)
    texts = [hashes[h][0] for h in ordered]
    tags = sorted({words[w][1] for w in texts})
    tag_index = {t: i for i, t in enumerate(tags)}
    encoded = [w.encode("utf-8") for w in texts]
    starts = np.zeros(len(encoded) + 1, dtype=np.uint32)
    np.cumsum([len(e) for e in encoded], out=starts[1:])
    temporary = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    try:
        temporary.mkdir(parents=True, exist_ok=True)
        np.save(temporary / "hashes.npy", np.array(ordered, dtype=np.uint64))
        np.save(temporary / "frequencies.npy", np.array([words[w][0] for w in texts], dtype=np.uint32))
        np.save(temporary / "tag_ids.npy", np.array([tag_index[words[w][1]] for w in texts], dtype=np.uint8))
        np.save(temporary / "starts.npy", starts)
        np.save(temporary / "prefix_bits.npy", np.packbits(bits, bitorder="little"))
        (temporary / "words.bin").write_bytes(b"".join(encoded))
        meta = {"source": str(source), "total": total, "longest": max(map(len, texts)), "tags": tags,
                "usable": usable}
        (temporary / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        if usable:
            meta["usable"] = _agrees_with_rjieba(_Lookup(temporary))
            (temporary / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, folder)  # atomic: a reader sees no folder or the whole one
    finally:
        shutil.rmtree(temporary, ignore_errors=True)  # left only when another process wrote the folder first


def _agrees_with_rjieba(lookup: _Lookup) -> bool:
    """Whether the small dictionary cuts and tags the seed articles as rjieba's full one does."""
    import rjieba

    jieba_class = _rjieba_class()
    if jieba_class is None:
        return False
    small = _SmallDictionary(lookup, jieba_class)
    articles = Path(__file__).resolve().parent / "data" / "articles"
    for file in sorted(articles.glob("*.txt")):
        text = file.read_text(encoding="utf-8")
        for variant in (text, text.lower()):
            small.add_words_of(variant)
            if (small.jieba.cut(variant) != rjieba.cut(variant) or small.jieba.tag(variant) != rjieba.tag(variant)
                    or small.jieba.cut_for_search(variant) != rjieba.cut_for_search(variant)):
                return False
    return True
