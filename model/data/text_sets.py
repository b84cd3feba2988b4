"""The shared text sets as one list of TextRecord (valence / arousal in [-1, 1] or NaN, polarity).

Rescaling and polarity, per set (NEUTRAL_BAND = 0.1 on the [-1, 1] valence scale):
- emobank: V, A on 1..5 -> (x - 3) / 2; polarity from V with the neutral band; its own split column
  (dev -> val).
- goemotions (the `group` taxonomy; a comment may carry several groups): positive and negative both
  -> unknown; positive -> 2; negative -> 0; neutral alone -> 1; ambiguous without positive/negative
  -> unknown (-1). No valence / arousal. Its own train / dev / test files.
- vader (tweets, movie reviews, NYT editorials, Amazon reviews): mean valence -4..4 -> x / 4,
  polarity with the neutral band (|raw| < 0.4); no arousal.
- semeval2018: valence ordinal -3..3 -> x / 3; 0 ("neutral or mixed") -> neutral, else its sign.
- facebook: two raters per post, row i and row i + N/2 of the file (the second half mostly has the
  text blanked; the raters correlate at r = 0.77 / 0.83, which confirms the pairing). V, A = mean of
  the raters on 1..9 -> (x - 5) / 4; polarity from V with the neutral band.
- facebook text: 40 posts are UTF-8 decoded twice as cp1252 ('Ã¢â‚¬Å“'); `fix_mojibake` repairs them.
- isear: joy -> positive, the other six emotions (anger, disgust, fear, guilt, sadness, shame)
  -> negative; no valence / arousal.
Sets without a split get `hashed_split`: a seeded 80 / 10 / 10 split by the hash of the normalised
text, so duplicates (and the same text in two sets) land in the same split.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .paths import dataset_file, datasets_root
from .records import NAN, NEGATIVE, NEUTRAL, POSITIVE, SPLITS, UNKNOWN, TextRecord, polarity_from_valence

TEXT_SPLIT_SEED = "emolane-text-split-v1"
TEXT_FRACTIONS = (0.8, 0.1, 0.1)
TEXT_SOURCES = ("emobank", "goemotions", "vader", "semeval2018", "facebook", "isear")
VADER_FILES = {
    "tweets": "tweets_GroundTruth.txt",
    "movies": "movieReviewSnippets_GroundTruth.txt",
    "nyt": "nytEditorialSnippets_GroundTruth.txt",
    "amazon": "amazonReviewSnippets_GroundTruth.txt",
}


def _norm_key(text: str) -> str:
    from model.tokenizer import normalize

    return re.sub(r"\s+", " ", normalize(text)).strip()


def hashed_split(text: str, seed: str = TEXT_SPLIT_SEED, fractions: tuple[float, float, float] = TEXT_FRACTIONS) -> str:
    """'train' / 'val' / 'test' from sha1(seed + normalised text): stable, order-free, duplicates together."""
    digest = hashlib.sha1((seed + "\x00" + _norm_key(text)).encode("utf-8")).digest()
    u = int.from_bytes(digest[:8], "big") / 2.0**64
    if u < fractions[0]:
        return "train"
    return "val" if u < fractions[0] + fractions[1] else "test"


_MOJIBAKE_MARKS = ("Ã", "Â", "â€", "Ã¢")


def _cp1252_bytes(text: str) -> bytes | None:
    out = bytearray()
    for c in text:
        if ord(c) < 256:
            out.append(ord(c))
        else:
            try:
                out += c.encode("cp1252")
            except UnicodeEncodeError:
                return None
    return bytes(out)


def fix_mojibake(text: str) -> str:
    """Undoes UTF-8 text that was decoded as cp1252 / latin-1 (once or twice), e.g. 'Ã¢â‚¬Å“' -> '“'.
    Text that does not round-trip is returned unchanged."""
    for _ in range(2):
        if not any(m in text for m in _MOJIBAKE_MARKS):
            break
        raw = _cp1252_bytes(text)
        try:
            text = raw.decode("utf-8") if raw is not None else text
        except UnicodeDecodeError:
            break
    return text


def _float(value: str, where: str) -> float:
    try:
        return float(value)
    except ValueError as e:
        raise ValueError(f"{where}: expected a number, got {value!r}") from e


def read_emobank(root: Path) -> Iterator[TextRecord]:
    """EmoBank sentences, V / A 1..5."""
    path = dataset_file(root, "text", "emobank", "emobank.csv")
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            text = (row["text"] or "").strip()
            if not text:
                continue
            v = (_float(row["V"], f"{path.name} {row['id']} V") - 3.0) / 2.0
            a = (_float(row["A"], f"{path.name} {row['id']} A") - 3.0) / 2.0
            split = {"train": "train", "dev": "val", "test": "test"}.get(row["split"])
            if split is None:
                raise ValueError(f"{path.name} {row['id']}: expected split train/dev/test, got {row['split']!r}")
            yield TextRecord(f"emobank:{row['id']}", text, v, a, polarity_from_valence(v), "emobank", split)


def goemotions_polarity(groups: set[str]) -> int:
    """Polarity of a comment from its set of group labels (rule in the module docstring)."""
    pos, neg = "positive" in groups, "negative" in groups
    if pos and neg:
        return UNKNOWN
    if pos:
        return POSITIVE
    if neg:
        return NEGATIVE
    if groups == {"neutral"}:
        return NEUTRAL
    return UNKNOWN


def read_goemotions(root: Path) -> Iterator[TextRecord]:
    """GoEmotions Reddit comments, `group` taxonomy, polarity only."""
    names = dataset_file(root, "text", "goemotions", "group", "labels.txt").read_text().split()
    for file_split, split in (("train", "train"), ("dev", "val"), ("test", "test")):
        path = dataset_file(root, "text", "goemotions", "group", f"{file_split}.tsv")
        with open(path, encoding="utf-8") as f:
            for line_no, line in enumerate(f, 1):
                parts = line.rstrip("\n").split("\t")
                if len(parts) != 3:
                    raise ValueError(f"{path.name}:{line_no}: expected text<TAB>labels<TAB>id, got {len(parts)} fields")
                text, labels, item_id = parts
                try:
                    groups = {names[int(i)] for i in labels.split(",")}
                except (ValueError, IndexError) as e:
                    raise ValueError(f"{path.name}:{line_no}: bad label list {labels!r}") from e
                if text.strip():
                    yield TextRecord(f"goemotions:{item_id}", text.strip(), NAN, NAN,
                                     goemotions_polarity(groups), "goemotions", split)


def read_vader(root: Path) -> Iterator[TextRecord]:
    """VADER sentence ratings, mean valence -4..4."""
    for name, file in VADER_FILES.items():
        path = dataset_file(root, "text", "vader", file)
        with open(path, encoding="utf-8", errors="replace") as f:
            for line_no, line in enumerate(f, 1):
                parts = line.rstrip("\r\n").split("\t", 2)
                if len(parts) != 3 or not parts[2].strip():
                    continue
                v = _float(parts[1], f"{path.name}:{line_no}") / 4.0
                text = parts[2].strip()
                yield TextRecord(f"vader:{name}:{parts[0]}", text, v, NAN, polarity_from_valence(v), "vader",
                                 hashed_split(text))


def read_semeval(root: Path) -> Iterator[TextRecord]:
    """SemEval-2018 Task 1 valence ordinal classification, -3..3."""
    path = dataset_file(root, "text", "semeval2018", "2018-Valence-oc-En-train.txt")
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) != 4:
                continue
            m = re.match(r"\s*(-?\d+)\s*:", parts[3])
            if not m:
                continue  # the header line
            ordinal = int(m.group(1))
            v = ordinal / 3.0
            pol = NEUTRAL if ordinal == 0 else (POSITIVE if ordinal > 0 else NEGATIVE)
            text = parts[1].strip()
            yield TextRecord(f"semeval2018:{parts[0]}", text, v, NAN, pol, "semeval2018", hashed_split(text))


def read_facebook(root: Path) -> Iterator[TextRecord]:
    """Facebook posts, two raters (row i and i + N/2), V / A 1..9."""
    path = dataset_file(root, "text", "fb-valence-arousal", "dataset-fb-valence-arousal-anon.csv")
    with open(path, encoding="utf-8", newline="") as f:
        rows = [[fix_mojibake(row[0]), *row[1:]] for row in list(csv.reader(f))[1:]]
    if len(rows) % 2:
        raise ValueError(f"{path.name}: expected two rater rows per post (an even row count), got {len(rows)}")
    n = len(rows) // 2
    for i in range(n):
        first, second = rows[i], rows[i + n]
        text = (first[0] or second[0]).strip()
        if not text:
            continue
        v = ((_float(first[1], path.name) + _float(second[1], path.name)) / 2.0 - 5.0) / 4.0
        a = ((_float(first[2], path.name) + _float(second[2], path.name)) / 2.0 - 5.0) / 4.0
        yield TextRecord(f"facebook:{i}", text, v, a, polarity_from_valence(v), "facebook", hashed_split(text))


def read_isear(root: Path) -> Iterator[TextRecord]:
    """ISEAR situations ('|'-separated); joy positive, every other emotion negative.

    The file here is UTF-8 (latin-1 only as a fallback). An 'á' (or 'á|') not preceded by a letter is
    the original database's line-break marker and becomes a space."""
    path = dataset_file(root, "text", "isear", "isear.csv")
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError:
        content = raw.decode("latin-1")
    rows = list(csv.reader(io.StringIO(content, newline=""), delimiter="|"))
    header = rows[0]
    emo_col, key_col, sit_col = header.index("Field1"), header.index("MYKEY"), header.index("SIT")
    tail = len(header) - sit_col - 1  # columns after SIT (STATE and the trailing empty one)
    for row in rows[1:]:
        if len(row) < len(header):
            continue
        text = "|".join(row[sit_col: len(row) - tail])  # a few situations contain '|'
        text = re.sub(r"\s+", " ", re.sub(r"(?<![^\W\d_])á\|?", " ", text)).strip()
        emotion = row[emo_col].strip()
        if not text or not emotion:
            continue
        pol = POSITIVE if emotion == "joy" else NEGATIVE
        yield TextRecord(f"isear:{row[key_col]}", text, NAN, NAN, pol, "isear", hashed_split(text))


READERS: dict[str, Callable[[Path], Iterable[TextRecord]]] = {
    "emobank": read_emobank,
    "goemotions": read_goemotions,
    "vader": read_vader,
    "semeval2018": read_semeval,
    "facebook": read_facebook,
    "isear": read_isear,
}


def load_text(split: str = "all", sources: Iterable[str] = TEXT_SOURCES,
              datasets: str | None = None) -> list[TextRecord]:
    """Text records of one split ('train' / 'val' / 'test' / 'all') from the given sets."""
    if split != "all" and split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS + ('all',)}, got {split!r}")
    root = datasets_root(datasets)
    out: list[TextRecord] = []
    for source in sources:
        if source not in READERS:
            raise ValueError(f"unknown text source {source!r}; expected one of {TEXT_SOURCES}")
        out.extend(r for r in READERS[source](root) if split == "all" or r.split == split)
    return out



def load_lyrics(split: str = "all", datasets: str | None = None) -> list[TextRecord]:
    """MIREX lyrics as TextRecords (source 'mirex'): the clip's cluster signs and polarity, the clip's
    music split from splits.json (so lyrics never leak across the music split)."""
    from .music_sources import read_lyrics, read_mirex
    from .splits import clip_split, load_splits

    if split != "all" and split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS + ('all',)}, got {split!r}")
    root = datasets_root(datasets)
    splits = load_splits()
    out = []
    for clip in read_mirex(root):
        if not clip.lyrics:
            continue
        clip_split_name = clip_split(splits, clip.clip)[1]
        if split != "all" and clip_split_name != split:
            continue
        text = read_lyrics(root, clip.lyrics)
        if text:
            out.append(TextRecord(clip.clip, text, clip.valence, clip.arousal, clip.polarity, "mirex", clip_split_name))
    return out
