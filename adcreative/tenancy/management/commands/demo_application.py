"""manage.py demo_application: the application `make run` prints, with fresh credentials each time.

Secrets are kept only as hashes, so instead of storing them anywhere the demo application's
credentials are rotated on every run and printed once, ready to paste into a client.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from adcreative.tenancy import credits
from adcreative.tenancy.models import Application, CreditAccount


class Command(BaseCommand):
    help = "Create (or re-key) the demo application, top it up, and print its credentials."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="Demo")
        parser.add_argument("--credits", type=int, default=100, help="Top the balance up to this many.")
        parser.add_argument(
            "--url",
            default=f"http://{os.environ.get('WEB_BIND', '127.0.0.1:8000')}",
            help="Where the service answers (for the photoshoot CLI's lines).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            application = Application.objects.filter(name=options["name"]).order_by("created_at").first()
            created = application is None
            application = application or Application(name=options["name"])
            secrets = application.set_credentials()
            application.is_active = True
            application.save()
            account, _ = CreditAccount.objects.get_or_create(application=application)
            if account.balance < options["credits"]:
                credits.grant(application, options["credits"] - account.balance, "Demo top-up")
        verb = "Created" if created else "Re-keyed"
        self.stdout.write(f"{verb} application {application.name!r}; credentials (valid until the next run):")
        self.stdout.write(f"  applicationId: {application.id}")
        self.stdout.write(f"  apiKey:        {secrets.api_key}")
        self.stdout.write(f"  apiSecret:     {secrets.api_secret}")
        self.stdout.write(f"  jwtPrivateKey: {secrets.jwt_private_key}")
        self.stdout.write("For the photoshoot CLI (.venv/bin/photoshoot), in another terminal:")
        self.stdout.write(
            f"  export PHOTOSHOOT_URL={options['url']} PHOTOSHOOT_APPLICATION_ID={application.id} "
            f"PHOTOSHOOT_API_KEY={secrets.api_key} PHOTOSHOOT_API_SECRET={secrets.api_secret}"
        )
