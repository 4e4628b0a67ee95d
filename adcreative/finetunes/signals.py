"""The one seam between fine-tunes and whoever follows them (the notifications app).

The state service sends `fine_tune_finished` inside the transaction that completed or failed a fine-tune,
so what a listener writes (an outbox row) commits or rolls back with the change itself.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `fine_tune_id` when a fine-tune is Completed or Failed (a cancelled one was the client's call).
fine_tune_finished = Signal()
