from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "adcreative.ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from adcreative.celery import keep_settings

        keep_settings()  # Django's settings are loaded: Celery may copy them into its own table

        from adcreative.ops import retention

        retention.connect()
