"""The shipped, trained studio checkpoint reads a real song and plain lyrics the way a listener would.

Runs only once model/manifest.json says the shipped files are trained; then the checkpoint must be there.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from model import audio
from model.model import load_checkpoint
from model.tokenizer import Tokenizer

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((ROOT / "model" / "manifest.json").read_text())
pytestmark = pytest.mark.skipif(not MANIFEST["trained"], reason="the shipped model is the untrained placeholder")
torch.set_num_threads(2)


@pytest.fixture(scope="module")
def trained():
    from model.config import preset

    tok = Tokenizer.load()
    model, _ = load_checkpoint(ROOT / "model" / "checkpoints" / "studio.pt", expected=preset("studio", vocab_size=tok.vocab_size))
    return model.eval(), tok


def read(model, tok, texts):
    ids, mask = tok.encode_batch(texts)
    with torch.no_grad():
        return model.encode_text(torch.from_numpy(ids), torch.from_numpy(mask))


def test_happy_lyrics_read_more_pleasant_than_sad_ones(trained):
    model, tok = trained
    out = read(model, tok, ["Oh what a lovely day, I'm laughing with my friends in the sun",
                            "I'm crying all alone, my tears will never dry, love has said goodbye"])
    valence = out["lyrics_va"][:, 0]
    assert valence[0] > valence[1] + 0.1
    polarity = torch.softmax(out["lyrics_polarity"], -1)
    assert polarity[0].argmax() == 2 and polarity[1].argmax() == 0


def test_word_level_valence_follows_the_words(trained):
    model, tok = trained
    ids = tok.encode("joy love hate grief")
    with torch.no_grad():
        tv = model.encode_text(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.long))["token_va"][0, 1:-1, 0]
    assert min(tv[0], tv[1]) > max(tv[2], tv[3])


def test_demo_song_windows_give_sound_readings(trained):
    model, tok = trained
    pcm = audio.load_audio(str(ROOT / "examples" / "demo-song.mp3"))
    mel = audio.log_mel(pcm)
    starts = range(0, mel.shape[1] - audio.WINDOW_FRAMES, audio.HOP_FRAMES * 8)
    windows = torch.from_numpy(np.stack([mel[:, s:s + audio.WINDOW_FRAMES] for s in starts]))
    lrc = (ROOT / "examples" / "demo-song.lrc").read_text()
    lines = [re.sub(r"^\[[\d:.]+\]", "", l) for l in lrc.splitlines() if re.match(r"^\[\d", l)]
    with torch.no_grad():
        frames = model.encode_audio(windows)
        text = read(model, tok, [lines[0]] * len(windows) )
        fused = model.fuse(frames, text["token_states"], torch.ones(text["token_states"].shape[:2], dtype=torch.long))
        empty = read(model, tok, [""] * len(windows))
        instrumental = model.fuse(frames, empty["token_states"], torch.ones(len(windows), 2, dtype=torch.long))
    assert frames.shape == (len(windows), 12, model.config.dim)
    for out in (fused, instrumental):
        for name in ("va", "audio_va"):
            assert torch.isfinite(out[name]).all() and out[name].abs().max() <= 1
        p = torch.softmax(out["polarity"], -1)
        assert torch.allclose(p.sum(-1), torch.ones(len(windows)))
    # the audio-only reading does not depend on the lyrics
    torch.testing.assert_close(fused["audio_va"], instrumental["audio_va"])
