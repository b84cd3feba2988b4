"""Builds the training caches from ../shared/datasets: log-mel of every music item (decoded MP3s and
fluidsynth renders of the MIDI sets), per-set indexes, and checks the splits file covers every clip.

    nice -n 5 /usr/bin/python3 -m model.prepare_data [--sets 4q mirex emopia vgmidi] [--workers 2]
    /usr/bin/python3 -m model.prepare_data --check     # what is cached, builds nothing
    /usr/bin/python3 -m model.prepare_data --write-splits      # rewrite model/splits.json from the labels
    /usr/bin/python3 -m model.prepare_data --train-tokenizer   # retrain model/tokenizer.json (+ vectors)

Idempotent and resumable: finished items are skipped. Items that cannot be decoded or rendered are
skipped with a warning naming them; the run fails when more than --max-failed (5 %) of a set fails.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one thread per worker: the machine has 2 cores for everyone

import argparse  # noqa: E402
import multiprocessing as mp  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from model.data.cache import build_item, is_done, make_tasks, pack_and_index, read_packed  # noqa: E402
from model.data.music_sources import MUSIC_SOURCES, read_clips  # noqa: E402
from model.data.paths import DatasetsMissingError, cache_dir, datasets_root  # noqa: E402
from model.data.render import RenderError, check_fluidsynth  # noqa: E402
from model.data.splits import SplitsMissingError, clip_split, load_splits  # noqa: E402
from model.data.splits import main as splits_main  # noqa: E402
from model.data.train_tokenizer import main as tokenizer_main  # noqa: E402

MAX_WORKERS = 2


class TooManyFailures(RuntimeError):
    """More items of a set failed than --max-failed allows."""


def _dir_bytes(path: Path) -> int:
    """Size of a file, or of everything under a folder; 0 if absent."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def build_set(source: str, root: Path, cache: Path, workers: int, max_failed: float, limit: int = 0,
              splits: dict | None = None) -> dict:
    """Caches every item of one set (the first `limit` clips if > 0); returns {'items', 'hours', 'failed',
    'built', 'seconds'}. `splits` defaults to model/splits.json."""
    t0 = time.time()
    clips = read_clips(root, (source,))[: limit or None]
    splits = splits if splits is not None else load_splits()
    for c in clips:
        clip_split(splits, c.clip)  # fails early, naming the clip, if splits.json is stale
    tasks = make_tasks(clips, root, cache)
    packed = read_packed(source, cache)
    todo = [t for t in tasks if not is_done(t, packed)]
    print(f"[{source}] {len(clips)} clips, {len(tasks)} items, {len(tasks) - len(todo)} already cached, "
          f"{len(todo)} to build", flush=True)
    failed: list[dict] = []
    done_seconds = 0.0
    if todo:
        step = max(1, len(todo) // 20)
        with mp.get_context("fork").Pool(workers) as pool:
            for n, meta in enumerate(pool.imap_unordered(build_item, todo, chunksize=1), 1):
                if "error" in meta:
                    failed.append(meta)
                    print(f"[{source}] WARNING skipped {meta['item']}: {meta['error']}", file=sys.stderr, flush=True)
                else:
                    done_seconds += meta["seconds"]
                if n % step == 0 or n == len(todo):
                    el = time.time() - t0
                    print(f"[{source}] {n}/{len(todo)} built, {done_seconds / 3600:.2f} h audio, {el:.0f} s, "
                          f"eta {el / n * (len(todo) - n):.0f} s", flush=True)
    summary = pack_and_index(source, tasks, {c.clip: c for c in clips}, root, cache)
    summary.update(failed=len(failed), built=len(todo) - len(failed), seconds=time.time() - t0)
    if failed and len(failed) > max_failed * len(tasks):
        names = ", ".join(f["item"] for f in failed[:20])
        raise TooManyFailures(f"[{source}] {len(failed)} of {len(tasks)} items failed (more than "
                              f"{max_failed:.0%}): {names}{' ...' if len(failed) > 20 else ''}")
    if failed:
        print(f"[{source}] {len(failed)} items skipped: {', '.join(f['item'] for f in failed)}", file=sys.stderr)
    return summary


def check(root: Path, cache: Path, sources) -> None:
    """Prints how many items of each set are cached."""
    for s in sources:
        tasks = make_tasks(read_clips(root, (s,)), root, cache)
        packed = read_packed(s, cache)
        done = sum(is_done(t, packed) for t in tasks)
        size = _dir_bytes(cache / "mel" / s) + _dir_bytes(cache / "packed" / f"{s}.npy")
        print(f"[{s}] {done}/{len(tasks)} items cached, {len(packed)} packed, {size / 1e6:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the log-mel caches from the shared datasets.")
    parser.add_argument("--datasets", help="datasets folder (default ../shared/datasets from the repo root, "
                                           "or $EMOLANE_DATASETS)")
    parser.add_argument("--sets", nargs="+", default=list(MUSIC_SOURCES), choices=MUSIC_SOURCES)
    parser.add_argument("--workers", type=int, default=MAX_WORKERS, help=f"processes, 1..{MAX_WORKERS}")
    parser.add_argument("--max-failed", type=float, default=0.05, help="fraction of a set allowed to fail")
    parser.add_argument("--check", action="store_true", help="report what is cached; build nothing")
    parser.add_argument("--limit", type=int, default=0, help="only the first N clips of each set (smoke test)")
    parser.add_argument("--write-splits", action="store_true", help="rewrite model/splits.json, then stop")
    parser.add_argument("--train-tokenizer", action="store_true", help="retrain model/tokenizer.json, then stop")
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= MAX_WORKERS:
        parser.error(f"--workers must be in 1..{MAX_WORKERS}, got {args.workers}")
    try:
        root = datasets_root(args.datasets)
        cache = cache_dir()
        if args.write_splits or args.train_tokenizer:
            extra = ["--datasets", str(root)]
            if args.write_splits:
                splits_main(extra)
            if args.train_tokenizer:
                tokenizer_main(extra)
            return 0
        if args.check:
            check(root, cache, args.sets)
            return 0
        if any(s != "4q" for s in args.sets):
            check_fluidsynth()
        t0 = time.time()
        totals = {}
        for s in args.sets:
            totals[s] = build_set(s, root, cache, args.workers, args.max_failed, args.limit)
        print("\nset      items   hours  built  failed  seconds")
        for s, t in totals.items():
            print(f"{s:8s} {t['items']:5d} {t['hours']:7.2f} {t['built']:6d} {t['failed']:7d} {t['seconds']:8.0f}")
        print(f"total {sum(t['items'] for t in totals.values())} items, "
              f"{sum(t['hours'] for t in totals.values()):.2f} h audio, cache {_dir_bytes(cache) / 1e9:.2f} GB, "
              f"{time.time() - t0:.0f} s")
        return 0
    except (DatasetsMissingError, SplitsMissingError, RenderError, TooManyFailures) as e:
        print(f"prepare_data: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
