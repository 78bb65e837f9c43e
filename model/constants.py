"""Shapes and constants shared by the model, the server and the tests (defined once)."""

from typing import Final

IMAGE_SIDE: Final = 28
"""MNIST images are IMAGE_SIDE x IMAGE_SIDE pixels."""

BOX_SIDE: Final = 20
"""MNIST digits were scaled so that their longer side fits a BOX_SIDE x BOX_SIDE box."""

NUM_PIXELS: Final = IMAGE_SIDE * IMAGE_SIDE
"""Neurons in the input layer: one per pixel."""

NUM_CLASSES: Final = 10
"""Neurons in the output layer: one per digit 0-9."""

DTYPE: Final = "float32"
"""Floating-point type for training and inference."""
