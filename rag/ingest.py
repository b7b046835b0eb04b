"""Loading a corpus: files or JSONL records into cleaned ``Document``s.

A corpus is a directory of ``.txt``/``.md``/``.html`` files (the document id is
the path relative to the directory: the file name for a flat folder) or a
``.jsonl``/``.jsonl.gz`` file of ``{"id", "date", "text"}`` records.

Loading is a stream, so a 68,000-article corpus never sits in memory twice, and
a file that cannot be read becomes a ``LoadProblem`` instead of stopping the run.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import hashlib
import json
import os
import re
import stat
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator


from rag.clean import clean, normalise
from rag.documents import Document
from rag.errors import UserError

TEXT_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
MAX_FILE_BYTES = 20_000_000
REPAIRED_NOTE = "UTF-8 text that had been read as Latin-1 and saved again (æµ‹è¯•…); repaired"


@dataclass(frozen=True)
class RawArticle:
    """An article as read, before cleaning."""

    id: str
    raw: str
    date: str | None = None
    title: str | None = None
    note: str | None = None  # what loading repaired, for the user (the article is indexed)
    stat: tuple[int, int] | None = None  # a file's size and modification time (ns) when it was read

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.raw.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class LoadProblem:
    """A file or record that was skipped, and why (one line for the user)."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.source}: {self.reason}"


@dataclass(frozen=True)
class UnchangedFile:
    """A file of a folder corpus that was not read: its size and modification time are those the index recorded."""

    id: str


def missing_corpus(path: Path) -> UserError:
    """The error for a ``--corpus`` that does not exist; a link loop or a link to nothing says so."""
    if os.path.islink(path):
        why = "is a link loop" if _is_link_loop(Path(path)) else f"is a link to {os.readlink(path)}, which does not exist"
        return UserError(f"the corpus {path} {why}; give the folder or .jsonl(.gz) file itself")
    return UserError(f"corpus not found: {path} (give a folder of .txt/.md/.html files or a .jsonl(.gz) file)")


def _is_link_loop(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except RuntimeError:
        return True
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def iter_corpus(path: Path, unchanged: Callable[[str, tuple[int, int]], bool] | None = None
                ) -> Iterator[RawArticle | LoadProblem | UnchangedFile]:
    """Yield every article of a corpus, and a ``LoadProblem`` for each unreadable one.

    Args:
        unchanged: For a folder corpus: (document id, (size, mtime_ns)) -> True when
            the file is known as it is; it is then not read, and an ``UnchangedFile``
            is yielded instead of its article.

    Raises:
        UserError: The path does not exist or is not a corpus.
    """
    path = Path(path)
    if not path.exists():
        raise missing_corpus(path)
    if path.is_dir():
        yield from _iter_directory(path, unchanged)
    elif path.name.lower().endswith((".jsonl", ".jsonl.gz")):  # CORPUS.JSONL too, as a folder's A.TXT is read
        yield from _iter_jsonl(path)
    elif path.suffix.lower() in TEXT_SUFFIXES:
        item = _read_file(path, path.name)
        yield item
    else:
        raise UserError(f"unsupported corpus {path}: give a folder, a .jsonl(.gz) file or a .txt/.md/.html file")


def corpus_files(root: Path) -> list[Path]:
    """The article files of a directory corpus, in a stable order (see ``corpus_entries``)."""
    return [entry for entry in corpus_entries(root) if isinstance(entry, Path)]


def corpus_entries(root: Path) -> list[Path | LoadProblem]:
    """The article files of a directory corpus and a ``LoadProblem`` for each thing that cannot be one.

    README files describe a folder rather than belong to it, and hidden files are
    editor or system debris, so both are left out without a word. Everything else
    that is not a readable regular file is named: folders that cannot be listed
    (no permission, past the path limit), links to folders (not followed, so a
    link loop cannot recurse), links to nothing, pipes and devices (reading a pipe
    would wait forever), and names that are not valid text.
    """
    root = Path(root)
    found: list[tuple[tuple[str, ...], Path | LoadProblem]] = []

    def problem(path: Path, reason: str) -> None:
        rel = Path(os.path.relpath(path, root))
        found.append((rel.parts, LoadProblem(printable_name(rel.as_posix()), reason)))

    def unreadable_folder(error: OSError) -> None:
        problem(Path(error.filename or root), f"folder cannot be read ({error.strerror or error})")

    for folder, subfolders, names in os.walk(root, onerror=unreadable_folder, followlinks=False):
        here = Path(folder)
        for name in list(subfolders):
            try:
                hidden_or_link = name.startswith(".") or (here / name).is_symlink()
            except OSError as error:  # e.g. past the path limit
                subfolders.remove(name)
                problem(here / name, f"folder cannot be read ({error.strerror or error})")
                continue
            if hidden_or_link:
                subfolders.remove(name)
                if not name.startswith("."):
                    problem(here / name, "a link to a folder; links to folders are not followed (move or copy the folder in)")
        subfolders.sort()
        for name in names:
            path = here / name
            if _passed_over(name):
                continue
            if not _valid_name(name):
                problem(path, "the file name is not valid UTF-8; rename the file")
                continue
            try:
                mode = path.stat().st_mode  # follows a link to a file
            except OSError as error:
                reason = "a link loop" if error.errno == errno.ELOOP else (
                    "a link to nothing" if os.path.islink(path) else f"cannot be read ({error.strerror or error})")
                problem(path, reason)
                continue
            if not stat.S_ISREG(mode):
                problem(path, "not a regular file (a pipe, socket or device)")
                continue
            found.append((path.relative_to(root).parts, path))
    found.sort(key=lambda item: item[0])
    return [entry for _, entry in found]


def why_not_indexed(file: Path) -> str | None:
    """Why a file put into a folder corpus would give no article (skipped, or no text), or None when it gives one.

    The corpus reader's own rules, asked of one file: the chat page refuses an
    upload with this reason rather than reporting it added and indexing nothing.
    """
    file = Path(file)
    if file.suffix.lower() not in TEXT_SUFFIXES:
        return "not a .txt, .md or .html file"
    if _passed_over(file.name):
        return "hidden files and READMEs are not indexed; rename it"
    if not _valid_name(file.name):
        return "the file name is not valid UTF-8; rename it"
    article = _read_file(file, file.name)
    if isinstance(article, LoadProblem):
        return article.reason
    if not to_document(article).text.strip():
        return "no text to index (empty, or only what a browser does not show)"
    return None


def _passed_over(name: str) -> bool:
    """A file the corpus reader skips without a word: hidden, or a README (a folder's notes, not an article)."""
    return name.startswith(".") or Path(name).stem.lower() == "readme"


def _valid_name(name: str) -> bool:
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:  # bytes that did not decode arrive as lone surrogates
        return False


def printable_name(name: str) -> str:
    """A file name safe to print: undecodable bytes as \\xNN, control characters escaped."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in name)


def _iter_directory(root: Path, unchanged=None) -> Iterator[RawArticle | LoadProblem | UnchangedFile]:
    for entry in corpus_entries(root):
        if isinstance(entry, LoadProblem):
            yield entry
            continue
        doc_id = entry.relative_to(root).as_posix()
        if entry.suffix.lower() not in TEXT_SUFFIXES:
            yield LoadProblem(printable_name(doc_id), f"unsupported file type {entry.suffix or '(none)'}; use .txt, .md or .html")
            continue
        if unchanged is not None:
            try:
                status = entry.stat()
            except OSError:
                pass  # reading it will say why
            else:
                if unchanged(doc_id, (status.st_size, status.st_mtime_ns)):
                    yield UnchangedFile(doc_id)
                    continue
        yield _read_file(entry, doc_id)


def _read_file(file: Path, doc_id: str) -> RawArticle | LoadProblem:
    try:
        status = file.stat()  # before reading: a file changed after it is read again next time
        size = status.st_size
        if size > MAX_FILE_BYTES:
            return LoadProblem(doc_id, f"larger than {MAX_FILE_BYTES // 1_000_000} MB; split it into articles")
        data = file.read_bytes()
    except OSError as exc:
        return LoadProblem(doc_id, f"cannot be read ({exc.strerror or exc})")
    try:
        text = decode_bytes(data)
    except ValueError as exc:
        return LoadProblem(doc_id, str(exc))
    text, repaired = repair_double_encoding(text)
    note = REPAIRED_NOTE if repaired else None
    kind = TEXT_SUFFIXES[file.suffix.lower()]
    stamp = (status.st_size, status.st_mtime_ns)
    if kind == "html":
        text, title = html_to_text(text)
        return RawArticle(doc_id, text, title=title, note=note, stat=stamp)
    if kind == "markdown":
        heading = re.search(r"^#{1,6}\s+(.+)$", text, re.MULTILINE)
        return RawArticle(doc_id, text, title=heading.group(1).strip() if heading else None, note=note, stat=stamp)
    return RawArticle(doc_id, text, note=note, stat=stamp)


@lru_cache(maxsize=1)
def _record_model():
    """The pydantic model of one JSONL article (built on first use: ``ask`` on a built index never needs it).

    A record with other field types is reported and skipped.
    """
    from pydantic import BaseModel, ConfigDict

    class _Record(BaseModel):
        model_config = ConfigDict(strict=True, extra="ignore")

        id: str | int
        text: str
        date: str | None = None
        title: str | None = None

    return _Record


def _iter_jsonl(path: Path) -> Iterator[RawArticle | LoadProblem]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    number = 0
    try:
        with opener(path, "rb") as lines:
            for number, data in enumerate(lines, 1):
                if number == 1:
                    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                        raise UserError(f"{path} is UTF-16 text; save it as UTF-8 (one JSON object a line)")
                    data = data.removeprefix(codecs.BOM_UTF8)  # Notepad's UTF-8 opens with a BOM
                if not data.strip():
                    continue
                where = f"{path.name}:{number}"
                try:
                    record = json.loads(data.decode("utf-8"))
                except UnicodeDecodeError:
                    yield LoadProblem(where, "not UTF-8 text; save the file as UTF-8")
                    continue
                except json.JSONDecodeError:
                    yield LoadProblem(where, "not a JSON object")
                    continue
                if not isinstance(record, dict) or "id" not in record or "text" not in record:
                    yield LoadProblem(where, 'needs "id" and "text" fields')
                    continue
                from pydantic import ValidationError

                try:
                    article = _record_model().model_validate(record)
                except ValidationError as error:
                    wrong = error.errors()[0]
                    field_name = ".".join(str(part) for part in wrong["loc"][:1])
                    yield LoadProblem(where, f'field "{field_name}" must be {_EXPECTED.get(field_name, "text")}')
                    continue
                # JSON can spell lone surrogates ("\\udcff"), which no file can hold: one U+FFFD each.
                text, repaired = repair_double_encoding(_LONE_SURROGATE.sub("\ufffd", article.text))
                yield RawArticle(_LONE_SURROGATE.sub("\ufffd", str(article.id)), text,
                                 title=_LONE_SURROGATE.sub("\ufffd", article.title) if article.title else None,
                                 date=_iso_date(article.date) if article.date else None,
                                 note=REPAIRED_NOTE if repaired else None)
    except (OSError, EOFError, zlib.error) as exc:
        if number:  # read up to a damaged or truncated end: keep what was read
            yield LoadProblem(f"{path.name}:{number + 1}", f"the file is damaged or cut off from here ({exc})")
            return
        raise UserError(f"cannot read {path}: {exc}; check that it is UTF-8 JSONL (gzip for .gz)") from None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_EXPECTED = {"id": "text or a whole number", "text": "text", "date": "text (YYYY-MM-DD) or null",
             "title": "text or null"}


# --- encodings --------------------------------------------------------------

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_bytes(data: bytes) -> str:
    """Decode an article: UTF-8 (with or without BOM), UTF-16, GB18030/GBK or Big5.

    Raises:
        ValueError: The bytes are binary or in no encoding that fits.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    if b"\x00" in data[:4096]:
        # UTF-16 without a BOM: try both byte orders and keep the one that reads
        # as text; anything else with zero bytes is binary.
        readable = []
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            readable.append((_plausible_share(text), text))
        if readable and max(readable)[0] > 0.9:
            return max(readable)[1]
        try:  # UTF-8 text with a few stray zero bytes (a damaged export): the check below counts them
            return _check_text(data.decode("utf-8"))
        except UnicodeDecodeError:
            raise ValueError("looks like a binary file, not text") from None
    try:
        return _check_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    fits = []
    for encoding in ("gb18030", "big5"):
        try:
            fits.append((encoding, data.decode(encoding)))
        except UnicodeDecodeError:
            continue
    if len(fits) == 1:
        return _check_text(fits[0][1])
    if len(fits) == 2:
        # GBK and Big5 byte ranges overlap, so both often decode; the wrong one
        # yields rare characters. Prefer the reading with more common characters.
        return _check_text(max(fits, key=lambda fit: _common_char_share(fit[1]))[1])
    raise ValueError("unknown text encoding; save it as UTF-8")


# UTF-8 bytes read as Latin-1 or Windows-1252 ("æµ‹è¯•" for 测试): a lead byte
# of a 2-4 byte sequence (Ã‚-ô) followed by a continuation byte (\x80-\xbf or
# its cp1252 letter). Cheap to look for; ftfy only reads texts that have it.
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                            "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


def repair_double_encoding(text: str) -> tuple[str, bool]:
    """Undo UTF-8 text that was decoded as Latin-1/cp1252 and saved again; (text, repaired)."""
    if not _MOJIBAKE_HINT.search(text):
        return text, False
    import ftfy  # lazy: only texts that look double-encoded

    fixed = ftfy.fix_encoding(text)
    return fixed, fixed != text


def _plausible_share(text: str) -> float:
    sample = text[:2048]
    if not sample:
        return 0.0
    good = sum(1 for ch in sample if ch.isprintable() or ch in "\n\r\t")
    cjk_or_ascii = sum(1 for ch in sample if ch < "\x7f" or "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return min(good, cjk_or_ascii) / len(sample)


def _check_text(text: str) -> str:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if sample and controls > 0.02 * len(sample):
        raise ValueError("looks like a binary file, not text")
    return text


def _common_char_share(text: str) -> float:
    sample = text[:4096]
    hanzi = [ch for ch in sample if "\u4e00" <= ch <= "\u9fff"]
    if not hanzi:
        return 0.0
    # Characters in GB2312 level 1 (0xB0A1–0xD7F9) are the 3,755 most common
    # simplified characters; with OpenCC-simplified text that covers both scripts.
    common = 0
    simplified = normalise("".join(hanzi))
    for ch in simplified:
        try:
            code = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if len(code) == 2 and 0xB0 <= code[0] <= 0xD7:
            common += 1
    return common / len(hanzi)


# --- HTML ------------------------------------------------------------------


def html_to_text(html: str) -> tuple[str, str | None]:
    """Visible article text of an HTML page, one block a line, and its title."""
    from bs4 import BeautifulSoup  # lazy: only HTML corpora need it

    soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.find("h1") or soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else None
    for tag in soup(["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe",
                     "svg"]):
        tag.decompose()
    # Text a browser does not show must not be indexed (it could outrank what the page says).
    for tag in soup.find_all(True):
        if not tag.decomposed and _hidden(tag):
            tag.decompose()
    body = soup.body or soup
    text = body.get_text("\n")
    text = re.sub(r"[ \t\r\f\v]*\n\s*", "\n", text).strip()
    return text, title or None


def _hidden(tag) -> bool:
    style = re.sub(r"\s+", "", str(tag.get("style") or "")).lower()
    return (tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true"
            or "display:none" in style or "visibility:hidden" in style)


# --- title and date ---------------------------------------------------------

_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})")
_LABELLED_DATE = re.compile(r"(?:发布时间|发布日期|发表时间|日期|时间)\s*[:：]?\s*" + _DATE.pattern)
_DATE_LINE = re.compile(r"^\s*" + _DATE.pattern + r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$", re.MULTILINE)


def _iso_date(text: str) -> str | None:
    match = _DATE.search(text)
    if not match:
        return None
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def find_date(text: str) -> str | None:
    """The article's publication date, from a labelled or stand-alone date near the top."""
    head = text[:800]
    for pattern in (_LABELLED_DATE, _DATE_LINE):
        match = pattern.search(head)
        if match:
            return _iso_date(match.group())
    return None


def find_title(text: str, fallback: str) -> str:
    """The first line that reads like a headline (not a site name, date or counter).

    An article that opens straight into its body gets its first clause instead.
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for line in lines[:3]:
        if (6 <= len(line) <= 80 and not line.endswith("。") and not _DATE_LINE.match(line)
                and not line.startswith(("摘要", "编者按"))):
            return line
    if lines:
        first = re.split(r"[。！？!?；;]", lines[0])[0]
        return first if len(first) <= 40 else first[:40] + "…"
    return fallback


def to_document(article: RawArticle) -> Document:
    """Clean an article and take its title and date."""
    cleaned = clean(article.raw)
    title = normalise(article.title) if article.title else find_title(cleaned.text, article.id)
    return Document(
        id=article.id,
        raw=article.raw,
        text=cleaned.text,
        offsets=cleaned.offsets,
        title=title,
        date=article.date or find_date(cleaned.text),
        content_hash=article.content_hash,
    )


def load_corpus(path: Path) -> tuple[list[Document], list[LoadProblem]]:
    """Load and clean a whole corpus (small corpora; the index streams instead)."""
    documents: list[Document] = []
    problems: list[LoadProblem] = []
    for item in iter_corpus(path):
        if isinstance(item, LoadProblem):
            problems.append(item)
        else:
            documents.append(to_document(item))
    return documents, problems
