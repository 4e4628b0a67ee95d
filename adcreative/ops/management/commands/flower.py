"""manage.py flower: Celery Flower, always behind basic auth (FLOWER_BASIC_AUTH or FLOWER_BASIC_AUTH_FILE).

`make flower` and the compose file start Flower through this command. In production settings it refuses
to start without credentials; in development it makes a one-off login and prints it.
"""

from __future__ import annotations

import os
import secrets
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

MIN_PRODUCTION_PASSWORD = 12


def logins(value: str, production: bool) -> list[tuple[str, str]]:
    """The `user:password` pairs of FLOWER_BASIC_AUTH (comma-separated), each checked."""
    pairs = []
    for entry in value.split(","):
        user, _, password = entry.strip().partition(":")
        if not user or not password:
            raise CommandError("FLOWER_BASIC_AUTH: give user:password (several separated by commas).")
        if production and len(password) < MIN_PRODUCTION_PASSWORD:
            raise CommandError(
                f"PRODUCTION: each Flower password needs {MIN_PRODUCTION_PASSWORD} or more characters."
            )
        pairs.append((user, password))
    return pairs


class Command(BaseCommand):
    help = "Run Celery Flower behind basic auth from FLOWER_BASIC_AUTH; other arguments go to Flower."

    flower_args: list[str] = []
    stealth_options = ("flower_args",)  # call_command("flower", flower_args=[...])

    def run_from_argv(self, argv: list[str]) -> None:
        # Every argument after `flower` is Flower's own (--port=5555, --address=…), passed on as given.
        self.flower_args = argv[2:]
        super().run_from_argv(argv[:2])

    def handle(self, *args: Any, **options: Any) -> None:
        auth = settings.FLOWER_BASIC_AUTH
        if not auth and settings.PRODUCTION:
            raise CommandError(
                "PRODUCTION: Flower needs FLOWER_BASIC_AUTH=user:password (or FLOWER_BASIC_AUTH_FILE)."
            )
        if not auth:
            auth = f"admin:{secrets.token_urlsafe(12)}"
            self.stderr.write(f"FLOWER_BASIC_AUTH is not set: log in to Flower as {auth} (this run only).")
        logins(auth, settings.PRODUCTION)
        # Flower reads FLOWER_<OPTION> variables itself and stops at one it does not know (…_FILE).
        env = {name: value for name, value in os.environ.items() if name != "FLOWER_BASIC_AUTH_FILE"}
        env["FLOWER_BASIC_AUTH"] = auth
        flower_args = self.flower_args or options.get("flower_args") or []
        command = [sys.executable, "-m", "celery", "-A", "adcreative", "flower", *flower_args]
        os.execve(sys.executable, command, env)  # noqa: S606  # Flower takes this process's place
