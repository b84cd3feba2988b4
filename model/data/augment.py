"""Augmentation on cached log-mel (the caches hold ln(mel + 1e-10), not PCM).

Every function takes and returns float32 (96, T) log-mel and is deterministic given its arguments
(and the `rng` where it has one). How each one approximates its PCM counterpart:

- gain: exact. Mel power scales by 10^(dB/10); done in the power domain so the 1e-10 floor stays put
  (so it is "additive in the log domain" everywhere above the floor).
- add_noise: white or pink Gaussian noise as it would appear after the mel filterbank. Its expected
  mel power per band is what a periodic-Hann STFT gives for that noise spectrum (white: proportional
  to the filter's weight sum; pink: weight sum over 1/f); each (band, frame) value is drawn from a
  gamma distribution with the band's effective number of independent FFT bins (Hann's correlation of
  neighbouring bins included). Frames are drawn independently, though real overlapping frames
  (hop 250 of 512) are correlated. The SNR is the ratio
  of total mel power, signal over noise, over the whole input, each band's power divided by its
  triangle's peak (Slaney's area-normalised bands would otherwise count the narrow low bands many
  times over). Because the unit-peak triangles sum to about 1 across 30 Hz - 8 kHz, this equals the
  PCM SNR of band-limited noise (checked against real PCM mixing in the tests). Signal-noise cross
  terms (phase) are ignored: powers add.
- eq_tilt: exact for a filter whose gain is constant across each band: band m is scaled by
  db_per_octave * log2(f_centre / 1 kHz) dB.
- pitch_shift: resamples each frame along the mel axis at the band whose centre is f / 2^(st/12),
  linear in log power; bands that come from outside 30 Hz - 8 kHz get silence. Ignores that a band's
  width changes with the shift and that harmonics above 8 kHz would move in.
- tempo_stretch: linear interpolation along time (in log power) at rate `rate`; like a
  pitch-preserving time stretch, with transients smeared rather than kept sharp.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from model.audio import LOG_FLOOR, N_FFT, N_MELS, SAMPLE_RATE, hz_to_mel, mel_band_peaks, mel_filterbank, mel_points_hz

LN10_OVER_10 = np.log(10.0) / 10.0


def _check(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float32)
    if mel.ndim != 2 or mel.shape[0] != N_MELS:
        raise ValueError(f"expected log-mel of shape ({N_MELS}, T), got {mel.shape}")
    return mel


def to_power(mel: np.ndarray) -> np.ndarray:
    """ln(P + 1e-10) -> P (float64, >= 0)."""
    return np.maximum(np.exp(np.asarray(mel, dtype=np.float64)) - LOG_FLOOR, 0.0)


def to_log(power: np.ndarray) -> np.ndarray:
    """P -> ln(P + 1e-10), float32."""
    return np.log(np.maximum(power, 0.0) + LOG_FLOOR).astype(np.float32)


@functools.lru_cache(maxsize=None)
def band_centres_hz() -> np.ndarray:
    """(N_MELS,) centre frequency of each mel band (the filterbank's triangle peaks)."""
    return mel_points_hz()[1:-1]


def _flat_total(power: np.ndarray) -> float:
    """Total mel power with each band divided by its triangle's peak: what the SNR is measured on."""
    return float((power / mel_band_peaks()[:, None]).sum())


def gain(mel: np.ndarray, db: float) -> np.ndarray:
    """Level change by `db` decibels."""
    return to_log(to_power(_check(mel)) * 10.0 ** (db / 10.0))


PINK_LOWEST_HZ = 30.0  # pink noise's 1/f density is held flat below this (the mel bands reach 0 Hz)


@functools.lru_cache(maxsize=None)
def _noise_profile(color: str) -> tuple[np.ndarray, np.ndarray]:
    """(expected mel power per band for unit-variance noise, effective bins per band)."""
    fb = mel_filterbank().astype(np.float64)  # (N_MELS, 257)
    freqs = np.arange(N_FFT // 2 + 1) * SAMPLE_RATE / N_FFT
    hann_energy = 0.375 * N_FFT  # sum of the periodic Hann window squared
    if color == "white":
        psd = np.ones_like(freqs)
    elif color == "pink":
        psd = 1.0 / np.maximum(freqs, PINK_LOWEST_HZ)
    else:
        raise ValueError(f"noise color must be 'white' or 'pink', got {color!r}")
    bin_power = hann_energy * psd  # E|X_k|^2 up to the overall scale, which add_noise sets from the SNR
    expected = fb @ bin_power
    # Effective number of independent bins per band: Hann-windowed bins of white noise are correlated
    # (X_k = Y_k / 2 - Y_(k-1) / 4 - Y_(k+1) / 4), power correlation 4/9 at lag 1 and 1/36 at lag 2.
    n = len(freqs)
    lag = np.abs(np.arange(n)[:, None] - np.arange(n)[None, :])
    rho2 = np.select([lag == 0, lag == 1, lag == 2], [1.0, 4.0 / 9.0, 1.0 / 36.0], 0.0)
    weighted = fb * bin_power[None, :]
    dof = weighted.sum(axis=1) ** 2 / np.maximum(np.einsum("mk,kl,ml->m", weighted, rho2, weighted), 1e-12)
    return expected, dof


def add_noise(mel: np.ndarray, snr_db: float, rng: np.random.Generator, color: str = "white") -> np.ndarray:
    """Adds noise so that signal power / noise power = 10^(snr_db / 10), both as _flat_total counts them."""
    mel = _check(mel)
    power = to_power(mel)
    expected, dof = _noise_profile(color)
    shape = dof[:, None] * np.ones((1, mel.shape[1]))
    noise = expected[:, None] * rng.gamma(shape, 1.0 / shape)  # mean `expected`, chi-square-like spread
    signal_total, noise_total = _flat_total(power), _flat_total(noise)
    if signal_total <= 0 or noise_total <= 0:
        return mel.copy()  # silence: no level to set an SNR against
    noise *= signal_total / noise_total / 10.0 ** (snr_db / 10.0)
    return to_log(power + noise)


def measured_snr_db(clean: np.ndarray, noisy: np.ndarray) -> float:
    """SNR (dB) implied by a clean and a noisy log-mel: total clean power over total added power."""
    clean_total = _flat_total(to_power(clean))
    added = _flat_total(to_power(noisy)) - clean_total
    return float(10.0 * np.log10(clean_total / max(added, 1e-30)))


def eq_tilt(mel: np.ndarray, db_per_octave: float) -> np.ndarray:
    """Spectral tilt around 1 kHz: positive brightens, negative darkens."""
    gains_db = db_per_octave * np.log2(band_centres_hz() / 1000.0)
    return to_log(to_power(_check(mel)) * 10.0 ** (gains_db[:, None] / 10.0))


def pitch_shift(mel: np.ndarray, semitones: float) -> np.ndarray:
    """Moves the spectrum by `semitones` along the mel axis (linear interpolation between bands)."""
    mel = _check(mel)
    if semitones == 0:
        return mel.copy()
    centres = hz_to_mel(band_centres_hz())
    source = hz_to_mel(band_centres_hz() / 2.0 ** (semitones / 12.0))  # where each band's content comes from
    pos = np.interp(source, centres, np.arange(N_MELS), left=-1.0, right=float(N_MELS))
    lo = np.clip(np.floor(pos).astype(int), 0, N_MELS - 1)
    hi = np.clip(lo + 1, 0, N_MELS - 1)
    frac = (pos - np.floor(pos))[:, None]
    out = (1 - frac) * mel[lo] + frac * mel[hi]
    outside = (pos < 0) | (pos > N_MELS - 1)
    out[outside] = np.log(LOG_FLOOR)
    return out.astype(np.float32)


def tempo_stretch(mel: np.ndarray, rate: float, n_out: int | None = None) -> np.ndarray:
    """Plays `rate` times faster: (96, T) -> (96, n_out or round(T / rate)), linear interpolation in
    time; output frames that would read past the input's end hold its last frame."""
    mel = _check(mel)
    if rate <= 0:
        raise ValueError(f"rate must be > 0, got {rate}")
    t = mel.shape[1]
    n = n_out if n_out is not None else max(int(round(t / rate)), 1)
    pos = np.minimum(np.arange(n) * rate, t - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, t - 1)
    frac = (pos - lo)[None, :]
    return ((1 - frac) * mel[:, lo] + frac * mel[:, hi]).astype(np.float32)


@dataclass(frozen=True)
class AugmentConfig:
    """Probabilities and ranges of random_augment (uniform draws within each range)."""

    p_gain: float = 0.8
    gain_db: tuple[float, float] = (-12.0, 6.0)
    p_noise: float = 0.4
    snr_db: tuple[float, float] = (0.0, 30.0)
    p_pink: float = 0.5  # share of noise that is pink rather than white
    p_eq: float = 0.5
    tilt_db_per_octave: tuple[float, float] = (-3.0, 3.0)
    p_pitch: float = 0.3
    semitones: tuple[float, float] = (-2.0, 2.0)
    p_tempo: float = 0.3
    rate: tuple[float, float] = (0.9, 1.1)


def random_augment(mel: np.ndarray, rng: np.random.Generator, config: AugmentConfig = AugmentConfig(),
                   tempo: bool = True) -> np.ndarray:
    """A random chain (tempo, pitch, EQ, gain, noise) that keeps the input's shape.

    A tempo change here keeps T frames, so a speed-up holds the last frame at the end; to avoid that,
    use `model.data.random_window`, which reads a longer span before stretching (and passes tempo=False).
    """
    mel = _check(mel)
    out = mel
    if tempo and rng.random() < config.p_tempo:
        out = tempo_stretch(out, float(rng.uniform(*config.rate)), n_out=mel.shape[1])
    if rng.random() < config.p_pitch:
        out = pitch_shift(out, float(rng.uniform(*config.semitones)))
    if rng.random() < config.p_eq:
        out = eq_tilt(out, float(rng.uniform(*config.tilt_db_per_octave)))
    if rng.random() < config.p_gain:
        out = gain(out, float(rng.uniform(*config.gain_db)))
    if rng.random() < config.p_noise:
        color = "pink" if rng.random() < config.p_pink else "white"
        out = add_noise(out, float(rng.uniform(*config.snr_db)), rng, color)
    return np.array(out, dtype=np.float32, copy=True)
