"""Argument checks of the closed forms (internal): one error type, messages naming the argument."""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import Issue, SpecError

FloatOrArray = float | NDArray[np.float64]


def invalid(message: str) -> SpecError:
    """The project's one error type (a ValueError) carrying ``message`` as it is."""
    return SpecError([Issue("", message)])


def real_array(name: str, value: ArrayLike) -> NDArray[np.float64]:
    """Return ``value`` as a new float array, or raise a ValueError naming ``name``."""
    try:
        array = np.array(value, dtype=float)  # np.array copies, so callers' data is safe
    except (TypeError, ValueError):
        raise invalid(f"{name} must be a real number or array of them; got {value!r}") from None
    return array


def check_interval(
    name: str,
    value: ArrayLike,
    low: float,
    high: float,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> NDArray[np.float64]:
    """Return ``value`` as a float array after checking every element lies in the interval.

    The error message names the parameter, the interval and the first bad value.
    """
    array = real_array(name, value)
    too_low = array <= low if low_open else array < low
    too_high = array >= high if high_open else array > high
    bad = np.isnan(array) | too_low | too_high
    if np.any(bad):
        interval = f"{'(' if low_open else '['}{fmt(low)}, {fmt(high)}{')' if high_open else ']'}"
        raise invalid(f"{name} must be in {interval}; got {fmt(array[bad].flat[0])}")
    return array


def fmt(number: float) -> str:
    """Format a bound or a bad value the way a reader would write it (1, 0.5, inf)."""
    number = float(number)
    return str(int(number)) if number.is_integer() else repr(number)


def check_scalar(name: str, value: object) -> float:
    """Return ``value`` as a Python float, or raise if it is not a single real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise invalid(f"{name} must be a single real number; got {value!r}")
    return float(value)


def check_integers(name: str, value: ArrayLike, *, minimum: int) -> NDArray[np.int64]:
    """Return ``value`` as an integer array after checking each element is an int >= minimum."""
    array = np.asarray(value)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
        raise invalid(f"{name} must be an integer >= {minimum}; got {value!r}")
    if np.any(array < minimum):
        raise invalid(
            f"{name} must be an integer >= {minimum}; got {array[array < minimum].flat[0]}"
        )
    return array.astype(np.int64)


def scalar_or_array(array: NDArray[np.float64]) -> FloatOrArray:
    """Return a Python float for 0-d results (clean doctests), the array otherwise."""
    return float(array) if array.ndim == 0 else array
