"""harvest: `drom harvest` of a generated network of 400 partner feeds from a loopback nginx,
cold and then unchanged, beside a conventional Python harvester (feedparser, requests, sqlite3).

The network (gen_network.py): 400 Atom feeds of 50 entries, about 115 KB each, in eleven
languages, and an OPML registry whose every line allows a private address. nginx (Debian)
serves the files statically on 127.0.0.1 … 127.0.0.20 (all of 127.0.0.0/8 is loopback on
Linux), the feeds spread over them in turn, because Drom fetches at most 2 feeds at once from
one host (`--per-host`); Drom runs with `--concurrency 16`, the peer with 16 threads. nginx
sends ETag and Last-Modified and answers a conditional request for an unchanged file with 304.

Each timed run is a pair: the database removed, a cold harvest (every feed fetched, parsed and
indexed: all entries added, none failed), then the same harvest again with nothing changed (every
source not modified, every response a 304). Drom and its peer alternate pair by pair. Targets
(Harvest issue): cold ≥ 7 000 feeds/min, unchanged ≥ 150 000 feeds/min, peak RSS < 300 MB.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from gen_network import ensure_network, write_registry
from harness import (BENCH, DATA, Background, BenchmarkError, Context, Measurement, Row, Scenario,
                     ScenarioResult, first_line, log, measure, ratio, warm_page_cache)

NAME = "harvest"
FEEDS, QUICK_FEEDS = 400, 40
ENTRIES = 50  # per feed
SEED = 1
HOSTS = 20  # nginx listens on 127.0.0.1 … 127.0.0.HOSTS
CONCURRENCY = 16  # drom --concurrency, and the peer's threads
COLD_TARGET = 7_000  # feeds/min
UNCHANGED_TARGET = 150_000  # feeds/min
RSS_TARGET = 300  # MB, drom's peak over both runs

SUMMARY = re.compile(
    r"harvested (\d+) sources into .*: (\d+) added, (\d+) changed, (\d+) deleted, (\d+) unchanged; "
    r"(\d+) sources not modified, (\d+) failed")
FIELDS = ["sources", "added", "changed", "deleted", "unchanged", "not_modified", "failed"]


# MARK: - The peer's Python


def _venv_python(ctx: Context, modules: dict[str, str]) -> str:
    """The Python of Benchmarks/data/venv (the venv pypi_tool uses), with these modules
    ({import name: requirement}) installed from PyPI when missing."""
    venv = DATA / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        log(f"creating {venv}")
        subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
    missing = [requirement for module, requirement in modules.items()
               if subprocess.call([str(python), "-c", f"import {module}"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) != 0]
    if missing:
        log(f"pip install {' '.join(missing)}")
        if subprocess.call([str(python), "-m", "pip", "install", "--quiet", *missing]) != 0:
            raise BenchmarkError(f"pip install {' '.join(missing)} failed")
    return str(python)


def _module_versions(python: str, modules: list[str]) -> dict:
    code = ("import json, importlib.metadata as m, sqlite3, sys; print(json.dumps({**{n: m.version(n) for n in "
            f"{modules!r}}}, 'sqlite': sqlite3.sqlite_version, 'python': sys.version.split()[0]}}))")
    try:
        return json.loads(subprocess.run([python, "-c", code], capture_output=True, text=True).stdout)
    except (OSError, json.JSONDecodeError):
        return {}


# MARK: - nginx on loopback


def _address(number: int) -> str:
    return f"127.0.0.{1 + number % HOSTS}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _nginx_config(workdir: Path, root: Path, port: int) -> Path:
    user = ""
    if os.geteuid() == 0:  # workers would drop to `nobody`; keep them as the current user
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};\n"
    listens = "\n".join(f"    listen {_address(n)}:{port};" for n in range(HOSTS))
    temp = "\n".join(f"  {kind}_temp_path {workdir / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    config = workdir / "nginx.conf"
    config.write_text(f"""# Written by Benchmarks/scenario_harvest.py: static files on loopback, for one benchmark run.
{user}worker_processes 1;
daemon off;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
{temp}
  types {{ application/atom+xml xml; }}
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  etag on;
  keepalive_requests 100000;
  server {{
{listens}
    root {root};
  }}
}}
""")
    return config


class Nginx:
    """nginx in the foreground (`daemon off`), its files in a temporary folder, stopped by stop()."""

    def __init__(self, ctx: Context, root: Path):
        self.binary = ctx.debian_tool("nginx", "nginx")
        self.root = root
        self.workdir = Path(tempfile.mkdtemp(prefix="drom-harvest-nginx-"))
        self.server: Optional[Background] = None
        self.port = 0
        self.measurement: Optional[Measurement] = None
        for attempt in range(3):  # a port free on 127.0.0.1 may be taken on another address
            self.port = _free_port()
            config = _nginx_config(self.workdir, root, self.port)
            argv = [self.binary, "-p", str(self.workdir), "-e", str(self.workdir / "error.log"),
                    "-c", str(config)]
            self.server = Background(argv, stderr=ctx.output(f"{NAME}-nginx.err"))
            if self._wait_until_listening():
                return
            self.server.stop()
            self.server = None
        self.stop()
        raise BenchmarkError(f"nginx did not start; its log:\n{self.log_tail()}")

    def _wait_until_listening(self, timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        pending = {_address(n) for n in range(HOSTS)}
        while time.monotonic() < deadline and self.server.alive():
            for address in list(pending):
                try:
                    socket.create_connection((address, self.port), timeout=1).close()
                    pending.discard(address)
                except OSError:
                    pass
            if not pending:
                return True
            time.sleep(0.05)
        return False

    def url(self, number: int, path: str) -> str:
        return f"http://{_address(number)}:{self.port}/{path}"

    def log_tail(self) -> str:
        log_file = self.workdir / "error.log"
        return "\n".join(log_file.read_text(errors="replace").splitlines()[-10:]) if log_file.exists() else ""

    def stop(self) -> None:
        if self.server:
            self.measurement = self.server.stop()
            self.server = None
        shutil.rmtree(self.workdir, ignore_errors=True)


def _check_conditional(ctx: Context, url: str) -> dict:
    """curl: a GET gets ETag and Last-Modified, and the same GET with them gets 304."""
    curl = ctx.debian_tool("curl", "curl")

    def head(*extra: str) -> tuple[int, dict]:
        out = subprocess.run([curl, "-s", "-o", "/dev/null", "-D", "-", *extra, url],
                             capture_output=True, text=True, timeout=30).stdout
        lines = out.splitlines()
        status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:]) if v}
        return status, headers

    status, headers = head()
    if status != 200 or "etag" not in headers or "last-modified" not in headers:
        raise BenchmarkError(f"curl {url}: status {status}, headers {headers}: expected 200 with ETag and Last-Modified")
    by_etag, _ = head("-H", f"If-None-Match: {headers['etag']}")
    by_date, _ = head("-H", f"If-Modified-Since: {headers['last-modified']}")
    if by_etag != 304 or by_date != 304:
        raise BenchmarkError(f"curl {url}: If-None-Match gave {by_etag}, If-Modified-Since gave {by_date}, not 304")
    return {"url": url, "etag": headers["etag"], "last_modified": headers["last-modified"],
            "if_none_match": by_etag, "if_modified_since": by_date}


# MARK: - One tool: a cold harvest, then an unchanged one


@dataclass
class Harvester:
    name: str
    argv_for: object  # (db: Path) -> list[str]
    statuses: object  # (db: Path) -> dict[int, int]: the HTTP status of each source's last fetch
    db: Path
    cold: list[Measurement] = field(default_factory=list)
    unchanged: list[Measurement] = field(default_factory=list)
    index_bytes: list[int] = field(default_factory=list)
    summaries: dict = field(default_factory=dict)


def _summary(m: Measurement, tool: str) -> dict:
    text = m.stdout.read_text(errors="replace") if m.stdout and m.stdout.exists() else ""
    found = [SUMMARY.search(line) for line in text.splitlines()]
    found = [f for f in found if f]
    if m.exit_code != 0 or not found:
        tail = "\n".join(text.splitlines()[-5:])
        raise BenchmarkError(f"{tool} exited {m.exit_code} without its summary line\nstdout: …{tail}\n"
                             f"stderr: {m.stderr_tail()}")
    return dict(zip(FIELDS, map(int, found[-1].groups())))


def _failures(m: Measurement) -> str:
    lines = m.stdout.read_text(errors="replace").splitlines()
    return "\n".join(lines[-10:])


def _remove_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _db_bytes(db: Path) -> int:
    return sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())


def _harvest_pair(h: Harvester, ctx: Context, feeds: int, entries: int) -> tuple[Measurement, Measurement, int]:
    _remove_db(h.db)
    tag = _key(h)
    cold = measure(h.argv_for(h.db), stdout=ctx.output(f"{NAME}-{tag}-cold.out"),
                   stderr=ctx.output(f"{NAME}-{tag}-cold.err"))
    s = _summary(cold, h.name)
    if s["sources"] != feeds or s["added"] != entries or s["failed"] != 0:
        raise BenchmarkError(f"{h.name}, cold: {s}; expected {feeds} sources, {entries} added, 0 failed\n"
                             f"{_failures(cold)}\n{cold.stderr_tail()}")
    h.summaries["cold"] = s
    size = _db_bytes(h.db)
    unchanged = measure(h.argv_for(h.db), stdout=ctx.output(f"{NAME}-{tag}-unchanged.out"),
                        stderr=ctx.output(f"{NAME}-{tag}-unchanged.err"))
    s = _summary(unchanged, h.name)
    if s["sources"] != feeds or s["not_modified"] != feeds or s["added"] or s["changed"] or s["failed"]:
        raise BenchmarkError(f"{h.name}, unchanged: {s}; expected {feeds} sources not modified, nothing added, "
                             f"0 failed\n{_failures(unchanged)}\n{unchanged.stderr_tail()}")
    statuses = h.statuses(h.db)
    if statuses != {304: feeds}:
        raise BenchmarkError(f"{h.name}, unchanged: HTTP statuses of the last fetches {statuses}, expected {feeds} × 304")
    h.summaries["unchanged"] = s
    h.summaries["unchanged_statuses"] = {str(k): v for k, v in statuses.items()}
    return cold, unchanged, size


def _key(h: Harvester) -> str:
    """A short name for files and the JSON: peer, drom, drom-unstemmed."""
    if not h.name.startswith("drom"):
        return "peer"
    return "drom-unstemmed" if UNSTEMMED in h.name else "drom"


# The Multilingual issue asks for the harvest figures with the stemming tokenizer and without.
UNSTEMMED = "DROM_STEMMING=off"


def _drom_statuses(drom: Path):
    def statuses(db: Path) -> dict[int, int]:
        out = subprocess.run([str(drom), "report", "--db", str(db), "--last", "1", "--format", "json"],
                             capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise BenchmarkError(f"drom report exited {out.returncode}: {out.stderr[-2000:]}")
        counts: dict[int, int] = {}
        for record in json.loads(out.stdout):
            status = record.get("httpStatus") or 0
            counts[status] = counts.get(status, 0) + 1
        return counts
    return statuses


def _peer_statuses(db: Path) -> dict[int, int]:
    with sqlite3.connect(db) as c:
        rows = c.execute("SELECT status, count(*) FROM harvest h WHERE id = (SELECT max(id) FROM harvest"
                         " WHERE source_id = h.source_id) GROUP BY status").fetchall()
    return {status or 0: n for status, n in rows}


def _index_breakdown(db: Path) -> dict:
    """Bytes per table and index (SQLite's dbstat), for the JSON file."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            rows = c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
        return {name: size for name, size in rows}
    except sqlite3.Error as error:
        return {"unavailable": str(error)}


# MARK: - The scenario


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def run(ctx: Context) -> ScenarioResult:
    feeds = QUICK_FEEDS if ctx.quick else FEEDS
    python = _venv_python(ctx, {"feedparser": "feedparser", "requests": "requests"})
    drom = ctx.drom()
    meta = ensure_network(DATA, feeds, ENTRIES, SEED)
    root = Path(meta["directory"])
    entries = meta["entries"]
    log(f"{NAME}: {root.name}: {feeds} feeds × {ENTRIES} entries, {meta['bytes'] / 1e6:.1f} MB"
        f" ({'reused' if meta['reused'] else 'generated'})")
    for f in meta["files"]:
        warm_page_cache(root / "feeds" / f["file"])

    nginx = Nginx(ctx, root)
    try:
        registry = ctx.output(f"{NAME}-registry.opml")
        write_registry(meta, registry, lambda number, name: nginx.url(number, f"feeds/{name}"))
        conditional = _check_conditional(ctx, nginx.url(0, f"feeds/{meta['files'][0]['file']}"))
        log(f"{NAME}: nginx on 127.0.0.1-{HOSTS} port {nginx.port}; curl: conditional GET → 304")
        tools = [
            Harvester("peer_harvest.py (feedparser, requests, 16 threads)",
                      lambda db: [python, str(BENCH / "peer_harvest.py"), "--registry", str(registry),
                                  "--db", str(db), "--workers", str(CONCURRENCY)],
                      _peer_statuses, ctx.output(f"{NAME}-peer.sqlite")),
            Harvester(f"drom harvest --concurrency {CONCURRENCY}",
                      lambda db: [str(drom), "harvest", "--registry", str(registry), "--db", str(db),
                                  "--concurrency", str(CONCURRENCY)],
                      _drom_statuses(drom), ctx.output(f"{NAME}-drom.sqlite")),
            Harvester(f"drom harvest --concurrency {CONCURRENCY}, {UNSTEMMED} (words folded, not stemmed)",
                      lambda db: ["env", UNSTEMMED, str(drom), "harvest", "--registry", str(registry),
                                  "--db", str(db), "--concurrency", str(CONCURRENCY)],
                      _drom_statuses(drom), ctx.output(f"{NAME}-drom-unstemmed.sqlite")),
        ]
        log(f"{NAME}: one untimed pair each, then {ctx.reps} pairs each (cold + unchanged), alternating")
        for h in tools:  # warm-up: page cache, dynamic loader, nginx's first connections
            _harvest_pair(h, ctx, feeds, entries)
        for rep in range(ctx.reps):
            shift = rep % len(tools)
            for h in tools[shift:] + tools[:shift]:
                cold, unchanged, size = _harvest_pair(h, ctx, feeds, entries)
                h.cold.append(cold)
                h.unchanged.append(unchanged)
                h.index_bytes.append(size)
                log(f"{NAME}: {_key(h)}: cold {cold.wall_s:.2f} s, unchanged {unchanged.wall_s:.3f} s")
    finally:
        nginx.stop()

    peer, dr, unstemmed = tools
    rows: list[Row] = []
    details: dict = {
        "network": {k: v for k, v in meta.items() if k != "files"},
        "hosts": HOSTS, "concurrency": CONCURRENCY, "nginx_version": first_line([nginx.binary, "-v"]),
        "nginx_peak_rss_mb": round(nginx.measurement.peak_rss_mb, 2) if nginx.measurement else None,
        "peer_versions": _module_versions(python, ["feedparser", "requests"]),
        "conditional_get_check": conditional, "runs": {},
        # e.g. the note when there is no Vocabularies/ folder (drom runs from the repository root)
        "drom_stderr_cold": ctx.output(f"{NAME}-drom-cold.err").read_text(errors="replace").splitlines()[:5],
    }
    quick = " (not judged with --quick)" if ctx.quick else ""
    label = {
        "cold": f"cold: {feeds} feeds × {ENTRIES}, {meta['bytes'] / 1e6:.1f} MB, {HOSTS} hosts",
        "unchanged": f"unchanged: {feeds} feeds, all 304",
    }
    targets = {"cold": COLD_TARGET, "unchanged": UNCHANGED_TARGET}
    for phase in ("cold", "unchanged"):
        rates = {}
        for h in tools:
            runs = getattr(h, phase)
            median = _median([m.wall_s for m in runs])
            best = min(m.wall_s for m in runs)
            feeds_min = feeds / median * 60
            entries_s = entries / median
            rates[h.name] = feeds_min
            is_drom = h is dr
            r = ratio(feeds_min, rates[peer.name]) if h is not peer else None
            target = f"≥ {targets[phase]:,} feeds/min{quick}" if is_drom else "peer"
            if h is unstemmed:
                target = "(no target: the figure without stemming, for comparison)"
            met = None if (not is_drom or ctx.quick) else feeds_min >= targets[phase]
            rows.append(Row(NAME, h.name, label[phase], median, best, feeds_min,
                            unit=f"feeds/min ({entries_s:,.0f} entries/s)",
                            peak_rss_mb=max(m.peak_rss_mb for m in runs), ratio=r, target=target, met=met))
            details["runs"].setdefault(_key(h), {})[phase] = {
                "argv": runs[0].argv, "times_s": [round(m.wall_s, 4) for m in runs],
                "median_s": round(median, 4), "best_s": round(best, 4),
                "feeds_per_min": round(feeds_min, 1), "entries_per_s": round(entries_s, 1),
                "peak_rss_kib": [m.maxrss_kib for m in runs],
            }
        paired = [p.wall_s / d.wall_s for p, d in zip(getattr(peer, phase), getattr(dr, phase))]
        details["runs"][f"stemmed_over_unstemmed_time_{phase}"] = round(
            _median([m.wall_s for m in getattr(dr, phase)]) / _median([m.wall_s for m in getattr(unstemmed, phase)]), 4)
        details["runs"][f"ratio_per_pair_{phase}"] = [round(x, 4) for x in sorted(paired)]

    drom_rss = max(m.peak_rss_mb for m in dr.cold + dr.unchanged + unstemmed.cold + unstemmed.unchanged)
    peer_rss = max(m.peak_rss_mb for m in peer.cold + peer.unchanged)
    rows.append(Row(NAME, "drom harvest: peak RSS", "cold and unchanged runs", peak_rss_mb=drom_rss,
                    ratio=ratio(drom_rss, peer_rss), ratio_note=f"of the peer's {peer_rss:.1f} MB",
                    target=f"< {RSS_TARGET} MB{quick}", met=None if ctx.quick else drom_rss < RSS_TARGET))
    for h in tools:
        size = max(h.index_bytes)
        rows.append(Row(NAME, f"{_key(h)}: index size", "database after a cold run",
                        ratio=size / meta["bytes"],
                        ratio_note=f"{size / 1e6:.1f} MB ÷ {meta['bytes'] / 1e6:.1f} MB of feeds;"
                                   f" {size / meta['text_bytes']:.1f} × their text",
                        target="(no target)"))
        details["runs"][_key(h)]["index"] = {
            "bytes": h.index_bytes, "over_feed_bytes": round(size / meta["bytes"], 4),
            "over_text_bytes": round(size / meta["text_bytes"], 4),
            "by_table_after_unchanged_run": _index_breakdown(h.db),
        }
        details["runs"][_key(h)]["says"] = h.summaries
    return ScenarioResult(rows, details)


SCENARIO = Scenario(
    name=NAME,
    summary=f"harvest {FEEDS} generated feeds of {ENTRIES} entries from nginx on loopback, cold then unchanged "
            f"(--quick: {QUICK_FEEDS} feeds)",
    peer="peer_harvest.py: feedparser + requests (16 threads) + sqlite3 FTS5, conditional GET (PyPI)",
    target=f"cold ≥ {COLD_TARGET:,} feeds/min; unchanged ≥ {UNCHANGED_TARGET:,} feeds/min, all 304; "
           f"peak RSS < {RSS_TARGET} MB",
    run=run,
)
