"""The from-scratch audio side (the paper preset, and the "no pretraining" ablation). Trains the ResNet-50-topology encoder and the audio-only head on 6 s
log-mel crops of 4Q, MIREX (previews and MIDI renders), EMOPIA renders and VGMIDI renders, with the
log-mel augmentations of model.data.augment.

    /usr/bin/python3 -m model.train_audio_resnet [--steps N]

Starts from the stage (a) checkpoint (text side kept as is) and writes model/checkpoints/stage_audio.pt.
Crops inherit clip labels; VGMIDI crops get the listeners' curve averaged over the window.
Valence/arousal loss: squared error for continuous labels; for sign-only labels (quadrants,
clusters) a squared hinge that asks for the right sign with a margin of SIGN_MARGIN, so clip-level
signs do not force every window to the extremes.
"""
from __future__ import annotations

from . import train_common  # noqa: F401  first: sets OMP_WAIT_POLICY before torch loads

import argparse
import math

import numpy as np
import torch

from . import audio
from .model import EmotionModel, load_checkpoint, save_checkpoint
from .train_common import (STAGE_PATHS, RunLog, TrainingDataError, accuracy, device, load_tokenizer, lr_at,
                           macro_f1, masked_ce, pearson, set_lr, setup, studio_config)

BATCH = 32
SIGN_MARGIN = 0.5
SOURCE_WEIGHTS = {"4q": 0.36, "mirex": 0.28, "emopia": 0.22, "vgmidi": 0.14}  # real audio first
AUGMENT_P = 0.8  # share of crops that get a random augmentation chain
EVAL_HOP_FRAMES = 128  # validation windows every 2 s (model/evaluate.py uses 0.5 s)


def va_loss(pred: torch.Tensor, target: torch.Tensor, is_sign: torch.Tensor) -> torch.Tensor:
    """pred/target (B, 2); is_sign (B,) bool. NaN targets are skipped."""
    ok = torch.isfinite(target)
    if not bool(ok.any()):
        return pred.sum() * 0.0
    t = torch.nan_to_num(target)
    sign_err = torch.relu(SIGN_MARGIN - torch.sign(t) * pred) ** 2
    cont_err = (pred - t) ** 2
    err = torch.where(is_sign[:, None], sign_err, cont_err)
    return err[ok].mean()


def load_items(split: str, log: RunLog | None = None):
    """Cached music items of a split, or a clear error naming the command that builds the cache."""
    from .data import load_music

    try:
        items = load_music(split)
    except FileNotFoundError as e:
        raise TrainingDataError(f"music cache for {split} is missing: run python3 -m model.prepare_data ({e})") from e
    if not items:
        raise TrainingDataError(f"no cached music items in the {split} split: run python3 -m model.prepare_data")
    for it in items:
        if it.log_mel.ndim != 2 or it.log_mel.shape[0] != audio.N_MELS or not np.isfinite(it.log_mel[:, :64]).all():
            raise TrainingDataError(f"unreadable audio cache for {it.id}: expected finite ({audio.N_MELS}, T) log-mel, "
                                    f"got {it.log_mel.shape}")
    if log:
        by = {}
        for it in items:
            by[it.source] = by.get(it.source, 0) + 1
        log.log(f"{split}: {len(items)} items " + ", ".join(f"{k} {v}" for k, v in sorted(by.items())))
    return items


def mel_statistics(items, rng: np.random.Generator, n: int = 300) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-mel mean and std over a sample of training items (the encoder's input normalisation)."""
    picks = rng.choice(len(items), size=min(n, len(items)), replace=False)
    frames = np.concatenate([np.asarray(items[i].log_mel, dtype=np.float32) for i in picks], axis=1)  # (64, N)
    return torch.from_numpy(frames.mean(axis=1)), torch.from_numpy(frames.std(axis=1))


class CropSampler:
    """Random 6 s crops with labels, sources mixed by SOURCE_WEIGHTS, augmented with AUGMENT_P."""

    def __init__(self, items, rng: np.random.Generator, augment: bool = True):
        self.by_source = {}
        for it in items:
            self.by_source.setdefault(it.source, []).append(it)
        self.sources = [s for s in SOURCE_WEIGHTS if s in self.by_source]
        if not self.sources:
            raise TrainingDataError("no training items from any music set")
        p = np.array([SOURCE_WEIGHTS[s] for s in self.sources])
        self.p, self.rng, self.augment = p / p.sum(), rng, augment

    def sample(self):
        from .data import augment as A
        from .data import crop, random_crop

        src = self.sources[self.rng.choice(len(self.sources), p=self.p)]
        pool = self.by_source[src]
        for _ in range(10):  # a VGMIDI crop may miss the annotated measures: draw again
            item = pool[self.rng.integers(len(pool))]
            mel, lab = random_crop(item, self.rng, n_frames=audio.WINDOW_FRAMES)
            if np.isfinite(lab.valence) or lab.polarity >= 0:
                break
        if self.augment and self.rng.random() < AUGMENT_P:
            mel = crop(A.random_augment(mel, self.rng, A.AugmentConfig()), 0, audio.WINDOW_FRAMES)
        return mel, lab, item

    def batch(self, size: int) -> dict[str, torch.Tensor]:
        mels, va, sign, pol, cl = [], [], [], [], []
        for _ in range(size):
            mel, lab, item = self.sample()
            mels.append(mel)
            va.append([lab.valence, lab.arousal])
            sign.append(lab.kind == "sign")
            pol.append(lab.polarity)
            cl.append(item.cluster - 1 if item.cluster > 0 else -1)
        return {"mel": torch.from_numpy(np.stack(mels).astype(np.float32)),
                "va": torch.tensor(va, dtype=torch.float32), "sign": torch.tensor(sign),
                "polarity": torch.tensor(pol), "cluster": torch.tensor(cl)}


def windows(item, hop: int = EVAL_HOP_FRAMES) -> tuple[np.ndarray, np.ndarray]:
    """All 6 s windows of an item every `hop` frames (at least one): (W, 64, 384) and start frames."""
    from .data import crop

    starts = np.arange(0, max(1, item.n_frames - audio.WINDOW_FRAMES + 1), hop)
    return np.stack([crop(item.log_mel, int(s), audio.WINDOW_FRAMES) for s in starts]).astype(np.float32), starts


@torch.no_grad()
def audio_window_outputs(model: EmotionModel, mels: np.ndarray, batch: int = 64) -> dict[str, np.ndarray]:
    """Audio-only head on windows (W, 64, 384): polarity probabilities, V/A, cluster logits, frame states."""
    model.eval()
    outs = {"polarity": [], "va": [], "cluster": [], "frames": []}
    for i in range(0, len(mels), batch):
        frames = model.encode_audio(torch.from_numpy(mels[i:i + batch]))
        head = model.audio_head(frames.mean(dim=1))
        outs["polarity"].append(torch.softmax(head["polarity"], -1))
        outs["va"].append(head["va"])
        outs["cluster"].append(head["cluster"])
        outs["frames"].append(frames)
    return {k: torch.cat(v).numpy() for k, v in outs.items()}


def clip_predictions(model: EmotionModel, items, hop: int = EVAL_HOP_FRAMES) -> list[dict]:
    """Clip-level audio-only readings: the mean over the clip's windows."""
    res = []
    for it in items:
        mels, _ = windows(it, hop)
        o = audio_window_outputs(model, mels)
        res.append({"item": it, "va": o["va"].mean(0), "polarity": o["polarity"].mean(0), "cluster": o["cluster"].mean(0)})
    return res


def quadrant_of(va) -> int:
    v, a = float(va[0]), float(va[1])
    return (1 if a >= 0 else 4) if v >= 0 else (2 if a >= 0 else 3)


def validate(model: EmotionModel, val_items) -> dict[str, float]:
    """4Q quadrant macro-F1, MIREX polarity F1, EMOPIA accuracy (piano renders), VGMIDI window valence r."""
    out = {}
    q4 = clip_predictions(model, [it for it in val_items if it.source == "4q"])
    out["4q_f1"] = macro_f1([r["item"].quadrant for r in q4], [quadrant_of(r["va"]) for r in q4], labels=[1, 2, 3, 4])
    mx = clip_predictions(model, [it for it in val_items if it.source == "mirex" and it.variant == "audio"])
    out["mirex_polarity_f1"] = macro_f1([r["item"].polarity for r in mx], [int(r["polarity"].argmax()) for r in mx])
    em = clip_predictions(model, [it for it in val_items if it.source == "emopia" and it.variant == "piano"])
    out["emopia_acc"] = accuracy([r["item"].quadrant for r in em], [quadrant_of(r["va"]) for r in em])
    out["score"] = np.nanmean([out["4q_f1"], out["mirex_polarity_f1"], out["emopia_acc"]])
    return out


def train(steps: int, seed: int = 1) -> None:
    rng = setup(seed)
    log = RunLog("audio")
    tok = load_tokenizer()
    model, ckpt = load_checkpoint(STAGE_PATHS["text"], expected=studio_config(tok))
    dev = device()
    train_items, val_items = load_items("train", log), load_items("val", log)
    mean, std = mel_statistics(train_items, rng)
    model.audio_encoder.set_normalisation(mean, std)
    model.to(dev)
    sampler = CropSampler(train_items, rng)
    params = list(model.audio_encoder.parameters()) + list(model.audio_head.parameters())
    opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=0.05)
    best, best_state = -math.inf, None
    eval_every = max(1, steps // 10)
    for step in range(steps):
        model.train()
        set_lr(opt, lr_at(step, steps, 2e-3, max(1, steps // 20)))
        b = sampler.batch(BATCH)
        frames = model.encode_audio(b["mel"].to(dev))
        head = model.audio_head(frames.mean(dim=1))
        l_va = va_loss(head["va"], b["va"].to(dev), b["sign"].to(dev))
        l_pol = masked_ce(head["polarity"], b["polarity"].to(dev))
        l_cl = masked_ce(head["cluster"], b["cluster"].to(dev))
        loss = 2.0 * l_va + l_pol + 0.5 * l_cl
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 2.0)
        opt.step()
        if step % 25 == 0:
            log.record(phase="audio", step=step, loss=float(loss), va_loss=float(l_va), polarity_loss=float(l_pol),
                       cluster_loss=float(l_cl))
        if (step + 1) % eval_every == 0 or step == steps - 1:
            metrics = validate(model, val_items)
            log.record(phase="audio-val", step=step, **metrics)
            log.log(f"step {step + 1}/{steps} loss {float(loss):.3f} val " +
                    " ".join(f"{k} {v:.3f}" for k, v in metrics.items()))
            if metrics["score"] > best:
                best, best_state = metrics["score"], {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    history = {**ckpt.get("history", {}), "audio": log.history}
    seconds = {**ckpt.get("stage_seconds", {}), "audio": round(log.seconds)}
    save_checkpoint(STAGE_PATHS["audio"], model.cpu(), history=history, stage_seconds=seconds)
    log.log(f"best val score {best:.3f}; wrote {STAGE_PATHS['audio']} in {log.seconds / 60:.1f} min")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    train(args.steps, args.seed)


if __name__ == "__main__":
    main()
