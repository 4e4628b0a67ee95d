from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "adcreative.ops"
    verbose_name = "Operations"
