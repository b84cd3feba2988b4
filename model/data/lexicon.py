"""Word -> (valence, arousal) in [-1, 1] from three lexicons, for token-level auxiliary targets.

Sources and rescaling:
- NRC-VAD v1 (20k words, V and A in [0, 1]): 2x - 1.
- Warriner et al. 2013 (14k lemmas, V and A means on 1..9): (x - 5) / 4.
- VADER lexicon (7.5k tokens, mean valence -4..4): x / 4; no arousal.
Merge rule: a word's valence is the plain mean of the rescaled valences of the sources that list it;
its arousal is the mean of NRC-VAD and Warriner where listed, else NaN. Keys are normalised like the
tokenizer (NFD, no combining marks, lower case) and kept only when they are exactly one tokenizer word
(multi-word entries and emoticons such as ':)' are dropped). No reweighting between sources:
Warriner's ratings are more compressed towards 0 than NRC-VAD's, so words only Warriner lists read
milder; that is accepted for auxiliary targets.
"""
from __future__ import annotations

import csv
import math

import numpy as np

from model.tokenizer import Tokenizer, normalize, pre_tokenize

from .paths import dataset_file, datasets_root

Lexicon = dict[str, tuple[float, float]]


def _single_word(raw: str) -> str | None:
    words = pre_tokenize(raw)
    return words[0] if len(words) == 1 and words[0] == normalize(raw).strip() else None


def read_sources(datasets: str | None = None) -> dict[str, dict[str, tuple[float, float]]]:
    """{'nrc_vad': {word: (v, a)}, 'warriner': {...}, 'vader': {word: (v, nan)}}, rescaled to [-1, 1]."""
    root = datasets_root(datasets)
    out: dict[str, dict[str, tuple[float, float]]] = {"nrc_vad": {}, "warriner": {}, "vader": {}}
    with open(dataset_file(root, "lexicons", "NRC-VAD-Lexicon.txt"), encoding="utf-8") as f:
        next(f)
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and (w := _single_word(parts[0])):
                out["nrc_vad"][w] = (2 * float(parts[1]) - 1, 2 * float(parts[2]) - 1)
    with open(dataset_file(root, "lexicons", "Ratings_Warriner_et_al.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if w := _single_word(row["Word"]):
                out["warriner"][w] = ((float(row["V.Mean.Sum"]) - 5) / 4, (float(row["A.Mean.Sum"]) - 5) / 4)
    with open(dataset_file(root, "lexicons", "vader_lexicon.txt"), encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and (w := _single_word(parts[0])):
                out["vader"][w] = (float(parts[1]) / 4, math.nan)
    return out


def merge(sources: dict[str, dict[str, tuple[float, float]]]) -> Lexicon:
    """The merge rule of the module docstring."""
    words = sorted(set().union(*sources.values()))
    merged: Lexicon = {}
    for w in words:
        vals = [s[w][0] for s in sources.values() if w in s]
        aros = [s[w][1] for s in sources.values() if w in s and not math.isnan(s[w][1])]
        merged[w] = (float(np.mean(vals)), float(np.mean(aros)) if aros else math.nan)
    return merged


def load_lexicon(datasets: str | None = None) -> Lexicon:
    """Normalised word -> (valence, arousal in [-1, 1] or NaN)."""
    return merge(read_sources(datasets))


def token_va_targets(text: str, tokenizer: Tokenizer, lexicon: Lexicon) -> tuple[list[int], np.ndarray]:
    """(ids, float32 (L, 2) targets): every piece of a lexicon word gets the word's (valence, arousal);
    other tokens, [CLS] and [SEP] get NaN."""
    ids, word_index = tokenizer.encode_with_words(text)
    words = pre_tokenize(text)
    targets = np.full((len(ids), 2), np.nan, dtype=np.float32)
    for i, w in enumerate(word_index):
        if w >= 0 and words[w] in lexicon:
            targets[i] = lexicon[words[w]]
    return ids, targets
