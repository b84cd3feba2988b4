"""Shared by the training stages: setup, run logs, losses, schedules, batching and metrics."""
from __future__ import annotations

import os

# Before torch loads libgomp: with busy-waiting OpenMP threads, a training step on the team's shared
# 2 cores ran 10-40x slower than with passive waiting (measured: 15 s vs 0.3 s per MLM step).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import json
import math
import random
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .config import ModelConfig, preset

MODEL_DIR = Path(__file__).resolve().parent
RUNS_DIR = MODEL_DIR / "runs"  # git-ignored logs
CHECKPOINT_DIR = MODEL_DIR / "checkpoints"
STAGE_PATHS = {  # each stage's output checkpoint; the last one is the shipped model export_onnx.py reads
    "text": RUNS_DIR / "stage_text.pt",
    "tune": RUNS_DIR / "stage_tune.pt",  # (b1) musicnn fine-tuned end to end on log-mel crops
    "audio": RUNS_DIR / "stage_audio.pt",  # (b2) adapter and audio head on the tuned encoder's cached features
    "fusion": CHECKPOINT_DIR / "studio.pt",
}
THREADS = int(os.environ.get("EMOLANE_THREADS", "2"))  # the team shares 2 cores


class TrainingDataError(ValueError):
    """Training data is missing, empty or unusable; the message says which and where."""


def setup(seed: int) -> np.random.Generator:
    """Threads, seeds and determinism for one stage; returns the stage's numpy generator."""
    torch.set_num_threads(THREADS)
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    return np.random.default_rng(seed)


def blas_warning(maps: str | None = None) -> str | None:
    """A warning when torch's BLAS is the slow reference one (Debian's torch links whatever libblas.so.3
    the system provides: netlib's makes a training step about 10x slower than OpenBLAS), else None.
    `maps`: the process's memory map (default /proc/self/maps)."""
    if maps is None:
        try:
            maps = Path("/proc/self/maps").read_text()
        except OSError:
            return None  # not Linux: nothing to check
    if "libblas.so" not in maps and "openblas" not in maps:
        return None  # torch brought its own BLAS (MKL or OpenBLAS inside the wheel)
    if "openblas" in maps or "libmkl" in maps or "blis" in maps:
        return None
    return ("torch is using the reference BLAS (netlib libblas.so.3): training runs about 10x slower; "
            "install an optimised one, e.g. `apt-get install libopenblas0-pthread`")


def device() -> torch.device:
    """CUDA when present (minutes), else CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def load_tokenizer():
    """model/tokenizer.json via model.tokenizer, or a clear error naming the step that builds it."""
    from .tokenizer import TOKENIZER_PATH, Tokenizer

    if not Path(TOKENIZER_PATH).is_file():
        raise TrainingDataError(f"tokenizer missing: expected {TOKENIZER_PATH} (built by python3 -m model.data.train_tokenizer)")
    return Tokenizer.load()


def studio_config(tokenizer, **overrides: Any) -> ModelConfig:
    """The shipped preset, its vocabulary sized to the tokenizer."""
    return preset("studio", vocab_size=len(tokenizer.vocab), **overrides)


class RunLog:
    """Writes model/runs/<stage>.log (text) and keeps a history of metric records for curves."""

    def __init__(self, stage: str):
        RUNS_DIR.mkdir(parents=True, exist_ok=True)
        self.stage = stage
        self.path = RUNS_DIR / f"{stage}.log"
        self.path.write_text("")
        self.start = time.time()
        self.history: list[dict[str, Any]] = []

    def log(self, message: str) -> None:
        line = f"[{self.stage} {time.time() - self.start:7.0f}s] {message}"
        print(line, flush=True)
        with open(self.path, "a") as f:
            f.write(line + "\n")

    def record(self, **values: Any) -> None:
        """One point of a training curve (step, losses, validation metrics)."""
        values = {k: (float(v) if isinstance(v, (np.floating, torch.Tensor)) else v) for k, v in values.items()}
        self.history.append({"seconds": round(time.time() - self.start, 1), **values})

    @property
    def seconds(self) -> float:
        return time.time() - self.start


def lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    """Linear warm-up, then cosine decay to a tenth of the peak."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = lr * group.get("lr_scale", 1.0)


def masked_mse(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """MSE over the finite targets only (NaN = no label); 0 when there are none."""
    ok = torch.isfinite(target)
    if not bool(ok.any()):
        return pred.sum() * 0.0
    return ((pred[ok] - target[ok]) ** 2).mean()


def masked_ce(logits: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None = None) -> torch.Tensor:
    """Cross-entropy ignoring targets of -1; 0 when there are none."""
    if not bool((target >= 0).any()):
        return logits.sum() * 0.0
    return F.cross_entropy(logits, target, weight=weight, ignore_index=-1)


def pad_ids(seqs: Sequence[Sequence[int]], pad_id: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Token id lists -> (ids, mask) int64 (B, longest)."""
    n = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), n), pad_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.as_tensor(list(s), dtype=torch.long)
    return ids, (ids != pad_id).long() if pad_id == 0 else (ids != pad_id).long()


def pad_targets(targets: Sequence[np.ndarray], length: int) -> torch.Tensor:
    """Per-token (L_i, 2) targets -> (B, length, 2) with NaN beyond each row."""
    out = torch.full((len(targets), length, 2), float("nan"))
    for i, t in enumerate(targets):
        n = min(len(t), length)
        out[i, :n] = torch.from_numpy(np.asarray(t[:n], dtype=np.float32))
    return out


def empty_lyrics(config: ModelConfig) -> list[int]:
    """What the bridge passes for a window without lyrics: [CLS] [SEP]."""
    return [config.cls_id, config.sep_id]


# ---- metrics -------------------------------------------------------------------------------------

def confusion(y_true: Iterable[int], y_pred: Iterable[int], labels: Sequence[int]) -> np.ndarray:
    index = {c: i for i, c in enumerate(labels)}
    m = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        if t in index and p in index:
            m[index[t], index[p]] += 1
    return m


def macro_f1(y_true: Sequence[int], y_pred: Sequence[int], labels: Sequence[int] | None = None) -> float:
    """Mean F1 over `labels` (default: the classes present in y_true); predictions outside them count as errors."""
    y_true, y_pred = list(y_true), list(y_pred)
    labels = sorted(set(y_true)) if labels is None else list(labels)
    scores = []
    for c in labels:
        tp = sum(1 for t, p in zip(y_true, y_pred) if t == c and p == c)
        fp = sum(1 for t, p in zip(y_true, y_pred) if t != c and p == c)
        fn = sum(1 for t, p in zip(y_true, y_pred) if t == c and p != c)
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else float("nan")


def accuracy(y_true: Sequence[int], y_pred: Sequence[int]) -> float:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float((y_true == y_pred).mean()) if len(y_true) else float("nan")


def pearson(a: Sequence[float], b: Sequence[float]) -> float:
    """Pearson r over pairs where both are finite; NaN with fewer than 3 pairs or no variance."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    if len(a) < 3 or a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def save_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, default=float) + "\n")


def grads_finite(params: Iterable[torch.Tensor]) -> bool:
    """Whether every gradient is finite. A step whose backward produced NaN or inf is skipped rather than
    written into the weights (seen rarely on CPU in musicnn's fine-tuning; each skip is counted in the log)."""
    return all(bool(torch.isfinite(p.grad).all()) for p in params if p.grad is not None)
