"""DeBERTa-style lyrics encoder (He et al. 2021): disentangled attention over content and relative
position, and the enhanced mask decoder used only for masked-language-model pretraining.

Eq. 1 of Wang 2025: G_TE = DeBERTa(S). Attention scores are the sum of content-to-content,
content-to-position and position-to-content terms, scaled by 1/sqrt(3 d); relative distances are
log-bucketed (DeBERTa v2). Absolute positions enter only in the enhanced mask decoder.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..config import ModelConfig

NEG_INF = -1e4  # additive mask: large enough to zero a softmax term, small enough to stay finite


def log_bucket_position(relative: torch.Tensor, buckets: int, max_position: int) -> torch.Tensor:
    """Relative distance (any int shape) -> bucket in [-(buckets/2 + ...), ...], DeBERTa v2.

    Distances with |d| < buckets/2 stay exact; farther ones are log-spaced up to max_position.
    """
    mid = buckets // 2
    rel = relative.float()
    sign = torch.sign(rel)
    abs_pos = torch.where((rel < mid) & (rel > -mid), torch.full_like(rel, mid - 1.0), rel.abs())
    log_pos = torch.ceil(torch.log(abs_pos / mid) / math.log((max_position - 1) / mid) * (mid - 1)) + mid
    bucket = torch.where(abs_pos <= mid, rel, log_pos * sign)
    return bucket.long()


def relative_index(length: int | torch.Tensor, buckets: int, max_position: int, device: torch.device) -> torch.Tensor:
    """(L, L) int64 bucketed i - j, query i over key j."""
    ids = torch.arange(length, device=device)
    return log_bucket_position(ids[:, None] - ids[None, :], buckets, max_position)


class DisentangledSelfAttention(nn.Module):
    """Multi-head attention with c2c + c2p + p2c scores (DeBERTa eq. 4)."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.heads = config.text_heads
        self.head_dim = config.text_dim // config.text_heads
        self.span = config.position_buckets  # rel table has 2 * span rows
        h = config.text_dim
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)
        self.pos_key = nn.Linear(h, h)  # K_r: projects the shared relative embeddings
        self.pos_query = nn.Linear(h, h)  # Q_r
        self.out = nn.Linear(h, h)
        self.dropout = nn.Dropout(config.dropout)
        self.scale = 1.0 / math.sqrt(3 * self.head_dim)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.head_dim).transpose(1, 2)  # (B, h, N, d)

    def forward(self, hidden: torch.Tensor, mask_add: torch.Tensor, rel_idx: torch.Tensor,
                rel_emb: torch.Tensor, query_states: torch.Tensor | None = None) -> torch.Tensor:
        """hidden (B, L, H) keys/values; query_states (B, L, H) or None = hidden; mask_add (B, 1, 1, L);
        rel_idx (L, L) bucketed i - j; rel_emb (2 span, H) -> (B, L, H)."""
        q_in = hidden if query_states is None else query_states
        q = self._split(self.query(q_in))  # (B, h, L, d)
        k = self._split(self.key(hidden))
        v = self._split(self.value(hidden))
        b, h, n, d = q.shape
        pk = self.pos_key(rel_emb).view(-1, h, d).transpose(0, 1)  # (h, 2span, d)
        pq = self.pos_query(rel_emb).view(-1, h, d).transpose(0, 1)  # (h, 2span, d)

        c2c = q @ k.transpose(-1, -2)  # (B, h, L, L)
        c2p_idx = torch.clamp(rel_idx + self.span, 0, 2 * self.span - 1)  # δ(i, j) -> table row
        c2p = torch.gather(q @ pk.transpose(-1, -2).unsqueeze(0), -1,
                           c2p_idx.unsqueeze(0).unsqueeze(0).expand(b, h, n, n))  # (B, h, L, L)
        p2c_idx = torch.clamp(-rel_idx + self.span, 0, 2 * self.span - 1)  # δ(j, i), indexed [j, i]
        p2c = torch.gather(k @ pq.transpose(-1, -2).unsqueeze(0), -1,
                           p2c_idx.unsqueeze(0).unsqueeze(0).expand(b, h, n, n)).transpose(-1, -2)
        scores = (c2c + c2p + p2c) * self.scale + mask_add
        probs = self.dropout(torch.softmax(scores, dim=-1))
        ctx = (probs @ v).transpose(1, 2).reshape(b, n, h * d)  # (B, L, H)
        return self.out(ctx)


class TextLayer(nn.Module):
    """Post-LN Transformer layer (as in BERT/DeBERTa) with disentangled attention."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.attention = DisentangledSelfAttention(config)
        self.norm1 = nn.LayerNorm(config.text_dim)
        self.ffn = nn.Sequential(nn.Linear(config.text_dim, config.text_ffn), nn.GELU(),
                                 nn.Linear(config.text_ffn, config.text_dim))
        self.norm2 = nn.LayerNorm(config.text_dim)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, hidden, mask_add, rel_idx, rel_emb, query_states=None):
        residual = hidden if query_states is None else query_states
        x = self.norm1(residual + self.dropout(self.attention(hidden, mask_add, rel_idx, rel_emb, query_states)))
        return self.norm2(x + self.dropout(self.ffn(x)))


class TextEncoder(nn.Module):
    """Token ids -> G_TE (B, L, text_dim); also returns the last-but-one layer for the mask decoder."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.word_embeddings = nn.Embedding(config.vocab_size, config.text_dim, padding_idx=config.pad_id)
        self.embed_norm = nn.LayerNorm(config.text_dim)
        self.rel_embeddings = nn.Embedding(2 * config.position_buckets, config.text_dim)
        self.rel_norm = nn.LayerNorm(config.text_dim)
        self.layers = nn.ModuleList(TextLayer(config) for _ in range(config.text_layers))
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, L) int64 ids and mask -> (G_TE, previous layer's states), both (B, L, text_dim)."""
        mask_add = (1.0 - attention_mask.to(torch.float32))[:, None, None, :] * NEG_INF  # (B, 1, 1, L)
        rel_idx = relative_index(input_ids.shape[1], self.config.position_buckets,
                                 self.config.max_relative_positions, input_ids.device)
        rel_emb = self.rel_norm(self.rel_embeddings.weight)
        hidden = self.dropout(self.embed_norm(self.word_embeddings(input_ids)))
        previous = hidden
        for layer in self.layers:
            previous = hidden
            hidden = layer(hidden, mask_add, rel_idx, rel_emb)
        return hidden, previous


class EnhancedMaskDecoder(nn.Module):
    """DeBERTa's EMD: absolute positions added before the MLM softmax.

    The query stream I = H_last + P_abs runs `emd_layers` times through the encoder's last layer
    (shared weights) over the keys/values of the last-but-one layer; then dense-GELU-LN and
    logits tied to the word embeddings. Used in pretraining only, never exported.
    """

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.position_embeddings = nn.Embedding(config.max_tokens, config.text_dim)
        self.transform = nn.Sequential(nn.Linear(config.text_dim, config.text_dim), nn.GELU(),
                                       nn.LayerNorm(config.text_dim))
        self.bias = nn.Parameter(torch.zeros(config.vocab_size))

    def forward(self, encoder: TextEncoder, hidden: torch.Tensor, previous: torch.Tensor,
                attention_mask: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        """hidden/previous (B, L, H); positions (N, 2) [batch, token] of masked tokens -> (N, vocab) logits."""
        n = hidden.shape[1]
        mask_add = (1.0 - attention_mask.to(torch.float32))[:, None, None, :] * NEG_INF
        rel_idx = relative_index(n, self.config.position_buckets, self.config.max_relative_positions, hidden.device)
        rel_emb = encoder.rel_norm(encoder.rel_embeddings.weight)
        abs_pos = self.position_embeddings(torch.arange(n, device=hidden.device))[None]  # (1, L, H)
        query = hidden + abs_pos
        last = encoder.layers[-1]
        for _ in range(self.config.emd_layers):
            query = last(previous, mask_add, rel_idx, rel_emb, query_states=query)
        picked = query[positions[:, 0], positions[:, 1]]  # (N, H)
        return F.linear(self.transform(picked), encoder.word_embeddings.weight, self.bias)


def dynamic_mask(input_ids: torch.Tensor, attention_mask: torch.Tensor, config: ModelConfig,
                 generator: torch.Generator, ratio: float = 0.15) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Fresh BERT-style masking each call (dynamic masking): of the chosen real, non-special tokens,
    80 % -> [MASK], 10 % -> random token, 10 % kept. Returns (masked ids, positions (N, 2), targets (N,))."""
    special = (input_ids == config.cls_id) | (input_ids == config.sep_id) | (input_ids == config.pad_id)
    candidates = (attention_mask > 0) & ~special
    pick = (torch.rand(input_ids.shape, generator=generator) < ratio) & candidates
    # every row with a candidate gets at least one masked token, so tiny sentences still teach
    first = torch.argmax(candidates.int() * torch.rand(input_ids.shape, generator=generator), dim=1)
    has = candidates.any(dim=1)
    pick[torch.arange(len(pick))[has], first[has]] = True
    roll = torch.rand(input_ids.shape, generator=generator)
    masked = input_ids.clone()
    masked[pick & (roll < 0.8)] = config.mask_id
    rand_tok = torch.randint(5, config.vocab_size, input_ids.shape, generator=generator)
    swap = pick & (roll >= 0.8) & (roll < 0.9)
    masked[swap] = rand_tok[swap]
    positions = pick.nonzero()
    return masked, positions, input_ids[pick]
