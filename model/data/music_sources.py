"""The labelled music clips of each set, read from the label files only (no audio is touched here).

A `Clip` is one labelled unit: a 4Q or MIREX audio preview, an EMOPIA MIDI clip, a VGMIDI piece.
Caching turns each clip into one or more `MusicItem`s (renders); they all keep the clip's song.
"""
from __future__ import annotations

import csv
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .labels import cluster_labels, parse_quadrant, quadrant_from_va, quadrant_labels
from .paths import dataset_file
from .records import polarity_from_valence

MUSIC_SOURCES = ("4q", "mirex", "emopia", "vgmidi")


@dataclass(frozen=True)
class Clip:
    """A labelled clip before caching; `song_key` is its grouping key before cross-set merging."""

    clip: str  # "4q:MT0000004637", "mirex:004", "emopia:Q1_0vLPYiPN7qY_0", "vgmidi:<midi stem>"
    source: str
    song_key: str
    valence: float
    arousal: float
    label_kind: str  # "sign" | "continuous"
    polarity: int
    quadrant: int = -1
    cluster: int = -1
    audio: str | None = None  # path relative to the datasets root (4Q, MIREX previews)
    midi: str | None = None  # path relative to the datasets root, or "zip:<member>" for EMOPIA
    lyrics: str | None = None  # path relative to the datasets root
    extra: dict = field(default_factory=dict, compare=False, hash=False)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def normalise_artist(artist: str) -> str:
    """Artist key: folded words, sorted ('Brown, Ruth' == 'Ruth Brown'), without 'the' / 'and'."""
    words = re.findall(r"[a-z0-9]+", _fold(artist).replace("&", " and "))
    return " ".join(sorted(w for w in words if w not in ("the", "and")))


def normalise_title(title: str) -> str:
    """Title key: folded, trailing bracketed parts dropped ('(Live)', '[Remastered]'; a leading '(Mama)'
    stays), letters and digits only."""
    text = _fold(title).strip()
    while (stripped := re.sub(r"\s*[\(\[][^\(\)\[\]]*[\)\]]$", "", text)) != text and stripped:
        text = stripped.strip()
    return "".join(re.findall(r"[a-z0-9]+", text))


def song_key(artist: str, title: str, clip: str) -> str:
    """'song:<artist key>|<title key>', shared by 4Q and MIREX so one song is one group across sets;
    'clip:<clip>' when the label file gives no usable title (the clip is then a song of its own)."""
    title_key = normalise_title(title)
    if not title_key:
        return f"clip:{clip}"
    return f"song:{normalise_artist(artist)}|{title_key}"


def read_4q(root: Path) -> list[Clip]:
    """The 600 4Q previews with quadrant labels."""
    path = dataset_file(root, "music", "4q", "labels.csv")
    clips = []
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            q = parse_quadrant(row["quadrant"])
            v, a, pol = quadrant_labels(q)
            cid = f"4q:{row['clip']}"
            clips.append(Clip(cid, "4q", song_key(row["artist"], row["title"], cid), v, a, "sign",
                              pol, quadrant=q, audio=f"music/4q/audio/{row['clip']}.mp3",
                              extra={"artist": row["artist"], "title": row["title"]}))
    return clips


def read_mirex(root: Path) -> list[Clip]:
    """The 753 MIREX-like clips with clusters; lyrics and MIDI where the set has them."""
    path = dataset_file(root, "music", "mirex", "labels.csv")
    clips = []
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            cluster = int(row["cluster"])
            v, a, pol = cluster_labels(cluster)
            cid = row["clip"]
            clips.append(Clip(
                f"mirex:{cid}", "mirex", song_key(row["artist"], row["title"], f"mirex:{cid}"), v, a, "sign", pol,
                cluster=cluster,
                audio=f"music/mirex/audio/{cid}.mp3",
                midi=f"music/mirex/midi/{cid}.mid" if row["has_midi"] == "1" else None,
                lyrics=f"music/mirex/lyrics/{cid}.txt" if row["has_lyrics"] == "1" else None,
                extra={"artist": row["artist"], "title": row["title"], "mood": row["mood"]}))
    return clips


def parse_emopia_name(name: str) -> tuple[int, str, str]:
    """'Q1_0vLPYiPN7qY_0.mid' -> (1, '0vLPYiPN7qY', '0'); YouTube ids may themselves contain '_'."""
    stem = Path(name).name.rsplit(".", 1)[0]
    m = re.fullmatch(r"(Q[1-4])_(.+)_(\d+)", stem)
    if not m:
        raise ValueError(f"expected an EMOPIA name Q<1-4>_<youtube id>_<n>.mid, got {name!r}")
    return parse_quadrant(m.group(1)), m.group(2), m.group(3)


def read_emopia(root: Path) -> list[Clip]:
    """The 1,078 EMOPIA MIDI clips (inside midis.zip); quadrant from the name, song = YouTube id."""
    path = dataset_file(root, "music", "emopia", "midis.zip")
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if n.startswith("midis/") and n.endswith(".mid"))
    clips = []
    for name in names:
        q, yt, _ = parse_emopia_name(name)
        v, a, pol = quadrant_labels(q)
        stem = Path(name).stem
        clips.append(Clip(f"emopia:{stem}", "emopia", f"emopia:{yt}", v, a, "sign", pol, quadrant=q,
                          midi=f"zip:{name}"))
    return clips


def read_vgmidi_annotations(root: Path) -> dict[str, dict]:
    """midi file name -> {'measures': M, 'duration': s, 'valence': [M] mean, 'arousal': [M] mean, 'raters': n}."""
    out: dict[str, dict] = {}
    for n in (1, 2):
        path = dataset_file(root, "music", "vgmidi", "annotations", f"vgmidi_raw_{n}.json")
        data = json.loads(path.read_text(encoding="utf-8"))
        per_piece: dict[str, list[dict]] = {}
        for key, ann in data["annotations"].items():
            per_piece.setdefault(key.rsplit("_", 1)[0], []).append(ann)
        for pid, piece in data["pieces"].items():
            anns = per_piece.get(pid, [])
            m = int(piece["measures"])
            # a few raters have one value more than the piece has measures: keep the first M
            rows = [a for a in anns if len(a["valence"]) >= m and len(a["arousal"]) >= m]
            if not rows or m == 0:
                continue
            val = [sum(a["valence"][i] for a in rows) / len(rows) for i in range(m)]
            aro = [sum(a["arousal"][i] for a in rows) / len(rows) for i in range(m)]
            out[piece["midi"]] = {"measures": m, "duration": float(piece["duration"]), "valence": val,
                                  "arousal": aro, "raters": len(rows), "name": piece["name"]}
    return out


def read_vgmidi(root: Path) -> list[Clip]:
    """The VGMIDI pieces that have per-measure annotations (200 of 204 labelled MIDI files)."""
    ann = read_vgmidi_annotations(root)
    clips = []
    for midi in sorted(ann):
        if not (root / "music" / "vgmidi" / "midi" / midi).exists():
            continue
        a = ann[midi]
        v = sum(a["valence"]) / len(a["valence"])
        ar = sum(a["arousal"]) / len(a["arousal"])
        stem = midi.rsplit(".", 1)[0]
        clips.append(Clip(f"vgmidi:{stem}", "vgmidi", f"vgmidi:{stem}", v, ar, "continuous",
                          polarity_from_valence(v), quadrant=quadrant_from_va(v, ar),
                          midi=f"music/vgmidi/midi/{midi}", extra={"annotation": a}))
    return clips


READERS = {"4q": read_4q, "mirex": read_mirex, "emopia": read_emopia, "vgmidi": read_vgmidi}


def read_clips(root: Path, sources=MUSIC_SOURCES) -> list[Clip]:
    """All labelled clips of the given sets, in a fixed order."""
    out: list[Clip] = []
    for s in sources:
        if s not in READERS:
            raise ValueError(f"unknown music source {s!r}; expected one of {MUSIC_SOURCES}")
        out.extend(READERS[s](root))
    return out


def read_lyrics(root: Path, rel: str) -> str:
    """Lyrics text with line endings unified to '\\n' (some files use CR or CRLF)."""
    raw = dataset_file(root, *rel.split("/")).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()

