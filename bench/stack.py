"""What the benchmarks that run the service as deployed share: a fresh PostgreSQL database, an application
with credits, and `manage.py runstack` started and waited for until it says "Serving".

Django models are imported inside the functions: a script sets its environment and calls django.setup()
before it uses them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent


def fresh_database(url: str) -> None:
    """An empty database at `url` (postgres://…/name) on a server that trusts this user."""
    import psycopg

    server, _, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def funded_application(name: str, balance: int, reason: str = "bench") -> tuple[str, Any]:
    """A new application with `balance` credits: its id and its credentials (api_key, api_secret)."""
    from adcreative.tenancy import credits
    from adcreative.tenancy.models import Application

    made = Application(name=name)
    secrets = made.set_credentials()
    made.save()
    credits.open_account(made, balance, reason)
    return str(made.id), secrets


def serve(port: int, env: dict[str, str], stderr: IO[Any] | int, where: str) -> subprocess.Popen[str]:
    """`manage.py runstack` on 127.0.0.1:`port` (one web worker), returned once it says "Serving"; if it ends
    first, SystemExit naming `where` its output went."""
    stack = subprocess.Popen(
        [sys.executable, "manage.py", "runstack", "--bind", f"127.0.0.1:{port}", "--web-workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    assert stack.stdout is not None
    for line in stack.stdout:
        if line.startswith("Serving"):
            return stack
    raise SystemExit(f"runstack ended without serving; see {where}")
