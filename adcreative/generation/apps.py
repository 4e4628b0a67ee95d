from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "adcreative.generation"
    verbose_name = "Assets and generation"
