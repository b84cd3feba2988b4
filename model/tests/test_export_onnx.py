"""export_onnx.py writes the three contract graphs, a manifest that describes them, and parity
references that onnxruntime-node reproduces."""
from __future__ import annotations

import hashlib
import json
import shutil

import onnx
import pytest
import torch

from model import export_onnx
from model.audio import N_MELS
from model.config import preset
from model.model import EmotionModel, save_checkpoint


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    export_onnx.main(["--untrained", "--out", str(out), "--no-check"])
    return out


def test_manifest_lists_each_graph_with_its_checksum(exported):
    manifest = json.loads((exported / "manifest.json").read_text())
    assert manifest["trained"] is False and manifest["schema"] == "emolane.model/1"
    assert set(manifest["files"]) == {"text_encoder", "audio_encoder", "fusion"}
    for entry in manifest["files"].values():
        data = (exported / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["audio"]["hop"] == 250 and manifest["audio"]["encoder_stride"] == 32
    assert manifest["labels"]["polarity"] == ["negative", "neutral", "positive"]


def test_graphs_have_contract_names_and_dynamic_axes(exported):
    def dims(value):
        return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]

    text = onnx.load(str(exported / "onnx" / "text_encoder.onnx")).graph
    assert [i.name for i in text.input] == ["input_ids", "attention_mask"]
    assert [o.name for o in text.output] == ["token_states", "lyrics_polarity", "lyrics_va", "token_va"]
    assert dims(text.input[0]) == ["B", "L"]
    audio = onnx.load(str(exported / "onnx" / "audio_encoder.onnx")).graph
    assert dims(audio.input[0]) == ["B", N_MELS, "T"]
    fusion = onnx.load(str(exported / "onnx" / "fusion.onnx")).graph
    assert [o.name for o in fusion.output] == ["polarity", "va", "audio_polarity", "audio_va"]
    assert dims(fusion.input[0])[:2] == ["B", "M"]


def test_shipped_size_is_well_under_60_mb(exported):
    total = sum(p.stat().st_size for p in (exported / "onnx").glob("*.onnx"))
    assert total < 45e6


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node for onnxruntime-node")
def test_onnxruntime_node_reproduces_the_parity_references(exported):
    export_onnx.check_with_node(exported)


def test_trained_export_refuses_a_checkpoint_made_with_another_config(tmp_path, monkeypatch):
    monkeypatch.setattr(export_onnx, "tokenizer_vocab_size", lambda: 300)
    save_checkpoint(tmp_path / "m.pt", EmotionModel(preset("studio", vocab_size=200)))
    with pytest.raises(ValueError, match="config mismatch.*vocab_size"):
        export_onnx.main(["--checkpoint", str(tmp_path / "m.pt"), "--out", str(tmp_path), "--no-check"])


def test_trained_export_without_a_checkpoint_says_to_train(tmp_path, monkeypatch):
    monkeypatch.setattr(export_onnx, "tokenizer_vocab_size", lambda: 300)
    with pytest.raises(FileNotFoundError, match="train first"):
        export_onnx.main(["--checkpoint", str(tmp_path / "none.pt"), "--out", str(tmp_path), "--no-check"])
