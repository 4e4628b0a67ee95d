"""Tiny models with random weights, built from configs, for tests that exercise model-loading code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

WORDS = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    "a",
    "red",
    "bottle",
    "on",
    "white",
    "studio",
    "product",
]


def tiny_blip(folder: Path) -> Path:
    """A BLIP captioning model of a few thousand parameters, saved as a normal model folder."""
    import torch
    from transformers import (
        BertTokenizer,
        BlipConfig,
        BlipForConditionalGeneration,
        BlipImageProcessor,
        BlipProcessor,
    )

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(WORDS) + "\n")
    processor = BlipProcessor(
        image_processor=BlipImageProcessor(size={"height": 32, "width": 32}),
        tokenizer=BertTokenizer(str(folder / "vocab.txt")),
    )
    config = BlipConfig(
        text_config={
            "vocab_size": len(WORDS),
            "hidden_size": 16,
            "num_hidden_layers": 1,
            "num_attention_heads": 2,
            "intermediate_size": 32,
            "max_position_embeddings": 48,
            "bos_token_id": 2,
            "sep_token_id": 3,
            "pad_token_id": 0,
        },
        vision_config={
            "hidden_size": 16,
            "num_hidden_layers": 1,
            "num_attention_heads": 2,
            "intermediate_size": 32,
            "image_size": 32,
            "patch_size": 16,
        },
        projection_dim=16,
    )
    torch.manual_seed(0)
    BlipForConditionalGeneration(config).save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def tiny_vae() -> Any:
    """A VAE that still downsamples 8x (four levels), with a handful of channels."""
    from diffusers import AutoencoderKL

    return AutoencoderKL(
        block_out_channels=[8, 8, 16, 16],
        norm_num_groups=4,
        layers_per_block=1,
        latent_channels=4,
        down_block_types=["DownEncoderBlock2D"] * 4,
        up_block_types=["UpDecoderBlock2D"] * 4,
        mid_block_add_attention=False,
    )


def tiny_inpainting_pipeline(folder: Path) -> Path:
    """A Stable Diffusion inpainting pipeline with the real architecture's shape and random weights,
    small enough for a CPU (a VAE that still downsamples 8x, a two-level UNet, a two-layer CLIP)."""
    import json

    import torch
    from diffusers import DDIMScheduler, StableDiffusionInpaintPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    (folder / "tokenizer").mkdir(parents=True, exist_ok=True)
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for char in bytes_to_unicode().values():  # byte-level tokens only: no merges needed
        vocab.setdefault(char, len(vocab))
        vocab.setdefault(f"{char}</w>", len(vocab))
    (folder / "tokenizer" / "vocab.json").write_text(json.dumps(vocab))
    (folder / "tokenizer" / "merges.txt").write_text("#version: 0.2\n")
    tokenizer = CLIPTokenizer(
        str(folder / "tokenizer" / "vocab.json"),
        str(folder / "tokenizer" / "merges.txt"),
        model_max_length=77,
    )
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=32,
        in_channels=9,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
    )
    vae = tiny_vae()
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            bos_token_id=0,
            eos_token_id=1,
            pad_token_id=1,
            hidden_size=32,
            intermediate_size=37,
            num_attention_heads=4,
            num_hidden_layers=2,
            vocab_size=len(vocab),
        )
    )
    scheduler = DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
        steps_offset=1,
    )
    pipeline = StableDiffusionInpaintPipeline(
        unet=unet,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipeline.save_pretrained(folder)  # type: ignore[attr-defined]
    return folder


def tiny_ip_adapter(folder: Path, pipeline_folder: Path) -> Path:
    """IP-Adapter weights with random values for the tiny pipeline's UNet, in h94/IP-Adapter's layout:
    `models/ip-adapter.safetensors` (image projection + to_k_ip/to_v_ip of every cross-attention, keyed
    1, 3, 5… as diffusers reads them) and `models/image_encoder` (a tiny CLIP vision model)."""
    import torch
    from diffusers import UNet2DConditionModel
    from safetensors.torch import save_file
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    unet = UNet2DConditionModel.from_pretrained(pipeline_folder / "unet")
    cross, embedding, widths = unet.config.cross_attention_dim, 16, list(unet.config.block_out_channels)
    torch.manual_seed(1)
    tensors = {
        "image_proj.proj.weight": torch.randn(cross * 4, embedding) * 0.5,
        "image_proj.proj.bias": torch.zeros(cross * 4),
        "image_proj.norm.weight": torch.ones(cross),
        "image_proj.norm.bias": torch.zeros(cross),
    }
    key = 1
    for name in unet.attn_processors:
        if name.endswith("attn1.processor"):
            continue  # self-attention has no image tokens
        block = int(name.split(".")[1]) if not name.startswith("mid_block") else -1
        hidden = (
            widths[-1] if block < 0 else (widths[::-1] if name.startswith("up_blocks") else widths)[block]
        )
        tensors[f"ip_adapter.{key}.to_k_ip.weight"] = torch.randn(hidden, cross) * 0.5
        tensors[f"ip_adapter.{key}.to_v_ip.weight"] = torch.randn(hidden, cross) * 0.5
        key += 2
    models = folder / "models"
    models.mkdir(parents=True, exist_ok=True)
    save_file(tensors, models / "ip-adapter.safetensors")
    vision = CLIPVisionConfig(
        hidden_size=32,
        intermediate_size=37,
        num_attention_heads=4,
        num_hidden_layers=2,
        image_size=32,
        patch_size=8,
        projection_dim=embedding,
    )
    CLIPVisionModelWithProjection(vision).save_pretrained(models / "image_encoder")
    return folder


def tiny_sdxl_inpainting_pipeline(folder: Path) -> Path:
    """A Stable Diffusion XL inpainting pipeline with the real architecture's shape (two text encoders, the
    second with a projection; a UNet with SDXL's text-and-size conditioning) and random weights."""
    import torch
    from diffusers import (
        EulerDiscreteScheduler,
        StableDiffusionXLInpaintPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer

    # The byte-level tokenizer of the tiny SD 1.5 pipeline, for both text encoders.
    tokenizer = CLIPTokenizer.from_pretrained(tiny_inpainting_pipeline(folder / "sd15") / "tokenizer")
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=32,
        in_channels=9,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 2),
        projection_class_embeddings_input_dim=80,
        cross_attention_dim=64,
    )
    vae = tiny_vae()
    text: dict[str, Any] = {
        "bos_token_id": 0, "eos_token_id": 1, "pad_token_id": 1, "hidden_size": 32, "intermediate_size": 37,
        "num_attention_heads": 4, "num_hidden_layers": 2, "vocab_size": len(tokenizer), "projection_dim": 32,
    }  # fmt: skip
    pipeline = StableDiffusionXLInpaintPipeline(
        vae=vae,
        text_encoder=CLIPTextModel(CLIPTextConfig(**text)),
        tokenizer=tokenizer,
        text_encoder_2=CLIPTextModelWithProjection(CLIPTextConfig(**text)),
        tokenizer_2=tokenizer,
        unet=unet,
        scheduler=EulerDiscreteScheduler(
            beta_start=0.00085,
            beta_end=0.012,
            beta_schedule="scaled_linear",
            timestep_spacing="leading",
            steps_offset=1,
        ),
        requires_aesthetics_score=False,
        force_zeros_for_empty_prompt=True,
    )
    pipeline.save_pretrained(folder / "sdxl")  # type: ignore[attr-defined]
    return folder / "sdxl"
