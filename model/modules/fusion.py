"""Cross-modal interaction, per-modality self-attention and the Transformer encoder over both
(eq. 5-19 of Wang 2025).

Our reading of the paper's loose notation, in order:
  G_S = ReLU(W G_TE + b)            text local features, (B, L, D)                      eq. 5
  G_U = MLP(G_IM)                   conv over time + ReLU + linear, (B, M, D)           eq. 5
  G_{U<-S} = MHCA(G_S, G_U)         text queries over audio keys (text-guided audio)    eq. 6-9
  G_{S<-U} = MHCA(G_U, G_S)         audio queries over text keys (audio-guided text)    eq. 10-13
  G_US, G_SU = mean over positions  of G_{U<-S} and G_{S<-U} (masked): the averaging    eq. 14
  D_SS = SelfAtt(G_S + G_{U<-S}),  D_UU = SelfAtt(G_U + G_{S<-U})                       eq. 15-18
  D_su = mean(TransformerEncoder(D_SS (+) D_UU))  over the concatenation               eq. 19
The ablation switches in the config replace a step by the identity (no cross-attention: each
modality sees only itself, G_{U<-S} = G_S and G_{S<-U} = G_U).
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..config import ModelConfig
from .text_encoder import NEG_INF


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """(B, N, D) averaged over positions where mask (B, N) is 1 -> (B, D)."""
    m = mask.to(x.dtype).unsqueeze(-1)  # (B, N, 1)
    return (x * m).sum(dim=1) / m.sum(dim=1).clamp_min(1.0)


class MultiHeadAttention(nn.Module):
    """Plain scaled dot-product multi-head attention (queries from one sequence, keys/values from
    another), written out so the ONNX export has no fused kernels."""

    def __init__(self, dim: int, heads: int, dropout: float):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.query, self.key, self.value = nn.Linear(dim, dim), nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.out = nn.Linear(dim, dim)
        self.dropout = nn.Dropout(dropout)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        return x.view(b, n, self.heads, self.head_dim).transpose(1, 2)  # (B, h, N, d)

    def forward(self, query: torch.Tensor, context: torch.Tensor, context_mask: torch.Tensor) -> torch.Tensor:
        """query (B, Nq, D), context (B, Nk, D), context_mask (B, Nk) 1 = attend -> (B, Nq, D)."""
        q, k, v = self._split(self.query(query)), self._split(self.key(context)), self._split(self.value(context))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)  # (B, h, Nq, Nk)
        scores = scores + (1.0 - context_mask.to(scores.dtype))[:, None, None, :] * NEG_INF
        probs = self.dropout(torch.softmax(scores, dim=-1))
        b, h, n, d = q.shape
        return self.out((probs @ v).transpose(1, 2).reshape(b, n, h * d))


class AttentionBlock(nn.Module):
    """Pre-LN residual attention (+ optional feed-forward): x + Att(LN(x), ctx), then x + FFN(LN(x))."""

    def __init__(self, dim: int, heads: int, ffn: int, dropout: float, with_ffn: bool = True):
        super().__init__()
        self.norm_q, self.norm_kv = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attention = MultiHeadAttention(dim, heads, dropout)
        self.ffn = (nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, ffn), nn.GELU(), nn.Dropout(dropout),
                                  nn.Linear(ffn, dim)) if with_ffn else None)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, context: torch.Tensor, context_mask: torch.Tensor) -> torch.Tensor:
        x = x + self.dropout(self.attention(self.norm_q(x), self.norm_kv(context), context_mask))
        return x if self.ffn is None else x + self.dropout(self.ffn(x))


class Fusion(nn.Module):
    """token_states (B, L, D) + mask, frame_states (B, M, D) -> D_su, G_US, G_SU (each (B, D))."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        d, h, p = config.dim, config.fusion_heads, config.dropout
        self.config = config
        self.text_local = nn.Linear(d, d)  # eq. 5, G_S
        self.audio_local_conv = nn.Conv1d(d, d, 3, padding=1)  # eq. 5, G_D: conv + ReLU + linear
        self.audio_local_out = nn.Linear(d, d)
        self.text_to_audio = MultiHeadAttention(d, h, p)  # text queries, audio keys: G_{U<-S}
        self.audio_to_text = MultiHeadAttention(d, h, p)  # audio queries, text keys: G_{S<-U}
        self.norm_s, self.norm_u = nn.LayerNorm(d), nn.LayerNorm(d)
        self.text_self = AttentionBlock(d, h, config.fusion_ffn, p, with_ffn=False)  # eq. 15-16
        self.audio_self = AttentionBlock(d, h, config.fusion_ffn, p, with_ffn=False)  # eq. 17-18
        self.modality = nn.Parameter(torch.zeros(2, d))  # text / audio type embeddings for eq. 19
        self.encoder = nn.ModuleList(AttentionBlock(d, h, config.fusion_ffn, p) for _ in range(config.fusion_layers))
        self.final_norm = nn.LayerNorm(d)

    def forward(self, frame_states: torch.Tensor, token_states: torch.Tensor,
                attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        cfg = self.config
        text_mask = attention_mask.to(torch.float32)  # (B, L)
        audio_mask = torch.ones_like(frame_states[:, :, 0])  # (B, M): every frame is real
        g_s = torch.relu(self.text_local(token_states))  # (B, L, D)
        g_u = self.audio_local_out(torch.relu(self.audio_local_conv(frame_states.transpose(1, 2)).transpose(1, 2)))

        if cfg.use_cross_attention:
            u_from_s = self.text_to_audio(g_s, g_u, audio_mask)  # (B, L, D) text-guided audio
            s_from_u = self.audio_to_text(g_u, g_s, text_mask)  # (B, M, D) audio-guided text
            text_seq = self.norm_s(g_s + u_from_s)
            audio_seq = self.norm_u(g_u + s_from_u)
        else:
            u_from_s, s_from_u = g_s, g_u
            text_seq, audio_seq = self.norm_s(g_s), self.norm_u(g_u)
        g_us = masked_mean(u_from_s, text_mask)  # eq. 14: (B, D)
        g_su = masked_mean(s_from_u, audio_mask)

        if cfg.use_self_attention:
            text_seq = self.text_self(text_seq, text_seq, text_mask)  # D_SS (B, L, D)
            audio_seq = self.audio_self(audio_seq, audio_seq, audio_mask)  # D_UU (B, M, D)

        joint = torch.cat([text_seq + self.modality[0], audio_seq + self.modality[1]], dim=1)  # (B, L+M, D)
        joint_mask = torch.cat([text_mask, audio_mask], dim=1)  # (B, L+M)
        if cfg.use_transformer:
            for block in self.encoder:
                joint = block(joint, joint, joint_mask)
        d_su = masked_mean(self.final_norm(joint), joint_mask)  # eq. 19 pooled: (B, D)
        return d_su, g_us, g_su
