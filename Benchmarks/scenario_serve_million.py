"""serve-million: `drom serve` over 1 000 000 generated entries (Search-speed issue).

The serve scenario's network made ten times larger (gen_network.py, seed 1: 20 000 feeds × 50
entries; --quick: 400 feeds, 20 000 entries), harvested by `drom harvest` from `file://`
addresses once and cached. Then, with the same 24 searches, every search new:

- start-up: seconds from starting `drom serve` until it answers its first search (it reads the
  whole index into memory first: the search table and the term index), and its RSS then;
- each search once, one at a time (the server's time for a new search);
- `wrk -t2` at 16 connections, every search new, for 20 s (10 s with --quick), after a 2 s
  warm-up: requests/s, p50, p99, and the server's peak RSS.

No peer runs here: Datasette's harvest of a million entries takes about 20 minutes and each
of its searches several seconds (serve's peer at 100 000 entries is already at 3–6 req/s); the
figures stand beside the serve scenario's at 100 000.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from harness import BenchmarkError, Context, Row, Scenario, ScenarioResult, log
from scenario_serve import (END, ENTRIES, PAD, QUERIES, THREADS, Side, _drom_index, _drom_path, _get, _lua_script, _ms,
                            _serve_data, _server_pid, _start_drom, _time_alone, _wait_idle, _wrk)

NAME = "serve-million"
FEEDS, QUICK_FEEDS = 20000, 400
CONNECTIONS = 16
DURATION, QUICK_DURATION = 20, 10
WARMUP = 2


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(ctx: Context) -> ScenarioResult:
    feeds = QUICK_FEEDS if ctx.quick else FEEDS
    wrk = ctx.debian_tool("wrk", "wrk")
    drom = ctx.drom()
    with _serve_data(NAME, feeds) as (meta, folder, state):
        db = _drom_index(ctx, drom, meta, folder, state, name=NAME)
    entries = meta["entries"]

    started = time.perf_counter()
    server = _start_drom(ctx, drom, db, "drom serve", "drom", scenario=NAME, timeout=1200)
    process, port = server.process, server.port
    try:
        first = _drom_path("/api/search", "Roma", [], 1)
        status, _, body, _ = _get(port, first, timeout=1200)
        startup_s = time.perf_counter() - started
        if status != 200:
            raise BenchmarkError(f"{first} answered {status}")
        pid = _server_pid(process)
        rss_loaded = _rss_mb(pid)
        log(f"{NAME}: first search answered {startup_s:.1f} s after start; RSS {rss_loaded:,.0f} MB")

        paths, totals = [], []
        for words, filters, page in QUERIES:
            path = _drom_path("/api/search", words, filters, page)
            status, _, body, _ = _get(port, path, timeout=600)
            if status != 200:
                raise BenchmarkError(f"{path} answered {status}")
            totals.append({"q": words, "filters": dict(filters), "page": page, "total": json.loads(body)["total"]})
            words_part = "?q=" + path.split("?q=", 1)[1].split("&", 1)[0]
            paths.append(path.replace(words_part, f"?q={PAD}{words_part[3:]}{END}", 1))
        alone = _time_alone(port, paths)
        log(f"{NAME}: every search new, one at a time: {statistics.mean(alone):.1f} ms on average, "
            f"{statistics.median(alone):.1f} ms median, {max(alone):.1f} ms at most")

        script = ctx.output(f"{NAME}.lua")
        _lua_script(script, paths)
        side = Side("drom serve: /api/search (JSON), every search new", NAME, server, script, paths=paths)
        _wrk(wrk, side, CONNECTIONS, WARMUP, ctx.output(f"{NAME}-warmup.txt"))
        _wait_idle(process)
        seconds = QUICK_DURATION if ctx.quick else DURATION
        result = _wrk(wrk, side, CONNECTIONS, seconds, ctx.output(f"{NAME}-{CONNECTIONS}.txt"))
        log(f"{NAME}: {CONNECTIONS} conn., {seconds} s: {result['requests']} answers, {result['rps']:.1f} req/s, "
            f"p50 {result['p50_us'] / 1000:.1f} ms, p99 {result['p99_us'] / 1000:.1f} ms")
    finally:
        if process.alive():
            server.measurement = process.stop()
    peak = server.measurement.peak_rss_mb if server.measurement else None
    label = f"{entries:,} entries, {len(QUERIES)} queries"
    rows = [
        Row(NAME, "drom serve: start-up (index read into memory)", label, median_s=startup_s,
            unit=f"s to the first search; RSS then {rss_loaded:,.0f} MB", peak_rss_mb=rss_loaded),
        Row(NAME, "drom serve: every search new, one at a time", label,
            throughput=1000 / statistics.mean(alone),
            unit=f"searches/s (mean {statistics.mean(alone):.1f} ms, median {statistics.median(alone):.1f} ms)"),
        Row(NAME, f"drom serve: every search new, wrk -t{THREADS}", f"{label}, {CONNECTIONS} connections",
            throughput=result["rps"],
            unit=f"req/s (p50 {_ms(result['p50_us'] / 1000)} ms, p99 {_ms(result['p99_us'] / 1000)} ms)",
            peak_rss_mb=peak),
    ]
    details = {"network": {k: v for k, v in meta.items() if k != "files"}, "entries": entries,
               "index_bytes": db.stat().st_size, "harvest": state.get("drom_harvest"),
               "startup_s": round(startup_s, 1), "rss_loaded_mb": round(rss_loaded, 1), "peak_rss_mb": peak,
               "alone_ms": alone, "totals": totals, "wrk": {k: v for k, v in result.items() if k != "argv"}}
    return ScenarioResult(rows, details)


SCENARIO = Scenario(
    name=NAME,
    summary=f"`drom serve` over {FEEDS * ENTRIES:,} generated entries: start-up, memory, every search new "
            f"(--quick: {QUICK_FEEDS * ENTRIES:,})",
    peer="none (the serve scenario's peers at 100 000 entries)",
    target="runs; figures and memory reported",
    run=run,
)
