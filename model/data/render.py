r"""MIDI -> 16 kHz mono PCM with fluidsynth and the GM soundfont, loudness-normalised.

    fluidsynth -ni -q -r 16000 -O float -o synth.dynamic-sample-loading=1 -F out.wav \
        /usr/share/sounds/sf2/FluidR3_GM.sf2 in.mid

Float output because dense MIDI arrangements render with peaks above full scale (MIREX 004 peaks at
2.3 at fluidsynth's default gain), which s16 output would clip.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from model.audio import SAMPLE_RATE

SOUNDFONT = Path(os.environ.get("EMOLANE_SOUNDFONT", "/usr/share/sounds/sf2/FluidR3_GM.sf2"))
GM_PROGRAMS = {"piano": 0, "guitar": 24, "strings": 48, "pad": 89}  # GM program numbers (0-based)
TARGET_RMS_DB = -16.0  # dBFS over the active part; median of the 4Q / MIREX previews is about -15
PEAK_QUANTILE = 0.9999  # the gain keeps this quantile of |x| at or below full scale; rarer peaks clip
ACTIVE_FLOOR_DB = -50.0  # 50 ms blocks quieter than this (relative to the loudest block) are silence
RENDER_TIMEOUT_S = 120


class RenderError(RuntimeError):
    """fluidsynth failed or produced no audio."""


def check_fluidsynth() -> None:
    """Raises RenderError naming what is missing when fluidsynth or the soundfont is absent."""
    if shutil.which("fluidsynth") is None:
        raise RenderError("fluidsynth not found on PATH: install it (apt-get install fluidsynth fluid-soundfont-gm)")
    if not SOUNDFONT.exists():
        raise RenderError(f"soundfont not found at {SOUNDFONT}: install fluid-soundfont-gm or set EMOLANE_SOUNDFONT")


def render_midi(midi_bytes: bytes, workdir: str | None = None) -> np.ndarray:
    """(N,) float32 mono PCM at SAMPLE_RATE (not normalised) for an SMF given as bytes."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        mid, wav = os.path.join(tmp, "in.mid"), os.path.join(tmp, "out.wav")
        with open(mid, "wb") as f:
            f.write(midi_bytes)
        # dynamic sample loading reads only the soundfont samples the file uses (same output, less I/O)
        cmd = ["fluidsynth", "-ni", "-q", "-r", str(SAMPLE_RATE), "-O", "float", "-o", "synth.dynamic-sample-loading=1",
               "-F", wav, str(SOUNDFONT), mid]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=RENDER_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise RenderError(f"fluidsynth did not finish: {e}") from e
        if proc.returncode != 0 or not os.path.exists(wav):
            raise RenderError(f"fluidsynth exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-300:]}")
        import soundfile as sf

        data, rate = sf.read(wav, dtype="float32", always_2d=True)
    if rate != SAMPLE_RATE:
        raise RenderError(f"fluidsynth rendered at {rate} Hz, expected {SAMPLE_RATE}")
    if data.shape[0] == 0:
        raise RenderError("fluidsynth rendered no samples (empty MIDI?)")
    return data.mean(axis=1)


def active_rms(pcm: np.ndarray, block: int = SAMPLE_RATE // 20) -> float:
    """RMS over the 50 ms blocks within ACTIVE_FLOOR_DB of the loudest block (silence ignored)."""
    n = len(pcm) // block
    if n == 0:
        return float(np.sqrt(np.mean(pcm.astype(np.float64) ** 2)))
    power = (pcm[: n * block].astype(np.float64).reshape(n, block) ** 2).mean(axis=1)
    keep = power >= power.max() * 10 ** (ACTIVE_FLOOR_DB / 10)
    return float(np.sqrt(power[keep].mean()))


def normalise_loudness(pcm: np.ndarray, target_db: float = TARGET_RMS_DB) -> tuple[np.ndarray, float]:
    """(pcm scaled to target active RMS, gain in dB), gain limited so the PEAK_QUANTILE peak stays <= 1,
    then hard-clipped to [-1, 1]. Silent input is returned unchanged with gain 0."""
    rms = active_rms(pcm)
    if rms <= 1e-7:
        return pcm.astype(np.float32), 0.0
    peak = float(np.quantile(np.abs(pcm), PEAK_QUANTILE))
    gain = min(10 ** (target_db / 20) / rms, 1.0 / max(peak, 1e-7))
    return np.clip(pcm * gain, -1.0, 1.0).astype(np.float32), float(20 * np.log10(gain))
