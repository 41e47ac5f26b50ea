"""Pretrained backbones from ``keras.applications`` (VGG16, ResNet50): loading their weights,
their frozen features, and the whole image model (pixels -> backbone -> head) that is saved.

Weights come from Keras' own cache (``$KERAS_HOME/models``, default ``~/.keras/models``), a
local file, or nowhere (random initialisation). Each backbone is split at its top block: the
part below it is never trained, so its output can be computed once and cached; the top block
is what fine-tuning unfreezes.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autotune.backend import keras

import numpy as np

from autotune.errors import DataError, UsageError

layers = keras.layers

# VGG16 and ResNet50 refuse inputs smaller than this.
MIN_SIDE = 32


@dataclass(frozen=True)
class Backbone:
    name: str
    build: Any  # the keras.applications constructor
    preprocess: Any  # its preprocess_input
    top_input: str  # the layer whose output feeds the top block
    top_block: str  # name prefix of the top block's layers
    weights_file: str  # the notop ImageNet file in Keras' cache


BACKBONES = {
    "vgg16": Backbone(
        "vgg16",
        keras.applications.VGG16,
        keras.applications.vgg16.preprocess_input,
        top_input="block4_pool",
        top_block="block5",
        weights_file="vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    ),
    "resnet50": Backbone(
        "resnet50",
        keras.applications.ResNet50,
        keras.applications.resnet50.preprocess_input,
        top_input="conv4_block6_out",
        top_block="conv5",
        weights_file="resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
    ),
}


def keras_models_dir() -> Path:
    """Where Keras caches downloaded weights: ``$KERAS_HOME/models`` (``~/.keras/models``)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "models"


def load_backbone(name: str, weights: str, side: int, seed: int) -> keras.Model:
    """The backbone without its classifier, for ``side`` x ``side`` RGB input.

    Args:
        name: ``vgg16`` or ``resnet50``.
        weights: ``imagenet`` (Keras' cache, downloaded when missing), ``none`` (random,
            seeded), or the path of a weights file (``.h5`` as in Keras' cache, or
            ``.weights.h5`` from ``model.save_weights``).
        side: input side in pixels (at least 32).
        seed: seed of the random initialisation.

    Raises:
        DataError: ImageNet weights missing and not downloadable; a weights file missing or
            not this backbone's.
    """
    spec = BACKBONES[name]
    if side < MIN_SIDE:
        raise UsageError(
            f"--image-size {side}: {name} needs images of at least {MIN_SIDE} pixels; pass "
            f"--image-size {MIN_SIDE} or more, or --backbone none"
        )
    shape = (side, side, 3)
    keras.utils.set_random_seed(seed)  # the same random weights in every run with this seed
    if weights == "none":
        return spec.build(weights=None, include_top=False, input_shape=shape)
    if weights == "imagenet":
        return _imagenet(spec, shape)
    path = Path(weights)
    if not path.is_file():
        raise DataError(f"--weights {weights}: no such file; pass a weights file, imagenet or none")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # one warning per layer of a mismatched file
            return spec.build(weights=os.fspath(path), include_top=False, input_shape=shape)
    except Exception as exc:  # noqa: BLE001  (h5py, shape and layer-count errors all mean this)
        raise DataError(
            f"{path}: not {name} weights without its classifier ({_first_line(exc)}); pass the "
            f"file Keras caches as {spec.weights_file}, or one saved with save_weights from "
            f"keras.applications.{spec.build.__name__}(include_top=False)"
        ) from None


def _imagenet(spec: Backbone, shape: tuple[int, int, int]) -> keras.Model:
    folder = keras_models_dir()
    cached = (folder / spec.weights_file).exists()
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # Keras prints "Downloading data ..."
            return spec.build(weights="imagenet", include_top=False, input_shape=shape)
    except Exception as exc:  # noqa: BLE001  (a failed download raises a bare Exception)
        why = (
            "was in Keras' cache but did not match its published hash, so Keras deleted it "
            "and could not download it again"
            if cached
            else "is not in Keras' cache and could not be downloaded"
        )
        reason = _first_line(exc).rpartition(" -- ")[2][:120]  # "URL fetch failure on ..."
        raise DataError(
            f"--weights imagenet: {spec.weights_file} {why} ({reason}); "
            f"place that file in {folder} (Keras checks its hash and deletes a file that does "
            "not match), or pass a local file with --weights FILE.h5, or start from random "
            "weights with --weights none"
        ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def to_backbone_input(x, name: str, channels: int):
    """Grayscale repeated to 3 channels, then the backbone's own ``preprocess_input``."""
    if channels == 1:
        x = layers.Concatenate(name="gray_to_rgb")([x, x, x])
    return BACKBONES[name].preprocess(x)


def split_at_top_block(backbone: keras.Model, name: str) -> tuple[keras.Model, keras.Model]:
    """(bottom, top): the frozen part, and the top block (its layers shared with ``backbone``)."""
    cut = backbone.get_layer(BACKBONES[name].top_input).output
    bottom = keras.Model(backbone.inputs[0], cut, name=f"{name}_bottom")
    top = keras.Model(cut, backbone.outputs[0], name=f"{name}_top")
    return bottom, top


def feature_model(backbone: keras.Model, name: str, channels: int, stage: str) -> keras.Model:
    """Pixels (0-255) -> the frozen backbone's output: ``pooled`` (global average of the
    whole backbone) or ``top_input`` (the input of its top block, for fine-tuning)."""
    side = backbone.inputs[0].shape[1]
    inputs = keras.Input(shape=(side, side, channels), name="image")
    x = to_backbone_input(inputs, name, channels)
    if stage == "pooled":
        x = layers.GlobalAveragePooling2D(name="global_pool")(backbone(x, training=False))
    else:
        x = split_at_top_block(backbone, name)[0](x, training=False)
    return keras.Model(inputs, x, name=f"{name}_{stage}")


def extract(model: keras.Model, pixels: np.ndarray, batch_size: int = 32) -> np.ndarray:
    """Run a feature model over uint8 pixels in batches."""
    return model.predict(pixels.astype("float32"), batch_size=batch_size, verbose=0)


def image_model(
    backbone: keras.Model,
    name: str,
    channels: int,
    mean: np.ndarray,
    std: np.ndarray,
    head: keras.Model,
) -> keras.Model:
    """The saved classifier: pixels -> backbone -> pooled features, standardised -> head."""
    side = backbone.inputs[0].shape[1]
    inputs = keras.Input(shape=(side, side, channels), name="image")
    x = to_backbone_input(inputs, name, channels)
    x = layers.GlobalAveragePooling2D(name="global_pool")(backbone(x, training=False))
    x = standardise(x, mean, std)
    return keras.Model(inputs, head(x), name=f"{name}_classifier")


def standardise(x, mean: np.ndarray, std: np.ndarray):
    """The feature standardisation of the head search, as a fixed layer."""
    return layers.Normalization(mean=mean, variance=np.square(std), name="feature_scale")(x)
