"""Frozen tagger features of every cached music item, one row per 0.5 s state, cached for the trainer.

    /usr/bin/python3 -m model.features [--sets 4q mirex ...] [--teacher mtat-musicnn | --checkpoint PATH]

A state's row is the mean and the max over its 32 log-mel frames of musicnn's 753 frame channels
(1,506 float16 values), computed over the whole item in chunks with 2 s of context each side, so a
row is what the shipped audio encoder's pretrained part computes for that 0.5 s. The trainer reads
these instead of running musicnn on every step (it costs ~0.9 GFLOP per second of audio).

Layout under model/.cache/features/<name>/ (name: "tuned", the fine-tuned encoder of stage (b1), or a
published tagger's name): <set>.npy (total states, 1506) float16 and <set>.json (item id -> offset,
states). Rebuilt when the log-mel index or the encoder's weights change.
"""
from __future__ import annotations

from . import train_common  # noqa: F401  first: sets OMP_WAIT_POLICY before torch loads

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from .audio import ENCODER_STRIDE
from .data import load_music
from .data.music_sources import MUSIC_SOURCES
from .data.paths import cache_dir
from .modules.taggers import MUSICNN_CHANNELS, EssentiaMusicnn, Musicnn
from .pretrained import load_teacher
from .train_common import STAGE_PATHS

CHUNK_STATES = 60  # 30 s of states per musicnn call
CONTEXT_FRAMES = 128  # 2 s each side: covers musicnn's receptive field (129-frame filters, 3 k=7 layers)
FEATURE_DIM = 2 * MUSICNN_CHANNELS  # mean and max per state
FEATURES_VERSION = 1
# renders whose features are cached per set (the trainer reads only these); every variant of 4Q/MIREX
FEATURE_VARIANTS = {"4q": None, "mirex": None, "emopia": ("piano",), "vgmidi": ("piano",)}


def pool_states(frames: torch.Tensor) -> torch.Tensor:
    """(753, T) with T a multiple of 32 -> (T/32, 1506): mean then max over each state's 32 frames."""
    c, t = frames.shape
    x = frames.reshape(c, t // ENCODER_STRIDE, ENCODER_STRIDE)  # (753, S, 32)
    return torch.cat([x.mean(dim=2), x.amax(dim=2)], dim=0).T  # (S, 1506)


@torch.no_grad()
def item_features(musicnn: Musicnn | EssentiaMusicnn, ln_mel: np.ndarray) -> np.ndarray:
    """(96, T) ln-mel of one item -> (ceil(T/32), 1506) float16 state features."""
    n_mels, t = ln_mel.shape
    states = -(-t // ENCODER_STRIDE)
    floor = float(ln_mel.min()) if t else 0.0
    total = states * ENCODER_STRIDE
    padded = np.full((n_mels, total + 2 * CONTEXT_FRAMES), floor, np.float32)  # silence beyond the item
    padded[:, CONTEXT_FRAMES:CONTEXT_FRAMES + t] = ln_mel
    out = np.empty((states, FEATURE_DIM), np.float16)
    for s0 in range(0, states, CHUNK_STATES):
        s1 = min(states, s0 + CHUNK_STATES)
        lo, hi = s0 * ENCODER_STRIDE, s1 * ENCODER_STRIDE + 2 * CONTEXT_FRAMES
        x = torch.from_numpy(padded[:, lo:hi])[None]
        frames = musicnn.frames_from_ln_mel(x)[0, :, CONTEXT_FRAMES:-CONTEXT_FRAMES]
        out[s0:s1] = pool_states(frames).numpy().astype(np.float16)
    return out


def features_dir(name: str) -> Path:
    return cache_dir() / "features" / name


def weights_hash(module: torch.nn.Module) -> str:
    """sha256 over a module's tensors (names and bytes): which weights made a feature cache."""
    h = hashlib.sha256()
    for k, v in sorted(module.state_dict().items()):
        h.update(k.encode())
        h.update(v.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def build(source: str, teacher: str, musicnn: Musicnn | EssentiaMusicnn, checksum: str) -> None:
    """Caches the features of one set's items (skipped when the cache is current)."""
    out_dir = features_dir(teacher)
    out_dir.mkdir(parents=True, exist_ok=True)
    index_path = out_dir / f"{source}.json"
    mel_index = cache_dir() / "index" / f"{source}.json"
    stamp = {"version": FEATURES_VERSION, "teacher_sha256": checksum, "mel_index_mtime": mel_index.stat().st_mtime}
    if index_path.exists():
        doc = json.loads(index_path.read_text())
        if doc.get("stamp") == stamp:
            print(f"[{source}] features current ({len(doc['items'])} items)", flush=True)
            return
    items = load_music("all", sources=(source,), variants=FEATURE_VARIANTS[source])
    t0 = time.time()
    rows, index, offset = [], {}, 0
    for n, item in enumerate(items, 1):
        f = item_features(musicnn, np.asarray(item.log_mel, np.float32))
        rows.append(f)
        index[item.id] = {"offset": offset, "states": len(f)}
        offset += len(f)
        if n % max(1, len(items) // 10) == 0 or n == len(items):
            print(f"[{source}] {n}/{len(items)} items, {time.time() - t0:.0f} s", flush=True)
    tmp = out_dir / f"{source}.tmp.npy"
    np.save(tmp, np.concatenate(rows) if rows else np.zeros((0, FEATURE_DIM), np.float16))
    tmp.replace(out_dir / f"{source}.npy")
    index_path.write_text(json.dumps({"stamp": stamp, "dim": FEATURE_DIM, "items": index}))


def load_features(source: str, name: str) -> tuple[np.ndarray, dict[str, dict]]:
    """(pack memory-mapped (N, 1506) float16, item id -> {offset, states}) of one set."""
    d = features_dir(name)
    path = d / f"{source}.json"
    if not path.exists():
        raise FileNotFoundError(f"no {name} features for {source} at {path}: run `python3 -m model.features`")
    return np.load(d / f"{source}.npy", mmap_mode="r"), json.loads(path.read_text())["items"]


class FeatureStore:
    """Cached state features of music items, by item: `get(item)` -> (S, 1506) float16 (memory-mapped)."""

    def __init__(self, name: str = "tuned"):
        self.name = name
        self.packs: dict[str, tuple[np.ndarray, dict[str, dict]]] = {}

    def has(self, item) -> bool:
        return item.id in self._pack(item.source)[1]

    def get(self, item) -> np.ndarray:
        pack, index = self._pack(item.source)
        if item.id not in index:
            raise KeyError(f"no {self.name} features for {item.id}: rebuild with `python3 -m model.features`")
        e = index[item.id]
        return pack[e["offset"]:e["offset"] + e["states"]]

    def _pack(self, source: str):
        if source not in self.packs:
            self.packs[source] = load_features(source, self.name)
        return self.packs[source]


def tuned_musicnn(checkpoint: Path) -> Musicnn | EssentiaMusicnn:
    """The fine-tuned musicnn of a stage (b1) checkpoint."""
    from .model import load_checkpoint

    model, _ = load_checkpoint(checkpoint)
    return model.audio_encoder.musicnn.eval()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=list(MUSIC_SOURCES), choices=MUSIC_SOURCES)
    parser.add_argument("--teacher", help="a published tagger's name: its frozen features (for comparisons)")
    parser.add_argument("--mel-stride", type=int, default=1, help="with --teacher: the timbral filters' mel stride")
    parser.add_argument("--checkpoint", default=str(STAGE_PATHS["tune"]),
                        help="the stage (b1) checkpoint whose fine-tuned musicnn makes the 'tuned' features")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    if args.teacher:
        musicnn, name = load_teacher(args.teacher)[0], args.teacher + (f"-s{args.mel_stride}" if args.mel_stride > 1 else "")
        musicnn.set_mel_stride(args.mel_stride)
    else:
        musicnn, name = tuned_musicnn(Path(args.checkpoint)), "tuned"
    stamp = weights_hash(musicnn)
    for s in args.sets:
        build(s, name, musicnn, stamp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
