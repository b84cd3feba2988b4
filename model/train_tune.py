"""Stage (b1): the pretrained tagger, fine-tuned. Loads the published musicnn weights (checksummed,
../shared/pretrained) into the audio encoder, then trains musicnn (at a twentieth of the learning
rate), the state adapter and the audio-only head end to end on augmented 6 s log-mel crops of 4Q,
MIREX (previews and MIDI renders), EMOPIA and VGMIDI piano renders.

    /usr/bin/python3 -m model.train_tune [--steps N] [--teacher essentia-msd-musicnn]

Starts from the stage (a) checkpoint (text side kept as is) and writes model/runs/stage_tune.pt.
The validation before the first step (the published weights, frozen, with a head trained for a few
steps) and after the last are both logged, so the card can say what fine-tuning changed.
"""
from __future__ import annotations

from . import train_common  # noqa: F401  first: sets OMP_WAIT_POLICY before torch loads

import argparse
import math

import numpy as np
import torch

from . import audio
from .config import PRESETS
from .features import item_features
from .model import EmotionModel, load_checkpoint, save_checkpoint
from .modules.taggers import PretrainedWeightsError, load_into
from .pretrained import PRETRAINED, load_pretrained, pretrained_root
from .train_audio import TUNE_VARIANTS, validate
from .train_audio_resnet import CropSampler, load_items, va_loss
from .train_common import STAGE_PATHS, RunLog, grads_finite, load_tokenizer, lr_at, masked_ce, set_lr, setup, studio_config

BATCH = 12
MUSICNN_LR_SCALE = 0.05
PEAK_LR = 1e-3
WARM_HEAD_STEPS = 150  # the adapter and head alone first, so fine-tuning starts from a sensible head
DEFAULT_TEACHER = PRESETS["studio"].tagger  # the tagger the shipped model is built on (checked in train)
VAL_SOURCES = ("4q", "mirex")  # validation here runs musicnn on whole clips: the real-audio sets only


def load_teacher_weights(model: EmotionModel, name: str) -> dict:
    """Copies the published tagger into model.audio_encoder.musicnn; returns its provenance."""
    if name != model.config.tagger:
        raise PretrainedWeightsError(f"teacher {name!r} is not the tagger the model is built on ({model.config.tagger!r}, ModelConfig.tagger)")
    tagger, _ = load_pretrained(name)
    path = pretrained_root() / PRETRAINED[name].path
    load_into(model.audio_encoder.musicnn, tagger.state_dict(), path)
    entry = PRETRAINED[name]
    return {"name": name, "file": entry.path, "sha256": entry.sha256, "trained_on": entry.trained_on,
            "licence": entry.licence}


def val_features(model: EmotionModel, items):
    """A features_of(item) for validation: musicnn (as it is now) over each whole item, memoised per call."""
    memo: dict[str, np.ndarray] = {}
    musicnn = model.audio_encoder.musicnn.eval()

    def features_of(item):
        if item.id not in memo:
            memo[item.id] = item_features(musicnn, np.asarray(item.log_mel, np.float32))
        return memo[item.id]
    return features_of


def step_loss(model: EmotionModel, b: dict[str, torch.Tensor]) -> torch.Tensor:
    head = model.audio_head(model.encode_audio(b["mel"]).mean(dim=1))
    return 2.0 * va_loss(head["va"], b["va"], b["sign"]) + masked_ce(head["polarity"], b["polarity"]) \
        + 0.3 * masked_ce(head["cluster"], b["cluster"])


def train(steps: int, teacher: str, seed: int = 5) -> None:
    rng = setup(seed)
    log = RunLog("tune")
    tok = load_tokenizer()
    model, ckpt = load_checkpoint(STAGE_PATHS["text"], expected=studio_config(tok))
    provenance = load_teacher_weights(model, teacher)
    log.log(f"audio encoder starts from {provenance['file']} ({provenance['trained_on']})")
    train_items = [it for it in load_items("train", log) if it.variant in TUNE_VARIANTS]
    val_items = [it for it in load_items("val", log) if it.source in VAL_SOURCES and it.variant == "audio"]
    sampler = CropSampler(train_items, rng)
    enc = model.audio_encoder
    head_params = list(enc.adapter.parameters()) + list(model.audio_head.parameters())
    opt = torch.optim.AdamW([{"params": head_params, "lr_scale": 1.0},
                             {"params": enc.musicnn.tunable_parameters(), "lr_scale": MUSICNN_LR_SCALE}],
                            lr=PEAK_LR, weight_decay=0.01)
    for p in enc.musicnn.parameters():
        p.requires_grad_(False)
    total = WARM_HEAD_STEPS + steps
    scores, skipped = {}, 0
    for step in range(total):
        if step == WARM_HEAD_STEPS:  # published weights, frozen, with a warmed-up head: the baseline
            scores["frozen"] = validate(model, val_items, val_features(model, val_items))
            log.record(phase="tune-val", step=step, **scores["frozen"])
            log.log("frozen tagger: " + " ".join(f"{k} {v:.3f}" for k, v in scores["frozen"].items()))
            for p in enc.musicnn.tunable_parameters():
                p.requires_grad_(True)
        model.train()
        warm = step < WARM_HEAD_STEPS
        set_lr(opt, lr_at(step if warm else step - WARM_HEAD_STEPS, WARM_HEAD_STEPS if warm else steps,
                          PEAK_LR, max(1, (WARM_HEAD_STEPS if warm else steps) // 10)))
        b = sampler.batch(BATCH)
        loss = step_loss(model, b)
        opt.zero_grad()
        loss.backward()
        params = [p for g in opt.param_groups for p in g["params"]]
        if not torch.isfinite(loss) or not grads_finite(params):
            skipped += 1
            continue
        torch.nn.utils.clip_grad_norm_(params, 2.0)
        opt.step()
        if step % 10 == 0:
            log.record(phase="tune", step=step, loss=float(loss))
        if step % 50 == 0:
            log.log(f"step {step + 1}/{total} loss {float(loss):.3f} (steps skipped for non-finite gradients: {skipped})")
    scores["tuned"] = validate(model, val_items, val_features(model, val_items))
    log.record(phase="tune-val", step=total, **scores["tuned"])
    log.log("fine-tuned: " + " ".join(f"{k} {v:.3f}" for k, v in scores["tuned"].items()))
    history = {**ckpt.get("history", {}), "tune": log.history}
    seconds = {**ckpt.get("stage_seconds", {}), "tune": round(log.seconds)}
    save_checkpoint(STAGE_PATHS["tune"], model, history=history, stage_seconds=seconds, pretrained=provenance,
                    tune_validation=scores)
    log.log(f"wrote {STAGE_PATHS['tune']} in {log.seconds / 60:.1f} min")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--teacher", default=DEFAULT_TEACHER, choices=sorted(k for k, v in PRETRAINED.items()
                                                                           if v.arch.endswith("musicnn")))
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    train(args.steps, args.teacher, args.seed)


if __name__ == "__main__":
    main()
