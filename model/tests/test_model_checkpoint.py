"""Checkpoints store the config; a mismatch with the code is a clear error, never a silent wrong model."""
from __future__ import annotations

import pytest
import torch

from model.audio import N_MELS
from model.config import preset
from model.model import ConfigMismatchError, EmotionModel, load_checkpoint, save_checkpoint


def test_checkpoint_round_trip_rebuilds_the_same_model(tmp_path):
    torch.manual_seed(0)
    cfg = preset("studio", vocab_size=200)
    m = EmotionModel(cfg).eval()
    save_checkpoint(tmp_path / "m.pt", m, training={"seconds": 1})
    m2, ckpt = load_checkpoint(tmp_path / "m.pt", expected=cfg)
    assert ckpt["training"] == {"seconds": 1} and m2.config == cfg
    x = torch.randn(1, N_MELS, 64)
    torch.testing.assert_close(m.encode_audio(x), m2.eval().encode_audio(x))


def test_config_mismatch_names_the_fields(tmp_path):
    save_checkpoint(tmp_path / "m.pt", EmotionModel(preset("studio", vocab_size=200)))
    with pytest.raises(ConfigMismatchError, match=r"vocab_size: checkpoint 200 vs code 300"):
        load_checkpoint(tmp_path / "m.pt", expected=preset("studio", vocab_size=300))


def test_checkpoint_with_unknown_config_keys_is_refused(tmp_path):
    m = EmotionModel(preset("studio", vocab_size=200))
    torch.save({"format": "emolane.checkpoint/1", "config": {**m.config.to_dict(), "bogus": 1},
                "state_dict": m.state_dict()}, tmp_path / "m.pt")
    with pytest.raises(ConfigMismatchError, match="bogus"):
        load_checkpoint(tmp_path / "m.pt")


def test_weights_that_do_not_fit_the_config_are_refused(tmp_path):
    m = EmotionModel(preset("studio", vocab_size=200))
    cfg = {**m.config.to_dict(), "dim": 64, "fusion_heads": 4}
    torch.save({"format": "emolane.checkpoint/1", "config": cfg, "state_dict": m.state_dict()}, tmp_path / "m.pt")
    with pytest.raises(ConfigMismatchError, match="weights do not fit"):
        load_checkpoint(tmp_path / "m.pt")


def test_missing_or_foreign_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        load_checkpoint(tmp_path / "none.pt")
    torch.save({"weights": 1}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="expected checkpoint format"):
        load_checkpoint(tmp_path / "other.pt")
