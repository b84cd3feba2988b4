"""Builds the log-mel caches: every item of a set packed in one float16 .npy, and a per-set index.

Layout under `cache_dir()` (model/.cache, git-ignored):
    packed/<set>.npy          float16 (total frames, 64): items one after another, time-major, each
                              exactly model.audio.log_mel of the item's PCM (ln(mel + 1e-6)), transposed
    index/<set>.json          every packed item: offset and frames in the pack, labels (load_music reads it)
    mel/<set>/<item>.json     how each item was made: seconds, frames, render gain, peak ...
    mel/<set>/<item>.npy      an item built but not yet packed (deleted once packed)
    emopia_midis/             midis.zip extracted
An item with a sidecar and either its own .npy or a place in the pack is not rebuilt, so an interrupted
build resumes where it stopped. One file per set keeps load_music to one memory map per set (one
memory map per item would hold one file descriptor per item, thousands, past the usual limit of 1024).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.audio import FRAMES_PER_SECOND, MEL_SCALE, N_MELS, SAMPLE_RATE, load_audio, log_mel

from .music_sources import Clip, read_lyrics
from .render import GM_PROGRAMS, normalise_loudness, render_midi
from .smf import close_hanging_notes, read_midi, set_program, tempo_map

CACHE_VERSION = 2 if MEL_SCALE == "htk" else f"2-{MEL_SCALE}"  # 2: 96 HTK mels from 0 Hz, floor 1e-10 (the Won et al. taggers' front end)
VARIANTS = {  # renders made per clip of each set
    "4q": ("audio",),
    "mirex": ("audio", "midi"),
    "emopia": ("piano",),  # one render each: the fine-tuned tagger already hears timbre; renders
    "vgmidi": ("piano",),  # in other programs cost cache time the 3-hour training budget needs elsewhere
}
MAX_MIDI_SECONDS = {"mirex": 240.0}  # MIREX MIDI files are whole songs (up to 14 min): keep the first 4 min
VGMIDI_DURATION_TOLERANCE = 0.05  # relative; see vgmidi_curve


@dataclass(frozen=True)
class Task:
    """One item to cache (picklable, handed to a worker process)."""

    item: str
    clip: str
    source: str
    variant: str
    input: str  # absolute path of the MP3 / MIDI file
    out: str  # absolute path of the .npy to write
    program: int | None = None  # GM program to re-voice with; None keeps the file's programs
    max_seconds: float | None = None


def safe_name(item_id: str) -> str:
    """A file name for an item id: readable part plus a short hash (ids contain ':' and spaces)."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", item_id.split(":", 1)[1])[:80]
    return f"{readable}-{hashlib.sha1(item_id.encode()).hexdigest()[:8]}"


def extract_emopia(root: Path, cache: Path) -> Path:
    """Extracts midis.zip into cache/emopia_midis once; returns that folder."""
    dest = cache / "emopia_midis"
    marker = dest / ".complete"
    if marker.exists():
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(root / "music" / "emopia" / "midis.zip") as z:
        for name in z.namelist():
            if name.startswith("midis/") and name.endswith(".mid"):
                (dest / Path(name).name).write_bytes(z.read(name))
    marker.write_text("ok\n")
    return dest


def item_id(clip: Clip, variant: str) -> str:
    """'4q:MT..' for decoded audio; '<clip>:<variant>' for renders."""
    return clip.clip if variant == "audio" else f"{clip.clip}:{variant}"


def make_tasks(clips: list[Clip], root: Path, cache: Path) -> list[Task]:
    """Every (clip, variant) the sets call for, with input and output paths."""
    tasks = []
    emopia_dir = None
    for c in clips:
        for variant in VARIANTS[c.source]:
            if variant == "audio":
                src = root / c.audio
            elif c.midi is None:
                continue
            elif c.midi.startswith("zip:"):
                emopia_dir = emopia_dir or extract_emopia(root, cache)
                src = emopia_dir / Path(c.midi[4:]).name
            else:
                src = root / c.midi
            iid = item_id(c, variant)
            out = cache / "mel" / c.source / f"{safe_name(iid)}.npy"
            program = GM_PROGRAMS.get(variant)
            tasks.append(Task(iid, c.clip, c.source, variant, str(src), str(out), program,
                              MAX_MIDI_SECONDS.get(c.source) if variant != "audio" else None))
    return tasks


def is_done(task: Task, packed: dict | None = None) -> bool:
    """The item has a sidecar of this cache version and its log-mel is in its own .npy or in `packed`."""
    side = Path(task.out).with_suffix(".json")
    if not side.exists() or not (Path(task.out).exists() or (packed is not None and task.item in packed)):
        return False
    try:
        return json.loads(side.read_text()).get("cache_version") == CACHE_VERSION
    except ValueError:
        return False


def read_packed(source: str, cache: Path) -> dict[str, tuple[int, int]]:
    """item -> (offset, frames) of the set's current pack; {} when there is none."""
    index, pack = cache / "index" / f"{source}.json", cache / "packed" / f"{source}.npy"
    if not (index.exists() and pack.exists()):
        return {}
    try:
        doc = json.loads(index.read_text(encoding="utf-8"))
    except ValueError:
        return {}
    if doc.get("cache_version") != CACHE_VERSION:
        return {}
    return {e["id"]: (e["offset"], e["frames"]) for e in doc["items"] if "offset" in e}


def _write_atomic(path: Path, write) -> None:
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    with open(tmp, "wb") as f:
        write(f)
    os.replace(tmp, path)


def build_item(task: Task) -> dict:
    """Decodes or renders one item, writes its .npy and sidecar; returns the sidecar (or {'error': ...})."""
    t0 = time.time()
    meta: dict = {"item": task.item, "cache_version": CACHE_VERSION, "variant": task.variant}
    try:
        Path(task.out).parent.mkdir(parents=True, exist_ok=True)
        if task.variant == "audio":
            pcm = load_audio(task.input)
        else:
            try:
                midi = read_midi(Path(task.input).read_bytes())
            except (OSError, ValueError) as e:
                raise ValueError(f"cannot read MIDI {task.input}: {e}") from e
            tm = tempo_map(midi)
            meta["midi_seconds"] = tm.to_seconds(midi.end_tick())
            if task.program is not None:
                midi = set_program(midi, task.program)
            midi = close_hanging_notes(midi)
            pcm = render_midi(midi.to_bytes(), workdir=str(Path(task.out).parent))
            if task.max_seconds:
                pcm = pcm[: int(task.max_seconds * SAMPLE_RATE)]
            meta["raw_peak"] = float(np.abs(pcm).max())
            pcm, meta["gain_db"] = normalise_loudness(pcm)
        if not np.all(np.isfinite(pcm)):
            raise ValueError(f"{task.input}: decoded audio has NaN or infinite samples")
        mel = log_mel(pcm).astype(np.float16)
        out = Path(task.out)
        _write_atomic(out, lambda f: np.save(f, mel))
        meta.update(frames=int(mel.shape[1]), seconds=len(pcm) / SAMPLE_RATE, build_seconds=time.time() - t0,
                    peak=float(np.abs(pcm).max()),
                    rms_db=float(10 * np.log10(np.mean(pcm.astype(np.float64) ** 2) + 1e-12)))
        _write_atomic(out.with_suffix(".json"), lambda f: f.write(json.dumps(meta).encode()))
        return meta
    except Exception as e:  # noqa: BLE001 - every failure is reported per item by the caller
        return {"item": task.item, "error": f"{type(e).__name__}: {e}"}


def vgmidi_curve(annotation: dict, midi_seconds: float | None) -> dict:
    """Curve boundaries for a VGMIDI piece, as the annotation tool defined its 'measures'.

    The tool (lucasnfe/adl-music-annotation, annotation-controller.js) stored the reading at playback
    time t into bin floor(t / duration * measures), where duration is the length of ITS render and
    measures = ceil(quarter notes / 4). So bin i spans [i, i + 1) * duration / measures seconds: equal
    time bins, which match real bar lines only for 4/4 pieces at a steady tempo. Our render plays the
    same MIDI with the same timing, so the bins are used as they are; when our MIDI length differs from
    the tool's duration by more than VGMIDI_DURATION_TOLERANCE (a different edit of the file), the
    bins are stretched over our MIDI length instead.
    """
    m = int(annotation["measures"])
    duration = float(annotation["duration"])
    stretched = False
    if midi_seconds and abs(midi_seconds - duration) > VGMIDI_DURATION_TOLERANCE * duration:
        duration, stretched = float(midi_seconds), True
    return {"boundaries": np.linspace(0.0, duration, m + 1).tolist(), "valence": annotation["valence"],
            "arousal": annotation["arousal"], "stretched": stretched, "raters": annotation["raters"]}


def index_entry(task: Task, clip: Clip, meta: dict, root: Path, cache: Path) -> dict:
    """What load_music needs about one cached item, labels included (no dataset access at load time)."""
    entry = {
        "id": task.item, "clip": clip.clip, "source": clip.source, "variant": task.variant,
        "frames": meta["frames"],
        "valence": clip.valence, "arousal": clip.arousal, "label_kind": clip.label_kind,
        "polarity": clip.polarity, "quadrant": clip.quadrant, "cluster": clip.cluster,
        "lyrics": read_lyrics(root, clip.lyrics) if clip.lyrics else None, "curve": None,
    }
    if clip.source == "vgmidi":
        entry["curve"] = vgmidi_curve(clip.extra["annotation"], meta.get("midi_seconds"))
    return entry


def pack_and_index(source: str, tasks: list[Task], clips: dict[str, Clip], root: Path, cache: Path) -> dict:
    """Packs every done item of the set into packed/<set>.npy, writes index/<set>.json, then deletes the
    per-item .npy files now in the pack. Returns {'items', 'hours', 'bytes'}."""
    old = read_packed(source, cache)
    pack_path = cache / "packed" / f"{source}.npy"
    old_pack = np.load(pack_path, mmap_mode="r") if old else None
    done = [t for t in tasks if is_done(t, old)]
    metas = [json.loads(Path(t.out).with_suffix(".json").read_text()) for t in done]
    total = sum(m["frames"] for m in metas)
    pack_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = pack_path.with_name(f"{source}.tmp{os.getpid()}.npy")
    packed = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float16, shape=(total, N_MELS))
    entries, offset = [], 0
    for t, meta in zip(done, metas):
        if Path(t.out).exists():
            mel = np.load(t.out)  # (64, T)
        else:
            o, n = old[t.item]
            mel = old_pack[o:o + n].T
        if mel.shape != (N_MELS, meta["frames"]):
            raise ValueError(f"{t.item}: cached log-mel has shape {mel.shape}, "
                             f"sidecar says ({N_MELS}, {meta['frames']})")
        packed[offset:offset + meta["frames"]] = mel.T
        entry = index_entry(t, clips[t.clip], meta, root, cache)
        entry["offset"] = offset
        entries.append(entry)
        offset += meta["frames"]
    packed.flush()
    del packed, old_pack
    os.replace(tmp, pack_path)
    doc = {"schema": "emolane.mel-index/2", "cache_version": CACHE_VERSION, "source": source,
           "pack": str(pack_path.relative_to(cache)),
           "layout": "(frames, 64) float16, item = pack[offset:offset+frames].T",
           "frames_per_second": FRAMES_PER_SECOND, "items": entries}
    index_path = cache / "index" / f"{source}.json"
    index_path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(index_path, lambda f: f.write(json.dumps(doc, ensure_ascii=False).encode("utf-8")))
    for t in done:
        Path(t.out).unlink(missing_ok=True)
    return {"items": len(entries), "hours": total / FRAMES_PER_SECOND / 3600, "bytes": pack_path.stat().st_size}
