from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "adcreative.tenancy"
    verbose_name = "Applications and credits"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from adcreative.tenancy.models import Application
        from adcreative.tenancy.trust import on_application_changed

        post_save.connect(on_application_changed, sender=Application, dispatch_uid="tenancy.trust.save")
        post_delete.connect(on_application_changed, sender=Application, dispatch_uid="tenancy.trust.delete")
