"""`manage.py backup` and `manage.py restore`: a backup taken while bookings are being written is
one consistent snapshot that restores, a restore brings the data and uploaded files back and keeps
what it replaced, and neither pretends to work on PostgreSQL."""

import io
import sqlite3
import subprocess
import sys
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from frontdesk.core import backups


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def live(tmp_path, monkeypatch, settings):
    """A Frontdesk-like SQLite database in WAL mode, standing in for the real one."""
    path = tmp_path / "frontdesk.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(
        """
        CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT);
        CREATE TABLE bookings (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL);
        CREATE TABLE totals (n INTEGER NOT NULL, amount INTEGER NOT NULL);
        INSERT INTO totals VALUES (0, 0);
        """
    )
    db.commit()
    db.close()
    monkeypatch.setattr(backups, "sqlite_path", lambda alias="default": path)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return path


def read(path, sql):
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def run_command(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def book(path, count):
    db = sqlite3.connect(path, isolation_level=None)
    for amount in range(count):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO bookings (amount) VALUES (?)", (amount,))
        db.execute("UPDATE totals SET n = n + 1, amount = amount + ?", (amount,))
        db.execute("COMMIT")
    db.close()


def test_a_backup_taken_while_bookings_are_written_is_a_consistent_snapshot(live, tmp_path):
    stop, written = threading.Event(), []

    def writer():
        db = sqlite3.connect(live, isolation_level=None, timeout=30)
        amount = 0
        while not stop.is_set():
            amount += 1
            # Two rows that must agree: a backup holding one without the other is torn.
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO bookings (amount) VALUES (?)", (amount,))
            db.execute("UPDATE totals SET n = n + 1, amount = amount + ?", (amount,))
            db.execute("COMMIT")
            written.append(amount)
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 300:
            stop.wait(0.01)
        made = backups.back_up(tmp_path / "backups")
        at_backup = len(written)
        while len(written) < at_backup + 300:  # the writer was never stopped by the backup
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join()
    ((count, total),) = read(made.database, "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM bookings")
    assert read(made.database, "SELECT n, amount FROM totals") == [(count, total)]
    assert 300 <= count < len(written)
    assert read(made.database, "PRAGMA integrity_check") == [("ok",)]
    assert not made.database.with_name(made.database.name + "-wal").exists()
    # and it restores: the database is then the snapshot, whatever was written after it
    backups.restore(made.database, force=True)
    assert read(live, "SELECT n, amount FROM totals") == [(count, total)]


def test_a_restore_brings_the_data_and_files_back_and_keeps_what_it_replaced(live, tmp_path, settings):
    book(live, 5)
    media = tmp_path / "media" / "clients" / "1"
    media.mkdir(parents=True)
    (media / "photo.jpg").write_bytes(b"before")
    made = backups.back_up(tmp_path / "backups")
    assert made.media and made.media.name.endswith(".media.tar.gz")
    read(live, "SELECT 1")  # the backup left the live database as it was
    db = sqlite3.connect(live)
    db.execute("DELETE FROM bookings")
    db.commit()
    db.close()
    (media / "photo.jpg").unlink()

    out = run_command("restore", str(made.database))
    assert read(live, "SELECT COUNT(*) FROM bookings") == [(5,)]
    assert (media / "photo.jpg").read_bytes() == b"before"
    kept = [line.split(" in ", 1)[1] for line in out.splitlines() if "kept in" in line]
    assert len(kept) == 2
    assert read(kept[0], "SELECT COUNT(*) FROM bookings") == [(0,)]  # the database as it was before


def test_backups_beyond_the_number_kept_are_removed(live, tmp_path, monkeypatch):
    stamps = iter(["20261201-030000", "20261202-030000", "20261203-030000"])
    monkeypatch.setattr(backups, "_stamp", lambda now=None: next(stamps))
    for _ in range(3):
        backups.back_up(tmp_path / "backups", keep=2)
    assert sorted(path.name for path in (tmp_path / "backups").iterdir()) == [
        "frontdesk-20261202-030000.sqlite3",
        "frontdesk-20261203-030000.sqlite3",
    ]


def test_a_restore_is_refused_while_the_server_has_the_database_open(live, tmp_path):
    made = backups.back_up(tmp_path / "backups")
    book(live, 3)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import sqlite3, sys, time; c = sqlite3.connect({str(live)!r}); "
            "c.execute('SELECT 1').fetchall(); print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(CommandError) as error:
            run_command("restore", str(made.database))
        assert f"open in another process ({holder.pid})" in str(error.value) and "--force" in str(error.value)
        assert read(live, "SELECT COUNT(*) FROM bookings") == [(3,)]  # nothing changed
        run_command("restore", str(made.database), force=True)
        assert read(live, "SELECT COUNT(*) FROM bookings") == [(0,)]
    finally:
        holder.kill()
        holder.wait()


def test_a_damaged_or_foreign_file_is_refused_and_nothing_changes(live, tmp_path):
    book(live, 2)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    for path, reason in [(junk, "is not an SQLite database"), (other, "is not a Frontdesk database")]:
        with pytest.raises(CommandError) as error:
            run_command("restore", str(path), force=True)
        assert reason in str(error.value)
    assert read(live, "SELECT COUNT(*) FROM bookings") == [(2,)]


def test_on_postgresql_the_commands_say_to_use_pg_dump(monkeypatch, settings):
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    for command in (["backup"], ["restore", "x.sqlite3"]):
        with pytest.raises(CommandError) as error:
            run_command(*command)
        assert "pg_dump" in str(error.value)


@pytest.mark.django_db
def test_the_backup_command_copies_the_real_database(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the command copies the embedded SQLite database; PostgreSQL is told to use pg_dump")
    out = run_command("backup", dir=str(tmp_path))
    copy = next(tmp_path.glob("frontdesk-*.sqlite3"))
    assert f"Database: {copy}" in out
    assert read(copy, "SELECT COUNT(*) > 0 FROM django_migrations") == [(1,)]
