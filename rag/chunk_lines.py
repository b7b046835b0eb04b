"""chunks.jsonl read line by line on demand, through a table of line offsets the build writes.

Parsing the whole chunks.jsonl took most of ``ask``'s time on a large index
(206,000 passages, 340 MB: about 4 s), while a question reads a few dozen
passages. The build writes ``chunks.offsets.npy`` beside the file: the byte
offset of every line and, first, the file's modification time and size as
written. When both still match, the file is the one the build wrote, so its
lines need no validation, and ``ChunkLines`` parses a line only when it is
asked for (then keeps it). Any other file (edited, copied without its times,
or from an index written before the table existed) is read whole and
validated, as before.
"""

from __future__ import annotations

import bisect
import itertools
import json
import mmap
import os
import threading
from pathlib import Path
from typing import Iterator, Sequence, overload

import numpy as np

from rag.documents import Chunk
from rag.errors import CorruptIndexError

OFFSETS = "chunks.offsets.npy"
_HEADER = 2  # modification time (ns) and size of chunks.jsonl when the table was written


def write_line_offsets(file: Path) -> None:
    """Write ``chunks.offsets.npy`` for ``file`` (a finished chunks.jsonl), atomically, beside it."""
    file = Path(file)
    starts = [0]
    with open(file, "rb") as lines:
        for line in lines:
            starts.append(starts[-1] + len(line))
    stat = file.stat()
    table = np.asarray([stat.st_mtime_ns, stat.st_size, *starts], dtype=np.int64)
    tmp = file.with_name(f"{OFFSETS}.tmp")
    with open(tmp, "wb") as out:
        np.save(out, table, allow_pickle=False)
    os.replace(tmp, file.with_name(OFFSETS))


def open_chunk_lines(file: Path, articles: Sequence[tuple[str, int]], rebuild: str = "",
                     digest: str | None = None) -> ChunkLines | None:
    """The lazy reader of ``file``, or None when there is no offsets table or the file changed since it was written.

    Args:
        articles: Each article's id and number of lines, in file order (the
            manifest's documents: a build writes an article's chunks together,
            in the order it lists them). Checked as lines are parsed.
        rebuild: What to tell the user to run should a line turn out unreadable.
        digest: The file's sha1 as the build recorded it. An index folder copied
            without its times (``cp -r``, many backup tools) has another mtime;
            when the size and this digest still match, the offsets are still
            right (hashing 340 MB takes about a second; parsing it whole, 18 s).
    """
    file = Path(file)
    try:
        table = np.load(file.with_name(OFFSETS), allow_pickle=False)
        stat = file.stat()
    except (OSError, ValueError, EOFError):  # EOFError: an empty table (a crash mid-write)
        return None
    if table.ndim != 1 or table.dtype != np.int64 or len(table) < _HEADER + 1:
        return None
    mtime, size, offsets = int(table[0]), int(table[1]), table[_HEADER:]
    if stat.st_size != size or int(offsets[-1]) != size:
        return None
    if stat.st_mtime_ns != mtime and (digest is None or file_sha1(file) != digest):
        return None
    articles = [(doc_id, n) for doc_id, n in articles if n]
    if sum(n for _, n in articles) != len(offsets) - 1:
        return None
    return ChunkLines(file, offsets, articles, rebuild)


def file_sha1(file: Path) -> str:
    """The sha1 of a file's bytes, read in 1 MB blocks (the digest a build records for chunks.jsonl)."""
    import hashlib

    digest = hashlib.sha1()
    with open(file, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def list_position(position: int, length: int) -> int:
    """``position`` as a list reads it (negative from the end), or IndexError: for sequences parsed on demand."""
    position = int(position)
    if position < 0:
        position += length
    if not 0 <= position < length:
        raise IndexError(position)
    return position


class ChunkLines(Sequence[Chunk]):
    """A read-only sequence of the chunks of one chunks.jsonl, parsed as they are asked for.

    The file is memory-mapped when opened, so a build that swaps a new index
    in later does not change what this reader sees (on POSIX systems).
    """

    def __init__(self, file: Path, offsets: np.ndarray, articles: list[tuple[str, int]], rebuild: str = ""):
        self.file = Path(file)
        self._offsets = offsets
        self._articles = articles
        self._first = list(itertools.accumulate((n for _, n in articles), initial=0))  # each article's first line
        self._rebuild = rebuild or "rebuild it with rag index build --rebuild"
        self._parsed: dict[int, Chunk] = {}
        self._lock = threading.Lock()
        self._map = None
        if len(offsets) > 1:
            with open(self.file, "rb") as handle:
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, position: int) -> Chunk: ...

    @overload
    def __getitem__(self, position: slice) -> list[Chunk]: ...

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        position = list_position(position, len(self))
        chunk = self._parsed.get(position)
        if chunk is None:
            chunk = self._parse(position)
            with self._lock:
                chunk = self._parsed.setdefault(position, chunk)
        return chunk

    @property
    def article_count(self) -> int:
        return len(self._articles)

    def positions_by_article(self) -> dict[str, list[int]]:
        """Each article's chunk positions, articles in file order (``rag.index.positions_by_article`` without parsing)."""
        return {doc_id: list(range(first, first + n)) for (doc_id, n), first in zip(self._articles, self._first)}

    def __iter__(self) -> Iterator[Chunk]:
        for position in range(len(self)):
            yield self[position]

    def _parse(self, position: int) -> Chunk:
        start, end = int(self._offsets[position]), int(self._offsets[position + 1])
        try:
            chunk = Chunk.from_json(json.loads(self._map[start:end]))
        except (ValueError, TypeError, KeyError):
            raise CorruptIndexError(f"line {position + 1} of {self.file} is unreadable; {self._rebuild}") from None
        expected = self._articles[bisect.bisect_right(self._first, position) - 1][0]
        if chunk.doc_id != expected:
            raise CorruptIndexError(f"line {position + 1} of {self.file} is not of the article the manifest says "
                                    f"({expected}); {self._rebuild}")
        return chunk
