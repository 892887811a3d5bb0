"""The serve scenario's raw references: the same entries and searches answered in-process, with
no HTTP, no JSON and no facet counts, by a dedicated search engine (tantivy, PyPI `tantivy`) and
by SQLite FTS5 queried directly (the peer's `entry_fts`, unicode61).

    python peer_raw.py PEER_DB QUERIES_JSON INDEX_DIR OUT_JSON

QUERIES_JSON: [[words, [[facet, value], ...], page], ...] (scenario_serve.QUERIES). For each
engine and query: every word must match (title, summary or content), the filters must hold, and
the answer is the total and the page asked for (20 hits, by bm25). Each query runs REPEATS
times (per engine) after one untimed run; the JSON holds each query's median and the mean over the mix, and
the index's build time and size. One thread: the figures are an engine's cost per search, the
floor under any server built on it.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import tantivy

REPEATS = {"tantivy": 20, "fts5": 5}  # FTS5 directly takes up to 1.5 s a search here
PAGE = 20
WORD = re.compile(r"\w+", re.UNICODE)


def build_tantivy(db: Path, folder: Path) -> tuple[tantivy.Index, float, int]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    schema = (tantivy.SchemaBuilder()
              .add_text_field("title", stored=False)
              .add_text_field("summary", stored=False)
              .add_text_field("content", stored=False)
              .add_text_field("kind", tokenizer_name="raw")
              .add_text_field("language", tokenizer_name="raw")
              .add_text_field("country", tokenizer_name="raw")
              .add_text_field("theme", tokenizer_name="raw")
              .add_integer_field("id", stored=True, indexed=True)
              .build())
    index = tantivy.Index(schema, path=str(folder))
    started = time.perf_counter()
    writer = index.writer(heap_size=256 * 1024 * 1024, num_threads=2)
    with sqlite3.connect(db) as connection:
        for row in connection.execute(
                "SELECT id, title, summary, content_text, kind, language, country, themes FROM entry"):
            themes = json.loads(row[7]) if row[7] else []
            writer.add_document(tantivy.Document(
                id=row[0], title=row[1] or "", summary=row[2] or "", content=row[3] or "",
                kind=row[4] or "", language=row[5] or "", country=row[6] or "", theme=themes))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return index, seconds, size


def tantivy_query(index: tantivy.Index, words: str, filters: list[list[str]]):
    clauses = []
    for word in WORD.findall(words.lower()):
        clauses.append("+(" + " OR ".join(f'{field}:"{word}"' for field in ("title", "summary", "content")) + ")")
    for facet, value in filters:
        clauses.append(f'+{facet}:"{value}"')
    return index.parse_query(" ".join(clauses), ["title", "summary", "content"])


def timed(run, repeats: int) -> tuple[float, object]:
    run()  # untimed
    times = []
    answer = None
    for _ in range(repeats):
        started = time.perf_counter()
        answer = run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), answer


def main() -> None:
    db, queries_path, folder, out = map(Path, sys.argv[1:5])
    queries = json.loads(queries_path.read_text())
    index, build_s, size = build_tantivy(db, folder)
    searcher = index.searcher()
    results: dict = {"tantivy": {"version": importlib.metadata.version("tantivy"), "build_s": round(build_s, 1),
                                 "index_bytes": size, "queries": []},
                     "fts5": {"version": sqlite3.sqlite_version, "queries": []}}
    for words, filters, page in queries:
        query = tantivy_query(index, words, filters)
        ms, answer = timed(lambda: searcher.search(query, limit=PAGE, offset=PAGE * (page - 1), count=True),
                           REPEATS["tantivy"])
        results["tantivy"]["queries"].append({"words": words, "filters": filters, "page": page,
                                              "ms": round(ms, 3), "total": answer.count})

    connection = sqlite3.connect(db)
    column = {"kind": "kind", "language": "language", "country": "country"}
    for words, filters, page in queries:
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in WORD.findall(words))
        where = ["entry_fts MATCH ?"]
        arguments: list = [match]
        for facet, value in filters:
            if facet == "theme":
                where.append("EXISTS (SELECT 1 FROM json_each(entry.themes) WHERE value = ?)")
            else:
                where.append(f"entry.{column[facet]} = ?")
            arguments.append(value)
        condition = " AND ".join(where)
        sql_count = f"SELECT count(*) FROM entry_fts JOIN entry ON entry.id = entry_fts.rowid WHERE {condition}"
        sql_page = (f"SELECT entry.id, snippet(entry_fts, -1, '[', ']', '…', 16) FROM entry_fts "
                    f"JOIN entry ON entry.id = entry_fts.rowid WHERE {condition} ORDER BY rank LIMIT ? OFFSET ?")

        def run():
            total = connection.execute(sql_count, arguments).fetchone()[0]
            rows = connection.execute(sql_page, arguments + [PAGE, PAGE * (page - 1)]).fetchall()
            return total, rows

        ms, answer = timed(run, REPEATS["fts5"])
        results["fts5"]["queries"].append({"words": words, "filters": filters, "page": page,
                                           "ms": round(ms, 3), "total": answer[0]})
    for engine in ("tantivy", "fts5"):
        times = [q["ms"] for q in results[engine]["queries"]]
        results[engine]["mean_ms"] = round(statistics.mean(times), 3)
        results[engine]["median_ms"] = round(statistics.median(times), 3)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
