"""Robust scores of the judgments: the weighted median and the weighted trimmed mean."""

from __future__ import annotations

import numpy as np

from ..errors import fail

__all__ = ["weighted_median", "weighted_trimmed_mean"]


def weighted_median(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted median of each row.

    Parameters
    ----------
    values : ndarray, shape (n, S)
    weights : ndarray, shape (S,)
        Non-negative, not all zero. When the cumulative weight hits exactly one
        half between two values, the median is their midpoint.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> weighted_median(np.array([[1.0, 2.0, 10.0], [4.0, 1.0, 3.0]]), np.ones(3)).tolist()
    [2.0, 3.0]
    >>> weighted_median(np.array([[1.0, 2.0, 3.0, 4.0]]), np.ones(4)).tolist()
    [2.5]
    """
    x, w = _sorted_weights(values, weights)
    upper = np.cumsum(w, axis=1)
    rows = np.arange(x.shape[0])
    first = np.argmax(upper >= 0.5 - 1e-9, axis=1)
    median = x[rows, first]
    at_half = np.abs(upper[rows, first] - 0.5) <= 1e-9
    after = np.minimum(first + 1, x.shape[1] - 1)
    return np.where(at_half, (median + x[rows, after]) / 2, median)


def weighted_trimmed_mean(values: np.ndarray, weights: np.ndarray, trim: float) -> np.ndarray:
    """Weighted mean of each row after cutting a share ``trim`` of the weight from each tail.

    ``trim = 0`` is the weighted mean; ``trim -> 0.5`` tends to the weighted median.

    Parameters
    ----------
    values : ndarray, shape (n, S)
    weights : ndarray, shape (S,)
    trim : float
        In [0, 0.5).

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> weighted_trimmed_mean(np.array([[1.0, 2.0, 3.0, 10.0]]), np.ones(4), 0.25).tolist()
    [2.5]
    """
    if not 0 <= trim < 0.5:
        raise fail("trim", "must be in [0, 0.5)", trim)
    x, w = _sorted_weights(values, weights)
    upper = np.cumsum(w, axis=1)
    kept = np.clip(np.minimum(upper, 1 - trim) - np.maximum(upper - w, trim), 0.0, None)
    return (kept * x).sum(axis=1) / kept.sum(axis=1)


def _sorted_weights(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    weights = np.asarray(weights, dtype=float)
    used = weights > 0
    values = np.asarray(values, dtype=float)[:, used]
    order = np.argsort(values, axis=1)
    w = weights[used] / weights[used].sum()
    return np.take_along_axis(values, order, axis=1), w[order]
