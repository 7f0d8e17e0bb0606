"""The scikit-learn digits (8x8 images, integer pixels 0..16) with a fixed train/test split.

Likelihood: each pixel is a count out of 16, so the VAE models it as Binomial(16, p) with p
from the decoder. That is a proper normalised distribution on {0, ..., 16}, so log p(x) is a
real log probability (in nats) of the integer image, unlike a Bernoulli put on grey levels.
The linear-Gaussian VAE instead treats x / 16 as a continuous vector in R^64 (a density).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_LEVELS = 16  # pixel counts run 0..N_LEVELS: the Binomial's number of trials
IMAGE_SHAPE = (8, 8)
DATA_DIM = 64
TEST_SIZE = 0.25
SPLIT_SEED = 0


@dataclass(frozen=True)
class DigitsSplit:
    """Integer images (n, 64) in 0..16 and their labels, for training and for testing."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_digits_split(*, test_size: float = TEST_SIZE, seed: int = SPLIT_SEED) -> DigitsSplit:
    """The 1797 digits split once, stratified by label, with a fixed seed (1347 / 450 by default).

    >>> split = load_digits_split()
    >>> split.x_train.shape, split.x_test.shape, int(split.x_train.max())
    ((1347, 64), (450, 64), 16)
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must lie in (0, 1), got {test_size}")
    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        x.astype(np.int64), y.astype(np.int64), test_size=test_size, random_state=seed,
        stratify=y)
    return DigitsSplit(x_train, y_train, x_test, y_test)
