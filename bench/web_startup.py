"""Web process start-up: Django set-up plus every route imported, against a bare Django start-up.

Prints medians over several runs in fresh interpreters, the ratio to the baseline measured in this same
run (the machine is shared and noisy: compare the ratio, not the seconds), and peak resident memory.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.figures import Figure, record

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7

MEASURE = """
import json, resource, time
started = time.perf_counter()
{body}
elapsed = time.perf_counter() - started
print(json.dumps({{"seconds": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
BASELINE = "import django; from django.conf import settings; settings.configure(); django.setup()"
SERVICE = (
    "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'adcreative.settings')\n"
    "import django; django.setup(); import adcreative.urls, adcreative.wsgi\n"
    "from django.urls import get_resolver; get_resolver().url_patterns"
)


def measure(body: str) -> tuple[float, float]:
    samples = []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-c", MEASURE.format(body=body)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        samples.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return (
        statistics.median(s["seconds"] for s in samples),
        statistics.median(s["rss_mb"] for s in samples),
    )


def main() -> None:
    base_s, base_mb = measure(BASELINE)
    web_s, web_mb = measure(SERVICE)
    print(f"bare Django start-up : {base_s * 1000:7.1f} ms  {base_mb:6.1f} MB peak RSS")
    print(f"web process start-up : {web_s * 1000:7.1f} ms  {web_mb:6.1f} MB peak RSS")
    print(f"ratio (web / bare)   : {web_s / base_s:7.2f}x time, {web_mb / base_mb:.2f}x memory")
    record(Figure("web process start-up", web_s, "s", base_s, script="web_startup.py"))
    record(Figure("web process peak memory at start-up", web_mb, "MB", base_mb, script="web_startup.py"))


if __name__ == "__main__":
    main()
