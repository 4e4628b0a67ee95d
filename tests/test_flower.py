"""Flower starts only behind basic auth (`manage.py flower`, what `make flower` and compose run)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from base64 import b64encode
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import ROOT, free_port, wait_until_up


def test_production_refuses_to_start_flower_without_a_login(settings: Any) -> None:
    settings.PRODUCTION, settings.FLOWER_BASIC_AUTH = True, ""
    with mock.patch("os.execve") as started, pytest.raises(CommandError, match="FLOWER_BASIC_AUTH"):
        call_command("flower")
    settings.FLOWER_BASIC_AUTH = "ops:short"
    with mock.patch("os.execve") as started, pytest.raises(CommandError, match="12 or more"):
        call_command("flower")
    assert not started.called


@pytest.mark.parametrize("value", ["ops", "ops:", ":secret", "ops:secret,"])
def test_a_login_without_a_user_or_password_is_refused(settings: Any, value: str) -> None:
    settings.FLOWER_BASIC_AUTH = value
    with mock.patch("os.execve") as started, pytest.raises(CommandError, match="user:password"):
        call_command("flower")
    assert not started.called


def test_development_without_a_login_gets_a_one_off_one(settings: Any, capsys: Any) -> None:
    settings.PRODUCTION, settings.FLOWER_BASIC_AUTH = False, ""
    secret_file = {"FLOWER_BASIC_AUTH_FILE": "/run/secrets/flower"}
    with mock.patch.dict(os.environ, secret_file), mock.patch("os.execve") as started:
        call_command("flower", flower_args=["--port=5999"])
    _, command, env = started.call_args.args
    assert command[-3:] == ["adcreative", "flower", "--port=5999"]
    assert env["FLOWER_BASIC_AUTH"].startswith("admin:") and "FLOWER_BASIC_AUTH_FILE" not in env
    assert env["FLOWER_BASIC_AUTH"] in capsys.readouterr().err


def get(url: str, login: str = "") -> int:
    request = urllib.request.Request(url)
    if login:
        request.add_header("Authorization", "Basic " + b64encode(login.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_flower_asks_for_the_login_it_was_given() -> None:
    port, login = free_port(), "ops:a-long-flower-password"
    env = {**os.environ, "FLOWER_BASIC_AUTH": login, "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"]}
    flower = subprocess.Popen(
        [sys.executable, "manage.py", "flower", f"--port={port}", "--address=127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/healthcheck", flower, seconds=60)
        assert get(f"{base}/") == 401
        assert get(f"{base}/", "ops:wrong") == 401
        assert get(f"{base}/", login) == 200
    finally:
        flower.terminate()
        flower.wait(timeout=20)
