"""Kamailio and SIPp on loopback for the SIP tests and bench/sip_load.py.

Kamailio runs deploy/kamailio/kamailio.cfg with its defines set on the command line (kefu's URL and
token, the timers); SIPp plays the agents' softphones (one UAS instance per behaviour, every agent of
that behaviour registered with the instance's port as contact) and the callers (one UAC run each).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "kamailio" / "kamailio.cfg"
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
HOTLINE = "10086"


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    """A loopback port free for UDP and TCP alike (SIPp also opens a TCP socket on its port)."""
    while True:
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                t.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue


def tools_missing() -> list[str]:
    return [name for name in ("kamailio", "sipp") if shutil.which(name) is None]


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Kamailio:
    """A Kamailio process running the repository's configuration on 127.0.0.1:``port``."""

    workdir: Path
    kefu_url: str
    token: str
    port: int = 0
    defines: dict[str, str | int] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    log: Path | None = None

    def start(self) -> Kamailio:
        self.port = self.port or free_port()
        run = self.workdir / "kamailio-run"
        run.mkdir(parents=True, exist_ok=True)
        self.log = self.workdir / "kamailio.log"
        values: dict[str, str | int] = {
            "KEFU_URL": self.kefu_url,
            "KEFU_TOKEN": self.token,
            "RPC_FIFO": str(run / "rpc.fifo"),
        } | self.defines
        args = ["kamailio", "-f", str(CONFIG), "-DD", "-E", "-m", "128", "-M", "16",
                "-l", f"udp:127.0.0.1:{self.port}", "-Y", str(run), "-P", str(run / "kamailio.pid")]  # fmt: skip
        for name, value in values.items():
            if value is True:
                args += ["-A", name]
            elif isinstance(value, int):
                args += ["-A", f"{name}={value}"]
            else:
                args += ["-A", f"{name}={_quoted(str(value))}"]
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=self.workdir)
        deadline = time.monotonic() + 30
        while not self._listening():
            if self.process.poll() is not None:
                raise RuntimeError(f"kamailio stopped: {self.log_text()[-3000:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"kamailio did not answer in 30 s: {self.log_text()[-3000:]}")
            time.sleep(0.1)
        return self

    def _listening(self) -> bool:
        """An OPTIONS to the proxy answers (404: not a hotline) once its SIP workers run."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.5)
            s.bind(("127.0.0.1", 0))
            me = s.getsockname()[1]
            probe = (
                f"OPTIONS sip:probe@127.0.0.1:{self.port} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bK-probe{time.monotonic_ns()}\r\n"
                f"From: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:probe@127.0.0.1>\r\n"
                f"Call-ID: probe-{time.monotonic_ns()}@127.0.0.1\r\nCSeq: 1 OPTIONS\r\n"
                "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
            )
            s.sendto(probe.encode(), ("127.0.0.1", self.port))
            try:
                return s.recv(4096).startswith(b"SIP/2.0")
            except OSError:
                return False

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Agents:
    """One SIPp UAS answering for a set of agents (job numbers), all registered with its port."""

    workdir: Path
    proxy_port: int
    jobs: list[str]
    scenario: str = "agent.xml"
    ring_ms: int = 0
    name: str = "agents"
    port: int = 0
    process: subprocess.Popen | None = None

    def start(self) -> Agents:
        self.port = self.port or free_port()
        args = ["sipp", "-sf", str(SCENARIOS / self.scenario), "-i", "127.0.0.1", "-p", str(self.port),
                "-d", str(self.ring_ms), "-nostdin", "-trace_err",
                "-error_file", str(self.workdir / f"{self.name}-errors.log"), "-max_socket", "1000"]  # fmt: skip
        with open(self.workdir / f"{self.name}.out", "wb") as out:
            self.process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=self.workdir)
        self.register()
        return self

    def register(self, jobs: list[str] | None = None) -> None:
        """Every agent's softphone REGISTERs (user = job number, contact = this instance)."""
        jobs = self.jobs if jobs is None else jobs
        csv = self.workdir / f"{self.name}-register.csv"
        csv.write_text("SEQUENTIAL\n" + "".join(f"{job};{self.port}\n" for job in jobs))
        run_sipp(self.workdir, "register.xml", csv, self.proxy_port, calls=len(jobs), rate=200,
                 name=f"{self.name}-register")  # fmt: skip

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def sipp_args(workdir: Path, scenario: str, csv: Path, proxy_port: int, *, calls: int, rate: float,
              hold_ms: int = 0, name: str, service: str = HOTLINE, extra: list[str] | None = None) -> list[str]:  # fmt: skip
    port = free_port()
    return [
        "sipp", f"127.0.0.1:{proxy_port}", "-sf", str(SCENARIOS / scenario), "-inf", str(csv),
        "-i", "127.0.0.1", "-p", str(port), "-s", service, "-m", str(calls), "-r", str(rate),
        "-d", str(hold_ms), "-nostdin", "-timeout", "300", "-timeout_error", "-max_socket", "1000",
        "-trace_err", "-error_file", str(workdir / f"{name}-errors.log"),
        "-trace_stat", "-stf", str(workdir / f"{name}-stats.csv"),
        *(extra or []),
    ]  # fmt: skip


def run_sipp(workdir: Path, scenario: str, csv: Path, proxy_port: int, *, calls: int = 1, rate: float = 10,
             hold_ms: int = 0, name: str, timeout: float = 300, service: str = HOTLINE) -> int:  # fmt: skip
    """Run a UAC scenario to its end; answer SIPp's exit code (0: every call succeeded)."""
    args = sipp_args(workdir, scenario, csv, proxy_port, calls=calls, rate=rate, hold_ms=hold_ms, name=name,
                     service=service)  # fmt: skip
    with open(workdir / f"{name}.out", "wb") as out:
        return subprocess.run(
            args, stdout=out, stderr=subprocess.STDOUT, cwd=workdir, timeout=timeout
        ).returncode


def start_sipp(workdir: Path, scenario: str, csv: Path, proxy_port: int, *, calls: int = 1, rate: float = 10,
               hold_ms: int = 0, name: str, service: str = HOTLINE) -> subprocess.Popen:  # fmt: skip
    """Start a UAC scenario in the background (a caller who is still waiting while the test acts)."""
    args = sipp_args(workdir, scenario, csv, proxy_port, calls=calls, rate=rate, hold_ms=hold_ms, name=name,
                     service=service)  # fmt: skip
    out = open(workdir / f"{name}.out", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=workdir)


def call_id(process: subprocess.Popen, n: int = 1) -> str:
    """The SIP Call-ID of a SIPp run's n-th call (SIPp's default: ``<call number>-<pid>@<local ip>``);
    kefu knows the call by it."""
    return f"{n}-{process.pid}@127.0.0.1"


def callers_csv(workdir: Path, name: str, numbers: list[str]) -> Path:
    csv = workdir / f"{name}.csv"
    csv.write_text("SEQUENTIAL\n" + "".join(f"{n}\n" for n in numbers))
    return csv


def sipp_failure(workdir: Path, name: str) -> str:
    """What SIPp said about a failed run (its output and error file), for assertion messages."""
    parts = []
    for suffix in (".out", "-errors.log"):
        path = workdir / f"{name}{suffix}"
        if path.exists():
            parts.append(path.read_text(errors="replace")[-2000:])
    return "\n".join(parts)


def env_without_proxy() -> dict[str, str]:
    env = dict(os.environ)
    for key in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        env.pop(key, None)
    return env
