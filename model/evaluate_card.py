"""Figures (model/card/*.png) and the generated metrics section of model/CARD.md, from the numbers
model/evaluate.py measured. Everything between the GENERATED markers in CARD.md is rewritten."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .train_common import MODEL_DIR

CARD_DIR = MODEL_DIR / "card"
CARD_PATH = MODEL_DIR / "CARD.md"
BEGIN, END = "<!-- BEGIN:generated-metrics -->", "<!-- END:generated-metrics -->"


def _f(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _aim(value: float, aim: float) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    return "met" if value >= aim else f"missed by {aim - value:.3f}"


def plot_history(history: dict, path: Path) -> None:
    """One row per stage: training losses (left) and validation metrics (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stages = [s for s in ("text", "audio", "fusion") if s in history]
    fig, axes = plt.subplots(len(stages), 2, figsize=(11, 3.2 * len(stages)), squeeze=False)
    for row, stage in zip(axes, stages):
        recs = history[stage]
        train = [r for r in recs if not str(r.get("phase", "")).endswith("-val")]
        val = [r for r in recs if str(r.get("phase", "")).endswith("-val")]
        for phase in sorted({r["phase"] for r in train}):
            pts = [r for r in train if r["phase"] == phase]
            key = "mlm_loss" if phase == "mlm" else "loss"
            row[0].plot([r["step"] for r in pts], [r[key] for r in pts], label=f"{phase} {key}", lw=1)
        row[0].set_title(f"stage {stage}: training loss")
        row[0].set_xlabel("step")
        row[0].legend(fontsize=7)
        keys = sorted({k for r in val for k in r if k not in ("phase", "step", "seconds")})
        for phase in sorted({r["phase"] for r in val}):
            pts = [r for r in val if r["phase"] == phase]
            for k in keys:
                row[1].plot([r["step"] for r in pts], [r.get(k, np.nan) for r in pts], marker="o", ms=3,
                            label=f"{phase.replace('-val', '')} {k}" if len({r['phase'] for r in val}) > 1 else k)
        row[1].set_title(f"stage {stage}: validation (selects the kept weights)")
        row[1].set_xlabel("step")
        row[1].legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def plot_robustness(metrics: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rob = metrics["robustness"]
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.2))
    drops = rob["lyric_tokens_dropped"]
    a.plot(range(len(drops)), list(drops.values()), marker="o", label="fused")
    a.axhline(metrics["mirex"]["audio_only"]["polarity_macro_f1"], ls="--", c="gray", label="audio-only head")
    a.set_xticks(range(len(drops)), list(drops))
    a.set_xlabel("lyric tokens dropped")
    a.set_ylabel("polarity macro-F1")
    a.set_ylim(0, 1)
    a.legend(fontsize=7)
    noise = rob["audio_noise_snr"]
    b.plot(range(len(noise)), [v["fused"] for v in noise.values()], marker="o", label="fused")
    b.plot(range(len(noise)), [v["audio_only"] for v in noise.values()], marker="s", label="audio-only")
    b.set_xticks(range(len(noise)), list(noise))
    b.set_xlabel("white noise added (SNR)")
    b.set_ylim(0, 1)
    b.legend(fontsize=7)
    fig.suptitle("MIREX test previews with lyrics")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def plot_vgmidi(examples: list, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    chosen = sorted(examples, key=lambda e: -len(e[1]))[:3]
    if not chosen:
        return
    fig, axes = plt.subplots(len(chosen), 1, figsize=(9, 2.4 * len(chosen)), squeeze=False)
    for ax, (name, r) in zip(axes[:, 0], chosen):
        x = np.arange(len(r))
        ax.plot(x, r[:, 2], c="C0", label="listeners valence")
        ax.plot(x, r[:, 0], c="C0", ls="--", label="model valence")
        ax.plot(x, r[:, 3], c="C3", label="listeners arousal")
        ax.plot(x, r[:, 1], c="C3", ls="--", label="model arousal")
        ax.set_ylim(-1, 1)
        ax.set_title(name, fontsize=8)
        ax.set_xlabel("measure")
        ax.legend(fontsize=6, ncol=4)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def metrics_markdown(m: dict) -> str:
    q, mx, eb, em, vg = m["4q"], m["mirex"], m["emobank"], m["emopia"], m["vgmidi"]
    lines = [
        f"Measured on the held-out test split ({m['split']}). Clip-level = mean over the clip's 6 s windows every 0.5 s.",
        "",
        "| task | our result | published | our aim |",
        "|---|---|---|---|",
        f"| 4Q audio-only, 4-class macro-F1 (n={q['n']}) | **{_f(q['macro_f1'])}** (accuracy {_f(q['accuracy'])}) | 0.764 Panda 2018; 0.802 Louro 2024 | >= 0.80: {_aim(q['macro_f1'], 0.80)} |",
        f"| 4Q valence-sign / arousal-sign accuracy | {_f(q['valence_sign_accuracy'])} / {_f(q['arousal_sign_accuracy'])} | | |",
        f"| MIREX 5-cluster macro-F1, fused (n={mx['fused']['n']}) | **{_f(mx['fused']['cluster_macro_f1'])}** | 0.443 audio, 0.611 audio+MIDI+lyrics (Panda 2013) | >= 0.65: {_aim(mx['fused']['cluster_macro_f1'], 0.65)} |",
        f"| MIREX polarity macro-F1, fused | **{_f(mx['fused']['polarity_macro_f1'])}** | | >= 0.85: {_aim(mx['fused']['polarity_macro_f1'], 0.85)} |",
        f"| EMOPIA 4Q accuracy, piano renders (n={em['n']}) | **{_f(em['accuracy'])}** (macro-F1 {_f(em['macro_f1'])}) | 0.677 (short-chunk ResNet, real audio) | |",
        f"| EmoBank test Pearson r, valence / arousal (n={eb['n']}) | **{_f(eb['r_valence'])} / {_f(eb['r_arousal'])}** | 0.635 / 0.375 (no LM); 0.829 / 0.569 (RoBERTa-large) | >= 0.70 / 0.45: {_aim(eb['r_valence'], 0.70)} / {_aim(eb['r_arousal'], 0.45)} |",
        f"| VGMIDI per-measure curve r, valence / arousal (mean over {vg['pieces']} pieces) | {_f(vg['per_piece_r_valence_mean'])} / {_f(vg['per_piece_r_arousal_mean'])} (pooled over {vg['measures']} measures: {_f(vg['pooled_r_valence'])} / {_f(vg['pooled_r_arousal'])}) | | |",
        "",
        "### MIREX: does the fusion earn its place? (previews that have lyrics)",
        "",
        "| head | polarity macro-F1 | polarity accuracy | 5-cluster macro-F1 | 5-cluster accuracy |",
        "|---|---|---|---|---|",
    ]
    for name in ("audio_only", "lyrics_only", "fused"):
        r = mx[name]
        lines.append(f"| {name.replace('_', '-')} | {_f(r['polarity_macro_f1'])} | {_f(r['polarity_accuracy'])} | "
                     f"{_f(r['cluster_macro_f1'])} | {_f(r['cluster_accuracy'])} |")
    r = mx["fused_all_previews_no_lyrics_where_missing"]
    lines += [f"| fused, all {r['n']} test previews (instrumentals read with [CLS] [SEP]) | {_f(r['polarity_macro_f1'])} | "
              f"{_f(r['polarity_accuracy'])} | {_f(r['cluster_macro_f1'])} | {_f(r['cluster_accuracy'])} |",
              "", f"5 clusters: {mx['cluster_method']}.", "",
              "### Robustness (fused polarity macro-F1, MIREX test previews with lyrics)", "",
              "| lyric tokens dropped | " + " | ".join(m["robustness"]["lyric_tokens_dropped"]) + " |",
              "|---|" + "---|" * len(m["robustness"]["lyric_tokens_dropped"]),
              "| fused F1 | " + " | ".join(_f(v) for v in m["robustness"]["lyric_tokens_dropped"].values()) + " |",
              "", "| audio noise (white, SNR) | " + " | ".join(m["robustness"]["audio_noise_snr"]) + " |",
              "|---|" + "---|" * len(m["robustness"]["audio_noise_snr"]),
              "| fused F1 | " + " | ".join(_f(v["fused"]) for v in m["robustness"]["audio_noise_snr"].values()) + " |",
              "| audio-only F1 | " + " | ".join(_f(v["audio_only"]) for v in m["robustness"]["audio_noise_snr"].values()) + " |",
              "", "![robustness](card/robustness.png)", ""]
    if "ablations" in m:
        lines += [f"### Ablations (stage (c) retrained, {m['ablations']['steps']} steps each, encoders frozen; MIREX test previews with lyrics)", "",
                  "| model | polarity accuracy | polarity macro-F1 | 5-cluster macro-F1 |", "|---|---|---|---|"]
        shipped = m["mirex"]["fused"]
        lines.append(f"| shipped (full, longer training) | {_f(shipped['polarity_accuracy'])} | {_f(shipped['polarity_macro_f1'])} | {_f(shipped['cluster_macro_f1'])} |")
        for name, r in m["ablations"]["results"].items():
            lines.append(f"| {name} | {_f(r['polarity_accuracy'])} | {_f(r['polarity_macro_f1'])} | {_f(r['cluster_macro_f1'])} |")
        lines.append("")
    lines += product_checks_markdown(m)
    tp = m["text_polarity"]
    lines += [f"Text polarity macro-F1 over every text test set (n={tp['n']}): {_f(tp['macro_f1'])} ("
              + ", ".join(f"{k.replace('_macro_f1', '')} {_f(v)}" for k, v in tp.items() if k.endswith("_macro_f1") and k != "macro_f1") + ").",
              "", f"4Q extra: audio-only polarity macro-F1 {_f(q.get('polarity_macro_f1'))}, per-window quadrant accuracy {_f(q.get('window_accuracy'))}.",
              "", "### Training time (this machine, 2 shared CPU cores)", "",
              "| stage | minutes |", "|---|---|"]
    # train_all's wall time per stage (features and ablations included) where it ran; else each stage's own
    for k, v in (m.get("training", {}).get("stage_seconds") or m.get("stage_seconds", {})).items():
        lines.append(f"| {k} | {v / 60:.1f} |")
    if m.get("training", {}).get("seconds"):
        lines.append(f"| whole `npm run train` | {m['training']['seconds'] / 60:.1f} |")
    lines += ["", "![training curves](card/training.png)", "", "![VGMIDI curves](card/vgmidi.png)"]
    return "\n".join(lines)


def product_checks_markdown(m: dict) -> list[str]:
    """Silence, calibration, spliced conflicts and what the pretrained start did (validation), as card sections."""
    lines: list[str] = []
    if m.get("silence"):
        lines += ["### Silence and near-silence (one 6 s window, no lyrics)", "",
                  "| input | fused negative / neutral / positive | audio-only negative / neutral / positive | valence, arousal |",
                  "|---|---|---|---|"]
        for name, r in m["silence"].items():
            lines.append(f"| {name} | {' / '.join(_f(x, 2) for x in r['fused'])} | {' / '.join(_f(x, 2) for x in r['audio'])} | "
                         f"{_f(r['va'][0], 2)}, {_f(r['va'][1], 2)} |")
        lines.append("")
    if m.get("calibration"):
        lines += ["### Calibration of the single heads (clip readings, negative vs positive)", "",
                  "Conflicts come from the audio-only and lyrics-only heads, so both must call each side as readily. "
                  "ECE: expected calibration error of P(positive) over 5 bins.", "",
                  "| head, set | n | ECE | negative recall | positive recall |", "|---|---|---|---|---|"]
        for name, r in m["calibration"].items():
            lines.append(f"| {name.replace('_', ' ')} | {r['n']} | {_f(r['ece'])} | {_f(r['negative_recall'])} | {_f(r['positive_recall'])} |")
        lines.append("")
    if m.get("spliced_conflicts"):
        lines += ["### Spliced conflicts (our test material)", "",
                  "Each song: 30 s of a happy 4Q test clip (Q1/Q4) and 30 s of a sad one (Q2/Q3) in random order, one section "
                  "each, under the lyric chunk (MIREX test lyrics) the lyrics-only head reads most clearly positive or negative. "
                  f"A section is flagged as the bridge does: opposite labels and disagreement >= 0.15 (default preset).", "",
                  "| lyrics | songs | flagged in the half that contradicts them | flagged in the other half | exactly right |",
                  "|---|---|---|---|---|"]
        for name, r in m["spliced_conflicts"].items():
            lines.append(f"| {name} | {r['n']} | {r['flagged_in_right_half']} | {r['flagged_in_other_half']} | {r['exactly_right']} |")
        lines.append("")
    tv = m.get("tune_validation")
    if tv:
        lines += ["### Ablation of the pretrained parts (validation split, audio-only head)", "",
                  "| audio encoder | 4Q macro-F1 | MIREX polarity F1 |", "|---|---|---|"]
        for name, label in (("frozen", "published musicnn weights, frozen (head trained 150 steps)"),
                            ("tuned", "fine-tuned end to end (stage b1)")):
            if name in tv:
                lines.append(f"| {label} | {_f(tv[name]['4q_f1'])} | {_f(tv[name]['mirex_polarity_f1'])} |")
        av = m.get("audio_validation")
        if av:
            lines.append(f"| fine-tuned + stage (b2) on cached features (shipped) | {_f(av['4q_f1'])} | {_f(av['mirex_polarity_f1'])} |")
        lines += ["", "From scratch, on the same test split, the first-generation model (ResNet-50 topology, 16 wide, trained from "
                  "scratch on these sets, 64 mels) read 4Q macro-F1 0.577, valence/arousal sign 0.773 / 0.784, MIREX audio-only "
                  "polarity 0.475 and VGMIDI per-piece r 0.13 / 0.14.", ""]
    return lines


def write_card(metrics: dict, history: dict, vgmidi_examples: list) -> None:
    """PNG figures plus the generated section of CARD.md (created with markers if absent)."""
    CARD_DIR.mkdir(parents=True, exist_ok=True)
    if history:
        plot_history(history, CARD_DIR / "training.png")
    plot_robustness(metrics, CARD_DIR / "robustness.png")
    plot_vgmidi(vgmidi_examples, CARD_DIR / "vgmidi.png")
    text = CARD_PATH.read_text() if CARD_PATH.is_file() else f"# emolane-studio model card\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    CARD_PATH.write_text(f"{head}{BEGIN}\n{metrics_markdown(metrics)}\n{END}{tail}")
