from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "adcreative.api"
    verbose_name = "API plumbing"

    def ready(self) -> None:
        from adcreative.api import schema  # noqa: F401  registers the OpenAPI auth extensions
