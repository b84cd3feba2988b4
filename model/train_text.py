"""Stage (a): the lyrics side. Masked-language-model pretraining of the DeBERTa-style encoder with
dynamic masking and the enhanced mask decoder, then fine-tuning of the lyrics-only head (polarity,
valence/arousal, MIREX cluster) with lexicon word valence/arousal as token-level targets (token_va).

    /usr/bin/python3 -m model.train_text [--mlm-steps N] [--tune-steps N]

Writes model/checkpoints/stage_text.pt; logs to model/runs/text.log.
"""
from __future__ import annotations

from . import train_common  # noqa: F401  first: sets OMP_WAIT_POLICY before torch loads

import argparse
import math
from dataclasses import dataclass

import numpy as np
import torch

from .model import EmotionModel, save_checkpoint
from .modules.text_encoder import dynamic_mask
from .train_common import (STAGE_PATHS, RunLog, TrainingDataError, device, empty_lyrics, load_tokenizer,
                           lr_at, macro_f1, masked_ce, masked_mse, pad_ids, pad_targets, pearson, set_lr,
                           setup, studio_config)

TRAIN_TOKENS = 64  # training texts are cut to this many tokens (most are shorter); lyrics chunks too
BATCH = 64
CALIBRATION_ANCHORS = {"vader": [0], "facebook": [1], "empty": [0, 1]}  # sources whose scale is the shared one
POOL_BATCHES = 16
VAL_TEXTS = 1500  # polarity validation on a fixed random subset (EmoBank and MIREX val are used whole)
# share of each source in a fine-tuning batch (sampled with replacement): EmoBank is the V/A yardstick,
# MIREX lyrics are the domain the product reads, the big polarity sets keep the head general.
SOURCE_WEIGHTS = {"emobank": 0.26, "vader": 0.14, "goemotions": 0.14, "isear": 0.06, "facebook": 0.07,
                  "semeval2018": 0.05, "mirex": 0.25, "empty": 0.03}  # lyrics weigh more than in gen 1
SOURCE_INDEX = {s: i for i, s in enumerate(sorted(SOURCE_WEIGHTS))}


@dataclass
class TextExample:
    """One tokenized training text with its targets."""

    ids: list[int]
    token_va: np.ndarray  # (L, 2), NaN where the lexicon has no word
    valence: float
    arousal: float
    polarity: int
    cluster: int  # 0..4 for MIREX lyrics, else -1
    source: str


def lyric_chunks(text: str, tokenizer, max_tokens: int = TRAIN_TOKENS) -> list[str]:
    """Lyrics -> consecutive groups of non-blank lines, each encoding to at most max_tokens."""
    chunks, current = [], []
    for line in (l.strip() for l in text.splitlines()):
        if not line:
            continue
        candidate = " \n".join(current + [line])
        if current and len(tokenizer.encode(candidate)) > max_tokens:
            chunks.append(" \n".join(current))
            current = [line]
        else:
            current.append(line)
    if current:
        chunks.append(" \n".join(current))
    return chunks


def lyric_records(split: str, tokenizer):
    """MIREX lyrics of a split as (chunk text, record) pairs; a song with empty lyrics is an error."""
    from .data import load_lyrics

    out = []
    for rec in load_lyrics(split):
        chunks = lyric_chunks(rec.text, tokenizer)
        if not chunks:
            raise TrainingDataError(f"lyrics of {rec.id} are empty: expected at least one non-blank line")
        out.extend((c, rec) for c in chunks)
    return out


def build_examples(records, tokenizer, lexicon, cluster_of=None) -> list[TextExample]:
    """Tokenizes records (TextRecord or (chunk, TextRecord) pairs) with their token-level lexicon targets."""
    from .data import token_va_targets

    out = []
    for item in records:
        text, rec = item if isinstance(item, tuple) else (item.text, item)
        ids, targets = token_va_targets(text, tokenizer, lexicon)
        ids = list(ids)
        if len(ids) > TRAIN_TOKENS:
            ids = ids[:TRAIN_TOKENS - 1] + [ids[-1]]
            targets = np.concatenate([targets[:TRAIN_TOKENS - 1], targets[-1:]])
        cluster = cluster_of(rec) if cluster_of else -1
        # song-level V/A signs of a lyric chunk are not sentence ratings: those chunks teach polarity and
        # cluster only, so the regression stays on the rated scales (EmoBank, VADER, ...)
        v, a = (float("nan"), float("nan")) if cluster_of else (rec.valence, rec.arousal)
        out.append(TextExample(ids, np.asarray(targets, dtype=np.float32), v, a, rec.polarity, cluster, rec.source))
    return out


_MIREX_CLUSTERS: dict[str, int] = {}


def mirex_cluster(rec) -> int:
    """0..4 from the MIREX clip's cluster (adapter over model.data.music_sources: load_lyrics records
    carry polarity and V/A signs but not the cluster)."""
    if not _MIREX_CLUSTERS:
        from .data.music_sources import read_clips
        from .data.paths import datasets_root

        _MIREX_CLUSTERS.update({c.clip: c.cluster for c in read_clips(datasets_root(), ("mirex",))})
    key = rec.id if rec.id in _MIREX_CLUSTERS else "mirex:" + rec.id.split(":")[1]
    if key not in _MIREX_CLUSTERS:
        raise TrainingDataError(f"lyrics record {rec.id} matches no MIREX clip in labels.csv")
    return _MIREX_CLUSTERS[key] - 1


def empty_example(config) -> TextExample:
    """No lyrics: [CLS] [SEP] reads as neutral with V = A = 0."""
    return TextExample(empty_lyrics(config), np.full((2, 2), np.nan, np.float32), 0.0, 0.0, 1, -1, "empty")


def collate(batch: list[TextExample]) -> dict[str, torch.Tensor]:
    ids, mask = pad_ids([e.ids for e in batch])
    return {"ids": ids, "mask": mask, "token_va": pad_targets([e.token_va for e in batch], ids.shape[1]),
            "va": torch.tensor([[e.valence, e.arousal] for e in batch], dtype=torch.float32),
            "polarity": torch.tensor([e.polarity for e in batch]),
            "cluster": torch.tensor([e.cluster for e in batch]),
            "source": torch.tensor([SOURCE_INDEX.get(e.source, 0) for e in batch])}


class SourceSampler:
    """Draws batches with a fixed share per source (SOURCE_WEIGHTS), uniformly within a source."""

    def __init__(self, examples: list[TextExample], rng: np.random.Generator, weights=SOURCE_WEIGHTS):
        self.by_source: dict[str, list[TextExample]] = {}
        for e in examples:
            self.by_source.setdefault(e.source, []).append(e)
        self.sources = [s for s in weights if s in self.by_source]
        missing = [s for s in weights if s not in self.by_source]
        if missing:
            raise TrainingDataError(f"no training texts from {missing}: check the datasets folder")
        p = np.array([weights[s] for s in self.sources])
        self.p = p / p.sum()
        self.rng = rng

    def draw(self, size: int) -> list[TextExample]:
        picks = self.rng.choice(len(self.sources), size=size, p=self.p)
        return [self.by_source[self.sources[k]][self.rng.integers(len(self.by_source[self.sources[k]]))] for k in picks]


class BucketedBatches:
    """Batches of similar length (less padding: ~2.5x faster on these sets): draws a pool of
    POOL_BATCHES batches, sorts it by length, cuts it into batches and serves them in random order."""

    def __init__(self, draw, rng: np.random.Generator, size: int = BATCH):
        self.draw, self.rng, self.size, self.queue = draw, rng, size, []

    def next(self) -> list[TextExample]:
        if not self.queue:
            pool = sorted(self.draw(self.size * POOL_BATCHES), key=lambda e: len(e.ids))
            batches = [pool[i:i + self.size] for i in range(0, len(pool), self.size)]
            self.queue = [batches[i] for i in self.rng.permutation(len(batches))]
        return self.queue.pop()


@torch.no_grad()
def predict_text(model: EmotionModel, examples: list[TextExample], batch: int = 128) -> dict[str, np.ndarray]:
    """Lyrics-only head on examples: polarity probabilities, V/A, cluster logits."""
    model.eval()
    pol, va, cl = [], [], []
    order = np.argsort([len(e.ids) for e in examples])  # similar lengths together: less padding
    for i in range(0, len(order), batch):
        b = collate([examples[j] for j in order[i:i + batch]])
        out = model.encode_text(b["ids"], b["mask"])
        pol.append(torch.softmax(out["lyrics_polarity"], -1))
        va.append(out["lyrics_va"])
        cl.append(out["lyrics_cluster"])
    inv = np.argsort(order)
    return {"polarity": torch.cat(pol).numpy()[inv], "va": torch.cat(va).numpy()[inv], "cluster": torch.cat(cl).numpy()[inv]}


def validate(model: EmotionModel, val: dict[str, list[TextExample]]) -> dict[str, float]:
    """EmoBank V/A Pearson r, polarity macro-F1 over all labelled val texts, MIREX lyric polarity F1."""
    out = {}
    eb = predict_text(model, val["emobank"])
    out["emobank_r_valence"] = pearson(eb["va"][:, 0], [e.valence for e in val["emobank"]])
    out["emobank_r_arousal"] = pearson(eb["va"][:, 1], [e.arousal for e in val["emobank"]])
    texts = [e for e in val["all"] if e.polarity >= 0]
    pred = predict_text(model, texts)["polarity"].argmax(1)
    out["polarity_f1"] = macro_f1([e.polarity for e in texts], pred)
    ly = predict_text(model, val["mirex"])
    out["mirex_lyrics_polarity_f1"] = macro_f1([e.polarity for e in val["mirex"]], ly["polarity"].argmax(1))
    # early stopping leans on the lyrics: the general sets keep improving long after MIREX starts to overfit
    out["score"] = (out["emobank_r_valence"] + out["emobank_r_arousal"] + out["polarity_f1"]
                    + 3 * out["mirex_lyrics_polarity_f1"]) / 6
    return out


def load_examples(tokenizer, config, log: RunLog):
    from .data import load_lexicon, load_text

    lexicon = load_lexicon()
    if not lexicon:
        raise TrainingDataError("the word lexicon is empty: expected NRC-VAD / Warriner / VADER entries")
    sets = {}
    for split in ("train", "val"):
        records = load_text(split)
        if not records:
            raise TrainingDataError(f"no {split} texts found in the datasets folder")
        lyrics = lyric_records(split, tokenizer)
        sets[split] = build_examples(records, tokenizer, lexicon) + build_examples(lyrics, tokenizer, lexicon, mirex_cluster)
        log.log(f"{split}: {len(records)} texts, {len(lyrics)} lyric chunks")
    sets["train"].append(empty_example(config))
    return sets


def init_word_embeddings(model: EmotionModel, tokenizer, log: RunLog) -> None:
    """GloVe vectors into the first 100 dimensions of every whole-word piece's embedding, scaled to the
    init's spread (the embedding LayerNorm follows); the other pieces and dimensions keep their init."""
    from .data.glove import DIM, vocab_vectors

    vectors, mask = vocab_vectors(tokenizer.vocab)
    emb = model.text_encoder.word_embeddings.weight
    with torch.no_grad():
        rows = torch.from_numpy(np.flatnonzero(mask))
        scale = float(emb.std()) / float(vectors[mask].std())
        emb[rows, :DIM] = torch.from_numpy(vectors[mask]).to(emb) * scale
    log.log(f"word embeddings: GloVe 6B 100-d for {int(mask.sum())} of {len(mask)} pieces")


def train(mlm_steps: int, tune_steps: int, seed: int = 0) -> None:
    rng = setup(seed)
    log = RunLog("text")
    tok = load_tokenizer()
    config = studio_config(tok)
    dev = device()
    model = EmotionModel(config).to(dev)
    init_word_embeddings(model, tok, log)
    sets = load_examples(tok, config, log)
    train_ex = sets["train"]
    pick = np.random.default_rng(seed).permutation(len(sets["val"]))[:VAL_TEXTS]  # a fixed validation subset
    val = {"emobank": [e for e in sets["val"] if e.source == "emobank"],
           "mirex": [e for e in sets["val"] if e.source == "mirex"], "all": [sets["val"][i] for i in pick]}
    gen = torch.Generator().manual_seed(seed)

    # (a1) MLM pretraining over every training text and lyric chunk, uniformly
    params = list(model.text_encoder.parameters()) + list(model.mask_decoder.parameters())
    opt = torch.optim.AdamW(params, lr=5e-4, weight_decay=0.01)
    model.train()
    mlm_batches = BucketedBatches(lambda n: [train_ex[i] for i in rng.integers(len(train_ex), size=n)], rng)
    for step in range(mlm_steps):
        set_lr(opt, lr_at(step, mlm_steps, 5e-4, max(1, mlm_steps // 20)))
        b = collate(mlm_batches.next())
        masked, pos, tgt = dynamic_mask(b["ids"], b["mask"], config, gen)
        hidden, previous = model.text_encoder(masked.to(dev), b["mask"].to(dev))
        logits = model.mask_decoder(model.text_encoder, hidden, previous, b["mask"].to(dev), pos.to(dev))
        loss = torch.nn.functional.cross_entropy(logits, tgt.to(dev))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if step % 50 == 0 or step == mlm_steps - 1:
            acc = float((logits.argmax(-1) == tgt.to(dev)).float().mean())
            log.record(phase="mlm", step=step, mlm_loss=float(loss), mlm_acc=acc)
            if step % 100 == 0 or step == mlm_steps - 1:
                log.log(f"mlm step {step}/{mlm_steps} loss {float(loss):.3f} acc {acc:.3f}")

    # (a2) fine-tune encoder + lyrics head + token_va head, sources mixed by SOURCE_WEIGHTS
    tune_batches = BucketedBatches(SourceSampler(train_ex, rng).draw, rng)
    # per-source affine calibration of V/A inside the loss only: the sets rate on different scales
    # (EmoBank's valence spread is a third of VADER's), so the shared head learns one ordering and
    # each set's scale and offset are absorbed here. The exported head is the shared one.
    sources = sorted(SOURCE_WEIGHTS)
    calib_scale = torch.nn.Parameter(torch.ones(len(sources), 2, device=dev))
    calib_shift = torch.nn.Parameter(torch.zeros(len(sources), 2, device=dev))
    params = [p for n, p in model.named_parameters()
              if n.startswith(("text_encoder.", "lyrics_head.", "token_va.", "text_project."))]
    params += [calib_scale, calib_shift]
    opt = torch.optim.AdamW(params, lr=3e-4, weight_decay=0.01)
    best, best_state = -math.inf, None
    eval_every = max(1, tune_steps // 12)
    for step in range(tune_steps):
        model.train()
        set_lr(opt, lr_at(step, tune_steps, 3e-4, max(1, tune_steps // 20)))
        b = collate(tune_batches.next())
        ids = b["ids"].clone()
        drop = (torch.rand(ids.shape, generator=gen) < 0.1) & (ids > 4)  # word dropout as augmentation
        ids[drop] = config.mask_id
        out = model.encode_text(ids.to(dev), b["mask"].to(dev))
        l_pol = masked_ce(out["lyrics_polarity"], b["polarity"].to(dev))
        va = b["va"].to(dev)  # valence and arousal weigh the same though arousal is rarer in the sets
        src = b["source"].to(dev)
        pred = out["lyrics_va"] * calib_scale[src] + calib_shift[src]
        l_va = masked_mse(pred[:, 0], va[:, 0]) + masked_mse(pred[:, 1], va[:, 1])
        l_tok = masked_mse(out["token_va"], b["token_va"].to(dev))
        l_cl = masked_ce(out["lyrics_cluster"], b["cluster"].to(dev))
        loss = l_pol + 3.0 * l_va + 1.0 * l_tok + 0.5 * l_cl
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        with torch.no_grad():  # anchors keep the shared scale meaningful: VADER valence, Facebook arousal, empty = 0
            for name, dims in CALIBRATION_ANCHORS.items():
                calib_scale[SOURCE_INDEX[name], dims] = 1.0
                calib_shift[SOURCE_INDEX[name], dims] = 0.0
        if step % 50 == 0:
            log.record(phase="tune", step=step, loss=float(loss), polarity_loss=float(l_pol), va_loss=float(l_va),
                       token_va_loss=float(l_tok), cluster_loss=float(l_cl))
        if (step + 1) % eval_every == 0 or step == tune_steps - 1:
            metrics = validate(model, val)
            log.record(phase="tune-val", step=step, **metrics)
            log.log(f"tune step {step + 1}/{tune_steps} loss {float(loss):.3f} val " +
                    " ".join(f"{k} {v:.3f}" for k, v in metrics.items()))
            if metrics["score"] > best:
                best, best_state = metrics["score"], {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    save_checkpoint(STAGE_PATHS["text"], model.cpu(), history={"text": log.history},
                    stage_seconds={"text": round(log.seconds)})
    log.log(f"best val score {best:.3f}; wrote {STAGE_PATHS['text']} in {log.seconds / 60:.1f} min")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mlm-steps", type=int, default=1500)
    parser.add_argument("--tune-steps", type=int, default=2500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    train(args.mlm_steps, args.tune_steps, args.seed)


if __name__ == "__main__":
    main()
