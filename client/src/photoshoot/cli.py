"""`photoshoot`: the Product Photoshoot API from a terminal.

    photoshoot presets [--category C]
    photoshoot recommend photo.jpg
    photoshoot run photo.jpg [--preset ID …] [--prompt TEXT …] [--no-safe-margin] [--format png|jpeg|pdf]
                   [--low-resolution] [--seed N] [--relight] [--formats NAME,…] [--layout] --out DIR

`run` saves each creative as DIR/<NN>-<prompt>.<ext> and a contact sheet DIR/contact-sheet.jpg. With
`--formats square,story` (placements by name, or <W>x<H>; the service checks them) every creative is
rendered and saved in each, as DIR/<NN>-<prompt>-<format>.<ext>, with one DIR/contact-sheet-<format>.jpg
per format. `--layout` saves where the product is and where text fits beside each image, as
<its name without the extension>.layout.json.

Credentials come from the flags or from PHOTOSHOOT_URL, PHOTOSHOOT_APPLICATION_ID, PHOTOSHOOT_API_KEY and
PHOTOSHOOT_API_SECRET (or PHOTOSHOOT_JWT_PRIVATE_KEY). Any failure exits non-zero with the service's message.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from photoshoot.client import Photoshoot, custom, preset
from photoshoot.errors import PhotoshootError, RenderFailed
from photoshoot.sheet import contact_sheet
from photoshoot.types import COMPLETED, Layout, Process, PromptObject, Recommendation, Task

MAX_PROMPTS = 6
DEFAULT_URL = "http://127.0.0.1:8000"


class Saved(NamedTuple):
    """One creative on disk: its caption, its output format (None without --formats), its path, an image
    of it for the contact sheet, and its layout file (None without --layout)."""

    label: str
    output_format: str | None
    path: Path
    picture: bytes
    layout_path: Path | None


def _common() -> argparse.ArgumentParser:
    env = os.environ.get
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group(
        "service and credentials (default: the PHOTOSHOOT_* environment variables)"
    )
    group.add_argument(
        "--url", default=env("PHOTOSHOOT_URL", DEFAULT_URL), help=f"the service (default {DEFAULT_URL})"
    )
    group.add_argument("--application-id", default=env("PHOTOSHOOT_APPLICATION_ID"))
    group.add_argument("--api-key", default=env("PHOTOSHOOT_API_KEY"))
    group.add_argument("--api-secret", default=env("PHOTOSHOOT_API_SECRET"))
    group.add_argument(
        "--jwt-private-key", default=env("PHOTOSHOOT_JWT_PRIVATE_KEY"), help="instead of key + secret"
    )
    return common


def parser() -> argparse.ArgumentParser:
    common = _common()
    top = argparse.ArgumentParser(
        prog="photoshoot", description="Product Photoshoot API: ad creatives from a product photo."
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = commands.add_parser("presets", parents=[common], help="the style presets")
    listing.add_argument("--category", help="only this category (e.g. studio, monochrome)")
    listing.set_defaults(handler=presets_command)
    recommend = commands.add_parser(
        "recommend", parents=[common], help="name, description, prompts and presets for a photo"
    )
    recommend.add_argument("photo", type=Path)
    recommend.set_defaults(handler=recommend_command)
    _run_parser(commands, common)
    return top


def format_names(text: str) -> list[str]:
    """--formats as a list: comma-separated, spaces dropped. Only an empty list is refused here; whether a
    name is a format is the service's to say (its message is the one the user sees)."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("name at least one format, such as square,story")
    return names


def _run_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    run = commands.add_parser(
        "run", parents=[common], help="a photo to creatives on disk, with a contact sheet"
    )
    run.add_argument("photo", type=Path)
    run.add_argument(
        "--preset", action="append", default=[], metavar="ID", help="a preset id (repeat for more)"
    )
    run.add_argument(
        "--prompt", action="append", default=[], metavar="TEXT", help="your own scene (repeat for more)"
    )
    run.add_argument(
        "--no-safe-margin", action="store_true", help="1200x628 without safe margins (else 1674x628)"
    )
    run.add_argument("--format", choices=("png", "jpeg", "pdf"), default="png", help="the file format")
    run.add_argument(
        "--low-resolution", action="store_true", help="the 600 px thumbnails instead of full size"
    )
    run.add_argument("--seed", type=int, help="the same seed renders the same creatives")
    run.add_argument(
        "--relight",
        action="store_true",
        help="light the product with each scene's light (else as photographed)",
    )
    run.add_argument(
        "--formats",
        type=format_names,
        metavar="NAME,…",
        help="render and save each creative in these placements (e.g. square,story,800x800), one contact "
        "sheet each; else the one --no-safe-margin chooses",
    )
    run.add_argument(
        "--layout", action="store_true", help="save each image's layout (product box, text zones) as JSON"
    )
    run.add_argument("--out", type=Path, required=True, metavar="DIR", help="where the creatives are saved")
    run.add_argument("--interval", type=float, default=1.0, help=argparse.SUPPRESS)  # seconds between polls
    run.set_defaults(handler=run_command)


def client_from(options: argparse.Namespace) -> Photoshoot:
    return Photoshoot(
        options.url,
        options.application_id,
        api_key=options.api_key,
        api_secret=options.api_secret,
        jwt_private_key=options.jwt_private_key,
    )


def presets_command(options: argparse.Namespace, console: Console, api: Photoshoot) -> int:
    found = api.presets(options.category)
    table = Table("id", "name", "categories", "prompt text", title=f"{len(found)} presets")
    for item in found:
        table.add_row(
            item["id"],
            item["previewName"],
            ", ".join(c["name"] for c in item["categories"]),
            item["promptText"],
        )
    console.print(table)
    return 0


def show_recommendation(found: Recommendation, console: Console) -> None:
    info = found["productInfo"]
    console.print(f"[bold]{info['productName']}[/bold]: {info['productDescription']}")
    console.print(f"cut-out asset: {found['backgroundRemovedImageAssetId']}")
    console.print("prompts:")
    for number, text in enumerate(found["recommendedPrompts"], start=1):
        console.print(f"  {number}. {text}")
    console.print("presets: " + ", ".join(found["recommendedPresetIds"]))


def recommend_command(options: argparse.Namespace, console: Console, api: Photoshoot) -> int:
    with console.status("removing the background and looking at the product…"):
        found = api.recommend(options.photo)
    show_recommendation(found, console)
    return 0


def chosen_prompts(options: argparse.Namespace, found: Recommendation) -> list[PromptObject]:
    """The prompts asked for; with none, the recommended presets and prompts in turn, six in all."""
    if options.preset or options.prompt:
        return [preset(p) for p in options.preset] + [custom(text) for text in options.prompt]
    presets, prompts = found["recommendedPresetIds"], found["recommendedPrompts"]
    mixed: list[PromptObject] = []
    for index in range(max(len(presets), len(prompts))):
        mixed += [preset(p) for p in presets[index : index + 1]] + [
            custom(t) for t in prompts[index : index + 1]
        ]
    return mixed[:MAX_PROMPTS]


def label(prompt: Mapping[str, Any]) -> str:
    return str(prompt.get("preset") or prompt.get("prompt") or prompt.get("promptText") or "creative")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "creative"


def follow(api: Photoshoot, process: Process, console: Console, interval: float) -> Process:
    """Wait for the process with a live progress bar per task."""
    columns = (
        TextColumn("{task.description:<44}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.fields[state]}"),
    )
    with Progress(*columns, console=console, transient=False) as bars:
        rows = {t["taskId"]: bars.add_task(f"{t['order'] + 1}. {label(t['prompt'])}"[:44], total=100, state="Queued")
                for t in process["tasks"]}  # fmt: skip

        def update(current: Process) -> None:
            for task in current["tasks"]:
                bars.update(
                    rows[task["taskId"]],
                    completed=task.get("progress", 0),
                    state=task.get("renderStateName", ""),
                )

        return api.wait(process, on_update=update, interval=interval)


def show_unrendered(done: Process, console: Console) -> None:
    """The words of each custom prompt the engine could not draw (the task's prompt.unrenderedTerms)."""
    for task in sorted(done["tasks"], key=lambda t: t["order"]):
        terms = task["prompt"].get("unrenderedTerms") or []
        if terms:
            console.print(f"{task['order'] + 1}. {label(task['prompt'])}: not drawn: {', '.join(terms)}")


def outputs(task: Task, options: argparse.Namespace) -> list[tuple[str | None, Layout | None]]:
    """The (output format, layout) pairs of a task to save: each of its formats with --formats; else its
    one creative, downloaded as before formats existed (format None), with its first format's layout."""
    formats = task.get("formats") or []
    if options.formats:
        if not formats:
            raise PhotoshootError("the service listed no formats for the task (does it know outputFormats?)")
        return [(fmt["outputFormat"], fmt["layout"]) for fmt in formats]
    return [(None, formats[0]["layout"] if formats else None)]


def write_layout(path: Path, layout: Layout | None) -> Path:
    """The layout as JSON (pixels of the full-size image, whatever --low-resolution downloaded)."""
    if layout is None:
        raise PhotoshootError(f"the service sent no layout for {path.name.removesuffix('.layout.json')}")
    path.write_text(json.dumps(layout, indent=2) + "\n")
    return path


def save_one(
    api: Photoshoot,
    done: Process,
    task: Task,
    output: tuple[str | None, Layout | None],
    options: argparse.Namespace,
) -> Saved:
    """One creative of a task in one output format saved under --out, with its layout where asked."""
    output_format, layout = output
    download = api.download(
        task,
        process=done,
        format=options.format,
        low_resolution=options.low_resolution,
        output_format=output_format,
    )
    stem = f"{task['order'] + 1:02d}-{_slug(label(task['prompt']))}" + (
        f"-{output_format}" if output_format else ""
    )
    path = download.save(options.out, f"{stem}.{download.filename.rpartition('.')[2]}")
    layout_path = write_layout(options.out / f"{stem}.layout.json", layout) if options.layout else None
    picture = download.content
    if options.format == "pdf":  # a later download of the same task is free: its thumbnail for the sheet
        picture = api.download(
            task, process=done, format="jpeg", low_resolution=True, output_format=output_format
        ).content
    return Saved(f"{task['order'] + 1}. {label(task['prompt'])}", output_format, path, picture, layout_path)


def save_all(api: Photoshoot, done: Process, options: argparse.Namespace) -> list[Saved]:
    """Every completed task's creatives saved under --out, task by task, each in every output format."""
    return [
        save_one(api, done, task, output, options)
        for task in sorted(done["tasks"], key=lambda t: t["order"])
        if task["renderState"] == COMPLETED
        for output in outputs(task, options)
    ]


def save_sheets(saved: Sequence[Saved], out: Path, product_name: str, console: Console) -> None:
    """A contact sheet per output format (contact-sheet-<format>.jpg), or the one contact-sheet.jpg
    without --formats."""
    for output_format in dict.fromkeys(item.output_format for item in saved):
        mine = [item for item in saved if item.output_format == output_format]
        suffix = f"-{output_format}" if output_format else ""
        sheet = contact_sheet(
            [(item.label, item.picture) for item in mine],
            out / f"contact-sheet{suffix}.jpg",
            title=f"{product_name}: {len(mine)} creative{'s' if len(mine) != 1 else ''}"
            + (f", {output_format}" if output_format else ""),
        )
        console.print(f"contact sheet: {sheet}")


def check_prompts(options: argparse.Namespace, api: Photoshoot) -> None:
    """Too many prompts, or a preset not in the catalog, refused before the photo is uploaded."""
    if len(options.preset) + len(options.prompt) > MAX_PROMPTS:
        raise PhotoshootError(
            f"at most {MAX_PROMPTS} prompts in one run (presets and custom prompts together)"
        )
    unknown = sorted(set(options.preset) - {p["id"] for p in api.presets()}) if options.preset else []
    if unknown:
        raise PhotoshootError(
            f"no preset {', '.join(unknown)} in the catalog (`photoshoot presets` lists them)"
        )


def run_command(options: argparse.Namespace, console: Console, api: Photoshoot) -> int:
    check_prompts(options, api)
    with console.status("removing the background and looking at the product…"):
        found = api.recommend(options.photo)
    show_recommendation(found, console)
    process = api.ad_creative(
        found,
        chosen_prompts(options, found),
        disable_safe_margin=options.no_safe_margin,
        seed=options.seed,
        relight=options.relight,
        output_formats=options.formats,
    )
    console.print(f"process {process['imageProductGeneratorProcessId']}: {len(process['tasks'])} creatives")
    done = follow(api, process, console, options.interval)
    show_unrendered(done, console)
    saved = save_all(api, done, options)
    for item in saved:
        console.print(f"saved {item.path}" + (f" and {item.layout_path.name}" if item.layout_path else ""))
    save_sheets(saved, options.out, found["productInfo"]["productName"], console)
    console.print(f"credits left: {api.credits(limit=1)['balance']}")
    failed = [task for task in done["tasks"] if task["renderState"] != COMPLETED]
    if failed:
        raise RenderFailed(done["imageProductGeneratorProcessId"], [dict(task) for task in failed])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    options = parser().parse_args(argv)
    console, errors = Console(), Console(stderr=True, soft_wrap=True)  # a message stays one line
    try:
        with client_from(options) as api:
            code: int = options.handler(options, console, api)
        return code
    except PhotoshootError as error:  # the service's messages, as it wrote them (no markup read into them)
        errors.print(Text.assemble(("error: ", "bold red"), str(error)))
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
