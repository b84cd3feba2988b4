"""Record types handed to the trainer: music items, VGMIDI curves, text records."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Split = str  # "train" | "val" | "test"
SPLITS = ("train", "val", "test")

NEGATIVE, NEUTRAL, POSITIVE, UNKNOWN = 0, 1, 2, -1  # polarity classes, CONTRACT order
NEUTRAL_BAND = 0.1  # |valence| below this (on [-1, 1]) counts as neutral where a set gives a number
NAN = float("nan")


def polarity_from_valence(valence: float, band: float = NEUTRAL_BAND) -> int:
    """0 / 1 / 2 from a valence in [-1, 1] with a neutral band; UNKNOWN for NaN."""
    if math.isnan(valence):
        return UNKNOWN
    if valence <= -band:
        return NEGATIVE
    if valence >= band:
        return POSITIVE
    return NEUTRAL


@dataclass(frozen=True)
class Curve:
    """Time-continuous labels: measure i spans [boundaries[i], boundaries[i+1]) seconds of the item's audio."""

    boundaries: np.ndarray  # float64 (M + 1,), seconds, increasing
    valence: np.ndarray  # float32 (M,), mean over annotators, [-1, 1]
    arousal: np.ndarray  # float32 (M,)

    def __post_init__(self) -> None:
        m = len(self.valence)
        if len(self.boundaries) != m + 1 or len(self.arousal) != m:
            raise ValueError(
                f"curve needs M+1 boundaries and M values, got {len(self.boundaries)} boundaries, "
                f"{m} valence, {len(self.arousal)} arousal"
            )
        if m and np.any(np.diff(self.boundaries) <= 0):
            raise ValueError("curve boundaries must increase strictly")

    def mean(self, t0: float, t1: float) -> tuple[float, float]:
        """Time-weighted mean (valence, arousal) over [t0, t1) seconds; NaN where the window misses the curve."""
        lo = np.clip(self.boundaries[:-1], t0, t1)
        hi = np.clip(self.boundaries[1:], t0, t1)
        w = hi - lo
        total = float(w.sum())
        if total <= 0:
            return NAN, NAN
        return float((w * self.valence).sum() / total), float((w * self.arousal).sum() / total)


@dataclass(frozen=True)
class MusicItem:
    """One cached audio item (a decoded clip or one render of a MIDI file) with its labels."""

    id: str  # "4q:MT0000004637", "mirex:004:midi", "emopia:Q1_x_0:strings"
    clip: str  # the labelled clip this item renders, shared by its renders
    song: str  # split group
    source: str  # "4q" | "mirex" | "emopia" | "vgmidi"
    variant: str  # "audio" | "midi" | GM program name
    split: Split
    log_mel: np.ndarray  # float16 (64, T), ln(mel + 1e-6), memory-mapped read-only
    valence: float  # [-1, 1] or NaN
    arousal: float  # [-1, 1] or NaN
    label_kind: str  # "sign" | "continuous"
    polarity: int  # 0 / 1 / 2 / -1
    quadrant: int = -1  # 1..4 or -1
    cluster: int = -1  # MIREX 1..5 or -1
    lyrics: str | None = None
    curve: Curve | None = None

    @property
    def n_frames(self) -> int:
        return int(self.log_mel.shape[1])


@dataclass(frozen=True)
class TextRecord:
    """One labelled sentence / post / lyric."""

    id: str  # "source:original-id"
    text: str
    valence: float  # [-1, 1] or NaN
    arousal: float  # [-1, 1] or NaN
    polarity: int  # 0 / 1 / 2 / -1
    source: str
    split: Split
