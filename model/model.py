"""The whole emotion model (Wang 2025 architecture plus single-modality heads), the three export
graphs of CONTRACT.md, and checkpoint save/load with a config check.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn

from .config import ModelConfig
from .modules.audio_encoder import AudioEncoder, TaggerAudioEncoder
from .modules.fusion import Fusion, masked_mean
from .modules.heads import FusedHead, PooledHead, TokenVAHead
from .modules.text_encoder import EnhancedMaskDecoder, TextEncoder

CHECKPOINT_FORMAT = "emolane.checkpoint/1"


class EmotionModel(nn.Module):
    """Lyrics ids + log-mel -> fused, audio-only and lyrics-only polarity and valence/arousal."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.text_encoder = TextEncoder(config)
        self.text_project = nn.Linear(config.text_dim, config.dim)  # token_states: G_TE at fusion width
        # D_S = ReLU(W avgpool(P G_TE) + b), eq. 2 with the (linear) projection folded in: the lyrics head
        # and token_va read the token states the fusion reads, so stage (a) makes them carry the sentiment
        self.lyrics_head = PooledHead(config.dim, config)
        self.token_va = TokenVAHead(config.dim, config)
        self.mask_decoder = EnhancedMaskDecoder(config)  # MLM pretraining only
        self.audio_encoder = TaggerAudioEncoder(config) if config.audio_encoder == "musicnn" else AudioEncoder(config)
        self.audio_head = PooledHead(config.dim, config)  # D_U = ReLU(W avgpool(G_IM) + b), eq. 4
        self.fusion = Fusion(config)
        self.fused_head = FusedHead(config)
        self.apply(self._init_weights)
        for m in self.modules():  # residual branches start as identity: stable deep ResNet training
            if hasattr(m, "bn3"):
                nn.init.zeros_(m.bn3.weight)
        self.fused_head.init_late()

    @staticmethod
    def _init_weights(m: nn.Module) -> None:
        if isinstance(m, (nn.Linear, nn.Conv1d)):
            nn.init.normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)
            if m.padding_idx is not None:
                with torch.no_grad():
                    m.weight[m.padding_idx].zero_()
        elif isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(m, (nn.LayerNorm, nn.BatchNorm2d)):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)

    def encode_text(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> dict[str, torch.Tensor]:
        """(B, L) ids and mask -> token_states (B, L, D), lyrics head logits/VA, token_va (B, L, 2),
        and the encoder's last two layers (for the mask decoder)."""
        if not torch.jit.is_tracing():
            assert input_ids.dim() == 2 and input_ids.shape == attention_mask.shape, \
                f"input_ids and attention_mask must both be (B, L), got {tuple(input_ids.shape)} and {tuple(attention_mask.shape)}"
            assert input_ids.shape[1] <= self.config.max_tokens, \
                f"at most {self.config.max_tokens} tokens, got {input_ids.shape[1]}"
        hidden, previous = self.text_encoder(input_ids, attention_mask)  # G_TE (B, L, text_dim)
        token_states = self.text_project(hidden)  # (B, L, dim)
        lyrics = self.lyrics_head(masked_mean(token_states, attention_mask))
        return {"token_states": token_states, "lyrics_polarity": lyrics["polarity"],
                "lyrics_va": lyrics["va"], "lyrics_cluster": lyrics["cluster"],
                "token_va": self.token_va(token_states), "hidden": hidden, "previous": previous}

    def encode_audio(self, log_mel: torch.Tensor) -> torch.Tensor:
        """(B, n_mels, T) raw ln-mel -> frame_states G_IM (B, T/32, D)."""
        return self.audio_encoder(log_mel)

    def fuse(self, frame_states: torch.Tensor, token_states: torch.Tensor,
             attention_mask: torch.Tensor) -> dict[str, torch.Tensor]:
        """A window's frame states and the lyric token states -> fused and audio-only heads (logits)."""
        if not torch.jit.is_tracing():
            assert frame_states.dim() == 3 and frame_states.shape[2] == self.config.dim, \
                f"frame_states must be (B, M, {self.config.dim}), got {tuple(frame_states.shape)}"
            assert token_states.shape[0] == frame_states.shape[0], \
                f"token_states and frame_states batch differ: {token_states.shape[0]} vs {frame_states.shape[0]}"
        audio = self.audio_head(frame_states.mean(dim=1))
        fused = self.fused_head(*self.fusion(frame_states, token_states, attention_mask),
                                single=self.single_heads(audio, token_states, attention_mask))
        return {**fused, "audio_polarity": audio["polarity"], "audio_va": audio["va"],
                "audio_cluster": audio["cluster"]}

    def single_heads(self, audio: dict[str, torch.Tensor], token_states: torch.Tensor,
                     attention_mask: torch.Tensor) -> dict[str, torch.Tensor]:
        """The audio-only head's outputs and the lyrics-only head's on these token states, for the
        fused head's late mix; a window has lyrics when its ids hold more than [CLS] [SEP]."""
        lyrics = self.lyrics_head(masked_mean(token_states, attention_mask))
        has = (attention_mask.sum(dim=1, keepdim=True) > 2).to(token_states.dtype)
        return {"audio_polarity": audio["polarity"], "audio_va": audio["va"], "lyrics_polarity": lyrics["polarity"],
                "lyrics_va": lyrics["va"], "has_lyrics": has}

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                log_mel: torch.Tensor) -> dict[str, torch.Tensor]:
        """Everything at once, for training: all heads, logits for polarity."""
        text = self.encode_text(input_ids, attention_mask)
        out = self.fuse(self.encode_audio(log_mel), text["token_states"], attention_mask)
        return {**out, **{k: v for k, v in text.items() if k not in ("hidden", "previous")}}


class TextGraph(nn.Module):
    """text_encoder.onnx: (input_ids, attention_mask) -> token_states, lyrics_polarity, lyrics_va, token_va."""

    def __init__(self, model: EmotionModel):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        t = self.model.encode_text(input_ids, attention_mask)
        return t["token_states"], torch.softmax(t["lyrics_polarity"], -1), t["lyrics_va"], t["token_va"]


class AudioGraph(nn.Module):
    """audio_encoder.onnx: log_mel (B, n_mels, T) -> frame_states (B, T/32, D)."""

    def __init__(self, model: EmotionModel):
        super().__init__()
        self.model = model

    def forward(self, log_mel: torch.Tensor) -> torch.Tensor:
        return self.model.encode_audio(log_mel)


class FusionGraph(nn.Module):
    """fusion.onnx: (frame_states, token_states, attention_mask) -> polarity, va, audio_polarity, audio_va."""

    def __init__(self, model: EmotionModel):
        super().__init__()
        self.model = model

    def forward(self, frame_states: torch.Tensor, token_states: torch.Tensor, attention_mask: torch.Tensor):
        f = self.model.fuse(frame_states, token_states, attention_mask)
        return (torch.softmax(f["polarity"], -1), f["va"], torch.softmax(f["audio_polarity"], -1), f["audio_va"])


class ConfigMismatchError(ValueError):
    """A checkpoint was made with a different ModelConfig than the code asks for."""


def save_checkpoint(path: str | Path, model: EmotionModel, **extra: Any) -> None:
    """Writes {format, config: asdict(config), state_dict, **extra} atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save({"format": CHECKPOINT_FORMAT, "config": model.config.to_dict(),
                "state_dict": model.state_dict(), **extra}, tmp)
    tmp.replace(path)


def load_checkpoint(path: str | Path, expected: ModelConfig | None = None,
                    ignore: tuple[str, ...] = ()) -> tuple[EmotionModel, dict[str, Any]]:
    """Rebuilds the model from a checkpoint. With `expected`, every config field except those in
    `ignore` must match, else ConfigMismatchError names the fields (checkpoint vs code)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}: train first (npm run train)")
    try:
        ckpt = torch.load(path, map_location="cpu")
    except Exception as e:
        raise ValueError(f"cannot read checkpoint {path}: {e}") from e
    if not isinstance(ckpt, dict) or ckpt.get("format") != CHECKPOINT_FORMAT:
        got = ckpt.get("format") if isinstance(ckpt, dict) else type(ckpt).__name__
        raise ValueError(f"{path}: expected checkpoint format {CHECKPOINT_FORMAT!r}, got {got!r}")
    try:
        config = ModelConfig.from_dict(ckpt["config"])
    except (TypeError, ValueError) as e:
        raise ConfigMismatchError(f"{path}: checkpoint config does not fit this code: {e}") from e
    if expected is not None:
        want, got = expected.to_dict(), config.to_dict()
        diff = [f"{k}: checkpoint {got[k]!r} vs code {want[k]!r}" for k in want
                if k not in ignore and want[k] != got[k]]
        if diff:
            raise ConfigMismatchError(f"{path}: config mismatch between checkpoint and code: " + "; ".join(diff))
    model = EmotionModel(config)
    try:
        model.load_state_dict(ckpt["state_dict"])
    except RuntimeError as e:
        raise ConfigMismatchError(f"{path}: weights do not fit the model built from its config: {e}") from e
    return model, ckpt
