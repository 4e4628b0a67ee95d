from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "adcreative.recommendations"
    verbose_name = "Recommendations"

    def ready(self) -> None:
        from adcreative.recommendations.services import usage_since
        from adcreative.tenancy.usage import counts_usage

        counts_usage(usage_since)
