from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "adcreative.notifications"
    verbose_name = "Notification channels"

    def ready(self) -> None:
        # The seams with the creatives and the fine-tunes: their state services announce each change; the
        # outbox listens.
        from adcreative.creatives.signals import process_requested, tasks_changed
        from adcreative.finetunes.signals import fine_tune_finished
        from adcreative.notifications.outbox import on_fine_tune_finished, on_tasks_changed, require_channel

        tasks_changed.connect(on_tasks_changed, dispatch_uid="notifications.outbox")
        process_requested.connect(require_channel, dispatch_uid="notifications.require_channel")
        fine_tune_finished.connect(on_fine_tune_finished, dispatch_uid="notifications.outbox.fine_tunes")
