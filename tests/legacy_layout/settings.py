"""The project's settings with the first layout's `generation` app installed beside the new apps."""

from adcreative.settings import *  # noqa: F403
from adcreative.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.legacy_layout.apps.GenerationConfig"]
