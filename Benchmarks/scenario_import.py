"""import: `drom import` of a generated 50 000-row practices sheet (CSV, XLSX, ODS) to an Atom feed,
beside Python reading the same files (the csv module; openpyxl read-only; pandas.read_excel)
and writing the same entries (Benchmarks/peer_import.py).

The sheet: Benchmarks/gen_sheet.py (seed 1), the shape of Importers/samples/praktiker.csv, read
with Importers/profiles/practices.yaml. Drom runs from the repository root (Vocabularies/) with
`--now 2026-12-01`, so that consents are judged on a fixed day; every run must exit 0, say it read
every row and made as many entries with no error and exactly one warning per card the generator
left without a valid consent, and the feed must hold one <entry> per row. Each fresh run's feed
is moved aside after the check, so every run imports into an empty place; the re-import row
keeps its feed, so each of its runs reads the last feed first, as a partner's second import does.

Targets (Importers issue: "read as streams: a 50 000-row sheet imports in seconds with flat
memory"): median < 10 s for 50 000 rows, in every format; Drom's peak RSS on 50 000 rows ≤ 1.5 ×
its peak RSS on 5 000 rows. The ratio against the peer is printed, with no target.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Optional

from gen_sheet import ensure_sheet
from harness import (DATA, ROOT, BenchmarkError, Candidate, Context, Measurement, Row, Scenario,
                     ScenarioResult, alternate, log, ratio, warm_page_cache)
from scenario_harvest import _module_versions, _venv_python

NAME = "import"
SEED = 1
MAX_SECONDS = 10.0  # "imports in seconds": the median for the large sheet
MAX_RSS_GROWTH = 1.5  # peak RSS on the large sheet over the small one (10 × the rows)
NOW = "2026-12-01"
PROFILE = ROOT / "Importers" / "profiles" / "practices.yaml"
OPENPYXL_VERSION, PANDAS_VERSION = "3.1.5", "3.1.1"
REQUIREMENTS = [f"openpyxl=={OPENPYXL_VERSION}", f"pandas=={PANDAS_VERSION}"]

DROM_SUMMARY = re.compile(
    r"(\d+) rows read, (\d+) entries(?: \((\d+) translations\))?, (\d+) rows left out; "
    r"(\d+) errors?, (\d+) warnings?")
PEER_SUMMARY = re.compile(r"(\d+) rows read, (\d+) entries, (\d+) cards left out; (\d+) errors?, (\d+) warnings?")


def _peer_python(ctx: Context) -> tuple[str, dict]:
    """The venv's Python with openpyxl and pandas at the pinned versions."""
    python = _venv_python(ctx, {"openpyxl": REQUIREMENTS[0], "pandas": REQUIREMENTS[1]})
    versions = _module_versions(python, ["openpyxl", "pandas", "numpy"])
    if versions.get("openpyxl") != OPENPYXL_VERSION or versions.get("pandas") != PANDAS_VERSION:
        log(f"{NAME}: pip install {' '.join(REQUIREMENTS)} (found {versions})")
        if subprocess.call([python, "-m", "pip", "install", "--quiet", *REQUIREMENTS]) != 0:
            raise BenchmarkError(f"pip install {' '.join(REQUIREMENTS)} failed")
        versions = _module_versions(python, ["openpyxl", "pandas", "numpy"])
    return python, versions


def _count_entries(path: Path) -> int:
    """<entry> elements in a feed, read in chunks."""
    count, tail = 0, b""
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            window = tail + chunk
            # The 6 bytes carried over cannot hold a whole match (7 bytes): nothing counts twice.
            count += len(re.findall(rb"<entry[ >]", window))
            tail = window[-6:]
    return count


def _stderr(m: Measurement) -> str:
    return m.stderr.read_text(errors="replace") if m.stderr and m.stderr.exists() else ""


def _drom_verifier(out: Path, meta: dict, keep: bool):
    rows, left_out = meta["rows"], meta["cards_left_out"]

    def verify(m: Measurement) -> None:
        text = _stderr(m)
        if m.exit_code != 0:
            problems = [line for line in text.splitlines() if ": error: " in line][:10]
            raise BenchmarkError(f"drom import exited {m.exit_code} on {Path(m.argv[4]).name}; first errors:\n"
                                 + ("\n".join(problems) or m.stderr_tail()))
        found = DROM_SUMMARY.search(text)
        if not found:
            raise BenchmarkError(f"drom import printed no summary line:\n{m.stderr_tail()}")
        read, entries, _, _, errors, warnings = (int(g) if g else 0 for g in found.groups())
        if (read, entries, errors) != (rows, rows, 0):
            raise BenchmarkError(f"drom import: {found.group(0)}; expected {rows} rows read, {rows} entries, 0 errors")
        if warnings != left_out:
            raise BenchmarkError(f"drom import gave {warnings} warnings; the sheet has {left_out} named "
                                 f"people without a valid consent on {NOW} (a warning each)")
        if not out.exists():
            raise BenchmarkError(f"drom import wrote no {out}")
        written = _count_entries(out)
        if written != rows:
            raise BenchmarkError(f"{out.name} has {written} <entry> elements, the sheet {rows} rows")
        if not keep:  # the next run imports into an empty place
            out.replace(out.with_name(out.name + ".checked"))
    return verify


def _peer_verifier(out: Path, meta: dict):
    rows, left_out = meta["rows"], meta["cards_left_out"]

    def verify(m: Measurement) -> None:
        text = _stderr(m)
        if m.exit_code != 0:
            raise BenchmarkError(f"peer_import.py exited {m.exit_code}\n{m.stderr_tail()}")
        found = PEER_SUMMARY.search(text)
        if not found:
            raise BenchmarkError(f"peer_import.py printed no summary line:\n{m.stderr_tail()}")
        read, entries, cards, errors, _ = map(int, found.groups())
        if (read, entries, cards, errors) != (rows, rows, left_out, 0):
            raise BenchmarkError(f"peer_import.py: {found.group(0)}; expected {rows} rows, {rows} entries, "
                                 f"{left_out} cards left out, 0 errors")
        written = _count_entries(out)
        if written != rows:
            raise BenchmarkError(f"{out.name} has {written} <entry> elements, the sheet {rows} rows")
        out.replace(out.with_name(out.name + ".checked"))
    return verify


def _drom_says(path: Optional[Path]) -> dict:
    """The last run's summary line and its problems by code (for the JSON file)."""
    if not path or not path.exists():
        return {}
    codes: dict[str, int] = {}
    summary = ""
    for line in path.read_text(errors="replace").splitlines():
        found = re.search(r": (error|warning): (\S+) ", line)
        if found:
            key = f"{found.group(1)} {found.group(2)}"
            codes[key] = codes.get(key, 0) + 1
        elif DROM_SUMMARY.search(line):
            summary = line
    return {"summary": summary, "problems_by_code": codes}


FORMATS = {"csv": "CSV", "xlsx": "XLSX", "xlsx-shared": "XLSX, shared strings", "ods": "ODS"}


def _label(fmt: str, meta: dict) -> str:
    size = meta["files"][fmt]["bytes"] / 1e6
    return f"{FORMATS[fmt]} {meta['rows']:,} rows, {size:.1f} MB"


def run(ctx: Context) -> ScenarioResult:
    if Path.cwd().resolve() != ROOT:
        raise BenchmarkError(f"run from the repository root ({ROOT}), so that drom loads Vocabularies/")
    small_rows, large_rows = (500, 2_000) if ctx.quick else (5_000, 50_000)
    python, versions = _peer_python(ctx)
    drom = ctx.drom()
    peer_script = str(ROOT / "Benchmarks" / "peer_import.py")

    def drom_argv(file: str, out: Path) -> list[str]:
        return [str(drom), "import", "--profile", str(PROFILE.relative_to(ROOT)), file,
                "--out", str(out), "--now", NOW]

    def peer_argv(reader: str, file: str, out: Path) -> list[str]:
        return [python, peer_script, "--reader", reader, file, "--out", str(out), "--now", NOW]

    rows: list[Row] = []
    details: dict = {"peer_versions": versions, "drom_binary": str(drom), "now": NOW, "sheets": {}}
    drom_series: dict[tuple[str, int], object] = {}  # (tool key, rows) → Series

    for count in (small_rows, large_rows):
        meta = ensure_sheet(DATA, count, SEED, python)
        files = {fmt: meta["files"][fmt]["path"] for fmt in FORMATS}
        made = "reused" if meta["reused"] else f"generated in {meta.get('generated_in_s')} s"
        log(f"{NAME}: {count:,} rows: " + ", ".join(f"{FORMATS[fmt]} {meta['files'][fmt]['bytes'] / 1e6:.1f} MB" for fmt in files)
            + f" ({made})")
        for path in files.values():
            warm_page_cache(Path(path))
        is_main = count == large_rows
        size_note = "" if is_main else f"({count:,} rows: memory check)"
        sheet_details: dict = {"meta": meta, "groups": {}}

        def out(key: str) -> Path:
            return ctx.output(f"{NAME}-{count}-{key}.xml")

        def err(key: str) -> Path:
            return ctx.output(f"{NAME}-{count}-{key}.err")

        def drom_candidate(key: str, name: str, fmt: str, keep: bool = False) -> tuple[str, Candidate]:
            target = out(key)
            if not keep:
                target.unlink(missing_ok=True)  # a fresh import: no last feed to read
            return key, Candidate(name, drom_argv(files[fmt], target), stderr=err(key),
                                  verify=_drom_verifier(target, meta, keep))

        def peer_candidate(key: str, name: str, reader: str, fmt: str) -> Candidate:
            return Candidate(name, peer_argv(reader, files[fmt], out(key)), stderr=err(key),
                             verify=_peer_verifier(out(key), meta))

        groups = [
            ("csv", [peer_candidate("peer-csv", "peer_import.py: csv module", "csv", "csv")],
             [drom_candidate("drom-csv", "drom import", "csv"),
              drom_candidate("drom-csv-again", "drom import, again over its last feed", "csv", keep=True)]),
            ("xlsx", [peer_candidate("peer-openpyxl", "peer_import.py: openpyxl read-only", "openpyxl", "xlsx"),
                      peer_candidate("peer-pandas", "peer_import.py: pandas.read_excel (openpyxl)", "pandas", "xlsx")],
             [drom_candidate("drom-xlsx", "drom import", "xlsx")]),
            ("xlsx-shared", [peer_candidate("peer-openpyxl-shared", "peer_import.py: openpyxl read-only", "openpyxl",
                                            "xlsx-shared")],
             [drom_candidate("drom-xlsx-shared", "drom import", "xlsx-shared")]),
            ("ods", [], [drom_candidate("drom-ods", "drom import", "ods")]),
        ]
        for fmt, peers, droms in groups:
            log(f"{NAME}: {count:,} rows, {FORMATS[fmt]}: {ctx.reps} runs each"
                + (", alternating" if len(peers) + len(droms) > 1 else ""))
            series = alternate(peers + [c for _, c in droms], ctx.reps)
            peer_series, own = series[:len(peers)], series[len(peers):]
            label = _label(fmt, meta)
            rate = {id(s): count / s.median_s for s in series}
            for s in peer_series:
                rows.append(Row(NAME, s.candidate.name, label, s.median_s, s.best_s, rate[id(s)], unit="rows/s",
                                peak_rss_mb=s.peak_rss_mb, target="peer"))
            main_peer = peer_series[0] if peer_series else None
            for s, (key, candidate) in zip(own, droms):
                r = ratio(rate[id(s)], rate[id(main_peer)]) if main_peer else None
                note = ""
                if len(peer_series) > 1:
                    note = "; ".join(f"{ratio(rate[id(s)], rate[id(p)]):.2f} × {p.candidate.name.split(': ')[1].split(' ')[0]}"
                                     for p in peer_series[1:])
                elif main_peer is None:
                    note = "no peer"
                if is_main:
                    target, met = f"median < {MAX_SECONDS:g} s", s.median_s < MAX_SECONDS
                else:
                    target, met = size_note, None
                rows.append(Row(NAME, f"{candidate.name} ({FORMATS[fmt]})", label, s.median_s, s.best_s, rate[id(s)],
                                unit="rows/s", peak_rss_mb=s.peak_rss_mb, ratio=r, ratio_note=note,
                                target=target, met=met))
                drom_series[(key, count)] = s
            group = {"series": {s.candidate.name: s.summary() for s in series}}
            if main_peer:
                for s in own:
                    group.setdefault("ratio_per_pair", {})[s.candidate.name] = sorted(
                        round(p.wall_s / d.wall_s, 4) for p, d in zip(main_peer.runs, s.runs))
            group["drom_says"] = {c.name: _drom_says(c.stderr) for _, c in droms}
            sheet_details["groups"][fmt] = group
        details["sheets"][f"{count}rows"] = sheet_details

    details["memory"] = {}
    for key, title in (("drom-csv", "drom import (CSV)"), ("drom-csv-again", "drom import, again over its last feed (CSV)"),
                       ("drom-xlsx", "drom import (XLSX)"), ("drom-xlsx-shared", "drom import (XLSX, shared strings)"),
                       ("drom-ods", "drom import (ODS)")):
        small, large = drom_series[(key, small_rows)], drom_series[(key, large_rows)]
        growth = ratio(large.peak_rss_mb, small.peak_rss_mb)
        rows.append(Row(NAME, f"{title}: peak RSS", f"{small_rows:,} → {large_rows:,} rows",
                        peak_rss_mb=large.peak_rss_mb, ratio=growth,
                        ratio_note=f"RSS {small.peak_rss_mb:.1f} → {large.peak_rss_mb:.1f} MB",
                        target=f"≤ {MAX_RSS_GROWTH} × (flat)",
                        met=growth is not None and growth <= MAX_RSS_GROWTH))
        details["memory"][key] = {
            "peak_rss_mb": {f"{small_rows}rows": round(small.peak_rss_mb, 2), f"{large_rows}rows": round(large.peak_rss_mb, 2)},
            "growth": round(growth, 4) if growth else None,
            "kb_per_row": round((large.peak_rss_mb - small.peak_rss_mb) * 1000 / (large_rows - small_rows), 3),
        }
    return ScenarioResult(rows, details)


SCENARIO = Scenario(
    name=NAME,
    summary="drom import of a generated practices sheet: CSV, XLSX (inline and shared strings), ODS (50 000 rows; --quick: 2 000)",
    peer="Benchmarks/peer_import.py: Python's csv module; openpyxl read-only; pandas.read_excel (openpyxl engine)",
    target=f"median < {MAX_SECONDS:g} s for 50 000 rows; peak RSS on 50 000 rows ≤ {MAX_RSS_GROWTH} × on 5 000",
    run=run,
)
