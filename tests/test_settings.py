"""Settings come from the environment through helpers that refuse malformed values."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from adcreative import env
from tests.conftest import ROOT


def test_it_reads_typed_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    monkeypatch.setenv("X_SECONDS", "90")
    assert env.env_int("X_INT", 1) == 42
    assert env.env_bool("X_BOOL", False) is True
    assert env.env_list("X_LIST", []) == ["a", "b", "c"]
    assert env.env_seconds("X_SECONDS", 5) == timedelta(seconds=90)
    assert env.env_int("X_UNSET", 7) == 7


@pytest.mark.parametrize(
    ("reader", "value", "message"),
    [
        (lambda: env.env_int("X", 1), "12abc", "X='12abc' is not an integer"),
        (lambda: env.env_int("X", 1, minimum=5), "3", "X=3 must be at least 5"),
        (lambda: env.env_bool("X", False), "maybe", "X='maybe' is not a boolean"),
        (lambda: env.env_float("X", 1.0), "fast", "X='fast' is not a number"),
        (lambda: env.env_choice("X", "a", ("a", "b")), "c", "X='c' must be one of: a, b"),
        (lambda: env.env_choices("X", ["a"], ("a", "b")), "a,c", "X='a,c' must list one or more of: a, b"),
        (lambda: env.env_choices("X", ["a"], ("a", "b")), " , ", "X=',' must list one or more of: a, b"),
    ],
)
def test_it_rejects_malformed_values(
    monkeypatch: pytest.MonkeyPatch, reader, value: str, message: str
) -> None:
    monkeypatch.setenv("X", value)
    with pytest.raises(ImproperlyConfigured, match=message):
        reader()


def test_it_reads_a_secret_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    (tmp_path / "secret").write_text("s3cret\n")
    monkeypatch.setenv("MY_SECRET_FILE", str(tmp_path / "secret"))
    assert env.env_secret("MY_SECRET", "default") == "s3cret"
    monkeypatch.setenv("MY_SECRET", "also")
    with pytest.raises(ImproperlyConfigured, match="either MY_SECRET or MY_SECRET_FILE"):
        env.env_secret("MY_SECRET", "default")


def test_it_parses_database_urls() -> None:
    pg = env.parse_database_url("DATABASE_URL", "postgres://u:p%40ss@db.local:6543/photos?sslmode=require")
    assert pg == {
        "ENGINE": "django.db.backends.postgresql", "NAME": "photos", "USER": "u", "PASSWORD": "p@ss",
        "HOST": "db.local", "PORT": "6543", "OPTIONS": {"sslmode": "require"},
    }  # fmt: skip
    assert env.parse_database_url("D", "sqlite:////var/lib/app.db")["NAME"] == "/var/lib/app.db"
    for bad in ("mysql://x/y", "postgres://host:99999999/db", "postgres://host/", "sqlite://"):
        with pytest.raises(ImproperlyConfigured):
            env.parse_database_url("D", bad)


def start_django(**overrides: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **overrides}
    code = "import django; django.setup()"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_it_stops_start_up_on_a_malformed_setting() -> None:
    result = start_django(JWT_ACCESS_TOKEN_LIFETIME="one hour")
    assert result.returncode != 0
    assert "JWT_ACCESS_TOKEN_LIFETIME='one hour' is not an integer" in result.stderr


def test_it_refuses_time_limits_beyond_the_visibility_timeout() -> None:
    result = start_django(GPU_TASK_TIME_LIMIT="7200", BROKER_VISIBILITY_TIMEOUT="3600")
    assert result.returncode != 0
    assert "GPU_TASK_TIME_LIMIT < BROKER_VISIBILITY_TIMEOUT" in result.stderr


def test_it_needs_a_model_for_the_diffusion_engine() -> None:
    result = start_django(GENERATION_ENGINE="diffusion", SD_INPAINT_MODEL="")
    assert result.returncode != 0 and "GENERATION_ENGINE=diffusion needs SD_INPAINT_MODEL" in result.stderr
    assert "manage.py provision_models --diffusion" in result.stderr  # and says which command fetches one


def test_it_refuses_an_upload_limit_the_request_limit_would_hide() -> None:
    result = start_django(UPLOAD_MAX_BYTES="52428800", MAX_REQUEST_BYTES="31457280")
    assert result.returncode != 0
    assert "UPLOAD_MAX_BYTES=52428800 must be below MAX_REQUEST_BYTES=31457280" in result.stderr


def run_check(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "JWT_SIGNING_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env={**env, **env_extra},
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_the_deploy_check() -> None:
    key = "k" * 20 + os.urandom(24).hex()
    done = run_check({"PRODUCTION": "true", "SECRET_KEY": key}, "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "no issues" in done.stdout


@pytest.mark.parametrize(
    ("env_extra", "message"),
    [
        ({"PRODUCTION": "true"}, "PRODUCTION needs SECRET_KEY"),
        ({"PRODUCTION": "true", "SECRET_KEY": "short"}, "PRODUCTION needs SECRET_KEY"),
        ({"PRODUCTION": "true", "SECRET_KEY": "s" * 60, "JWT_SIGNING_KEY": "short"}, "JWT_SIGNING_KEY of 32"),
        ({"PRODUCTION": "true", "SECRET_KEY": "s" * 60, "DEBUG": "true"}, "PRODUCTION and DEBUG"),
    ],
)
def test_production_refuses_development_keys_and_debug(env_extra: dict[str, str], message: str) -> None:
    done = run_check(env_extra)
    assert done.returncode != 0 and message in done.stderr


def test_production_redirects_to_https_but_not_the_probes(settings: Any) -> None:
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True  # what PRODUCTION turns on; the exemptions are the settings' own
    browser = Client()
    assert browser.get("/api/v1/Image/ProductGeneration/PresetKeys").status_code == 301
    response = browser.get("/healthz")
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
