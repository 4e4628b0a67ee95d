"""A database made under the first layout (one `generation` app) migrates to the apps by concept whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.conftest import ROOT
from tests.legacy_layout.rows import IDS

LEGACY = "tests.legacy_layout.settings"
# What the first layout's release migrated: every app it had (none of the apps by concept).
FIRST_LAYOUT_APPS = (
    "contenttypes",
    "auth",
    "admin",
    "sessions",
    "token_blacklist",
    "tenancy",
    "notifications",
    "generation",
)
MIGRATE_FIRST_LAYOUT = (
    "import django; django.setup(); from django.core.management import call_command\n"
    f"for app in {FIRST_LAYOUT_APPS!r}: call_command('migrate', app, verbosity=0)"
)


def run(database_url: str, *args: str, settings_module: str = LEGACY) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": settings_module}
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'first-layout.sqlite3'}"
        return
    db = settings.DATABASES["default"]
    name = f"first_layout_{uuid.uuid4().hex[:10]}"
    admin = f"host={db['HOST']} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
    if db["PASSWORD"]:
        admin += f" password={db['PASSWORD']}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_it_moves_every_row_of_the_first_layout_into_the_apps_by_concept(database_url: str) -> None:
    run(database_url, "-c", MIGRATE_FIRST_LAYOUT)
    run(database_url, "-m", "tests.legacy_layout.rows", "fill")
    run(database_url, "manage.py", "migrate", "--noinput", "-v0")  # the apps by concept adopt its tables
    found = json.loads(run(database_url, "-m", "tests.legacy_layout.rows", "read"))
    assert found == {
        "assets": sorted([str(IDS["photo"]), str(IDS["cutout"])]),
        "recommendation": ["teapot", str(IDS["photo"]), str(IDS["cutout"])],
        "process": ["k1"],
        "tasks": [[0, 7, "studio", "results/a/0/result.png"], [1, 8, "studio", "results/a/1/result.png"]],
        "renditions": [["full.pdf", str(IDS["t1"])]],
        # The content type moved with its table (admin history and permissions follow); none is left behind.
        "content_types": ["creatives.task"],
    }


def test_it_creates_the_tables_in_a_new_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    run(url, "manage.py", "migrate", "--noinput", "-v0", settings_module="adcreative.settings")
    tables = run(
        url,
        "-c",
        "import django; django.setup(); from django.db import connection; "
        "print(sorted(connection.introspection.table_names()))",
        settings_module="adcreative.settings",
    )
    for table in (
        "assets_asset",
        "recommendations_recommendation",
        "creatives_process",
        "creatives_task",
        "downloads_rendition",
    ):
        assert table in tables
    assert "generation_" not in tables
