"""Processes with known rater parameters for the calibration round trips.

Two panel rounds, each seating ``PANEL`` interviewers who all rate the same three
competencies (a panel: the halo is identifiable), with per-seed leniencies,
noise SDs and own cut points drawn from known distributions. The debrief is
``discretion`` with a noisy reading (``manager_noise`` > 0), so the revealed
weights are identified (a deterministic rule would separate the decisions).
Scale 1-10 with 1 point per SD keeps clipping at the ends below 0.1 %.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
import yaml

import sim
from sim.calibrate import long_format

PANEL = 6
LENIENCY_SD = 0.4  # z, = points (points_per_sd 1)
ROUND_HALO = {"product": 0.3, "leadership": 0.5}
COMPETENCIES = {
    "product": ["strategy", "metrics", "execution"],
    "leadership": ["influence", "judgment", "culture"],
}
WEIGHTS = {
    "strategy": 3.0,
    "metrics": 1.0,
    "execution": 2.0,
    "influence": 1.5,
    "judgment": 2.0,
    "culture": 0.5,
}
LABEL_CUTS, LABEL_SPREAD = (4.5, 6.5, 8.5), 0.3
REC_CUTS, REC_SPREAD = (4.2, 5.6, 7.0), 0.3
THRESHOLD, MANAGER_NOISE = 6.0, 0.4
CORRELATION = 0.3


@dataclass(frozen=True)
class Truth:
    """The drawn parameters, in points (points_per_sd is 1)."""

    process: sim.Process
    leniency: dict[str, float]
    noise_sd: dict[str, float]
    halo: dict[str, float]
    label_cuts: dict[str, tuple[float, ...]]
    recommendation_cuts: dict[str, tuple[float, ...]]


def _cuts(rng: np.random.Generator, centre: tuple[float, ...], spread: float) -> list[float]:
    cuts = np.sort(np.asarray(centre) + rng.normal(0, spread, len(centre)))
    return [round(float(c), 3) for c in cuts]


def make_process(seed: int) -> Truth:
    """A two-round panel process with rater parameters drawn from ``seed``."""
    rng = np.random.default_rng([7, seed])
    people, rounds = [], []
    truth: dict[str, dict] = {k: {} for k in ("len", "noise", "halo", "lab", "rec")}
    for r, (rnd, comps) in enumerate(COMPETENCIES.items()):
        names = [f"{rnd}_{i}" for i in range(PANEL)]
        for name in names:
            person = {
                "name": name,
                "leniency": round(float(rng.normal(0, LENIENCY_SD)), 4),
                "noise_sd": round(float(rng.uniform(0.45, 0.85)), 4),
                "halo": ROUND_HALO[rnd],
                "framing_sensitivity": 1.0,
                "label_cuts": _cuts(rng, LABEL_CUTS, LABEL_SPREAD),
                "recommendation_cuts": _cuts(rng, REC_CUTS, REC_SPREAD),
            }
            people.append(person)
            truth["len"][name], truth["noise"][name] = person["leniency"], person["noise_sd"]
            truth["halo"][name] = ROUND_HALO[rnd]
            truth["lab"][name] = tuple(person["label_cuts"])
            truth["rec"][name] = tuple(person["recommendation_cuts"])
        # minutes = evidence_minutes x competencies: occasion noise SD is noise_sd itself.
        rounds.append(
            {
                "name": rnd,
                "minutes": 15.0 * len(comps),
                "day": 5.0 + 10 * r,
                "competencies": comps,
                "interviewers": names,
            }
        )
    doc = {
        "name": f"panel_{seed}",
        "evidence_minutes": 15.0,
        "scale": {"min": 1, "max": 10, "center": 5.5, "points_per_sd": 1.0},
        "competencies": [{"name": c} for comps in COMPETENCIES.values() for c in comps],
        "interviewers": people,
        "rounds": rounds,
        "debrief": {
            # The estimators recover the latent model's parameters (labels from continuous
            # perceived points), so the truth decides on latent scores.
            "aggregate": "latent",
            "rule": "discretion",
            "threshold": THRESHOLD,
            "manager_noise": MANAGER_NOISE,
            "competency_weights": WEIGHTS,
        },
        "pool": {"correlation": CORRELATION, "framing": {"mean": 0.0, "sd": 0.0}},
        "truth": {"weights": WEIGHTS, "noise_sd": 1.0},
    }
    process = sim.io.process_from_dict(yaml.safe_load(io.StringIO(yaml.safe_dump(doc))))
    return Truth(process, truth["len"], truth["noise"], truth["halo"], truth["lab"], truth["rec"])


def candidate_var(rnd: str) -> float:
    """True per-competency candidate variance: var(theta_k + halo * round mean level)."""
    k = len(COMPETENCIES[rnd])
    share = (1 + (k - 1) * CORRELATION) / k  # cov(theta_k, mean) = var(mean)
    h = ROUND_HALO[rnd]
    return 1 + 2 * h * share + h * h * share


def simulate_sheet(truth: Truth, n: int, seed: int) -> pd.DataFrame:
    """The engine's long-format score sheet of ``n`` candidates."""
    return long_format(sim.simulate(truth.process, n=n, rng=seed))


def unbalance(sheet: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Keep each interviewer's seats with their own probability (0.12 to 1)."""
    rng = np.random.default_rng([11, seed])
    people = sorted(sheet["interviewer"].unique())
    keep_p = dict(
        zip(
            people, np.geomspace(0.12, 1.0, len(people))[rng.permutation(len(people))], strict=True
        )
    )
    seats = sheet[["candidate", "interviewer"]].drop_duplicates()
    u = rng.random(len(seats))
    kept = seats[u < seats["interviewer"].map(keep_p).to_numpy()]
    return sheet.merge(kept, on=["candidate", "interviewer"])
