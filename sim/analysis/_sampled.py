"""Hire probabilities of one profile by Monte Carlo over common draws (no exact law).

Where the committee's on-scale law has no exact form (anchoring, peeking, a
manager's self-weight, vote rules... see :func:`sim.closed_form.exact_obstacle`),
sway analyses still need the hire probability as a function of the profile's
perceived means and of the debrief. :class:`SampledLaw` draws the rating noise
and the debrief's randomness once (:data:`DRAWS` candidates, a fixed seed) and
decides every query on those same draws shifted to the queried means: common
random numbers, so a difference between two queries is the settings', not luck,
and a root search sees a deterministic (step) function. The standard error of
one probability is at most ``0.5 / sqrt(DRAWS)`` (0.008).
"""

from __future__ import annotations

import math

import numpy as np

from ..model import HIRE, compile_model
from ..rules import N_DRAWS, decide
from ..spec import Process

__all__ = ["DRAWS", "SampledLaw"]

#: Common draws per profile (SE of a probability near one half: 0.008).
DRAWS = 4000
_SEED = 20261201  # fixed: the same question always gets the same answer
_ROWS = 250_000  # candidates decided per batch (memory: rows x slots x 8 bytes, a few times)


class SampledLaw:
    """Monte Carlo hire probability of one process's candidates on common draws.

    Parameters
    ----------
    process : Process
    draws : int, default :data:`DRAWS`
    """

    def __init__(self, process: Process, draws: int = DRAWS) -> None:
        m = compile_model(process)
        gen = np.random.default_rng(np.random.SeedSequence(_SEED))
        loading = m.noise_loading  # (W, S): perceived noise = normals @ loading
        self.process = process
        self.noise = gen.standard_normal((draws, loading.shape[0])) @ loading  # (N, S)
        self.debrief_draws = gen.standard_normal((draws, N_DRAWS))
        self.draws = draws

    @property
    def se(self) -> float:
        """Largest standard error of one probability (at one half)."""
        return 0.5 / math.sqrt(self.draws)

    def hire(self, perceived_means: np.ndarray, process: Process | None = None) -> np.ndarray:
        """Share hired (B,) at perceived means (B, S) or (S,), z units.

        ``process`` (default the one given) may differ in its debrief only: the
        same draws meet another debrief.
        """
        model = compile_model(self.process if process is None else process)
        means = np.atleast_2d(np.asarray(perceived_means, dtype=float))
        n, slots = self.noise.shape
        out = np.empty(means.shape[0])
        step = max(1, _ROWS // n)
        for start in range(0, means.shape[0], step):
            block = means[start : start + step]
            perceived = (block[:, None, :] + self.noise[None, :, :]).reshape(-1, slots)
            draws = np.tile(self.debrief_draws, (block.shape[0], 1))
            decision = decide(model, perceived, draws)[2].reshape(block.shape[0], n)
            out[start : start + step] = (decision == HIRE).mean(axis=1)
        return out
