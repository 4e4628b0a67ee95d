"""The LoRA fine-tune on a tiny random inpainting pipeline (CPU, no hub): it learns, it resumes, and what
it saves loads into the diffusion engine and changes its output; unloading gives the base output back."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from workers.finetune.dataset import Dataset, Example
from workers.finetune.train import LORA_FILE, TrainConfig, load, loss_on, samples_for, tensors, train


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.tiny_models import tiny_inpainting_pipeline

    return tiny_inpainting_pipeline(tmp_path_factory.mktemp("sd-inpaint"))


def one_photo() -> Dataset:
    photo = Image.new("RGB", (96, 96), (90, 140, 200))
    ImageDraw.Draw(photo).rectangle((0, 70, 95, 95), fill=(170, 130, 90))  # a table under a blue wall
    mask = Image.new("L", photo.size, 0)
    ImageDraw.Draw(mask).rectangle((38, 30, 58, 74), fill=255)
    photo.paste((200, 30, 40), mask=mask)
    return Dataset([Example("drawn", photo, mask, "a red bottle on a wooden table")], [], "digest")


def config(model: Path, out: Path, **changes: object) -> TrainConfig:
    base = {"base": str(model), "out": str(out), "steps": 40, "batch": 2, "lr": 3e-3, "rank": 4,
            "resolution": 64, "checkpoint_every": 20, "ring_weight": 1.0, "ring_pixels": 8, "validate_every": 20,
            "validation_steps": 2}  # fmt: skip
    return TrainConfig(**{**base, **changes})  # type: ignore[arg-type]


def test_the_objective_overfits_one_batch_repeated(tiny_model: Path, tmp_path: Path) -> None:
    import torch

    settings = config(tiny_model, tmp_path, lr=1e-2, rank=8)
    models = load(settings)
    batch = tensors(samples_for(one_photo(), settings, step=0, micro=0), settings)
    losses = []
    for _ in range(40):  # the same photos, noise and timesteps every time
        loss = loss_on(models, batch, torch.Generator().manual_seed(0))
        models.accelerator.backward(loss)
        models.optimizer.step()
        models.optimizer.zero_grad()
        losses.append(float(loss.detach()))
    assert all(math.isfinite(loss) for loss in losses)
    assert losses[-1] < 0.7 * losses[0], losses  # 1.11 to 0.69 in the first 30 steps when written


def test_a_run_logs_each_step_and_saves_a_lora_with_its_card(tiny_model: Path, tmp_path: Path) -> None:
    seen: list[dict[str, float]] = []
    lora = train(config(tiny_model, tmp_path), one_photo(), seen.append)
    losses = [record["loss"] for record in seen]
    assert [record["step"] for record in seen] == list(range(1, 41))
    assert all(math.isfinite(loss) and loss > 0 for loss in losses)
    assert all(record["lr"] == 3e-3 for record in seen)  # the constant schedule
    logged = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert logged == seen
    for step in ("step-0000020", "step-0000040"):  # validation renders: the photo as masked | the render
        (render,) = sorted((tmp_path / "validation" / step).glob("*.png"))
        with Image.open(render) as image:
            assert image.size == (128, 64)
            assert np.asarray(image.crop((64, 0, 128, 64))).std() > 0  # a render, not a blank
    assert lora == tmp_path / LORA_FILE and lora.stat().st_size > 0
    card = json.loads((tmp_path / "card.json").read_text())
    assert card["steps"] == 40 and card["final_loss"] == losses[-1] and card["data"] == "digest"
    assert card["arguments"]["rank"] == 4 and card["base"] == str(tiny_model)


def test_a_run_resumes_from_its_last_checkpoint(tiny_model: Path, tmp_path: Path) -> None:
    first: list[dict[str, float]] = []
    train(config(tiny_model, tmp_path, steps=4, checkpoint_every=2), one_photo(), first.append)
    assert sorted(p.name for p in (tmp_path / "checkpoints").iterdir()) == ["step-0000002", "step-0000004"]
    second: list[dict[str, float]] = []
    train(config(tiny_model, tmp_path, steps=6, checkpoint_every=2), one_photo(), second.append)
    assert [record["step"] for record in second] == [5, 6]  # the step count goes on
    card = json.loads((tmp_path / "card.json").read_text())
    assert card["steps"] == 6
    assert sorted(p.name for p in (tmp_path / "checkpoints").iterdir()) == ["step-0000004", "step-0000006"]


def render(pipe: object, seed: int = 7) -> np.ndarray:
    import torch

    photo = Image.new("RGB", (64, 64), (90, 140, 200))
    mask = Image.new("L", (64, 64), 255)
    generator = torch.Generator().manual_seed(seed)
    image = pipe(  # type: ignore[operator]
        prompt="a red bottle",
        image=photo,
        mask_image=mask,
        height=64,
        width=64,
        num_inference_steps=2,
        generator=generator,
        output_type="np",
    ).images[0]
    return np.asarray(image)


def test_the_lora_loads_into_the_engine_changes_its_output_and_unloads(
    tiny_model: Path, tmp_path: Path
) -> None:
    from workers.render.diffusion import DiffusionEngine

    train(config(tiny_model, tmp_path / "a", steps=3), one_photo())
    train(config(tiny_model, tmp_path / "b", steps=3, seed=1, lr=1e-2), one_photo())
    base = DiffusionEngine(str(tiny_model), steps=2)
    before = render(base.pipe)
    tuned = DiffusionEngine(str(tiny_model), steps=2, lora=str(tmp_path / "a"))  # as LORA_WEIGHTS loads it
    with_a = render(tuned.pipe)
    assert not np.allclose(with_a, before)
    other = DiffusionEngine(str(tiny_model), steps=2, lora=str(tmp_path / "b"))
    assert not np.allclose(render(other.pipe), with_a)  # two fine-tunes, two outputs
    tuned.pipe.unload_lora_weights()
    assert np.array_equal(render(tuned.pipe), before)


def test_manage_py_finetune_runs_from_a_folder_of_photos(
    tiny_model: Path, tmp_path: Path, u2net_home: str
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from tests.drawing import bottle_photo, encode

    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "bottle.jpg").write_bytes(encode(bottle_photo((320, 400)), "JPEG"))
    (photos / "bottle.txt").write_text("on a kitchen counter")
    (photos / "broken.png").write_bytes(b"\x89PNG not really")
    out, errors = StringIO(), StringIO()
    call_command(
        "finetune",
        "--data",
        str(photos),
        "--base",
        str(tiny_model),
        "--out",
        str(tmp_path / "lora"),
        "--steps",
        "2",
        "--batch",
        "1",
        "--resolution",
        "64",
        "--rank",
        "4",
        "--targets",
        "to_q",
        "to_v",
        stdout=out,
        stderr=errors,
    )
    assert "skipped broken.png" in errors.getvalue()
    assert "1 photos" in out.getvalue() and "step 1" in out.getvalue() and "LoRA:" in out.getvalue()
    card = json.loads((tmp_path / "lora" / "card.json").read_text())
    assert card["arguments"]["targets"] == ["to_q", "to_v"] and card["steps"] == 2
    assert (tmp_path / "lora" / LORA_FILE).is_file()


def test_the_engine_switches_fine_tunes_per_batch_keeps_the_last_few_and_returns_to_the_base(
    tiny_model: Path, tmp_path: Path
) -> None:
    """What a rendering worker does between processes: no restart, one pipeline, LoRAs loaded on demand."""
    from workers.render.diffusion import DiffusionEngine
    from workers.render.engines import Lora

    train(config(tiny_model, tmp_path / "a", steps=3), one_photo())
    train(config(tiny_model, tmp_path / "b", steps=3, seed=1, lr=1e-2), one_photo())
    a, b = (Lora(name, str(tmp_path / name / LORA_FILE)) for name in ("a", "b"))
    engine = DiffusionEngine(str(tiny_model), steps=2, adapters_kept=1)
    base = render(engine.pipe)
    engine.use_lora(a)
    with_a = render(engine.pipe)
    engine.use_lora(b)
    with_b = render(engine.pipe)
    assert not np.allclose(with_a, base) and not np.allclose(with_b, with_a)
    assert list(engine.adapters) == ["b"] and "a" not in engine.pipe.get_list_adapters().get("unet", [])
    engine.use_lora(None)
    assert np.array_equal(render(engine.pipe), base)  # the base output, exactly
    engine.use_lora(a)  # evicted before: loaded again
    assert np.array_equal(render(engine.pipe), with_a)
