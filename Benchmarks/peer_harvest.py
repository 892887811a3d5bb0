#!/usr/bin/env python3
"""The harvest benchmark's peer: a feed harvester written the conventional way in Python.

    peer_harvest.py --registry registry.opml --db peer.sqlite [--workers 16]

The same job as `drom harvest`, with the usual parts: the OPML registry read with ElementTree;
a thread pool of 16 fetching with `requests` (one keep-alive session per thread), sending back
the ETag and Last-Modified remembered in the database (If-None-Match / If-Modified-Since), and
skipping a body whose SHA-256 equals the last one; `feedparser` (PyPI) parsing and sanitising
each feed in the worker; the main thread writing each feed into SQLite (Python's sqlite3, WAL)
in one transaction: entries upserted by (source, entry id) and written only when changed,
entries no longer listed deleted, a harvest record per source, and an external-content FTS5
index (unicode61, remove_diacritics 2) over title, summary and the content's text, kept in step
by triggers.

Its last line has the shape of drom's, so the benchmark checks both alike:
    harvested 400 sources into D: 20000 added, 0 changed, 0 deleted, 0 unchanged; 0 sources not modified, 0 failed

Needs feedparser and requests (the benchmark installs them into Benchmarks/data/venv).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import re
import sqlite3
import sys
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

import feedparser
import requests

USER_AGENT = "peer_harvest/1.0 (Drom benchmark peer; feedparser)"
DROM_NS = "https://w3id.org/drom/ns#"

SCHEMA = """
CREATE TABLE IF NOT EXISTS source (
  id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, title TEXT, language TEXT, city TEXT,
  country TEXT, etag TEXT, last_modified TEXT, body_hash TEXT, last_status INTEGER,
  last_attempt TEXT, last_success TEXT, failures INTEGER NOT NULL DEFAULT 0, feed_title TEXT);
CREATE TABLE IF NOT EXISTS entry (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  entry_id TEXT NOT NULL, kind TEXT, language TEXT, title TEXT NOT NULL, summary TEXT,
  content_html TEXT, content_text TEXT, link TEXT, published TEXT, updated TEXT,
  categories TEXT, places TEXT, data_hash TEXT NOT NULL, first_seen TEXT NOT NULL,
  last_changed TEXT NOT NULL, UNIQUE (source_id, entry_id));
CREATE VIRTUAL TABLE IF NOT EXISTS entry_fts USING fts5(
  title, summary, content_text, content='entry', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS entry_ai AFTER INSERT ON entry BEGIN
  INSERT INTO entry_fts(rowid, title, summary, content_text)
  VALUES (new.id, new.title, new.summary, new.content_text);
END;
CREATE TRIGGER IF NOT EXISTS entry_ad AFTER DELETE ON entry BEGIN
  INSERT INTO entry_fts(entry_fts, rowid, title, summary, content_text)
  VALUES ('delete', old.id, old.title, old.summary, old.content_text);
END;
CREATE TRIGGER IF NOT EXISTS entry_au AFTER UPDATE ON entry BEGIN
  INSERT INTO entry_fts(entry_fts, rowid, title, summary, content_text)
  VALUES ('delete', old.id, old.title, old.summary, old.content_text);
  INSERT INTO entry_fts(rowid, title, summary, content_text)
  VALUES (new.id, new.title, new.summary, new.content_text);
END;
CREATE TABLE IF NOT EXISTS harvest (
  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  started TEXT NOT NULL, finished TEXT NOT NULL, outcome TEXT NOT NULL, status INTEGER,
  bytes INTEGER NOT NULL DEFAULT 0, added INTEGER NOT NULL DEFAULT 0,
  changed INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0, message TEXT);
CREATE INDEX IF NOT EXISTS harvest_source ON harvest(source_id, started);
"""

TAG = re.compile(r"<[^>]+>")


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def plain(markup: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", markup or "")).split())


def read_registry(path: str) -> list[dict]:
    sources = []
    for _, node in ET.iterparse(path):
        if node.tag == "outline" and node.get("xmlUrl"):
            sources.append({
                "url": node.get("xmlUrl").strip(), "title": node.get("title") or node.get("text"),
                "language": node.get("language"), "city": node.get(f"{{{DROM_NS}}}city"),
                "country": node.get(f"{{{DROM_NS}}}country"),
            })
    return sources


_local = threading.local()


def session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
        _local.session.headers["User-Agent"] = USER_AGENT
    return _local.session


def normalise(item) -> dict:
    content = item.get("content") or []
    content_html = content[0].get("value", "") if content else ""
    places = item.get("dcterms_spatial")
    return {
        "entry_id": item.get("id") or item.get("link") or item.get("title", ""),
        "kind": (item.get("dcterms_type") or "").rsplit("/", 1)[-1] or "practice",
        "language": (item.get("title_detail") or {}).get("language"),
        "title": item.get("title", ""),
        "summary": plain(item.get("summary", "")),
        "content_html": content_html,
        "content_text": plain(content_html),
        "link": item.get("link"),
        "published": item.get("published"),
        "updated": item.get("updated"),
        "categories": json.dumps([{k: t.get(k) for k in ("term", "scheme", "label")}
                                  for t in item.get("tags", [])], ensure_ascii=False),
        "places": json.dumps(places if isinstance(places, (dict, list)) else places or None,
                             ensure_ascii=False),
    }


def fetch(source: dict) -> dict:
    """In a worker: conditional GET, then feedparser on a new body."""
    result = {"source": source, "started": now(), "status": None, "bytes": 0}
    headers = {}
    if source["etag"]:
        headers["If-None-Match"] = source["etag"]
    if source["last_modified"]:
        headers["If-Modified-Since"] = source["last_modified"]
    try:
        response = session().get(source["url"], headers=headers, timeout=(10, 60))
    except requests.RequestException as error:
        return {**result, "outcome": "failed", "message": str(error)}
    result.update(status=response.status_code, etag=response.headers.get("ETag"),
                  last_modified=response.headers.get("Last-Modified"))
    if response.status_code == 304:
        return {**result, "outcome": "not-modified"}
    if response.status_code != 200:
        return {**result, "outcome": "failed", "message": f"HTTP {response.status_code}"}
    body = response.content
    digest = hashlib.sha256(body).hexdigest()
    result.update(bytes=len(body), body_hash=digest)
    if digest == source["body_hash"]:
        return {**result, "outcome": "not-modified"}
    parsed = feedparser.parse(body, response_headers={
        "content-location": source["url"],
        "content-type": response.headers.get("Content-Type", "application/atom+xml")})
    if parsed.bozo and not parsed.entries:
        return {**result, "outcome": "rejected", "message": str(parsed.get("bozo_exception"))}
    entries = [normalise(item) for item in parsed.entries]
    return {**result, "outcome": "updated", "entries": entries,
            "feed_title": parsed.feed.get("title")}


def store(db: sqlite3.Connection, result: dict, counts: dict) -> None:
    """In the main thread: one transaction per source."""
    source = result["source"]
    finished = now()
    added = changed = deleted = unchanged = 0
    db.execute("BEGIN IMMEDIATE")
    try:
        if result["outcome"] == "updated":
            seen = set()
            for e in result["entries"]:
                if e["entry_id"] in seen:
                    continue
                seen.add(e["entry_id"])
                data_hash = hashlib.sha256(json.dumps(e, sort_keys=True).encode()).hexdigest()
                row = db.execute("SELECT id, data_hash FROM entry WHERE source_id = ? AND entry_id = ?",
                                 (source["id"], e["entry_id"])).fetchone()
                if row is None:
                    db.execute(
                        "INSERT INTO entry (source_id, entry_id, kind, language, title, summary, content_html,"
                        " content_text, link, published, updated, categories, places, data_hash, first_seen,"
                        " last_changed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (source["id"], e["entry_id"], e["kind"], e["language"], e["title"], e["summary"],
                         e["content_html"], e["content_text"], e["link"], e["published"], e["updated"],
                         e["categories"], e["places"], data_hash, finished, finished))
                    added += 1
                elif row[1] != data_hash:
                    db.execute(
                        "UPDATE entry SET kind=?, language=?, title=?, summary=?, content_html=?, content_text=?,"
                        " link=?, published=?, updated=?, categories=?, places=?, data_hash=?, last_changed=?"
                        " WHERE id=?",
                        (e["kind"], e["language"], e["title"], e["summary"], e["content_html"],
                         e["content_text"], e["link"], e["published"], e["updated"], e["categories"],
                         e["places"], data_hash, finished, row[0]))
                    changed += 1
                else:
                    unchanged += 1
            for entry_row_id, entry_id in db.execute(
                    "SELECT id, entry_id FROM entry WHERE source_id = ?", (source["id"],)).fetchall():
                if entry_id not in seen:
                    db.execute("DELETE FROM entry WHERE id = ?", (entry_row_id,))
                    deleted += 1
        ok = result["outcome"] in ("updated", "not-modified")
        db.execute(
            "UPDATE source SET etag = coalesce(?, etag), last_modified = coalesce(?, last_modified),"
            " body_hash = coalesce(?, body_hash), last_status = ?, last_attempt = ?,"
            " last_success = CASE WHEN ? THEN ? ELSE last_success END,"
            " failures = CASE WHEN ? THEN 0 ELSE failures + 1 END,"
            " feed_title = coalesce(?, feed_title) WHERE id = ?",
            (result.get("etag") if ok else None, result.get("last_modified") if ok else None,
             result.get("body_hash") if result["outcome"] == "updated" else None, result["status"],
             finished, ok, finished, ok, result.get("feed_title"), source["id"]))
        db.execute(
            "INSERT INTO harvest (source_id, started, finished, outcome, status, bytes, added, changed,"
            " deleted, unchanged, message) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (source["id"], result["started"], finished, result["outcome"], result["status"],
             result["bytes"], added, changed, deleted, unchanged, result.get("message")))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    counts["added"] += added
    counts["changed"] += changed
    counts["deleted"] += deleted
    counts["unchanged"] += unchanged
    if result["outcome"] == "not-modified":
        counts["not_modified"] += 1
    if not ok:
        counts["failed"].append(f"  {source['title']}: {result['outcome']}: {result.get('message', '')}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--registry", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--workers", type=int, default=16, help="fetches at once (default 16)")
    args = parser.parse_args(argv)

    registry = read_registry(args.registry)
    if not registry:
        print(f"the registry '{args.registry}' lists no source", file=sys.stderr)
        return 2
    db = sqlite3.connect(args.db, isolation_level=None)  # autocommit; explicit BEGIN … COMMIT per source
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.executescript(SCHEMA)
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO source (url, title, language, city, country) VALUES (:url, :title, :language, :city,"
        " :country) ON CONFLICT(url) DO UPDATE SET title = excluded.title, language = excluded.language,"
        " city = excluded.city, country = excluded.country", registry)
    db.execute("COMMIT")
    columns = ["id", "url", "title", "etag", "last_modified", "body_hash"]
    sources = [dict(zip(columns, row)) for row in db.execute(
        f"SELECT {', '.join(columns)} FROM source WHERE url IN ({','.join('?' * len(registry))})",
        [s["url"] for s in registry])]

    counts = {"added": 0, "changed": 0, "deleted": 0, "unchanged": 0, "not_modified": 0, "failed": []}
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        pending = {pool.submit(fetch, s) for s in sources}
        while pending:  # finished futures are dropped once stored, and their entries with them
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                result = future.result()
                store(db, result, counts)
                print(f"{result['outcome']} {result['source']['title']}")
    db.close()
    failed = counts["failed"]
    print(f"peer: {len(sources)} sources in {time.monotonic() - started:.2f} s", file=sys.stderr)
    print(f"harvested {len(sources)} sources into {args.db}: {counts['added']} added, {counts['changed']} changed,"
          f" {counts['deleted']} deleted, {counts['unchanged']} unchanged; {counts['not_modified']} sources not"
          f" modified, {len(failed)} failed")
    for line in failed:
        print(line)
    return 1 if sources and len(failed) == len(sources) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
