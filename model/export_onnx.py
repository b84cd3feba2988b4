"""Exports the studio model to the three ONNX graphs of CONTRACT.md, writes model/manifest.json and
the parity references in model/parity/, then checks ONNX Runtime (Node) against PyTorch.

    /usr/bin/python3 -m model.export_onnx                      # trained checkpoint -> model/onnx
    /usr/bin/python3 -m model.export_onnx --untrained          # seeded random init, "trained": false

The check runs `node model/parity/check.mjs` (onnxruntime-node lives in Node only); `--no-check`
skips it where Node is missing, and says so.
"""
from __future__ import annotations

from . import train_common  # noqa: F401  first: sets OMP_WAIT_POLICY before torch loads

import argparse
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

from . import audio
from .checksum import sha256_of
from .config import ModelConfig, preset
from .model import AudioGraph, EmotionModel, FusionGraph, TextGraph, load_checkpoint

MODEL_DIR = Path(__file__).resolve().parent
DEFAULT_CHECKPOINT = MODEL_DIR / "checkpoints" / "studio.pt"
METRICS_PATH = MODEL_DIR / "card" / "metrics.json"  # written by model/evaluate.py
OPSET = 17
PARITY_ATOL = 1e-4

GRAPHS: dict[str, dict[str, Any]] = {
    "text_encoder": {
        "inputs": ["input_ids", "attention_mask"],
        "outputs": ["token_states", "lyrics_polarity", "lyrics_va", "token_va"],
        "dynamic": {"input_ids": {0: "B", 1: "L"}, "attention_mask": {0: "B", 1: "L"},
                    "token_states": {0: "B", 1: "L"}, "lyrics_polarity": {0: "B"}, "lyrics_va": {0: "B"},
                    "token_va": {0: "B", 1: "L"}},
    },
    "audio_encoder": {
        "inputs": ["log_mel"],
        "outputs": ["frame_states"],
        "dynamic": {"log_mel": {0: "B", 2: "T"}, "frame_states": {0: "B", 1: "M"}},
    },
    "fusion": {
        "inputs": ["frame_states", "token_states", "attention_mask"],
        "outputs": ["polarity", "va", "audio_polarity", "audio_va"],
        "dynamic": {"frame_states": {0: "B", 1: "M"}, "token_states": {0: "B", 1: "L"},
                    "attention_mask": {0: "B", 1: "L"}, "polarity": {0: "B"}, "va": {0: "B"},
                    "audio_polarity": {0: "B"}, "audio_va": {0: "B"}},
    },
}

PARITY_LYRICS = [
    "I walk alone through the rain tonight, my heart is broken and cold",
    "Dancing in the summer sun, we laugh and sing together",
]


def tokenizer_vocab_size() -> int | None:
    """Vocabulary size of model/tokenizer.json, or None when the tokenizer is not built yet."""
    path = MODEL_DIR / "tokenizer.json"
    if not path.is_file():
        return None
    return len(json.loads(path.read_text())["vocab"])


def encode_lyrics(texts: list[str], config: ModelConfig) -> tuple[np.ndarray, np.ndarray]:
    """Token ids with the shipped tokenizer; seeded random ids when it is not built yet."""
    if (MODEL_DIR / "tokenizer.json").is_file():
        from .tokenizer import Tokenizer

        ids, mask = Tokenizer.load().encode_batch(texts)
        return np.asarray(ids, dtype=np.int64), np.asarray(mask, dtype=np.int64)
    rng = np.random.default_rng(7)
    lengths = [min(len(t.split()) + 2, config.max_tokens) for t in texts]
    ids = np.zeros((len(texts), max(lengths)), dtype=np.int64)
    for i, n in enumerate(lengths):
        ids[i, :n] = np.concatenate([[config.cls_id], rng.integers(5, config.vocab_size, n - 2), [config.sep_id]])
    return ids, (ids != config.pad_id).astype(np.int64)


def synthetic_pcm(seconds: float, seed: int) -> np.ndarray:
    """A deterministic music-like test signal: a chord with vibrato, pulses and a little noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * audio.SAMPLE_RATE)) / audio.SAMPLE_RATE
    pcm = np.zeros_like(t)
    for f in rng.choice([196.0, 246.9, 293.7, 392.0, 440.0, 523.3], 3, replace=False):
        pcm += 0.15 * np.sin(2 * np.pi * f * t + 0.3 * np.sin(2 * np.pi * 5 * t))
    beat = (np.sin(2 * np.pi * rng.uniform(1.5, 2.5) * t) > 0.95).astype(np.float64)
    pcm += 0.2 * beat * rng.standard_normal(len(t)) + 0.01 * rng.standard_normal(len(t))
    return np.clip(pcm, -1, 1).astype(np.float32)


def parity_inputs(config: ModelConfig) -> dict[str, list[dict[str, np.ndarray]]]:
    """Fixed inputs for each graph: real tokenized lyrics (padded, plus a no-lyrics row), the
    log-mel of synthetic 6 s and 1 s clips, and fusion inputs chained from those."""
    ids, mask = encode_lyrics(PARITY_LYRICS, config)
    empty = np.zeros((1, ids.shape[1]), dtype=np.int64)
    empty[0, :2] = [config.cls_id, config.sep_id]
    ids = np.concatenate([ids, empty])  # (3, L): long lyric, short lyric (padded), [CLS][SEP]
    mask = np.concatenate([mask, (empty != config.pad_id).astype(np.int64)])
    window = np.stack([audio.log_mel(synthetic_pcm(audio.WINDOW_SECONDS, s)) for s in (1, 2)])  # (2, 64, 384)
    short = audio.log_mel(synthetic_pcm(1.0, 3))[None]  # (1, 64, 64)
    return {
        "text_encoder": [{"input_ids": ids, "attention_mask": mask},
                         {"input_ids": ids[2:, :2].copy(), "attention_mask": mask[2:, :2].copy()}],
        "audio_encoder": [{"log_mel": window}, {"log_mel": short}],
    }


def run_torch(graph: torch.nn.Module, inputs: dict[str, np.ndarray]) -> list[np.ndarray]:
    with torch.no_grad():
        out = graph(*(torch.from_numpy(v) for v in inputs.values()))
    out = out if isinstance(out, tuple) else (out,)
    return [o.numpy() for o in out]


def write_tensor(folder: Path, name: str, array: np.ndarray) -> dict[str, Any]:
    """Little-endian raw file + its description for the parity index."""
    dtype = {np.dtype(np.float32): "float32", np.dtype(np.int64): "int64"}[array.dtype]
    (folder / name).write_bytes(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes())
    return {"file": name, "dtype": dtype, "shape": list(array.shape)}


def export(model: EmotionModel, out_dir: Path) -> dict[str, Path]:
    """Writes the three ONNX files; returns their paths."""
    model.eval()
    onnx_dir = out_dir / "onnx"
    onnx_dir.mkdir(parents=True, exist_ok=True)
    cfg = model.config
    ids = torch.tensor([[cfg.cls_id, 10, 11, 12, cfg.sep_id, 0]], dtype=torch.int64).repeat(2, 1)
    mask = (ids != cfg.pad_id).long()
    frames = torch.zeros(2, audio.WINDOW_FRAMES // cfg.encoder_stride, cfg.dim)
    examples = {
        "text_encoder": (TextGraph(model), (ids, mask)),
        "audio_encoder": (AudioGraph(model), (torch.randn(2, cfg.n_mels, audio.WINDOW_FRAMES) - 8,)),
        "fusion": (FusionGraph(model), (frames, torch.zeros(2, ids.shape[1], cfg.dim), mask)),
    }
    paths = {}
    for name, (graph, args) in examples.items():
        spec = GRAPHS[name]
        path = onnx_dir / f"{name}.onnx"
        torch.onnx.export(graph.eval(), args, str(path), opset_version=OPSET, input_names=spec["inputs"],
                          output_names=spec["outputs"], dynamic_axes=spec["dynamic"], do_constant_folding=True)
        import onnx

        onnx.checker.check_model(onnx.load(str(path)))
        paths[name] = path
    return paths


def write_parity(model: EmotionModel, out_dir: Path) -> Path:
    """model/parity/: inputs and PyTorch outputs as raw little-endian tensors + cases.json."""
    folder = out_dir / "parity"
    folder.mkdir(parents=True, exist_ok=True)
    for old in [*folder.glob("*.bin"), folder / "cases.json"]:  # keep check.mjs
        old.unlink(missing_ok=True)
    cfg = model.config
    inputs = parity_inputs(cfg)
    graphs = {"text_encoder": TextGraph(model).eval(), "audio_encoder": AudioGraph(model).eval(),
              "fusion": FusionGraph(model).eval()}
    text_out = run_torch(graphs["text_encoder"], inputs["text_encoder"][0])
    audio_out = run_torch(graphs["audio_encoder"], inputs["audio_encoder"][0])
    first = inputs["text_encoder"][0]
    inputs["fusion"] = [
        # lyric window and no-lyrics window, states chained from the other two graphs
        {"frame_states": audio_out[0], "token_states": text_out[0][[0, 2]],
         "attention_mask": first["attention_mask"][[0, 2]]},
        # three windows sharing one audio state, each lyric context
        {"frame_states": np.repeat(audio_out[0][:1], 3, axis=0), "token_states": text_out[0],
         "attention_mask": first["attention_mask"]},
    ]
    cases = []
    for name in ("text_encoder", "audio_encoder", "fusion"):
        for i, case_in in enumerate(inputs[name]):
            outs = run_torch(graphs[name], case_in)
            cases.append({
                "graph": name, "name": f"{name}-{i}",
                "inputs": {k: write_tensor(folder, f"{name}-{i}.in.{k}.bin", v) for k, v in case_in.items()},
                "outputs": {k: write_tensor(folder, f"{name}-{i}.out.{k}.bin", v)
                            for k, v in zip(GRAPHS[name]["outputs"], outs)},
            })
    index = folder / "cases.json"
    index.write_text(json.dumps({"atol": PARITY_ATOL, "note": "PyTorch reference outputs for the shipped ONNX "
                                 "files; raw little-endian tensors", "cases": cases}, indent=1) + "\n")
    return index


def write_manifest(model: EmotionModel, paths: dict[str, Path], out_dir: Path, trained: bool,
                   training: dict[str, Any], metrics: dict[str, Any]) -> Path:
    cfg = model.config
    files = {}
    for name, path in paths.items():
        files[name] = {"path": path.relative_to(out_dir).as_posix(), "sha256": sha256_of(path),
                       "bytes": path.stat().st_size, "inputs": GRAPHS[name]["inputs"],
                       "outputs": GRAPHS[name]["outputs"]}
    manifest = {
        "schema": "emolane.model/1",
        "name": f"emolane-{cfg.preset}", "version": "0.3.0", "preset": cfg.preset,
        "trained": trained,
        "dim": cfg.dim,
        "audio": {"sample_rate": audio.SAMPLE_RATE, "n_fft": audio.N_FFT, "hop": audio.HOP,
                  "pad_left": audio.PAD_LEFT, "n_mels": audio.N_MELS, "f_min": int(audio.F_MIN),
                  "f_max": int(audio.F_MAX), "mel_scale": audio.MEL_SCALE, "log_floor": audio.LOG_FLOOR,
                  "encoder_stride": cfg.encoder_stride,
                  "encoder_context": int(getattr(model.audio_encoder, "context_states", 0)),
                  "window_seconds": int(audio.WINDOW_SECONDS),
                  "hop_seconds": audio.HOP_SECONDS},
        "text": {"tokenizer": "tokenizer.json", "max_tokens": cfg.max_tokens},
        "labels": {"polarity": ["negative", "neutral", "positive"], "va": ["valence", "arousal"],
                   "va_range": [-1, 1]},
        "files": files,
        "training": training,
        "metrics": metrics,
    }
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(_finite(manifest), indent=2, allow_nan=False) + "\n")
    return path


def _finite(value: Any) -> Any:
    """NaN and infinities (a metric measured on nothing) become null: JSON has no NaN, and the bridge parses it."""
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def check_with_node(out_dir: Path) -> None:
    """Runs model/parity/check.mjs (onnxruntime-node) on the parity cases; raises on mismatch."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node not found: cannot check the ONNX files with onnxruntime-node (use --no-check to skip)")
    script = MODEL_DIR / "parity" / "check.mjs"
    result = subprocess.run([node, str(script), str(out_dir)], cwd=MODEL_DIR.parent, capture_output=True, text=True)
    sys.stdout.write(result.stdout)
    if result.returncode != 0:
        raise RuntimeError(f"ONNX Runtime disagrees with PyTorch (atol {PARITY_ATOL}):\n{result.stdout}{result.stderr}")


def build_untrained(seed: int) -> EmotionModel:
    """The studio preset at random init (seeded), sized to the shipped tokenizer when it exists."""
    torch.manual_seed(seed)
    vocab = tokenizer_vocab_size()
    cfg = preset("studio", **({"vocab_size": vocab} if vocab else {}))
    return EmotionModel(cfg)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", type=Path, default=DEFAULT_CHECKPOINT, help="trained checkpoint (.pt)")
    parser.add_argument("--untrained", action="store_true", help="export a seeded random init, trained: false")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="folder for onnx/, parity/, manifest.json")
    parser.add_argument("--no-check", action="store_true", help="skip the onnxruntime-node parity check")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")  # harmless in 1.13

    if args.untrained:
        model = build_untrained(args.seed)
        training: dict[str, Any] = {"data": [], "command": "python3 -m model.export_onnx --untrained",
                                    "device": "cpu", "seconds": 0}
        metrics: dict[str, Any] = {}
    else:
        vocab = tokenizer_vocab_size()
        if vocab is None:
            raise FileNotFoundError(f"model/tokenizer.json is missing: the trained export needs the tokenizer it was trained with")
        model, ckpt = load_checkpoint(args.checkpoint, expected=preset("studio", vocab_size=vocab))
        training = ckpt.get("training", {"command": "npm run train", "device": "cpu"})
        metrics = json.loads(METRICS_PATH.read_text()) if METRICS_PATH.is_file() else {}
    model.eval()
    paths = export(model, args.out)
    write_parity(model, args.out)
    manifest = write_manifest(model, paths, args.out, not args.untrained, training, metrics)
    total = sum(p.stat().st_size for p in paths.values())
    print(f"wrote {', '.join(str(p) for p in paths.values())} ({total / 1e6:.1f} MB) and {manifest}")
    if args.no_check:
        print("skipped the onnxruntime-node parity check (--no-check)")
    else:
        check_with_node(args.out)


if __name__ == "__main__":
    main()
