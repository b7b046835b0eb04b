"""The facts of one index part as SQLite tables, so that a question about a place,
an organisation or a kind of money is an indexed query, not a scan in Python.

Each part of a local index (the base and every segment) holds ``facts.sqlite``
next to its ``facts.jsonl``. The build writes it from the lines it has just
written, and nothing writes it again: readers open it read-only and immutable.
Rows are the part's passage rows (the line numbers of its ``chunks.jsonl``).
Which rows are still live (a later segment may have removed an article) is
for the caller to filter.

Why SQLite: on the 68,213-article CRUD index, "which enterprise invested most
in 北京" read 206,000 passages' facts and parsed every passage into Python
objects (30 s, 1.35 GB). A query on the place column reads only the rows that
name the place.

The same tables are built in memory from a ``FactTable`` when a part has no
usable file (an index from before this file existed, or facts extracted again
because the file is from another facts version), so there is one query path.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
from pathlib import Path
from typing import Collection, Iterable, Iterator, Sequence

from rag.facts import FACTS_VERSION, MoneyFact, PassageFacts
from rag.places import Place

FACTS_DB = "facts.sqlite"
SCHEMA = "1"
# SQLite's limit on bound parameters is 32,766 since 3.32, 999 before it; stay under both.
_BATCH = 500

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE passage (row INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, subject TEXT);
CREATE TABLE mention (row INTEGER NOT NULL, organisation TEXT NOT NULL);
CREATE TABLE place (row INTEGER NOT NULL, doc_id TEXT NOT NULL, stem TEXT NOT NULL, surface TEXT NOT NULL,
                    span_start INTEGER NOT NULL, span_end INTEGER NOT NULL, level TEXT NOT NULL);
CREATE TABLE money (row INTEGER NOT NULL, doc_id TEXT NOT NULL, yuan REAL NOT NULL, currency TEXT NOT NULL,
                    surface TEXT NOT NULL, span_start INTEGER NOT NULL, span_end INTEGER NOT NULL,
                    clause_start INTEGER NOT NULL, clause_end INTEGER NOT NULL, category TEXT, year TEXT,
                    organisation TEXT);
"""
# Built after the rows are in (faster than keeping them up to date row by row).
_INDEXES = """
CREATE INDEX passage_subject ON passage(subject);
CREATE INDEX mention_organisation ON mention(organisation);
CREATE INDEX place_stem ON place(stem);
CREATE INDEX place_doc ON place(doc_id);
CREATE INDEX money_doc ON money(doc_id);
CREATE INDEX money_organisation ON money(organisation);
CREATE TABLE place_name AS SELECT stem AS name FROM place UNION SELECT surface FROM place;
"""
_MONEY_COLUMNS = ("row, yuan, currency, surface, span_start, span_end, clause_start, clause_end, category, year, "
                  "organisation")


def passage_rows(articles: Iterable[tuple[str, str | None, int]], facts_lines: Iterable[str | bytes]
                 ) -> Iterator[tuple[str, str | None, dict]]:
    """Each passage's article, subject and facts (a facts.jsonl record), from a part's articles
    (id, subject, number of passages, in file order) and its facts.jsonl lines."""
    import orjson  # a third of the time json takes on a 68,000-article index's 206,000 lines

    lines = iter(facts_lines)
    for doc_id, subject, n in articles:
        for _ in range(n):
            yield doc_id, subject, orjson.loads(next(lines))


def write_fact_db(file: Path, rows: Iterable[tuple[str, str | None, dict]]) -> None:
    """Write ``file`` (atomically: a temporary name, then renamed) from each passage's article, subject and
    facts (``PassageFacts.to_json()``)."""
    temporary = file.with_name(f".{file.name}.tmp-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    try:
        connection = sqlite3.connect(temporary)
        try:
            _fill(connection, rows)
        finally:
            connection.close()
        os.replace(temporary, file)
    except sqlite3.Error as error:  # a full disk is "database or disk is full" or "disk I/O error" here
        raise OSError(errno.EIO, str(error), str(file)) from None
    finally:
        temporary.unlink(missing_ok=True)


def _fill(connection: sqlite3.Connection, rows: Iterable[tuple[str, str | None, dict]]) -> None:
    # No journal: the file is written once under a temporary name; a crash leaves only that to discard.
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.executescript(_TABLES)
    passages, mentions, places, money = [], [], [], []
    n = 0

    def flush() -> None:
        connection.executemany("INSERT INTO passage VALUES (?, ?, ?)", passages)
        connection.executemany("INSERT INTO mention VALUES (?, ?)", mentions)
        connection.executemany("INSERT INTO place VALUES (?, ?, ?, ?, ?, ?, ?)", places)
        connection.executemany("INSERT INTO money VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", money)
        for batch in (passages, mentions, places, money):
            batch.clear()

    for row, (doc_id, subject, facts) in enumerate(rows):
        passages.append((row, doc_id, subject))
        mentions.extend((row, name) for name in dict.fromkeys(facts["organisations"]))
        places.extend((row, doc_id, p["stem"], p["surface"], p["start"], p["end"], p["level"])
                      for p in facts["places"])
        money.extend((row, doc_id, m["yuan"], m["currency"], m["surface"], m["start"], m["end"], m["clause_start"],
                      m["clause_end"], m["category"], m["year"], m["organisation"]) for m in facts["money"])
        n = row + 1
        if len(passages) >= 10_000:
            flush()
    flush()
    connection.executescript(_INDEXES)
    connection.executemany("INSERT INTO meta VALUES (?, ?)",
                           [("schema", SCHEMA), ("facts_version", FACTS_VERSION), ("rows", str(n))])
    connection.commit()


class FactDb:
    """One part's facts tables, read-only. Every method returns part rows in row order (then fact order)."""

    def __init__(self, connection: sqlite3.Connection):
        self._connection = connection
        self._lock = threading.Lock()  # the chat page asks from several threads; one connection serves them in turn

    @classmethod
    def open(cls, file: Path, n_rows: int) -> FactDb | None:
        """The facts of ``file``, or None when it is missing, unreadable, of another version or another size."""
        if not file.is_file():
            return None
        try:
            # immutable: the file never changes once written (an update writes a new part), so no locking.
            connection = sqlite3.connect(f"{Path(file).resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                         check_same_thread=False)
            meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error:
            return None
        if meta != {"schema": SCHEMA, "facts_version": FACTS_VERSION, "rows": str(n_rows)}:
            connection.close()
            return None
        return cls(connection)

    @classmethod
    def in_memory(cls, rows: Iterable[tuple[str, str | None, PassageFacts]]) -> FactDb:
        """The same tables in memory, from each passage's article, subject and facts."""
        rows = ((doc_id, subject, facts.to_json()) for doc_id, subject, facts in rows)
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(connection, rows)
        return cls(connection)

    def _query(self, sql: str, parameters: Sequence = ()) -> list[tuple]:
        try:
            with self._lock:
                return self._connection.execute(sql, parameters).fetchall()
        except sqlite3.DatabaseError as error:  # damaged after it was opened: the caller rebuilds
            raise ValueError(f"the facts table is unreadable ({error})") from None

    def _query_in(self, sql: str, values: Collection[str], parameters: Sequence = ()) -> list[tuple]:
        """``sql`` with ``IN_LIST`` standing for a list of placeholders, run over ``values`` in batches.

        ``parameters`` are bound after the list's values.
        """
        values = sorted(set(values))
        found: list[tuple] = []
        for i in range(0, len(values), _BATCH):
            batch = values[i : i + _BATCH]
            found.extend(self._query(sql.replace("IN_LIST", ", ".join("?" * len(batch))), [*batch, *parameters]))
        return found

    def place_names(self) -> set[str]:
        """Every place stem and surface form the rows name."""
        return {name for (name,) in self._query("SELECT name FROM place_name")}

    def place_names_by_row(self) -> list[tuple[int, str, str]]:
        """Each row's place stems and surface forms (for a part whose rows are not all live)."""
        return self._query("SELECT DISTINCT row, stem, surface FROM place")

    def rows_naming(self, stems: Collection[str]) -> list[tuple[int, str]]:
        """The rows (with their article) that name one of these place stems."""
        return self._query_in("SELECT DISTINCT row, doc_id FROM place WHERE stem IN (IN_LIST)", stems)

    def money(self, *, places: Collection[str] | None, organisations: Collection[str] | None,
              category: str | None) -> list[tuple[int, MoneyFact]]:
        """Sums of money, in row order: of articles naming one of ``places``, spent by ``organisations``, of ``category``."""
        if places is not None and not places or organisations is not None and not organisations:
            return []
        where, parameters = [], []
        if category is not None:
            where.append("category = ?")
            parameters.append(category)
        if places is not None:
            # An article names a place in one passage and gives the figure in another: filter by article.
            stems = sorted(set(places))
            where.append(f"doc_id IN (SELECT doc_id FROM place WHERE stem IN ({', '.join('?' * len(stems))}))")
            parameters.extend(stems)
        select = f"SELECT rowid, {_MONEY_COLUMNS} FROM money"
        if organisations is None:
            found = self._query(select + "".join(f" {'AND' if i else 'WHERE'} {w}" for i, w in enumerate(where)),
                                parameters)
        else:
            found = self._query_in(select + " WHERE organisation IN (IN_LIST)" + "".join(f" AND {w}" for w in where),
                                   organisations, parameters)
        # (row, rowid): passage order, then the order the passage states its figures.
        found.sort(key=lambda values: (values[1], values[0]))
        return [(row, _money_fact(values)) for _, row, *values in found]

    def rows_about(self, organisations: Collection[str]) -> list[int]:
        """Rows naming one of ``organisations``, or of an article whose subject is one, in row order."""
        found = self._query_in("SELECT row FROM mention WHERE organisation IN (IN_LIST)", organisations)
        found += self._query_in("SELECT row FROM passage WHERE subject IN (IN_LIST)", organisations)
        return sorted({row for (row,) in found})

    def places_in(self, doc_id: str) -> list[tuple[int, Place]]:
        """The places one article's rows name, in row order, then in the order the passage names them."""
        found = self._query("SELECT row, stem, surface, span_start, span_end, level FROM place WHERE doc_id = ? "
                            "ORDER BY row, rowid", (doc_id,))
        return [(row, Place(stem, surface, start, end, level)) for row, stem, surface, start, end, level in found]


def _money_fact(values: Sequence) -> MoneyFact:
    yuan, currency, surface, start, end, clause_start, clause_end, category, year, organisation = values
    return MoneyFact(yuan=yuan, currency=currency, surface=surface, start=start, end=end, clause_start=clause_start,
                     clause_end=clause_end, category=category, year=year, organisation=organisation)
