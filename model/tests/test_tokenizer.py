"""The WordPiece tokenizer: shared vectors, contract format, and each rule of CONTRACT.md."""
import json
from collections import Counter

import pytest

from model.data.train_tokenizer import VECTOR_TEXTS, train_vocab
from model.tokenizer import (
    CLS_ID, MAX_TOKENS, SEP_ID, SPECIALS, TOKENIZER_PATH, UNK_ID, VECTORS_PATH, Tokenizer, normalize, pre_tokenize,
)


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer.load()


def test_shared_vectors_give_the_stored_ids_and_words(tok):
    vectors = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
    assert len(vectors) >= 40
    for v in vectors:
        assert pre_tokenize(v["text"]) == v["words"], v["text"]
        assert tok.encode(v["text"]) == v["ids"], v["text"]


def test_shared_vectors_cover_every_listed_tricky_case():
    texts = [v["text"] for v in json.loads(VECTORS_PATH.read_text(encoding="utf-8"))]
    assert texts == VECTOR_TEXTS


def test_tokenizer_file_has_the_contract_format(tok):
    spec = json.loads(TOKENIZER_PATH.read_text(encoding="utf-8"))
    assert spec["type"] == "wordpiece" and spec["lowercase"] and spec["strip_accents"]
    assert spec["max_tokens"] == 128 and spec["max_word_chars"] == 50 and spec["continuation"] == "##"
    assert spec["special"] == {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4}
    assert 7000 <= len(spec["vocab"]) <= 9000
    assert len(set(spec["vocab"])) == len(spec["vocab"])
    for letter in "abcdefghijklmnopqrstuvwxyz0123456789":
        assert letter in spec["vocab"] and "##" + letter in spec["vocab"]


def test_accents_and_case_are_removed(tok):
    assert tok.encode("Café CRÈME") == tok.encode("cafe creme")
    assert normalize("e\u0301") == normalize("\u00e9") == "e"


def test_turkish_dotted_capital_i_becomes_plain_i():
    assert pre_tokenize("İstanbul") == ["istanbul"]


def test_line_endings_and_tabs_only_separate_words(tok):
    assert tok.encode("a\r\nb\tc\rd") == tok.encode("a b c d")


def test_punctuation_and_symbols_are_single_character_words():
    assert pre_tokenize("don't!!") == ["don", "'", "t", "!", "!"]
    assert pre_tokenize("<b>") == ["<", "b", ">"]
    assert pre_tokenize("😀😀") == ["😀", "😀"]


def test_whitespace_follows_javascript_not_python_isspace():
    assert pre_tokenize("a\u0085b") == ["a", "\u0085", "b"]  # NEL: Python isspace, not JS \s
    assert pre_tokenize("a\ufeffb") == ["a", "b"]  # BOM: JS \s, not Python isspace
    assert pre_tokenize("a\u3000b\u00a0c") == ["a", "b", "c"]


def test_a_word_over_fifty_characters_is_unknown(tok):
    assert tok.encode("a" * 51) == [CLS_ID, UNK_ID, SEP_ID]
    assert UNK_ID not in tok.encode("ha" * 25)  # exactly 50 still splits into pieces


def test_long_text_is_truncated_to_max_tokens_keeping_the_start(tok):
    ids = tok.encode(" ".join(str(i % 10) for i in range(300)))
    assert len(ids) == MAX_TOKENS and ids[0] == CLS_ID and ids[-1] == SEP_ID
    assert ids[1:4] == [tok.token_id("0"), tok.token_id("1"), tok.token_id("2")]


def test_empty_text_is_cls_sep(tok):
    assert tok.encode("") == [CLS_ID, SEP_ID]
    assert tok.encode(" \n\t ") == [CLS_ID, SEP_ID]


def test_batch_pads_with_zero_and_masks_padding(tok):
    ids, mask = tok.encode_batch(["hello there friend", ""])
    assert ids.shape == mask.shape == (2, 5)
    assert ids[1].tolist() == [CLS_ID, SEP_ID, 0, 0, 0] and mask[1].tolist() == [1, 1, 0, 0, 0]


def test_word_indices_point_at_the_source_word(tok):
    ids, words = tok.encode_with_words("Hello, unbelievably")
    assert words[0] == -1 and words[-1] == -1
    assert set(words[1:-1]) == {0, 1, 2} and len(ids) == len(words)


def test_greedy_longest_match_prefers_the_longest_prefix():
    t = Tokenizer(SPECIALS + ("u", "un", "unb", "##b", "##e", "##l", "##ie", "##lie", "##v", "##able"))
    assert [t.vocab[i] for i in t.wordpiece("unbelievable")] == ["unb", "##e", "##lie", "##v", "##able"]
    assert t.wordpiece("unx") == [UNK_ID]  # one unmatched position makes the whole word unknown


def test_training_is_deterministic_and_merges_the_most_frequent_pair():
    counts = Counter({"low": 5, "lower": 2, "newest": 6, "widest": 3})
    a = train_vocab(counts, vocab_size=40)
    b = train_vocab(Counter(dict(reversed(list(counts.items())))), vocab_size=40)
    assert a == b
    assert a[:5] == list(SPECIALS)
    first_merge = a[len(SPECIALS) + len({w[0] for w in counts}) + len({c for w in counts for c in w[1:]})]
    assert first_merge == "##es"  # e+s occurs 6 + 3 = 9 times, the most of any pair (ties: s+t)
