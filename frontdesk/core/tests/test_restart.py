"""`make run` restarts cleanly after a kill -9 (issue 22, B6): its processes run as one group
under scripts/serve.py, so a web server whose master was killed leaves no worker holding the port,
and a restart after everything was killed stops the leftovers first — the new server binds the
port, and there is still exactly one background worker. Real gunicorn, a tiny WSGI app."""

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

SERVE = Path(settings.BASE_DIR) / "scripts" / "serve.py"
spec = importlib.util.spec_from_file_location("frontdesk_serve_script", SERVE)
serve = importlib.util.module_from_spec(spec)
spec.loader.exec_module(serve)

APP = "import os\n\ndef app(environ, start_response):\n    start_response('200 OK', [('Content-Type', 'text/plain')])\n    return [str(os.getpid()).encode()]\n"
BACKGROUND_MARK = "frontdesk-test-task-worker"

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds processes through /proc")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(check, seconds=8.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    return check()


def _answer(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
            return int(response.read())
    except OSError:
        return None


def _read(pidfile):
    try:
        return json.loads(pidfile.read_text())
    except (OSError, ValueError):
        return None


def _alive(pid) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _background_workers() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit():
                continue
            cmdline = (entry / "cmdline").read_bytes()
            if BACKGROUND_MARK.encode() in cmdline and b"serve.py" not in cmdline and _alive(entry.name):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.fixture
def run(tmp_path):
    (tmp_path / "app.py").write_text(APP)
    port, pidfile, started = _free_port(), tmp_path / "run.pid", []
    background = f"{sys.executable} -c 'import time, sys; sys.argv.append(\"{BACKGROUND_MARK}\"); time.sleep(60)' {BACKGROUND_MARK}"

    def start():
        command = [sys.executable, str(SERVE), "--pidfile", str(pidfile), "--background", background, "--",
                   sys.executable, "-m", "gunicorn", "--chdir", str(tmp_path), "app:app",
                   "-b", f"127.0.0.1:{port}", "-w", "2", "--graceful-timeout", "2"]  # fmt: skip
        before = _read(pidfile)
        supervisor = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL)
        started.append(supervisor)
        info = _wait_for(lambda: (lambda now: now if now and now != before else None)(_read(pidfile)))
        assert info, "the server did not start"
        # Up once one of its own workers answers (a leftover one might answer before it is stopped).
        assert _wait_for(lambda: _answer(port) in (serve._members(info["pgid"], info["token"]) or [])), "no answer"
        return supervisor, info

    yield start, port, pidfile
    for supervisor in started:
        if supervisor.poll() is None:
            supervisor.send_signal(signal.SIGTERM)
            supervisor.wait(15)
    if info := _read(pidfile):
        serve.stop_group(info["pgid"], info["token"])


def test_a_restart_after_everything_was_killed_takes_the_port_and_keeps_one_task_worker(run):
    start, port, pidfile = run
    supervisor, first = start()
    # Master, its two workers and the task worker, once the second worker has booted.
    leftovers = _wait_for(lambda: (lambda m: m if len(m) == 4 else None)(serve._members(first["pgid"], first["token"])))
    assert leftovers and first["pgid"] in leftovers

    # The terminal is closed the hard way: the supervisor and gunicorn's master die with SIGKILL.
    os.kill(first["supervisor"], signal.SIGKILL)
    os.kill(first["pgid"], signal.SIGKILL)
    supervisor.wait(5)
    orphans = [pid for pid in leftovers if pid != first["pgid"] and _alive(pid)]
    assert orphans, "the workers outlive their master: this is what blocked the port"

    _, second = start()  # `make run` again: it answers on the same port
    assert second["token"] != first["token"]
    assert not any(_alive(pid) for pid in orphans), "old processes are left"
    assert _answer(port) not in leftovers  # served by the new workers
    assert len(_background_workers()) == 1


def test_when_the_web_servers_master_dies_the_whole_group_stops_and_the_port_is_free(run):
    start, port, pidfile = run
    supervisor, info = start()
    group = serve._members(info["pgid"], info["token"])
    os.kill(info["pgid"], signal.SIGKILL)

    assert supervisor.wait(15) != 0  # it reports the failure instead of hanging on
    assert not any(_alive(pid) for pid in group)
    assert not pidfile.exists() and not _background_workers()
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))  # nobody holds the port
