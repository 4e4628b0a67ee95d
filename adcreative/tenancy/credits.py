"""The only writer of credit balances: each change locks the balance row and writes its ledger row."""

from __future__ import annotations

from django.db import transaction

from adcreative.tenancy.models import Application, CreditAccount, CreditEntry


def grant(application: Application, amount: int, reason: str) -> CreditEntry:
    """Add (or, with a negative amount, remove) credits; a balance never goes below zero."""
    if amount == 0:
        raise ValueError("A grant of 0 credits changes nothing.")
    with transaction.atomic():
        CreditAccount.objects.get_or_create(application=application)
        account = CreditAccount.objects.select_for_update().get(application=application)
        if account.balance + amount < 0:
            raise ValueError(f"Cannot remove {-amount} credits: the balance is {account.balance}.")
        account.balance += amount
        account.save(update_fields=["balance", "updated_at"])
        return CreditEntry.objects.create(
            application=application,
            change=amount,
            balance_after=account.balance,
            reason=reason,
        )


def open_account(application: Application, credits: int, reason: str) -> None:
    """Create the credit record (an application without one cannot download) with a first grant."""
    CreditAccount.objects.get_or_create(application=application)
    if credits:
        grant(application, credits, reason)
