"""One profile compiled against one process: what every sway analysis reuses.

:class:`_Candidate` holds the profile's perceived means and, on latent scores,
the debrief's Gaussian decision components (on the scale: the exact lattice
law, or Monte Carlo on common draws where it has none); :func:`_method` says in
a table's ``attrs`` which of them computed its probabilities.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np

from ..closed_form import (
    exact_obstacle,
    expected_said,
    gaussian_decisions,
    hire_probability,
    score_weights,
    written_laws,
)
from ..closed_form.lattice import SWAY_LATTICE, lattice_points
from ..closed_form.reweight import seat_masses
from ..errors import fail
from ..model import compile_model
from ..spec import Process, Profile
from ..validation import check_type
from ._linear import (
    debrief_lower,
    debrief_weights,
    hire_probability_batch,
    mixture_hire_probability,
)
from ._sampled import SampledLaw

_MAX_SCORES = 3  # exact (Owen's T / one quadrature) up to here; Genz beyond is far too slow


class _Candidate:
    """One profile compiled against one process: the pieces every analysis reuses.

    The debrief is the core's mixture of Gaussian linear decisions
    (:func:`sim.closed_form.gaussian_decisions`; one component unless the speaking
    order is random). A *plain* debrief (one component that
    :func:`~sim.analysis._linear.debrief_weights` reproduces from the raw
    weights: no peeking, anchoring or discretion, not consensus) takes that fast
    path for weight changes; any other rebuilds the modified process.
    """

    def __init__(self, process: Process, profile: Profile, *, probabilities: bool = True) -> None:
        check_type("process", process, Process, "see sim.load_process")
        check_type("profile", profile, Profile, "see sim.load_profiles")
        self.process, self.profile = process, profile
        self.model = m = compile_model(process)
        self.theta = profile.theta(process)
        self.phi = float(profile.framing)
        self.mean_s = m.perceived_mean(self.theta, self.phi)
        self.cov_s = m.noise_cov
        self.comp_w, self.person_w = m.competency_weights, m.interviewer_weights
        # The rule's expected score (its weights, and the manager's bias under discretion).
        self.score_weights, self.score_shift = score_weights(process)
        # What the committee is expected to count of each judgment (z): the expected
        # perceived score, or on the scale the expected written score or label value.
        said = expected_said(process, self.mean_s)
        self.said = self.mean_s if said is None else said
        self.on_scale = m.on_scale
        self.sampled: SampledLaw | None = None
        if not probabilities:  # expected scores only (contributions): any rule will do
            return
        if self.on_scale:
            self.components, self.plain = [], False
            # No exact law (anchoring, peeking, votes...), or one too large to search
            # (a calibrated committee's lattice of a million points): common draws.
            exact = exact_obstacle(process) is None and lattice_points(process) <= SWAY_LATTICE
            self.sampled = None if exact else SampledLaw(process)
            return
        self.components = gaussian_decisions(process)  # SpecError for non-Gaussian rules
        scores = max(part.weights.shape[1] for _, part in self.components)
        if scores > _MAX_SCORES:
            raise fail(
                "process.debrief.rule",
                f"sway analysis supports debriefs of at most {_MAX_SCORES} Gaussian decision "
                f"scores (gates, veto holders, aggregate); this one has {scores}, whose "
                "probability takes seconds each (use sim.simulate)",
                process.debrief.rule,
            )
        self.plain = _is_plain(m, self.components, self.comp_w, self.person_w)

    @cached_property
    def masses(self) -> list[np.ndarray]:
        """Each seat's outcome law at this profile (exact on-scale law), which weights keep."""
        return seat_masses(self.process, self.mean_s)

    def hire(self, mean_s: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Hire probability for perceived means (m, S) or (S,): the mixture, or given weights."""
        if self.on_scale:  # the exact law of on-scale scores (sim.closed_form.written_laws)
            if self.sampled is not None:
                return self.sampled.hire(mean_s)
            return written_laws(self.process, mean_s)["hire"]
        if weights is not None:
            return hire_probability_batch(self.model, mean_s, weights, self.cov_s)
        return mixture_hire_probability(self.components, mean_s, self.cov_s)

    def hire_with(self, process: Process) -> float:
        """Hire probability of this profile under a modified debrief of the same process."""
        if self.on_scale:
            if self.sampled is not None:  # the same draws meet the other debrief
                return float(self.sampled.hire(self.mean_s, process)[0])
            if exact_obstacle(process) is not None:  # exact only: NaN (no sign) here
                return math.nan
            return hire_probability(process, self.profile).hire
        return float(
            mixture_hire_probability(gaussian_decisions(process), self.mean_s, self.cov_s)[0]
        )


def _is_plain(model, components, comp_w: np.ndarray, person_w: np.ndarray) -> bool:
    """Whether the fast path (:func:`debrief_weights`) reproduces the core's decision."""
    # Under consensus a holder whose weights reach 0 leaves the veto set (a column less).
    if len(components) != 1 or model.process.debrief.rule == "consensus":
        return False
    part = components[0][1]
    fast = debrief_weights(model, comp_w, person_w)[0]
    lower = debrief_lower(model)
    return (
        part.weights.shape == fast.shape
        and np.allclose(part.weights, fast, rtol=0, atol=1e-14)
        and not np.any(part.shift)
        and not np.any(part.noise_sd)
        and np.allclose(part.lower, lower, rtol=0, atol=1e-14)
    )


def _method(c: _Candidate) -> dict[str, object]:
    """How the probabilities of an analysis were computed (``attrs`` of its table)."""
    if c.sampled is None:
        return {"method": "exact", "draws": 0, "error": 0.0}
    return {"method": "monte carlo", "draws": c.sampled.draws, "error": c.sampled.se}
