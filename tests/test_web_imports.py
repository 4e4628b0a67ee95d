"""The web process stays small: importing its routes loads no model runtime."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

HEAVY = ("torch", "diffusers", "transformers", "onnxruntime", "rembg", "accelerate")


def test_it_imports_the_web_routes_without_model_runtimes() -> None:
    # Every module of the web side (views, serializers, the task modules the views enqueue from, admin,
    # management commands): their imports must stay light; the workers import the heavy parts inside tasks.
    code = (
        "import sys, pkgutil, importlib, django; django.setup(); import adcreative, adcreative.urls, "
        "adcreative.wsgi\n"
        "for module in pkgutil.walk_packages(adcreative.__path__, 'adcreative.'):\n"
        "    importlib.import_module(module.name)\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"web process imported: {result.stdout}"


def test_the_web_and_its_management_commands_load_no_render_code() -> None:
    """What gunicorn loads and every management command (the web image runs them, and it has no scipy):
    the render code (numpy's heavier half, scipy) loads where a command renders, inside it."""
    code = (
        "import sys, pkgutil, importlib, django; django.setup(); import adcreative, adcreative.urls, "
        "adcreative.wsgi\n"
        "for module in pkgutil.walk_packages(adcreative.__path__, 'adcreative.'):\n"
        "    if '.management.commands.' in module.name:\n"
        "        importlib.import_module(module.name)\n"
        f"print(','.join(m for m in ('scipy', *{HEAVY!r}) if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"the web side imported: {result.stdout}"
