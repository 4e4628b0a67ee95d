"""The Django project of the Product Photoshoot API."""

from adcreative.celery import app as celery_app

__all__ = ["celery_app"]
