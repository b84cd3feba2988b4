"""Evaluates the trained studio model on the held-out TEST split (grouped by song) and writes
model/card/metrics.json, the PNG figures in model/card/, and the metrics section of model/CARD.md.

    /usr/bin/python3 -m model.evaluate [--checkpoint PATH]

Clip-level readings are the mean over the clip's 6 s windows (hop 0.5 s), each window encoded on
its own as the bridge does live. The ablation models (stage (c) retrained without one module,
encoders frozen) come from model/train_fusion.py, in model/runs/ablations/.
"""
from __future__ import annotations

from . import train_common  # noqa: F401  first: sets OMP_WAIT_POLICY before torch loads

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from . import audio
from .data.labels import quadrant_from_va
from .model import EmotionModel, load_checkpoint
from .train_audio import load_items
from .train_common import (MODEL_DIR, STAGE_PATHS, RunLog, accuracy, load_tokenizer, macro_f1, pad_ids, pearson,
                           save_json, setup, studio_config)
from .train_fusion import (ABLATION_DIR, ABLATIONS, TEXT_DROP_RATIOS, WindowSet, frame_states, fused_clip_readings,
                           token_states, unusable_audio)
from .train_text import lyric_chunks

CARD_DIR = MODEL_DIR / "card"
CARD_PATH = MODEL_DIR / "CARD.md"
METRICS_PATH = CARD_DIR / "metrics.json"
EVAL_HOP = 32  # 0.5 s between test windows
ROBUST_TEXT_DROPS = (0.0, 0.4, 0.8, 1.0)
ROBUST_SNR_DB = (None, 20.0, 10.0, 0.0)
POL_NAMES = ("negative", "neutral", "positive")


def test_windows(items, hop: int = EVAL_HOP) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Every window of every item: mels (N, 64, 384), owner index (N,), and each item's start frames."""
    from .data import crop
    from .data.music import window_starts

    mels, owner, starts_of = [], [], []
    for k, it in enumerate(items):
        starts = window_starts(it.n_frames, audio.WINDOW_FRAMES, hop)
        starts_of.append(np.asarray(starts))
        for s in starts:
            mels.append(crop(it.log_mel, s, audio.WINDOW_FRAMES))
            owner.append(k)
    return np.stack(mels).astype(np.float32), np.asarray(owner), starts_of


@torch.no_grad()
def audio_head(model: EmotionModel, frames: torch.Tensor, batch: int = 256) -> dict[str, np.ndarray]:
    """Audio-only head on per-window frame states (N, 12, D)."""
    outs = {"polarity": [], "va": [], "cluster": []}
    for i in range(0, len(frames), batch):
        h = model.audio_head(frames[i:i + batch].mean(dim=1))
        outs["polarity"].append(torch.softmax(h["polarity"], -1))
        outs["va"].append(h["va"])
        outs["cluster"].append(h["cluster"])
    return {k: torch.cat(v).numpy() for k, v in outs.items()}


def per_item_mean(values: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    return np.stack([values[owner == k].mean(axis=0) for k in range(n)])


def quadrant_metrics(items, va: np.ndarray) -> dict[str, float]:
    """4-class accuracy / macro-F1 and V/A sign accuracy of clip-level (V, A) against quadrants."""
    true = [it.quadrant for it in items]
    pred = [quadrant_from_va(float(v), float(a)) for v, a in va]
    tv = np.array([1 if q in (1, 4) else -1 for q in true])
    ta = np.array([1 if q in (1, 2) else -1 for q in true])
    return {"n": len(items), "accuracy": accuracy(true, pred), "macro_f1": macro_f1(true, pred, labels=[1, 2, 3, 4]),
            "valence_sign_accuracy": float((np.sign(va[:, 0] + 1e-12) == tv).mean()),
            "arousal_sign_accuracy": float((np.sign(va[:, 1] + 1e-12) == ta).mean())}


def vgmidi_curves(items, va_windows: np.ndarray, owner: np.ndarray, starts_of) -> dict:
    """Per-measure predicted V/A (mean of the windows centred in the measure) vs the listeners' curves."""
    per_piece, pooled_p, pooled_t, examples = [], [], [], []
    for k, it in enumerate(items):
        c = it.curve
        centres = (starts_of[k] + audio.WINDOW_FRAMES / 2) / audio.FRAMES_PER_SECOND
        pred = va_windows[owner == k]
        rows = []
        for m in range(len(c.valence)):
            inside = (centres >= c.boundaries[m]) & (centres < c.boundaries[m + 1])
            if inside.any() and np.isfinite(c.valence[m]):
                rows.append((pred[inside, 0].mean(), pred[inside, 1].mean(), c.valence[m], c.arousal[m]))
        if len(rows) < 3:
            continue
        r = np.asarray(rows)
        per_piece.append((pearson(r[:, 0], r[:, 2]), pearson(r[:, 1], r[:, 3])))
        pooled_p.append(r[:, :2])
        pooled_t.append(r[:, 2:])
        examples.append((it.id, r))
    pp, pt = np.concatenate(pooled_p), np.concatenate(pooled_t)
    pr = np.asarray(per_piece, dtype=np.float64)
    return {"pieces": len(per_piece), "measures": int(len(pp)),
            "per_piece_r_valence_mean": float(np.nanmean(pr[:, 0])), "per_piece_r_arousal_mean": float(np.nanmean(pr[:, 1])),
            "pooled_r_valence": pearson(pp[:, 0], pt[:, 0]), "pooled_r_arousal": pearson(pp[:, 1], pt[:, 1]),
            "_examples": examples}


def mirex_test_set(model: EmotionModel, tok, items, rng) -> tuple[WindowSet, np.ndarray]:
    """Every 0.5 s window of the MIREX previews as frozen features (lyric chunks with their token-drop
    variants), plus the windows' log-mels for the noise tests."""
    from .train_fusion import lyric_variants

    mels, owner, _ = test_windows(items)
    ws = WindowSet(frame_states(model, mels), owner, items, lyric_variants(model, tok, items, rng),
                   token_states(model, [[model.config.cls_id, model.config.sep_id]])[0],
                   frame_states(model, unusable_audio(rng)))
    return ws, mels


def lyrics_only(model: EmotionModel, tok, items) -> dict[str, dict[str, np.ndarray]]:
    """Lyrics-only head per clip: the mean over the song's lyric chunks."""
    out = {}
    for it in items:
        chunks = lyric_chunks(it.lyrics, tok)
        ids, mask = pad_ids([tok.encode(c) for c in chunks])
        with torch.no_grad():
            t = model.encode_text(ids, mask)
        out[it.id] = {"polarity": torch.softmax(t["lyrics_polarity"], -1).mean(0).numpy(),
                      "va": t["lyrics_va"].mean(0).numpy(), "cluster": t["lyrics_cluster"].mean(0).numpy()}
    return out


def readings_scores(items, readings: dict) -> dict[str, float]:
    true_p = [it.polarity for it in items]
    pred_p = [int(readings[it.id]["polarity"].argmax()) for it in items]
    true_c = [it.cluster for it in items]
    pred_c = [int(readings[it.id]["cluster"].argmax()) + 1 for it in items]
    return {"polarity_macro_f1": macro_f1(true_p, pred_p), "polarity_accuracy": accuracy(true_p, pred_p),
            "cluster_macro_f1": macro_f1(true_c, pred_c, labels=[1, 2, 3, 4, 5]), "cluster_accuracy": accuracy(true_c, pred_c),
            "n": len(items)}


def noisy(mels: np.ndarray, snr_db: float, seed: int) -> np.ndarray:
    from .data import augment as A

    rng = np.random.default_rng(seed)
    return np.stack([A.add_noise(m, snr_db, rng, color="white") for m in mels]).astype(np.float32)


def evaluate(checkpoint: Path, seed: int = 3) -> dict:
    rng = setup(seed)
    log = RunLog("evaluate")
    tok = load_tokenizer()
    model, ckpt = load_checkpoint(checkpoint, expected=studio_config(tok))
    model.eval()
    test = load_items("test", log)
    metrics: dict = {"split": "grouped by song, model/splits.json"}

    # audio-only: 4Q, EMOPIA, VGMIDI, and the MIREX previews
    by = {"4q": [it for it in test if it.source == "4q"],
          "emopia": [it for it in test if it.source == "emopia" and it.variant == "piano"],
          "vgmidi": [it for it in test if it.source == "vgmidi" and it.variant == "piano"],
          "mirex": [it for it in test if it.source == "mirex" and it.variant == "audio"]}
    heads = {}
    for name in ("4q", "emopia", "vgmidi"):
        mels, owner, starts = test_windows(by[name])
        h = audio_head(model, frame_states(model, mels))
        heads[name] = (h, owner, starts)
        log.log(f"{name}: {len(by[name])} items, {len(mels)} windows")
    h, owner, _ = heads["4q"]
    va4 = per_item_mean(h["va"], owner, len(by["4q"]))
    metrics["4q"] = quadrant_metrics(by["4q"], va4)
    pol4 = per_item_mean(h["polarity"], owner, len(by["4q"])).argmax(1)
    metrics["4q"]["polarity_macro_f1"] = macro_f1([it.polarity for it in by["4q"]], pol4)
    metrics["4q"]["window_accuracy"] = accuracy([by["4q"][k].quadrant for k in owner],
                                                [quadrant_from_va(float(v), float(a)) for v, a in h["va"]])
    h, owner, _ = heads["emopia"]
    metrics["emopia"] = quadrant_metrics(by["emopia"], per_item_mean(h["va"], owner, len(by["emopia"])))
    h, owner, starts = heads["vgmidi"]
    metrics["vgmidi"] = vgmidi_curves(by["vgmidi"], h["va"], owner, starts)
    examples = metrics["vgmidi"].pop("_examples")

    # MIREX: audio-only, lyrics-only, fused, on the previews with lyrics
    mx = by["mirex"]
    ws, mirex_mels = mirex_test_set(model, tok, mx, rng)
    with_lyrics = [it for it in mx if it.lyrics]
    ah = audio_head(model, ws.frames)
    audio_read = {it.id: {k: ah[k][ws.item_index == i].mean(0) for k in ah} for i, it in enumerate(mx)}
    fused_read = fused_clip_readings(model, ws)
    lyric_read = lyrics_only(model, tok, with_lyrics)
    metrics["mirex"] = {"audio_only": readings_scores(with_lyrics, audio_read),
                        "lyrics_only": readings_scores(with_lyrics, lyric_read),
                        "fused": readings_scores(with_lyrics, fused_read),
                        "fused_all_previews_no_lyrics_where_missing": readings_scores(mx, fused_read),
                        "audio_only_all_previews": readings_scores(mx, audio_read),
                        "cluster_method": "cluster heads (5-way softmax) on each representation, trained with CE on MIREX clusters"}
    log.log("mirex: " + str({k: round(v["polarity_macro_f1"], 3) for k, v in metrics["mirex"].items() if isinstance(v, dict)}))

    # text: EmoBank test (lyrics-only path), polarity over every text test set
    from .data import load_text
    from .train_text import predict_text, build_examples
    from .data import load_lexicon

    lex = load_lexicon()
    eb = build_examples(load_text("test", sources=("emobank",)), tok, lex)
    p = predict_text(model, eb)
    metrics["emobank"] = {"n": len(eb), "r_valence": pearson(p["va"][:, 0], [e.valence for e in eb]),
                          "r_arousal": pearson(p["va"][:, 1], [e.arousal for e in eb])}
    texts = [e for e in build_examples(load_text("test"), tok, lex) if e.polarity >= 0]
    pt = predict_text(model, texts)["polarity"].argmax(1)
    metrics["text_polarity"] = {"n": len(texts), "macro_f1": macro_f1([e.polarity for e in texts], pt)}
    for src in sorted({e.source for e in texts}):
        sel = [i for i, e in enumerate(texts) if e.source == src]
        metrics["text_polarity"][f"{src}_macro_f1"] = macro_f1([texts[i].polarity for i in sel], pt[sel])

    # robustness: lyric tokens dropped, audio noise (fused polarity F1 on MIREX previews with lyrics)
    rob_text = {}
    for r in ROBUST_TEXT_DROPS:
        if r == 1.0:
            read = fused_clip_readings(model, ws, use_lyrics=False)
        else:
            read = fused_clip_readings(model, ws, ratio_index=TEXT_DROP_RATIOS.index(r))
        rob_text[f"{int(r * 100)}%"] = readings_scores(with_lyrics, read)["polarity_macro_f1"]
    rob_audio = {}
    for snr in ROBUST_SNR_DB:
        frames = ws.frames if snr is None else frame_states(model, noisy(mirex_mels, snr, seed))
        read = fused_clip_readings(model, ws, frames_override=frames)
        ah = audio_head(model, frames)
        aread = {it.id: {k: ah[k][ws.item_index == i].mean(0) for k in ah} for i, it in enumerate(mx)}
        key = "clean" if snr is None else f"{int(snr)} dB"
        rob_audio[key] = {"fused": readings_scores(with_lyrics, read)["polarity_macro_f1"],
                          "audio_only": readings_scores(with_lyrics, aread)["polarity_macro_f1"]}
    metrics["robustness"] = {"lyric_tokens_dropped": rob_text, "audio_noise_snr": rob_audio,
                             "set": f"MIREX test previews with lyrics (n={len(with_lyrics)}), fused polarity macro-F1"}
    log.log(f"robustness: {metrics['robustness']}")

    # ablations: stage (c) retrained by train_fusion.py without each module (and in full), same budget
    found = {name: ABLATION_DIR / f"{name}.pt" for name in ABLATIONS if (ABLATION_DIR / f"{name}.pt").is_file()}
    if found:
        results, steps = {}, None
        for name, path in found.items():
            m, extra = load_checkpoint(path, expected=replace(model.config, **ABLATIONS[name]))
            steps = extra.get("steps")
            results["full" if name == "full" else f"without {name.removeprefix('no_').replace('_', ' ')}"] = \
                readings_scores(with_lyrics, fused_clip_readings(m.eval(), ws))
        metrics["ablations"] = {"steps": steps, "results": results}
    else:
        log.log(f"no ablation checkpoints in {ABLATION_DIR}: run python3 -m model.train_fusion first; table skipped")

    metrics["training"] = ckpt.get("training", {})
    metrics["stage_seconds"] = ckpt.get("stage_seconds", {})
    metrics["evaluate_seconds"] = round(log.seconds)
    save_json(METRICS_PATH, metrics)
    from .evaluate_card import write_card

    write_card(metrics, ckpt.get("history", {}), examples)
    log.log(f"wrote {METRICS_PATH} and {CARD_PATH} in {log.seconds / 60:.1f} min")
    return metrics


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", type=Path, default=STAGE_PATHS["fusion"])
    args = parser.parse_args(argv)
    evaluate(args.checkpoint)


if __name__ == "__main__":
    main()
