"""Compiled regular expressions kept between runs, as Python keeps compiled modules.

Why: an ``ask`` process compiled about 160 regular expressions (the answerer's,
the cleaner's, cn2an's, the organisation alternations): 80-150 ms of a
0.6 s process. Most of it is character classes over the CJK ranges
(``[\\u4e00-\\u9fff]``): Python's compiler walks every character of a range
to build its bitmap, 1-10 ms each. The compiled form is a list of integers
(the regular expression engine's code), which ``_sre.compile`` turns back
into a pattern object in microseconds.

``load()`` puts the patterns that earlier runs kept into ``re``'s own cache
(newest first, as many as it holds), so that ``re.compile``, ``re.search``
and the rest find them there. ``kept()`` wraps one ``ask``: the patterns
compiled inside it are added to the file when compiling them took more than
``WRITE_AFTER`` (the first run, or one after an upgrade), each unless it
compiled in next to no time (``QUICK``: the few built from a question's
words), and the file keeps the newest ``MAX_PATTERNS``. Only an ``ask``
writes: a test session or an eval run compiles patterns of its own.

This leans on CPython's internals (``re._cache``, ``re._parser``,
``re._compiler._code``, ``_sre.compile``), which change between versions:
the file is keyed by the interpreter's version and the engine's magic
number, and anything unexpected (another Python, a damaged file, an entry
``_sre`` refuses) only means that Python compiles the patterns itself, as
before. A pattern object made from the kept code is the one ``re.compile``
makes: ``tests/test_regex_cache.py`` checks the code and the matches.
"""

from __future__ import annotations

import array
import binascii
import json
import os
import re
import sys
import time
from contextlib import contextmanager
from pathlib import Path

WRITE_AFTER = 0.002  # CPU seconds of new patterns' compiling that make an `ask` write the file
QUICK = 0.0001  # a pattern that compiles faster than this is not kept (once the file has entries)
MAX_PATTERNS = 400  # the oldest are dropped beyond this (re's cache holds 512)

_kept: dict[tuple[str, int], list] = {}  # (pattern, flags) -> its entry, as loaded or added


def _supported() -> bool:
    try:
        import _sre

        from re import _compiler, _parser  # noqa: F401  (3.11+)
    except ImportError:
        return False
    return (isinstance(getattr(re, "_cache", None), dict) and hasattr(_compiler, "_code") and hasattr(_sre, "MAGIC")
            and getattr(_sre, "CODESIZE", 0) == array.array("I").itemsize == 4)


def _file() -> Path | None:
    import _sre

    # The folder of rag.places' lookups (not imported from there: its own patterns would compile first).
    home = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
    try:
        folder = Path(home or Path.home() / ".cache") / "zh-article-qa" / "lookups"
    except RuntimeError:  # no home folder
        return None
    version = sys.version_info
    tag = f"{sys.implementation.cache_tag}-{version.releaselevel}{version.micro}-{_sre.MAGIC}-{sys.byteorder}"
    return folder / f"regex-2-{tag}.json"


def load() -> int:
    """Put the kept patterns into ``re``'s cache, the newest first while it has room; returns how many were put."""
    if not _supported():
        return 0
    file = _file()
    if file is None:
        return 0
    try:
        entries = json.loads(file.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return 0
    if not isinstance(entries, list):
        return 0
    put = 0
    room = getattr(re, "_MAXCACHE", 512) - len(re._cache)
    for entry in reversed(entries[-MAX_PATTERNS:]):
        if put >= room:
            break
        try:
            compiled = _pattern(entry)
        except (ValueError, TypeError, RuntimeError, OverflowError):  # damaged or not this engine's code
            continue
        pattern, flags = entry[0], entry[1]
        _kept[pattern, flags] = entry
        if (str, pattern, flags) not in re._cache:
            re._cache[str, pattern, flags] = compiled
            put += 1
    # Oldest first again, as the file keeps them.
    for key in list(_kept)[::-1]:
        _kept[key] = _kept.pop(key)
    return put


@contextmanager
def kept():
    """Keep the patterns compiled inside the ``with`` block (one ``ask``), at its end, as ``save`` says."""
    before = set(re._cache) if _supported() else set()
    try:
        yield
    finally:
        save(before)


def _pattern(entry) -> re.Pattern:
    """The pattern object of an entry: [pattern, flags, its final flags, code, groups, group index, index group]."""
    import _sre

    pattern, flags, final_flags, code, groups, groupindex, indexgroup = entry
    if not (isinstance(pattern, str) and isinstance(code, str) and isinstance(groupindex, dict)
            and isinstance(indexgroup, list) and type(flags) is int and type(final_flags) is int
            and type(groups) is int):
        raise TypeError("not an entry")
    return _sre.compile(pattern, final_flags, _unpack(code), groups, groupindex, tuple(indexgroup))


def _pack(code: list[int]) -> str:
    """The engine's code (32-bit words) as base64: JSON parses it far faster than a list of numbers."""
    return binascii.b2a_base64(array.array("I", code).tobytes(), newline=False).decode("ascii")


def _unpack(text: str) -> list[int]:
    try:
        return array.array("I", binascii.a2b_base64(text, strict_mode=True)).tolist()
    except binascii.Error as error:
        raise ValueError(f"not base64: {error}") from None


def entry_of(pattern: str, flags: int) -> list:
    """What ``re._compiler.compile`` computes for ``pattern``, as a JSON-ready entry."""
    from re import _compiler, _parser

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return [pattern, flags, flags | parsed.state.flags, _pack(code), parsed.state.groups - 1, groupindex, indexgroup]


def save(before: set) -> None:
    """Add the patterns compiled since ``before`` (keys of ``re._cache``) to the file, atomically.

    Nothing is written unless compiling them took more than ``WRITE_AFTER``.
    """
    if not _supported():
        return
    try:
        file = _file()
        if file is None:
            return
        first = not _kept  # no file yet: keep every pattern of this run
        new, spent = [], 0.0
        for kind, pattern, flags in list(re._cache):
            if kind is not str or not isinstance(flags, int) or (kind, pattern, flags) in before \
                    or (pattern, flags) in _kept:
                continue
            started = time.thread_time()
            entry = entry_of(pattern, flags)
            took = time.thread_time() - started  # about what compiling it took (CPU time: load does not count)
            if first or took >= QUICK:
                new.append(entry)
                spent += took
        if spent < WRITE_AFTER:
            return
        for entry in new:
            _kept[entry[0], entry[1]] = entry
        entries = list(_kept.values())[-MAX_PATTERNS:]
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f"{file.name}.tmp-{os.getpid()}")
        try:
            # ASCII escapes: a pattern may hold lone surrogates (character classes over their range).
            tmp.write_text(json.dumps(entries), encoding="ascii")
            os.replace(tmp, file)  # atomic: a reader sees the old file or the whole new one
        finally:
            tmp.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 -- a cache that cannot be written must not turn into an error
        pass
