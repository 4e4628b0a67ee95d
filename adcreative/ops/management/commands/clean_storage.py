"""manage.py clean_storage [--days N]: run beat's `ops.clean_storage` now, in this process, and say what it
did: expire what is older than N days (default RETENTION_DAYS; 0 expires nothing) and remove from the store
the files of deleted records once DOWNLOAD_LINK_SECONDS have passed. One run does a bounded amount (run it
again until it reports nothing); a store that fails leaves the rest for the next run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from adcreative.ops import retention


class Command(BaseCommand):
    help = "Expire old uploads and results (RETENTION_DAYS or --days) and purge deleted records' files now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Expire what is older (default RETENTION_DAYS)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 0:
            raise CommandError("--days must be 0 (expire nothing) or more.")
        counts = retention.clean_storage(days)
        self.stdout.write(", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in counts.items()))
