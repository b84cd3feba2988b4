"""Output heads: the paper's two guided softmax heads combined (eq. 20-22), valence/arousal
regression in [-1, 1], and the single-modality heads the product needs for conflict detection.

Heads return logits (polarity) and tanh outputs (valence, arousal); the export wrappers apply the
softmax so the ONNX graphs hand out probabilities.
"""
from __future__ import annotations

import torch
from torch import nn

from ..config import ModelConfig


def mlp(din: int, hidden: int, dout: int, dropout: float) -> nn.Sequential:
    """Linear - ReLU - dropout - Linear."""
    return nn.Sequential(nn.Linear(din, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, dout))


class FusedHead(nn.Module):
    """D_su, G_US, G_SU (each (B, D)) -> combined polarity logits O (B, 3), VA (B, 2), cluster logits (B, 5).

    O_us = softmax(Q_s ReLU(Q_t [D_su ; G_US]) + y)   text-guided audio      eq. 20
    O_su = softmax(Q_l ReLU(Q_p [D_su ; G_SU]) + y)   audio-guided text      eq. 21
    O    = softmax(Q_f (O_us + O_su) + y_f)                                  eq. 22
    The returned `polarity` is the logit inside eq. 22's softmax; O_us and O_su logits are returned
    too, for an auxiliary loss that keeps both guided heads meaningful.

    Added to eq. 22 (ours, not the paper's): a learned mix of the single-modality heads' log-probabilities
    (the lyrics one only where there are lyrics), and of their valence/arousal. The cross-modal heads
    then learn what the two heads miss, and the fused reading starts from both instead of having to
    relearn each (measured: without it the fused head read MIREX worse than the lyrics head alone).
    """

    def __init__(self, config: ModelConfig):
        super().__init__()
        d, hid, p = config.dim, config.head_hidden, config.dropout
        self.text_guided_audio = mlp(2 * d, hid, config.n_polarity, p)
        self.audio_guided_text = mlp(2 * d, hid, config.n_polarity, p)
        self.combine = nn.Linear(config.n_polarity, config.n_polarity)
        self.va = mlp(3 * d, hid, 2, p)
        self.cluster = mlp(3 * d, hid, config.n_clusters, p)
        n = config.n_polarity
        # [log p_audio, has_lyrics * log p_lyrics, has_lyrics] -> polarity logits; starts as their product
        self.late_polarity = nn.Linear(2 * n + 1, n)
        # [audio VA, has_lyrics * lyrics VA, has_lyrics] -> VA before the tanh; starts as the audio VA
        self.late_va = nn.Linear(5, 2)

    def init_late(self) -> None:
        """The late mix starts as log p_audio + log p_lyrics (and the audio head's VA): called after the
        model-wide init, which would otherwise overwrite it."""
        n = self.late_polarity.out_features
        with torch.no_grad():
            self.late_polarity.weight.zero_()
            self.late_polarity.bias.zero_()
            self.late_polarity.weight[:, :n].copy_(torch.eye(n))
            self.late_polarity.weight[:, n:2 * n].copy_(torch.eye(n))
            self.late_va.weight.zero_()
            self.late_va.bias.zero_()
            self.late_va.weight[:, :2].copy_(torch.eye(2))

    def forward(self, d_su: torch.Tensor, g_us: torch.Tensor, g_su: torch.Tensor,
                single: dict[str, torch.Tensor] | None = None) -> dict[str, torch.Tensor]:
        """`single`: audio_polarity / lyrics_polarity logits (B, 3), audio_va / lyrics_va (B, 2) and
        has_lyrics (B, 1) in {0, 1}; None leaves the late mix out (the paper's head alone)."""
        logit_us = self.text_guided_audio(torch.cat([d_su, g_us], dim=-1))
        logit_su = self.audio_guided_text(torch.cat([d_su, g_su], dim=-1))
        polarity = self.combine(torch.softmax(logit_us, -1) + torch.softmax(logit_su, -1))
        joint = torch.cat([d_su, g_us, g_su], dim=-1)
        va = self.va(joint)
        if single is not None:
            has = single["has_lyrics"]
            polarity = polarity + self.late_polarity(torch.cat(
                [torch.log_softmax(single["audio_polarity"], -1), has * torch.log_softmax(single["lyrics_polarity"], -1),
                 has], dim=-1))
            va = va + self.late_va(torch.cat([single["audio_va"], has * single["lyrics_va"], has], dim=-1))
        return {"polarity": polarity, "polarity_us": logit_us, "polarity_su": logit_su,
                "va": torch.tanh(va), "cluster": self.cluster(joint)}


class PooledHead(nn.Module):
    """A single-modality head on a pooled vector: D = ReLU(W pooled + b) (eq. 2 / eq. 4), then
    polarity logits (B, 3), VA (B, 2) in [-1, 1] and cluster logits (B, 5)."""

    def __init__(self, din: int, config: ModelConfig):
        super().__init__()
        self.pool_proj = nn.Linear(din, config.dim)
        hid, p = config.head_hidden, config.dropout
        self.polarity = mlp(config.dim, hid, config.n_polarity, p)
        self.va = mlp(config.dim, hid, 2, p)
        self.cluster = mlp(config.dim, hid, config.n_clusters, p)

    def forward(self, pooled: torch.Tensor) -> dict[str, torch.Tensor]:
        d = torch.relu(self.pool_proj(pooled))  # D_S or D_U
        return {"polarity": self.polarity(d), "va": torch.tanh(self.va(d)), "cluster": self.cluster(d)}


class TokenVAHead(nn.Module):
    """Per-token valence/arousal (B, L, 2) in [-1, 1], trained on lexicon words."""

    def __init__(self, din: int, config: ModelConfig):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(din, config.head_hidden), nn.GELU(), nn.Linear(config.head_hidden, 2))

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.net(hidden))
