"""The emotion model's outputs: shapes, ranges, finite values and masks (studio preset, random init)."""
from __future__ import annotations

import pytest
import torch

from model.audio import N_MELS
from model.config import PRESETS, ModelConfig, preset
from model.model import EmotionModel

torch.set_num_threads(2)


@pytest.fixture(scope="module")
def model() -> EmotionModel:
    torch.manual_seed(0)
    return EmotionModel(preset("studio", vocab_size=500)).eval()


def lyrics(batch: int = 2, length: int = 12, pad_from: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(5, 500, (batch, length), generator=g)
    ids[:, 0], ids[:, -1] = 2, 3
    mask = torch.ones_like(ids)
    if pad_from is not None:
        ids[-1, pad_from - 1] = 3
        ids[-1, pad_from:], mask[-1, pad_from:] = 0, 0
    return ids, mask


def test_outputs_have_contract_shapes_for_a_6_second_window(model):
    ids, mask = lyrics(2, 12)
    with torch.no_grad():
        out = model(ids, mask, torch.randn(2, N_MELS, 384) - 6)
    d = model.config.dim
    expected = {"polarity": (2, 3), "va": (2, 2), "audio_polarity": (2, 3), "audio_va": (2, 2),
                "lyrics_polarity": (2, 3), "lyrics_va": (2, 2), "token_va": (2, 12, 2),
                "token_states": (2, 12, d), "cluster": (2, 5)}
    for name, shape in expected.items():
        assert tuple(out[name].shape) == shape, name
    assert all(torch.isfinite(v).all() for v in out.values())


def test_audio_encoder_gives_one_state_per_half_second(model):
    with torch.no_grad():
        for frames in (32, 384, 1024):
            assert tuple(model.encode_audio(torch.randn(1, N_MELS, frames)).shape) == (1, frames // 32, model.config.dim)


def test_a_stretch_with_context_either_side_gives_the_whole_encodings_inner_states(model):
    """What the bridge's live path relies on: states from a stretch cut with encoder_context states of audio
    either side equal those of the whole song; with one state less of context they do not."""
    ctx = model.audio_encoder.context_states
    g = torch.Generator().manual_seed(3)
    mel = torch.randn(1, N_MELS, 32 * 40, generator=g) * 3 - 8
    with torch.no_grad():
        whole = model.encode_audio(mel)
        lo, hi = 15, 27  # a 12-state window
        cut = model.encode_audio(mel[:, :, 32 * (lo - ctx):32 * (hi + ctx)])[:, ctx:ctx + hi - lo]
        short = model.encode_audio(mel[:, :, 32 * (lo - ctx + 1):32 * (hi + ctx - 1)])[:, ctx - 1:ctx - 1 + hi - lo]
    assert torch.allclose(cut, whole[:, lo:hi], atol=1e-5)
    assert (short - whole[:, lo:hi]).abs().max() > 1e-4


def test_audio_encoder_rejects_time_not_a_multiple_of_32(model):
    with pytest.raises(AssertionError, match="multiple of 32"):
        model.encode_audio(torch.randn(1, N_MELS, 100))


def test_audio_encoder_rejects_wrong_mel_count(model):
    with pytest.raises(AssertionError, match=rf"\(B, {N_MELS}, T\)"):
        model.encode_audio(torch.randn(1, 40, 384))


def test_va_stays_in_range_even_for_extreme_inputs(model):
    ids, mask = lyrics(1, 8)
    with torch.no_grad():
        out = model(ids, mask, torch.full((1, N_MELS, 384), 40.0))
    for name in ("va", "audio_va", "lyrics_va", "token_va"):
        assert out[name].abs().max() <= 1.0 and torch.isfinite(out[name]).all(), name


def test_padding_does_not_change_a_lyric_reading(model):
    ids, mask = lyrics(1, 10)
    padded = torch.cat([ids, torch.zeros(1, 6, dtype=torch.long)], dim=1)
    padded_mask = torch.cat([mask, torch.zeros(1, 6, dtype=torch.long)], dim=1)
    frames = torch.randn(1, 12, model.config.dim)
    with torch.no_grad():
        a, b = model.encode_text(ids, mask), model.encode_text(padded, padded_mask)
        torch.testing.assert_close(a["token_states"], b["token_states"][:, :10], atol=1e-5, rtol=1e-4)
        torch.testing.assert_close(a["lyrics_polarity"], b["lyrics_polarity"], atol=1e-5, rtol=1e-4)
        fa = model.fuse(frames, a["token_states"], mask)
        fb = model.fuse(frames, b["token_states"], padded_mask)
    for name in ("polarity", "va", "audio_polarity", "audio_va"):
        torch.testing.assert_close(fa[name], fb[name], atol=1e-5, rtol=1e-4)


def test_window_without_lyrics_gives_finite_fused_output(model):
    ids = torch.tensor([[2, 3, 0, 0]])
    mask = torch.tensor([[1, 1, 0, 0]])
    with torch.no_grad():
        out = model(ids, mask, torch.randn(1, N_MELS, 384) - 6)
    assert torch.isfinite(out["polarity"]).all() and torch.isfinite(out["va"]).all()


def test_lyrics_change_the_fused_reading_but_not_the_audio_only_one(model):
    frames = torch.randn(1, 12, model.config.dim)
    with torch.no_grad():
        a, b = lyrics(1, 12)[0], torch.randint(5, 500, (1, 12), generator=torch.Generator().manual_seed(9))
        ta = model.encode_text(a, torch.ones_like(a))["token_states"]
        tb = model.encode_text(b, torch.ones_like(b))["token_states"]
        fa, fb = model.fuse(frames, ta, torch.ones_like(a)), model.fuse(frames, tb, torch.ones_like(b))
    assert not torch.allclose(fa["cluster"], fb["cluster"])
    torch.testing.assert_close(fa["audio_va"], fb["audio_va"])


@pytest.mark.parametrize("switch", ["use_cross_attention", "use_self_attention", "use_transformer"])
def test_ablations_build_and_run(switch):
    cfg = preset("studio", vocab_size=300, **{switch: False})
    m = EmotionModel(cfg).eval()
    ids, mask = torch.tensor([[2, 7, 8, 3]]), torch.ones(1, 4, dtype=torch.long)
    with torch.no_grad():
        out = m(ids, mask, torch.randn(1, N_MELS, 384))
    assert out["polarity"].shape == (1, 3) and torch.isfinite(out["polarity"]).all()


def test_paper_preset_has_deberta_base_and_full_resnet50_sizes():
    paper = PRESETS["paper"]
    assert (paper.text_dim, paper.text_layers, paper.text_heads) == (768, 12, 12)
    assert paper.audio_width == 64 and paper.audio_blocks == (3, 4, 6, 3) and paper.audio_out == 2048


def test_config_rejects_inconsistent_sizes():
    with pytest.raises(ValueError, match="divisible"):
        ModelConfig(text_dim=130, text_heads=4)


def test_config_round_trips_through_dict():
    cfg = preset("studio", vocab_size=1234, use_transformer=False)
    assert ModelConfig.from_dict(cfg.to_dict()) == cfg
