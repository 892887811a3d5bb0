#!/usr/bin/env python3
"""Drom's benchmarks: each scenario beside its peer, on the same machine, as ratios.

    Benchmarks/run                 every scenario, full size
    Benchmarks/run feed-parse      only the named scenarios
    Benchmarks/run --quick         small data, fewer runs: a smoke test of the harness

Prints a table (Markdown) to stdout and writes it as JSON under Benchmarks/results/.
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import traceback
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the working tree
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scenario_export  # noqa: E402
import scenario_feed_parse  # noqa: E402
import scenario_harvest  # noqa: E402
import scenario_import  # noqa: E402
import scenario_serve  # noqa: E402
import scenario_serve_million  # noqa: E402
from harness import (RESULTS, BenchmarkError, Context, Row, Scenario, git_state, log,  # noqa: E402
                     machine, measure, write_json)

# The registry: one entry per scenario, in the order they run. A new scenario is a module
# `scenario_<name>.py` with a `SCENARIO`, and one more line here.
SCENARIOS: list[Scenario] = [
    scenario_feed_parse.SCENARIO,
    scenario_harvest.SCENARIO,
    scenario_serve.SCENARIO,
    scenario_serve_million.SCENARIO,
    scenario_export.SCENARIO,
    scenario_import.SCENARIO,
]
BY_NAME = {s.name: s for s in SCENARIOS}

COLUMNS = ["scenario", "tool", "input", "median s", "best s", "throughput", "peak RSS MB",
           "ratio vs peer", "target"]


def cells(row: Row) -> list[str]:
    def num(value, digits):
        return "" if value is None else f"{value:.{digits}f}"
    ratio = "" if row.ratio is None else f"{row.ratio:.{2 if row.ratio >= 0.1 else 3}f}"
    if row.ratio_note:
        ratio = f"{ratio} ({row.ratio_note})"
    target = row.target
    if row.met is not None:
        target += ": met" if row.met else ": NOT MET"
    throughput = "" if row.throughput is None else f"{row.throughput:.1f} {row.unit}"
    return [row.scenario, row.tool, row.input, num(row.median_s, 3), num(row.best_s, 3), throughput,
            num(row.peak_rss_mb, 1), ratio, target]


def table(rows: list[Row]) -> str:
    body = [cells(r) for r in rows]
    widths = [max(len(c), *(len(b[i]) for b in body)) if body else len(c) for i, c in enumerate(COLUMNS)]
    right = {3, 4, 5, 6, 7}

    def line(values):
        return "| " + " | ".join(v.rjust(w) if i in right else v.ljust(w)
                                 for i, (v, w) in enumerate(zip(values, widths))) + " |"
    separator = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2))
                               for i, w in enumerate(widths)) + "|"
    return "\n".join([line(COLUMNS), separator, *(line(b) for b in body)])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="Benchmarks/run", description="Run Drom's benchmarks beside their peers; see docs/performance.md.")
    parser.add_argument("scenarios", nargs="*", metavar="scenario",
                        help=f"scenarios to run (default: all): {', '.join(BY_NAME)}")
    parser.add_argument("--quick", action="store_true", help="small data and 2 runs each: a smoke test")
    parser.add_argument("--reps", type=int, help="timed runs per tool (default 5; --quick: 2)")
    parser.add_argument("--no-build", action="store_true", help="use the existing .build/release/drom")
    parser.add_argument("--strict", action="store_true", help="exit 2 when a target is not met")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = parser.parse_args(argv)

    if args.list:
        for s in SCENARIOS:
            print(f"{s.name}\n  measures: {s.summary}\n  peer:     {s.peer}\n  target:   {s.target}")
        return 0
    unknown = [name for name in args.scenarios if name not in BY_NAME]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    chosen = [BY_NAME[n] for n in args.scenarios] if args.scenarios else SCENARIOS
    reps = args.reps or (2 if args.quick else 5)
    if reps < 1:
        parser.error("--reps must be at least 1")

    ctx = Context(quick=args.quick, reps=reps, build=not args.no_build)
    started = dt.datetime.now().astimezone()
    record = {
        "date": started.isoformat(timespec="seconds"), "quick": args.quick, "reps": reps,
        "machine": machine(), "git": git_state(), "scenarios": {},
    }
    launch = sorted(measure(["true"]).wall_s for _ in range(5))
    record["machine"]["launch_overhead_s"] = round(launch[2], 4)  # GNU time + exec, in every figure
    rows: list[Row] = []
    failures: list[str] = []
    for scenario in chosen:
        log(f"{scenario.name}: {scenario.summary}")
        t0 = time.monotonic()
        try:
            result = scenario.run(ctx)
        except BenchmarkError as error:
            failures.append(scenario.name)
            print(f"\n{scenario.name}: FAILED\n{error}\n", file=sys.stderr)
            record["scenarios"][scenario.name] = {"failed": str(error)}
            continue
        except Exception:  # a bug in the harness: still report the other scenarios
            failures.append(scenario.name)
            traceback.print_exc()
            record["scenarios"][scenario.name] = {"failed": traceback.format_exc()}
            continue
        rows += result.rows
        record["scenarios"][scenario.name] = {
            "peer": scenario.peer, "target": scenario.target,
            "seconds": round(time.monotonic() - t0, 1),
            "rows": [r.as_dict() for r in result.rows], "details": result.details,
        }
    if ctx._drom:
        record["drom_binary_built"] = dt.datetime.fromtimestamp(ctx._drom.stat().st_mtime).astimezone().isoformat(timespec="seconds")

    m = record["machine"]
    print(f"\nDrom benchmarks, {record['date']}, {m['cores']} cores, {m['cpu'] or 'unknown CPU'}"
          f"{' (--quick)' if args.quick else ''}; {reps} runs each, alternating; throughput from the median\n")
    print(table(rows) if rows else "(no results)")
    missed = [r for r in rows if r.met is False]
    if failures:
        print(f"\nFAILED: {', '.join(failures)} (see above)")
    record["targets_missed"] = len(missed)

    stamp = started.strftime("%Y%m%d-%H%M%S") + ("-quick" if args.quick else "")
    path = RESULTS / f"{stamp}.json"
    write_json(path, record)
    write_json(RESULTS / "latest.json", record)
    print(f"\nresults: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    if failures:
        return 1
    if args.strict and missed:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
