"""DeBERTa-style text encoder pieces: relative position buckets, disentangled attention, dynamic
masking and the enhanced mask decoder."""
from __future__ import annotations

import torch

from model.config import preset
from model.model import EmotionModel
from model.modules.text_encoder import dynamic_mask, log_bucket_position, relative_index

torch.set_num_threads(2)


def test_near_distances_keep_their_own_bucket_and_far_ones_share_log_buckets():
    d = torch.arange(-127, 128)
    b = log_bucket_position(d, buckets=32, max_position=128)
    assert torch.equal(b[torch.abs(d) <= 16], d[torch.abs(d) <= 16])
    assert int(b.abs().max()) < 32  # fits the 2 * 32 row table after the +32 shift
    assert torch.all(torch.diff(b) >= 0)  # monotone in the distance
    assert len(torch.unique(b[d > 16])) < int((d > 16).sum())  # far distances are merged


def test_relative_index_is_antisymmetric():
    r = relative_index(20, 32, 128, torch.device("cpu"))
    assert torch.equal(r, -r.T) and r[5, 2] == 3


def test_attention_depends_on_word_order():
    torch.manual_seed(0)
    m = EmotionModel(preset("studio", vocab_size=100)).eval()
    a = torch.tensor([[2, 10, 11, 12, 3]])
    b = torch.tensor([[2, 12, 11, 10, 3]])
    mask = torch.ones_like(a)
    with torch.no_grad():
        ha, _ = m.text_encoder(a, mask)
        hb, _ = m.text_encoder(b, mask)
    # same bag of words, different order: relative positions make the states differ
    assert not torch.allclose(ha.mean(1), hb.mean(1), atol=1e-4)


def test_dynamic_masking_never_masks_specials_and_changes_every_call():
    cfg = preset("studio", vocab_size=100)
    ids = torch.randint(5, 100, (8, 40))
    ids[:, 0], ids[:, 30] = cfg.cls_id, cfg.sep_id
    ids[:, 31:] = cfg.pad_id
    mask = (ids != cfg.pad_id).long()
    g = torch.Generator().manual_seed(0)
    _, pos1, tgt1 = dynamic_mask(ids, mask, cfg, g)
    _, pos2, _ = dynamic_mask(ids, mask, cfg, g)
    assert not torch.equal(pos1, pos2)
    picked = ids[pos1[:, 0], pos1[:, 1]]
    assert torch.equal(picked, tgt1)
    assert not torch.isin(picked, torch.tensor([cfg.cls_id, cfg.sep_id, cfg.pad_id])).any()
    assert 0.08 < len(pos1) / int(((ids >= 5)).sum()) < 0.25


def test_dynamic_masking_masks_at_least_one_token_of_a_short_line():
    cfg = preset("studio", vocab_size=100)
    ids = torch.tensor([[2, 50, 3]])
    _, pos, tgt = dynamic_mask(ids, torch.ones_like(ids), cfg, torch.Generator().manual_seed(3))
    assert pos.tolist() == [[0, 1]] and tgt.tolist() == [50]


def test_mask_decoder_predicts_over_the_vocabulary():
    torch.manual_seed(0)
    cfg = preset("studio", vocab_size=120)
    m = EmotionModel(cfg)
    ids = torch.randint(5, 120, (3, 16))
    mask = torch.ones_like(ids)
    masked, pos, tgt = dynamic_mask(ids, mask, cfg, torch.Generator().manual_seed(0))
    hidden, previous = m.text_encoder(masked, mask)
    logits = m.mask_decoder(m.text_encoder, hidden, previous, mask, pos)
    assert logits.shape == (len(pos), 120)
    loss = torch.nn.functional.cross_entropy(logits, tgt)
    loss.backward()
    assert m.mask_decoder.position_embeddings.weight.grad.abs().sum() > 0  # absolute positions used
