from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "adcreative.assets"
    verbose_name = "Image assets"
