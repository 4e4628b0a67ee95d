"""The image pipeline, free of Django and Celery: PIL/numpy (and torch, lazily) in, PIL/dataclasses out.

Nothing here imports a model runtime at import time; `workers.models` loads each model once per
process, on first use, so the web process can import the light parts (upload checks) safely.
"""
