"""Small typed helpers that read the settings from the environment.

Every variable the project reads is listed, with its default, in `.env.example`.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines from a `.env` file; real environment variables win."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def envbool(name: str, default: bool = False) -> bool:
    """A yes/no setting: 1/0, true/false, yes/no or on/off in any case; empty or unset gives the
    default. Anything else stops start-up: a typo such as "ture" must not quietly read as off."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a yes/no value: use true/false, 1/0, yes/no or on/off "
        "(any case), or leave it empty for the default."
    )


def envint(name: str, default: int) -> int:
    """A whole number; empty or unset gives the default, anything else stops start-up."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={os.environ[name]!r} is not a whole number: give digits, e.g. {name}={default}, "
            "or leave it empty for the default."
        ) from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The key older versions used when SECRET_KEY was unset, and the placeholder of `.env.example`:
# both are public, so a server that signs sessions with one of them can be impersonated.
DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me-in-production"
_PUBLIC_KEYS = {"", "change-me", DEVELOPMENT_SECRET_KEY}
MIN_SECRET_KEY_LENGTH = 32


def secret_key(*, debug: bool) -> str:
    """SECRET_KEY from the environment (or `.env`). With DEBUG on a missing key falls back to the
    development key; with DEBUG off (production, and `make run`, which writes a key of its own into
    `.env` first) a missing, public or short key stops start-up with a message saying what to do."""
    value = os.environ.get("SECRET_KEY", "").strip()
    if debug:
        return value or DEVELOPMENT_SECRET_KEY
    if not _usable(value):
        problem = "is not set" if not value else "is a public placeholder" if value in _PUBLIC_KEYS else "is too short"
        raise ImproperlyConfigured(
            f"SECRET_KEY {problem}: Frontdesk will not start with DEBUG off without a secret key of its own "
            f"(at least {MIN_SECRET_KEY_LENGTH} characters). `make run` writes one into .env; elsewhere set "
            "SECRET_KEY in the environment or in .env, e.g. from "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`, and keep it the same on every server '
            "and across restarts."
        )
    return value


def _usable(key: str) -> bool:
    return key not in _PUBLIC_KEYS and len(key) >= MIN_SECRET_KEY_LENGTH


def ensure_secret_key(path: Path) -> bool:
    """Give this installation its own SECRET_KEY in the `.env` file at `path`, unless the
    environment or the file already holds a usable one. Returns True if it wrote one.

    A missing key or the placeholder copied from `.env.example` is replaced by a random one; every
    other line of the file stays as it was, and the file becomes readable by its owner only. A short key
    someone chose is not overwritten silently: start-up then names the problem."""
    import secrets

    if _usable(os.environ.get("SECRET_KEY", "").strip()):
        return False
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    kept = []
    for line in lines:
        key, _, value = line.strip().partition("=")
        if key.strip() == "SECRET_KEY":
            value = value.strip().strip("'\"")
            if value not in _PUBLIC_KEYS:
                return False  # the owner's own key; secret_key() judges it at start-up
            continue
        kept.append(line)
    kept += [
        "# Generated on first start for this installation. Keep it secret and keep it: a new key signs",
        "# everybody out and changes the demo API token.",
        f"SECRET_KEY={secrets.token_urlsafe(50)}",
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a file that existed before now holds a secret too
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(kept) + "\n")
    return True
