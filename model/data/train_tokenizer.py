"""Trains the WordPiece vocabulary (`model/tokenizer.json`) and writes the shared test vectors.

Corpus: the TRAIN split of every text set (`load_text("train")`) plus the lyrics of the MIREX songs
in the music train split. Words come from `model.tokenizer.pre_tokenize`, so training sees exactly
what encoding will see.

Algorithm (deterministic, BPE-style merges in WordPiece notation):
1. Alphabet: every character seen as a word start, and `##c` for every character seen inside a word.
2. Each word is a sequence of its characters (`h ##e ##l ##l ##o`), weighted by its corpus count.
3. Repeatedly merge the most frequent adjacent pair (`h` + `##e` -> `he`, `##l` + `##o` -> `##lo`);
   ties go to the pair whose (left, right) strings sort first. Stop at the target size or when the
   best pair occurs fewer than `min_pair_count` times.
Vocabulary order: the 5 specials, alphabet (characters by code point, then `##` characters), then
merges in the order they were learned.

    /usr/bin/python3 -m model.prepare_data --train-tokenizer   # writes tokenizer.json + tokenizer_vectors.json
    /usr/bin/python3 -m model.data.train_tokenizer             # the same
"""
from __future__ import annotations

import argparse
import heapq
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable

from model.tokenizer import CONTINUATION, SPECIALS, TOKENIZER_PATH, VECTORS_PATH, Tokenizer, pre_tokenize

from .music_sources import read_lyrics, read_mirex
from .paths import datasets_root
from .splits import clip_split, load_splits
from .text_sets import load_text

VOCAB_SIZE = 8000
MIN_PAIR_COUNT = 2


def training_corpus(datasets: str | None = None) -> list[str]:
    """Texts the vocabulary is learned from: text-set train splits + MIREX train-song lyrics."""
    root = datasets_root(datasets)
    texts = [r.text for r in load_text("train", datasets=str(root))]
    splits = load_splits()
    for clip in read_mirex(root):
        if clip.lyrics and clip_split(splits, clip.clip)[1] == "train":
            texts.append(read_lyrics(root, clip.lyrics))
    return texts


def count_words(texts: Iterable[str]) -> Counter:
    """Word -> count over the corpus."""
    counts: Counter = Counter()
    for t in texts:
        counts.update(pre_tokenize(t))
    return counts


def train_vocab(word_counts: Counter, vocab_size: int = VOCAB_SIZE, min_pair_count: int = MIN_PAIR_COUNT) -> list[str]:
    """The vocabulary (specials first) learned from word counts; see the module docstring."""
    words = sorted(word_counts)  # fixed order
    seqs: list[list[str]] = [[w[0]] + [CONTINUATION + c for c in w[1:]] for w in words]
    freqs = [word_counts[w] for w in words]
    starts = sorted({s[0] for s in seqs})
    inner = sorted({p for s in seqs for p in s[1:]}, key=lambda p: p[len(CONTINUATION):])
    vocab = list(SPECIALS) + starts + inner
    known = set(vocab)

    pair_count: dict[tuple[str, str], int] = defaultdict(int)
    pair_words: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i, s in enumerate(seqs):
        for pair in zip(s, s[1:]):
            pair_count[pair] += freqs[i]
            pair_words[pair].add(i)
    heap = [(-c, a, b) for (a, b), c in pair_count.items()]
    heapq.heapify(heap)

    while len(vocab) < vocab_size and heap:
        neg, a, b = heapq.heappop(heap)
        if pair_count.get((a, b), 0) != -neg:
            continue  # stale entry
        if -neg < min_pair_count:
            break
        merged = a + b[len(CONTINUATION):]
        if merged not in known:
            vocab.append(merged)
            known.add(merged)
        touched: set[tuple[str, str]] = set()
        for i in sorted(pair_words.pop((a, b), ())):
            s, f = seqs[i], freqs[i]
            for pair in zip(s, s[1:]):
                pair_count[pair] -= f
                touched.add(pair)
            out, j = [], 0
            while j < len(s):
                if j + 1 < len(s) and s[j] == a and s[j + 1] == b:
                    out.append(merged)
                    j += 2
                else:
                    out.append(s[j])
                    j += 1
            seqs[i] = out
            for pair in zip(out, out[1:]):
                pair_count[pair] += f
                pair_words[pair].add(i)
                touched.add(pair)
        pair_count.pop((a, b), None)
        for pair in sorted(touched):
            c = pair_count.get(pair, 0)
            if c <= 0:
                pair_count.pop(pair, None)
                pair_words.pop(pair, None)
            elif pair != (a, b):
                heapq.heappush(heap, (-c, pair[0], pair[1]))
    return vocab


# Inputs chosen to exercise every rule a port can get wrong; ids come from model/tokenizer.py.
VECTOR_TEXTS: list[str] = [
    "",
    "   ",
    "\t\r\n \u00a0\u3000",
    "Hello, world!",
    "I don't wanna go",
    "lovin' you 'cause I'm feelin' fine",
    "Café crème brûlée",
    "NAÏVE façade jalapeño",
    "São Paulo, Zürich, Kraków, Ångström",
    "line one\r\nline two\rline three\nline four",
    "tab\tseparated\tvalues",
    "I ❤️ you 😀😀 🎵",
    "family 👨‍👩‍👧 and thumbs 👍🏽",
    "我爱你 中文歌词",
    "こんにちは、世界",
    "사랑해요",
    "The year 1999, track 07, 3.14 and 1,000,000",
    "What?!?! No... way---really??",
    "<script>alert('x')</script>",
    "&amp; &lt;b&gt; bold",
    "a" * 60,
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    " ".join(["la"] * 140),
    "Ã©tÃ© cafÃ© (mojibake of été café)",
    "İstanbul ISTANBUL ıi",
    "Straße STRASSE ẞ",
    "ﬁnally ﬂow Œuvre æsthetic",
    "ΟΔΥΣΣΕΥΣ σοφός",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
    "x²  ½  ④  Ⅻ",
    "email me@example.com or visit https://example.com/a?b=c",
    "#hashtag @mention $100 50% C++",
    "e\u0301 vs \u00e9 (combining vs precomposed)",
    "zero\u200bwidth and soft\u00adhyphen",
    "Привет, как дела?",
    "مرحبا بالعالم",
    "שלום עולם",
    "नमस्ते दुनिया",
    "\u0000control\u0007chars\u001f",
    "Mixed CASE and ALLCAPS Shouting!!!",
    "oooooooh yeaaaaah",
    "rock'n'roll — the ‘quotes’ “double” «guillemets»",
    "\u0085next line\ufeffbom",
    "don’t (curly apostrophe)",
]


def write_vectors(tok: Tokenizer, path=VECTORS_PATH) -> None:
    """tokenizer_vectors.json: [{"text", "ids", "words"}] for VECTOR_TEXTS; `words` (the pre-tokenized
    words) lets a port check its normalisation even where the vocabulary maps a word to [UNK]."""
    vectors = [{"text": t, "ids": tok.encode(t), "words": pre_tokenize(t)} for t in VECTOR_TEXTS]
    lines = ",\n".join(" " + json.dumps(v, ensure_ascii=True) for v in vectors)  # one case per line
    path.write_text("[\n" + lines + "\n]\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train model/tokenizer.json from the shared text.")
    parser.add_argument("--datasets", help="datasets folder (default ../shared/datasets or $EMOLANE_DATASETS)")
    parser.add_argument("--vocab-size", type=int, default=VOCAB_SIZE)
    parser.add_argument("--vectors-only", action="store_true",
                        help="rewrite the vectors from the current tokenizer.json")
    args = parser.parse_args(argv)
    if not args.vectors_only:
        t0 = time.time()
        texts = training_corpus(args.datasets)
        counts = count_words(texts)
        vocab = train_vocab(counts, args.vocab_size)
        tok = Tokenizer(tuple(vocab))
        TOKENIZER_PATH.write_text(json.dumps(tok.to_json(), ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        total = sum(counts.values())
        unk = sum(c for w, c in counts.items() if tok.wordpiece(w) == [1])
        pieces = sum(c * len(tok.wordpiece(w)) for w, c in counts.items())
        print(f"{len(texts)} texts, {total} words ({len(counts)} distinct) -> {len(vocab)} entries in "
              f"{time.time() - t0:.1f} s; {pieces / total:.3f} pieces per word, {unk / total:.5f} [UNK]")
    write_vectors(Tokenizer.load())
    print(f"wrote {TOKENIZER_PATH.name} and {VECTORS_PATH.name}")



if __name__ == "__main__":
    main()
