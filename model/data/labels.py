"""The datasets' own label schemes mapped to valence / arousal signs and polarity (datasets README)."""
from __future__ import annotations

from .records import NAN, NEGATIVE, POSITIVE

# Russell quadrants: Q1 +V+A, Q2 -V+A, Q3 -V-A, Q4 +V-A
QUADRANT_VA = {1: (1.0, 1.0), 2: (-1.0, 1.0), 3: (-1.0, -1.0), 4: (1.0, -1.0)}

# MIREX mood clusters; NaN where the cluster says nothing about arousal
CLUSTER_VA = {1: (1.0, 1.0), 2: (1.0, NAN), 3: (-1.0, -1.0), 4: (1.0, NAN), 5: (-1.0, 1.0)}
CLUSTER_POLARITY = {1: POSITIVE, 2: POSITIVE, 3: NEGATIVE, 4: POSITIVE, 5: NEGATIVE}


def parse_quadrant(label: str) -> int:
    """'Q1'..'Q4' (any case) -> 1..4."""
    text = label.strip().upper()
    if text not in ("Q1", "Q2", "Q3", "Q4"):
        raise ValueError(f"expected a quadrant Q1..Q4, got {label!r}")
    return int(text[1])


def quadrant_labels(quadrant: int) -> tuple[float, float, int]:
    """(valence sign, arousal sign, polarity) of quadrant 1..4."""
    if quadrant not in QUADRANT_VA:
        raise ValueError(f"expected quadrant 1..4, got {quadrant}")
    v, a = QUADRANT_VA[quadrant]
    return v, a, POSITIVE if v > 0 else NEGATIVE


def cluster_labels(cluster: int) -> tuple[float, float, int]:
    """(valence sign, arousal sign or NaN, polarity) of MIREX cluster 1..5."""
    if cluster not in CLUSTER_VA:
        raise ValueError(f"expected MIREX cluster 1..5, got {cluster}")
    v, a = CLUSTER_VA[cluster]
    return v, a, CLUSTER_POLARITY[cluster]


def quadrant_from_va(valence: float, arousal: float) -> int:
    """Quadrant 1..4 from signs (0 counts as positive); -1 if either is NaN."""
    if valence != valence or arousal != arousal:
        return -1
    if valence >= 0:
        return 1 if arousal >= 0 else 4
    return 2 if arousal >= 0 else 3
