"""Settings for bench/download.py's server: the project's, with a bare file view beside the API."""

from adcreative.settings import *  # noqa: F403

ROOT_URLCONF = "bench.download_urls"
