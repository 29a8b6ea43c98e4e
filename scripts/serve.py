"""Run Frontdesk's processes for `make run` as one group that a restart can always clean up.

python scripts/serve.py --pidfile var/run-8000.pid --log var/worker.log \
    --before "python manage.py run_hourly_jobs --schedule" \
    --background "python manage.py db_worker --queue-name '*'" \
    -- gunicorn config.wsgi -b 127.0.0.1:8000

The web server (the last command) and the background commands run in a process group of their
own, each carrying a run token in its environment; the group and the token are written to the pid
file. On Ctrl+C, on SIGTERM, or when the web server dies (kill -9 of gunicorn's master included),
the whole group is stopped: no worker is left holding the port or taking tasks. If this script
itself was killed, the next start finds the pid file, stops what is left of that group — only
processes that carry its token, so a reused process id is never hit — and starts afresh, so a
restart never fails on "address already in use" and never adds a second task worker.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

TOKEN_VARIABLE = "FRONTDESK_RUN"
STOP_WAIT_SECONDS = 10


def _members(pgid: int, token: str) -> list[int] | None:
    """Processes still in group `pgid` that carry `token` (Linux /proc); None where /proc is missing."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    marker = f"{TOKEN_VARIABLE}={token}".encode()
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) != pgid or fields[0] == "Z":
                continue
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile, or not ours to read
    return found


def _signal(pids: list[int], signum: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


def stop_group(pgid: int, token: str) -> None:
    """SIGTERM every process of the group that carries the token, SIGKILL what is left after
    STOP_WAIT_SECONDS. Without /proc the whole group gets the signals."""
    members = _members(pgid, token)
    if members is None:  # not Linux: trust the pid file
        for signum in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pgid, signum)
            except (ProcessLookupError, PermissionError):
                return
            time.sleep(STOP_WAIT_SECONDS if signum == signal.SIGTERM else 0)
        return
    # A process in the middle of exiting has already given up its memory, so its token can no longer
    # be read and `_members` misses it while it still runs: the ones seen once are followed by
    # their state until they are gone, so the caller only returns when the port is free.
    seen = set(members)
    _signal(members, signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while (left := _running(seen, pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
        seen |= set(_members(pgid, token) or [])
    _signal(left, signal.SIGKILL)
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while _running(left, pgid) and time.monotonic() < deadline:
        time.sleep(0.05)


def _running(pids, pgid: int) -> list[int]:
    """Those of `pids` still running in group `pgid` (a zombie has let go of everything)."""
    running = []
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
        except (OSError, ValueError):
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            running.append(pid)
    return running


def stop_previous(pidfile: Path) -> None:
    """Stop whatever the pid file's run left behind (its supervisor too, if still alive)."""
    try:
        previous = json.loads(pidfile.read_text(encoding="utf-8"))
        pgid, token, supervisor = int(previous["pgid"]), str(previous["token"]), int(previous["supervisor"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if supervisor != os.getpid() and _is_supervisor(supervisor, pidfile):
        print(f"Stopping the Frontdesk already running from {pidfile} (pid {supervisor}).", flush=True)
        _signal([supervisor], signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT_SECONDS + 5
        while Path(f"/proc/{supervisor}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    stop_group(pgid, token)
    _forget(pidfile, token)


def _forget(pidfile: Path, token: str) -> None:
    """Remove the pid file if it is still the one of run `token` (a newer run may have replaced it)."""
    try:
        if json.loads(pidfile.read_text(encoding="utf-8")).get("token") == token:
            pidfile.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def _is_supervisor(pid: int, pidfile: Path) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(part.endswith(b"serve.py") for part in cmdline) and str(pidfile).encode() in cmdline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pidfile", required=True, type=Path)
    parser.add_argument("--log", type=Path, help="where the --before and --background commands write")
    parser.add_argument("--before", action="append", default=[], help="run once, to the end, before the rest")
    parser.add_argument("--background", action="append", default=[], help="keep running beside the server")
    parser.add_argument("server", nargs=argparse.REMAINDER, help="-- the web server's command")
    args = parser.parse_args(argv)
    server = args.server[1:] if args.server[:1] == ["--"] else args.server
    if not server:
        parser.error("give the web server's command after --")

    stop_previous(args.pidfile)
    token = uuid.uuid4().hex
    env = {**os.environ, TOKEN_VARIABLE: token}
    log = open(args.log, "ab") if args.log else None  # noqa: SIM115 — open for the children's lifetime

    for command in args.before:
        subprocess.run(shlex.split(command), env=env, stdout=log, stderr=log, check=False)

    # The web server leads the group; the background commands join it.
    web = subprocess.Popen(server, env=env, process_group=0)
    pgid = web.pid
    args.pidfile.parent.mkdir(parents=True, exist_ok=True)
    args.pidfile.write_text(json.dumps({"pgid": pgid, "token": token, "supervisor": os.getpid()}), encoding="utf-8")
    for command in args.background:
        subprocess.Popen(shlex.split(command), env=env, stdout=log, stderr=log, process_group=pgid)

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    try:
        while not stopping and web.poll() is None:
            time.sleep(0.2)
    finally:
        stop_group(pgid, token)
        web.poll()
        _forget(args.pidfile, token)
    if stopping:
        return 0
    print(f"The web server stopped (exit status {web.returncode}); its workers were stopped too.", flush=True)
    return 128 - web.returncode if web.returncode < 0 else web.returncode


if __name__ == "__main__":
    sys.exit(main())
