from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "adcreative.recommendations"
    verbose_name = "Recommendations"
