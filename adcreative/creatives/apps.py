from django.apps import AppConfig


class CreativesConfig(AppConfig):
    name = "adcreative.creatives"
    verbose_name = "Creatives: processes and their tasks"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from adcreative.creatives.models import Process
        from adcreative.creatives.progress import on_process_deleted

        post_delete.connect(on_process_deleted, sender=Process, dispatch_uid="creatives.progress.deleted")

        from adcreative.creatives.services import usage_since
        from adcreative.tenancy.usage import counts_usage

        counts_usage(usage_since)
