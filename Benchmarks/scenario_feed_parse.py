"""feed-parse: `drom validate` on a generated RSS feed beside `xmllint --stream --noout`.

xmllint streams the same file through libxml2 and does nothing else: the ceiling for a parser
built on libxml2. Drom streams it too, and also extracts, adapts and sanitises every entry and
counts it. Target (Feeds issue): at least 0.5 of xmllint's throughput, every entry extracted,
memory that does not grow with the feed (checked by running drom on a feed 1/5 the size).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from gen_feed import ensure_feed
from harness import (DATA, BenchmarkError, Candidate, Context, Measurement, Row, Scenario,
                     ScenarioResult, alternate, first_line, log, ratio, warm_page_cache)

NAME = "feed-parse"
MIN_RATIO = 0.5  # of xmllint's throughput
MAX_RSS_GROWTH = 1.2  # peak RSS on the large feed over the small one (5x the bytes)
SEED = 1


def _drom_verifier(expected_items: int):
    def verify(m: Measurement) -> None:
        text = m.stdout.read_text(errors="replace") if m.stdout and m.stdout.exists() else ""
        try:
            summary = json.loads(text)
        except json.JSONDecodeError:
            summary = None
        if m.exit_code != 0:
            detail = m.stderr_tail()
            if summary:
                diagnostics = [d for f in summary.get("feeds", []) for d in f.get("diagnostics", [])]
                diagnostics.sort(key=lambda d: d.get("severity") != "error")
                detail = "\n".join(
                    f"{d['location']['file']}:{d['location']['line']}:{d['location']['column']}: "
                    f"{d['severity']}: {d['code']} {d['message']}" for d in diagnostics[:10]) or detail
            raise BenchmarkError(f"drom validate exited {m.exit_code} on {m.argv[-1]}; first diagnostics:\n{detail}")
        if summary is None:
            raise BenchmarkError(f"drom validate printed no JSON summary ({m.stdout})")
        if summary.get("entries") != expected_items:
            raise BenchmarkError(
                f"drom validate read {summary.get('entries')} entries, the feed has {expected_items}: "
                "not everything was extracted")
    return verify


def _xmllint_verifier(m: Measurement) -> None:
    if m.exit_code != 0:
        raise BenchmarkError(f"xmllint exited {m.exit_code} on {m.argv[-1]}\n{m.stderr_tail()}")


def _drom_facts(path: Path) -> dict:
    """What drom said about the feed in its last run (for the JSON file)."""
    summary = json.loads(path.read_text())
    feed = summary["feeds"][0]
    codes = Counter(f"{d['severity']} {d['code']}" for d in feed["diagnostics"])
    return {
        "entries": summary["entries"], "errors": summary["errors"], "warnings": summary["warnings"],
        "notes": feed.get("notes"), "kinds": feed.get("kinds"), "languages": feed.get("languages"),
        "diagnostics_by_code": dict(codes), "json_output_bytes": path.stat().st_size,
    }


def run(ctx: Context) -> ScenarioResult:
    small_mb, large_mb = (1, 5) if ctx.quick else (10, 50)
    xmllint = ctx.debian_tool("xmllint", "libxml2-utils")
    drom = ctx.drom()

    rows: list[Row] = []
    details: dict = {"xmllint_version": first_line([xmllint, "--version"]), "feeds": {}}
    drom_by_size: dict[float, object] = {}
    for mb in (small_mb, large_mb):
        meta = ensure_feed(DATA, mb, SEED)
        path = Path(meta["path"])
        log(f"{NAME}: {path.name}: {meta['bytes'] / 1e6:.1f} MB, {meta['items']} items"
            f" ({'reused' if meta['reused'] else 'generated'})")
        warm_page_cache(path)
        out = ctx.output(f"{NAME}-{mb:g}MB-drom.json")
        candidates = [
            Candidate("xmllint --stream --noout", [xmllint, "--stream", "--noout", str(path)],
                      stderr=ctx.output(f"{NAME}-xmllint.err"), verify=_xmllint_verifier),
            Candidate("drom validate", [str(drom), "validate", "--format", "json", "--max-bytes",
                                        "200000000", str(path)],
                      stdout=out, stderr=ctx.output(f"{NAME}-drom.err"),
                      verify=_drom_verifier(meta["items"])),
        ]
        log(f"{NAME}: {mb:g} MB, {ctx.reps} runs each, alternating")
        peer, drom_series = alternate(candidates, ctx.reps)

        size_mb = meta["bytes"] / 1e6
        label = f"RSS {size_mb:.1f} MB, {meta['items']} items"
        peer_rate = size_mb / peer.median_s
        drom_rate = size_mb / drom_series.median_s
        r = ratio(drom_rate, peer_rate)
        is_main = mb == large_mb
        rows.append(Row(NAME, peer.candidate.name, label, peer.median_s, peer.best_s, peer_rate,
                        peak_rss_mb=peer.peak_rss_mb, target="peer (ceiling)"))
        rows.append(Row(NAME, drom_series.candidate.name, label, drom_series.median_s, drom_series.best_s,
                        drom_rate, peak_rss_mb=drom_series.peak_rss_mb, ratio=r,
                        target=f"≥ {MIN_RATIO} × xmllint" if is_main else "(smaller feed: memory check)",
                        met=(r >= MIN_RATIO) if is_main else None))
        paired = sorted(p.wall_s / d.wall_s for p, d in zip(peer.runs, drom_series.runs))
        details["feeds"][f"{mb:g}MB"] = {
            "file": path.name, "bytes": meta["bytes"], "items": meta["items"],
            "item_bytes": meta.get("item_bytes"),
            "xmllint": peer.summary(), "drom": drom_series.summary(),
            "ratio_of_medians": round(r, 4) if r else None,
            "ratio_best": round(peer.best_s / drom_series.best_s, 4),
            "ratio_per_pair": [round(x, 4) for x in paired],
            "drom_says": _drom_facts(out),
        }
        drom_by_size[mb] = drom_series

    small, large = drom_by_size[small_mb], drom_by_size[large_mb]
    growth = ratio(large.peak_rss_mb, small.peak_rss_mb)
    rows.append(Row(
        NAME, "drom validate: peak RSS", f"{small_mb:g} MB → {large_mb:g} MB feed",
        peak_rss_mb=large.peak_rss_mb, ratio=growth,
        ratio_note=f"RSS {small.peak_rss_mb:.1f} → {large.peak_rss_mb:.1f} MB",
        target=f"≤ {MAX_RSS_GROWTH} × (flat)", met=growth is not None and growth <= MAX_RSS_GROWTH))
    details["memory"] = {
        "small_mb": small_mb, "large_mb": large_mb,
        "drom_peak_rss_mb": {f"{small_mb:g}MB": round(small.peak_rss_mb, 2), f"{large_mb:g}MB": round(large.peak_rss_mb, 2)},
        "growth": round(growth, 4) if growth else None,
        "rss_mb_per_feed_mb": round((large.peak_rss_mb - small.peak_rss_mb) / (large_mb - small_mb), 4),
    }
    return ScenarioResult(rows, details)


SCENARIO = Scenario(
    name=NAME,
    summary="stream, extract and sanitise every entry of a generated RSS feed (50 MB; --quick: 5 MB)",
    peer="xmllint --stream --noout (libxml2-utils): libxml2 parsing and nothing else, the ceiling",
    target=f"throughput ≥ {MIN_RATIO} × xmllint's; all entries read; peak RSS on 50 MB ≤ {MAX_RSS_GROWTH} × on 10 MB",
    run=run,
)
