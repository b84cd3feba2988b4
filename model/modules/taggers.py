"""The published music auto-taggers of ../shared/pretrained (Won et al. 2020 code, MIT): musicnn and FCN,
written from that folder's README so that their state dicts load here and reproduce its fixture.

Shapes: the taggers' front end makes (B, 96 mels, T) dB at 62.5 frames/s (hop 256, reflect-centred);
ours feeds the same bands at 64 frames/s (hop 250, model/audio.py) as ln(mel + 1e-10), which
`ln_mel_to_db` turns into the taggers' dB.
"""
from __future__ import annotations

import math
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ..checksum import sha256_of

TAGGER_N_FFT = 512
TAGGER_HOP = 256  # 62.5 frames/s
DB_PER_NEPER = 10.0 / math.log(10.0)  # 10 log10(x) = DB_PER_NEPER * ln(x)
MUSICNN_CHANNELS = 753  # 561 front end + 3 x 64 back end


class PretrainedWeightsError(RuntimeError):
    """A pretrained file is missing, damaged, or does not fit the module; never trained around."""


def ln_mel_to_db(ln_mel: torch.Tensor) -> torch.Tensor:
    """ln(mel power) -> 10 log10(mel power), the taggers' scale."""
    return ln_mel * DB_PER_NEPER


def tagger_db_mel(pcm: torch.Tensor, window: torch.Tensor, fb: torch.Tensor) -> torch.Tensor:
    """(B, N) 16 kHz PCM -> (B, 96, T) dB mel exactly as the taggers' torchaudio front end makes it:
    centred STFT with reflect padding, n_fft 512, hop 256, power, @ fb (257, 96), 10 log10(max(., 1e-10))."""
    pad = TAGGER_N_FFT // 2
    x = F.pad(pcm[:, None, :], (pad, pad), mode="reflect")[:, 0]  # (B, N + 512)
    frames = x.unfold(1, TAGGER_N_FFT, TAGGER_HOP)  # (B, T, 512)
    spec = torch.fft.rfft(frames * window, dim=-1)  # (B, T, 257)
    mel = (spec.real ** 2 + spec.imag ** 2) @ fb  # (B, T, 96)
    return 10.0 * torch.log10(mel.clamp_min(1e-10)).transpose(1, 2)


def essentia_log_mel(pcm: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, fb: torch.Tensor) -> torch.Tensor:
    """(B, N) 16 kHz PCM -> (B, T, 96) log10(1 + 10^4 mel) exactly as Essentia's musicnn front end makes it
    (its converted `frontend`: windowed DFT kernels `cos`/`sin` (257, 1, 512) on the reflect-padded signal,
    hop 256, power, @ its Slaney bank `fb` (257, 96)). The fixture's reference; training reads our log-mel."""
    x = F.pad(pcm[:, None, :], (TAGGER_N_FFT // 2, TAGGER_N_FFT // 2), mode="reflect")
    re, im = F.conv1d(x, cos, stride=TAGGER_HOP), F.conv1d(x, sin, stride=TAGGER_HOP)  # (B, 257, T)
    return torch.log10(1 + 10000 * ((re ** 2 + im ** 2).transpose(1, 2) @ fb))


def peak_over_bands(y: torch.Tensor, bn: nn.Module, dim: int, relu_first: bool = False) -> torch.Tensor:
    """max over `dim` (the mel positions) of ReLU(BN(y)), or of BN(ReLU(y)) with `relu_first`, for y (B, C, ...).

    With BN on its running statistics it reduces first: BN is then a per-channel affine a y + b and ReLU
    is monotonic, so the max sits at y's max where a >= 0 and at its min where a < 0. Exact, and it skips
    the BN and ReLU passes over the whole (C, mels, T) map (over half of Essentia musicnn's time). With
    batch statistics (training mode) it takes the plain order."""
    if bn.training:
        return (bn(F.relu(y)) if relu_first else F.relu(bn(y))).amax(dim=dim)
    a = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    per_channel = (1, -1) + (1,) * (y.dim() - 3)  # (C,) against the reduced (B, C, ...)
    peak = torch.where((a >= 0).reshape(per_channel), y.amax(dim=dim), y.amin(dim=dim))

    def affine(v: torch.Tensor) -> torch.Tensor:
        return (v - bn.running_mean.reshape(per_channel)) * a.reshape(per_channel) + bn.bias.reshape(per_channel)
    return affine(F.relu(peak)) if relu_first else F.relu(affine(peak))


class ConvBN(nn.Module):
    """Conv -> BatchNorm -> ReLU, the unit of every tagger here (2-D or 1-D by the conv given)."""

    def __init__(self, conv: nn.Module, bn: nn.Module):
        super().__init__()
        self.conv, self.bn = conv, bn

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.bn(self.conv(x)))


class Musicnn(nn.Module):
    """musicnn (Pons et al. 2018) as trained by Won et al.: (B, 96, T) dB mel -> 753 frame channels.

    `frames` is the feature the emotion model builds on (753 x T at the input's frame rate);
    `forward` adds the tagger's own summary and 50 sigmoid tags (the fixture check).
    `mel_stride` > 1 slides the two tall timbral filters (95 % of the compute) over every n-th mel
    position only before their max over mel: the same weights, a coarser max, n times less work
    (the published model is mel_stride 1; the shipped encoder is fine-tuned with its own stride).
    """

    def __init__(self, n_mels: int = 96, n_tags: int = 50, mel_stride: int = 1):
        super().__init__()
        self.spec_bn = nn.BatchNorm2d(1)
        timbral = [ConvBN(nn.Conv2d(1, 204, (int(f * n_mels), 7), stride=(mel_stride, 1), padding=(0, 3)),
                          nn.BatchNorm2d(204))
                   for f in (0.7, 0.4)]  # 67 and 38 mels tall
        temporal = [ConvBN(nn.Conv1d(1, 51, k, padding=k // 2), nn.BatchNorm1d(51)) for k in (129, 65, 33)]
        self.layers = nn.ModuleList(timbral + temporal)
        self.layer1 = ConvBN(nn.Conv1d(561, 64, 7, padding=3), nn.BatchNorm1d(64))
        self.layer2 = ConvBN(nn.Conv1d(64, 64, 7, padding=3), nn.BatchNorm1d(64))
        self.layer3 = ConvBN(nn.Conv1d(64, 64, 7, padding=3), nn.BatchNorm1d(64))
        self.dense1 = nn.Linear(2 * MUSICNN_CHANNELS, 200)
        self.bn = nn.BatchNorm1d(200)
        self.dense2 = nn.Linear(200, n_tags)

    def frames(self, db_mel: torch.Tensor) -> torch.Tensor:
        """(B, 96, T) dB -> (B, 753, T): front end (561) and the three residual back-end states."""
        x = self.spec_bn(db_mel.unsqueeze(1))  # (B, 1, 96, T)
        front = [peak_over_bands(layer.conv(x), layer.bn, dim=2) for layer in self.layers[:2]]  # (B, 204, T) each
        mean_mel = x.mean(dim=2)  # (B, 1, T)
        front += [layer(mean_mel) for layer in self.layers[2:]]  # (B, 51, T) each
        front = torch.cat(front, dim=1)  # (B, 561, T)
        r1 = self.layer1(front)
        r2 = self.layer2(r1) + r1
        r3 = self.layer3(r2) + r2
        return torch.cat([front, r1, r2, r3], dim=1)

    def set_mel_stride(self, stride: int) -> None:
        """Slides the two timbral filters (kernels (mel, time)) over every `stride`-th mel position."""
        for layer in self.layers[:2]:
            layer.conv.stride = (stride, 1)

    @property
    def reach_frames(self) -> int:
        """Frames either side that a frame's features read: timbral 7 wide, temporal up to 129, three 7-wide layers."""
        return 3 + max(layer.conv.kernel_size[-1] for layer in self.layers[2:]) // 2 + 3 * 3

    def tunable_parameters(self) -> list[nn.Parameter]:
        """What fine-tuning trains: all of it."""
        return list(self.parameters())

    def frames_from_ln_mel(self, ln_mel: torch.Tensor) -> torch.Tensor:
        """(B, 96, T) ln(mel power + 1e-10), our front end -> (B, 753, T)."""
        return self.frames(ln_mel_to_db(ln_mel))

    def summary(self, frames: torch.Tensor) -> torch.Tensor:
        """(B, 753, T) -> the 200-d embedding (max and mean over time, dense, BN, ReLU)."""
        pooled = torch.cat([frames.amax(dim=2), frames.mean(dim=2)], dim=1)  # (B, 1506)
        return F.relu(self.bn(self.dense1(pooled)))

    def forward(self, db_mel: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, 96, T) dB -> (tags (B, 50) sigmoid, embedding (B, 200))."""
        emb = self.summary(self.frames(db_mel))
        return torch.sigmoid(self.dense2(emb)), emb


class EssentiaMusicnn(nn.Module):
    """Essentia's MSD musicnn (Alonso-Jimenez et al. 2020; converted weights, ../shared/pretrained/README.md),
    the musicnn family trained on the Million Song Dataset's mood and genre tags: (B, T, 96) log10(1 + 10^4
    mel) on Essentia's Slaney bands -> 753 frame channels, like Musicnn.frames.

    Its own front end differs from ours (Slaney mel with area normalisation, not HTK): `frames_from_ln_mel`
    maps our HTK mel power onto its bands with the fixed least-squares matrix `htk_to_slaney` (96 x 96,
    set by `set_band_map` from the two filter banks and stored with the weights). From HTK bands that map
    is rough: exact in the low bands, but ~0.1 (log10 units) off in the high ones, and a clip's pooled
    features correlate 0.83-0.93 with those of Essentia's own front end. With the front end on Slaney bands
    (model/audio.py MEL_SCALE = "slaney", the manifest's mel_scale) the map is the identity. Unlike Won
    et al.'s musicnn, ReLU comes before BatchNorm, and the temporal filters run on every mel band before a
    max over them. `mel_stride` as in Musicnn.
    """

    TEMPORAL = (128, 64, 32)

    def __init__(self, n_mels: int = 96, mel_stride: int = 1):
        super().__init__()
        self.bn_in = nn.BatchNorm2d(1, eps=1e-3)
        self.timbral = nn.ModuleList([nn.Conv2d(1, 204, (7, int(f * n_mels)), stride=(1, mel_stride)) for f in (0.4, 0.7)])
        self.temporal = nn.ModuleList([nn.Conv2d(1, 51, (k, 1)) for k in self.TEMPORAL])
        self.front_bn = nn.ModuleList([nn.BatchNorm2d(204, eps=1e-3) for _ in range(2)]
                                      + [nn.BatchNorm2d(51, eps=1e-3) for _ in range(3)])
        self.mid = nn.ModuleList([nn.Conv1d(561, 64, 7, padding=3)] + [nn.Conv1d(64, 64, 7, padding=3) for _ in range(2)])
        self.mid_bn = nn.ModuleList([nn.BatchNorm1d(64, eps=1e-3) for _ in range(3)])
        self.bn_pool = nn.BatchNorm1d(2 * MUSICNN_CHANNELS, eps=1e-3)
        self.dense = nn.Linear(2 * MUSICNN_CHANNELS, 200)
        self.bn_dense = nn.BatchNorm1d(200, eps=1e-3)
        self.dense_1 = nn.Linear(200, 50)
        self.register_buffer("htk_to_slaney", torch.eye(n_mels))

    def set_mel_stride(self, stride: int) -> None:
        """Slides the two timbral filters (kernels (time, mel)) over every `stride`-th mel position."""
        for conv in self.timbral:
            conv.stride = (1, stride)

    def tunable_parameters(self) -> list[nn.Parameter]:
        """What fine-tuning trains: the back end (three 64-channel layers) and the summary. The front end stays
        as published: its temporal filters run on all 96 bands, and a gradient through their max over bands
        costs about 6x the rest of a step on 2 cores (measured: 9.7 s against 1.6 s for a batch of 12 x 6 s)."""
        return [*self.mid.parameters(), *self.mid_bn.parameters(), *self.bn_pool.parameters(),
                *self.dense.parameters(), *self.bn_dense.parameters(), *self.dense_1.parameters()]

    @property
    def reach_frames(self) -> int:
        """Frames either side that a frame's features read: the widest temporal filter's half, then three 7-wide layers."""
        return max(self.TEMPORAL) // 2 + 3 * 3

    def set_band_map(self, htk_fb: torch.Tensor, slaney_fb: torch.Tensor) -> None:
        """htk_to_slaney = argmin ||htk_fb @ M - slaney_fb|| for (257, 96) banks (power spectrum -> mel power)."""
        self.htk_to_slaney.copy_(torch.linalg.lstsq(htk_fb.double(), slaney_fb.double()).solution.float())

    def frames_from_ln_mel(self, ln_mel: torch.Tensor) -> torch.Tensor:
        """(B, 96, T) ln(HTK mel power + 1e-10) -> (B, 753, T)."""
        mel = (torch.exp(ln_mel) - 1e-10).transpose(1, 2) @ self.htk_to_slaney  # (B, T, 96) Slaney mel power
        return self.frames(torch.log10(1 + 10000 * mel.clamp_min(0)))

    def frames(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, 96) Essentia log-mel -> (B, 753, T)."""
        x = self.bn_in(x.unsqueeze(1))  # (B, 1, T, 96)
        padded = F.pad(x, (0, 0, 3, 3))
        front = [peak_over_bands(conv(padded), bn, dim=3, relu_first=True)
                 for conv, bn in zip(self.timbral, self.front_bn[:2])]  # (B, 204, T) each
        for conv, bn, k in zip(self.temporal, self.front_bn[2:], self.TEMPORAL):
            # TensorFlow 'SAME' padding: (k - 1) // 2 frames before, k // 2 after
            front.append(peak_over_bands(conv(F.pad(x, (0, 0, (k - 1) // 2, k // 2))), bn, dim=3, relu_first=True))
        front = torch.cat(front, dim=1)  # (B, 561, T)
        r0 = self.mid_bn[0](F.relu(self.mid[0](front)))
        r1 = self.mid_bn[1](F.relu(self.mid[1](r0))) + r0
        r2 = self.mid_bn[2](F.relu(self.mid[2](r1))) + r1
        return torch.cat([front, r0, r1, r2], dim=1)

    def summary(self, frames: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, 753, T) -> (tags (B, 50), embedding (B, 200)); max and mean over time interleaved per channel."""
        pooled = torch.stack([frames.amax(dim=2), frames.mean(dim=2)], dim=2).flatten(1)  # (B, 1506)
        emb = self.dense(self.bn_pool(pooled))
        return torch.sigmoid(self.dense_1(self.bn_dense(F.relu(emb)))), emb

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, T, 96) Essentia log-mel -> (tags (B, 50), embedding (B, 200))."""
        return self.summary(self.frames(x))


class FCN(nn.Module):
    """FCN (Choi et al. 2016) as trained by Won et al.: (B, 96, 1819) dB (29.1 s) -> 50 sigmoid tags."""

    POOLS = ((2, 4), (2, 4), (2, 4), (3, 5), (4, 4))

    def __init__(self, n_tags: int = 50):
        super().__init__()
        self.spec_bn = nn.BatchNorm2d(1)
        widths = (1, 64, 128, 128, 128, 64)
        for i in range(5):
            setattr(self, f"layer{i + 1}", ConvBN(nn.Conv2d(widths[i], widths[i + 1], 3, padding=1),
                                                 nn.BatchNorm2d(widths[i + 1])))
        self.dense = nn.Linear(64, n_tags)

    def forward(self, db_mel: torch.Tensor) -> torch.Tensor:
        x = self.spec_bn(db_mel.unsqueeze(1))
        for i, pool in enumerate(self.POOLS):
            x = F.max_pool2d(getattr(self, f"layer{i + 1}")(x), pool)
        return torch.sigmoid(self.dense(x.flatten(1)))  # (B, 64) after the last pool


def read_state_dict(path: Path, sha256: str | None = None) -> dict[str, torch.Tensor]:
    """Loads a pretrained state dict, refusing a missing file or a checksum that differs."""
    if not path.parent.is_dir():
        raise PretrainedWeightsError(f"pretrained folder {path.parent} is missing: the audio encoder starts from "
                                     f"the published taggers there (see ../shared/pretrained/README.md)")
    if not path.is_file():
        raise PretrainedWeightsError(f"pretrained weights {path} are missing")
    if sha256 is not None:
        got = sha256_of(path)
        if got != sha256:
            raise PretrainedWeightsError(f"pretrained weights {path} have sha256 {got}, expected {sha256}: "
                                         f"the file is damaged or another version")
    try:
        sd = torch.load(path, map_location="cpu")
    except Exception as e:
        raise PretrainedWeightsError(f"cannot read pretrained weights {path}: {e}") from e
    if isinstance(sd, dict) and all(isinstance(v, dict) for v in sd.values()):
        # {part: state dict} (Essentia's {backbone, frontend}): one dict of "part.key"
        sd = {f"{part}.{k}": v for part, inner in sd.items() for k, v in inner.items()}
    if not isinstance(sd, dict) or not all(isinstance(v, torch.Tensor) for v in sd.values()):
        raise PretrainedWeightsError(f"{path} is not a PyTorch state dict of tensors")
    return sd


def load_into(module: nn.Module, sd: dict[str, torch.Tensor], path: Path, skip_prefix: str = "spec.") -> None:
    """Copies `sd` (less its STFT/mel buffers) into `module`; every key and shape must match, else the
    error names the file and what differs."""
    sd = {k: v for k, v in sd.items() if not k.startswith(skip_prefix)}
    own = module.state_dict()
    missing = sorted(set(own) - set(sd))
    unexpected = sorted(set(sd) - set(own))
    shapes = [f"{k}: file {tuple(sd[k].shape)} vs module {tuple(own[k].shape)}"
              for k in sorted(set(own) & set(sd)) if sd[k].shape != own[k].shape]
    if missing or unexpected or shapes:
        parts = []
        if missing:
            parts.append(f"missing {missing[:6]}{' ...' if len(missing) > 6 else ''}")
        if unexpected:
            parts.append(f"unexpected {unexpected[:6]}{' ...' if len(unexpected) > 6 else ''}")
        if shapes:
            parts.append("shapes differ: " + "; ".join(shapes[:4]))
        raise PretrainedWeightsError(f"{path} does not match {type(module).__name__}: " + ", ".join(parts))
    module.load_state_dict(sd)
