from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "tests.legacy_layout"
    label = "generation"  # the first layout's app label: its rows in django_migrations and content types
