"""Load: the service under many clients at once, on loopback, bounded, and it stops by itself.

The deployed processes (web, the gpu and default workers, beat, as `manage.py runstack` starts them) on
PostgreSQL and Redis of this machine (a database and a Redis db of the run's own), default settings:

1. Pollers and flows: `--pollers` clients (default 200) poll CheckUserProgress every `--interval`
   seconds (default 2, the Retry-After the service gives a client that waits), spread over `--flows`
   applications, while `--flows` clients (default 20) each run the whole flow a client runs: upload a
   photo to Recommendations (following 202 + Location), AdCreative with two of the recommended presets,
   poll until done, download every creative. Latency p50/p99 of the polls is reported against a tenth as
   many pollers of /healthz (no database, no auth) running beside them.
2. Backlog: with the gpu worker stopped, `--backlog` tasks (default 500) are queued through AdCreative;
   then a gpu worker starts and the backlog must drain: every task Completed, none lost, failed or
   rendered twice.

Success: no error other than a 429 (the rate limit, honoured by waiting its Retry-After), no task lost.
Exit status 1 otherwise. Needs PostgreSQL on 127.0.0.1:5432 (trust auth) and Redis on 127.0.0.1:6379;
LOAD_DATABASE_URL and LOAD_REDIS_URL override them. `--deadline` bounds the whole run (seconds).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import stack  # noqa: E402
from bench.httpload import free_port  # noqa: E402

DATABASE = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/adcreative_load")
BROKER = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/12")
VAR = tempfile.mkdtemp(prefix="bench-load-")
ENVIRONMENT = {
    "DATABASE_URL": DATABASE, "CELERY_BROKER_URL": BROKER, "CELERY_RESULT_BACKEND": BROKER, "CACHE_URL": "",
    "VAR_DIR": VAR, "HF_HUB_OFFLINE": "1", "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "adcreative.settings",
    "U2NET_HOME": str(ROOT / "models"),
}  # fmt: skip
API = "/api/v1/Image/ProductGeneration"


@dataclass
class Tally:
    """What every client saw: statuses by what was asked, latencies of the successful ones, errors."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[str] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def record(self, what: str, status: int | str, seconds: float, detail: str = "") -> None:
        with self.lock:
            self.statuses[f"{what} {status}"] += 1
            if status == 200 or status == 202:
                self.latencies.setdefault(what, []).append(seconds)
            elif status != 429:
                self.errors.append(f"{what}: {status} {detail[:200]}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


# --- the stack --------------------------------------------------------------------------------------


def fresh_database() -> None:
    stack.fresh_database(DATABASE)
    redis.Redis.from_url(BROKER).flushdb()


def start(name: str, command: list[str]) -> subprocess.Popen[bytes]:
    log = (Path(VAR) / f"{name}.log").open("ab")
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **ENVIRONMENT}, stdout=log, stderr=log)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not come up within {seconds:.0f} s; logs in {VAR}")


def applications(count: int) -> list[dict[str, str]]:
    """`count` applications with credits."""
    made = []
    for index in range(count):
        application_id, secrets = stack.funded_application(f"load-{index}", 100_000, "load")
        made.append(
            {"applicationId": application_id, "apiKey": secrets.api_key, "apiSecret": secrets.api_secret}
        )
    return made


def headers_of(application: dict[str, str]) -> dict[str, str]:
    return {"x-api-key": application["apiKey"], "x-api-secret": application["apiSecret"]}


# --- the clients ------------------------------------------------------------------------------------


def poller(
    base: str,
    application: dict[str, str],
    path: str,
    interval: float,
    stop_at: Callable[[], bool],
    tally: Tally,
) -> None:
    """One client polling `path` every `interval` seconds until told to stop (honouring a 429's Retry-After)."""
    session = requests.Session()
    session.headers.update(headers_of(application))
    query = {"applicationId": application["applicationId"], "limit": "5"}
    what = path.rsplit("/", 1)[-1]
    while not stop_at():
        started = time.monotonic()
        try:
            response = session.get(base + path, params=query, timeout=30)
            tally.record(what, response.status_code, time.monotonic() - started, response.text)
            pause = float(response.headers.get("Retry-After", 1)) if response.status_code == 429 else interval
        except requests.RequestException as exc:
            tally.record(what, type(exc).__name__, time.monotonic() - started, str(exc))
            pause = interval
        time.sleep(max(0.0, pause - (time.monotonic() - started)))


def call(tally: Tally, what: str, send: Callable[[], requests.Response], ok: tuple[int, ...] = (200,)) -> Any:
    """One request of a flow, repeated after a 429's Retry-After; None when it failed."""
    for _ in range(20):
        started = time.monotonic()
        try:
            response = send()
        except requests.RequestException as exc:
            tally.record(what, type(exc).__name__, time.monotonic() - started, str(exc))
            return None
        tally.record(what, response.status_code, time.monotonic() - started, response.text)
        if response.status_code == 429:
            time.sleep(float(response.headers.get("Retry-After", 1)))
            continue
        return response if response.status_code in ok else None
    return None


def photo_bytes(index: int) -> bytes:
    from tests.drawing import bottle_photo, encode

    return encode(bottle_photo(), "JPEG", quality=90 - index % 10)


def recommendation(base: str, session: requests.Session, index: int, tally: Tally) -> dict[str, Any] | None:
    files = {"productImage": (f"photo-{index}.jpg", photo_bytes(index), "image/jpeg")}
    answer = call(
        tally,
        "Recommendations",
        lambda: session.post(f"{base}{API}/Recommendations", files=files, timeout=120),
        ok=(200, 202),
    )
    while answer is not None and answer.status_code == 202:
        time.sleep(float(answer.headers.get("Retry-After", 2)))
        location = answer.headers["Location"]
        answer = call(
            tally, "Recommendations/<id>", partial(session.get, location, timeout=30), ok=(200, 202)
        )
    return None if answer is None else dict(answer.json())


def flow(base: str, application: dict[str, str], index: int, tally: Tally, deadline: float) -> bool:
    """The whole flow of one client; True when every creative was downloaded as a PNG of the right size."""
    session = requests.Session()
    session.headers.update(headers_of(application))
    found = recommendation(base, session, index, tally)
    if found is None:
        return False
    prompts = [{"tag": "preset", "preset": key} for key in found["recommendedPresetIds"][:2]]
    form = {"applicationId": application["applicationId"], "productImageAssetId": found["backgroundRemovedImageAssetId"],
            "PromptObjectsString": json.dumps(prompts), "productName": found["productInfo"]["productName"]}  # fmt: skip
    made = call(tally, "AdCreative", lambda: session.post(f"{base}{API}/AdCreative", data=form, timeout=30))
    if made is None:
        return False
    process_id = made.json()["imageProductGeneratorProcessId"]
    query = {"applicationId": application["applicationId"], "imageProductGeneratorProcessId": process_id}
    while time.monotonic() < deadline:
        time.sleep(1)
        polled = call(
            tally,
            "CheckUserProgress (flow)",
            lambda: session.get(f"{base}{API}/CheckUserProgress", params=query, timeout=30),
        )
        if polled is None:
            return False
        (process,) = polled.json()["processes"]
        if process["progress"] == 100:
            return all(download(base, session, task, tally) for task in process["tasks"])
    tally.record("flow", "deadline", 0.0, f"process {process_id} did not finish")
    return False


def download(base: str, session: requests.Session, task: dict[str, Any], tally: Tally) -> bool:
    from PIL import Image

    got = call(tally, "Download", lambda: session.get(base + task["downloadUrl"], timeout=60))
    if got is None:
        return False
    with Image.open(io.BytesIO(got.content)) as image:
        right = image.format == "PNG" and image.size == (task["width"], task["height"])
    if not right:
        tally.record("Download", "wrong file", 0.0, f"{task['taskId']}")
    return right


def in_threads(targets: list[Callable[[], object]]) -> list[object]:
    results: list[object] = [None] * len(targets)

    def run(index: int) -> None:
        results[index] = targets[index]()

    threads = [threading.Thread(target=run, args=(index,), daemon=True) for index in range(len(targets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# --- the phases -------------------------------------------------------------------------------------


def pollers_and_flows(
    base: str, apps: list[dict[str, str]], args: argparse.Namespace
) -> tuple[Tally, list[object]]:
    tally = Tally()
    flows_done = threading.Event()
    minimum_end = time.monotonic() + float(args.seconds)
    deadline = time.monotonic() + float(args.deadline) / 2

    def stop_at() -> bool:
        return (flows_done.is_set() and time.monotonic() > minimum_end) or time.monotonic() > deadline

    paths = [f"{API}/CheckUserProgress"] * args.pollers + ["/healthz"] * max(1, args.pollers // 10)
    pollers = [
        threading.Thread(
            target=poller, args=(base, apps[i % len(apps)], path, args.interval, stop_at, tally), daemon=True
        )
        for i, path in enumerate(paths)
    ]
    for thread in pollers:
        thread.start()
    outcomes = in_threads([partial(flow, base, apps[i], i, tally, deadline) for i in range(len(apps))])
    flows_done.set()
    for thread in pollers:
        thread.join()
    return tally, outcomes


def backlog(
    base: str, apps: list[dict[str, str]], assets: list[str], count: int, deadline: float
) -> dict[str, Any]:
    """Queue `count` tasks with no gpu worker, then start one and time the drain."""
    tally, process_ids = Tally(), []
    sizes = [6] * (count // 6) + ([count % 6] if count % 6 else [])
    presets = [
        "white_background",
        "natural_beige_background",
        "light_grey_background",
        "light_blue_background",
        "gray_shadowy_room_sunlight_streaming_studio",
        "mid_century_modern_office",
    ]
    for number, size in enumerate(sizes):
        application, asset = apps[number % len(apps)], assets[number % len(apps)]
        form = {"productImageAssetId": asset, "PromptObjectsString": json.dumps(
            [{"tag": "preset", "preset": preset} for preset in presets[:size]])}  # fmt: skip
        made = call(
            tally,
            "AdCreative (backlog)",
            partial(
                requests.post,
                f"{base}{API}/AdCreative",
                data=form,
                headers=headers_of(application),
                timeout=30,
            ),
        )
        if made is not None:
            process_ids.append((application, made.json()["imageProductGeneratorProcessId"]))
    return {"tally": tally, "processes": process_ids, "queued": sum(sizes)}


def task_states(base: str, processes: list[tuple[dict[str, str], str]]) -> Counter[str]:
    states: Counter[str] = Counter()
    for application, process_id in processes:
        query = {"applicationId": application["applicationId"], "imageProductGeneratorProcessId": process_id}
        polled = requests.get(
            f"{base}{API}/CheckUserProgress", params=query, headers=headers_of(application), timeout=30
        )
        for task in polled.json()["processes"][0]["tasks"] if polled.status_code == 200 else []:
            states[task["renderStateName"]] += 1
    return states


def rendered_twice() -> int:
    from adcreative.creatives.models import Task

    return Task.objects.filter(attempts__gt=1).count()


def report_polls(tally: Tally) -> None:
    for what in ("CheckUserProgress", "healthz"):
        values = tally.latencies.get(what, [])
        print(
            f"  {what:18} {len(values):6} answered   p50 {percentile(values, 0.5) * 1000:7.1f} ms"
            f"   p99 {percentile(values, 0.99) * 1000:7.1f} ms"
        )
    ours, bare = tally.latencies.get("CheckUserProgress", []), tally.latencies.get("healthz", [])
    if ours and bare:
        print(
            f"  CheckUserProgress ÷ healthz: p50 {statistics.median(ours) / statistics.median(bare):.2f}x,"
            f" p99 {percentile(ours, 0.99) / percentile(bare, 0.99):.2f}x"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pollers", type=int, default=200)
    parser.add_argument("--flows", type=int, default=20)
    parser.add_argument("--interval", type=float, default=2, help="seconds between one poller's requests")
    parser.add_argument("--seconds", type=float, default=30, help="pollers run at least this long")
    parser.add_argument("--backlog", type=int, default=500)
    parser.add_argument("--deadline", type=float, default=1200, help="the whole run stops after this")
    args = parser.parse_args()
    started = time.monotonic()
    os.environ.update(ENVIRONMENT)
    import django

    django.setup()
    from adcreative.ops.management.commands.runstack import stack as commands

    fresh_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    port = free_port()
    processes = commands(f"127.0.0.1:{port}", int(os.environ.get("WEB_CONCURRENCY", "2")))
    running = {name: start(name, command) for name, command in processes.items()}
    base = f"http://127.0.0.1:{port}"
    failed = False
    try:
        wait_until_up(f"{base}/healthz")
        apps = applications(args.flows)
        print(
            f"{args.pollers} pollers every {args.interval:g} s (and a tenth as many on /healthz) and"
            f" {args.flows} flows, one application each"
        )
        tally, outcomes = pollers_and_flows(base, apps, args)
        print(f"  flows completed: {sum(bool(o) for o in outcomes)}/{len(outcomes)}")
        report_polls(tally)
        print(f"  statuses: {dict(sorted(tally.statuses.items()))}")
        failed |= bool(tally.errors) or not all(outcomes)
        for error in tally.errors[:20]:
            print(f"  ERROR {error}")
        failed |= drain(base, apps, args, running, processes, started)
    finally:
        for process in running.values():
            stop(process)
    print(f"{'FAILED' if failed else 'passed'} in {time.monotonic() - started:.0f} s; logs in {VAR}")
    return 1 if failed else 0


def drain(
    base: str,
    apps: list[dict[str, str]],
    args: argparse.Namespace,
    running: dict[str, Any],
    processes: dict[str, list[str]],
    started: float,
) -> bool:
    """Phase 2; True when it failed."""
    from adcreative.assets.models import Asset

    cutouts = Asset.objects.filter(kind=Asset.Kind.CUTOUT)
    assets = [
        str(cutouts.filter(application_id=app["applicationId"]).values_list("id", flat=True).first())
        for app in apps
    ]
    if "None" in assets:
        print("  no cut-out for every application: the flows failed, no backlog")
        return True
    stop(running.pop("worker-gpu"))
    queued = backlog(base, apps, assets, args.backlog, started + args.deadline)
    print(f"backlog: {queued['queued']} tasks queued with no gpu worker")
    running["worker-gpu"] = start("worker-gpu", processes["worker-gpu"])
    drain_start = time.monotonic()
    states: Counter[str] = Counter()
    while time.monotonic() < started + args.deadline:
        time.sleep(5)
        states = task_states(base, queued["processes"])
        if states.get("Completed", 0) + states.get("Failed", 0) >= queued["queued"]:
            break
    took = time.monotonic() - drain_start
    twice = rendered_twice()
    print(
        f"  drained in {took:.0f} s ({states.get('Completed', 0) / took:.2f} tasks/s): {dict(states)},"
        f" rendered more than once: {twice}"
    )
    return bool(queued["tally"].errors) or states.get("Completed", 0) != queued["queued"] or twice != 0


if __name__ == "__main__":
    sys.exit(main())
