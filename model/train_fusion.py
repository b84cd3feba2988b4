"""Stage (c): cross-modal fusion and the fused heads, with both encoders frozen.

    /usr/bin/python3 -m model.train_fusion [--steps N]
    /usr/bin/python3 -m model.train_fusion --ablation no_cross_attention   # ablation, not shipped

Frame states of 6 s windows (the frozen adapter over the fine-tuned tagger's cached features) and
token states of lyric chunks are computed once with the frozen encoders (clean and noised features; lyric chunks whole and with 40 % / 80 % of their tokens
dropped), then only the fusion module and fused head train: cheap enough to rerun per ablation.
Training pairs: MIREX windows with a random chunk of the song's lyrics, and windows of every set
with no lyrics ([CLS] [SEP], as the bridge passes for instrumental passages). Modality dropout:
a lyric pair loses its lyrics with P_DROP_TEXT, and its audio (replaced by the states of silence or
noise) with P_DROP_AUDIO; the target stays the song's label, so the fused head learns to lean on
whichever modality is usable.

Writes model/checkpoints/studio.pt (the shipped model) or, for an ablation, returns its test
readings to model/evaluate.py.
"""
from __future__ import annotations

from . import train_common  # noqa: F401  first: sets OMP_WAIT_POLICY before torch loads

import argparse
import math
from dataclasses import dataclass, replace

import numpy as np
import torch

from . import audio
from .model import EmotionModel, load_checkpoint, save_checkpoint
from .features import FeatureStore
from .data.records import NEUTRAL
from .train_audio import (FEATURE_NOISE, SILENCE_TARGET, STATES, TUNE_VARIANTS, item_states, load_items,
                          unusable_features, va_loss)
from .train_common import (RUNS_DIR, STAGE_PATHS, RunLog, TrainingDataError, device, empty_lyrics, load_tokenizer, lr_at,
                           macro_f1, masked_ce, pad_ids, set_lr, setup, studio_config)
from .train_text import lyric_chunks

BATCH = 64
P_DROP_TEXT = 0.3
P_DROP_AUDIO = 0.1
P_UNUSABLE = 0.06  # windows of silence or hiss with no lyrics: they read neutral and calm, as the audio head does
TEXT_DROP_RATIOS = (0.0, 0.4, 0.8)  # token-drop variants computed per lyric chunk
MIREX_HOP = 3  # states: MIREX windows every 1.5 s (each also gets a noised copy when training)
OTHER_WINDOWS = 6  # windows at random starts per item of the sets without lyrics
ABLATION_DIR = RUNS_DIR / "ablations"  # git-ignored: evaluation reads them, they are not shipped
ABLATIONS = {"full": {}, "no_cross_attention": {"use_cross_attention": False},
             "no_self_attention": {"use_self_attention": False}, "no_transformer": {"use_transformer": False}}


@dataclass
class WindowSet:
    """Frozen-encoder features of one split: windows and the lyric chunks of their songs."""

    frames: torch.Tensor  # (N, 12, D) frame states per window
    item_index: np.ndarray  # (N,) which item each window comes from
    items: list  # MusicItem per index
    lyrics: dict  # clip id -> list over chunks of list over TEXT_DROP_RATIOS of (L, D) token states
    empty: torch.Tensor  # (2, D) token states of [CLS] [SEP]
    unusable: torch.Tensor  # (K, 12, D) frame states of silence and noise

    def __post_init__(self) -> None:
        self.with_lyrics = np.flatnonzero([self.items[k].clip in self.lyrics for k in self.item_index])


def drop_tokens(ids: list[int], ratio: float, rng: np.random.Generator) -> list[int]:
    """Removes round(ratio * n) of the n inner tokens at random, keeping [CLS] and [SEP]."""
    inner = ids[1:-1]
    n_drop = int(round(ratio * len(inner)))
    if n_drop == 0:
        return list(ids)
    keep = np.sort(rng.choice(len(inner), size=len(inner) - n_drop, replace=False))
    return [ids[0]] + [inner[i] for i in keep] + [ids[-1]]


@torch.no_grad()
def token_states(model: EmotionModel, seqs: list[list[int]], batch: int = 64) -> list[torch.Tensor]:
    """Frozen text encoder: each id list -> its (L, D) token states (padding removed)."""
    model.eval()
    out = []
    for i in range(0, len(seqs), batch):
        ids, mask = pad_ids(seqs[i:i + batch])
        ts = model.encode_text(ids, mask)["token_states"]
        out.extend(ts[j, :len(s)].clone() for j, s in enumerate(seqs[i:i + batch]))
    return out


@torch.no_grad()
def frame_states(model: EmotionModel, mels: np.ndarray, batch: int = 16) -> torch.Tensor:
    """Frozen audio encoder on (N, n_mels, 384) log-mel windows -> (N, 12, D) (musicnn runs on each)."""
    model.eval()
    return torch.cat([model.encode_audio(torch.from_numpy(mels[i:i + batch])) for i in range(0, len(mels), batch)])


@torch.no_grad()
def unusable_states(model: EmotionModel, rng: np.random.Generator) -> torch.Tensor:
    """(K, 12, D) frame states of windows with no usable music: digital silence and hiss."""
    model.eval()
    return model.audio_encoder.from_features(unusable_features(model, rng))


def lyric_variants(model: EmotionModel, tokenizer, items, rng: np.random.Generator) -> dict:
    """clip id -> chunks -> token-drop variants -> (L, D) token states; empty lyrics are an error."""
    seqs, keys, seen = [], [], set()
    for it in items:
        if it.lyrics is None or it.clip in seen:
            continue
        seen.add(it.clip)
        chunks = lyric_chunks(it.lyrics, tokenizer)
        if not chunks:
            raise TrainingDataError(f"lyrics of {it.clip} are empty: expected at least one non-blank line")
        for c, text in enumerate(chunks):
            ids = tokenizer.encode(text)
            for r in TEXT_DROP_RATIOS:
                seqs.append(drop_tokens(ids, r, rng))
                keys.append((it.clip, (c, r)))
    states = token_states(model, seqs)
    out: dict = {}
    for (clip, (c, r)), s in zip(keys, states):
        chunks = out.setdefault(clip, [])
        while len(chunks) <= c:
            chunks.append([])
        chunks[c].append(s)
    return out


def build_windows(model: EmotionModel, tokenizer, items, rng: np.random.Generator, augmented: bool,
                  log: RunLog | None = None, store: FeatureStore | None = None) -> WindowSet:
    """Frozen features of a split's items: the adapter over each item's cached tagger features, cut into
    12-state windows (MIREX every MIREX_HOP states, OTHER_WINDOWS random ones elsewhere); when training,
    each MIREX window also gets a copy computed from noised features."""
    store = store or FeatureStore("tuned")
    items = [it for it in items if it.variant in TUNE_VARIANTS and store.has(it)]
    model.eval()
    frames, owner = [], []
    with torch.no_grad():
        for k, it in enumerate(items):
            feats = np.asarray(store.get(it), np.float32)
            states = item_states(model, feats)
            last = len(states) - STATES + 1
            if it.source == "mirex":
                starts = range(0, last, MIREX_HOP)
            else:
                starts = np.sort(rng.choice(last, size=min(OTHER_WINDOWS, last), replace=False))
            noisy = None
            if augmented and it.source == "mirex":
                x = torch.from_numpy(feats)
                noisy = item_states(model, (x + 2 * FEATURE_NOISE * model.audio_encoder.adapter.feat_std
                                            * torch.randn_like(x)).numpy())
            for s in starts:
                s = int(s)
                frames.append(states[s:s + STATES])
                owner.append(k)
                if noisy is not None:
                    frames.append(noisy[s:s + STATES])
                    owner.append(k)
    empty = token_states(model, [empty_lyrics(model.config)])[0]
    lyrics = lyric_variants(model, tokenizer, items, rng)
    if log:
        log.log(f"features: {len(frames)} windows from {len(items)} items, lyrics for {len(lyrics)} songs")
    return WindowSet(torch.stack(frames), np.asarray(owner), items, lyrics, empty, unusable_states(model, rng))


def pad_states(states: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """(L_i, D) token states -> (B, L, D) zero-padded and the (B, L) mask."""
    n = max(s.shape[0] for s in states)
    out = torch.zeros(len(states), n, states[0].shape[1])
    mask = torch.zeros(len(states), n, dtype=torch.long)
    for i, s in enumerate(states):
        out[i, :len(s)] = s
        mask[i, :len(s)] = 1
    return out, mask


def targets_of(item) -> tuple[list[float], bool, int, int]:
    """Clip-level (V, A), whether they are signs, polarity and cluster (0..4 or -1)."""
    return [item.valence, item.arousal], item.label_kind == "sign", item.polarity, (item.cluster - 1 if item.cluster > 0 else -1)


def sample_batch(ws: WindowSet, rng: np.random.Generator, size: int) -> dict[str, torch.Tensor]:
    """Half the batch from lyric-bearing windows (MIREX with lyrics), half from all windows."""
    picks = np.concatenate([rng.choice(ws.with_lyrics, size // 2), rng.integers(len(ws.item_index), size=size - size // 2)])
    frames, texts, va, sign, pol, cl = [], [], [], [], [], []
    for w in picks:
        if rng.random() < P_UNUSABLE:
            frames.append(ws.unusable[rng.integers(len(ws.unusable))])
            texts.append(ws.empty)
            va.append(list(SILENCE_TARGET))
            sign.append(False)
            pol.append(NEUTRAL)
            cl.append(-1)
            continue
        item = ws.items[ws.item_index[w]]
        f = ws.frames[w]
        chunks = ws.lyrics.get(item.clip)
        if chunks and rng.random() >= P_DROP_TEXT:
            t = chunks[rng.integers(len(chunks))][rng.integers(len(TEXT_DROP_RATIOS))]
            if rng.random() < P_DROP_AUDIO:
                f = ws.unusable[rng.integers(len(ws.unusable))]
        else:
            t = ws.empty
        frames.append(f)
        texts.append(t)
        v, s, p, c = targets_of(item)
        if item.curve is not None:  # VGMIDI windows: the piece mean stands in for the window
            s = False
        va.append(v)
        sign.append(s)
        pol.append(p)
        cl.append(c)
    tokens, mask = pad_states(texts)
    return {"frames": torch.stack(frames), "tokens": tokens, "mask": mask, "va": torch.tensor(va, dtype=torch.float32),
            "sign": torch.tensor(sign), "polarity": torch.tensor(pol), "cluster": torch.tensor(cl)}


@torch.no_grad()
def fused_clip_readings(model: EmotionModel, ws: WindowSet, use_lyrics: bool = True, ratio_index: int = 0,
                        frames_override: torch.Tensor | None = None) -> dict[str, dict[str, np.ndarray]]:
    """Clip-level fused readings (mean over windows); window w of a song reads lyric chunk w mod n_chunks."""
    model.eval()
    frames = ws.frames if frames_override is None else frames_override
    per_clip: dict[str, list] = {}
    order = {}
    for w, k in enumerate(ws.item_index):
        order.setdefault(k, []).append(w)
    batch_f, batch_t, batch_k = [], [], []

    def flush():
        if not batch_f:
            return
        tokens, mask = pad_states(batch_t)
        out = model.fuse(torch.stack(batch_f), tokens, mask)
        for j, k in enumerate(batch_k):
            per_clip.setdefault(k, []).append({"polarity": torch.softmax(out["polarity"][j], -1).numpy(),
                                               "va": out["va"][j].numpy(), "cluster": out["cluster"][j].numpy()})
        batch_f.clear(), batch_t.clear(), batch_k.clear()

    for k, ws_idx in order.items():
        item = ws.items[k]
        chunks = ws.lyrics.get(item.clip) if use_lyrics else None
        for n, w in enumerate(ws_idx):
            batch_f.append(frames[w])
            batch_t.append(chunks[n % len(chunks)][ratio_index] if chunks else ws.empty)
            batch_k.append(k)
            if len(batch_f) == 128:
                flush()
    flush()
    return {ws.items[k].id: {name: np.mean([r[name] for r in rs], axis=0) for name in ("polarity", "va", "cluster")}
            for k, rs in per_clip.items()}


def validate(model: EmotionModel, ws: WindowSet) -> dict[str, float]:
    """MIREX (previews with lyrics): fused polarity F1 and 5-cluster F1; everything: fused polarity F1."""
    readings = fused_clip_readings(model, ws)
    items = {it.id: it for it in ws.items}
    lyr = [i for i in readings if items[i].source == "mirex" and items[i].clip in ws.lyrics and items[i].variant == "audio"]
    out = {"mirex_polarity_f1": macro_f1([items[i].polarity for i in lyr], [int(readings[i]["polarity"].argmax()) for i in lyr]),
           "mirex_cluster_f1": macro_f1([items[i].cluster - 1 for i in lyr], [int(readings[i]["cluster"].argmax()) for i in lyr],
                                        labels=range(5))}
    lab = [i for i in readings if items[i].polarity >= 0]
    out["all_polarity_f1"] = macro_f1([items[i].polarity for i in lab], [int(readings[i]["polarity"].argmax()) for i in lab])
    out["score"] = (2 * out["mirex_polarity_f1"] + out["mirex_cluster_f1"] + out["all_polarity_f1"]) / 4
    return out


def train_fusion(base: EmotionModel, train_ws: WindowSet, val_ws: WindowSet, steps: int, seed: int,
                 log: RunLog, ablation: str = "full") -> EmotionModel:
    """Builds a model with the ablation's switches, copies the frozen encoders from base, trains fusion + fused head."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    model = EmotionModel(replace(base.config, **ABLATIONS[ablation]))
    state = {k: v for k, v in base.state_dict().items() if not k.startswith(("fusion.", "fused_head."))}
    model.load_state_dict(state, strict=False)
    params = list(model.fusion.parameters()) + list(model.fused_head.parameters())
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.05)
    best, best_state = -math.inf, None
    eval_every = max(1, steps // 10)
    for step in range(steps):
        model.train()
        model.audio_head.eval()  # frozen single-modality heads feed the late mix: no dropout in them
        model.lyrics_head.eval()
        set_lr(opt, lr_at(step, steps, 1e-3, max(1, steps // 20)))
        b = sample_batch(train_ws, rng, BATCH)
        fused = model.fuse(b["frames"], b["tokens"], b["mask"])
        l_pol = masked_ce(fused["polarity"], b["polarity"])
        l_guided = masked_ce(fused["polarity_us"], b["polarity"]) + masked_ce(fused["polarity_su"], b["polarity"])
        l_va = va_loss(fused["va"], b["va"], b["sign"])
        l_cl = masked_ce(fused["cluster"], b["cluster"])
        loss = l_pol + 0.5 * l_guided + 2.0 * l_va + 0.5 * l_cl
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if step % 25 == 0:
            log.record(phase=f"fusion-{ablation}", step=step, loss=float(loss), polarity_loss=float(l_pol),
                       va_loss=float(l_va), cluster_loss=float(l_cl))
        if (step + 1) % eval_every == 0 or step == steps - 1:
            metrics = validate(model, val_ws)
            log.record(phase=f"fusion-{ablation}-val", step=step, **metrics)
            log.log(f"[{ablation}] step {step + 1}/{steps} loss {float(loss):.3f} val " +
                    " ".join(f"{k} {v:.3f}" for k, v in metrics.items()))
            if metrics["score"] > best:
                best, best_state = metrics["score"], {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    log.log(f"[{ablation}] best val score {best:.3f}")
    return model.eval()


def load_stage(seed: int, log: RunLog):
    """The stage (b) model and the frozen features of the train and val splits."""
    rng = setup(seed)
    tok = load_tokenizer()
    base, ckpt = load_checkpoint(STAGE_PATHS["audio"], expected=studio_config(tok))
    base.eval()
    train_ws = build_windows(base, tok, load_items("train", log), rng, augmented=True, log=log)
    val_ws = build_windows(base, tok, load_items("val", log), rng, augmented=False, log=log)
    return base, ckpt, tok, train_ws, val_ws


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--ablation-steps", type=int, default=300,
                        help="steps for each ablation and for the full model trained the same way (0: none)")
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args(argv)
    log = RunLog("fusion")
    base, ckpt, _, train_ws, val_ws = load_stage(args.seed, log)
    model = train_fusion(base, train_ws, val_ws, args.steps, args.seed, log)
    history = {**ckpt.get("history", {}), "fusion": [r for r in log.history if r["phase"].startswith("fusion-full")]}
    seconds = {**ckpt.get("stage_seconds", {}), "fusion": round(log.seconds)}
    save_checkpoint(STAGE_PATHS["fusion"], model, history=history, stage_seconds=seconds,
                    **{k: ckpt[k] for k in ("pretrained", "tune_validation", "audio_validation") if k in ckpt})
    log.log(f"wrote {STAGE_PATHS['fusion']} in {log.seconds / 60:.1f} min")
    if args.ablation_steps > 0:  # same features, same budget for all four: a fair comparison
        ABLATION_DIR.mkdir(parents=True, exist_ok=True)
        for name in ABLATIONS:
            m = train_fusion(base, train_ws, val_ws, args.ablation_steps, args.seed, log, ablation=name)
            save_checkpoint(ABLATION_DIR / f"{name}.pt", m, ablation=name, steps=args.ablation_steps)
        log.log(f"ablations written to {ABLATION_DIR} after {log.seconds / 60:.1f} min")


if __name__ == "__main__":
    main()
