"""Every installation signs with its own secret (issue 22, B5): `make run` writes a random
SECRET_KEY into the git-ignored `.env` on the first start and keeps it after; with DEBUG off the
server refuses to start without a key of its own, so no deployment signs sessions, phone codes or
the demo API token with the key printed in this repository."""

import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from config.env import DEVELOPMENT_SECRET_KEY, ensure_secret_key, secret_key
from frontdesk.api.services import demo_partner_token_value

ROOT = settings.BASE_DIR


def _start(env_overrides: dict, cwd=ROOT) -> subprocess.CompletedProcess:
    # `manage.py check` in a fresh interpreter reads the real settings module, as gunicorn would.
    env = {**os.environ, **env_overrides}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("key", ["", "change-me", DEVELOPMENT_SECRET_KEY, "short-but-mine"])
def test_production_refuses_to_start_without_a_key_of_its_own(key):
    result = _start({"DEBUG": "0", "SECRET_KEY": key, "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert result.returncode != 0
    assert "Frontdesk will not start with DEBUG off without a secret key of its own" in result.stderr
    assert "make run" in result.stderr  # the message says how to get one


def test_production_starts_with_its_own_key():
    result = _start({"DEBUG": "0", "SECRET_KEY": "k" * 50, "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert result.returncode == 0, result.stderr


def test_a_developer_with_debug_on_needs_no_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert secret_key(debug=True) == DEVELOPMENT_SECRET_KEY
    with pytest.raises(ImproperlyConfigured):
        secret_key(debug=False)


def test_the_first_run_writes_a_private_key_and_later_runs_keep_it(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=0\nSECRET_KEY=change-me\nPORT_NOTE=kept", encoding="utf-8")

    assert ensure_secret_key(env_file) is True
    text = env_file.read_text(encoding="utf-8")
    key = [line.split("=", 1)[1] for line in text.splitlines() if line.startswith("SECRET_KEY=")]
    assert len(key) == 1 and len(key[0]) >= 50 and key[0] != "change-me"
    assert "DEBUG=0" in text and "PORT_NOTE=kept" in text  # the owner's other settings stay
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600

    assert ensure_secret_key(env_file) is False  # a restart keeps the key: nobody is signed out
    assert env_file.read_text(encoding="utf-8") == text


def test_two_installations_get_different_keys_and_different_demo_tokens(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    keys = []
    for name in ("salon-a", "salon-b"):
        (tmp_path / name).mkdir()
        ensure_secret_key(tmp_path / name / ".env")
        text = (tmp_path / name / ".env").read_text(encoding="utf-8")
        keys.append(text.split("SECRET_KEY=", 1)[1].strip())
    assert keys[0] != keys[1]

    class Demo:  # the demo network has the same id on every fresh installation
        pk = 1

    tokens = set()
    for key in keys:
        with override_settings(SECRET_KEY=key):
            tokens.add(demo_partner_token_value(Demo))
    assert len(tokens) == 2


def test_the_key_file_is_kept_out_of_git():
    result = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
    assert result.returncode == 0
