"""Evaluates the trained studio model on the held-out TEST split (grouped by song) and writes
model/card/metrics.json, the PNG figures in model/card/, and the metrics section of model/CARD.md.

    /usr/bin/python3 -m model.evaluate [--checkpoint PATH]

Clip-level readings are the mean over the clip's 6 s windows (hop 0.5 s), cut from the states of the
whole clip as the bridge's offline path does (the tagger features cached by model.features). The ablation models (stage (c) retrained without one module,
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
from .features import FeatureStore, item_features
from .train_audio import item_states, window_states
from .train_fusion import (ABLATION_DIR, ABLATIONS, TEXT_DROP_RATIOS, WindowSet, fused_clip_readings, token_states,
                           unusable_states)
from .train_text import lyric_chunks

CARD_DIR = MODEL_DIR / "card"
CARD_PATH = MODEL_DIR / "CARD.md"
METRICS_PATH = CARD_DIR / "metrics.json"
EVAL_HOP = 32  # 0.5 s between test windows
ROBUST_TEXT_DROPS = (0.0, 0.4, 0.8, 1.0)
ROBUST_SNR_DB = (None, 20.0, 10.0, 0.0)
POL_NAMES = ("negative", "neutral", "positive")


@torch.no_grad()
def state_windows(model: EmotionModel, items, store: FeatureStore, hop: int = 1
                  ) -> tuple[torch.Tensor, np.ndarray, list[np.ndarray]]:
    """Every 6 s window (every `hop` states = 0.5 s) of every item, from the item's cached tagger features
    through the adapter as the bridge's offline path does: frame states (N, 12, D), owner index (N,), and
    each item's window start frames."""
    frames, owner, starts_of = [], [], []
    for k, it in enumerate(items):
        w, starts = window_states(item_states(model, store.get(it)), hop)
        frames.append(w)
        owner.extend([k] * len(w))
        starts_of.append(starts * audio.ENCODER_STRIDE)
    return torch.cat(frames), np.asarray(owner), starts_of


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


def mirex_test_set(model: EmotionModel, tok, items, rng, store: FeatureStore) -> WindowSet:
    """Every 0.5 s window of the MIREX previews as frozen features (lyric chunks with their token-drop variants)."""
    from .train_fusion import lyric_variants

    frames, owner, _ = state_windows(model, items, store)
    return WindowSet(frames, owner, items, lyric_variants(model, tok, items, rng),
                     token_states(model, [[model.config.cls_id, model.config.sep_id]])[0], unusable_states(model, rng))


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


@torch.no_grad()
def noisy_frames(model: EmotionModel, items, snr_db: float, seed: int) -> torch.Tensor:
    """state_windows of the items after white noise at snr_db over each whole item (musicnn rerun on it)."""
    from .data import augment as A

    rng = np.random.default_rng(seed)
    out = []
    for it in items:
        mel = np.asarray(A.add_noise(np.asarray(it.log_mel, np.float32), snr_db, rng, color="white"), np.float32)
        out.append(window_states(item_states(model, item_features(model.audio_encoder.musicnn, mel)))[0])
    return torch.cat(out)


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
    store = FeatureStore("tuned")
    heads = {}
    for name in ("4q", "emopia", "vgmidi"):
        frames, owner, starts = state_windows(model, by[name], store)
        h = audio_head(model, frames)
        heads[name] = (h, owner, starts)
        log.log(f"{name}: {len(by[name])} items, {len(frames)} windows")
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
    ws = mirex_test_set(model, tok, mx, rng, store)
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
        frames = ws.frames if snr is None else noisy_frames(model, mx, snr, seed)
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

    # the product's checks: silence, calibration of both single heads, spliced lyric-vs-music conflicts
    metrics["silence"] = silence_readings(model)
    q4p = per_item_mean(heads["4q"][0]["polarity"], heads["4q"][1], len(by["4q"]))
    metrics["calibration"] = {
        "audio_only_4q": calibration(q4p, np.array([it.polarity for it in by["4q"]])),
        "audio_only_mirex": calibration(np.stack([audio_read[it.id]["polarity"] for it in with_lyrics]),
                                        np.array([it.polarity for it in with_lyrics])),
        "lyrics_only_mirex": calibration(np.stack([lyric_read[it.id]["polarity"] for it in with_lyrics]),
                                         np.array([it.polarity for it in with_lyrics]))}
    metrics["spliced_conflicts"] = spliced_conflicts(model, tok, by["4q"], with_lyrics, np.random.default_rng(seed))
    log.log(f"silence {metrics['silence']}; spliced {metrics['spliced_conflicts']}")
    metrics["pretrained"] = ckpt.get("pretrained")
    metrics["tune_validation"] = ckpt.get("tune_validation")
    metrics["audio_validation"] = ckpt.get("audio_validation")
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


# ---- checks the product relies on: silence, calibration, spliced conflicts -----------------------------

CONFLICT_THRESHOLD = 0.15  # presets/analysis/default.json conflictThreshold
SPLICE_PAIRS = 12  # spliced test songs per lyric polarity


def disagreement(a: np.ndarray, b: np.ndarray) -> float:
    """bridge/analysis/conflicts.ts: mass on opposite polarities minus mass on the same, floored at 0."""
    return max(0.0, min(1.0, a[0] * b[2] + a[2] * b[0] - (a[0] * b[0] + a[2] * b[2])))


def label_of(p: np.ndarray) -> int:
    return int(np.argmax(p))


def is_conflict(lyrics_p: np.ndarray, audio_p: np.ndarray) -> bool:
    """The bridge's rule: opposite labels and a disagreement at or above the default threshold."""
    opposite = {label_of(lyrics_p), label_of(audio_p)} == {0, 2}
    return opposite and disagreement(lyrics_p, audio_p) >= CONFLICT_THRESHOLD


@torch.no_grad()
def silence_readings(model: EmotionModel) -> dict[str, dict[str, list[float]]]:
    """Fused and audio-only polarity of a 6 s window of digital silence and of hiss at -90/-70/-50 dBFS, no lyrics."""
    from .data import augment as A

    rng = np.random.default_rng(0)
    floor = np.log(audio.LOG_FLOOR)
    cases = {"digital silence": np.full((audio.N_MELS, audio.WINDOW_FRAMES), floor, np.float32)}
    for db in (-90, -70, -50):
        level = np.log(10.0 ** (db / 10.0) * 512)
        cases[f"white noise {db} dBFS"] = np.asarray(
            A.add_noise(np.full((audio.N_MELS, audio.WINDOW_FRAMES), level, np.float32), 0.0, rng), np.float32)
    model.eval()
    ids = torch.tensor([[model.config.cls_id, model.config.sep_id]])
    tokens = model.encode_text(ids, torch.ones_like(ids))["token_states"]
    out = {}
    for name, mel in cases.items():
        f = model.fuse(model.encode_audio(torch.from_numpy(mel)[None]), tokens, torch.ones_like(ids))
        out[name] = {"fused": torch.softmax(f["polarity"], -1)[0].tolist(),
                     "audio": torch.softmax(f["audio_polarity"], -1)[0].tolist(), "va": f["va"][0].tolist()}
    return out


def calibration(probs: np.ndarray, truth: np.ndarray, bins: int = 5) -> dict[str, float]:
    """Binary negative-vs-positive calibration of clip readings: expected calibration error of
    P(positive | not neutral), and each class's recall (sad music called negative as often as happy positive?)."""
    p_pos = probs[:, 2] / np.maximum(probs[:, 0] + probs[:, 2], 1e-9)
    y = (truth == 2).astype(float)
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (p_pos >= lo) & ((p_pos < hi) | (hi == 1.0))
        if sel.any():
            ece += sel.mean() * abs(p_pos[sel].mean() - y[sel].mean())
    pred = np.where(p_pos >= 0.5, 2, 0)
    return {"n": int(len(y)), "ece": float(ece),
            "negative_recall": float((pred[truth == 0] == 0).mean()) if (truth == 0).any() else float("nan"),
            "positive_recall": float((pred[truth == 2] == 2).mean()) if (truth == 2).any() else float("nan")}


@torch.no_grad()
def spliced_conflicts(model: EmotionModel, tok, q4_items, lyric_items, rng: np.random.Generator) -> dict:
    """Spliced test songs: 30 s of a happy 4Q test clip (Q1/Q4) and 30 s of a sad one (Q2/Q3), in random
    order, the splice at the section boundary, under one lyric chunk that the lyrics-only head reads most
    clearly positive or negative (MIREX test lyrics). The conflict must be flagged in the half whose music
    contradicts the words, and not in the other half. The audio of each half is the mean of the audio-only
    head over the windows centred in it, computed through musicnn on the spliced log-mel."""
    from .train_fusion import lyric_chunks

    chunks = [c for it in lyric_items for c in lyric_chunks(it.lyrics, tok)]
    ids, mask = pad_ids([tok.encode(c) for c in chunks])
    probs = torch.softmax(model.encode_text(ids, mask)["lyrics_polarity"], -1).numpy()
    happy_q = [it for it in q4_items if it.quadrant in (1, 4)]
    sad_q = [it for it in q4_items if it.quadrant in (2, 3)]
    results = {"positive lyrics": [], "negative lyrics": []}
    half = 30 * audio.FRAMES_PER_SECOND
    for lyric_label, key in ((2, "positive lyrics"), (0, "negative lyrics")):
        order = np.argsort(-probs[:, lyric_label])[:SPLICE_PAIRS]
        for n, c in enumerate(order):
            happy, sad = happy_q[rng.integers(len(happy_q))], sad_q[rng.integers(len(sad_q))]
            first_happy = bool(rng.integers(2))
            parts = [happy, sad] if first_happy else [sad, happy]
            mel = np.concatenate([np.asarray(p.log_mel[:, :half], np.float32) for p in parts], axis=1)
            cut = parts[0].log_mel[:, :half].shape[1]
            states = item_states(model, item_features(model.audio_encoder.musicnn, mel))
            w, starts = window_states(states)
            ap = torch.softmax(model.audio_head(w.mean(dim=1))["polarity"], -1).numpy()
            centres = starts * audio.ENCODER_STRIDE + audio.WINDOW_FRAMES // 2
            halves = [ap[centres < cut].mean(0), ap[centres >= cut].mean(0)]
            flags = [is_conflict(probs[c], h) for h in halves]
            # the contradicting half is the sad one under positive words, the happy one under negative words
            contradicting = (1 if first_happy else 0) if lyric_label == 2 else (0 if first_happy else 1)
            results[key].append({"right_half_flagged": flags[contradicting], "other_half_flagged": flags[1 - contradicting]})
    summary = {}
    for key, rs in results.items():
        summary[key] = {"n": len(rs), "flagged_in_right_half": sum(r["right_half_flagged"] for r in rs),
                        "flagged_in_other_half": sum(r["other_half_flagged"] for r in rs),
                        "exactly_right": sum(r["right_half_flagged"] and not r["other_half_flagged"] for r in rs)}
    return summary
