"""One dataclass for every size and switch of the emotion model, with the two named presets.

A checkpoint stores `asdict(config)`; `ModelConfig(**ckpt["config"])` rebuilds the model, and
`check_config` refuses a checkpoint whose config differs from the code's (see model/model.py).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from . import audio


TAGGERS = ("mtat-musicnn", "jamendo-musicnn", "essentia-msd-musicnn")  # the musicnn taggers model/pretrained.py loads


@dataclass(frozen=True)
class ModelConfig:
    """Sizes of the text encoder, audio encoder, fusion and heads (Wang 2025, section 2)."""

    preset: str = "studio"  # name only; sizes below are what counts

    # Text encoder (DeBERTa-style), eq. 1-2
    vocab_size: int = 8000  # set from model/tokenizer.json by the training scripts
    max_tokens: int = 128  # [CLS] ... [SEP], CONTRACT.md
    pad_id: int = 0
    unk_id: int = 1
    cls_id: int = 2
    sep_id: int = 3
    mask_id: int = 4
    text_dim: int = 128  # hidden size F of G_TE (studio: sized so MLM + fine-tuning fit ~40 CPU minutes)
    text_layers: int = 4
    text_heads: int = 4
    text_ffn: int = 512
    position_buckets: int = 32  # relative positions |i-j| < buckets/2 exact, log-bucketed beyond
    max_relative_positions: int = 128  # the log buckets reach this distance
    emd_layers: int = 2  # enhanced mask decoder: layers (sharing the last encoder layer) for MLM

    # Audio encoder, eq. 3-4: "musicnn" (pretrained tagger, fine-tuned; the studio model) or "resnet"
    # (the paper's ResNet-50 topology from scratch: the paper preset, and the ablation without pretraining)
    audio_encoder: str = "musicnn"
    # which published musicnn it starts from (model/pretrained.py): Essentia's MSD one read 4Q best as a frozen
    # probe (model/experiments/frozen_probe.md); it reads Slaney bands (model/audio.py MEL_SCALE)
    tagger: str = "essentia-msd-musicnn"
    musicnn_mel_stride: int = 3  # timbral filters at every 3rd mel position: 2.8x less compute (modules/taggers.py)
    n_mels: int = audio.N_MELS
    audio_width: int = 16  # base width: stage widths w, 2w, 4w, 8w, bottleneck expansion 4
    audio_blocks: tuple[int, int, int, int] = (3, 4, 6, 3)  # ResNet-50
    encoder_stride: int = audio.ENCODER_STRIDE  # time reduction: one state per 0.5 s

    # Fusion, eq. 5-19
    dim: int = 128  # D: width of token_states, frame_states and the whole fusion module
    fusion_heads: int = 4
    fusion_layers: int = 2  # Transformer encoder over the concatenated sequences (eq. 19)
    fusion_ffn: int = 256
    dropout: float = 0.1
    use_cross_attention: bool = True  # ablation switches (eq. 5-14, 15-18, 19)
    use_self_attention: bool = True
    use_transformer: bool = True

    # Heads, eq. 20-22
    n_polarity: int = 3  # negative, neutral, positive
    n_clusters: int = 5  # MIREX mood clusters: a PyTorch-only head for evaluation, not exported
    head_hidden: int = 128

    def __post_init__(self) -> None:
        if self.text_dim % self.text_heads:
            raise ValueError(f"text_dim must be divisible by text_heads, got {self.text_dim} and {self.text_heads}")
        if self.dim % self.fusion_heads:
            raise ValueError(f"dim must be divisible by fusion_heads, got {self.dim} and {self.fusion_heads}")
        if self.encoder_stride != 2 ** 5:
            raise ValueError(f"the ResNet stem and stages reduce time by 32, got encoder_stride {self.encoder_stride}")
        if self.n_mels % 32:
            raise ValueError(f"n_mels must be a multiple of 32 (frequency is pooled after /32), got {self.n_mels}")
        if self.audio_encoder not in ("musicnn", "resnet"):
            raise ValueError(f"audio_encoder must be 'musicnn' or 'resnet', got {self.audio_encoder!r}")
        if self.tagger not in TAGGERS:
            raise ValueError(f"tagger must be one of {TAGGERS}, got {self.tagger!r}")
        if self.audio_encoder == "musicnn" and not self.tagger.startswith("essentia") and audio.MEL_SCALE != "htk":
            raise ValueError(f"the {self.tagger} tagger reads HTK mel bands; the front end has {audio.MEL_SCALE!r} "
                             f"(model/audio.py MEL_SCALE)")
        if self.audio_encoder == "musicnn" and self.n_mels != 96:
            raise ValueError(f"the musicnn audio encoder reads the taggers' 96 mels, got n_mels {self.n_mels}")
        if len(self.audio_blocks) != 4:
            raise ValueError(f"audio_blocks must list 4 stages, got {self.audio_blocks}")
        if self.position_buckets % 2 or self.position_buckets < 4:
            raise ValueError(f"position_buckets must be even and >= 4, got {self.position_buckets}")

    @property
    def audio_out(self) -> int:
        """Channels leaving the last ResNet stage: 8w planes x expansion 4."""
        return self.audio_width * 8 * 4

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (tuples become lists)."""
        d = asdict(self)
        d["audio_blocks"] = list(self.audio_blocks)
        return d

    @staticmethod
    def from_dict(d: dict[str, Any]) -> "ModelConfig":
        """Rebuilds a config from `to_dict()` / `asdict()`; unknown keys are an error."""
        known = {f.name for f in fields(ModelConfig)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"checkpoint config has keys this code does not know: {unknown}")
        d = dict(d)
        if "audio_blocks" in d:
            d["audio_blocks"] = tuple(d["audio_blocks"])
        return ModelConfig(**d)


PRESETS: dict[str, ModelConfig] = {
    # DeBERTa-base text encoder and full-width ResNet-50: for a GPU and more data.
    "paper": ModelConfig(
        preset="paper", text_dim=768, text_layers=12, text_heads=12, text_ffn=3072,
        position_buckets=256, max_relative_positions=512, audio_encoder="resnet", audio_width=64, dim=768,
        fusion_heads=12, fusion_layers=4, fusion_ffn=3072, head_hidden=512,
    ),
    # Compact, shipped: a 6 s window in a few ms on 2 CPU cores.
    "studio": ModelConfig(preset="studio"),
}


def preset(name: str, **overrides: Any) -> ModelConfig:
    """A named preset, with field overrides (e.g. vocab_size from the tokenizer)."""
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {sorted(PRESETS)}, got {name!r}")
    return replace(PRESETS[name], **overrides)
