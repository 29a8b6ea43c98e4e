"""Settings read from the environment fail loudly: a value the helper cannot read stops start-up
with a message naming the variable, instead of quietly reading as off (config/env.py)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import envbool, envint


@pytest.mark.parametrize("value", ["1", "true", "True", "YES", "on", " On "])
def test_a_yes_value_reads_as_true(monkeypatch, value):
    monkeypatch.setenv("FD_TEST_FLAG", value)
    assert envbool("FD_TEST_FLAG", False) is True


@pytest.mark.parametrize("value", ["0", "false", "FALSE", "no", "Off"])
def test_a_no_value_reads_as_false(monkeypatch, value):
    monkeypatch.setenv("FD_TEST_FLAG", value)
    assert envbool("FD_TEST_FLAG", True) is False


@pytest.mark.parametrize("value", [None, "", "  "])
def test_an_unset_or_empty_flag_gives_the_default(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("FD_TEST_FLAG", raising=False)
    else:
        monkeypatch.setenv("FD_TEST_FLAG", value)
    assert envbool("FD_TEST_FLAG", True) is True
    assert envbool("FD_TEST_FLAG", False) is False


@pytest.mark.parametrize("value", ["ture", "2", "enabled", "y"])
def test_an_unreadable_flag_names_the_variable_and_the_accepted_values(monkeypatch, value):
    monkeypatch.setenv("FD_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured) as error:
        envbool("FD_TEST_FLAG", False)
    message = str(error.value)
    assert "FD_TEST_FLAG" in message and repr(value) in message
    assert "true/false, 1/0, yes/no or on/off" in message


def test_a_number_is_read_and_empty_gives_the_default(monkeypatch):
    monkeypatch.setenv("FD_TEST_NUMBER", " 42 ")
    assert envint("FD_TEST_NUMBER", 7) == 42
    monkeypatch.setenv("FD_TEST_NUMBER", "")
    assert envint("FD_TEST_NUMBER", 7) == 7


@pytest.mark.parametrize("value", ["ten", "1.5", "20s"])
def test_an_unreadable_number_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("FD_TEST_NUMBER", value)
    with pytest.raises(ImproperlyConfigured) as error:
        envint("FD_TEST_NUMBER", 7)
    assert "FD_TEST_NUMBER" in str(error.value) and "whole number" in str(error.value)


def test_start_up_stops_on_a_mistyped_boolean_setting():
    # The real settings module in a fresh interpreter, as `manage.py` or gunicorn would load it.
    env = {**os.environ, "DEBUG": "ture"}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG='ture' is not a yes/no value" in result.stderr
