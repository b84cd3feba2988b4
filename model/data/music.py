"""Loading cached music items and cutting 6 s training windows with their labels."""
from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.audio import FRAMES_PER_SECOND, LOG_FLOOR, N_MELS, WINDOW_FRAMES

from .augment import AugmentConfig, random_augment, tempo_stretch
from .music_sources import MUSIC_SOURCES
from .paths import cache_dir
from .records import NAN, SPLITS, Curve, MusicItem, polarity_from_valence
from .splits import clip_split, load_splits

LOG_SILENCE = math.log(LOG_FLOOR)  # ln(0 + 1e-6): the log-mel of digital silence


class CacheMissingError(FileNotFoundError):
    """The log-mel cache for a set has not been built."""


def _curve(doc: dict | None) -> Curve | None:
    if doc is None:
        return None
    return Curve(np.asarray(doc["boundaries"], dtype=np.float64), np.asarray(doc["valence"], dtype=np.float32),
                 np.asarray(doc["arousal"], dtype=np.float32))


def load_music(split: str = "all", sources: Iterable[str] = MUSIC_SOURCES, variants: Iterable[str] | None = None,
               cache: str | Path | None = None) -> list[MusicItem]:
    """Cached items of one split ('train' / 'val' / 'test' / 'all'), log-mel memory-mapped.

    `variants` keeps only those renders ('audio', 'midi', 'piano', 'strings', 'guitar'); None keeps all.
    """
    if split != "all" and split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS + ('all',)}, got {split!r}")
    root = Path(cache) if cache else cache_dir()
    splits = load_splits()
    keep = set(variants) if variants is not None else None
    items: list[MusicItem] = []
    for source in sources:
        if source not in MUSIC_SOURCES:
            raise ValueError(f"unknown music source {source!r}; expected one of {MUSIC_SOURCES}")
        path = root / "index" / f"{source}.json"
        if not path.exists():
            raise CacheMissingError(f"no cache index for {source} at {path}; build it with "
                                    f"`nice -n 5 /usr/bin/python3 -m model.prepare_data --sets {source}`")
        doc = json.loads(path.read_text(encoding="utf-8"))
        if "pack" not in doc:
            raise CacheMissingError(f"{path} is from an older cache layout; rerun "
                                    f"`nice -n 5 /usr/bin/python3 -m model.prepare_data --sets {source}`")
        pack = np.load(root / doc["pack"], mmap_mode="r")  # (total frames, 64) float16
        for e in doc["items"]:
            if keep is not None and e["variant"] not in keep:
                continue
            song, item_split = clip_split(splits, e["clip"])
            if split != "all" and item_split != split:
                continue
            mel = pack[e["offset"]:e["offset"] + e["frames"]].T  # (64, T) view
            items.append(MusicItem(
                id=e["id"], clip=e["clip"], song=song, source=e["source"], variant=e["variant"], split=item_split,
                log_mel=mel, valence=float(NAN if e["valence"] is None else e["valence"]),
                arousal=float(NAN if e["arousal"] is None else e["arousal"]), label_kind=e["label_kind"],
                polarity=int(e["polarity"]), quadrant=int(e["quadrant"]), cluster=int(e["cluster"]),
                lyrics=e["lyrics"], curve=_curve(e["curve"])))
    return items


@dataclass(frozen=True)
class WindowLabels:
    """Targets of one window: valence / arousal in [-1, 1] or NaN, polarity 0/1/2/-1, and their kind."""

    valence: float
    arousal: float
    polarity: int
    kind: str  # "sign" | "continuous"


def window_labels(item: MusicItem, start_frame: int, n_frames: int = WINDOW_FRAMES) -> WindowLabels:
    """Labels of frames [start, start + n): the clip's labels, or the curve's time-weighted mean."""
    if item.curve is None:
        return WindowLabels(item.valence, item.arousal, item.polarity, item.label_kind)
    t0 = start_frame / FRAMES_PER_SECOND
    v, a = item.curve.mean(t0, t0 + n_frames / FRAMES_PER_SECOND)
    return WindowLabels(v, a, polarity_from_valence(v), "continuous")


def crop(log_mel: np.ndarray, start_frame: int, n_frames: int = WINDOW_FRAMES) -> np.ndarray:
    """float32 (64, n_frames) copy of frames [start, start + n); past either end is filled with silence."""
    if log_mel.ndim != 2 or log_mel.shape[0] != N_MELS:
        raise ValueError(f"expected a log-mel of shape ({N_MELS}, T), got {log_mel.shape}")
    out = np.full((N_MELS, n_frames), LOG_SILENCE, dtype=np.float32)
    lo, hi = max(start_frame, 0), min(start_frame + n_frames, log_mel.shape[1])
    if hi > lo:
        out[:, lo - start_frame: hi - start_frame] = log_mel[:, lo:hi]
    return out


def window_starts(n_total: int, n_frames: int = WINDOW_FRAMES, hop: int = 32) -> list[int]:
    """Start frames of the windows that tile [0, n_total) with the given hop (the last may overhang)."""
    if n_total <= n_frames:
        return [0]
    starts = list(range(0, n_total - n_frames + 1, hop))
    if starts[-1] + n_frames < n_total:
        starts.append(n_total - n_frames)
    return starts


def random_crop(item: MusicItem, rng: np.random.Generator, n_frames: int = WINDOW_FRAMES,
                annotated_only: bool = True) -> tuple[np.ndarray, WindowLabels]:
    """A window at a uniformly random start frame, with its labels.

    For curve items and `annotated_only`, the window stays inside the annotated span when it can.
    """
    start = _random_start(item, rng, n_frames, annotated_only)
    return crop(item.log_mel, start, n_frames), window_labels(item, start, n_frames)


def _random_start(item: MusicItem, rng: np.random.Generator, span: int, annotated_only: bool) -> int:
    hi = max(item.n_frames - span, 0)
    if item.curve is not None and annotated_only:
        end = int(item.curve.boundaries[-1] * FRAMES_PER_SECOND)
        hi = max(min(hi, end - span), 0)
    return int(rng.integers(0, hi + 1))


def random_window(item: MusicItem, rng: np.random.Generator, n_frames: int = WINDOW_FRAMES,
                  config: AugmentConfig | None = AugmentConfig(), annotated_only: bool = True,
                  ) -> tuple[np.ndarray, WindowLabels]:
    """A random, augmented training window: with probability config.p_tempo it reads
    round(n_frames * rate) frames and stretches them to n_frames (so the labels cover the span heard),
    then applies the rest of `random_augment`. config=None gives a plain random_crop."""
    if config is None:
        return random_crop(item, rng, n_frames, annotated_only)
    rate = float(rng.uniform(*config.rate)) if rng.random() < config.p_tempo else 1.0
    span = max(int(round(n_frames * rate)), 1)
    start = _random_start(item, rng, span, annotated_only)
    mel = crop(item.log_mel, start, span)
    if span != n_frames:
        mel = tempo_stretch(mel, span / n_frames, n_out=n_frames)
    return random_augment(mel, rng, config, tempo=False), window_labels(item, start, span)
