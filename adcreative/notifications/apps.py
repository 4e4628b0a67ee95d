from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "adcreative.notifications"
    verbose_name = "Notification channels"

    def ready(self) -> None:
        # The one seam with the creatives: their state service announces each change; the outbox listens.
        from adcreative.creatives.signals import tasks_changed
        from adcreative.notifications.outbox import on_tasks_changed

        tasks_changed.connect(on_tasks_changed, dispatch_uid="notifications.outbox")
