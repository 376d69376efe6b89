"""Run a command and measure its whole process tree: wall time, peak total RSS, CPU time.

Standard library only (Linux /proc). The command starts in a new session; every process
of that session (the command, its children and grandchildren, even when reparented) is
summed at each sample, so the peak covers ``npx`` -> CDK CLI (node) -> app (python) ->
jsii runtime (node) together. RSS is summed per process, so pages shared between
processes count once per process, as ``ps`` shows them.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
PROC = Path("/proc")


@dataclass(frozen=True)
class Measured:
    """One run of a command."""

    returncode: int
    timed_out: bool
    wall_s: float
    cpu_s: float  # user + system of every reaped descendant
    peak_rss_bytes: int  # peak of the summed RSS of the session's processes
    peak_processes: int  # most processes seen at once
    role_peaks: dict[str, int]  # kind of process -> its own peak RSS (bytes)
    samples: int
    stdout: str
    stderr: str


def role(pid: int) -> str:
    """What a process of a synth is, from its command line."""
    try:
        argv = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return "gone"
    if not argv or not argv[0]:  # exiting (or a zombie): its command line is gone
        return "gone"
    text = b" ".join(argv).decode(errors="replace")
    program = Path(argv[0].decode(errors="replace")).name
    if program in {"sh", "bash", "dash"}:
        return "shell"
    if text.startswith("npm ") or "/npm" in program or "npx-cli" in text:
        return "npx (npm exec, node)"
    if "jsii-runtime.js" in text:
        return "jsii relay (node)"
    if "program.js" in text:
        return "jsii kernel (node)"
    if "bin/cdk" in text:
        return "CDK CLI (node)"
    if program.startswith("python"):
        return "CDK app (python)"
    return program


def _stat(pid: int) -> tuple[int, int] | None:
    """(session id, RSS bytes) of a process, or None when it is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_bytes()
    except OSError:  # the process ended between listing and reading
        return None
    # pid (comm) state ppid pgrp session ... rss ...; comm may hold spaces and parentheses.
    fields = stat[stat.rfind(b")") + 2 :].split()
    return int(fields[3]), int(fields[21]) * PAGE_SIZE


class SessionScanner:
    """Finds the live processes of one session and their RSS.

    A process never joins another session after it starts, so each pid outside the
    session is read once and then skipped while it lives: a sample costs one listing of
    /proc plus one read per process of the session.
    """

    def __init__(self, session: int) -> None:
        self.session = session
        self._outside: set[int] = set()

    def scan(self) -> dict[int, int]:
        """RSS (bytes) of every live process of the session, by pid."""
        pids = {int(name) for name in os.listdir(PROC) if name.isdigit()}
        self._outside &= pids  # forget ended processes: their pids may be reused
        found = {}
        for pid in pids - self._outside:
            stat = _stat(pid)
            if stat is None:
                continue
            session, rss = stat
            if session == self.session:
                found[pid] = rss
            else:
                self._outside.add(pid)
        return found


class _Sampler(threading.Thread):
    def __init__(self, session: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.session = session
        self.interval = interval
        self.peak_rss = 0
        self.peak_processes = 0
        self.samples = 0
        self.process_peaks: dict[int, int] = {}
        self.roles: dict[int, str] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        scanner = SessionScanner(self.session)
        while not self._stop_event.is_set():
            live = scanner.scan()
            self.peak_rss = max(self.peak_rss, sum(live.values()))
            self.peak_processes = max(self.peak_processes, len(live))
            self.samples += 1
            for pid, process_rss in live.items():
                self.process_peaks[pid] = max(self.process_peaks.get(pid, 0), process_rss)
                # Re-read each time: a forked child shows its parent's command line until exec.
                kind = role(pid)
                if kind != "gone":
                    self.roles[pid] = kind
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)

    def role_peaks(self) -> dict[str, int]:
        """Highest RSS of each kind of process (summed over processes of the same kind)."""
        peaks: dict[str, int] = {}
        for pid, rss in self.process_peaks.items():
            name = self.roles.get(pid, "other")
            peaks[name] = peaks.get(name, 0) + rss
        return peaks


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout_s: float,
    interval_s: float = 0.05,
) -> Measured:
    """Run ``command`` to completion (or kill its whole session after ``timeout_s``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        cpu_before = _children_cpu()
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        sampler = _Sampler(process.pid, interval_s)
        sampler.start()
        timed_out = False
        try:
            returncode = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_session(process.pid)
            returncode = process.wait(timeout=30)
        except BaseException:  # Ctrl-C: leave nothing running behind us
            _kill_session(process.pid)
            process.wait(timeout=30)
            raise
        finally:
            wall = time.perf_counter() - start
            sampler.stop()
        # Whatever the command left running in its session (normally nothing).
        if SessionScanner(process.pid).scan():
            _kill_session(process.pid)
        cpu = _children_cpu() - cpu_before
        out.seek(0)
        err.seek(0)
        return Measured(
            returncode=returncode,
            timed_out=timed_out,
            wall_s=wall,
            cpu_s=cpu,
            peak_rss_bytes=sampler.peak_rss,
            peak_processes=sampler.peak_processes,
            role_peaks=sampler.role_peaks(),
            samples=sampler.samples,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
        )


def _kill_session(session: int) -> None:
    """SIGKILL the process group we created (its id is the session leader's pid)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(session, signal.SIGKILL)
