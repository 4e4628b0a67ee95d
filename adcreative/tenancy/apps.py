from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "adcreative.tenancy"
    verbose_name = "Applications and credits"
    default_auto_field = "django.db.models.BigAutoField"
