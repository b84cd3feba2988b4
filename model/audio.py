"""The log-mel front end, shared by training and by the parity reference for the TypeScript bridge.

The numbers here are the contract in CONTRACT.md; `bridge/` computes the same spectrogram in
TypeScript and `test/` checks parity against references this module writes.
"""
from __future__ import annotations

import functools

import numpy as np

SAMPLE_RATE = 16_000  # Hz, mono
N_FFT = 512  # 32 ms window
HOP = 250  # 15.625 ms: 64 frames per second
N_MELS = 96  # the pretrained taggers' mel bands (musicnn, FCN, CRNN: 96 HTK mels, 0-8 kHz)
F_MIN = 0.0  # Hz, as the pretrained taggers
F_MAX = 8_000.0  # Hz (Nyquist at 16 kHz)
# "slaney": Essentia musicnn's bands (the shipped model, since 0.3.0); "htk": the Won et al. taggers'.
# Changing it rebuilds the log-mel caches (their version includes it) and is written into the manifest.
MEL_SCALE = "slaney"
LOG_FLOOR = 1e-10  # added to mel power before ln (the taggers clamp mel power at 1e-10 before their dB)
PAD_LEFT = (N_FFT - HOP) // 2  # 131: centres each FFT window on the middle of its hop
FRAMES_PER_SECOND = SAMPLE_RATE // HOP  # 64
assert SAMPLE_RATE % HOP == 0

ENCODER_STRIDE = 32  # audio encoder reduces time by 32: one state per 0.5 s
WINDOW_SECONDS = 6.0
HOP_SECONDS = 0.5
WINDOW_FRAMES = int(WINDOW_SECONDS * FRAMES_PER_SECOND)  # 384 log-mel frames
HOP_FRAMES = int(HOP_SECONDS * FRAMES_PER_SECOND)  # 32 log-mel frames
assert WINDOW_FRAMES % ENCODER_STRIDE == 0 and HOP_FRAMES == ENCODER_STRIDE


def hz_to_mel(f: np.ndarray | float) -> np.ndarray:
    """HTK mel scale."""
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def mel_to_hz(m: np.ndarray | float) -> np.ndarray:
    return 700.0 * (10.0 ** (np.asarray(m, dtype=np.float64) / 2595.0) - 1.0)


SLANEY_LINEAR_HZ = 200.0 / 3  # Slaney's scale: linear below 1 kHz (15 mels), logarithmic above
SLANEY_LOG_STEP = np.log(6.4) / 27.0


def slaney_hz_to_mel(f: np.ndarray | float) -> np.ndarray:
    """Slaney's mel scale (Auditory Toolbox; librosa's default): f / (200/3) below 1 kHz, log above."""
    f = np.asarray(f, dtype=np.float64)
    return np.where(f < 1000.0, f / SLANEY_LINEAR_HZ, 15.0 + np.log(np.maximum(f, 1e-9) / 1000.0) / SLANEY_LOG_STEP)


def slaney_mel_to_hz(m: np.ndarray | float) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    return np.where(m < 15.0, m * SLANEY_LINEAR_HZ, 1000.0 * np.exp(SLANEY_LOG_STEP * (m - 15.0)))


def mel_points_hz(scale: str | None = None) -> np.ndarray:
    """(N_MELS + 2,) Hz of the equally spaced mel points from F_MIN to F_MAX: band i spans points i to
    i + 2 and peaks at point i + 1. `scale` defaults to MEL_SCALE."""
    scale = scale or MEL_SCALE
    if scale not in ("htk", "slaney"):
        raise ValueError(f"mel scale must be 'htk' or 'slaney', got {scale!r}")
    to_mel, to_hz = (hz_to_mel, mel_to_hz) if scale == "htk" else (slaney_hz_to_mel, slaney_mel_to_hz)
    return to_hz(np.linspace(to_mel(F_MIN), to_mel(F_MAX), N_MELS + 2))


def mel_band_peaks(scale: str | None = None) -> np.ndarray:
    """(N_MELS,) each triangle's peak height: 1 on the HTK scale, 2 / (upper - lower) Hz on Slaney's
    (area normalisation). Mel power divided by it is power as a flat-topped band sum would count it."""
    scale = scale or MEL_SCALE
    points = mel_points_hz(scale)
    return np.ones(N_MELS) if scale == "htk" else 2.0 / (points[2:] - points[:-2])


@functools.lru_cache(maxsize=None)
def mel_filterbank(scale: str | None = None) -> np.ndarray:
    """(N_MELS, N_FFT // 2 + 1) float32 triangles from F_MIN to F_MAX.

    Made from N_MELS + 2 equally spaced mel points; each filter rises linearly in Hz from point i
    to point i + 1 and falls to point i + 2. "htk": the HTK scale, peak 1 (the Won et al. taggers').
    "slaney": Slaney's scale with area normalisation, 2 / (upper - lower) (Essentia's musicnn; the
    shipped front end since 0.3.0). Cached: a bank never changes.
    """
    scale = scale or MEL_SCALE
    bins_hz = np.arange(N_FFT // 2 + 1) * SAMPLE_RATE / N_FFT
    points = mel_points_hz(scale)
    lower, centre, upper = points[:-2, None], points[1:-1, None], points[2:, None]
    rising = (bins_hz[None, :] - lower) / (centre - lower)
    falling = (upper - bins_hz[None, :]) / (upper - centre)
    bank = np.maximum(0.0, np.minimum(rising, falling)) * mel_band_peaks(scale)[:, None]
    return bank.astype(np.float32)


@functools.lru_cache(maxsize=None)
def hann_window() -> np.ndarray:
    """Periodic Hann window of N_FFT, float64."""
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(N_FFT) / N_FFT)


def n_frames(n_samples: int) -> int:
    """Frames for a signal of n_samples: ceil(n / HOP)."""
    return -(-n_samples // HOP)


def log_mel(pcm: np.ndarray) -> np.ndarray:
    """(N,) float PCM in [-1, 1] at SAMPLE_RATE -> (N_MELS, ceil(N / HOP)) float32 ln(mel + 1e-6).

    Frame i covers samples [i*HOP - PAD_LEFT, i*HOP - PAD_LEFT + N_FFT), zeros outside the signal.
    """
    pcm = np.asarray(pcm, dtype=np.float64)
    if pcm.ndim != 1:
        raise ValueError(f"log_mel expects mono PCM of shape (N,), got {pcm.shape}")
    t = n_frames(len(pcm))
    if t == 0:
        return np.zeros((N_MELS, 0), dtype=np.float32)
    padded = np.zeros(PAD_LEFT + t * HOP + N_FFT, dtype=np.float64)
    padded[PAD_LEFT:PAD_LEFT + len(pcm)] = pcm
    idx = np.arange(t)[:, None] * HOP + np.arange(N_FFT)[None, :]  # (T, N_FFT)
    spectrum = np.fft.rfft(padded[idx] * hann_window()[None, :], axis=1)  # (T, 257)
    power = spectrum.real ** 2 + spectrum.imag ** 2
    mel = power @ mel_filterbank().T.astype(np.float64)  # (T, N_MELS)
    return np.log(mel + LOG_FLOOR).T.astype(np.float32)  # (N_MELS, T)


def pad_or_trim(x: np.ndarray, length: int, axis: int = -1) -> np.ndarray:
    """Pads with zeros or trims x along axis to exactly length."""
    if x.shape[axis] >= length:
        return np.take(x, np.arange(length), axis=axis)
    widths = [(0, 0)] * x.ndim
    widths[axis] = (0, length - x.shape[axis])
    return np.pad(x, widths)


def load_audio(path: str) -> np.ndarray:
    """Decodes a file with libsndfile (WAV, FLAC, OGG, MP3) to mono float32 at SAMPLE_RATE.

    Raises ValueError for a file that cannot be decoded or is not at SAMPLE_RATE (the shared sets
    are 16 kHz already; resample elsewhere before calling this).
    """
    import soundfile as sf

    try:
        data, rate = sf.read(path, dtype="float32", always_2d=True)
    except Exception as e:  # libsndfile raises its own error types
        raise ValueError(f"cannot decode audio {path}: {e}") from e
    if rate != SAMPLE_RATE:
        raise ValueError(f"{path}: expected {SAMPLE_RATE} Hz, got {rate} Hz")
    if data.shape[0] == 0:
        raise ValueError(f"{path}: no samples")
    return data.mean(axis=1).astype(np.float32)
