"""Tiny models with random weights, built from configs, for tests that exercise model-loading code."""

from __future__ import annotations

from pathlib import Path

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
    processor = BlipProcessor(  # type: ignore[no-untyped-call]
        image_processor=BlipImageProcessor(size={"height": 32, "width": 32}),
        tokenizer=BertTokenizer(str(folder / "vocab.txt")),
    )
    config = BlipConfig(
        text_config={
            "vocab_size": len(WORDS), "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
            "intermediate_size": 32, "max_position_embeddings": 48, "bos_token_id": 2, "sep_token_id": 3,
            "pad_token_id": 0,
        },
        vision_config={
            "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 32,
            "image_size": 32, "patch_size": 16,
        },
        projection_dim=16,
    )  # fmt: skip
    torch.manual_seed(0)
    BlipForConditionalGeneration(config).save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder
