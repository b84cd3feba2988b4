"""Datasets, caches, splits and augmentation for training (API in README.md)."""
from . import augment
from .augment import AugmentConfig, random_augment
from .lexicon import load_lexicon, token_va_targets
from .music import (
    CacheMissingError, WindowLabels, crop, load_music, random_crop, random_window, window_labels, window_starts,
)
from .paths import DatasetsMissingError, datasets_root
from .records import (
    NEGATIVE, NEUTRAL, NEUTRAL_BAND, POSITIVE, UNKNOWN, Curve, MusicItem, TextRecord, polarity_from_valence,
)
from .splits import load_splits
from .text_sets import load_lyrics, load_text

__all__ = [
    "augment", "AugmentConfig", "random_augment", "load_lexicon", "token_va_targets", "CacheMissingError",
    "WindowLabels", "crop", "load_music", "random_crop", "random_window", "window_labels", "window_starts",
    "DatasetsMissingError", "datasets_root", "NEGATIVE", "NEUTRAL", "NEUTRAL_BAND", "POSITIVE", "UNKNOWN",
    "Curve", "MusicItem", "TextRecord", "polarity_from_valence", "load_splits", "load_lyrics", "load_text",
]
