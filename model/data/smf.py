"""A small Standard MIDI File reader / writer: enough to re-voice a file and to find measure times.

`read_midi(bytes) -> Midi`; `Midi.to_bytes()` writes it back (running status expanded). Events keep
their raw bytes, so nothing this module does not understand is lost.
"""
from __future__ import annotations

import struct
from bisect import bisect_right
from dataclasses import dataclass, field

DEFAULT_TEMPO = 500_000  # microseconds per quarter note (120 bpm)
DRUM_CHANNEL = 9  # GM channel 10


class MidiError(ValueError):
    """The bytes are not a Standard MIDI File this reader understands."""


@dataclass
class Event:
    """One event at an absolute tick; `data` is the full message (status byte included, no delta)."""

    tick: int
    data: bytes

    @property
    def status(self) -> int:
        return self.data[0]

    @property
    def is_meta(self) -> bool:
        return self.data[0] == 0xFF

    @property
    def meta_type(self) -> int:
        return self.data[1] if self.is_meta else -1

    def meta_payload(self) -> bytes:
        """The data of a meta event (after type and length)."""
        _, offset = _read_varlen(self.data, 2)
        return self.data[offset:]


@dataclass
class Midi:
    """format, division (ticks per quarter; negative for SMPTE), tracks of absolute-tick events."""

    format: int
    division: int
    tracks: list[list[Event]] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        """Serialise as an SMF (no running status)."""
        out = bytearray(b"MThd" + struct.pack(">IHHH", 6, self.format, len(self.tracks), self.division & 0xFFFF))
        for track in self.tracks:
            body = bytearray()
            last = 0
            events = sorted(track, key=lambda e: e.tick)  # stable: keeps same-tick order
            if not events or events[-1].data[:2] != b"\xff\x2f":
                events.append(Event(events[-1].tick if events else 0, b"\xff\x2f\x00"))
            for e in events:
                if e.data[:2] == b"\xff\x2f" and e is not events[-1]:
                    continue  # only one end-of-track, at the end
                body += _varlen(e.tick - last) + e.data
                last = e.tick
            out += b"MTrk" + struct.pack(">I", len(body)) + body
        return bytes(out)

    def all_events(self) -> list[Event]:
        """Every event of every track, ordered by tick."""
        return sorted((e for t in self.tracks for e in t), key=lambda e: e.tick)

    def end_tick(self) -> int:
        """Tick of the last note-off (or of the last event if there are no notes)."""
        notes = [e.tick for e in self.all_events() if (e.status & 0xF0) in (0x80, 0x90) and not e.is_meta]
        return max(notes) if notes else max((e.tick for e in self.all_events()), default=0)


def _read_varlen(data: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for _ in range(4):
        if pos >= len(data):
            raise MidiError("variable-length number runs past the end of the data")
        b = data[pos]
        pos += 1
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            return value, pos
    raise MidiError("variable-length number longer than 4 bytes")


def _varlen(value: int) -> bytes:
    if value < 0:
        raise ValueError(f"delta time must be >= 0, got {value}")
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    return bytes(reversed(out))


_DATA_BYTES = {0x80: 2, 0x90: 2, 0xA0: 2, 0xB0: 2, 0xC0: 1, 0xD0: 1, 0xE0: 2}


def _read_track(chunk: bytes) -> list[Event]:
    events: list[Event] = []
    pos, tick, running = 0, 0, 0
    while pos < len(chunk):
        delta, pos = _read_varlen(chunk, pos)
        tick += delta
        if pos >= len(chunk):
            raise MidiError("track ends inside an event")
        status = chunk[pos]
        if status in (0xFF, 0xF0, 0xF7):  # meta (FF type len data) or sysex (F0/F7 len data)
            length, start = _read_varlen(chunk, pos + (2 if status == 0xFF else 1))
            if start + length > len(chunk):
                raise MidiError(f"event at track offset {pos} runs past the end of the track")
            events.append(Event(tick, chunk[pos:start + length]))
            pos = start + length
            if status == 0xFF and events[-1].data[1] == 0x2F:
                break  # end of track
            continue
        if status & 0x80:
            running = status
            pos += 1
        elif not running:
            raise MidiError(f"data byte 0x{status:02x} without a running status at track offset {pos}")
        n = _DATA_BYTES.get(running & 0xF0)
        if n is None:
            raise MidiError(f"unsupported status byte 0x{running:02x} at track offset {pos}")
        events.append(Event(tick, bytes([running]) + chunk[pos:pos + n]))
        pos += n
    return events


def read_midi(data: bytes) -> Midi:
    """Parses an SMF (format 0, 1 or 2); chunks other than MTrk are skipped."""
    if data[:4] != b"MThd" or len(data) < 14:
        raise MidiError(f"expected an SMF starting with 'MThd', got {data[:4]!r}")
    hlen, fmt, ntracks, division = struct.unpack(">IHHH", data[4:14])
    if division & 0x8000:
        division -= 0x10000  # SMPTE: negative frames per second in the high byte
    midi = Midi(fmt, division)
    pos = 8 + hlen
    while pos + 8 <= len(data) and len(midi.tracks) < ntracks:
        kind, length = data[pos:pos + 4], struct.unpack(">I", data[pos + 4:pos + 8])[0]
        chunk = data[pos + 8:pos + 8 + length]
        pos += 8 + length
        if kind == b"MTrk":
            midi.tracks.append(_read_track(chunk))
    if not midi.tracks:
        raise MidiError("no MTrk chunk in the file")
    return midi


def set_program(midi: Midi, program: int) -> Midi:
    """A copy that plays every non-drum channel with GM `program` (0..127): existing program changes are
    rewritten, bank selects zeroed, and a program change for each channel is added at tick 0."""
    if not 0 <= program <= 127:
        raise ValueError(f"GM program must be in 0..127, got {program}")
    tracks = []
    for t_index, track in enumerate(midi.tracks):
        new = []
        if t_index == 0:
            new += [Event(0, bytes([0xC0 | ch, program])) for ch in range(16) if ch != DRUM_CHANNEL]
        for e in track:
            st = e.status
            if not e.is_meta and st < 0xF0 and (st & 0x0F) != DRUM_CHANNEL:
                if st & 0xF0 == 0xC0:
                    e = Event(e.tick, bytes([st, program]))
                elif st & 0xF0 == 0xB0 and e.data[1] in (0, 32):
                    e = Event(e.tick, bytes([st, e.data[1], 0]))
            new.append(e)
        tracks.append(new)
    return Midi(midi.format, midi.division, tracks)


def close_hanging_notes(midi: Midi) -> Midi:
    """A copy with sustain-off and all-notes-off on every channel at the last note event.

    Some files leave notes on (VGMIDI's 'Cait Siths Theme' sends note-off for the wrong pitch); with a
    sustained GM program such a note never ends and fluidsynth renders silence-free audio forever.
    Files whose notes all end are rendered the same as before: nothing is held at the last note event.
    """
    end = midi.end_tick()
    closing = [Event(end, bytes([0xB0 | ch, cc, 0])) for ch in range(16) for cc in (64, 123)]
    tracks = [list(t) for t in midi.tracks]
    tracks[0] = tracks[0] + closing  # to_bytes sorts by tick and keeps end-of-track last
    return Midi(midi.format, midi.division, tracks)


@dataclass(frozen=True)
class TempoMap:
    """Tick -> seconds through the file's tempo changes."""

    division: int
    ticks: tuple[int, ...]  # change points, starting with 0
    seconds: tuple[float, ...]  # time at each change point
    tempos: tuple[int, ...]  # microseconds per quarter from each change point

    def to_seconds(self, tick: float) -> float:
        if self.division < 0:  # SMPTE: high byte -fps (two's complement), low byte ticks per frame
            raw = self.division & 0xFFFF
            return tick / ((256 - (raw >> 8)) * max(raw & 0xFF, 1))
        i = bisect_right(self.ticks, tick) - 1
        return self.seconds[i] + (tick - self.ticks[i]) * self.tempos[i] / 1e6 / self.division


def tempo_map(midi: Midi) -> TempoMap:
    """The tempo map from every track's set-tempo meta events (the last one wins at equal ticks)."""
    changes: dict[int, int] = {0: DEFAULT_TEMPO}
    for e in midi.all_events():
        if e.meta_type == 0x51:
            p = e.meta_payload()
            if len(p) == 3:
                changes[e.tick] = (p[0] << 16) | (p[1] << 8) | p[2]
    ticks = sorted(changes)
    seconds = [0.0]
    for a, b in zip(ticks, ticks[1:]):
        seconds.append(seconds[-1] + (b - a) * changes[a] / 1e6 / max(midi.division, 1))
    return TempoMap(midi.division, tuple(ticks), tuple(seconds), tuple(changes[t] for t in ticks))


def time_signatures(midi: Midi) -> list[tuple[int, int, int]]:
    """[(tick, numerator, denominator)], starting with 4/4 at tick 0 unless the file says otherwise."""
    sigs: dict[int, tuple[int, int]] = {0: (4, 4)}
    for e in midi.all_events():
        if e.meta_type == 0x58:
            p = e.meta_payload()
            if len(p) >= 2 and p[0] > 0:
                sigs[e.tick] = (p[0], 2 ** p[1])
    return [(t, *sigs[t]) for t in sorted(sigs)]


def measure_ticks(midi: Midi, n_measures: int | None = None) -> list[int]:
    """Measure start ticks from tick 0: n_measures + 1 boundaries, or every start up to the end of the notes.

    A measure lasts numerator * 4 / denominator quarters of the signature in force at its start; a
    signature change inside a measure starts a new measure at the change (no pickup is assumed).
    """
    if midi.division <= 0:
        raise MidiError("measure times need a ticks-per-quarter division, this file uses SMPTE time")
    sigs = time_signatures(midi)
    end = midi.end_tick()
    starts = [0]
    k = 0
    while True:
        tick = starts[-1]
        while k + 1 < len(sigs) and sigs[k + 1][0] <= tick:
            k += 1
        num, den = sigs[k][1], sigs[k][2]
        length = num * midi.division * 4 / den
        nxt = tick + length
        if k + 1 < len(sigs) and sigs[k + 1][0] < nxt:
            nxt = sigs[k + 1][0]
        starts.append(int(round(nxt)))
        if n_measures is not None and len(starts) == n_measures + 1:
            return starts
        if n_measures is None and starts[-1] >= end:
            return starts
        if len(starts) > 100_000:
            raise MidiError("more than 100,000 measures: the time signature data looks broken")


def measure_seconds(midi: Midi, n_measures: int | None = None) -> list[float]:
    """measure_ticks converted to seconds with the tempo map."""
    tm = tempo_map(midi)
    return [tm.to_seconds(t) for t in measure_ticks(midi, n_measures)]
