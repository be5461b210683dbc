#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL cluster: `with_postgres.py CMD [ARGS...]`.

The cluster lives in a temporary folder, listens on 127.0.0.1 at a free port, and is removed
afterwards. PostgreSQL refuses to run as root, so as root the server runs as the `postgres`
user (runuser). Without PostgreSQL's binaries the command is skipped loudly, or fails when
CLIENTDESK_REQUIRE_ALL=1.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile


def find_bin_dir() -> str | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return os.path.dirname(found[-1])
    pg_ctl = shutil.which("pg_ctl")
    return os.path.dirname(pg_ctl) if pg_ctl else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    bin_dir = find_bin_dir()
    if bin_dir is None:
        banner = "PostgreSQL is not installed (apt-get install postgresql): the PostgreSQL run"
        if os.environ.get("CLIENTDESK_REQUIRE_ALL") == "1":
            print(f"\n!!! {banner} is REQUIRED (CLIENTDESK_REQUIRE_ALL=1) and FAILS.\n", flush=True)
            return 1
        print(f"\n!!! {banner} is SKIPPED.\n", flush=True)
        return 0

    as_root = os.geteuid() == 0
    workdir = tempfile.mkdtemp(prefix="clientdesk-pg-")
    os.chmod(workdir, 0o755)  # noqa: S103 - the postgres user must reach its data folder
    data, log = os.path.join(workdir, "data"), os.path.join(workdir, "server.log")
    if as_root:
        pw = pwd.getpwnam("postgres")
        os.chown(workdir, pw.pw_uid, pw.pw_gid)

    def pg(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [os.path.join(bin_dir, args[0]), *args[1:]]
        if as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    port = free_port()
    options = (
        f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
    )
    try:
        pg("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale")
        pg("pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start")
        pg("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "clientdesk")
        url = f"postgresql://postgres@127.0.0.1:{port}/clientdesk"
        print(f"--- PostgreSQL ({os.path.basename(os.path.dirname(bin_dir))}) at {url}", flush=True)
        env = {**os.environ, "CLIENTDESK_DATABASE_URL": url}
        return subprocess.call(argv, env=env)
    except subprocess.CalledProcessError as exc:
        print(f"PostgreSQL did not start: {exc.stderr or exc.stdout}", file=sys.stderr)
        if os.path.exists(log):
            with open(log) as server_log:
                print(server_log.read()[-3000:], file=sys.stderr)
        return 1
    finally:
        pg("pg_ctl", "-D", data, "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
