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



def check_log_mel(log_mel: torch.Tensor, config: ModelConfig) -> None:
    """(B, n_mels, T) with T a multiple of the encoder stride, else an AssertionError saying what came (skipped when tracing for export)."""
    if torch.jit.is_tracing():
        return
    assert log_mel.dim() == 3 and log_mel.shape[1] == config.n_mels, \
        f"log_mel must be (B, {config.n_mels}, T), got {tuple(log_mel.shape)}"
    assert log_mel.shape[2] % config.encoder_stride == 0, \
        f"log_mel T must be a multiple of {config.encoder_stride}, got {log_mel.shape[2]}"

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
        check_log_mel(log_mel, self.config)
        x = (log_mel - self.mel_mean[None, :, None]) / self.mel_std[None, :, None]
        x = self.stages(self.stem(x.unsqueeze(1)))  # (B, C, n_mels/32, T/32)
        x = x.mean(dim=2).transpose(1, 2)  # frequency pooled: (B, T/32, C)
        return self.norm(self.project(x))  # (B, T/32, dim)


STANDARD_CLIP = 6.0  # standardised features are clipped to +-6 std: outliers from unheard material stay bounded


class StateAdapter(nn.Module):
    """Per-0.5 s tagger features (B, S, 1506: mean and max of musicnn's 753 channels) -> G_IM (B, S, dim).

    Each feature standardised by the training set's mean and std (buffers, set by `set_normalisation`
    in stage b2: the channels' offsets differ by orders of magnitude, and a LayerNorm alone drowned the
    informative variation in them), LayerNorm, a linear map to the fusion width, then a residual
    3-state convolution (1.5 s of neighbouring context) and LayerNorm.
    """

    def __init__(self, config: ModelConfig, n_features: int):
        super().__init__()
        self.register_buffer("feat_mean", torch.zeros(n_features))
        self.register_buffer("feat_std", torch.ones(n_features))
        self.norm_in = nn.LayerNorm(n_features)
        self.project = nn.Linear(n_features, config.dim)
        self.drop = nn.Dropout(config.dropout)
        # the 3-state context as a linear map of [previous, own, next] state: torch 1.13's CPU Conv1d backward
        # gave non-finite (and, we suspect, wrong) gradients for this shape on these machines
        self.context = nn.Linear(3 * config.dim, config.dim)
        self.norm = nn.LayerNorm(config.dim)

    def set_normalisation(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        """Per-feature statistics of the training features, (n_features,) each. Features that barely move in
        training (std < 0.02: musicnn channels that stay at 0 after its ReLUs) keep a scale of 1, so a rare
        value in them cannot blow up to thousands of standard deviations."""
        self.feat_mean.copy_(mean)
        self.feat_std.copy_(torch.where(std < 0.02, torch.ones_like(std), std))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # stage b1 checkpoints predate the statistics: they read the features unstandardised (identity)
        for name, fill in (("feat_mean", 0.0), ("feat_std", 1.0)):
            state_dict.setdefault(prefix + name, torch.full_like(getattr(self, name), fill))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        x = ((features - self.feat_mean) / self.feat_std).clamp(-STANDARD_CLIP, STANDARD_CLIP)
        x = self.drop(F.gelu(self.project(self.norm_in(x))))  # (B, S, dim)
        padded = F.pad(x, (0, 0, 1, 1))  # (B, S + 2, dim): a zero state before and after
        neighbours = torch.cat([padded[:, :-2], x, padded[:, 2:]], dim=-1)  # (B, S, 3 dim)
        x = x + F.gelu(self.context(neighbours))
        return self.norm(x)


class TaggerAudioEncoder(nn.Module):
    """(B, n_mels, T) raw ln-mel (96 mels), T a multiple of 32 -> G_IM (B, T/32, dim), on musicnn.

    musicnn (Won et al. 2020, pretrained on a tagging set and fine-tuned here) gives 753 channels per
    log-mel frame; each 0.5 s state pools its 32 frames (mean and max) and `adapter` maps that to the
    fusion width. `from_features` runs the adapter alone on pooled features cached by model.features.
    musicnn's BatchNorms always use their running statistics (they stay in eval mode when training).
    """

    def __init__(self, config: ModelConfig):
        super().__init__()
        from .taggers import MUSICNN_CHANNELS, EssentiaMusicnn, Musicnn

        self.config = config
        tagger = EssentiaMusicnn if config.tagger.startswith("essentia") else Musicnn
        self.musicnn = tagger(n_mels=config.n_mels, mel_stride=config.musicnn_mel_stride)
        self.adapter = StateAdapter(config, 2 * MUSICNN_CHANNELS)

    @property
    def context_states(self) -> int:
        """States of audio either side that a state reads: musicnn's widest filters reach this many frames
        each way (timbral 7 wide, temporal 129, three 7-wide back-end layers), rounded up to states, plus
        the adapter's one neighbour. A stretch encoded with this much context on each side gives its inner
        states exactly as a whole-song encoding does (the bridge's live path relies on it)."""
        return -(-self.musicnn.reach_frames // self.config.encoder_stride) + 1

    def train(self, mode: bool = True) -> "TaggerAudioEncoder":
        super().train(mode)
        self.musicnn.eval()  # frozen BN statistics (batches here are far smaller than the tagger's)
        return self

    def pooled_features(self, log_mel: torch.Tensor) -> torch.Tensor:
        """(B, n_mels, T) ln-mel -> (B, T/32, 1506) pooled musicnn features."""
        frames = self.musicnn.frames_from_ln_mel(log_mel)  # (B, 753, T)
        x = frames.reshape(frames.shape[0], frames.shape[1], -1, self.config.encoder_stride)  # (B, 753, S, 32)
        return torch.cat([x.mean(dim=3), x.amax(dim=3)], dim=1).transpose(1, 2)  # (B, S, 1506)

    def from_features(self, features: torch.Tensor) -> torch.Tensor:
        return self.adapter(features)

    def forward(self, log_mel: torch.Tensor) -> torch.Tensor:
        check_log_mel(log_mel, self.config)
        return self.adapter(self.pooled_features(log_mel))
