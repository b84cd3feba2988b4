"""Linear probes on frozen pretrained taggers for 4Q quadrant classification (which audio encoder next?).

    cd <repo root>
    OMP_WAIT_POLICY=PASSIVE nice -n 10 /usr/bin/python3 -m model.experiments.frozen_probe check    # fixtures
    OMP_WAIT_POLICY=PASSIVE nice -n 10 /usr/bin/python3 -m model.experiments.frozen_probe extract  # features
    OMP_WAIT_POLICY=PASSIVE nice -n 10 /usr/bin/python3 -m model.experiments.frozen_probe probe    # -> frozen_probe.md

Only 4Q clips of the train and val splits of model/splits.json are read (never test). Audio is decoded
as prepare_data does (model.audio.load_audio: 16 kHz mono float) and fed to each tagger's own front end.

Granularities: (a) "clip": the whole preview (~30 s) in one forward pass (musicnn's 200-d embedding and
tags are the mean over its 3 s patches, as the taggers were trained; the pooled 753-ch features are mean
and max over the clip's frames); (b) "win": 6 s windows with hop 3 s, each an independent forward pass;
the probe's class probabilities are averaged over a clip's windows. FCN/CRNN on a 6 s window: the conv
stack is unchanged, the last max-pool (FCN) is replaced by a global max over whatever time/mel remains;
CRNN's GRU simply runs over the shorter sequence.

Features are cached as .npy under model/.cache/probe/. The classifier is standardised features ->
multinomial logistic regression with L2 (torch LBFGS), C picked by 5-fold song-grouped CV on train.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from model.modules.taggers import FCN, ConvBN, Musicnn, essentia_log_mel, load_into, read_state_dict, tagger_db_mel  # noqa: E402
from model.pretrained import load_pretrained, pretrained_root  # noqa: E402

torch.set_num_threads(2)

SR = 16_000
WIN_S, HOP_S = 6.0, 3.0
PATCH = 187  # musicnn patch, 3 s at 62.5 frames/s (Essentia: 187 frames hop 93)

WON = {  # name -> (file, arch)
    "mtat-musicnn": ("music-tagging/mtat-musicnn.pth", "musicnn"),
    "jamendo-musicnn": ("music-tagging/jamendo-musicnn.pth", "musicnn"),
    "msd-fcn": ("music-tagging/msd-fcn.pth", "fcn"),
    "mtat-fcn": ("music-tagging/mtat-fcn.pth", "fcn"),
    "jamendo-fcn": ("music-tagging/jamendo-fcn.pth", "fcn"),
    "msd-crnn": ("music-tagging/msd-crnn.pth", "crnn"),
    "jamendo-crnn": ("music-tagging/jamendo-crnn.pth", "crnn"),
}
MODELS = list(WON) + ["essentia-msd-musicnn"]


# ----------------------------------------------------------------------------------------------- modules

class CRNN(nn.Module):
    """CRNN (Choi et al. 2017) as trained by Won et al.: (B, 96, T) dB -> (tags, 32-d last GRU state)."""

    POOLS = ((2, 2), (3, 3), (4, 4), (4, 4))

    def __init__(self, n_tags: int = 50):
        super().__init__()
        self.spec_bn = nn.BatchNorm2d(1)
        widths = (1, 64, 128, 128, 128)
        for i in range(4):
            setattr(self, f"layer{i + 1}", ConvBN(nn.Conv2d(widths[i], widths[i + 1], 3, padding=1),
                                                 nn.BatchNorm2d(widths[i + 1])))
        self.layer5 = nn.GRU(128, 32, 2, batch_first=True)
        self.dense = nn.Linear(32, n_tags)

    def forward(self, db_mel: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.spec_bn(db_mel.unsqueeze(1))
        for i, pool in enumerate(self.POOLS):
            x = F.max_pool2d(getattr(self, f"layer{i + 1}")(x), pool)
        x = x.squeeze(2).transpose(1, 2)  # (B, T', 128)
        h = self.layer5(x)[0][:, -1]  # (B, 32)
        return torch.sigmoid(self.dense(h)), h


def _fold_bn(conv: nn.Module, bn: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
    """Eval-mode BN folded into the conv before it: (weight, bias) of conv -> BN."""
    a = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    w = conv.weight * a.reshape(-1, *([1] * (conv.weight.dim() - 1)))
    return w, (conv.bias - bn.running_mean) * a + bn.bias


def conv_stack(net: nn.Module, db_mel: torch.Tensor, pools) -> torch.Tensor:
    """The FCN/CRNN conv blocks with BN folded into the conv and ReLU after the max-pool (both exact in
    eval mode: BN is per-channel affine, ReLU and max commute); `pools` may be shorter than the stack's
    (then the last block is left unpooled)."""
    x = net.spec_bn(db_mel.unsqueeze(1))
    for i in range(5 if isinstance(net, FCN) else 4):
        layer = getattr(net, f"layer{i + 1}")
        w, b = _fold_bn(layer.conv, layer.bn)
        x = F.conv2d(x, w, b, padding=1)
        if i < len(pools):
            x = F.max_pool2d(x, pools[i])
        x = x.relu_()
    return x


@torch.no_grad()
def fcn_forward(fcn: FCN, db_mel: torch.Tensor) -> dict[str, torch.Tensor]:
    """FCN -> 64-d penultimate and tags, two ways: 'pub' the published last (4, 4) max-pool (needs >= 4
    time positions after four pools, i.e. >= ~20.5 s; floors away a remainder), 'gmax' a global max over
    all (mel, time) left after layer5 (what a 6 s window has to use: 4 x 1 positions remain)."""
    x = conv_stack(fcn, db_mel, fcn.POOLS[:4])  # (B, 64, 4, T')
    out = {"gmax": x.amax(dim=(2, 3))}
    if x.shape[3] >= 4:
        out["pub"] = F.max_pool2d(x, fcn.POOLS[4])[:, :, 0, 0]
    return {k: (torch.sigmoid(fcn.dense(h)), h) for k, h in out.items()}


class Tagger:
    """One frozen tagger: pcm (B, N) -> dict of feature arrays."""

    def __init__(self, name: str):
        self.name = name
        root = pretrained_root()
        if name == "essentia-msd-musicnn":
            self.net, sd = load_pretrained(name)
            self.arch = "essentia"
            self.fe = {k.removeprefix("frontend."): v for k, v in sd.items() if k.startswith("frontend.")}
        else:
            rel, self.arch = WON[name]
            path = root / rel
            sd = read_state_dict(path)
            self.net = {"musicnn": Musicnn, "fcn": FCN, "crnn": CRNN}[self.arch]()
            load_into(self.net, sd, path)
            self.window, self.fb = sd["spec.spectrogram.window"], sd["spec.mel_scale.fb"]
        self.net.eval()

    def mel(self, pcm: torch.Tensor) -> torch.Tensor:
        if self.arch == "essentia":
            return essentia_log_mel(pcm, self.fe["cos"], self.fe["sin"], self.fe["fb"])
        return tagger_db_mel(pcm, self.window, self.fb)

    @torch.no_grad()
    def features(self, pcm: torch.Tensor) -> dict[str, np.ndarray]:
        """(B, N) 16 kHz -> {'pool': (B, 1506) mean|max of the 753 frame channels (musicnn only),
        'emb': penultimate (musicnn 200 / FCN 64 / CRNN 32), 'tags': (B, 50)}; musicnn's emb/tags are the
        mean over the input's 3 s patches (187 frames, hop 187; hop 93 for Essentia)."""
        m = self.mel(pcm)
        if self.arch == "fcn":
            heads = fcn_forward(self.net, m)
            tags, emb = heads["pub" if "pub" in heads else "gmax"]
            res = {"emb": emb.numpy(), "tags": tags.numpy()}
            res.update(emb_gmax=heads["gmax"][1].numpy(), tags_gmax=heads["gmax"][0].numpy())
            return res
        if self.arch == "crnn":
            x = conv_stack(self.net, m, CRNN.POOLS).squeeze(2).transpose(1, 2)
            h = self.net.layer5(x)[0][:, -1]
            return {"emb": h.numpy(), "tags": torch.sigmoid(self.net.dense(h)).numpy()}
        frames = self.net.frames(m)  # exact; the max over mel bands comes before BN (taggers.peak_over_bands)
        return self.features_from_frames(frames)

    @torch.no_grad()
    def features_from_frames(self, frames: torch.Tensor) -> dict[str, np.ndarray]:
        t = frames.shape[2]
        hop = 93 if self.arch == "essentia" else PATCH
        starts = list(range(0, max(1, t - PATCH + 1), hop))
        embs, tags = [], []
        for s in starts:
            seg = frames[:, :, s:s + PATCH]
            if self.arch == "essentia":
                tg, e = self.net.summary(seg)
            else:
                e = self.net.summary(seg)
                tg = torch.sigmoid(self.net.dense2(e))
            embs.append(e)
            tags.append(tg)
        pool = torch.cat([frames.mean(dim=2), frames.amax(dim=2)], dim=1)
        return {"pool": pool.numpy(), "emb": torch.stack(embs).mean(0).numpy(),
                "tags": torch.stack(tags).mean(0).numpy()}


# ----------------------------------------------------------------------------------------------- check

@torch.no_grad()
def check() -> dict[str, float]:
    """Max |tag error| of every tagger on the published fixture (and its embedding where given)."""
    root = pretrained_root()
    out = json.loads((root / "fixtures" / "fixture_outputs.json").read_text())
    pcm = torch.from_numpy(np.load(root / "fixtures" / "fixture_input_29s_16k.npy").astype(np.float32) / 32768.0)[None]
    errs = {}
    for name in MODELS:
        tg = Tagger(name)
        ref = out[name]
        if tg.arch == "musicnn":
            m = tg.mel(pcm[:, :48000])
            tags, emb = tg.net(m)
            e = max(np.abs(tags[0].numpy() - ref["tags"]).max(), np.abs(emb[0, :8].numpy() - ref["embedding_first8"]).max())
        elif tg.arch == "essentia":
            m = tg.mel(pcm)
            frames = tg.net.frames(m[:, :PATCH])
            tags, emb = tg.net.summary(frames)
            e = max(np.abs(tags[0].numpy() - ref["tags_patch0"]).max(),
                    np.abs(emb[0, :8].numpy() - ref["embedding_patch0_first8"]).max())
            print(f"  essentia mel frames {m.shape[1]} (fixture says 1820)")
        else:
            m = tg.mel(pcm)
            if tg.arch == "fcn":
                tags = tg.net(m)  # published pooling
                heads = fcn_forward(tg.net, m)
                print(f"  {name}: fast published head diff {float((tags - heads['pub'][0]).abs().max()):.1e}; "
                      f"global-max head differs by up to {float((tags - heads['gmax'][0]).abs().max()):.2f}")
            else:
                tags, _ = tg.net(m)
                fast = torch.from_numpy(tg.features(pcm)["tags"])
                print(f"  {name}: fast path diff {float((tags - fast).abs().max()):.1e}")
            e = np.abs(tags[0].numpy() - ref["tags"]).max()
        errs[name] = float(e)
        print(f"{name:22s} max abs err {e:.2e} {'OK' if e < 1e-4 else 'MISMATCH'}", flush=True)
    return errs



# --------------------------------------------------------------------------------------------- extract

CACHE = Path(__file__).resolve().parents[1] / ".cache" / "probe"


def probe_clips() -> list[dict]:
    """4Q clips of train and val (never test), with quadrant, song and split."""
    from model.data.music_sources import read_clips
    from model.data.paths import datasets_root
    from model.data.splits import clip_split, load_splits

    root = datasets_root()
    splits = load_splits()
    out = []
    for c in read_clips(root, ("4q",)):
        song, split = clip_split(splits, c.clip)
        if split in ("train", "val"):
            out.append({"clip": c.clip, "song": song, "split": split, "quadrant": c.quadrant,
                        "audio": str(root / c.audio)})
    return out


def decoded_audio() -> tuple[list[dict], np.ndarray, np.ndarray]:
    """(clips, int16 PCM of all clips concatenated, offsets (n + 1,)), decoded once with model.audio."""
    from model.audio import load_audio

    CACHE.mkdir(parents=True, exist_ok=True)
    meta, pcm_path, off_path = CACHE / "clips.json", CACHE / "pcm_int16.npy", CACHE / "pcm_offsets.npy"
    if not (meta.exists() and pcm_path.exists() and off_path.exists()):
        clips = probe_clips()
        parts = []
        for c in clips:
            x = load_audio(c["audio"])
            parts.append(np.round(np.clip(x, -1, 1) * 32767).astype(np.int16))
        off = np.concatenate([[0], np.cumsum([len(p) for p in parts])])
        np.save(pcm_path, np.concatenate(parts))
        np.save(off_path, off)
        meta.write_text(json.dumps(clips, indent=0))
    return json.loads(meta.read_text()), np.load(pcm_path, mmap_mode="r"), np.load(off_path)


def window_starts(n: int) -> list[int]:
    """Sample starts of the 6 s windows (hop 3 s) that fit in n samples; one (zero-padded) if n < 6 s."""
    win, hop = int(WIN_S * SR), int(HOP_S * SR)
    return list(range(0, max(1, n - win + 1), hop))


def musicnn_slices(tg: Tagger, frames: torch.Tensor, starts: list[int]) -> dict[str, np.ndarray]:
    """Window features of a musicnn tagger from its whole-clip frames: each 6 s window's frames are sliced
    (375 frames from round(start / 256)), pooled, and its 3 s patches summarised (see module docstring)."""
    wf = int(round(WIN_S * SR / 256))
    res = {"pool": [], "emb": [], "tags": []}
    hop = 93 if tg.arch == "essentia" else PATCH
    for s in starts:
        f0 = int(round(s / 256))
        seg = frames[:, :, f0:f0 + wf]
        res["pool"].append(torch.cat([seg.mean(dim=2), seg.amax(dim=2)], dim=1))
        embs, tags = [], []
        for p in range(0, max(1, seg.shape[2] - PATCH + 1), hop):
            if tg.arch == "essentia":
                tgs, e = tg.net.summary(seg[:, :, p:p + PATCH])
            else:
                e = tg.net.summary(seg[:, :, p:p + PATCH])
                tgs = torch.sigmoid(tg.net.dense2(e))
            embs.append(e)
            tags.append(tgs)
        res["emb"].append(torch.stack(embs).mean(0))
        res["tags"].append(torch.stack(tags).mean(0))
    return {k: torch.cat(v).numpy() for k, v in res.items()}


@torch.no_grad()
def extract(name: str, clip_only: bool = False) -> None:
    """Caches clip- and window-level features of one tagger for every probe clip (clip level only if
    `clip_only`)."""
    clips, pcm, off = decoded_audio()
    done = CACHE / f"{name}.done"
    if done.exists():
        print(f"[{name}] cached", flush=True)
        return
    tg = Tagger(name)
    clip_feats: dict[str, list] = {}
    win_feats: dict[str, list] = {}
    win_clip = []
    t0 = time.time()
    win = int(WIN_S * SR)
    for i in range(len(clips)):
        x = torch.from_numpy(pcm[off[i]:off[i + 1]].astype(np.float32) / 32768.0)
        if len(x) < win:
            x = F.pad(x, (0, win - len(x)))
        starts = window_starts(len(x))
        win_clip += [i] * len(starts)
        if tg.arch in ("musicnn", "essentia"):
            m = tg.mel(x[None])
            frames = tg.net.frames(m)
            cf = tg.features_from_frames(frames)
            wfeat = musicnn_slices(tg, frames, starts)
        else:
            cf = tg.features(x[None])
            wfeat = {} if clip_only else tg.features(torch.stack([x[s:s + win] for s in starts]))
        for k, v in cf.items():
            clip_feats.setdefault(k, []).append(v)
        for k, v in wfeat.items():
            win_feats.setdefault(k, []).append(v)
        if (i + 1) % 50 == 0:
            el = time.time() - t0
            print(f"[{name}] {i + 1}/{len(clips)} {el:.0f} s, eta {el / (i + 1) * (len(clips) - i - 1):.0f} s", flush=True)
    for k, v in clip_feats.items():
        np.save(CACHE / f"{name}__clip__{k}.npy", np.concatenate(v).astype(np.float32))
    for k, v in win_feats.items():
        np.save(CACHE / f"{name}__win__{k}.npy", np.concatenate(v).astype(np.float32))
    done.write_text(f"{time.time() - t0:.0f} s\n")
    print(f"[{name}] done in {time.time() - t0:.0f} s", flush=True)


# ------------------------------------------------------------------------------------------------- macs

@torch.no_grad()
def macs_per_second(seconds: float = 29.1) -> dict[str, dict[str, float]]:
    """Multiply-accumulates of each tagger's published forward (convs, linears, GRU; the STFT/mel front
    end and the BN/ReLU/pool passes left out) on one `seconds` input, per second of audio, in M."""
    out = {}
    pcm = torch.zeros(1, int(seconds * SR))
    for name in MODELS:
        tg = Tagger(name)
        total = [0]

        def hook(mod, inp, res):
            if isinstance(mod, (nn.Conv1d, nn.Conv2d)):
                k = mod.weight[0].numel()  # in/groups x kernel
                total[0] += res.numel() * k
            elif isinstance(mod, nn.Linear):
                total[0] += res.numel() * mod.in_features
            elif isinstance(mod, nn.GRU):
                seq = res[0].shape[1]
                h = mod.hidden_size
                for layer in range(mod.num_layers):
                    i = mod.input_size if layer == 0 else h
                    total[0] += seq * 3 * (i * h + h * h)

        hs = [m.register_forward_hook(hook) for m in tg.net.modules() if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear, nn.GRU))]
        m = tg.mel(pcm)
        if tg.arch == "musicnn":
            tg.net(m)
        elif tg.arch == "essentia":
            tg.net.summary(tg.net.frames(m))
        else:
            tg.net(m)
        for h in hs:
            h.remove()
        out[name] = {"MMAC_per_s": total[0] / seconds / 1e6, "params_M": sum(p.numel() for p in tg.net.parameters()) / 1e6}
    return out


# ------------------------------------------------------------------------------------------------ probe

C_GRID = (3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)
N_FOLDS = 5
SEED = 20251205


def grouped_folds(groups: list[str], labels: np.ndarray, k: int = N_FOLDS, seed: int = SEED) -> np.ndarray:
    """Fold 0..k-1 per item; a song never spans two folds; songs dealt in random order to the fold with
    the fewest items of that song's (first) label, so folds are roughly class-balanced."""
    rng = np.random.default_rng(seed)
    songs = sorted(set(groups))
    rng.shuffle(songs)
    by_song: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_song.setdefault(g, []).append(i)
    count = np.zeros((k, int(labels.max()) + 1))
    fold = np.empty(len(groups), int)
    for s in songs:
        idx = by_song[s]
        f = int(np.argmin(count[:, labels[idx[0]]] + 1e-3 * count.sum(1)))
        fold[idx] = f
        count[f, labels[idx[0]]] += len(idx)
    return fold


def fit_logreg(x: np.ndarray, y: np.ndarray, c: float, w0: torch.Tensor | None = None) -> torch.Tensor:
    """Multinomial logistic regression, L2 on the weights (not the bias), sklearn's C convention:
    minimise C * sum_i CE_i + 0.5 ||W||^2 (divided by n here). x already standardised. -> (d + 1, 4)."""
    xt = torch.from_numpy(x).double()
    xt = torch.cat([xt, torch.ones(len(xt), 1, dtype=torch.float64)], 1)
    yt = torch.from_numpy(y).long()
    w = (w0.clone() if w0 is not None else torch.zeros(xt.shape[1], 4, dtype=torch.float64)).requires_grad_(True)
    opt = torch.optim.LBFGS([w], lr=1, max_iter=500, tolerance_grad=1e-7, tolerance_change=1e-10,
                            history_size=20, line_search_fn="strong_wolfe")
    lam = 1.0 / (c * len(x))

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(xt @ w, yt) + 0.5 * lam * (w[:-1] ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach()


def predict(w: torch.Tensor, x: np.ndarray) -> np.ndarray:
    xt = torch.from_numpy(x).double()
    return torch.softmax(xt @ w[:-1] + w[-1], dim=1).numpy()


def standardise(train: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    mu, sd = train.mean(0), train.std(0) + 1e-6
    return [(a - mu) / sd for a in (train,) + others]


def clip_probs(p_items: np.ndarray, item_clip: np.ndarray, n_clips: int) -> np.ndarray:
    """Mean of item (window) probabilities per clip; identity at clip level."""
    out = np.zeros((n_clips, p_items.shape[1]))
    np.add.at(out, item_clip, p_items)
    return out / np.maximum(1, np.bincount(item_clip, minlength=n_clips))[:, None]


def metrics(p: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Macro-F1 of the argmax quadrant; valence-sign accuracy (P(Q1)+P(Q4) > 0.5 vs truth in {Q1, Q4});
    arousal-sign accuracy (P(Q1)+P(Q2) > 0.5 vs truth in {Q1, Q2}); log-loss. y: 0..3 = Q1..Q4."""
    pred = p.argmax(1)
    f1 = []
    for k in range(4):
        tp = np.sum((pred == k) & (y == k))
        fp, fn = np.sum((pred == k) & (y != k)), np.sum((pred != k) & (y == k))
        f1.append(2 * tp / max(1, 2 * tp + fp + fn))
    val_true, aro_true = np.isin(y, (0, 3)), np.isin(y, (0, 1))
    val_pred, aro_pred = p[:, 0] + p[:, 3] > 0.5, p[:, 0] + p[:, 1] > 0.5
    return {"f1": float(np.mean(f1)), "val": float(np.mean(val_pred == val_true)),
            "aro": float(np.mean(aro_pred == aro_true)),
            "nll": float(-np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))}


def run_cv(x: np.ndarray, item_clip: np.ndarray, y_clip: np.ndarray, clips_idx: np.ndarray, fold: np.ndarray,
           cs=C_GRID) -> dict[float, dict[str, float]]:
    """Out-of-fold clip probabilities over `clips_idx` for each C (warm-started along the grid);
    fold: per clip of clips_idx. Items (rows of x) belong to clips via item_clip (global clip index)."""
    pos = -np.ones(len(y_clip), int)
    pos[clips_idx] = np.arange(len(clips_idx))
    item_in = pos[item_clip] >= 0
    oof = {c: np.zeros((len(clips_idx), 4)) for c in cs}
    for f in range(fold.max() + 1):
        tr_items = item_in & (fold[np.maximum(pos[item_clip], 0)] != f)
        te_items = item_in & (fold[np.maximum(pos[item_clip], 0)] == f)
        xtr, xte = standardise(x[tr_items], x[te_items])
        ytr = y_clip[item_clip[tr_items]]
        w = None
        for c in cs:
            w = fit_logreg(xtr, ytr, c, w)
            pc = clip_probs(predict(w, xte), pos[item_clip[te_items]], len(clips_idx))
            te_clips = np.flatnonzero(fold == f)
            oof[c][te_clips] = pc[te_clips]
    return {c: metrics(oof[c], y_clip[clips_idx]) for c in cs}


def load_set(fset: list[tuple[str, str]], gran: str) -> np.ndarray | None:
    parts = []
    for model, key in fset:
        for k in key.split("+"):
            f = CACHE / f"{model}__{gran}__{k}.npy"
            if not f.exists():
                return None
            parts.append(np.load(f))
    return np.concatenate(parts, 1)


SHORT = {"mtat-musicnn": "mtat-mcnn", "jamendo-musicnn": "jam-mcnn", "essentia-msd-musicnn": "ess-msd-mcnn",
         "msd-fcn": "msd-fcn", "mtat-fcn": "mtat-fcn", "jamendo-fcn": "jam-fcn", "msd-crnn": "msd-crnn",
         "jamendo-crnn": "jam-crnn"}


def set_name(fset) -> str:
    return " + ".join(f"{SHORT[m]}[{k}]" for m, k in fset)


def evaluate_set(fset, gran: str, clips: list[dict], off: np.ndarray) -> dict | None:
    x = load_set(fset, gran)
    if x is None:
        return None
    n = len(clips)
    y = np.array([c["quadrant"] - 1 for c in clips])
    if gran == "clip":
        item_clip = np.arange(n)
    else:
        lens = np.maximum(np.diff(off), int(WIN_S * SR))
        item_clip = np.concatenate([[i] * len(window_starts(int(L))) for i, L in enumerate(lens)])
        assert len(item_clip) == len(x), (len(item_clip), len(x))
    split = np.array([c["split"] for c in clips])
    songs = [c["song"] for c in clips]
    tr, va = np.flatnonzero(split == "train"), np.flatnonzero(split == "val")
    # C by 5-fold song-grouped CV inside train (out-of-fold macro-F1, ties -> lower log-loss)
    cv = run_cv(x, item_clip, y, tr, grouped_folds([songs[i] for i in tr], y[tr]))
    best_c = max(cv, key=lambda c: (round(cv[c]["f1"], 4), -cv[c]["nll"]))
    # fit on train, score val
    tr_items, va_items = np.isin(item_clip, tr), np.isin(item_clip, va)
    xtr, xva = standardise(x[tr_items], x[va_items])
    w = fit_logreg(xtr, y[item_clip[tr_items]], best_c)
    pos = np.full(n, -1)
    pos[va] = np.arange(len(va))
    pv = clip_probs(predict(w, xva), pos[item_clip[va_items]], len(va))
    val = metrics(pv, y[va])
    # 5-fold song-grouped CV over train + val at the same C
    allc = np.concatenate([tr, va])
    cvall = run_cv(x, item_clip, y, allc, grouped_folds([songs[i] for i in allc], y[allc], seed=SEED + 1), (best_c,))
    return {"set": set_name(fset), "gran": gran, "dim": x.shape[1], "C": best_c, "cv_train_f1": cv[best_c]["f1"],
            "val": val, "cv_all": cvall[best_c]}


def single_sets() -> list[list[tuple[str, str]]]:
    sets = []
    for m in ("mtat-musicnn", "jamendo-musicnn", "essentia-msd-musicnn"):
        sets += [[(m, "pool")], [(m, "emb+tags")], [(m, "pool+emb+tags")]]
    for m in ("msd-fcn", "mtat-fcn", "jamendo-fcn", "msd-crnn", "jamendo-crnn"):
        sets += [[(m, "emb+tags")]]
    return sets


def fmt_row(r: dict) -> str:
    v, a = r["val"], r["cv_all"]
    return (f"| {r['set']} | {r['dim']} | {r['C']:g} | {r['cv_train_f1']:.3f} | **{v['f1']:.3f}** | {v['val']:.3f} | "
            f"{v['aro']:.3f} | **{a['f1']:.3f}** | {a['val']:.3f} | {a['aro']:.3f} |")


HEADER = ("| features | dim | C | CV-train F1 | val F1 | val V-acc | val A-acc | CV(tr+val) F1 | CV V-acc | CV A-acc |\n"
          "|---|---|---|---|---|---|---|---|---|---|")


def probe(grans=("clip", "win"), combos_too: bool = True) -> int:
    clips, _, off = decoded_audio()
    log = CACHE / "probe_results.json"
    results = json.loads(log.read_text()) if log.exists() else {"clip": [], "win": []}  # resumable
    t0 = time.time()

    def run(fset, gran):
        fset = sorted(fset, key=lambda t: (MODELS.index(t[0]), t[1]))
        if any(r["set"] == set_name(fset) for r in results[gran]):
            return
        r = evaluate_set(fset, gran, clips, off)
        if r is not None:
            results[gran].append(r)
            print(f"{gran:4s} {fmt_row(r)}  [{time.time() - t0:.0f} s]", flush=True)
            log.write_text(json.dumps(results, indent=1))
            write_markdown(results)

    for gran in grans:
        for fset in single_sets():
            if gran == "win" and fset[0][1] == "pool+emb+tags" and fset[0][0] != "mtat-musicnn":
                continue  # CPU budget: window probes on 1.5k-d features take ~3 min each here
            run(fset, gran)
        if gran == "clip":
            for m in ("msd-fcn", "mtat-fcn", "jamendo-fcn"):  # published last pool vs global max
                run([(m, "emb_gmax+tags_gmax")], gran)
    if not combos_too:
        return 0
    # combinations: the pair, named pairs, and pairs/triples of the best single sets (by CV(tr+val))
    best = {}
    for gran in ("clip", "win"):
        ranked = sorted(results[gran], key=lambda r: -r["cv_all"]["f1"])
        best[gran] = [r["set"] for r in ranked]
    by_name = {set_name(f): f for f in single_sets()}
    combos = [[("msd-fcn", "emb+tags"), ("mtat-fcn", "emb+tags")],
              [("msd-fcn", "emb+tags"), ("mtat-musicnn", "emb+tags")],
              [("msd-fcn", "emb+tags"), ("mtat-musicnn", "pool+emb+tags")],
              [("msd-fcn", "emb+tags"), ("essentia-msd-musicnn", "emb+tags")],
              [("msd-fcn", "emb+tags"), ("mtat-fcn", "emb+tags"), ("mtat-musicnn", "emb+tags")],
              [("msd-fcn", "emb+tags"), ("jamendo-fcn", "emb+tags")],
              [("msd-fcn", "emb+tags"), ("jamendo-fcn", "emb+tags"), ("essentia-msd-musicnn", "emb+tags")],
              [("msd-fcn", "emb+tags"), ("mtat-fcn", "emb+tags"), ("jamendo-fcn", "emb+tags")]]
    for gran in grans:
        top = []
        for name in best[gran]:  # best single set per tagger, top 4 taggers
            f = by_name.get(name)
            if f and all(f[0][0] != t[0][0] for t in top) and not (gran == "win" and "pool" in f[0][1]):
                top.append(f)
            if len(top) == 4:
                break
        extra = [a + b for i, a in enumerate(top) for b in top[i + 1:]] + [top[0] + top[1] + top[2]]
        for fset in combos + extra:
            if gran == "win" and any("pool" in k for _, k in fset):
                continue  # CPU budget (see above): window-level combinations without the 1.5k-d pools
            run(fset, gran)
    write_markdown(results)
    print("done")
    return 0


def write_markdown(results: dict) -> None:
    md = Path(__file__).with_name("frozen_probe.md")
    lines = [MD_INTRO]
    for gran, title in (("clip", "(a) whole clip (~30 s preview)"), ("win", "(b) 6 s windows, hop 3 s, probabilities averaged per clip")):
        lines += [f"\n### {title}\n", HEADER]
        for r in sorted(results[gran], key=lambda r: -r["cv_all"]["f1"]):
            lines.append(fmt_row(r))
    lines.append(MD_TAIL)
    md.write_text("\n".join(lines) + "\n")


MD_INTRO = """# Frozen tagger linear probes on 4Q (train/val of model/splits.json)

Written by `model/experiments/frozen_probe.py` (see its docstring). 4Q clips: 424 train, 88 val (22 per
quadrant), test never read. Classifier: features standardised on the training part, multinomial logistic
regression, L2 (sklearn's C convention), C from 5-fold song-grouped CV on train (out-of-fold macro-F1).
"val": fit on train, scored on val (n = 88, one clip = 1.1 points of accuracy). "CV(tr+val)": 5-fold
song-grouped CV over train + val (512 clips) at the same C. V-acc / A-acc: valence / arousal sign from
P(Q1)+P(Q4) and P(Q1)+P(Q2) > 0.5. Sorted by CV(tr+val) macro-F1.

Feature keys: musicnn `pool` = mean and max over time of the 753 frame channels (1506), `emb` = the 200-d
embedding, `tags` = 50 tag probabilities (emb/tags: mean over the input's 3 s patches); FCN `emb` = 64-d
penultimate (after the last max-pool), CRNN `emb` = 32-d last GRU state; `_gmax` = FCN with a global max
in place of the last pool.
"""


MD_TAIL = """
### Compute per tagger (`frozen_probe.py macs`; convs + linears + GRU, front end and BN/ReLU/pool left out)

| tagger | params | MMAC per s of audio, one pass | as probed at (b) | CPU s per 30 s clip (2 threads, this box) |
|---|---|---|---|---|
| musicnn (mtat, jamendo; Won et al.) | 0.78 M | 400 (timbral convs ~95 %) | 400 (frames computed once, windows sliced) | ~0.6 |
| Essentia msd-musicnn | 0.79 M | 467 (temporal convs run on all 96 mels); ~935 as Essentia runs it (3 s patches, hop 1.5 s) | 467 | ~1.2 |
| FCN (msd, mtat, jamendo) | 0.45 M | 74 | 148 (6 s windows, hop 3 s: 2x overlap) | ~0.35 (clip), ~0.6 (9 windows) |
| CRNN (msd, jamendo) | 0.39 M | 140 | 280 | ~0.4 (clip), ~0.95 (9 windows) |

### How the windows were made, and caveats

- All eight taggers reproduce `../shared/pretrained/fixtures/fixture_outputs.json` to < 1e-5 (CRNN and
  Essentia's modules are written in `frozen_probe.py`; the fast paths fold eval BN into convs, exact to 5e-5).
- FCN/CRNN at (b): each 6 s window is its own forward pass. FCN's last (4, 4) max-pool cannot apply (4 x 1
  positions remain after layer5), so it is a global max over what remains; CRNN's GRU runs over the 23
  steps a window leaves. At (a) FCN uses its published pool (which floors away the last of 5 time
  positions, ~the last 5 s); `_gmax` rows use the global max at (a) too.
- musicnn family at (b): frame features (753 x T) are computed once over the whole clip and each window's
  375 frames sliced out, so frames within ~1 s of a window's edge see audio outside it (the product's
  independent 6 s windows would see padding there). emb/tags at (a) and (b): mean over 3 s patches of
  those frames (hop 3 s; Essentia hop 1.5 s, as Essentia does).
- One 4Q train clip is 10.1 s long (one window; its FCN clip row uses the global max).
- The C for CV(tr+val) is the one picked on train (slightly optimistic: train is part of train + val).
- n is small: val has 88 clips (SE of a macro-F1 around 0.7 is ~0.05); prefer the CV(tr+val) column.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["check", "extract", "probe", "macs"])
    ap.add_argument("--models", nargs="+", default=MODELS, choices=MODELS)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--clip-only", action="store_true", help="extract: skip the 6 s windows (FCN/CRNN)")
    ap.add_argument("--grans", nargs="+", default=["clip", "win"], choices=["clip", "win"], help="probe: granularities")
    ap.add_argument("--singles-only", action="store_true", help="probe: no combinations yet")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.command == "check":
        errs = check()
        return 0 if max(errs.values()) < 1e-4 else 1
    if args.command == "extract":
        for name in args.models:
            extract(name, args.clip_only)
        return 0
    if args.command == "macs":
        print(json.dumps(macs_per_second(), indent=1))
        return 0
    return probe(tuple(args.grans), not args.singles_only)


if __name__ == "__main__":
    sys.exit(main())
