"""Image files decoded: modes flattened and scaled, large images kept small."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from autotune.data.image_files import auto_side, decode, to_array


def test_alpha_is_flattened_onto_white_and_16_bit_scaled():

    transparent = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    buffer = io.BytesIO()
    transparent.save(buffer, "PNG")
    decoded = decode(buffer.getvalue())
    assert decoded.mode == "RGBA" and decoded.image.mode == "RGB"
    assert np.asarray(decoded.image).min() == 255
    deep = Image.fromarray(np.full((4, 4), 65535, dtype="uint16"))
    buffer = io.BytesIO()
    deep.save(buffer, "PNG")
    assert np.asarray(decode(buffer.getvalue()).image).min() == 255


def test_large_images_are_kept_small_but_report_their_size():

    rng = np.random.default_rng(0)
    photo = Image.fromarray(rng.integers(0, 255, (800, 1200, 3), dtype="uint8"))
    for fmt in ("JPEG", "PNG"):
        buffer = io.BytesIO()
        photo.save(buffer, fmt)
        decoded = decode(buffer.getvalue(), keep_side=64)
        assert decoded.size == (1200, 800)
        assert min(decoded.image.size) >= 64 and min(decoded.image.size) < 128


def test_the_side_is_the_median_longer_side_rounded_up_within_bounds():
    assert auto_side([(20, 30), (40, 10), (33, 33)]) == 64
    assert auto_side([(10, 10)]) == 32 and auto_side([(1000, 900)]) == 224


def test_to_array_resizes_to_the_channels_asked():
    image = Image.new("RGB", (10, 20), (255, 0, 0))
    assert to_array(image, 8, 3).shape == (8, 8, 3) and to_array(image, 8, 1).shape == (8, 8, 1)
