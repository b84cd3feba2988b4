"""Where the shared datasets and the git-ignored caches live."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = REPO_ROOT / "model"
DEFAULT_DATASETS = Path("..") / "shared" / "datasets"  # relative to the repo root
SPLITS_PATH = MODEL_DIR / "splits.json"


class DatasetsMissingError(FileNotFoundError):
    """The shared datasets folder (or a file in it) is not where it should be."""


def datasets_root(override: str | os.PathLike | None = None) -> Path:
    """The datasets folder: `override`, else $EMOLANE_DATASETS, else ../shared/datasets from the repo root."""
    raw = override or os.environ.get("EMOLANE_DATASETS")
    root = Path(raw).resolve() if raw else (REPO_ROOT / DEFAULT_DATASETS).resolve()  # given paths: from cwd
    if not root.is_dir():
        raise DatasetsMissingError(
            f"datasets folder not found: expected a directory at {root} "
            f"(set --datasets or EMOLANE_DATASETS; default is {DEFAULT_DATASETS} from the repo root)"
        )
    return root


def dataset_file(root: Path, *parts: str) -> Path:
    """root/parts, or a DatasetsMissingError naming the missing file."""
    path = root.joinpath(*parts)
    if not path.exists():
        raise DatasetsMissingError(f"expected {'/'.join(parts)} under the datasets folder {root}, it is missing")
    return path


def cache_dir() -> Path:
    """model/.cache (git-ignored), or $EMOLANE_CACHE."""
    raw = os.environ.get("EMOLANE_CACHE")
    return Path(raw).resolve() if raw else MODEL_DIR / ".cache"
