"""The published taggers load into our own modules and reproduce ../shared/pretrained's fixture; missing or
wrong files stop with a message naming the file (never a silently random encoder)."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch

from model.modules.taggers import FCN, Musicnn, PretrainedWeightsError, essentia_log_mel, load_into, tagger_db_mel
from model.pretrained import PRETRAINED, load_pretrained, pretrained_root

ROOT = pretrained_root()
needs_pretrained = pytest.mark.skipif(not (ROOT / "fixtures").is_dir(), reason=f"no pretrained taggers at {ROOT}")


def _fixture():
    outputs = json.loads((ROOT / "fixtures" / "fixture_outputs.json").read_text())
    pcm = np.load(ROOT / "fixtures" / "fixture_input_29s_16k.npy").astype(np.float32) / 32768.0
    return torch.from_numpy(pcm)[None], outputs


@needs_pretrained
@pytest.mark.parametrize("name", sorted(k for k, v in PRETRAINED.items() if v.arch != "essentia-musicnn"))
def test_published_tagger_reproduces_the_fixture_tags(name):
    pcm, outputs = _fixture()
    module, sd = load_pretrained(name)
    musicnn = isinstance(module, Musicnn)
    x = pcm[:, :48_000] if musicnn else pcm  # musicnn's fixture is the first 3 s, FCN's all 29.1 s
    db = tagger_db_mel(x, sd["spec.spectrogram.window"], sd["spec.mel_scale.fb"])
    with torch.no_grad():
        got = module(db)
    tags = got[0] if musicnn else got
    np.testing.assert_allclose(tags[0].numpy(), outputs[name]["tags"], atol=1e-4)
    if musicnn:
        np.testing.assert_allclose(got[1][0, :8].numpy(), outputs[name]["embedding_first8"], atol=1e-4)
        assert list(module.frames(db).shape) == outputs[name]["frames_shape"]


@needs_pretrained
def test_essentia_musicnn_reproduces_its_fixture():
    pcm, outputs = _fixture()
    module, sd = load_pretrained("essentia-msd-musicnn")
    ref = outputs["essentia-msd-musicnn"]
    with torch.no_grad():
        tags, emb = module(essentia_log_mel(pcm, sd["frontend.cos"], sd["frontend.sin"], sd["frontend.fb"])[:, :187])  # its first 187-frame patch
    np.testing.assert_allclose(tags[0].numpy(), ref["tags_patch0"], atol=1e-4)
    np.testing.assert_allclose(emb[0, :8].numpy(), ref["embedding_patch0_first8"], atol=1e-4)
    assert module.reach_frames <= 76  # within the 4 states of encoder context the bridge already waits for


@needs_pretrained
def test_our_slaney_bank_is_essentia_musicnns_bank():
    from model import audio

    _, sd = load_pretrained("essentia-msd-musicnn")
    np.testing.assert_allclose(audio.mel_filterbank("slaney").T, sd["frontend.fb"].numpy(), atol=1e-7)


@needs_pretrained
def test_with_a_slaney_front_end_essentia_musicnn_reads_its_bands_unmapped(monkeypatch):
    from model import audio

    monkeypatch.setattr(audio, "MEL_SCALE", "slaney")
    audio.mel_filterbank.cache_clear()
    try:
        module, _ = load_pretrained("essentia-msd-musicnn")
        np.testing.assert_allclose(module.htk_to_slaney.numpy(), np.eye(96), atol=1e-6)
    finally:
        audio.mel_filterbank.cache_clear()


@needs_pretrained
def test_our_front_end_bands_are_the_taggers_bands():
    from model import audio

    _, sd = load_pretrained("mtat-musicnn")
    np.testing.assert_allclose(audio.mel_filterbank("htk").T, sd["spec.mel_scale.fb"].numpy(), atol=1e-4)


def test_missing_pretrained_folder_is_refused_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("EMOLANE_PRETRAINED", str(tmp_path / "nowhere"))
    with pytest.raises(PretrainedWeightsError, match=r"nowhere.*missing"):
        load_pretrained("mtat-musicnn")


@needs_pretrained
def test_wrong_checksum_is_refused_naming_the_file(tmp_path, monkeypatch):
    entry = PRETRAINED["mtat-musicnn"]
    dst = tmp_path / entry.path
    dst.parent.mkdir(parents=True)
    data = bytearray((ROOT / entry.path).read_bytes())
    data[-100] ^= 0xFF
    dst.write_bytes(bytes(data))
    monkeypatch.setenv("EMOLANE_PRETRAINED", str(tmp_path))
    with pytest.raises(PretrainedWeightsError, match=r"mtat-musicnn\.pth have sha256 .* expected 0a7ac8aa"):
        load_pretrained("mtat-musicnn")


@needs_pretrained
def test_state_dict_that_does_not_fit_is_refused_with_what_differs(tmp_path):
    sd = torch.load(ROOT / PRETRAINED["msd-fcn"].path, map_location="cpu")
    with pytest.raises(PretrainedWeightsError, match=r"msd-fcn\.pth does not match Musicnn: missing \[.bn\.bias.*unexpected \[.dense\.bias"):
        load_into(Musicnn(), sd, tmp_path / "msd-fcn.pth")
    sd["layer1.conv.weight"] = torch.zeros(32, 1, 3, 3)
    with pytest.raises(PretrainedWeightsError, match=r"shapes differ: layer1\.conv\.weight: file \(32, 1, 3, 3\)"):
        load_into(FCN(), sd, tmp_path / "msd-fcn.pth")


def test_mel_stride_keeps_the_weights_and_cuts_the_mel_positions():
    torch.manual_seed(0)
    full, strided = Musicnn().eval(), Musicnn(mel_stride=3).eval()
    strided.load_state_dict(full.state_dict())
    x = torch.randn(1, 96, 64)
    with torch.no_grad():
        a, b = full.frames(x), strided.frames(x)
    assert a.shape == b.shape == (1, 753, 64)
    # a max over every third mel position can only be lower than the max over all of them
    assert bool((b[:, :408] <= a[:, :408] + 1e-5).all())


def test_copy_of_pretrained_folder_without_fixtures_still_loads(tmp_path, monkeypatch):
    if not (ROOT / PRETRAINED["mtat-fcn"].path).is_file():
        pytest.skip(f"no pretrained taggers at {ROOT}")
    dst = tmp_path / PRETRAINED["mtat-fcn"].path
    dst.parent.mkdir(parents=True)
    shutil.copy(ROOT / PRETRAINED["mtat-fcn"].path, dst)
    monkeypatch.setenv("EMOLANE_PRETRAINED", str(tmp_path))
    module, _ = load_pretrained("mtat-fcn")
    assert isinstance(module, FCN)
