"""MIDI reading, re-voicing and VGMIDI's time-continuous labels, on tiny MIDI files made here."""
import shutil
import struct

import numpy as np
import pytest

from model.data.cache import vgmidi_curve
from model.data.music import window_labels
from model.data.records import Curve, MusicItem
from model.audio import N_MELS, SAMPLE_RATE
from model.data.render import GM_PROGRAMS, SOUNDFONT, render_midi
from model.data.smf import (
    Event, Midi, MidiError, close_hanging_notes, measure_seconds, read_midi, set_program, tempo_map,
)


def _tempo(tick: int, bpm: float) -> Event:
    us = int(round(60e6 / bpm))
    return Event(tick, b"\xff\x51\x03" + us.to_bytes(3, "big"))


def _timesig(tick: int, num: int, den_pow: int) -> Event:
    return Event(tick, bytes([0xFF, 0x58, 4, num, den_pow, 24, 8]))


def _note(tick: int, dur: int, pitch: int = 60, ch: int = 0) -> list[Event]:
    return [Event(tick, bytes([0x90 | ch, pitch, 100])), Event(tick + dur, bytes([0x80 | ch, pitch, 0]))]


def _song() -> Midi:
    """Bar 1 in 4/4 at 120 bpm (2 s), bar 2 in 4/4 at 240 bpm (1 s), bars 3-4 in 3/4 at 240 bpm (0.75 s each)."""
    conductor = [_tempo(0, 120), _timesig(0, 4, 2), _tempo(1920, 240), _timesig(3840, 3, 2)]
    notes = [e for t in range(0, 6720, 480) for e in _note(t, 400)]
    return Midi(1, 480, [conductor, [Event(0, bytes([0xC0, 5]))] + notes])


def test_measure_times_follow_tempo_changes_and_time_signatures():
    midi = read_midi(_song().to_bytes())
    assert measure_seconds(midi, 4) == pytest.approx([0.0, 2.0, 3.0, 3.75, 4.5])


def test_measures_without_a_count_run_to_the_last_note():
    assert measure_seconds(read_midi(_song().to_bytes()))[-1] == pytest.approx(4.5)


def test_ticks_convert_to_seconds_through_the_tempo_map():
    tm = tempo_map(read_midi(_song().to_bytes()))
    assert tm.to_seconds(960) == pytest.approx(1.0)  # half of bar 1 at 120 bpm
    assert tm.to_seconds(1920 + 480) == pytest.approx(2.25)  # one beat into bar 2 at 240 bpm


def test_running_status_is_expanded_when_reading():
    body = bytes([0, 0x90, 60, 100, 0x81, 0x70, 62, 100, 0, 0xFF, 0x2F, 0])  # delta 240, then status reused
    data = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 96) + b"MTrk" + struct.pack(">I", len(body)) + body
    events = read_midi(data).tracks[0]
    assert [e.data for e in events[:2]] == [bytes([0x90, 60, 100]), bytes([0x90, 62, 100])]
    assert events[1].tick == 240


def test_non_midi_bytes_raise_a_clear_error():
    with pytest.raises(MidiError, match="MThd"):
        read_midi(b"RIFF0000WAVE")


def test_set_program_revoices_every_channel_but_drums():
    song = _song()
    song.tracks[1].append(Event(0, bytes([0xC9, 0])))  # drum channel program stays
    out = read_midi(set_program(song, 48).to_bytes())
    programs = {(e.status & 0x0F, e.data[1]) for t in out.tracks for e in t
                if not e.is_meta and e.status & 0xF0 == 0xC0}
    assert (0, 48) in programs and (0, 5) not in programs and (9, 0) in programs
    assert all(p == 48 for ch, p in programs if ch != 9)


def test_vgmidi_bins_are_equal_time_slices_of_the_annotated_duration():
    ann = {"measures": 4, "duration": 8.0, "valence": [0.1, 0.2, 0.3, 0.4], "arousal": [0, 0, 0, 0], "raters": 3}
    assert vgmidi_curve(ann, midi_seconds=8.1)["boundaries"] == [0.0, 2.0, 4.0, 6.0, 8.0]
    stretched = vgmidi_curve(ann, midi_seconds=12.0)  # a different edit of the file: bins follow our MIDI
    assert stretched["stretched"] and stretched["boundaries"][-1] == 12.0


def _curve_item(curve: Curve) -> MusicItem:
    return MusicItem("vgmidi:x:piano", "vgmidi:x", "vgmidi:x", "vgmidi", "piano", "train",
                     np.zeros((N_MELS, 1000), np.float16), 0.0, 0.0, "continuous", 1, curve=curve)


def test_window_target_is_the_time_weighted_mean_of_the_curve():
    curve = Curve(np.array([0.0, 2.0, 8.0]), np.array([1.0, -0.5], np.float32), np.array([0.0, 0.6], np.float32))
    lab = window_labels(_curve_item(curve), start_frame=64, n_frames=384)  # 1 s .. 7 s
    assert lab.valence == pytest.approx((1.0 * 1 + -0.5 * 5) / 6)
    assert lab.arousal == pytest.approx(0.6 * 5 / 6)
    assert lab.polarity == 0 and lab.kind == "continuous"


def test_window_beyond_the_annotated_span_has_no_target():
    curve = Curve(np.array([0.0, 2.0]), np.array([1.0], np.float32), np.array([0.0], np.float32))
    lab = window_labels(_curve_item(curve), start_frame=640, n_frames=384)
    assert np.isnan(lab.valence) and lab.polarity == -1


def _hanging() -> Midi:
    """One note that is switched on and never off (the off goes to another pitch), then a normal note."""
    events = [Event(0, bytes([0x90, 71, 100])), Event(480, bytes([0x90, 72, 0])),
              *_note(480, 480, pitch=60)]
    return Midi(1, 480, [[_tempo(0, 120), Event(0, b"\xff\x2f\x00")], events])


def test_hanging_notes_are_closed_at_the_last_note_event():
    out = read_midi(close_hanging_notes(_hanging()).to_bytes())
    closing = [e for e in out.tracks[0] if not e.is_meta and e.status & 0xF0 == 0xB0 and e.data[1] == 123]
    assert len(closing) == 16 and {e.tick for e in closing} == {960}
    assert out.tracks[0][-1].data == b"\xff\x2f\x00"  # end of track stays last


@pytest.mark.skipif(shutil.which("fluidsynth") is None or not SOUNDFONT.exists(), reason="fluidsynth not installed")
def test_a_sustained_program_with_a_hanging_note_still_renders_to_its_end():
    midi = close_hanging_notes(set_program(_hanging(), GM_PROGRAMS["strings"]))
    pcm = render_midi(midi.to_bytes())
    assert 1.0 < len(pcm) / SAMPLE_RATE < 6.0  # 1 s of notes plus release and reverb, not forever
