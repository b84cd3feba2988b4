"""Label mappings from each set's own scheme to valence / arousal signs and polarity."""
import math

import pytest

from model.data.labels import cluster_labels, parse_quadrant, quadrant_from_va, quadrant_labels
from model.data.music_sources import normalise_artist, normalise_title, parse_emopia_name, song_key
from model.data.records import NEGATIVE, NEUTRAL, POSITIVE, UNKNOWN, polarity_from_valence
from model.data.text_sets import goemotions_polarity


@pytest.mark.parametrize("label,va,pol", [
    ("Q1", (1, 1), POSITIVE), ("Q2", (-1, 1), NEGATIVE), ("q3", (-1, -1), NEGATIVE), ("Q4", (1, -1), POSITIVE),
])
def test_quadrants_map_to_russell_signs(label, va, pol):
    v, a, p = quadrant_labels(parse_quadrant(label))
    assert (v, a, p) == (*va, pol)


def test_a_bad_quadrant_names_what_was_expected():
    with pytest.raises(ValueError, match="Q1..Q4, got 'Q5'"):
        parse_quadrant("Q5")


@pytest.mark.parametrize("cluster,v,a,pol", [
    (1, 1, 1, POSITIVE), (2, 1, None, POSITIVE), (3, -1, -1, NEGATIVE), (4, 1, None, POSITIVE), (5, -1, 1, NEGATIVE),
])
def test_mirex_clusters_follow_the_datasets_readme(cluster, v, a, pol):
    cv, ca, cp = cluster_labels(cluster)
    assert cv == v and cp == pol
    assert math.isnan(ca) if a is None else ca == a


def test_quadrant_from_curve_means():
    assert [quadrant_from_va(0.3, 0.2), quadrant_from_va(-0.3, 0.2), quadrant_from_va(-0.1, -0.2),
            quadrant_from_va(0.1, -0.5), quadrant_from_va(math.nan, 0.1)] == [1, 2, 3, 4, -1]


def test_polarity_has_a_neutral_band():
    assert [polarity_from_valence(v) for v in (-0.5, -0.05, 0.0, 0.09, 0.2, math.nan)] == \
        [NEGATIVE, NEUTRAL, NEUTRAL, NEUTRAL, POSITIVE, UNKNOWN]


def test_goemotions_groups_to_polarity():
    assert goemotions_polarity({"positive"}) == POSITIVE
    assert goemotions_polarity({"negative", "ambiguous"}) == NEGATIVE
    assert goemotions_polarity({"neutral"}) == NEUTRAL
    assert goemotions_polarity({"ambiguous"}) == UNKNOWN
    assert goemotions_polarity({"positive", "negative"}) == UNKNOWN


def test_emopia_names_keep_youtube_ids_with_underscores():
    assert parse_emopia_name("midis/Q3_a_b-c_D_12.mid") == (3, "a_b-c_D", "12")
    with pytest.raises(ValueError, match="EMOPIA name"):
        parse_emopia_name("Q9_x_1.mid")


def test_artist_and_title_normalise_across_label_styles():
    assert normalise_artist("Brown, Ruth") == normalise_artist("Ruth Brown")
    assert normalise_artist("The Coasters") == normalise_artist("Coasters")
    assert normalise_artist("Bob Marley & the Wailers") == normalise_artist("Marley, Bob and The Wailers")
    assert normalise_title("Back in Black (Live)") == normalise_title("Back In Black")
    assert song_key("", "", "mirex:080") == "clip:mirex:080"  # no title: a song of its own
