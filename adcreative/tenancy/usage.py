"""What an application used lately, as its admin page shows it. Each app that records usage contributes its
own counts (`counts_usage`, called in its AppConfig.ready()); the tenancy app imports none of them and adds
the ledger's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from adcreative.tenancy.models import Application

Counter = Callable[[Application, datetime], dict[str, int]]  # (application, since) → {what: count}
_counters: list[Counter] = []


def counts_usage(counter: Counter) -> None:
    """Add an app's counts to every application's usage (once, in the order the apps are ready)."""
    if counter not in _counters:
        _counters.append(counter)


def usage(application: Application, days: int) -> dict[str, int]:
    since = timezone.now() - timedelta(days=days)
    counts: dict[str, int] = {}
    for counter in _counters:
        counts.update(counter(application, since))
    ledger = application.credit_entries.filter(at__gte=since, task_id__isnull=False)
    charged = ledger.aggregate(downloads=Count("id", filter=Q(change__lt=0)), spent=Sum("change"))
    return {**counts, "downloads charged": charged["downloads"], "credits charged": -(charged["spent"] or 0)}
