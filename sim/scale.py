"""The rating scale: latent z-scores become points, written scores, labels and recommendations.

Part of the spec layer (re-exported by :mod:`sim.spec`): :class:`Scale` owns the one
definition of what an interviewer writes (:meth:`Scale.written`) and the one cut-point
lookup (:func:`category_index`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from .validation import Checker

__all__ = ["LATTICE_TOLERANCE", "Scale", "category_index"]

#: Tolerance (points) of comparisons with a threshold or cut when the compared values lie on
#: a lattice (sums of on-scale scores): a weighted sum that equals the line is not lost to
#: floating-point error.
LATTICE_TOLERANCE = 1e-9


def _set(obj: Any, **values: Any) -> None:
    for key, value in values.items():
        object.__setattr__(obj, key, value)


def _frozen_map(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


# --------------------------------------------------------------------------- scale
def category_index(values: Any, cuts: Any) -> Any:
    """Index of the category each value falls in: the number of cut points at or below it.

    The one cut-point lookup of the project (labels, recommendations, own cut points).

    Parameters
    ----------
    values : float or ndarray, shape (...)
    cuts : ndarray, shape (C,) or (..., C)
        Increasing cut points, broadcast against ``values[..., None]``.

    Returns
    -------
    int or ndarray of int, shape (...)
        In ``[0, C]``.

    Examples
    --------
    >>> category_index(6.5, [4.5, 6.5, 8.5]), category_index([1.0, 9.0], [4.5, 6.5, 8.5]).tolist()
    (2, [0, 3])
    """
    index = (np.asarray(values, dtype=float)[..., None] >= np.asarray(cuts, dtype=float)).sum(-1)
    return int(index) if np.ndim(index) == 0 else index


@dataclass(frozen=True)
class Scale:
    """The rating scale: latent z-scores become points, verbal labels and recommendations.

    ``points = center + points_per_sd * z``; a written score is ``points``
    rounded to the nearest multiple of ``step`` above ``min`` and clipped to
    ``[min, max]`` (``step = 0``: only clipped; see :meth:`written`). Label and
    recommendation cut points are in points: a value at or above
    ``label_cuts[i]`` earns ``labels[i + 1]``. ``label_values`` gives each label's
    value on the scale when a committee aggregates labels (``debrief.aggregate:
    labels``); a label not listed is worth the midpoint of its band between cut
    points, the band clipped to the scale.

    Examples
    --------
    >>> scale = Scale()
    >>> scale.to_points(1.0), scale.to_z(8.5)
    (7.0, 2.0)
    >>> scale.label(7.2), scale.recommendation(5.0)
    ('strong', 'No')
    >>> scale.written([13.31, 6.5000001, 0.2]).tolist(), scale.label_value_table
    ([10.0, 7.0, 1.0], (2.75, 5.5, 7.5, 9.25))
    """

    min: float = 1.0
    max: float = 10.0
    center: float = 5.5
    points_per_sd: float = 1.5
    labels: tuple[str, ...] = ("weak", "mixed", "strong", "exceptional")
    label_cuts: tuple[float, ...] = (4.5, 6.5, 8.5)
    recommendations: tuple[str, ...] = ("Strong No", "No", "Yes", "Strong Yes")
    recommendation_cuts: tuple[float, ...] = (4.0, 5.5, 7.0)
    step: float = 1.0
    label_values: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        c = Checker()
        step = c.number("step", self.step, low=0.0)
        low = c.number("min", self.min)
        high = c.number("max", self.max)
        center = c.number("center", self.center)
        # Below ~1e-6 points per SD every written score sits ~1e6 SDs out: overflow, no meaning.
        per_sd = c.number("points_per_sd", self.points_per_sd, low=1e-6)
        if low is not None and high is not None and high <= low:
            c.add("max", f"must be greater than min ({low:g})", self.max)
        elif None not in (center, low, high) and not low < center < high:
            bounds = f"({low:g}, {high:g})"
            c.add("center", f"must lie strictly between min and max {bounds}", center)
        before = len(c.issues)
        labels = c.names("labels", self.labels)
        labels_ok = len(c.issues) == before
        recs = c.names("recommendations", self.recommendations)
        recs_ok = len(c.issues) == before
        if labels_ok and len(labels) < 2:
            c.add("labels", "needs at least two labels", self.labels)
        if recs_ok and (len(recs) < 2 or len(recs) % 2):
            c.add("recommendations", "needs an even number (>= 2): half no, half yes", list(recs))
        # Cut counts follow the names; when a name is bad, only check the cuts' order.
        label_cuts = c.increasing(
            "label_cuts", self.label_cuts, len(labels) - 1 if labels_ok else None
        )
        rec_cuts = c.increasing(
            "recommendation_cuts", self.recommendation_cuts, len(recs) - 1 if recs_ok else None
        )
        if step and low is not None and high is not None and high > low:
            steps = (high - low) / step
            if abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
                c.add("step", f"must divide the range max - min ({high - low:g}) evenly", step)
        values = self._label_values(c, labels if labels_ok else None, low, high)
        c.raise_if_any()
        _set(
            self,
            step=step,
            label_values=_frozen_map(values),
            min=low,
            max=high,
            center=center,
            points_per_sd=per_sd,
            labels=labels,
            recommendations=recs,
            label_cuts=label_cuts,
            recommendation_cuts=rec_cuts,
        )

    def _label_values(
        self, c: Checker, labels: tuple[str, ...] | None, low: float | None, high: float | None
    ) -> dict[str, float]:
        """The listed label values, checked: known labels, numbers within the scale."""
        if not isinstance(self.label_values, Mapping):
            c.add("label_values", "must be a mapping of label: value", self.label_values)
            return {}
        out: dict[str, float] = {}
        bounded = low is not None and high is not None and high > low
        for key, value in self.label_values.items():
            if labels is not None and key not in labels:
                c.add(f"label_values.{key}", f"unknown label; expected one of {', '.join(labels)}")
                continue
            number = c.number(
                f"label_values.{key}",
                value,
                low=low if bounded else None,
                high=high if bounded else None,
            )
            if number is not None:
                out[str(key)] = number
        return out

    @property
    def n_steps(self) -> int:
        """Number of steps from ``min`` to ``max`` (0 for a continuous scale)."""
        return round((self.max - self.min) / self.step) if self.step else 0

    def written(self, points: Any) -> Any:
        """What an interviewer writes for ``points``: on the step, clipped to ``[min, max]``.

        The one definition of a written score (scores, overall views, what is said
        after anchoring or peeking). A value half-way between two steps (to within
        :data:`LATTICE_TOLERANCE` of a step) is written as the upper one: an
        overall view that averages a 6 and a 7 is a 7.

        Parameters
        ----------
        points : float or ndarray
            Continuous points.

        Returns
        -------
        ndarray (or float), same shape
        """
        x = np.asarray(points, dtype=float)
        if self.step:
            # Half-way values (an overall view of 6 and 7) round up, decided with a slack far
            # above floating-point error so that every derivation rounds them alike.
            steps = np.floor((x - self.min) / self.step + (0.5 + LATTICE_TOLERANCE))
            steps = np.clip(steps, 0, self.n_steps)
            out = self.min + steps * self.step
        else:
            out = np.clip(x, self.min, self.max)
        return float(out) if np.ndim(out) == 0 else out

    def written_z(self, z: np.ndarray) -> np.ndarray:
        """:meth:`written` on the latent scale: z in, z of the written score out.

        The same operations as ``to_z(written(to_points(z)))`` in the same order (the
        same bits), done in place on one array: this runs on every rating simulated.
        """
        if not self.step or np.ndim(z) == 0:
            return self.to_z(self.written(self.to_points(z)))
        x = np.multiply(z, self.points_per_sd, dtype=float)  # to_points
        x += self.center
        x -= self.min  # written: the step index, rounded half up, clipped
        x /= self.step
        x += 0.5 + LATTICE_TOLERANCE
        np.floor(x, out=x)
        np.clip(x, 0, self.n_steps, out=x)
        x *= self.step
        x += self.min
        x -= self.center  # to_z
        x /= self.points_per_sd
        return x

    @cached_property
    def label_value_table(self) -> tuple[float, ...]:
        """Each label's value (points) on the scale, in label order (see the class docstring)."""
        edges = [self.min, *self.label_cuts, self.max]
        out = []
        for i, name in enumerate(self.labels):
            lo = min(max(edges[i], self.min), self.max)
            hi = min(max(edges[i + 1], self.min), self.max)
            out.append(float(self.label_values.get(name, (lo + hi) / 2)))
        return tuple(out)

    def to_z(self, points: Any, *, relative: bool = False) -> Any:
        """Convert points of this scale to the latent z-scale.

        With ``relative=True`` the values are differences (a band, a bias, an SD):
        only the spread is divided out, not the centre.
        """
        shift = 0.0 if relative else self.center
        z = (np.asarray(points, dtype=float) - shift) / self.points_per_sd
        return float(z) if np.ndim(z) == 0 else z

    def to_points(self, z: Any, *, relative: bool = False) -> Any:
        """Convert latent z-scores to (continuous, unclipped) points.

        With ``relative=True`` the values are differences in z (see :meth:`to_z`).
        """
        shift = 0.0 if relative else self.center
        points = shift + self.points_per_sd * np.asarray(z, dtype=float)
        return float(points) if np.ndim(points) == 0 else points

    def score(self, points: Any) -> Any:
        """The written score of ``points`` (the same as :meth:`written`)."""
        return self.written(points)

    def label(self, points: float) -> str:
        """Verbal judgment for a score in points, with the scale's default cut points."""
        return self.labels[int(category_index(points, self.label_cuts))]

    def recommendation(self, points: float) -> str:
        """Overall recommendation for a score in points, with the default cut points."""
        return self.recommendations[int(category_index(points, self.recommendation_cuts))]

    @property
    def yes_cut(self) -> float:
        """Points at which a recommendation turns from a "no" to a "yes"."""
        return self.recommendation_cuts[len(self.recommendations) // 2 - 1]
