"""Augmentation on log-mel, checked against what the same change does to real PCM."""
import numpy as np
import pytest

from model.audio import LOG_FLOOR, N_MELS, SAMPLE_RATE, log_mel
from model.data import augment as A


def _fixture_pcm(seconds: float = 3.0, f0: float = 220.0) -> np.ndarray:
    """A plucked harmonic tone, repeated: a deterministic stand-in for music."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    tone = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 9))
    envelope = np.exp(-3.0 * (t % 0.5))
    return (0.3 * tone * envelope).astype(np.float32)


@pytest.fixture(scope="module")
def clean():
    return _fixture_pcm()


@pytest.mark.parametrize("snr_db", [0.0, 10.0, 20.0])
def test_mel_noise_reaches_the_requested_snr_within_half_a_db(clean, snr_db):
    mel = log_mel(clean)
    noisy = A.add_noise(mel, snr_db, np.random.default_rng(0))
    assert A.measured_snr_db(mel, noisy) == pytest.approx(snr_db, abs=0.5)


def test_mel_snr_matches_mixing_white_noise_into_the_pcm(clean):
    rng = np.random.default_rng(1)
    noise = rng.standard_normal(len(clean))
    noise *= np.sqrt(np.mean(clean.astype(np.float64) ** 2) / np.mean(noise ** 2) / 10.0)  # 10 dB in PCM
    real = log_mel(clean + noise)
    assert A.measured_snr_db(log_mel(clean), real) == pytest.approx(10.0, abs=0.5)


def test_mel_noise_looks_like_real_noise_band_by_band(clean):
    rng = np.random.default_rng(2)
    noise = rng.standard_normal(len(clean))
    noise *= np.sqrt(np.mean(clean.astype(np.float64) ** 2) / np.mean(noise ** 2) / 10.0)
    real = log_mel(clean + noise)
    fake = A.add_noise(log_mel(clean), 10.0, np.random.default_rng(3))
    per_band_gap = np.abs(real.mean(axis=1) - fake.mean(axis=1))  # nats
    assert np.median(per_band_gap) < 0.15 and per_band_gap.max() < 0.6
    assert abs(real.std(axis=1).mean() - fake.std(axis=1).mean()) < 0.3  # similar frame-to-frame spread


def test_pink_noise_puts_more_power_low_than_white(clean):
    mel = log_mel(clean)
    white = A.to_power(A.add_noise(mel, -30.0, np.random.default_rng(4), "white")).mean(axis=1)
    pink = A.to_power(A.add_noise(mel, -30.0, np.random.default_rng(4), "pink")).mean(axis=1)
    assert (pink[:8].sum() / pink[-8:].sum()) > 10 * (white[:8].sum() / white[-8:].sum())


def test_noise_is_deterministic_under_a_seed(clean):
    mel = log_mel(clean)
    a = A.add_noise(mel, 5.0, np.random.default_rng(7))
    b = A.add_noise(mel, 5.0, np.random.default_rng(7))
    assert np.array_equal(a, b) and not np.array_equal(a, A.add_noise(mel, 5.0, np.random.default_rng(8)))


def test_gain_matches_scaling_the_pcm(clean):
    louder = A.gain(log_mel(clean), 6.0)
    real = log_mel(clean * 10 ** (6.0 / 20))
    loud_bins = real > np.log(1e-3)
    assert np.abs(louder - real)[loud_bins].max() < 1e-3
    assert np.mean((louder - log_mel(clean))[loud_bins]) == pytest.approx(6.0 * np.log(10) / 10, abs=0.01)


def test_gain_leaves_digital_silence_at_the_floor():
    silence = np.full((N_MELS, 10), np.log(LOG_FLOOR), np.float32)
    assert np.allclose(A.gain(silence, 12.0), silence)


def test_eq_tilt_brightens_high_bands_and_darkens_low_ones(clean):
    broadband = clean + 0.05 * np.random.default_rng(5).standard_normal(len(clean)).astype(np.float32)
    mel = log_mel(broadband)
    diff = A.eq_tilt(mel, 3.0).mean(axis=1) - mel.mean(axis=1)  # nats; 3 dB/oct * 3 octaves = 9 dB = 2.1
    assert diff[-1] == pytest.approx(3.0 * np.log2(A.band_centres_hz()[-1] / 1000) * np.log(10) / 10, abs=0.01)
    assert diff[0] < -2.0


def test_pitch_shift_moves_a_tone_like_resampling_the_pcm():
    up = A.pitch_shift(log_mel(_fixture_pcm(f0=220.0)), 2.0)
    real = log_mel(_fixture_pcm(f0=220.0 * 2 ** (2 / 12)))
    centres = A.band_centres_hz()
    low = centres < 1500
    assert np.argmax(up.mean(axis=1)[low]) == np.argmax(real.mean(axis=1)[low])
    assert np.abs(up.mean(axis=1) - real.mean(axis=1))[low].mean() < 1.5


def test_tempo_stretch_changes_length_and_keeps_content(clean):
    mel = log_mel(clean)
    fast = A.tempo_stretch(mel, 1.25)
    assert fast.shape == (N_MELS, round(mel.shape[1] / 1.25))
    assert np.allclose(fast[:, 0], mel[:, 0]) and abs(fast.mean() - mel.mean()) < 0.2
    assert A.tempo_stretch(mel, 0.8, n_out=384).shape == (N_MELS, 384)


def test_random_augment_keeps_shape_and_is_reproducible(clean):
    mel = log_mel(clean)[:, :384]
    a = A.random_augment(mel, np.random.default_rng(11))
    b = A.random_augment(mel, np.random.default_rng(11))
    assert a.shape == mel.shape and a.dtype == np.float32 and np.array_equal(a, b) and np.isfinite(a).all()


def test_wrong_shape_is_rejected_with_the_expected_shape():
    with pytest.raises(ValueError, match=rf"\({N_MELS}, T\)"):
        A.gain(np.zeros((80, 10), np.float32), 3.0)
