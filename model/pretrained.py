"""The published taggers the audio encoder starts from: where they are, their checksums, and loading.

The files stay in ../shared/pretrained (or $EMOLANE_PRETRAINED) and are never committed; training
refuses a missing folder, a file whose sha256 differs from the one below, or a state dict that does not
fit the module, naming the file and what differs: never a silently random encoder.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import torch

from .audio import mel_filterbank
from .data.paths import REPO_ROOT
from .modules.taggers import FCN, EssentiaMusicnn, Musicnn, PretrainedWeightsError, load_into, read_state_dict

DEFAULT_PRETRAINED = Path("..") / "shared" / "pretrained"


@dataclass(frozen=True)
class Pretrained:
    """One published state dict: its path under the pretrained folder, checksum, module and provenance."""

    path: str
    sha256: str
    arch: str  # "musicnn" | "essentia-musicnn" | "fcn"
    trained_on: str
    licence: str


PRETRAINED: dict[str, Pretrained] = {
    "mtat-musicnn": Pretrained("music-tagging/mtat-musicnn.pth",
                               "0a7ac8aa3daab3a1c59cae16a771b0bfa4064ac94502ebc990a5c32a2771e189", "musicnn",
                               "MagnaTagATune top-50 tags (Won et al. 2020)",
                               "code MIT; MTAT audio CC BY-NC-SA (research use)"),
    "jamendo-musicnn": Pretrained("music-tagging/jamendo-musicnn.pth",
                                  "66280f4859376377c47f64313c7ac889a3201fdb06a01bf6e94ac6e619081bb5", "musicnn",
                                  "MTG-Jamendo top-50 tags (Won et al. 2020)", "code MIT; Jamendo CC licences"),
    "msd-fcn": Pretrained("music-tagging/msd-fcn.pth",
                          "6012aa7eecf864a8081faedca56af054521e8dfb9c5c98659a3dd5d3e1e66f21", "fcn",
                          "Million Song Dataset top-50 tags (Won et al. 2020)", "code MIT; MSD previews research-only"),
    "mtat-fcn": Pretrained("music-tagging/mtat-fcn.pth",
                           "3bfc67e43f3e180194ab5993c947ffbf44b1a23dcdf42c374b1ced9d4d4de72e", "fcn",
                           "MagnaTagATune top-50 tags (Won et al. 2020)", "code MIT; MTAT audio CC BY-NC-SA"),
    "essentia-msd-musicnn": Pretrained("essentia-msd-musicnn/msd-musicnn.pt",
                                       "a145851a7eef4398dee017de7224b06349ae48bc3e660bfa6167f37279720f1f",
                                       "essentia-musicnn",
                                       "Million Song Dataset top-50 tags (Essentia, Alonso-Jimenez et al. 2020)",
                                       "CC BY-NC-SA 4.0 (non-commercial, share-alike); MSD previews research-only"),
}


def pretrained_root() -> Path:
    """$EMOLANE_PRETRAINED, else ../shared/pretrained from the repo root."""
    raw = os.environ.get("EMOLANE_PRETRAINED")
    return Path(raw).resolve() if raw else (REPO_ROOT / DEFAULT_PRETRAINED).resolve()


def load_pretrained(name: str, root: Path | None = None) -> tuple[Musicnn | EssentiaMusicnn | FCN, dict]:
    """The named tagger with its published weights, in eval mode, and its raw state dict (STFT/mel buffers too)."""
    if name not in PRETRAINED:
        raise PretrainedWeightsError(f"unknown pretrained tagger {name!r}; expected one of {sorted(PRETRAINED)}")
    entry = PRETRAINED[name]
    path = (root or pretrained_root()) / entry.path
    sd = read_state_dict(path, entry.sha256)
    if entry.arch == "essentia-musicnn":
        module = EssentiaMusicnn()
        if "frontend.fb" not in sd:
            raise PretrainedWeightsError(f"{path} has no frontend.fb (Essentia's mel bank): expected {{backbone, frontend}}")
        # our HTK bands mapped onto its Slaney ones (a fixed matrix kept with the weights)
        module.set_band_map(torch.from_numpy(mel_filterbank()).T, sd["frontend.fb"])
        backbone = {k.removeprefix("backbone."): v for k, v in sd.items() if k.startswith("backbone.")}
        load_into(module, {**backbone, "htk_to_slaney": module.htk_to_slaney.clone()}, path)
    else:
        module = Musicnn() if entry.arch == "musicnn" else FCN()
        load_into(module, sd, path)
    return module.eval(), sd


def load_teacher(name: str = "mtat-musicnn") -> tuple[Musicnn | EssentiaMusicnn, str]:
    """A musicnn tagger for the frame features, and its checksum."""
    module, _ = load_pretrained(name)
    if not isinstance(module, (Musicnn, EssentiaMusicnn)):
        raise PretrainedWeightsError(f"{name} is not a musicnn tagger: the audio encoder needs musicnn frame features")
    return module, PRETRAINED[name].sha256
