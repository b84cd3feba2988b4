"""Training fails early with a clear message on missing data, unreadable audio caches, empty lyrics
and a config mismatch; and the small training helpers do what the losses and metrics rely on."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from model import train_all, train_audio, train_common, train_fusion, train_text, train_tune
from model.config import preset
from model.data.records import MusicItem
from model.model import ConfigMismatchError, EmotionModel, save_checkpoint
from model.train_common import TrainingDataError, macro_f1, masked_ce, masked_mse, pearson


def fake_item(log_mel: np.ndarray, lyrics: str | None = None) -> MusicItem:
    return MusicItem(id="mirex:001:audio", clip="mirex:001", song="s1", source="mirex", variant="audio",
                     split="train", log_mel=log_mel, valence=1.0, arousal=1.0, label_kind="sign", polarity=2,
                     cluster=1, lyrics=lyrics)


def test_missing_datasets_folder_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("EMOLANE_DATASETS", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="datasets folder not found.*nowhere"):
        train_all.preflight()


def test_datasets_folder_without_the_sets_lists_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("EMOLANE_DATASETS", str(tmp_path))
    with pytest.raises(TrainingDataError, match=r"lacks \['music/4q'"):
        train_all.preflight()


def test_missing_music_cache_says_how_to_build_it(monkeypatch):
    import model.data as data

    def missing(split):
        raise data.CacheMissingError("no cache index for 4q")

    monkeypatch.setattr(data, "load_music", missing)
    with pytest.raises(TrainingDataError, match="prepare_data"):
        train_audio.load_items("train")


def test_unreadable_audio_cache_is_refused(monkeypatch):
    import model.data as data

    bad = np.full((64, 400), np.nan, dtype=np.float16)
    monkeypatch.setattr(data, "load_music", lambda split: [fake_item(bad)])
    with pytest.raises(TrainingDataError, match="unreadable audio cache for mirex:001:audio"):
        train_audio.load_items("train")


def test_empty_lyrics_are_refused_not_trained_on():
    from model.tokenizer import Tokenizer

    tok = Tokenizer.load()
    model = EmotionModel(preset("studio", vocab_size=tok.vocab_size)).eval()
    item = fake_item(np.zeros((64, 400), np.float16), lyrics=" \n\n  \n")
    with pytest.raises(TrainingDataError, match="lyrics of mirex:001 are empty"):
        train_fusion.lyric_variants(model, tok, [item], np.random.default_rng(0))


def test_audio_stages_refuse_a_previous_checkpoint_with_another_config(monkeypatch, tmp_path):
    save_checkpoint(tmp_path / "other.pt", EmotionModel(preset("studio", vocab_size=100)))
    monkeypatch.setitem(train_common.STAGE_PATHS, "text", tmp_path / "other.pt")
    monkeypatch.setitem(train_common.STAGE_PATHS, "tune", tmp_path / "other.pt")
    monkeypatch.setattr(train_common, "RUNS_DIR", tmp_path / "runs")
    with pytest.raises(ConfigMismatchError, match="vocab_size: checkpoint 100 vs code"):
        train_tune.train(steps=1, teacher=train_tune.DEFAULT_TEACHER)
    with pytest.raises(ConfigMismatchError, match="vocab_size: checkpoint 100 vs code"):
        train_audio.train(steps=1)


def test_lyric_chunks_keep_lines_together_under_the_token_budget():
    from model.tokenizer import Tokenizer

    tok = Tokenizer.load()
    lyrics = "\n".join(f"line number {i} of a song about the rain" for i in range(30))
    chunks = train_text.lyric_chunks(lyrics, tok, max_tokens=40)
    assert len(chunks) > 3
    assert all(len(tok.encode(c)) <= 40 for c in chunks)
    assert " ".join(chunks).split() == lyrics.split()  # nothing lost, order kept


def test_token_drop_keeps_cls_and_sep_and_drops_the_share_asked():
    ids = [2] + list(range(10, 30)) + [3]
    out = train_fusion.drop_tokens(ids, 0.4, np.random.default_rng(0))
    assert out[0] == 2 and out[-1] == 3 and len(out) == 2 + 12
    assert train_fusion.drop_tokens(ids, 0.0, np.random.default_rng(0)) == ids


def test_sign_labels_only_ask_for_the_right_sign_with_a_margin():
    target = torch.tensor([[1.0, -1.0]])
    sign = torch.tensor([True])
    assert float(train_audio.va_loss(torch.tensor([[0.7, -0.9]]), target, sign)) == 0.0
    assert float(train_audio.va_loss(torch.tensor([[-0.2, -0.9]]), target, sign)) > 0.2
    cont = torch.tensor([False])
    assert float(train_audio.va_loss(torch.tensor([[0.7, -0.9]]), target, cont)) > 0


def test_losses_skip_missing_labels():
    assert float(masked_mse(torch.tensor([1.0, 2.0]), torch.tensor([float("nan"), 2.0]))) == 0.0
    assert float(masked_ce(torch.zeros(2, 3), torch.tensor([-1, -1]))) == 0.0


def test_metrics_on_known_cases():
    assert macro_f1([0, 0, 2, 2], [0, 2, 2, 2]) == pytest.approx((2 / 3 + 0.8) / 2)
    assert macro_f1([1, 2], [1, 2], labels=[1, 2, 3, 4]) == pytest.approx(0.5)  # absent classes count as 0
    assert pearson([1, 2, 3, 4], [2, 4, 6, 8]) == pytest.approx(1.0)
    assert math.isnan(pearson([1, 1, 1], [1, 2, 3]))


def test_a_reference_blas_is_warned_about_and_openblas_is_not():
    reference = "7f00-7f01 r-xp 0 fe:00 1 /usr/lib/x86_64-linux-gnu/blas/libblas.so.3\n"
    openblas = "7f00-7f01 r-xp 0 fe:00 1 /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3\n"
    warning = train_common.blas_warning(reference)
    assert warning is not None and "libopenblas0-pthread" in warning
    assert train_common.blas_warning(openblas) is None
    assert train_common.blas_warning("7f00-7f01 r-xp 0 fe:00 1 /usr/lib/libtorch_cpu.so\n") is None
