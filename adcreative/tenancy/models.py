"""The tenant (`Application`) and its credits: a balance plus a ledger row for every change."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from adcreative.tenancy.secrets import Credentials, hash_secret, new_credentials


class Application(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(
        default=True, help_text="A disabled application's keys and tokens are refused."
    )
    api_key = models.CharField(max_length=32, unique=True, editable=False)
    api_secret_hash = models.CharField(max_length=64, editable=False)
    jwt_private_key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # DRF treats the authenticated principal as `request.user`; for this API that is the application.
    is_authenticated = True

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"

    def set_credentials(self) -> Credentials:
        """New key, secret and JWT private key; the caller shows them once, only hashes are kept."""
        credentials = new_credentials()
        self.api_key = credentials.api_key
        self.api_secret_hash = hash_secret(credentials.api_secret)
        self.jwt_private_key_hash = hash_secret(credentials.jwt_private_key)
        return credentials


class CreditAccount(models.Model):
    application = models.OneToOneField(
        Application,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="credit_account",
    )
    balance = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="credit_balance_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.balance} credits"


class CreditEntry(models.Model):
    """One change of a balance. Rows are never edited: the balance is their sum."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="credit_entries")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    change = models.IntegerField()
    balance_after = models.IntegerField()
    reason = models.CharField(max_length=200)
    task_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "credit entries"
        constraints = [
            # A task is charged at most once, whatever races the download requests run.
            models.UniqueConstraint(
                fields=["task_id"],
                condition=Q(change__lt=0, task_id__isnull=False),
                name="one_charge_per_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.change:+d} {self.reason}"
