"""Root finding for the sway analyses: bracket a crossing on a grid, then refine it.

The refiners match the function searched: Brent's method for smooth closed
forms, bisection for the step functions of common Monte Carlo draws, and
bisection on short fractions for the exact lattice law of weight changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
from scipy import optimize

__all__ = ["bisect", "bracket", "refine", "refine_short"]


def bracket(grid: np.ndarray, values: np.ndarray, target: float) -> tuple[float, float] | None:
    """First grid interval from ``grid[0]`` on which ``values - target`` changes sign."""
    keep = ~np.isnan(values)  # undefined points (e.g. every weight zero) carry no sign
    grid, diff = grid[keep], values[keep] - target
    if diff.size == 0:
        return None
    if diff[0] == 0:
        return float(grid[0]), float(grid[0])
    change = np.flatnonzero((np.sign(diff[1:]) != np.sign(diff[:-1])) | (diff[1:] == 0))
    if change.size == 0:
        return None
    i = int(change[0])
    return float(grid[i]), float(grid[i + 1])


def refine(f: Callable[[float], float], bracket: tuple[float, float], target: float) -> float:
    """Root of ``f - target`` inside a bracket from :func:`_bracket`."""
    a, b = sorted(bracket)
    if a == b:
        return a
    fa, fb = f(a) - target, f(b) - target
    if fb == 0:
        return b
    if fa == 0:
        return a
    return float(optimize.brentq(lambda x: f(x) - target, a, b, xtol=1e-12))


def bisect(f: Callable[[float], float], bracket: tuple[float, float], target: float) -> float:
    """Root of ``f - target`` by 12 bisections: for the step functions of common draws."""
    a, b = sorted(bracket)
    fa = f(a) - target
    for _ in range(12):
        mid = (a + b) / 2
        fm = f(mid) - target
        if fm == 0:
            return mid
        if np.sign(fm) == np.sign(fa):
            a, fa = mid, fm
        else:
            b = mid
    return (a + b) / 2


def refine_short(
    f: Callable[[float], float], bracket: tuple[float, float], target: float
) -> float:
    """Bisection of ``f - target`` on short fractions (t = i / 1280), for the exact lattice.

    On the scale the hire probability jumps where a lattice atom crosses the line,
    and its exact law needs weights that are short fractions: bisect on those, to
    a bracket of 1/1280 in t, and return its midpoint.
    """
    a, b = sorted(bracket)
    fa = f(a) - target
    for _ in range(5):
        mid = float(Fraction((a + b) / 2).limit_denominator(1280))
        if mid in (a, b):
            break
        fm = f(mid) - target
        if math.isnan(fm):
            break
        if np.sign(fm) == np.sign(fa):
            a, fa = mid, fm
        else:
            b = mid
    return (a + b) / 2
