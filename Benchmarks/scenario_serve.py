"""serve: `drom serve` under `wrk` on loopback, beside Datasette serving the same entries.

The index: a generated network of 2 000 partner feeds × 50 entries = 100 000 entries
(gen_network.py, seed 1; --quick: the first 200 feeds, 10 000 entries), harvested once and
cached under Benchmarks/data/serve-…/: by `drom harvest` from a file registry into Drom's index
(again whenever the drom binary changed), and by peer_harvest.py (feedparser, through nginx on
loopback as in the harvest scenario) into a plain SQLite database with a standard FTS5 table
(unicode61, remove_diacritics 2) — Drom's index uses its own tokenizer, which Datasette's
SQLite does not have. For Datasette, the peer's `entry` table gets the columns a directory
filters and counts by (the partner's title, country and city; the entry's themes and target
groups as JSON arrays) and indexes on kind, language, country and updated.

The query mix: 24 directory searches in the partner languages, half of them with one or two
facet filters, four of them asking for the second page. Drom answers them at /api/search (JSON:
ranked hits with snippets, the total, the counts of every facet) and at /en/search (the HTML
page); Datasette 0.65 at /peer/entry.json and /peer/entry (its table view: the FTS5 search,
the same filters, the total, six facet counts and the first 20 rows newest first; page 2 by
the `_next` token of page 1). Every URL is checked for a 200 and a well-formed answer first.

Drom keeps search results until the next harvest, so it is measured twice on the API: the mix
repeated (after the first round, answers from its cache; each run starts with the mix sent
once) and every search new (the same words padded with spaces in a combination not sent
before, so no request is a cache hit and each does the whole search). Datasette has no cache.

A third server, the same binary with `DROM_RANKING=fts5`, ranks every new search with FTS5's
bm25() and snippet(), as Drom did before its in-memory term index (Search-speed issue): the
"before" of that issue, under the same load. And two raw references answer the same 24
searches in-process, with no HTTP, JSON or facet counts (peer_raw.py, on the peer's entries):
tantivy (PyPI), a dedicated search engine, and SQLite FTS5 queried directly.

wrk (Debian), 2 threads, cycles through a mix at 4, 16 and 64 connections: one short untimed
run per side, then timed runs of 10 s or more (at least 3 × connections ÷ the side's rate, so
that every connection has had several answers; at most 60 s), sides alternating; requests/s
counts the answers of the last two thirds of each run. Each server is left to go idle between
runs (a request wrk gave up on may still be running). Any non-2xx answer fails the scenario.
Before timing, the in-memory ranking's answers to the 24 searches (pages 1 and 2) must equal the
FTS5-ranking server's, equal as JSON. Targets (Search-service issue): at least 5 ×
Datasette's throughput at every level, p99 under
25 ms at 16 connections. Search-speed issue: every search new at least 10 × the FTS5-ranking
server's requests/s, p99 under 25 ms at 16 connections.
"""

from __future__ import annotations

import hashlib
import math
import http.client
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import quote, urlencode

from gen_network import ensure_network, write_registry
from harness import (BENCH, DATA, Background, BenchmarkError, Context, Measurement, Row, Scenario,
                     ScenarioResult, _children, first_line, log, measure, ratio, warm_page_cache)
from scenario_harvest import FIELDS, SUMMARY, Nginx, _module_versions, _venv_python

NAME = "serve"
FEEDS, QUICK_FEEDS = 2000, 200
ENTRIES = 50  # per feed
SEED = 1
CONNECTIONS = (4, 16, 64)
THREADS = 2  # wrk -t: the machine has 2 cores
DURATION, QUICK_DURATION = 10, 3  # seconds of a timed wrk run, at least
MAX_DURATION, QUICK_MAX_DURATION = 60, 15  # seconds, at most
# A timed run lasts at least CYCLES × connections ÷ the requests/s the same side had at the
# level below: by Little's law, the time each request waits. A server that shares its time
# among all requests in flight answers none of 64 within 10 s when one request takes 0.2 s.
CYCLES = 3
SKIP = 1 / 3  # of each timed run before answers are counted for requests/s (one wait, by CYCLES)
WARMUP, QUICK_WARMUP = 2, 1  # seconds of the untimed run before it
MAX_RUNS = 2  # timed runs per tool and level (1 with --reps 1 or --quick)
WRK_TIMEOUT = 60  # seconds: wrk's --timeout (its default, 2 s, would drop slow answers)
IDLE_LIMIT = 600  # seconds to wait for a server to finish the requests wrk left behind
THROUGHPUT_TARGET = 5.0  # × Datasette's requests/s, at every level
NEW_SEARCH_TARGET = 10.0  # Search-speed issue: every search new, × the same server ranking with FTS5
P99_TARGET_MS = 25.0
P99_LEVEL = 16  # connections at which the p99 target applies
PAGE_SIZE = 20
PEER_DB_VERSION = 1  # bump when _prepare_peer_db changes

THEMES = "https://w3id.org/drom/vocab/themes"
TARGET_GROUPS = "https://w3id.org/drom/vocab/target-groups"

# The mix: (words, facet filters, page). Words as people type them into a directory of Roma and
# migrant inclusion practices, in the partners' languages; filters as the search page's facet
# links add them. Themes are ones the feeds name directly (a broader theme such as `employment`
# would take in its narrower concepts in Drom, not in the peer, and match other entries).
QUERIES: list[tuple[str, list[tuple[str, str]], int]] = [
    ("Roma", [], 1),
    ("Roma", [("kind", "practice"), ("country", "BE")], 1),
    ("employment", [], 1),
    ("employment", [("language", "en")], 2),
    ("empleo jóvenes", [], 1),
    ("diskriminering", [("language", "sv")], 1),
    ("εργασίας", [], 1),
    ("stage", [("kind", "practice"), ("country", "FR")], 1),
    ("mediation Brussels", [], 1),
    ("discriminación", [("country", "ES")], 2),
    ("racismo gitana", [], 1),
    ("zapošljavanju", [("country", "RS")], 1),
    ("запошљавању", [], 1),
    ("tirocini", [("language", "it")], 1),
    ("inclusione sociale", [], 1),
    ("JobRoad", [], 2),
    ("blind hiring", [("kind", "practice")], 1),
    ("arbetsmarknad", [], 1),
    ("QualiROM", [("theme", "internships")], 1),
    ("loc de muncă", [("country", "RO")], 1),
    ("counselling", [("theme", "counselling"), ("kind", "event")], 1),
    ("stewards", [], 2),
    ("coaching", [("country", "RS"), ("theme", "digital-skills")], 1),
    ("Dominou", [], 1),
]

# Datasette's side of a filter: plain columns, and themes as a JSON array.
PEER_FILTER = {"kind": "kind", "country": "country", "language": "language", "theme": "themes__arraycontains"}
PEER_FACETS = [("_facet", "kind"), ("_facet", "language"), ("_facet", "country"), ("_facet", "city"),
               ("_facet_array", "themes"), ("_facet_array", "audiences")]
PEER_COLUMNS = ["entry_id", "title", "kind", "language", "link", "updated", "source_title", "summary"]


def _query_string(items: list[tuple[str, str]]) -> str:
    return urlencode(items, quote_via=quote, safe="")


def _drom_path(base: str, words: str, filters: list[tuple[str, str]], page: int) -> str:
    return f"{base}?" + _query_string([("q", words), *filters] + ([("page", str(page))] if page > 1 else []))


def _peer_path(base: str, words: str, filters: list[tuple[str, str]], next_token: Optional[str]) -> str:
    items = [("_search", words), *((PEER_FILTER[k], v) for k, v in filters), *PEER_FACETS,
             *(("_col", c) for c in PEER_COLUMNS), ("_sort_desc", "updated"), ("_size", str(PAGE_SIZE))]
    if next_token:
        items.append(("_next", next_token))
    return f"{base}?" + _query_string(items)


# MARK: - The data: one network, two indexes (cached)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _remove_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _harvest_summary(m: Measurement, tool: str, feeds: int, entries: int) -> dict:
    text = m.stdout.read_text(errors="replace") if m.stdout and m.stdout.exists() else ""
    found = [f for f in (SUMMARY.search(line) for line in text.splitlines()) if f]
    if m.exit_code != 0 or not found:
        raise BenchmarkError(f"{tool} exited {m.exit_code} without its summary line\n"
                             f"stdout: …{text[-1500:]}\nstderr: {m.stderr_tail()}")
    s = dict(zip(FIELDS, map(int, found[-1].groups())))
    if s["sources"] != feeds or s["added"] != entries or s["failed"] != 0:
        raise BenchmarkError(f"{tool}: {s}; expected {feeds} sources, {entries} added, 0 failed\n"
                             f"{text[-1500:]}\n{m.stderr_tail()}")
    return s


def _drom_index(ctx: Context, drom: Path, meta: dict, folder: Path, state: dict, name: str = NAME) -> Path:
    """Drom's index of the network, harvested again whenever the drom binary changed (its
    schema, tokenizer or tagging may have). `name`: the scenario asking (logs, output files)."""
    db = folder / "drom.sqlite"
    binary = {"mtime": drom.stat().st_mtime, "size": drom.stat().st_size}
    if db.exists() and state.get("drom") == {"binary": binary, "entries": meta["entries"]}:
        log(f"{name}: Drom's index reused ({db.stat().st_size / 1e6:.0f} MB)")
        return db
    registry = folder / "registry-files.opml"
    root = Path(meta["directory"])
    write_registry(meta, registry, lambda _, name: (root / "feeds" / name).as_uri())
    _remove_db(db)
    state.pop("drom", None)
    log(f"{name}: drom harvest of {meta['feeds']} feeds from files into {db.name} (about a minute per 100 000 entries)")
    m = measure([str(drom), "harvest", "--registry", str(registry), "--db", str(db), "--concurrency", "16"],
                stdout=ctx.output(f"{name}-drom-harvest.out"), stderr=ctx.output(f"{name}-drom-harvest.err"))
    summary = _harvest_summary(m, "drom harvest", meta["feeds"], meta["entries"])
    log(f"{name}: harvested in {m.wall_s:.0f} s")
    state["drom"] = {"binary": binary, "entries": meta["entries"]}
    state["drom_harvest"] = {"seconds": round(m.wall_s, 1), "summary": summary}
    return db


def _prepare_peer_db(db: Path) -> None:
    """The harvested peer database as Datasette serves it: the triggers that keep the FTS5
    table in step dropped (nothing writes any more), the columns a directory filters and counts
    by added to `entry`, indexes on them, statistics, one file (rollback journal)."""
    c = sqlite3.connect(db, isolation_level=None)
    try:
        c.execute("PRAGMA journal_mode = DELETE")
        c.executescript(f"""
            BEGIN;
            DROP TRIGGER IF EXISTS entry_ai; DROP TRIGGER IF EXISTS entry_ad; DROP TRIGGER IF EXISTS entry_au;
            ALTER TABLE entry ADD COLUMN source_title TEXT;
            ALTER TABLE entry ADD COLUMN country TEXT;
            ALTER TABLE entry ADD COLUMN city TEXT;
            ALTER TABLE entry ADD COLUMN themes TEXT;
            ALTER TABLE entry ADD COLUMN audiences TEXT;
            UPDATE entry SET
              source_title = (SELECT coalesce(feed_title, title) FROM source WHERE source.id = entry.source_id),
              country = coalesce(json_extract(places, '$.country'),
                                 (SELECT country FROM source WHERE source.id = entry.source_id)),
              city = (SELECT city FROM source WHERE source.id = entry.source_id),
              themes = (SELECT json_group_array(json_extract(j.value, '$.term')) FROM json_each(entry.categories) j
                        WHERE json_extract(j.value, '$.scheme') = '{THEMES}'),
              audiences = (SELECT json_group_array(json_extract(j.value, '$.term')) FROM json_each(entry.categories) j
                           WHERE json_extract(j.value, '$.scheme') = '{TARGET_GROUPS}');
            CREATE INDEX entry_kind ON entry(kind);
            CREATE INDEX entry_language ON entry(language);
            CREATE INDEX entry_country ON entry(country);
            CREATE INDEX entry_updated ON entry(updated);
            COMMIT;
            ANALYZE;
        """)
        (indexed,) = c.execute("SELECT count(*) FROM entry_fts_docsize").fetchone()  # one row per indexed entry
        (rows,) = c.execute("SELECT count(*) FROM entry").fetchone()
        if rows != indexed:
            raise BenchmarkError(f"peer database: {rows} entries but {indexed} in its FTS5 index")
    finally:
        c.close()


def _peer_index(ctx: Context, python: str, meta: dict, folder: Path, state: dict) -> Path:
    """The peer's database: peer_harvest.py through nginx, then _prepare_peer_db."""
    db = folder / "peer.sqlite"
    wanted = {"peer_harvest": _sha(BENCH / "peer_harvest.py"), "version": PEER_DB_VERSION,
              "entries": meta["entries"]}
    if db.exists() and state.get("peer") == wanted:
        log(f"{NAME}: the peer's database reused ({db.stat().st_size / 1e6:.0f} MB)")
        return db
    state.pop("peer", None)
    work = folder / "peer-harvest.sqlite"
    _remove_db(work)
    _remove_db(db)
    nginx = Nginx(ctx, Path(meta["directory"]))
    try:
        registry = folder / "registry-nginx.opml"
        write_registry(meta, registry, lambda number, name: nginx.url(number, f"feeds/{name}"))
        log(f"{NAME}: peer_harvest.py of {meta['feeds']} feeds from nginx (about 2 minutes per 100 000 entries)")
        m = measure([python, str(BENCH / "peer_harvest.py"), "--registry", str(registry), "--db", str(work),
                     "--workers", "16"],
                    stdout=ctx.output(f"{NAME}-peer-harvest.out"), stderr=ctx.output(f"{NAME}-peer-harvest.err"))
    finally:
        nginx.stop()
    summary = _harvest_summary(m, "peer_harvest.py", meta["feeds"], meta["entries"])
    log(f"{NAME}: harvested in {m.wall_s:.0f} s; adding Datasette's columns and indexes")
    _prepare_peer_db(work)
    _remove_db(db)
    os.replace(work, db)
    _remove_db(work)
    state["peer"] = wanted
    state["peer_harvest"] = {"seconds": round(m.wall_s, 1), "summary": summary}
    return db


# MARK: - The servers


def _get(port: int, path: str, timeout: float = 120) -> tuple[int, dict, bytes, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        start = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body, elapsed
    finally:
        connection.close()


def _wait_until_answering(server: Background, port: int, path: str, name: str, errors: Path,
                          timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise BenchmarkError(f"{name} exited before answering; its stderr:\n{_tail(errors)}")
        try:
            if _get(port, path, timeout=10)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise BenchmarkError(f"{name} did not answer {path} with 200 within {timeout:.0f} s; its stderr:\n{_tail(errors)}")


def _tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime of the process (all its threads)


def _server_pid(server: Background) -> int:
    children = _children(server.pid)  # GNU time's child: the server itself
    if not children:
        raise BenchmarkError(f"{server.argv[0]} is not running")
    return children[0]


def _wait_idle(server: Background) -> float:
    """Waits until the server has used (almost) no CPU for half a second: wrk stops at the
    end of its run, but a server may still be working on the requests it had been sent.
    Returns the seconds waited."""
    pid = _server_pid(server)
    started = time.monotonic()
    before = _cpu_ticks(pid)
    while time.monotonic() - started < IDLE_LIMIT:
        time.sleep(0.5)
        now = _cpu_ticks(pid)
        if now - before <= 2:  # ≤ 2 clock ticks (20 ms) of CPU in 0.5 s
            return time.monotonic() - started
        before = now
    raise BenchmarkError(f"{server.argv[0]} was still busy {IDLE_LIMIT} s after wrk stopped")


# MARK: - wrk

WRK_JSON = re.compile(r"^WRK_JSON (\{.*\})$", re.M)


# The uncached mix: each request pads its words with spaces before (PAD) and after (END), in a
# combination not sent before in this scenario (up to 200 × 200 per query; the words themselves,
# and so the work, are the same), so a cache keyed by the query never has it.
PAD, END = "@PAD@", "@END@"
PAD_ROUNDS = 2500  # rounds of the mix per wrk thread and run, at most, before combinations repeat


def _lua_script(path: Path, paths: list[str]) -> None:
    """A wrk script that cycles through `paths` (each thread from its own place in the list),
    counts the answers that arrive after the first `skip` seconds (its argument: the window
    in which requests/s is measured, once every connection has had answers), and prints its
    figures as one JSON line at the end. Where a path has PAD and END, each request puts spaces
    there: the combination numbered by the run's base (the script's second argument), the
    thread and the round of the mix."""
    listed = ",\n".join(f'  "{p}"' for p in paths)  # percent-encoded: no quote or backslash
    path.write_text(f"""-- Written by Benchmarks/scenario_serve.py: the query mix, cycled through.
local paths = {{
{listed}
}}
local ffi = require("ffi")
ffi.cdef[[
typedef struct {{ long tv_sec; long tv_nsec; }} drom_bench_timespec;
int clock_gettime(int clock, drom_bench_timespec *ts);
]]
local ts = ffi.new("drom_bench_timespec")
local function now()  -- CLOCK_MONOTONIC, seconds
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local threads = {{}}
local counter = 1
local sent = 0
local window_start = 0
answers_in_window = 0

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = (thread_number * 7) % #paths + 1
  window_start = now() + tonumber(args[1] or "0")
  pad_base = tonumber(args[2] or "0") + thread_number * {PAD_ROUNDS}
end

function response(status, headers, body)
  if now() >= window_start then
    answers_in_window = answers_in_window + 1
  end
end

function request()
  local path = paths[counter]
  counter = counter % #paths + 1
  if path:find("{PAD}", 1, true) then
    local combination = pad_base + math.floor(sent / #paths)
    path = path:gsub("{PAD}", string.rep("%%20", combination % 200), 1)
      :gsub("{END}", string.rep("%%20", math.floor(combination / 200) % 200), 1)
  end
  sent = sent + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  local in_window = 0
  for _, thread in ipairs(threads) do
    in_window = in_window + thread:get("answers_in_window")
  end
  io.write(string.format(
    'WRK_JSON {{"requests": %d, "in_window": %d, "duration_us": %d, "bytes": %d, "connect": %d, ' ..
    '"read": %d, "write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %.1f}}\\n',
    summary.requests, in_window, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
""")


@dataclass
class Side:
    """One server and one of its URL sets under wrk."""
    tool: str  # for the table
    tag: str  # for file names and the JSON
    server: "Server"
    script: Path
    peer: Optional["Side"] = None  # what this side's ratio compares against
    alone_rps: float = 0  # 1 ÷ the mean time of the mix's requests sent one at a time
    invocations: int = 1  # wrk runs so far, from 1: numbers the padding (0 is for the checks)
    paths: list[str] = field(default_factory=list)
    prime: bool = False  # send each path once before every run: the repeated mix starts from a warm cache
    runs: dict[int, list[dict]] = field(default_factory=dict)  # connections → timed runs


@dataclass
class Server:
    name: str
    process: Background
    port: int
    stderr: Path
    drained_s: list[float] = field(default_factory=list)
    measurement: Optional[Measurement] = None


def _wrk(wrk: str, side: Side, connections: int, seconds: float, out: Path) -> dict:
    """One wrk run. Requests/s counts the answers of the last (1 - SKIP) of the run: until
    every connection has been answered, a server that shares its time among the requests in
    flight answers fewer than it will (and wrk's own figure, kept as `rps_whole_run`, is low)."""
    skip = seconds * SKIP
    argv = [wrk, "-t", str(THREADS), "-c", str(connections), "-d", f"{seconds:g}s", "--latency",
            "--timeout", f"{WRK_TIMEOUT}s", "-s", str(side.script), f"http://127.0.0.1:{side.server.port}",
            "--", f"{skip:.3f}", str(side.invocations * 2 * PAD_ROUNDS)]
    side.invocations += 1
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + WRK_TIMEOUT + 60)
    out.write_text(done.stdout + done.stderr)
    found = WRK_JSON.search(done.stdout)
    if done.returncode != 0 or not found:
        raise BenchmarkError(f"wrk exited {done.returncode} against {side.tool}\n{done.stdout}\n{done.stderr}")
    result = json.loads(found.group(1))
    if result["status"]:
        raise BenchmarkError(f"{side.tool}, {connections} connections: {result['status']} non-2xx/3xx answers "
                             f"(wrk output in {out})\n{done.stdout}\n{_tail(side.server.stderr)}")
    if result["connect"] or result["read"] or result["write"]:
        raise BenchmarkError(f"{side.tool}, {connections} connections: socket errors {result} "
                             f"(wrk output in {out})\n{done.stdout}")
    result["rps_whole_run"] = result["requests"] / (result["duration_us"] / 1e6)
    result["rps"] = result["in_window"] / (result["duration_us"] / 1e6 - skip)
    result["window_s"] = [round(skip, 2), round(result["duration_us"] / 1e6, 2)]
    result["argv"] = argv
    return result


def _duration(side: Side, connections: int, base: float, cap: float) -> float:
    """How long this side's timed runs last at this level (see CYCLES): from its requests/s at
    the level below, or at the first level from its answers one at a time."""
    below = [c for c in side.runs if c < connections]
    rps = statistics.median(r["rps"] for r in side.runs[max(below)]) if below else side.alone_rps
    if rps <= 0:
        return cap
    return float(min(cap, max(base, math.ceil(CYCLES * connections / rps))))


# MARK: - Checking every URL before timing


def _check_drom(port: int, path: str, html: bool) -> tuple[int, float]:
    status, headers, body, elapsed = _get(port, path)
    if status != 200:
        raise BenchmarkError(f"drom serve answered {status} to {path}:\n{body[:800].decode(errors='replace')}")
    if html:
        if not headers.get("content-type", "").startswith("text/html"):
            raise BenchmarkError(f"drom serve: {path} is {headers.get('content-type')}, not HTML")
        return -1, elapsed
    answer = json.loads(body)
    if not isinstance(answer.get("total"), int) or len(answer.get("hits", [])) > PAGE_SIZE:
        raise BenchmarkError(f"drom serve: {path}: not a search answer: {body[:400]!r}")
    if answer["total"] and not answer.get("facets"):
        raise BenchmarkError(f"drom serve: {path}: {answer['total']} matches but no facet counts")
    return answer["total"], elapsed


def _check_peer(port: int, path: str, html: bool) -> tuple[int, Optional[str], float]:
    status, headers, body, elapsed = _get(port, path)
    if status != 200:
        raise BenchmarkError(f"Datasette answered {status} to {path}:\n{body[:800].decode(errors='replace')}")
    if html:
        if not headers.get("content-type", "").startswith("text/html"):
            raise BenchmarkError(f"Datasette: {path} is {headers.get('content-type')}, not HTML")
        return -1, None, elapsed
    answer = json.loads(body)
    total = answer.get("filtered_table_rows_count")
    if not isinstance(total, int) or "match" not in answer.get("query", {}).get("sql", ""):
        raise BenchmarkError(f"Datasette: {path}: no full-text search in {answer.get('query')}")
    expected = {name for _, name in PEER_FACETS}
    if total and set(answer.get("facet_results", {})) != expected:
        raise BenchmarkError(f"Datasette: {path}: facets {sorted(answer.get('facet_results', {}))}, expected "
                             f"{sorted(expected)} (did one time out?)")
    return total, answer.get("next"), elapsed


def _build_mixes(drom_port: int, peer_port: int) -> tuple[dict[str, list[str]], list[dict]]:
    """The four URL lists, checked one by one (the first answers, from cold caches, timed for the JSON)."""
    mixes: dict[str, list[str]] = {"drom-api": [], "drom-api-new": [], "drom-html": [], "peer-json": [],
                                   "peer-html": []}
    checked = []
    for words, filters, page in QUERIES:
        api = _drom_path("/api/search", words, filters, page)
        html = _drom_path("/en/search", words, filters, page)
        drom_total, drom_s = _check_drom(drom_port, api, html=False)
        _, drom_html_s = _check_drom(drom_port, html, html=True)
        first = _peer_path("/peer/entry.json", words, filters, None)
        peer_total, next_token, peer_s = _check_peer(peer_port, first, html=False)
        token = None
        if page > 1:
            if not next_token or drom_total <= PAGE_SIZE:
                raise BenchmarkError(f"'{words}' {filters}: page {page} asked for, but Drom has {drom_total} "
                                     f"matches and Datasette {peer_total}")
            token = next_token
            first = _peer_path("/peer/entry.json", words, filters, token)
            _, _, peer_s = _check_peer(peer_port, first, html=False)
        peer_html = _peer_path("/peer/entry", words, filters, token)
        _, _, peer_html_s = _check_peer(peer_port, peer_html, html=True)
        mixes["drom-api"].append(api)
        words_part = "?q=" + quote(words, safe="")
        assert api.startswith("/api/search" + words_part)
        mixes["drom-api-new"].append(api.replace(words_part, f"?q={PAD}{quote(words, safe='')}{END}", 1))
        mixes["drom-html"].append(html)
        mixes["peer-json"].append(first)
        mixes["peer-html"].append(peer_html)
        checked.append({"q": words, "filters": dict(filters), "page": page, "drom_total": drom_total,
                        "datasette_total": peer_total, "first_ms": {
                            "drom_api": round(drom_s * 1000, 1), "drom_html": round(drom_html_s * 1000, 1),
                            "datasette_json": round(peer_s * 1000, 1),
                            "datasette_html": round(peer_html_s * 1000, 1)}})
    return mixes, checked


def _compare_rankings(memory_port: int, fts5_port: int) -> int:
    """The first 40 hits of every search (pages 1 and 2), as the term index and as FTS5 rank
    them: the whole JSON answers must be equal. Returns how many were compared."""
    same = 0
    for words, filters, _ in QUERIES:
        for page in (1, 2):
            path = _drom_path("/api/search", words, filters, page)
            answers = []
            for port in (memory_port, fts5_port):
                status, _, body, _ = _get(port, path)
                if status != 200:
                    raise BenchmarkError(f"port {port}: {path} answered {status}")
                answers.append(json.loads(body))
            if answers[0] != answers[1]:
                raise BenchmarkError(f"{path}: the in-memory ranking's answer differs from FTS5's "
                                     f"(totals {answers[0].get('total')} and {answers[1].get('total')})")
            same += 1
    return same


def _time_alone(port: int, paths: list[str]) -> list[float]:
    """Each path once, one request at a time: milliseconds per answer. (A padded path gets one
    leading space, which the first pass did not send: a search not seen before.)"""
    times = []
    for path in paths:
        path = path.replace(PAD, "%20").replace(END, "")
        status, _, _, elapsed = _get(port, path)
        if status != 200:
            raise BenchmarkError(f"port {port}: {path} answered {status} on the second pass")
        times.append(round(elapsed * 1000, 1))
    return times


# MARK: - The scenario


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


@contextmanager
def _serve_data(name: str, feeds: int, cache: str = "serve") -> Iterator[tuple[dict, Path, dict]]:
    """The generated network of `feeds` × ENTRIES (made once), its folder of cached indexes
    (`DATA/<cache>-<network>`), and that folder's state (which binary harvested what), written
    back when done."""
    meta = ensure_network(DATA, feeds, ENTRIES, SEED)
    log(f"{name}: {Path(meta['directory']).name}: {feeds} feeds × {ENTRIES} entries = {meta['entries']:,}, "
        f"{meta['bytes'] / 1e6:.0f} MB ({'reused' if meta['reused'] else 'generated'})")
    folder = DATA / f"{cache}-{Path(meta['directory']).name}"
    folder.mkdir(parents=True, exist_ok=True)
    state_path = folder / "state.json"
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    try:
        yield meta, folder, state
    finally:
        state_path.write_text(json.dumps(state, indent=2) + "\n")


def _start_drom(ctx: Context, drom: Path, db: Path, name: str, tag: str, env: Optional[list[str]] = None,
                scenario: str = NAME, timeout: float = 120) -> Server:
    """`drom serve` on a free loopback port, from the repository root (it finds Site/ and
    Vocabularies/ there), once it answers. `--search-rate 0`: one load generator is one client,
    which would otherwise be held to 20 searches a second."""
    port = _free_port()
    errors = ctx.output(f"{scenario}-{tag}.err")
    process = Background([*(["env", *env] if env else []), str(drom), "serve", "--db", str(db), "--port", str(port),
                          "--host", "127.0.0.1", "--search-rate", "0"],
                         stdout=ctx.output(f"{scenario}-{tag}.out"), stderr=errors)
    try:
        _wait_until_answering(process, port, "/healthz", name, errors, timeout=timeout)
    except BaseException:
        process.stop()
        raise
    return Server(name, process, port, errors)


def run(ctx: Context) -> ScenarioResult:
    feeds = QUICK_FEEDS if ctx.quick else FEEDS
    duration = QUICK_DURATION if ctx.quick else DURATION
    max_duration = QUICK_MAX_DURATION if ctx.quick else MAX_DURATION
    warmup = QUICK_WARMUP if ctx.quick else WARMUP
    reps = 1 if ctx.quick else max(1, min(ctx.reps, MAX_RUNS))
    wrk = ctx.debian_tool("wrk", "wrk")
    datasette = ctx.pypi_tool("datasette", "datasette")
    python = _venv_python(ctx, {"feedparser": "feedparser", "requests": "requests", "tantivy": "tantivy==0.27.0"})
    drom = ctx.drom()

    with _serve_data(NAME, feeds) as (meta, folder, state):
        drom_db = _drom_index(ctx, drom, meta, folder, state)
        peer_db = _peer_index(ctx, python, meta, folder, state)
    entries = meta["entries"]
    metadata = folder / "datasette-metadata.json"
    # Datasette finds an FTS table by itself only when its `content=` is double-quoted; the
    # peer's is single-quoted, so say which table it is.
    metadata.write_text(json.dumps({"databases": {"peer": {"tables": {"entry": {
        "fts_table": "entry_fts", "fts_pk": "id"}}}}}, indent=2) + "\n")
    for db in (drom_db, peer_db):
        warm_page_cache(db)

    servers: list[Server] = []
    try:
        servers.append(_start_drom(ctx, drom, drom_db, "drom serve", "drom"))
        # The same binary ranking with FTS5's bm25() and snippet(), as every search did before the
        # in-memory term index (Search-speed issue): the "before" of that issue, side by side.
        servers.append(_start_drom(ctx, drom, drom_db, "drom serve, FTS5 ranking", "drom-fts5",
                                   env=["DROM_RANKING=fts5"]))
        port = _free_port()
        errors = ctx.output(f"{NAME}-datasette.err")
        process = Background([datasette, "serve", str(peer_db), "--host", "127.0.0.1", "--port", str(port),
                              "--metadata", str(metadata), "--setting", "default_page_size", str(PAGE_SIZE),
                              "--setting", "sql_time_limit_ms", "120000", "--setting", "facet_time_limit_ms", "120000",
                              "--setting", "suggest_facets", "off"],
                             stdout=ctx.output(f"{NAME}-datasette.out"), stderr=errors)
        servers.append(Server("Datasette", process, port, errors))
        _wait_until_answering(process, port, "/-/versions.json", "Datasette", errors)
        drom_server, fts5_server, peer_server = servers
        log(f"{NAME}: drom serve on port {drom_server.port}, Datasette on {peer_server.port}; "
            f"checking the {len(QUERIES)} queries on both")
        mixes, checked = _build_mixes(drom_server.port, peer_server.port)
        same = _compare_rankings(drom_server.port, fts5_server.port)
        log(f"{NAME}: in-memory ranking and FTS5 ranking: {same} of {2 * len(QUERIES)} answers (pages 1 and 2: "
            f"totals, hits, snippets, facet counts) identical")

        sides: dict[str, Side] = {}
        mixes["drom-api-fts5"] = mixes["drom-api-new"]
        for tag, server in (("drom-api", drom_server), ("drom-api-new", drom_server), ("peer-json", peer_server),
                            ("drom-html", drom_server), ("peer-html", peer_server), ("drom-api-fts5", fts5_server)):
            script = ctx.output(f"{NAME}-{tag}.lua")
            _lua_script(script, mixes[tag])
            sides[tag] = Side("", tag, server, script, paths=mixes[tag], prime=tag in ("drom-api", "drom-html"))
        sides["peer-json"].tool = "Datasette: /peer/entry.json (JSON)"
        sides["peer-html"].tool = "Datasette: /peer/entry (HTML)"
        sides["drom-api"].tool = "drom serve: /api/search (JSON), the mix repeated"
        sides["drom-api-new"].tool = "drom serve: /api/search (JSON), every search new"
        sides["drom-api-fts5"].tool = "drom serve, FTS5 ranking: /api/search (JSON), every search new"
        sides["drom-html"].tool = "drom serve: /en/search (HTML), the mix repeated"
        sides["drom-api"].peer = sides["drom-api-new"].peer = sides["drom-api-fts5"].peer = sides["peer-json"]
        sides["drom-html"].peer = sides["peer-html"]
        log(f"{NAME}: every URL once more, one at a time")
        for tag, side in sides.items():
            alone = _time_alone(side.server.port, mixes[tag])
            side.alone_rps = 1000 / statistics.mean(alone)
            for query, ms in zip(checked, alone):
                query.setdefault("alone_ms", {})[tag] = ms
            log(f"{NAME}: {side.tool}: {statistics.mean(alone):,.0f} ms a request on average, "
                f"{statistics.median(alone):,.0f} ms median")

        order = [sides["drom-api-new"], sides["peer-json"], sides["drom-api-fts5"], sides["drom-api"],
                 sides["drom-html"], sides["peer-html"]]
        log(f"{NAME}: wrk -t {THREADS}, {warmup} s untimed then {duration}-{max_duration} s timed, {reps} run(s) "
            f"per tool and level, at {', '.join(map(str, CONNECTIONS))} connections")
        durations: dict[str, dict[int, float]] = {}
        for level_number, connections in enumerate(CONNECTIONS):
            for side in order:
                durations.setdefault(side.tag, {})[connections] = _duration(side, connections, duration, max_duration)
            for rep in range(reps):
                shift = (level_number + rep) % len(order)
                for side in order[shift:] + order[:shift]:
                    if side.prime:  # the searches of the other mix may have pushed these out of Drom's cache
                        _time_alone(side.server.port, side.paths)
                    if not side.runs:  # one untimed run each, before its first timed one
                        _wrk(wrk, side, connections, warmup, ctx.output(f"{NAME}-{side.tag}-warmup.txt"))
                        side.server.drained_s.append(round(_wait_idle(side.server.process), 1))
                    result = _wrk(wrk, side, connections, durations[side.tag][connections],
                                  ctx.output(f"{NAME}-{side.tag}-{connections}.txt"))
                    side.server.drained_s.append(round(_wait_idle(side.server.process), 1))
                    side.runs.setdefault(connections, []).append(result)
                    log(f"{NAME}: {side.tool}, {connections} conn., {durations[side.tag][connections]:g} s: "
                        f"{result['requests']} answers, {result['rps']:.1f} req/s, "
                        f"p50 {result['p50_us'] / 1000:.1f} ms, p99 {result['p99_us'] / 1000:.1f} ms"
                        + (f", {result['timeout']} timed out" if result["timeout"] else ""))
    finally:
        for server in servers:
            if server.process.alive():
                server.measurement = server.process.stop()

    rows: list[Row] = []
    quick = " (not judged with --quick)" if ctx.quick else ""
    details: dict = {
        "network": {k: v for k, v in meta.items() if k != "files"}, "entries": entries,
        "indexes": {"drom_bytes": drom_db.stat().st_size, "peer_bytes": peer_db.stat().st_size, **state},
        "wrk": {"version": first_line([wrk, "-v"]), "threads": THREADS, "duration_s": durations,
                "warmup_s": warmup, "timeout_s": WRK_TIMEOUT, "runs": reps},
        "datasette": {"argv": peer_server.process.argv, "versions": _module_versions(
            str(Path(datasette).parent / "python"), ["datasette", "uvicorn"])},
        "drom": {"argv": drom_server.process.argv},
        "queries": checked, "mixes": mixes, "runs": {},
        "drained_s": {s.name: s.drained_s for s in servers},
        "peak_rss_mb": {s.name: round(s.measurement.peak_rss_mb, 1) if s.measurement else None for s in servers},
        "drom_stderr_head": drom_server.stderr.read_text(errors="replace").splitlines()[:3],
    }
    details["rankings_equal"] = same  # answers of the in-memory and the FTS5 ranking compared, all equal
    for tag in ("peer-json", "drom-api-fts5", "drom-api-new", "drom-api", "peer-html", "drom-html"):
        side = sides[tag]
        details["runs"][tag] = {str(c): [{k: v for k, v in r.items() if k != "argv"} for r in runs]
                                for c, runs in side.runs.items()}
    for tags in (("peer-json", "drom-api-fts5", "drom-api-new", "drom-api"), ("peer-html", "drom-html")):
        for connections in CONNECTIONS:
            for side in (sides[tag] for tag in tags):
                runs = side.runs[connections]
                rps = statistics.median(r["rps"] for r in runs)
                p50 = statistics.median(r["p50_us"] for r in runs) / 1000
                p99 = statistics.median(r["p99_us"] for r in runs) / 1000
                timeouts = sum(r["timeout"] for r in runs)
                answers = statistics.median(r["requests"] for r in runs)
                seconds = durations[side.tag][connections]
                if answers:
                    unit = f"req/s (p50 {_ms(p50)} ms, p99 {_ms(p99)} ms; {answers:g} answers in {seconds:g} s"
                else:
                    unit = f"req/s (no answer within {seconds:g} s"
                unit += f"; {timeouts} timed out)" if timeouts else ")"
                rss = side.server.measurement.peak_rss_mb if side.server.measurement else None
                label = f"{len(QUERIES)} queries, {connections} connections"
                if side.peer is None:
                    rows.append(Row(NAME, side.tool, label, throughput=rps, unit=unit, peak_rss_mb=rss, target="peer"))
                    continue
                peer_rps = statistics.median(r["rps"] for r in side.peer.runs[connections])
                r = ratio(rps, peer_rps)
                target = f"≥ {THROUGHPUT_TARGET:g} × Datasette"
                met = r is not None and r >= THROUGHPUT_TARGET
                if connections == P99_LEVEL:
                    target += f", p99 < {P99_TARGET_MS:g} ms"
                    met = met and p99 < P99_TARGET_MS
                rows.append(Row(NAME, side.tool, label, throughput=rps, unit=unit, peak_rss_mb=rss, ratio=r,
                                target=target + quick, met=None if ctx.quick else met))
    # Search-speed issue: every search new, against the same binary ranking with FTS5.
    for connections in CONNECTIONS:
        new_runs, before_runs = sides["drom-api-new"].runs[connections], sides["drom-api-fts5"].runs[connections]
        rps = statistics.median(r["rps"] for r in new_runs)
        p99 = statistics.median(r["p99_us"] for r in new_runs) / 1000
        r = ratio(rps, statistics.median(r["rps"] for r in before_runs))
        target, met = f"≥ {NEW_SEARCH_TARGET:g} × FTS5 ranking", r is not None and r >= NEW_SEARCH_TARGET
        if connections == P99_LEVEL:
            target += f", p99 < {P99_TARGET_MS:g} ms"
            met = met and p99 < P99_TARGET_MS
        rows.append(Row(NAME, "drom serve: every search new, in-memory ranking ÷ FTS5 ranking",
                        f"{len(QUERIES)} queries, {connections} connections", throughput=rps,
                        unit=f"req/s (p99 {_ms(p99)} ms)", ratio=r, ratio_note="× the FTS5-ranking server",
                        target=target + quick, met=None if ctx.quick else met))
    details["raw_reference"] = _raw_reference(ctx, python, peer_db, folder)
    for engine, name in (("tantivy", "tantivy"), ("fts5", "SQLite FTS5 queried directly")):
        raw = details["raw_reference"][engine]
        rows.append(Row(NAME, f"{name} {raw['version']} (raw reference: in-process, one thread)",
                        f"{len(QUERIES)} queries: total + page of 20, no facets, no HTTP",
                        throughput=1000 / raw["mean_ms"] if raw["mean_ms"] else None,
                        unit=f"searches/s (mean {raw['mean_ms']:.2f} ms, median {raw['median_ms']:.2f} ms)",
                        target="reference"))
    return ScenarioResult(rows, details)


def _raw_reference(ctx: Context, python: str, peer_db: Path, folder: Path) -> dict:
    """tantivy and SQLite FTS5, in-process on the peer's entries, the same 24 searches
    (peer_raw.py): what one search costs an engine alone."""
    queries = ctx.output(f"{NAME}-raw-queries.json")
    queries.write_text(json.dumps(QUERIES) + "\n")
    out = ctx.output(f"{NAME}-raw.json")
    log(f"{NAME}: raw references (tantivy, SQLite FTS5) on the peer's entries, in-process")
    m = measure([python, str(BENCH / "peer_raw.py"), str(peer_db), str(queries), str(folder / "tantivy"), str(out)],
                stdout=ctx.output(f"{NAME}-raw.out"), stderr=ctx.output(f"{NAME}-raw.err"))
    if m.exit_code != 0:
        raise BenchmarkError(f"peer_raw.py exited {m.exit_code}: {m.stderr_tail()}")
    raw = json.loads(out.read_text())
    for engine in ("tantivy", "fts5"):
        log(f"{NAME}: {engine}: {raw[engine]['mean_ms']:.2f} ms a search on average, "
            f"{raw[engine]['median_ms']:.2f} ms median")
    return raw


SCENARIO = Scenario(
    name=NAME,
    summary=f"`drom serve` under wrk on loopback, {FEEDS * ENTRIES:,} entries, {len(QUERIES)} searches with facets, "
            f"at {', '.join(map(str, CONNECTIONS))} connections (--quick: {QUICK_FEEDS * ENTRIES:,} entries)",
    peer="Datasette (PyPI) serving the same entries from SQLite FTS5: search, filters, facet counts, 20 rows",
    target=f"≥ {THROUGHPUT_TARGET:g} × Datasette's requests/s at every level; p99 < {P99_TARGET_MS:g} ms "
           f"at {P99_LEVEL} connections",
    run=run,
)
