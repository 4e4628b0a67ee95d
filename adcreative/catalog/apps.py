from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "adcreative.catalog"
    verbose_name = "Preset catalog"
