"""Root finding for the sway analyses: bracket a crossing on a grid, then refine it.

The refiners match the function searched: Brent's method for smooth closed
forms, bisection for the step functions of common Monte Carlo draws, and
bisection on short fractions for the exact lattice law of weight changes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
from scipy import optimize, special

__all__ = ["bisect", "bracket", "refine", "refine_batched", "refine_short"]


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


def refine_batched(
    f: Callable[[np.ndarray], np.ndarray],
    bracket: tuple[float, float],
    values: tuple[float, float],
    target: float,
    *,
    known: tuple[np.ndarray, np.ndarray] | None = None,
    ftol: float = 1e-11,
    probit_tol: float = 3e-4,
    calls: int = 16,
) -> float:
    """Root of ``f - target`` in a bracket, for a smooth probability ``f`` evaluated in batches.

    ``f`` maps points (B,) to probabilities (B,); ``values`` are ``f`` at the
    bracket's ends, and ``known`` optional further (points, values) near it, from
    the search that found the bracket (none is asked again). The first guess is
    inverse interpolation of the probits of the known values nearest the bracket
    (hire probability along a line is close to a normal CDF, whose probit is a
    straight line). Each call then asks ``f`` at three points ``x - h, x, x + h``:
    their exact values narrow the bracket, and a parabola through their probits
    gives the next guess. Where that guess leaves the bracket (a step function: a
    noiseless rater) the call quarters the bracket instead. Stops when
    ``|f(x) - target| <= ftol``, when the probit of ``f(x)`` is within
    ``probit_tol`` of the target's (the parabola's next guess is then taken
    without asking ``f``: its error is of the order of that residual times the
    squared point spacing times the probit's third derivative, under 1e-8 in
    ``f`` on the shipped presets and on steep test functions), or when the
    bracket is under 1e-12. On the exact lattice law: one or
    two calls after the bracket, against six to nine one-point calls for Brent's
    method, with the same answer to ~1e-10.
    """
    (a, b), (fa, fb) = bracket, values
    if fa == target:
        return float(a)
    if fb == target:
        return float(b)
    if a > b:
        (a, fa), (b, fb) = (b, fb), (a, fa)
    low_sign = 1.0 if fa > target else -1.0
    g_target = float(_probit(target))
    pts, vals = np.array([a, b]), np.array([fa, fb])
    if known is not None:
        pts, vals = np.append(pts, known[0]), np.append(vals, known[1])
    x = _first_guess(pts, vals, a, b, fa, fb, target, g_target)
    h = 1e-3 * (b - a)
    for _ in range(calls):
        if a < x < b:
            h = min(h, (x - a) / 2, (b - x) / 2)
            points = np.array([x - h, x, x + h])
        else:  # no usable guess: quarter the bracket
            points = a + (b - a) * np.array([0.25, 0.5, 0.75])
            x, h = float(points[1]), float((b - a) / 4)
        got = np.asarray(f(points), dtype=float)
        if abs(got[1] - target) <= ftol:
            return float(x)
        for p, v in zip(points.tolist(), got.tolist(), strict=True):  # exact: narrow
            if v == target:
                return p
            if (v > target) == (low_sign > 0):
                a = max(a, p)
            else:
                b = min(b, p)
                break
        if b - a <= 1e-12:
            return float((a + b) / 2)
        x_next, residual = _parabola_root(points, got, x, target, g_target)
        if a < x_next < b and residual <= probit_tol:
            return float(x_next)
        h = max(min(h, abs(x_next - x) / 4), 1e-7 * max(1.0, abs(x))) if np.isfinite(x_next) else h
        x = x_next
    return float((a + b) / 2)


def _first_guess(pts, vals, a, b, fa, fb, target, g_target) -> float:
    """Inverse interpolation of probits over up to four known points nearest the bracket."""
    g = _probit(vals)
    near = np.argsort(np.abs(pts - (a + b) / 2), kind="stable")[:4]
    gx, xs = g[near].tolist(), pts[near].tolist()
    if all(map(math.isfinite, gx)) and len(set(gx)) == len(gx):
        order = sorted(range(len(xs)), key=xs.__getitem__)
        gs = [gx[i] for i in order]
        steps = [v - u for u, v in itertools.pairwise(gs)]
        monotone = all(d > 0 for d in steps) or all(d < 0 for d in steps)
        if monotone:
            x = _neville(gx, xs, g_target)
            if a < x < b:
                return x
    ga, gb = float(_probit(fa)), float(_probit(fb))
    if math.isfinite(ga) and math.isfinite(gb) and ga != gb:
        return float(a + (g_target - ga) * (b - a) / (gb - ga))
    return float(a + (target - fa) * (b - a) / (fb - fa))


def _neville(xs: list[float], ys: list[float], at: float) -> float:
    """Value at ``at`` of the polynomial through the points (xs, ys) (Neville's scheme)."""
    p = list(ys)
    for k in range(1, len(xs)):
        for i in range(len(xs) - k):
            p[i] = ((at - xs[i + k]) * p[i] + (xs[i] - at) * p[i + 1]) / (xs[i] - xs[i + k])
    return p[0]


def _parabola_root(points, got, x, target, g_target) -> tuple[float, float]:
    """Root nearest ``x`` of the parabola through three points' probits (values if infinite).

    Returns the root and the probit residual at ``x`` (``inf`` when the values were used).
    """
    g = _probit(got)
    level, residual = g_target, abs(g_target - float(g[1]))
    if not np.all(np.isfinite(g)):  # a tail the probit cannot see: the values themselves
        g, level, residual = got, target, math.inf
    h = (points[2] - points[0]) / 2
    slope = (g[2] - g[0]) / (2 * h)
    curve = (g[2] - 2 * g[1] + g[0]) / h**2
    gap = level - g[1]
    if slope == 0:
        return math.nan, math.inf
    newton = gap / slope
    disc = slope**2 + 2 * curve * gap
    if curve == 0 or disc < 0:
        return float(x + newton), residual
    # The root of g1 + slope d + curve d^2 / 2 = level nearest d = 0 (stable form).
    return float(x + 2 * gap / (slope + math.copysign(math.sqrt(disc), slope))), residual


def _probit(p):
    """Normal quantile of probabilities, ±inf at 0 and 1."""
    return special.ndtri(np.clip(p, 0.0, 1.0))
