r"""WordPiece tokenizer shared with the TypeScript bridge (CONTRACT.md, "Tokenizer").

The TypeScript port must produce the same ids for every input, so each step is spelled out in terms
both languages implement the same way (`model/tokenizer_vectors.json` holds the shared cases):

1. `normalize`: Unicode NFD, drop every code point of general category Mn, then lower-case the whole
   string with the default (locale-free) full Unicode lower-case mapping: Python `str.lower()`,
   JavaScript `String.prototype.toLowerCase()`. Both apply the Final_Sigma rule.
2. `split_words`: walk the string by CODE POINT (not UTF-16 unit). A maximal run of code points of
   general category L* or N* is one word; a code point in `WHITESPACE` separates words; any other
   code point (punctuation, symbols, emoji, controls, Mc/Me marks) is a word of its own.
   `WHITESPACE` is exactly the set JavaScript's `/\s/` matches (listed below), so Python's
   `str.isspace()` is NOT used (it differs on U+001C..U+001F, U+0085 and U+FEFF).
3. `wordpiece`: a word longer than `max_word_chars` (50) code points is `[UNK]`. Otherwise greedy
   longest match from the left: the longest prefix in the vocabulary, then the longest `##`-prefixed
   continuation, and so on; if some position has no match the whole word is `[UNK]`.
4. `[CLS] pieces [SEP]`; when there are more than `max_tokens - 2` pieces only the first ones are
   kept, so the output never exceeds `max_tokens` (128).

In JavaScript: `s.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase()`, then `for (const c of s)`
with `/^[\p{L}\p{N}]$/u` for word characters; this was checked to give the same words as this module
on every text of the shared text sets and on every code point assigned in Unicode 14.
Characters assigned after Unicode 14 (Python 3.11's database) may be classified differently by a
newer JavaScript engine; that is the one known source of disagreement.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TOKENIZER_PATH = Path(__file__).resolve().parent / "tokenizer.json"
VECTORS_PATH = Path(__file__).resolve().parent / "tokenizer_vectors.json"

SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")  # ids 0..4, in this order
PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID = range(5)
CONTINUATION = "##"
MAX_TOKENS = 128
MAX_WORD_CHARS = 50

# Exactly JavaScript's /\s/: TAB, LF, VT, FF, CR, SPACE, NBSP, OGHAM SPACE MARK, EN QUAD..HAIR SPACE,
# LINE SEPARATOR, PARAGRAPH SEPARATOR, NARROW NBSP, MEDIUM MATHEMATICAL SPACE, IDEOGRAPHIC SPACE, BOM.
WHITESPACE = frozenset(
    "\t\n\v\f\r \u00a0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def normalize(text: str) -> str:
    """NFD, drop combining marks (category Mn), lower-case (step 1 of the module docstring)."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return stripped.lower()


def _is_word_char(c: str) -> bool:
    return unicodedata.category(c)[0] in ("L", "N")


def split_words(normalized: str) -> list[str]:
    """Words of an already normalised string (step 2): letter/digit runs and single other characters."""
    words: list[str] = []
    run: list[str] = []
    for c in normalized:
        if _is_word_char(c):
            run.append(c)
            continue
        if run:
            words.append("".join(run))
            run = []
        if c not in WHITESPACE:
            words.append(c)
    if run:
        words.append("".join(run))
    return words


def pre_tokenize(text: str) -> list[str]:
    """normalize + split_words: the words a text is made of."""
    return split_words(normalize(text))


@dataclass(frozen=True)
class Tokenizer:
    """A WordPiece vocabulary plus the contract's settings; build with `Tokenizer.load()`."""

    vocab: tuple[str, ...]
    max_tokens: int = MAX_TOKENS
    max_word_chars: int = MAX_WORD_CHARS

    def __post_init__(self) -> None:
        if tuple(self.vocab[: len(SPECIALS)]) != SPECIALS:
            raise ValueError(f"vocab must start with {list(SPECIALS)}, got {list(self.vocab[:5])}")
        if len(set(self.vocab)) != len(self.vocab):
            raise ValueError("vocab has duplicate entries")
        object.__setattr__(self, "_ids", {piece: i for i, piece in enumerate(self.vocab)})

    @classmethod
    def load(cls, path: str | Path = TOKENIZER_PATH) -> "Tokenizer":
        """Reads a tokenizer.json in the CONTRACT.md format."""
        try:
            spec = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ValueError(f"cannot read tokenizer file {path}: {e}") from e
        if spec.get("type") != "wordpiece" or spec.get("continuation") != CONTINUATION:
            raise ValueError(f"{path}: expected a wordpiece tokenizer with '##' continuations")
        expected_special = {s: i for i, s in enumerate(SPECIALS)}
        if spec.get("special") != expected_special:
            raise ValueError(f"{path}: expected special ids {expected_special}, got {spec.get('special')}")
        return cls(tuple(spec["vocab"]), int(spec["max_tokens"]), int(spec["max_word_chars"]))

    def to_json(self) -> dict:
        """The CONTRACT.md file format."""
        return {
            "type": "wordpiece", "lowercase": True, "strip_accents": True,
            "max_tokens": self.max_tokens, "max_word_chars": self.max_word_chars,
            "continuation": CONTINUATION,
            "special": {s: i for i, s in enumerate(SPECIALS)},
            "vocab": list(self.vocab),
        }

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def token_id(self, piece: str) -> int:
        """Id of a vocabulary entry, UNK_ID if absent."""
        return self._ids.get(piece, UNK_ID)  # type: ignore[attr-defined]

    def wordpiece(self, word: str) -> list[int]:
        """Ids for one word (step 3)."""
        ids_of = self._ids  # type: ignore[attr-defined]
        if len(word) > self.max_word_chars:
            return [UNK_ID]
        out: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = -1
            while end > start:
                piece = word[start:end] if start == 0 else CONTINUATION + word[start:end]
                found = ids_of.get(piece, -1)
                if found >= 0:
                    break
                end -= 1
            if found < 0:
                return [UNK_ID]
            out.append(found)
            start = end
        return out

    def encode_with_words(self, text: str) -> tuple[list[int], list[int]]:
        """(ids, word index of each id; -1 for [CLS]/[SEP]) with the contract's truncation."""
        ids, words = [CLS_ID], [-1]
        budget = self.max_tokens - 2
        for w, word in enumerate(pre_tokenize(text)):
            for piece in self.wordpiece(word):
                if len(ids) - 1 >= budget:
                    break
                ids.append(piece)
                words.append(w)
            if len(ids) - 1 >= budget:
                break
        ids.append(SEP_ID)
        words.append(-1)
        return ids, words

    def encode(self, text: str) -> list[int]:
        """Token ids `[CLS] ... [SEP]`, at most max_tokens long."""
        return self.encode_with_words(text)[0]

    def encode_batch(self, texts: list[str], pad_to: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(ids, attention_mask), both int64 (B, L); L = pad_to or the longest; padded with [PAD] (0)."""
        encoded = [self.encode(t) for t in texts]
        length = pad_to if pad_to is not None else max((len(e) for e in encoded), default=2)
        if length > self.max_tokens or any(len(e) > length for e in encoded):
            raise ValueError(f"pad_to must be >= the longest encoding and <= {self.max_tokens}, got {length}")
        ids = np.zeros((len(texts), length), dtype=np.int64)
        mask = np.zeros((len(texts), length), dtype=np.int64)
        for i, e in enumerate(encoded):
            ids[i, : len(e)] = e
            mask[i, : len(e)] = 1
        return ids, mask

    def decode(self, ids: list[int]) -> str:
        """Readable text for debugging: pieces joined, '##' glued to the previous piece."""
        out = ""
        for i in ids:
            piece = self.vocab[i]
            if piece.startswith(CONTINUATION) and len(piece) > len(CONTINUATION):
                out += piece[len(CONTINUATION):]
            else:
                out += (" " if out else "") + piece
        return out
