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
