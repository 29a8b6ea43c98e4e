"""Backups of the embedded SQLite database and of the uploaded files (`manage.py backup` and
`manage.py restore`; docs/operations.md).

Guarantees:

- **A backup is a consistent snapshot taken while the salon works.** It is copied with SQLite's
  online backup API in one step, inside one read transaction: in WAL mode a reader blocks no
  writer, so bookings go on during the copy, and the copy holds the database exactly as it was
  when the copy began (every transaction committed by then, none of a later one). The copy is
  checked (`PRAGMA integrity_check`) before it gets its final name, so a file in the backup
  folder is always whole; it is a single self-contained file (journal mode DELETE, no -wal).
- **Uploaded files go alongside**: `MEDIA_ROOT` as `<name>.media.tar.gz` next to the database copy.
- **A restore checks before it changes anything**: the backup must pass the integrity check and
  be a Frontdesk database; the database must not be open in another process (the server, the
  task worker) unless forced; the current database is kept as `<db>.before-restore-<time>` and
  the current uploaded files as `<media>.before-restore-<time>`. The backup is written into the
  database through the same backup API, so a -wal file of the old database never mixes with the
  restored one.

PostgreSQL is backed up with its own tools (`pg_dump`); these functions refuse it.
"""

from __future__ import annotations

import datetime
import os
import shutil
import sqlite3
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

PREFIX = "frontdesk-"
SUFFIX = ".sqlite3"
MEDIA_SUFFIX = ".media.tar.gz"


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why and what to do."""


@dataclass
class Backup:
    database: Path
    media: Path | None


def sqlite_path(alias: str = "default") -> Path:
    """The file of the database, or BackupError when the database is not SQLite."""
    database = settings.DATABASES[alias]
    if not database["ENGINE"].endswith("sqlite3"):
        raise BackupError(
            _(
                "The database is PostgreSQL: back it up with pg_dump and restore it with pg_restore "
                "(docs/operations.md). This command copies the embedded SQLite database only."
            )
        )
    return Path(database["NAME"])


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def _stamp(now: datetime.datetime | None = None) -> str:
    return (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")


def copy_database(source: Path, target: Path, *, frontdesk: bool = True) -> None:
    """Copy a live SQLite database into `target` (a new file): one step of the backup API, so
    the copy is one consistent snapshot; then checked, and renamed into place only when whole."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)  # pages=-1: everything in one step, inside one read transaction
        dst.execute("PRAGMA journal_mode=DELETE")
        _check_integrity(dst, partial, frontdesk=frontdesk)
    finally:
        dst.close()
        src.close()
    os.replace(partial, target)


def _check_integrity(connection: sqlite3.Connection, path: Path, *, frontdesk: bool = True) -> None:
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        has_migrations = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'"
        ).fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            _("%(file)s is not an SQLite database (%(error)s).") % {"file": path, "error": error}
        ) from None
    if result != "ok":
        raise BackupError(_("%(file)s is damaged: %(error)s") % {"file": path, "error": result})
    if frontdesk and not has_migrations:
        raise BackupError(_("%(file)s is not a Frontdesk database.") % {"file": path})


def back_up(directory: Path | None = None, *, keep: int = 0, alias: str = "default") -> Backup:
    """Copy the database (and MEDIA_ROOT, when it holds files) into `directory` under a name with
    the date and time; keep the `keep` newest backups there (0: keep all)."""
    source = sqlite_path(alias)
    directory = Path(directory or backup_dir())
    directory.mkdir(parents=True, exist_ok=True)
    name = PREFIX + _stamp()
    database = directory / (name + SUFFIX)
    copy_database(source, database)
    media = _pack_media(directory / (name + MEDIA_SUFFIX))
    if keep:
        _prune(directory, keep)
    return Backup(database, media)


def _pack_media(target: Path) -> Path | None:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir() or not any(path.is_file() for path in root.rglob("*")):
        return None
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        archive.add(root, arcname=".")
    os.replace(partial, target)
    return target


def _prune(directory: Path, keep: int) -> None:
    backups = sorted(directory.glob(f"{PREFIX}*{SUFFIX}"), reverse=True)
    for old in backups[keep:]:
        old.unlink()
        old.with_name(old.name[: -len(SUFFIX)] + MEDIA_SUFFIX).unlink(missing_ok=True)


def processes_using(path: Path) -> list[int]:
    """Ids of other processes that have the database (or its WAL files) open, read from /proc
    (Linux; elsewhere an empty list and the WAL file is the only sign)."""
    names = {str(path.resolve()), f"{path.resolve()}-wal", f"{path.resolve()}-shm"}
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            links = {os.readlink(fd) for fd in (entry / "fd").iterdir()}
        except OSError:  # gone meanwhile, or another user's process
            continue
        if links & names:
            found.append(int(entry.name))
    return sorted(found)


def restore(backup: Path, *, force: bool = False, media: bool = True, alias: str = "default") -> list[Path]:
    """Put a backup back in place of the database (and its uploaded files, when the backup has
    them and `media`). Returns the paths where the previous database and files were kept."""
    target = sqlite_path(alias)
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(_("There is no file %(file)s.") % {"file": backup})
    check = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        _check_integrity(check, backup)
    finally:
        check.close()
    users = processes_using(target)
    if users and not force:
        raise BackupError(
            _(
                "The database is open in another process (%(pids)s): stop the server and the task worker "
                "first, or pass --force to restore anyway."
            )
            % {"pids": ", ".join(str(pid) for pid in users)}
        )
    connections[alias].close()  # our own connection must not keep a snapshot of the old data
    kept = []
    stamp = _stamp()
    if target.exists():
        previous = target.with_name(f"{target.name}.before-restore-{stamp}")
        copy_database(target, previous, frontdesk=False)
        kept.append(previous)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
        _check_integrity(dst, target)
    finally:
        dst.close()
        src.close()
    packed = backup.with_name(backup.name[: -len(SUFFIX)] + MEDIA_SUFFIX) if backup.name.endswith(SUFFIX) else None
    if media and packed is not None and packed.is_file():
        kept += _unpack_media(packed, stamp)
    return kept


def _unpack_media(packed: Path, stamp: str) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    kept = []
    if root.exists():
        previous = root.with_name(f"{root.name}.before-restore-{stamp}")
        shutil.move(root, previous)
        kept.append(previous)
    root.mkdir(parents=True)
    with tarfile.open(packed, "r:gz") as archive:
        archive.extractall(root, filter="data")  # no path outside MEDIA_ROOT, no links out of it
    return kept
