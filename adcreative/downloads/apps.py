from django.apps import AppConfig


class DownloadsConfig(AppConfig):
    name = "adcreative.downloads"
    verbose_name = "Downloads"
