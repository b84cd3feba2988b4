"""Music items from a tiny self-made cache: building, skipping bad audio, loading by split, windows."""
import csv

import numpy as np
import pytest
import soundfile as sf

from model import prepare_data
from model.audio import LOG_FLOOR, N_MELS, SAMPLE_RATE
from model.data.music import crop, load_music, random_crop, random_window, window_starts
from model.data.augment import AugmentConfig
from model.data.cache import read_packed


def _tone(seconds: float, f: float) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (0.2 * np.sin(2 * np.pi * f * t)).astype(np.float32)


@pytest.fixture()
def fake_4q(tmp_path):
    """A datasets folder with three 4Q clips, one of them not audio at all."""
    root = tmp_path / "datasets"
    audio = root / "music" / "4q" / "audio"
    audio.mkdir(parents=True)
    rows = [("MTA", "Artist A", "Song A", "Q1"), ("MTB", "Artist B", "Song B", "Q3"),
            ("MTC", "Artist C", "Song C", "Q2")]
    with open(root / "music" / "4q" / "labels.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["clip", "artist", "title", "quadrant", "moods", "genres"])
        for r in rows:
            w.writerow([*r, "", ""])
    sf.write(audio / "MTA.mp3", _tone(8.0, 440), SAMPLE_RATE, format="MP3")
    sf.write(audio / "MTB.mp3", _tone(3.0, 220), SAMPLE_RATE, format="MP3")
    (audio / "MTC.mp3").write_bytes(b"this is not an mp3 file" * 10)
    splits = {"songs": {"s:a": "train", "s:b": "test", "s:c": "train"},
              "clips": {"4q:MTA": "s:a", "4q:MTB": "s:b", "4q:MTC": "s:c"}}
    return root, tmp_path / "cache", splits


def test_unreadable_audio_fails_the_set_when_over_the_limit(fake_4q, capsys):
    root, cache, splits = fake_4q
    with pytest.raises(prepare_data.TooManyFailures, match="1 of 3 items failed.*4q:MTC"):
        prepare_data.build_set("4q", root, cache, 1, 0.05, splits=splits)
    assert "skipped 4q:MTC" in capsys.readouterr().err
    assert set(read_packed("4q", cache)) == {"4q:MTA", "4q:MTB"}  # the good items are kept, packed
    assert not list((cache / "mel" / "4q").glob("*.npy"))  # per-item files are gone once packed


def test_unreadable_audio_is_skipped_within_the_limit_and_rerun_builds_nothing(fake_4q, monkeypatch, capsys):
    root, cache, splits = fake_4q
    first = prepare_data.build_set("4q", root, cache, 1, 0.5, splits=splits)
    assert first["items"] == 2 and first["failed"] == 1
    again = prepare_data.build_set("4q", root, cache, 1, 0.5, splits=splits)
    assert again["built"] == 0 and again["items"] == 2  # only the broken one is retried
    monkeypatch.setattr("model.data.music.load_splits", lambda: splits)
    train = load_music("train", sources=("4q",), cache=cache)
    test = load_music("test", sources=("4q",), cache=cache)
    assert [i.id for i in train] == ["4q:MTA"] and [i.id for i in test] == ["4q:MTB"]
    a = train[0]
    assert a.log_mel.dtype == np.float16 and a.log_mel.shape == (N_MELS, 8 * 64)
    assert (a.valence, a.arousal, a.polarity, a.quadrant, a.label_kind) == (1.0, 1.0, 2, 1, "sign")


def test_a_missing_datasets_folder_is_a_clear_error(tmp_path, capsys):
    assert prepare_data.main(["--datasets", str(tmp_path / "nope"), "--sets", "4q"]) == 1
    err = capsys.readouterr().err
    assert "datasets folder not found" in err and "EMOLANE_DATASETS" in err


def test_a_missing_cache_names_the_command_that_builds_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="model.prepare_data --sets vgmidi"):
        load_music("train", sources=("vgmidi",), cache=tmp_path)


def test_crop_pads_past_the_end_with_silence():
    mel = np.zeros((N_MELS, 100), np.float16)
    out = crop(mel, 50, 384)
    assert out.shape == (N_MELS, 384) and out.dtype == np.float32
    assert np.all(out[:, :50] == 0) and np.allclose(out[:, 50:], np.log(LOG_FLOOR))


def test_window_starts_tile_the_item_with_half_second_hops():
    assert window_starts(384 + 64) == [0, 32, 64]
    assert window_starts(100) == [0]
    assert window_starts(384 + 40)[-1] == 40  # the last window ends at the item's end


def test_random_windows_are_reproducible_and_inherit_clip_labels(fake_4q, monkeypatch):
    root, cache, splits = fake_4q
    prepare_data.build_set("4q", root, cache, 1, 0.5, splits=splits)
    monkeypatch.setattr("model.data.music.load_splits", lambda: splits)
    item = load_music("train", sources=("4q",), cache=cache)[0]
    m1, l1 = random_window(item, np.random.default_rng(5), config=AugmentConfig(p_tempo=1.0))
    m2, l2 = random_window(item, np.random.default_rng(5), config=AugmentConfig(p_tempo=1.0))
    assert m1.shape == (N_MELS, 384) and np.array_equal(m1, m2) and l1 == l2
    assert (l1.valence, l1.arousal, l1.polarity) == (1.0, 1.0, 2)
    plain, lab = random_crop(item, np.random.default_rng(0))
    assert plain.shape == (N_MELS, 384) and lab.kind == "sign"
