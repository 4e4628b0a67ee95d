"""The only writer of credit balances: each change locks the balance row and writes its ledger row."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from adcreative import telemetry
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


def settled() -> QuerySet[CreditEntry]:
    """The ledger rows that settle a task's downloads: its charge, or an operator's waiver."""
    return CreditEntry.objects.filter(task_id__isnull=False, change__lte=0)


def waive(application: Application, task_id: uuid.UUID, reason: str) -> CreditEntry:
    """Make a task's downloads free: a ledger row of 0 credits, so the ledger says why the creative was
    never charged."""
    account = CreditAccount.objects.filter(application=application).first()
    balance = account.balance if account else 0
    return CreditEntry.objects.create(
        application=application, change=0, balance_after=balance, reason=reason, task_id=task_id
    )


class ChargeRefused(Exception):
    """A download cannot be charged; `message` is the public API's ErrorMessage text."""

    message = ""

    def __init__(self) -> None:
        super().__init__(self.message)


class NoCreditAccount(ChargeRefused):
    message = "API Key Credits for Application does not exist."


class InsufficientCredits(ChargeRefused):
    message = "Insufficient API Key Credits."


DOWNLOAD_REASON = "Download"


def is_charged(task_id: uuid.UUID) -> bool:
    """Charged already, or waived: its downloads cost nothing more."""
    return settled().filter(task_id=task_id).exists()


def charge_download(application: Application, task_id: uuid.UUID, *, check_only: bool = False) -> bool:
    """Charge 1 credit for the first download of a task; later downloads are free.

    True when this call charged. Every charge of an application waits for the lock on its balance
    row, then looks again for a charge of the task: of many concurrent first downloads one charges and
    the rest see its row. The unique constraint `one_charge_per_task` is the backstop. With
    `check_only` (HEAD) nothing is written, but a download that would be refused is refused.
    """
    if is_charged(task_id):
        return False
    try:
        with transaction.atomic():
            return _charge_locked(application, task_id, check_only)
    except IntegrityError:
        if is_charged(task_id):
            return False
        raise


def _charge_locked(application: Application, task_id: uuid.UUID, check_only: bool) -> bool:
    account = CreditAccount.objects.select_for_update().filter(application=application).first()
    if account is None:
        raise NoCreditAccount()
    if is_charged(task_id):  # charged while this request waited for the lock
        return False
    if account.balance < 1:
        raise InsufficientCredits()
    if check_only:
        return False
    account.balance -= 1
    account.save(update_fields=["balance", "updated_at"])
    CreditEntry.objects.create(
        application=application,
        change=-1,
        balance_after=account.balance,
        reason=DOWNLOAD_REASON,
        task_id=task_id,
    )
    transaction.on_commit(telemetry.CREDITS_CHARGED.inc)  # counted once the charge is stored
    return True
