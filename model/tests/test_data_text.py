"""Text sets and lexicons read from tiny self-made copies of each file format."""
import math

import numpy as np
import pytest

from model.data.lexicon import load_lexicon, token_va_targets
from model.data.text_sets import fix_mojibake, hashed_split, load_text
from model.tokenizer import Tokenizer


@pytest.fixture()
def root(tmp_path):
    t = tmp_path / "text"
    (t / "emobank").mkdir(parents=True)
    (t / "emobank" / "emobank.csv").write_text(
        'id,split,V,A,D,text\na1,train,5.0,1.0,3,"Great, ""really"" great"\na2,dev,3.1,3.0,3,Meh.\n', encoding="utf-8")
    g = t / "goemotions" / "group"
    g.mkdir(parents=True)
    (g / "labels.txt").write_text("ambiguous\nnegative\nneutral\npositive\n")
    (g / "train.tsv").write_text("I love it\t3\tg1\nWhat?\t0\tg2\nok then\t2\tg3\n", encoding="utf-8")
    (g / "dev.tsv").write_text("so sad\t1,0\tg4\n", encoding="utf-8")
    (g / "test.tsv").write_text("", encoding="utf-8")
    v = t / "vader"
    v.mkdir()
    for name in ("tweets", "movieReviewSnippets", "nytEditorialSnippets", "amazonReviewSnippets"):
        (v / f"{name}_GroundTruth.txt").write_text(f"1\t2.0\t{name} is good\n2\t-0.2\t{name} is fine\n")
    s = t / "semeval2018"
    s.mkdir()
    (s / "2018-Valence-oc-En-train.txt").write_text(
        "ID\tTweet\tAffect Dimension\tIntensity Class\n"
        "x1\tawful day\tvalence\t-3: very negative emotional state can be inferred\n"
        "x2\tnormal day\tvalence\t0: neutral or mixed emotional state can be inferred\n")
    f = t / "fb-valence-arousal"
    f.mkdir()
    (f / "dataset-fb-valence-arousal-anon.csv").write_text(
        "Anonymized Message,Valence,Arousal\nparty tonight!,9,8\nso tired,3,2\n,7,6\n,3,4\n")
    i = t / "isear"
    i.mkdir()
    header = "ID|" + "|".join(f"C{n}" for n in range(35)) + "|Field1|Field3|Field2|MYKEY|SIT|STATE|"
    row = lambda emo, key, sit: "1|" + "|".join("0" for _ in range(35)) + f"|{emo}|1|1|{key}|{sit}|1|"  # noqa: E731
    (i / "isear.csv").write_bytes((header + "\n" + row("joy", "k1", "When I passed á|my exam.á") + "\n"
                                   + row("fear", "k2", "A dog | chased me in São Paulo.") + "\n").encode("utf-8"))
    return tmp_path


def _by_id(records):
    return {r.id: r for r in records}


def test_each_set_is_rescaled_to_minus_one_one(root):
    r = _by_id(load_text("all", datasets=str(root)))
    assert (r["emobank:a1"].valence, r["emobank:a1"].arousal, r["emobank:a1"].polarity) == (1.0, -1.0, 2)
    assert r["emobank:a2"].polarity == 1 and r["emobank:a2"].split == "val"
    assert r["emobank:a1"].text == 'Great, "really" great'
    assert r["vader:tweets:1"].valence == 0.5 and r["vader:tweets:2"].polarity == 1  # -0.05: neutral band
    assert r["semeval2018:x1"].valence == -1.0 and r["semeval2018:x2"].polarity == 1
    assert len([k for k in r if k.startswith("semeval2018")]) == 2  # header skipped


def test_facebook_pairs_the_two_raters_by_row(root):
    r = _by_id(load_text("all", sources=("facebook",), datasets=str(root)))
    assert r["facebook:0"].text == "party tonight!"
    assert r["facebook:0"].valence == pytest.approx(((9 + 7) / 2 - 5) / 4)
    assert r["facebook:1"].arousal == pytest.approx(((2 + 4) / 2 - 5) / 4)


def test_goemotions_and_isear_give_polarity_only(root):
    r = _by_id(load_text("all", sources=("goemotions", "isear"), datasets=str(root)))
    assert [r[f"goemotions:g{n}"].polarity for n in (1, 2, 3, 4)] == [2, -1, 1, 0]
    assert r["goemotions:g4"].split == "val" and math.isnan(r["goemotions:g1"].valence)
    assert r["isear:k1"].polarity == 2 and r["isear:k2"].polarity == 0
    assert r["isear:k2"].text == "A dog | chased me in São Paulo."  # a '|' inside the situation survives
    assert r["isear:k1"].text == "When I passed my exam."  # the database's 'á' line-break markers are gone


def test_double_encoded_utf8_is_repaired_and_real_accents_are_kept():
    assert fix_mojibake("slip\u00c3\u00a2\u00e2\u201a\u00ac\u00e2\u20ac\u009d") == "slip\u2014"
    assert fix_mojibake("Ã©tÃ©") == "été"
    assert fix_mojibake("ELAS NÃO PAGAM") == "ELAS NÃO PAGAM"


def test_hashed_split_keeps_duplicates_together_and_is_roughly_80_10_10():
    assert hashed_split("Hello  World") == hashed_split("hello world")
    counts = {"train": 0, "val": 0, "test": 0}
    for n in range(5000):
        counts[hashed_split(f"sentence number {n}")] += 1
    assert 3850 < counts["train"] < 4150 and 420 < counts["val"] < 580 and 420 < counts["test"] < 580


def test_unknown_split_is_rejected(root):
    with pytest.raises(ValueError, match="split must be one of"):
        load_text("dev", datasets=str(root))


def test_lexicon_merges_sources_by_mean(tmp_path):
    lex = tmp_path / "lexicons"
    lex.mkdir()
    (lex / "NRC-VAD-Lexicon.txt").write_text("Word\tValence\tArousal\tDominance\nhappy\t1.0\t0.75\t0.5\n"
                                             "a cappella\t0.6\t0.4\t0.5\n")
    (lex / "Ratings_Warriner_et_al.csv").write_text(",Word,V.Mean.Sum,A.Mean.Sum\n1,happy,9,5\n2,calm,7,1\n")
    (lex / "vader_lexicon.txt").write_text("happy\t2.0\t0.5\t[]\n:)\t2.0\t0.5\t[]\n")
    table = load_lexicon(str(tmp_path))
    assert table["happy"] == pytest.approx(((1.0 + 1.0 + 0.5) / 3, (0.5 + 0.0) / 2))
    assert table["calm"] == pytest.approx((0.5, -1.0))
    assert "a cappella" not in table and ":)" not in table  # not single tokenizer words
    ids, targets = token_va_targets("So happy", Tokenizer.load(), table)
    assert np.isnan(targets[0]).all() and np.isnan(targets[1]).all()
    assert targets[2] == pytest.approx(np.array(table["happy"], np.float32))


def test_mirex_lyrics_follow_their_songs_music_split():
    from model.data.paths import DatasetsMissingError, datasets_root
    from model.data.splits import load_splits
    from model.data.text_sets import load_lyrics

    try:
        datasets_root()
    except DatasetsMissingError:
        pytest.skip("../shared/datasets is not here (set EMOLANE_DATASETS to run this check)")
    doc = load_splits()
    lyrics = load_lyrics("all")
    assert len(lyrics) == 614
    for rec in lyrics:
        assert rec.split == doc["songs"][doc["clips"][rec.id]] and "\r" not in rec.text
    assert {r.split for r in load_lyrics("test")} == {"test"}
