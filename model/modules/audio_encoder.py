"""ResNet-50-topology audio encoder on the log-mel spectrogram (eq. 3 of Wang 2025).

Bottleneck blocks [3, 4, 6, 3] (1x1 - 3x3 - 1x1 with shortcuts) at a configurable base width. The
3x3 stem (stride 2) and max-pool (stride 2) and three strided stages reduce both axes by 32; the
frequency axis is then averaged away and time stays as the sequence axis: G_IM, one state per
0.5 s (64 frames per second / 32).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..config import ModelConfig


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (carries the stride), 1x1 expand x4, plus a (projected) shortcut."""

    expansion = 4

    def __init__(self, cin: int, planes: int, stride: int):
        super().__init__()
        cout = planes * self.expansion
        self.conv1, self.bn1 = nn.Conv2d(cin, planes, 1, bias=False), nn.BatchNorm2d(planes)
        self.conv2, self.bn2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False), nn.BatchNorm2d(planes)
        self.conv3, self.bn3 = nn.Conv2d(planes, cout, 1, bias=False), nn.BatchNorm2d(cout)
        self.shortcut = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                         if stride != 1 or cin != cout else nn.Identity())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))
        return F.relu(self.bn3(self.conv3(y)) + self.shortcut(x))


class AudioEncoder(nn.Module):
    """(B, n_mels, T) raw ln-mel, T a multiple of 32 -> G_IM (B, T/32, dim).

    Normalises with per-mel mean/std buffers measured on the training data (set by
    `set_normalisation`, stored in the checkpoint), so callers pass the raw log-mel.
    """

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        w = config.audio_width
        self.register_buffer("mel_mean", torch.zeros(config.n_mels))
        self.register_buffer("mel_std", torch.ones(config.n_mels))
        self.stem = nn.Sequential(nn.Conv2d(1, w, 3, 2, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        stages, cin = [], w
        for i, (blocks, stride) in enumerate(zip(config.audio_blocks, (1, 2, 2, 2))):
            planes = w * 2 ** i
            layers = []
            for j in range(blocks):
                layers.append(Bottleneck(cin, planes, stride if j == 0 else 1))
                cin = planes * Bottleneck.expansion
            stages.append(nn.Sequential(*layers))
        self.stages = nn.Sequential(*stages)
        self.project = nn.Linear(config.audio_out, config.dim)
        self.norm = nn.LayerNorm(config.dim)

    def set_normalisation(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        """Per-mel statistics of the training log-mels, (n_mels,) each."""
        self.mel_mean.copy_(mean)
        self.mel_std.copy_(std.clamp_min(1e-3))

    def forward(self, log_mel: torch.Tensor) -> torch.Tensor:
        if not torch.jit.is_tracing():
            assert log_mel.dim() == 3 and log_mel.shape[1] == self.config.n_mels, \
                f"log_mel must be (B, {self.config.n_mels}, T), got {tuple(log_mel.shape)}"
            assert log_mel.shape[2] % self.config.encoder_stride == 0, \
                f"log_mel T must be a multiple of {self.config.encoder_stride}, got {log_mel.shape[2]}"
        x = (log_mel - self.mel_mean[None, :, None]) / self.mel_std[None, :, None]
        x = self.stages(self.stem(x.unsqueeze(1)))  # (B, C, n_mels/32, T/32)
        x = x.mean(dim=2).transpose(1, 2)  # frequency pooled: (B, T/32, C)
        return self.norm(self.project(x))  # (B, T/32, dim)
