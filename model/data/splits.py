"""Seeded train / val / test split of the music clips, grouped by song (`model/splits.json`).

Grouping: 4Q and MIREX clips with the same normalised artist + title are one song, across both sets
(see `music_sources.song_key`); MIDI renders of a MIREX clip stay with it; EMOPIA groups by YouTube id;
VGMIDI by piece. Songs are assigned 70 / 15 / 15 within strata of (set, label) so each split keeps
the label balance; each stratum is shuffled by its own seeded generator, so adding a set does not
move the songs of another.

Rewrite the file from the label files (no audio needed): `python3 -m model.prepare_data --write-splits`.
"""
from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from .music_sources import MUSIC_SOURCES, Clip, read_clips
from .paths import SPLITS_PATH, datasets_root
from .records import SPLITS

SPLIT_SEED = 20251125
MUSIC_FRACTIONS = (0.70, 0.15, 0.15)


def group_songs(clips: list[Clip]) -> dict[str, str]:
    """clip id -> song id; clips sharing a song key are one song (the smallest key names it)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for c in clips:  # a clip and its key are one node pair; clips sharing a key merge through it
        a, b = find(c.clip), find(c.song_key)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = defaultdict(list)
    for c in clips:
        members[find(c.clip)].append(c.song_key)
    name = {root: min(keys) for root, keys in members.items()}
    return {c.clip: name[find(c.clip)] for c in clips}


def _stratum_label(c: Clip) -> str:
    return f"q{c.quadrant}" if c.quadrant > 0 else f"c{c.cluster}"


def assign_splits(clips: list[Clip], seed: int = SPLIT_SEED,
                  fractions: tuple[float, float, float] = MUSIC_FRACTIONS) -> tuple[dict[str, str], dict[str, str]]:
    """(clip -> song, song -> split). Every clip of a song gets the song's split."""
    clip_song = group_songs(clips)
    first: dict[str, Clip] = {}
    for c in sorted(clips, key=lambda c: (c.source, c.clip)):
        first.setdefault(clip_song[c.clip], c)  # a song's stratum comes from its first clip
    strata: dict[str, list[str]] = defaultdict(list)
    for song, c in first.items():
        strata[f"{c.source}/{_stratum_label(c)}"].append(song)
    song_split: dict[str, str] = {}
    for stratum in sorted(strata):
        songs = sorted(strata[stratum])
        sub_seed = int.from_bytes(hashlib.sha1(f"{seed}:{stratum}".encode()).digest()[:8], "big")
        order = np.random.default_rng(sub_seed).permutation(len(songs))
        n_val = int(round(fractions[1] * len(songs)))
        n_test = int(round(fractions[2] * len(songs)))
        for rank, idx in enumerate(order):
            split = "val" if rank < n_val else ("test" if rank < n_val + n_test else "train")
            song_split[songs[idx]] = split
    return clip_song, song_split


def build_splits(root: Path, seed: int = SPLIT_SEED) -> dict:
    """The splits.json document for every labelled clip of every set."""
    clips = read_clips(root, MUSIC_SOURCES)
    clip_song, song_split = assign_splits(clips, seed)
    counts = {s: {k: 0 for k in SPLITS} for s in MUSIC_SOURCES}
    for c in clips:
        counts[c.source][song_split[clip_song[c.clip]]] += 1
    return {
        "schema": "emolane.splits/1",
        "seed": seed,
        "fractions": {"train": MUSIC_FRACTIONS[0], "val": MUSIC_FRACTIONS[1], "test": MUSIC_FRACTIONS[2]},
        "grouping": "4q+mirex: normalised artist+title (shared across sets); emopia: YouTube id; vgmidi: piece",
        "clip_counts": counts,
        "songs": dict(sorted(song_split.items())),
        "clips": dict(sorted(clip_song.items())),
    }


class SplitsMissingError(FileNotFoundError):
    """model/splits.json is missing or lacks a clip."""


def load_splits(path: Path = SPLITS_PATH) -> dict:
    """The committed splits document."""
    if not path.exists():
        raise SplitsMissingError(f"{path} is missing; run `python3 -m model.prepare_data --write-splits` to write it")
    return json.loads(path.read_text(encoding="utf-8"))


def clip_split(splits: dict, clip: str) -> tuple[str, str]:
    """(song, split) of a clip id from a splits document."""
    song = splits["clips"].get(clip)
    if song is None:
        raise SplitsMissingError(f"clip {clip} is not in splits.json; "
                                 "rerun `python3 -m model.prepare_data --write-splits`")
    return song, splits["songs"][song]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write model/splits.json from the label files.")
    parser.add_argument("--datasets", help="datasets folder (default ../shared/datasets or $EMOLANE_DATASETS)")
    parser.add_argument("--seed", type=int, default=SPLIT_SEED)
    args = parser.parse_args(argv)
    doc = build_splits(datasets_root(args.datasets), args.seed)
    SPLITS_PATH.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    merged = sum(1 for s in doc["songs"] if s.startswith("song:") and
                 len({c.split(":")[0] for c, g in doc["clips"].items() if g == s}) > 1)
    print(f"wrote {SPLITS_PATH.name}: {len(doc['clips'])} clips, {len(doc['songs'])} songs "
          f"({merged} songs in both 4Q and MIREX); per set {doc['clip_counts']}")

