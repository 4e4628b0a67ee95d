from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "adcreative.notifications"
    verbose_name = "Notification channels"
