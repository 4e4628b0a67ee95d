from django.apps import AppConfig


class CreativesConfig(AppConfig):
    name = "adcreative.creatives"
    verbose_name = "Creatives: processes and their tasks"
