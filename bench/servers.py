"""Measure gunicorn against granian serving Clientdesk, and write the figures down.

Run from the repository root (`make bench` calls it):

    .venv/bin/python bench/servers.py [--seconds N] [--rounds N] [--concurrency 8,32]

It prepares a throwaway SQLite database in a temporary folder, starts every server
configuration on 127.0.0.1 with production settings, loads two endpoints (an HTML page
and an API call with a token) with `wrk` (or, without wrk, a small Python load
generator), and writes bench/results/servers.json and bench/results/servers.md.

The measurements are interleaved: each round measures every configuration once, in a
rotated order, and the figures reported are the medians over the rounds. On a shared
machine this spreads outside load evenly instead of penalising whichever server happened
to run while something else was busy; the "other CPU" column shows how much there was.
The default run (4 configurations, 2 endpoints, 2 connection counts, 3 rounds of 2 s)
takes about two and a half minutes; --only picks other configurations, --rounds and
--seconds buy steadier figures with time.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import resource
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
PYTHON = sys.executable
TICKS = os.sysconf("SC_CLK_TCK")

sys.path.insert(0, str(ROOT / "src"))
from clientdesk.core.management.commands.serve import web_command  # noqa: E402

ENDPOINTS = [
    ("sign-in page (HTML)", "/sign-in/", False),
    ("API account (token)", "/api/v1/account", True),
]

WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "status_errors": %d, ' ..
    '"socket_errors": %d, "timeouts": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def tweak(argv: list[str], flags: dict[str, str | None]) -> list[str]:
    """Set (value), add a bare flag (""), or remove (None) options of a server command line."""
    out = list(argv)
    for flag, value in flags.items():
        new = [] if value is None else [flag] if value == "" else [flag, value]
        if flag in out:
            i = out.index(flag)
            has_value = i + 1 < len(out) and not out[i + 1].startswith("--")
            out[i : i + (2 if has_value else 1)] = new
        else:
            out += new
    return out


def option(argv: list[str], flag: str) -> str | None:
    return argv[argv.index(flag) + 1] if flag in argv else None


def summary(server: str, argv: list[str]) -> str:
    """What kind of concurrency a server command line asks for, in a few words."""
    if server == "gunicorn":
        kind = option(argv, "--worker-class") or "sync"
        threads = option(argv, "--threads")
        return f"{kind} workers" + (f", {threads} threads each" if threads else "")
    threads = option(argv, "--blocking-threads")
    return (
        f"{threads} blocking thread{'s' if threads != '1' else ''} per worker"
        if threads
        else "granian's default blocking threads"
    )


@dataclass
class Config:
    name: str
    server: str
    via_serve: bool = False  # started as `clientdesk serve` (whatever its defaults are)
    flags: dict[str, str | None] = field(default_factory=dict)  # changes to serve's argv
    default: bool = True  # part of the default run (others: --only NAME)

    def web_argv(self, port: int, workers: int) -> list[str]:
        """The web server's own command line."""
        return tweak(web_command(self.server, HOST, port, workers), self.flags)

    def argv(self, port: int, workers: int) -> list[str]:
        if not self.via_serve:
            return self.web_argv(port, workers)
        return [
            *clientdesk_cmd(),
            "serve",
            "--server",
            self.server,
            "--no-worker",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]


CONFIGS = [
    Config("gunicorn-serve", "gunicorn", via_serve=True),
    Config("gunicorn-sync", "gunicorn", flags={"--worker-class": "sync", "--threads": None}),
    Config("gunicorn-gthread-4", "gunicorn", flags={"--worker-class": "gthread", "--threads": "4"}),
    Config(
        "gunicorn-gthread-2",
        "gunicorn",
        flags={"--worker-class": "gthread", "--threads": "2"},
        default=False,
    ),
    Config("granian-serve", "granian", via_serve=True),
    Config("granian-default-threads", "granian", flags={"--blocking-threads": None}),
    Config("granian-1-thread", "granian", flags={"--blocking-threads": "1"}, default=False),
    Config("granian-2-threads", "granian", flags={"--blocking-threads": "2"}, default=False),
    Config("granian-4-threads", "granian", flags={"--blocking-threads": "4"}),
]


def clientdesk_cmd() -> list[str]:
    exe = Path(PYTHON).with_name("clientdesk")
    return [str(exe)] if exe.exists() else [PYTHON, "-m", "clientdesk"]


def show(argv: list[str], port: int | None = None) -> str:
    """A command line for people: paths relative to the repository, the port as $PORT."""
    text = shlex.join(argv).replace(str(ROOT) + os.sep, "")
    return text.replace(f":{port}", ":$PORT").replace(f" {port}", " $PORT") if port else text


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode:
        sys.exit(f"failed: {show(argv)}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(var_dir: Path) -> tuple[dict[str, str], str]:
    """A throwaway database with one account and an API token; the servers' environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLIENTDESK_", "GRANIAN_"))}
    env.pop("GUNICORN_CMD_ARGS", None)
    env.update(
        CLIENTDESK_VAR_DIR=str(var_dir),
        CLIENTDESK_DATABASE_URL=f"sqlite:///{var_dir / 'bench.sqlite3'}",
        CLIENTDESK_DEBUG="0",
        CLIENTDESK_SECRET_KEY=secrets.token_urlsafe(50),
        CLIENTDESK_ALLOWED_HOSTS="127.0.0.1,localhost",
        CLIENTDESK_SSL_REDIRECT="0",
        CLIENTDESK_HSTS_SECONDS="0",
    )
    cd = clientdesk_cmd()
    run([*cd, "migrate", "--noinput", "-v", "0"], env)
    run([*cd, "collectstatic", "--noinput", "-v", "0"], env)
    password = secrets.token_urlsafe(24)
    account = ["--name", "Bench", "--slug", "bench", "--owner-email", "bench@example.com"]
    run([*cd, "newaccount", *account, "--password", password], env)
    token = run([*cd, "apitoken", "--account", "bench", "--user", "bench@example.com"], env)
    return env, token.strip().splitlines()[-1].strip()


def get(port: int, path: str, token: str | None, timeout: float = 5) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def wait_ready(proc: subprocess.Popen, port: int, token: str, limit: float = 60) -> float:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering")
        try:
            if get(port, "/sign-in/", None, timeout=2) == 200:
                for _label, path, auth in ENDPOINTS:
                    status = get(port, path, token if auth else None)
                    if status != 200:
                        raise RuntimeError(f"GET {path} answered {status}")
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not answer within {limit:.0f}s")


def descendants(pid: int) -> list[int]:
    """pid and every process below it, pid first."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def tree_cpu_seconds(pid: int) -> float:
    total = 0
    for p in descendants(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICKS


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy (all cores), from /proc/stat."""
    try:
        values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    guest = sum(values[8:10]) if len(values) > 9 else 0  # already counted in user/nice
    return (sum(values) - idle - guest) / TICKS


def own_cpu_seconds(servers: list[Server]) -> float:
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    mine = sum(u.ru_utime + u.ru_stime for u in usage)  # this script and finished wrk runs
    return mine + sum(tree_cpu_seconds(s.proc.pid) for s in servers if s.proc)


def wait_for_quiet(limit: float, threshold: float = 0.2) -> float:
    """Wait (at most `limit` s) for a quarter second in which the machine is mostly idle.

    The servers are idle between measurements, so what is busy then is someone else;
    starting while another program is busy would charge its load to this measurement.
    """
    cores = os.cpu_count() or 1
    start = time.monotonic()
    while True:
        busy0, t0 = machine_busy_seconds(), time.monotonic()
        time.sleep(0.25)
        share = (machine_busy_seconds() - busy0) / ((time.monotonic() - t0) * cores)
        if share < threshold or time.monotonic() - start >= limit:
            return round(time.monotonic() - start, 2)


def memory_mb(pid: int, skip_root: bool) -> dict[str, float | int] | None:
    """Proportional (PSS) and resident (RSS) memory of a process tree, in MB."""
    pss = rss = 0
    pids = descendants(pid)
    if skip_root:
        pids = pids[1:]  # the `clientdesk serve` wrapper is the same for both servers
    try:
        for p in pids:
            text = Path(f"/proc/{p}/smaps_rollup").read_text()
            pss += int(re.search(r"^Pss:\s+(\d+)", text, re.M).group(1))
            rss += int(re.search(r"^Rss:\s+(\d+)", text, re.M).group(1))
    except (OSError, AttributeError):
        return None
    return {"pss_mb": round(pss / 1024, 1), "rss_mb": round(rss / 1024, 1), "processes": len(pids)}


def stop(proc: subprocess.Popen) -> dict:
    """SIGTERM, as an operator or systemd would; then make sure nothing is left behind."""
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=25)
    except subprocess.TimeoutExpired:
        code = None
    took = round(time.monotonic() - start, 2)
    leftovers = False
    try:
        os.killpg(proc.pid, 0)  # the process group still has members: an unclean stop
        leftovers = True
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if code is None:
        proc.wait(timeout=5)
    return {"exit_code": code, "seconds": took, "killed_leftovers": leftovers}


def load_wrk(port, path, token, connections, seconds, script) -> dict:
    argv = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "5s"]
    argv += ["-s", str(script)]
    if token:
        argv += ["-H", f"Authorization: Bearer {token}"]
    argv.append(f"http://{HOST}:{port}{path}")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 30, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "non_2xx": raw["status_errors"],
        "errors": raw["socket_errors"] + raw["timeouts"],
    }


def load_python(port, path, token, connections, seconds, _script) -> dict:
    """Fallback without wrk: threads with keep-alive connections until a fixed deadline."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"non_2xx": 0, "errors": 0}

    def client():
        mine, bad, errs = [], 0, 0
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                mine.append(time.perf_counter() - t0)
                bad += not 200 <= resp.status < 400
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                errs += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=5)
        conn.close()
        with lock:
            latencies.extend(mine)
            counts["non_2xx"] += bad
            counts["errors"] += errs

    threads = [threading.Thread(target=client, daemon=True) for _ in range(connections)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 30)
    elapsed = time.monotonic() - start
    lat = sorted(latencies) or [0.0]

    def pct(q):
        return round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 2)

    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(lat) * 1000, 2),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(lat[-1] * 1000, 2),
        **counts,
    }


@dataclass
class Server:
    config: Config
    port: int
    argv: list[str]
    web_argv: list[str]
    proc: subprocess.Popen | None = None
    result: dict = field(default_factory=dict)


def start(config: Config, env, token, workers: int, log_dir: Path) -> Server:
    port = free_port()
    server = Server(config, port, config.argv(port, workers), config.web_argv(port, workers))
    server.result = {
        "name": config.name,
        "server": config.server,
        "description": ("`clientdesk serve` default: " if config.via_serve else "")
        + summary(config.server, server.web_argv),
        "via_clientdesk_serve": config.via_serve,
        "command": show(server.argv, port),
        "web_command": show(server.web_argv, port),
        "workers": workers,
        "runs": [],
    }
    print(f"starting {config.name}: {server.result['command']}", flush=True)
    log = (log_dir / f"{config.name}.log").open("w")
    server.proc = subprocess.Popen(
        server.argv, env=env, cwd=log_dir, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    log.close()
    try:
        server.result["startup_s"] = round(wait_ready(server.proc, port, token), 2)
    except RuntimeError as exc:
        server.result["error"] = str(exc)
        print(f"  FAILED: {exc}\n{(log_dir / f'{config.name}.log').read_text()[-2000:]}")
    return server


def aggregate(rounds: list[dict]) -> dict:
    """Medians over the rounds (and the best throughput seen)."""
    med = {k: round(statistics.median(r[k] for r in rounds), 2) for k in ("rps", "p50_ms")}
    for k in ("p95_ms", "p99_ms", "cpu_ms_per_request", "other_cpu_pct"):
        med[k] = round(statistics.median(r[k] for r in rounds), 2)
    return {
        **med,
        "best_rps": max(r["rps"] for r in rounds),
        "requests": sum(r["requests"] for r in rounds),
        "non_2xx": sum(r["non_2xx"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "rounds": rounds,
    }


def benchmark(servers: list[Server], token, args, load, script) -> None:
    live = [s for s in servers if "error" not in s.result]
    cores = os.cpu_count() or 1
    for s in live:  # warm up every worker, thread and connection path
        for _label, path, auth in ENDPOINTS:
            load(s.port, path, token if auth else None, max(args.concurrency), args.warmup, script)
        s.result["memory_after_warmup"] = memory_mb(s.proc.pid, s.config.via_serve)
    figures: dict[tuple[str, str, int], list[dict]] = {}
    for rnd in range(args.rounds):
        print(f"\nround {rnd + 1}/{args.rounds}", flush=True)
        for label, path, auth in ENDPOINTS:
            for conns in args.concurrency:
                shift = rnd % len(live)
                for s in live[shift:] + live[:shift]:  # rotate who goes first
                    waited = wait_for_quiet(args.quiet_wait)
                    cpu0 = tree_cpu_seconds(s.proc.pid)
                    busy0, own0, t0 = machine_busy_seconds(), own_cpu_seconds(live), time.time()
                    f = load(s.port, path, token if auth else None, conns, args.seconds, script)
                    busy1, own1, t1 = machine_busy_seconds(), own_cpu_seconds(live), time.time()
                    cpu1 = tree_cpu_seconds(s.proc.pid)
                    other = max(0.0, (busy1 - busy0) - (own1 - own0)) / ((t1 - t0) * cores)
                    f["other_cpu_pct"] = round(100 * other, 1)
                    f["cpu_ms_per_request"] = round(1000 * (cpu1 - cpu0) / max(1, f["requests"]), 3)
                    f["waited_for_quiet_s"] = waited
                    figures.setdefault((s.config.name, label, conns), []).append(f)
                    print(
                        f"  {s.config.name:24} {label:20} c={conns:<3} {f['rps']:7.0f} req/s  "
                        f"p50 {f['p50_ms']:6.1f} ms  p95 {f['p95_ms']:6.1f} ms  "
                        f"CPU {f['cpu_ms_per_request']:.2f} ms/req  "
                        f"bad {f['non_2xx']}/{f['errors']}  other CPU {f['other_cpu_pct']:.0f}%",
                        flush=True,
                    )
    for s in live:
        s.result["memory_after_load"] = memory_mb(s.proc.pid, s.config.via_serve)
        for label, path, _auth in ENDPOINTS:
            for conns in args.concurrency:
                rounds = figures[(s.config.name, label, conns)]
                s.result["runs"].append(
                    {"endpoint": label, "path": path, "connections": conns, **aggregate(rounds)}
                )


def machine() -> dict:
    model = ""
    with contextlib.suppress(OSError, AttributeError):
        model = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1)
    mem = ""
    with contextlib.suppress(OSError, AttributeError):
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory": mem,
        "os": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def versions(use_wrk: bool) -> dict:
    import django

    out = {"python": platform.python_version(), "django": django.get_version()}
    for name in ("gunicorn", "granian"):
        out[name] = metadata.version(name)
    if use_wrk:
        done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
        words = (done.stdout + done.stderr).split()
        out["wrk"] = words[1] if len(words) > 1 else "?"
    return out


def markdown(data: dict) -> str:
    m, v, s = data["machine"], data["versions"], data["settings"]
    lines = [
        "# Web server benchmark: gunicorn vs granian",
        "",
        f"- Date: {data['date']}; whole run {data['total_seconds']:.0f} s: `{data['invocation']}`",
        f"- Machine: {m['cores']} cores ({m['cpu']}), {m['memory']}, {m['os']}; "
        f"load average at start {m['load_average_at_start'][0]}",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        f"- Load: {data['load_tool']}, one load thread, keep-alive, on the same machine "
        f"(it shares the {m['cores']} cores with the server), only to {s['host']}",
        f"- Web workers: {s['workers']}; connections: {', '.join(map(str, s['concurrency']))}; "
        f"{s['rounds']} interleaved rounds of {s['seconds']} s per figure (medians shown), "
        f"after a {s['warmup']} s warm-up per endpoint",
        "- Database: throwaway SQLite (WAL); production settings (DEBUG off); access log on, "
        "written to a file",
        "- Other CPU: share of the machine used by processes outside the benchmark while "
        f"measuring (noise; each measurement first waited up to {s['quiet_wait']} s for an idle "
        "machine). Server CPU ms/req: CPU time of the server's processes per request, which "
        "outside load changes much less than req/s",
        "",
        "| Configuration | Endpoint | Conns | Req/s | Best req/s | p50 ms | p95 ms | p99 ms | "
        "Server CPU ms/req | Non-2xx/err | Other CPU |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for c in data["configurations"]:
        for r in c["runs"]:
            lines.append(
                f"| {c['name']} | {r['endpoint']} | {r['connections']} | {r['rps']:.0f} | "
                f"{r['best_rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
                f"{r['p99_ms']:.1f} | {r['cpu_ms_per_request']:.2f} | "
                f"{r['non_2xx']}/{r['errors']} | {r['other_cpu_pct']:.0f}% |"
            )
        if "error" in c:
            lines.append(f"| {c['name']} | failed: {c['error']} | | | | | | | | | |")
    lines += [
        "",
        "Memory of each web server's own processes (master + workers; PSS counts shared pages "
        "once; the servers ran side by side, so shared libraries are split between them):",
        "",
        "| Configuration | Processes | PSS after warm-up MB | PSS after load MB | "
        "RSS after load MB | Ready in s | Stop on SIGTERM s (exit) |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for c in data["configurations"]:
        warm, after = c.get("memory_after_warmup") or {}, c.get("memory_after_load") or {}
        st = c.get("stop", {})
        lines.append(
            f"| {c['name']} | {after.get('processes', '?')} | {warm.get('pss_mb', '?')} | "
            f"{after.get('pss_mb', '?')} | {after.get('rss_mb', '?')} | "
            f"{c.get('startup_s', '?')} | {st.get('seconds', '?')} ({st.get('exit_code')}"
            f"{', left processes behind' if st.get('killed_leftovers') else ''}) |"
        )
    lines += ["", "Configurations and command lines ($PORT: a free port per run):", ""]
    for c in data["configurations"]:
        lines.append(f"- **{c['name']}** — {c['description']}: `{c['command']}`")
        if c["via_clientdesk_serve"]:
            lines.append(f"  - which starts: `{c['web_command']}`")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=2, help="seconds per measurement [2]")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds [3]")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up seconds per endpoint [1]")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--concurrency",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[8, 32],
        help="connections, comma-separated [8,32]",
    )
    parser.add_argument(
        "--only",
        help="comma-separated configurations (default: those marked *): "
        + ", ".join(c.name + ("*" if c.default else "") for c in CONFIGS),
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=0.5,
        help="before each measurement, wait up to this many seconds for an idle machine [0.5]",
    )
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 600 or not 1 <= args.rounds <= 20:
        parser.error("--seconds must be 1..600 and --rounds 1..20")
    if not 0 <= args.quiet_wait <= 60:
        parser.error("--quiet-wait must be 0..60")
    if not 1 <= args.workers <= 64 or not all(1 <= c <= 1024 for c in args.concurrency):
        parser.error("--workers must be 1..64 and --concurrency values 1..1024")

    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - {c.name for c in CONFIGS}
        if unknown:
            parser.error(f"unknown configuration(s): {', '.join(sorted(unknown))}")
        configs = [c for c in CONFIGS if c.name in wanted]
    else:
        configs = [c for c in CONFIGS if c.default]
    # A variant identical to what `clientdesk serve` runs is measured once, as the serve row.
    serve_argv = {c.server: c.web_argv(1, args.workers) for c in configs if c.via_serve}
    configs = [
        c for c in configs if c.via_serve or c.web_argv(1, args.workers) != serve_argv.get(c.server)
    ]

    use_wrk = shutil.which("wrk") is not None and not args.python_load
    if not use_wrk:
        print("wrk not found (apt-get install -y wrk); using the slower Python load generator")
    load = load_wrk if use_wrk else load_python

    started = time.monotonic()
    load_at_start = machine()
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="clientdesk-bench-") as tmp:
        tmp_path = Path(tmp)
        script = tmp_path / "report.lua"
        script.write_text(WRK_SCRIPT)
        print(f"preparing a throwaway database in {tmp} ...", flush=True)
        env, token = prepare(tmp_path)
        try:
            for c in configs:
                servers.append(start(c, env, token, args.workers, tmp_path))
            benchmark(servers, token, args, load, script)
        finally:
            for s in servers:
                if s.proc:
                    s.result["stop"] = stop(s.proc)

    data = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "invocation": show([".venv/bin/python", "bench/servers.py", *sys.argv[1:]]),
        "machine": load_at_start,
        "versions": versions(use_wrk),
        "load_tool": "wrk" if use_wrk else "python threads + http.client",
        "settings": {
            "seconds": args.seconds,
            "rounds": args.rounds,
            "warmup": args.warmup,
            "workers": args.workers,
            "concurrency": args.concurrency,
            "quiet_wait": args.quiet_wait,
            "host": HOST,
        },
        "configurations": [s.result for s in servers],
        "total_seconds": round(time.monotonic() - started, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "servers.json").write_text(json.dumps(data, indent=2) + "\n")
    (args.out / "servers.md").write_text(markdown(data))
    print(f"\nwrote {args.out / 'servers.json'} and {args.out / 'servers.md'}", end=" ")
    print(f"in {data['total_seconds']:.0f} s")
    if any("error" in s.result for s in servers):
        sys.exit(1)


if __name__ == "__main__":
    main()
