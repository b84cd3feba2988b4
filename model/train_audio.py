"""Stage (b2): the audio side on the fine-tuned encoder's cached features. Trains the state adapter
and the audio-only head on 12-state (6 s) windows of every music set, so that a window's reading
follows the music inside a piece:

- clip labels (4Q quadrants, MIREX clusters, EMOPIA quadrants: signs, squared hinge with a margin)
  and VGMIDI's per-measure listener curves averaged over the window (squared error), plus a
  within-piece term: for two windows of one VGMIDI piece, the difference of the readings must follow
  the difference of the curve;
- spliced windows: the first k states from one clip, the rest from a clip of another quadrant, the
  targets the state-weighted mix of the two (a change inside a window moves the reading);
- silence and near-silence windows (digital silence, hiss at -90 to -50 dBFS) read neutral;
- polarity classes balanced per set (the audio head must call sad music as readily as happy music).

    /usr/bin/python3 -m model.train_audio [--steps N]

Starts from the stage (b1) checkpoint; writes model/runs/stage_audio.pt.
"""
from __future__ import annotations

from . import train_common  # noqa: F401  first: sets OMP_WAIT_POLICY before torch loads

import argparse
import math

import numpy as np
import torch

from . import audio
from .data.records import NEGATIVE, NEUTRAL, POSITIVE, polarity_from_valence
from .features import FeatureStore
from .model import EmotionModel, load_checkpoint, save_checkpoint
from .train_audio_resnet import load_items, quadrant_of, va_loss  # noqa: F401  (re-exported)
from .train_common import (STAGE_PATHS, RunLog, TrainingDataError, accuracy, grads_finite, load_tokenizer, lr_at, macro_f1,
                           masked_ce, pearson, set_lr, setup, studio_config)

STATES = audio.WINDOW_FRAMES // audio.ENCODER_STRIDE  # 12 states = one 6 s window
BATCH = 128
SOURCE_WEIGHTS = {"4q": 0.34, "mirex": 0.26, "emopia": 0.16, "vgmidi": 0.24}
P_SPLICE = 0.25
P_SILENCE = 0.04
SPLICE_SIGN_VALUE = 0.6  # a sign-only label counts as +-0.6 inside a spliced window's mixed target
SILENCE_TARGET = (0.0, -0.5)  # valence neutral, arousal calm
FEATURE_NOISE = 0.05  # Gaussian noise on the (layer-normalised) features, as augmentation
WITHIN_PIECE_PAIRS = 16  # VGMIDI window pairs per batch for the within-piece term
TUNE_VARIANTS = ("audio", "midi", "piano")


def usable(items, store: FeatureStore):
    return [it for it in items if it.variant in TUNE_VARIANTS and store.has(it)]


@torch.no_grad()
def unusable_features(model: EmotionModel, rng: np.random.Generator) -> torch.Tensor:
    """(K, 12, 1506) pooled features of windows without music: digital silence and quiet to loud hiss."""
    from .data import augment as A

    floor = np.log(audio.LOG_FLOOR)
    silence = np.full((audio.N_MELS, audio.WINDOW_FRAMES), floor, np.float32)
    mels = [silence]
    # white/pink noise whose mel power sits 10..40 dB above the floor of 1e-10: near-silent hiss
    for level_db in (-90.0, -70.0, -50.0):
        level = np.log(10.0 ** (level_db / 10.0) * 512)  # per-band power of noise at that level, roughly
        for color in ("white", "pink"):
            mels.append(np.asarray(A.add_noise(np.full_like(silence, level), 0.0, rng, color=color), np.float32))
    model.audio_encoder.eval()
    return model.audio_encoder.pooled_features(torch.from_numpy(np.stack(mels)))


def _label_values(lab) -> tuple[float, float]:
    """A window label as numbers for mixing: sign labels become +-SPLICE_SIGN_VALUE."""
    scale = SPLICE_SIGN_VALUE if lab.kind == "sign" else 1.0
    return lab.valence * scale, lab.arousal * scale


class WindowSampler:
    """Random 12-state windows of cached features with their targets (see the module docstring)."""

    def __init__(self, items, store: FeatureStore, silence: torch.Tensor, rng: np.random.Generator):
        self.store, self.rng, self.silence = store, rng, silence.numpy().astype(np.float32)
        self.by_source: dict[str, dict[int, list]] = {}
        for it in items:
            pol = it.polarity if it.curve is None else -2  # curve pieces: no clip polarity to balance
            self.by_source.setdefault(it.source, {}).setdefault(pol, []).append(it)
        self.sources = [s for s in SOURCE_WEIGHTS if s in self.by_source]
        if not self.sources:
            raise TrainingDataError("no music items with cached features: run python3 -m model.features")
        p = np.array([SOURCE_WEIGHTS[s] for s in self.sources])
        self.p = p / p.sum()
        self.signed = [it for it in items if it.label_kind == "sign" and it.quadrant > 0]

    def _item(self, source: str):
        groups = self.by_source[source]
        keys = [k for k in groups if k != -1] or list(groups)
        group = groups[keys[self.rng.integers(len(keys))]]  # classes balanced within the set
        return group[self.rng.integers(len(group))]

    def _window(self, item, start: int | None = None) -> tuple[np.ndarray, int]:
        f = self.store.get(item)
        hi = max(len(f) - STATES, 0)
        if item.curve is not None:  # stay inside the annotated measures
            end = int(item.curve.boundaries[-1] * 2)
            hi = max(min(hi, end - STATES), 0)
        s = int(self.rng.integers(0, hi + 1)) if start is None else start
        out = np.empty((STATES, f.shape[1]), np.float32)
        got = np.asarray(f[s:s + STATES], np.float32)
        out[:len(got)] = got
        out[len(got):] = self.silence[0, 0]  # past the end: silence
        return out, s

    def sample(self) -> tuple[np.ndarray, tuple[float, float], bool, int, int]:
        """features (12, 1506), (V, A) target, is_sign, polarity, cluster."""
        from .data import window_labels

        r = self.rng.random()
        if r < P_SILENCE:
            k = self.rng.integers(len(self.silence))
            return self.silence[k], SILENCE_TARGET, False, NEUTRAL, -1
        src = self.sources[self.rng.choice(len(self.sources), p=self.p)]
        for _ in range(10):
            item = self._item(src)
            feats, s = self._window(item)
            lab = window_labels(item, s * audio.ENCODER_STRIDE, audio.WINDOW_FRAMES)
            if np.isfinite(lab.valence) or lab.polarity >= 0:
                break
        if r < P_SILENCE + P_SPLICE and item.quadrant > 0 and self.signed:
            other = self.signed[self.rng.integers(len(self.signed))]
            if other.quadrant != item.quadrant:
                f2, s2 = self._window(other)
                lab2 = window_labels(other, s2 * audio.ENCODER_STRIDE, audio.WINDOW_FRAMES)
                k = int(self.rng.integers(2, STATES - 1))  # states from the first clip
                feats = np.concatenate([feats[:k], f2[k:]])
                (v1, a1), (v2, a2) = _label_values(lab), _label_values(lab2)
                w = k / STATES
                v, a = w * v1 + (1 - w) * v2, w * a1 + (1 - w) * a2
                return feats, (v, a), False, polarity_from_valence(v), -1
        cluster = item.cluster - 1 if item.cluster > 0 else -1
        return feats, (lab.valence, lab.arousal), lab.kind == "sign", lab.polarity, cluster

    def pairs(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """n pairs of windows of one VGMIDI piece: features (n, 2, 12, 1506), targets (n, 2, 2)."""
        from .data import window_labels

        pieces = [it for g in self.by_source.get("vgmidi", {}).values() for it in g]
        if not pieces:
            return np.zeros((0, 2, STATES, 1)), np.zeros((0, 2, 2)), np.zeros(0, bool)
        feats, targets = [], []
        for _ in range(n):
            item = pieces[self.rng.integers(len(pieces))]
            pair, tg = [], []
            for _ in range(2):
                f, s = self._window(item)
                lab = window_labels(item, s * audio.ENCODER_STRIDE, audio.WINDOW_FRAMES)
                pair.append(f)
                tg.append([lab.valence, lab.arousal])
            feats.append(pair)
            targets.append(tg)
        return np.asarray(feats, np.float32), np.asarray(targets, np.float32), np.ones(n, bool)

    def batch(self, size: int) -> dict[str, torch.Tensor]:
        rows = [self.sample() for _ in range(size)]
        return {"features": torch.from_numpy(np.stack([r[0] for r in rows])),
                "va": torch.tensor([r[1] for r in rows], dtype=torch.float32),
                "sign": torch.tensor([r[2] for r in rows]), "polarity": torch.tensor([r[3] for r in rows]),
                "cluster": torch.tensor([r[4] for r in rows])}


def item_states(model: EmotionModel, features: np.ndarray) -> torch.Tensor:
    """(S, 1506) cached features of one item -> (max(S, 12), D) frame states (adapter over the whole item)."""
    f = torch.from_numpy(np.asarray(features, np.float32))
    if len(f) < STATES:
        f = torch.cat([f, f.new_full((STATES - len(f), f.shape[1]), float(f.min()) if len(f) else 0.0)])
    return model.audio_encoder.from_features(f[None])[0]


def window_states(states: torch.Tensor, hop: int = 1) -> tuple[torch.Tensor, np.ndarray]:
    """(S, D) -> every 12-state window every `hop` states: (W, 12, D) and start states (W,)."""
    starts = np.arange(0, len(states) - STATES + 1, hop)
    return torch.stack([states[s:s + STATES] for s in starts]), starts


@torch.no_grad()
def audio_readings(model: EmotionModel, items, features_of, hop: int = 1) -> list[dict]:
    """Per item: window readings of the audio head (polarity probabilities, V/A) and their start states."""
    model.eval()
    out = []
    for it in items:
        w, starts = window_states(item_states(model, features_of(it)), hop)
        h = model.audio_head(w.mean(dim=1))
        out.append({"item": it, "starts": starts, "polarity": torch.softmax(h["polarity"], -1).numpy(),
                    "va": h["va"].numpy(), "cluster": h["cluster"].numpy()})
    return out


def curve_correlations(readings: list[dict]) -> dict[str, float]:
    """VGMIDI: mean over pieces of the Pearson r between window V/A and the listeners' window means."""
    from .data import window_labels

    rv, ra = [], []
    for r in readings:
        it = r["item"]
        if it.curve is None:
            continue
        labs = [window_labels(it, int(s) * audio.ENCODER_STRIDE, audio.WINDOW_FRAMES) for s in r["starts"]]
        tv, ta = np.array([l.valence for l in labs]), np.array([l.arousal for l in labs])
        rv.append(pearson(r["va"][:, 0], tv))
        ra.append(pearson(r["va"][:, 1], ta))
    return {"vgmidi_r_valence": float(np.nanmean(rv)) if rv else math.nan,
            "vgmidi_r_arousal": float(np.nanmean(ra)) if ra else math.nan}


def validate(model: EmotionModel, items, features_of) -> dict[str, float]:
    """4Q quadrant F1 (clip = mean of windows), MIREX audio polarity F1, EMOPIA accuracy, VGMIDI curve r."""
    out: dict[str, float] = {}
    q4 = audio_readings(model, [it for it in items if it.source == "4q"], features_of, hop=2)
    out["4q_f1"] = macro_f1([r["item"].quadrant for r in q4], [quadrant_of(r["va"].mean(0)) for r in q4],
                            labels=[1, 2, 3, 4])
    mx = audio_readings(model, [it for it in items if it.source == "mirex" and it.variant == "audio"], features_of, hop=2)
    out["mirex_polarity_f1"] = macro_f1([r["item"].polarity for r in mx],
                                        [int(r["polarity"].mean(0)[[NEGATIVE, POSITIVE]].argmax()) * 2 for r in mx],
                                        labels=[NEGATIVE, POSITIVE])
    em = audio_readings(model, [it for it in items if it.source == "emopia" and it.variant == "piano"], features_of, hop=4)
    out["emopia_acc"] = accuracy([r["item"].quadrant for r in em], [quadrant_of(r["va"].mean(0)) for r in em])
    vg = audio_readings(model, [it for it in items if it.source == "vgmidi" and it.variant == "piano"], features_of)
    out.update(curve_correlations(vg))
    curve = np.nanmean([out["vgmidi_r_valence"], out["vgmidi_r_arousal"]])
    out["score"] = float(np.nanmean([2 * out["4q_f1"], out["mirex_polarity_f1"], 0.5 * out["emopia_acc"], curve]) * 4 / 4.5)
    return out


def train(steps: int, seed: int = 4) -> None:
    rng = setup(seed)
    log = RunLog("audio")
    tok = load_tokenizer()
    model, ckpt = load_checkpoint(STAGE_PATHS["tune"], expected=studio_config(tok))
    store = FeatureStore("tuned")
    train_items, val_items = usable(load_items("train", log), store), usable(load_items("val", log), store)
    log.log(f"with features: train {len(train_items)}, val {len(val_items)} items")
    sampler = WindowSampler(train_items, store, unusable_features(model, rng), rng)
    enc = model.audio_encoder
    sample = np.concatenate([np.asarray(store.get(train_items[i]), np.float32)
                             for i in rng.choice(len(train_items), size=min(400, len(train_items)), replace=False)])
    enc.adapter.set_normalisation(torch.from_numpy(sample.mean(0)), torch.from_numpy(sample.std(0)))
    enc.adapter.apply(EmotionModel._init_weights)  # a fresh adapter and head for standardised features
    model.audio_head.apply(EmotionModel._init_weights)
    params = list(enc.adapter.parameters()) + list(model.audio_head.parameters())
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.05)
    best, best_state = -math.inf, None
    eval_every = max(1, steps // 8)
    for step in range(steps):
        model.train()
        set_lr(opt, lr_at(step, steps, 1e-3, max(1, steps // 20)))
        b = sampler.batch(BATCH)
        x = b["features"]
        x = x + FEATURE_NOISE * enc.adapter.feat_std * torch.randn_like(x)  # a twentieth of each feature's spread
        head = model.audio_head(enc.from_features(x).mean(dim=1))
        l_va = va_loss(head["va"], b["va"], b["sign"])
        l_pol = masked_ce(head["polarity"], b["polarity"])
        l_cl = masked_ce(head["cluster"], b["cluster"])
        pf, pt, _ = sampler.pairs(WITHIN_PIECE_PAIRS)
        l_within = head["va"].sum() * 0.0
        if len(pf):
            n = len(pf)
            va = model.audio_head(enc.from_features(torch.from_numpy(pf).flatten(0, 1)).mean(dim=1))["va"].view(n, 2, 2)
            d_pred, d_true = va[:, 0] - va[:, 1], torch.from_numpy(pt[:, 0] - pt[:, 1])
            ok = torch.isfinite(d_true)
            if bool(ok.any()):
                l_within = ((d_pred - torch.nan_to_num(d_true))[ok] ** 2).mean()
        loss = 2.0 * l_va + l_pol + 0.3 * l_cl + 2.0 * l_within
        opt.zero_grad()
        loss.backward()
        if not torch.isfinite(loss) or not grads_finite(params):
            log.log(f"step {step}: non-finite gradients, step skipped")
            continue
        torch.nn.utils.clip_grad_norm_(params, 2.0)
        opt.step()
        if step % 25 == 0:
            log.record(phase="audio", step=step, loss=float(loss), va_loss=float(l_va), polarity_loss=float(l_pol),
                       cluster_loss=float(l_cl), within_loss=float(l_within))
        if (step + 1) % eval_every == 0 or step == steps - 1:
            metrics = validate(model, val_items, store.get)
            log.record(phase="audio-val", step=step, **metrics)
            log.log(f"step {step + 1}/{steps} loss {float(loss):.3f} val " +
                    " ".join(f"{k} {v:.3f}" for k, v in metrics.items()))
            if metrics["score"] > best:
                best, best_state = metrics["score"], {k: v.detach().clone() for k, v in model.state_dict().items()}
                best_metrics = metrics
    model.load_state_dict(best_state)
    history = {**ckpt.get("history", {}), "audio": log.history}
    seconds = {**ckpt.get("stage_seconds", {}), "audio": round(log.seconds)}
    save_checkpoint(STAGE_PATHS["audio"], model, history=history, stage_seconds=seconds,
                    pretrained=ckpt.get("pretrained"), tune_validation=ckpt.get("tune_validation"), audio_validation=best_metrics)
    log.log(f"best val score {best:.3f}; wrote {STAGE_PATHS['audio']} in {log.seconds / 60:.1f} min")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args(argv)
    train(args.steps, args.seed)


if __name__ == "__main__":
    main()
