from django.apps import AppConfig


class FineTunesConfig(AppConfig):
    name = "adcreative.finetunes"
    label = "finetunes"
    verbose_name = "Fine-tunes: LoRAs trained on an application's photos"
