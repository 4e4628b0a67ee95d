"""The seams between the creatives and the apps above them that follow or guard them (notifications).

The state service sends `tasks_changed` inside the transaction of each change, so what a listener
writes (an outbox row) commits or rolls back with the change itself. Listeners connect in their
app's `ready()`; nothing here knows who they are.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `task_ids` (the tasks that moved) and `state_changed` (False: only progress inside a state).
tasks_changed = Signal()
# Sent with `application` before a process is made for it: a receiver may refuse the request by raising
# one of the API's errors (the notifications app: REQUIRE_NOTIFICATION_CHANNEL without an active channel).
process_requested = Signal()
