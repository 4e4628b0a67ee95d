"""The one seam between the creatives and whoever follows their progress (the notifications app).

The state service sends `tasks_changed` inside the transaction of each change, so what a listener
writes (an outbox row) commits or rolls back with the change itself. Listeners connect in their
app's `ready()`; nothing here knows who they are.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `task_ids` (the tasks that moved) and `state_changed` (False: only progress inside a state).
tasks_changed = Signal()
