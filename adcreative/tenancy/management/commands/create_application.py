"""manage.py create_application --name N --credits C: prints the credentials once."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from adcreative.tenancy import credits
from adcreative.tenancy.models import Application


class Command(BaseCommand):
    help = "Create an application and print its credentials (shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--credits", type=int, default=0, help="Opening credit balance (default 0).")
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print one JSON object instead of lines.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name:
            raise CommandError("--name must not be empty.")
        if options["credits"] < 0:
            raise CommandError("--credits must be 0 or more.")
        with transaction.atomic():
            application = Application(name=name)
            secrets = application.set_credentials()
            application.save()
            credits.open_account(application, options["credits"], "Opening balance")
        values = {
            "applicationId": str(application.id),
            "apiKey": secrets.api_key,
            "apiSecret": secrets.api_secret,
            "jwtPrivateKey": secrets.jwt_private_key,
            "credits": options["credits"],
        }
        if options["json"]:
            self.stdout.write(json.dumps(values))
            return
        for key, value in values.items():
            self.stdout.write(f"{key}: {value}")
        self.stdout.write("Store apiSecret and jwtPrivateKey now: they are kept only as hashes.")
