"""What sways the decision on one candidate (a :class:`~sim.spec.Profile`).

Exact and fast where the committee allows it: on latent scores the debrief
aggregate of a profile is Gaussian, so hire probabilities come from the closed
form (an orthant probability of gates, veto holders' views and aggregate); on
the scale from the exact lattice law (:mod:`sim.closed_form.lattice`, and its fast
lines for tipping points, :mod:`sim.closed_form.lines`). Tipping points come from
root finding on those.
Where an on-scale committee has no exact law (anchoring, peeking, vote rules...)
the probabilities are Monte Carlo on common draws (:mod:`._sampled`), and every
table's ``attrs`` say so (``method``, ``draws``, ``error``).

The candidate's *decision* in :func:`weight_stability` is the more likely
outcome: Hire when the hire probability is at least 50 %.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..closed_form import (
    HireProbability,
    expected_said,
    hire_probability,
)
from ..closed_form.lines import hire_lines, monotone_along
from ..closed_form.reweight import reweighted_hire
from ..errors import SpecError, fail
from ..spec import Process, Profile
from ._candidate import _Candidate, _method
from ._linear import (
    debrief_weights,
)
from ._roots import bisect, bracket, refine, refine_batched, refine_short

__all__ = [
    "NONE_WITHIN_SCALE",
    "Sway",
    "contribution_waterfall",
    "framing_effect",
    "sway",
    "tipping_points",
    "weight_stability",
]

#: Status of a tipping point that does not exist on the rating scale.
NONE_WITHIN_SCALE = "none within the scale"

_GRID = 161  # grid points used to bracket roots before brentq refines them
_SLOW_GRID = 41  # the same when every point rebuilds the process (non-plain debriefs)
_LINE_POINTS = 8  # the same on a line whose hire probability is monotone (one crossing)
_SCALE_GRID = 11  # the same for the exact law of on-scale scores (lines: ~0.1 ms a call)
_SCALE_WEIGHT_GRID = 21  # ... and for its weight changes (about 10 ms a point)


# --------------------------------------------------------------------------- contributions
def contribution_waterfall(process: Process, profile: Profile) -> pd.DataFrame:
    """Each competency's and each interviewer's share of the expected score minus threshold.

    The score is what the rule compares with the threshold (the spoken
    aggregate; under ``discretion`` the hiring manager's reading, own view
    included), with the weights of :func:`sim.closed_form.score_weights`, so
    the waterfall splits exactly what :func:`sim.contributions` splits. The
    expected score is a weighted sum over ratings (slots); each slot's term
    ``w_j * (expected perceived score_j - threshold)`` is split by what moves
    it: the true level (relative to the threshold), the rater's leniency, halo
    and the candidate's framing. Summing slots by competency, or by
    interviewer, gives two waterfalls that each sum exactly (to rounding) to
    the expected score minus the threshold; the manager's bias, when there is
    one, is a last row ``manager_bias`` of each group. Gates are ignored (this
    is the score the candidate gets if they reach the debrief).

    Parameters
    ----------
    process : Process
        Any debrief; for rules without a linear score (median, a trimmed mean,
        votes) the waterfall splits the expected spoken aggregate, as
        :func:`sim.contributions` does.
    profile : Profile

    Returns
    -------
    DataFrame
        One row per weighed competency (``group == "competency"``), then one row
        per interviewer (``group == "interviewer"``). Columns: ``group``,
        ``name``, ``weight`` (share of the score; sums to 1 per group),
        ``expected_view`` (points; weighted mean of the expected scores),
        ``level``, ``leniency``, ``halo``, ``framing`` (points; parts of the
        contribution) and ``contribution`` (points). ``attrs`` holds
        ``threshold`` and ``aggregate_mean`` (points: the expected score, the
        ``aggregate_mean`` of :func:`sim.hire_probability`).

    Examples
    --------
    >>> import sim
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> profile = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    >>> table = contribution_waterfall(process, profile)
    >>> gap = table.attrs["aggregate_mean"] - table.attrs["threshold"]
    >>> bool(abs(table.groupby("group")["contribution"].sum() - gap).max() < 1e-12)
    True
    """
    c = _Candidate(process, profile, probabilities=False)
    m, scale = c.model, process.scale
    parts = _slot_parts(c)
    groups = [
        _group_sums(c, parts, group, names, index)
        for group, names, index in (
            ("competency", process.competency_names, m.slot_competency),
            ("interviewer", process.interviewer_names, m.slot_person),
        )
    ]
    # One frame from plain arrays (pandas per group costs more than the arithmetic).
    columns = {key: np.concatenate([g[key] for g in groups]) for key in _WATERFALL_COLUMNS}
    table = pd.DataFrame(columns)
    table.attrs["threshold"] = float(process.debrief.threshold)
    table.attrs["aggregate_mean"] = float(
        scale.to_points(c.said @ c.score_weights + c.score_shift)
    )
    return table


_WATERFALL_COLUMNS = [
    "group", "name", "weight", "expected_view", "level", "leniency", "halo", "framing",
    "scale", "contribution",
]  # fmt: skip


def _slot_parts(c: _Candidate) -> dict[str, np.ndarray]:
    """Each slot's term of the expected score minus threshold, split by cause (points)."""
    m, scale, w = c.model, c.process.scale, c.score_weights
    identity_part = c.theta[m.slot_competency]
    halo_part = c.theta @ m.A - identity_part

    def points(z: np.ndarray) -> np.ndarray:
        return scale.to_points(z, relative=True)

    return {
        "level": points(w * (identity_part - m.threshold)),
        "leniency": points(w * m.offset),
        "halo": points(w * halo_part),
        "framing": points(w * c.phi * m.framing),
        # Rounding to the scale's step and clipping to its bounds (0 for latent scores).
        "scale": points(w * (c.said - c.mean_s)),
        "contribution": points(w * (c.said - m.threshold)),
        "weight": w,
        "view": w * scale.to_points(c.said),
    }


def _group_sums(
    c: _Candidate,
    parts: dict[str, np.ndarray],
    group: str,
    names: tuple[str, ...],
    index: np.ndarray,
) -> dict[str, np.ndarray]:
    """The slot terms summed by competency or by interviewer, plus the manager's bias.

    Returns the waterfall's columns (:data:`_WATERFALL_COLUMNS`) as arrays, one row per
    weighed name, and a last ``manager_bias`` row when the rule has a bias.
    """
    w = c.score_weights
    used = np.bincount(index, weights=(w > 0).astype(float), minlength=len(names)) > 0
    sums = {
        key: np.bincount(index, weights=value, minlength=len(names))[used]
        for key, value in parts.items()
    }
    view = sums.pop("view")
    out = {"group": np.full(used.sum(), group, dtype=object),
           "name": np.array(names, dtype=object)[used], **sums}  # fmt: skip
    out["expected_view"] = view / sums["weight"]
    if c.score_shift != 0:
        bias = dict.fromkeys(("weight", "level", "leniency", "halo", "framing", "scale"), 0.0)
        bias |= {"group": group, "name": "manager_bias", "expected_view": np.nan}
        bias["contribution"] = c.process.scale.to_points(c.score_shift, relative=True)
        out = {key: np.append(value, bias[key]) for key, value in out.items()}
    return out


# --------------------------------------------------------------------------- tipping points
def _has_effect(c: _Candidate, loading: np.ndarray) -> bool:
    """Whether moving a level (its loading on every slot, (S,)) moves any decision score."""
    if c.on_scale:
        gates = c.model.gate_weights
        return bool(np.any(loading[c.score_weights > 0]) or np.any(loading @ gates))
    return any(np.any(loading @ part.weights) for _, part in c.components)


def _tipping_points(c: _Candidate, target: float) -> pd.DataFrame:
    process, m, scale = c.process, c.model, c.process.scale
    lo, hi = float(scale.to_z(scale.min)), float(scale.to_z(scale.max))
    rows = []
    # On the scale, each competency's line of perceived means gets its own fast exact law.
    lines = hire_lines(process, c.mean_s, m.A) if c.on_scale and c.sampled is None else None
    p_now = float((c.hire(c.mean_s) if lines is None else lines[0](np.zeros(1)))[0])
    for k, name in enumerate(process.competency_names):
        level_now = float(scale.to_points(c.theta[k]))
        loading = m.A[k]  # change of every perceived score per unit (z) of this level
        if not _has_effect(c, loading):
            rows.append((name, level_now, p_now, math.nan, math.nan, "no effect"))
            continue
        if lines is None:
            z_tip = _tipping_level(c, k, c.theta[k], (lo, hi), target)
        else:
            z_tip = _tipping_on_line(lines[k], monotone_along(process, loading),
                                     c.theta[k], p_now, (lo, hi), target)  # fmt: skip
        if math.isnan(z_tip):
            rows.append((name, level_now, p_now, math.nan, math.nan, NONE_WITHIN_SCALE))
            continue
        level_tip = float(scale.to_points(z_tip))
        change = level_tip - level_now
        status = f"{'raise' if change >= 0 else 'lower'} by {abs(change):.2f} points"
        rows.append((name, level_now, p_now, level_tip, change, status))
    columns = ["level", "hire_probability", "tipping_level", "change", "status"]
    names, *values = zip(*rows, strict=True)  # columns from plain lists (pandas rows cost)
    table = pd.DataFrame(
        {key: list(col) for key, col in zip(columns, values, strict=True)},
        index=pd.Index(names, name="competency"),
    )  # fmt: skip
    table.attrs.update(_method(c))
    return table


def _tipping_level(
    c: _Candidate, k: int, now: float, ends: tuple[float, float], target: float
) -> float:
    """Level (z) of competency ``k`` nearest to ``now`` at which hire reaches ``target``.

    A grid from ``now`` to each end of the scale brackets the crossings; the nearer one
    is refined (Brent's method on a closed form, bisection on common draws). NaN: none.
    """
    loading = c.model.A[k]

    def along(z: np.ndarray) -> np.ndarray:
        return c.hire(c.mean_s[None, :] + (np.reshape(z, (-1, 1)) - now) * loading[None, :])

    found = _nearest_bracket(along, now, ends, _SCALE_GRID if c.on_scale else _GRID, target)
    if found is None:
        return math.nan
    return (refine if c.sampled is None else bisect)(
        lambda z: float(along(np.array([z]))[0]), found[0], target
    )


def _nearest_bracket(
    along: Callable[[np.ndarray], np.ndarray],
    now: float,
    ends: tuple[float, float],
    size: int,
    target: float,
) -> tuple[tuple[float, float], np.ndarray, np.ndarray] | None:
    """The crossing of ``target`` nearest to ``now`` on grids from ``now`` to each end.

    Returns its bracket and the grid and values of its side (None: no crossing).
    """
    grids = (np.linspace(now, ends[1], size), np.linspace(now, ends[0], size))
    probs = along(np.concatenate(grids))
    found = []
    for grid, vals in zip(grids, np.split(probs, 2), strict=True):
        b = bracket(grid, vals, target)
        if b is not None:
            found.append((b, grid, vals))
    if not found:
        return None
    # Only the crossing nearest to the current level is refined.
    return min(found, key=lambda f: min(abs(f[0][0] - now), abs(f[0][1] - now)))


def _tipping_on_line(
    line: Callable[[np.ndarray], np.ndarray],
    monotone: int,
    now: float,
    p_now: float,
    ends: tuple[float, float],
    target: float,
) -> float:
    """:func:`_tipping_level` on the exact lattice law's line (``line(shift)``, z).

    When the hire probability is monotone along the line
    (:func:`sim.closed_form.lines.monotone_along`) its one crossing lies towards
    the end that moves it towards ``target``: one value there brackets it. Otherwise
    a grid from ``now`` to each end brackets the crossings and the nearer is refined.
    Either way :func:`refine_batched` refines it, three points a call.
    """

    def along(z: np.ndarray) -> np.ndarray:
        return line(np.asarray(z, dtype=float) - now)

    if p_now == target:
        return now
    if monotone:  # one crossing, towards the end that moves the probability to the target
        end = ends[1] if (p_now < target) == (monotone > 0) else ends[0]
        grid = np.linspace(now, end, _LINE_POINTS)[1:]
        probs = along(grid)
        if (probs[-1] - target) * (p_now - target) > 0:
            return math.nan
        grid, probs = np.append(now, grid), np.append(p_now, probs)
        i = int(np.flatnonzero((probs[1:] - target) * (probs[0] - target) <= 0)[0])
        return refine_batched(
            along, (grid[i], grid[i + 1]), (probs[i], probs[i + 1]), target, known=(grid, probs)
        )
    found = _nearest_bracket(along, now, ends, _SCALE_GRID, target)
    if found is None:
        return math.nan
    near, grid, vals = found
    if near[0] == near[1]:
        return near[0]
    ends_at = [int(np.flatnonzero(grid == x)[0]) for x in near]
    return refine_batched(
        along, near, (vals[ends_at[0]], vals[ends_at[1]]), target, known=(grid, vals)
    )


def tipping_points(process: Process, profile: Profile, *, target: float = 0.5) -> pd.DataFrame:
    """Per competency, the level (points) at which hire probability reaches ``target``.

    Each competency is moved alone, the others held at the profile's levels;
    the search runs over the whole rating scale and keeps the crossing nearest
    to the current level.

    Parameters
    ----------
    process : Process
        Latent scores: a debrief with a Gaussian closed form (see
        :func:`sim.hire_probability`). On the scale: the exact lattice law, or
        where it has none (:func:`sim.closed_form.exact_obstacle`) or its lattice
        is over :data:`~sim.closed_form.lattice.SWAY_LATTICE` points, Monte Carlo on
        4,000 common draws; ``attrs`` say which (``method``, ``draws``, ``error``).
    profile : Profile
    target : float, default 0.5
        Hire probability to reach, in (0, 1).

    Returns
    -------
    DataFrame
        Indexed by competency. Columns ``level`` (points, now),
        ``hire_probability`` (now), ``tipping_level`` (points; NaN when none),
        ``change`` (points, ``tipping_level - level``) and ``status``
        ("raise by ...", "lower by ...", ``"none within the scale"``, or
        ``"no effect"`` for a competency no decision score uses).

    Examples
    --------
    >>> import sim
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> profile = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    >>> tips = tipping_points(process, profile)
    >>> level = tips.loc["dollar_impact", "tipping_level"]
    >>> p = sim.hire_probability(process, profile.with_levels(dollar_impact=level)).hire
    >>> round(p, 6)
    0.5
    """
    if isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target < 1:
        raise fail("target", "must be a probability in (0, 1)", target)
    return _tipping_points(_Candidate(process, profile), float(target))


# --------------------------------------------------------------------------- weight stability
def _weights_stability(c: _Candidate) -> pd.DataFrame:
    process, m = c.process, c.model
    p_now = float(c.hire(c.mean_s)[0])
    hired = p_now >= 0.5
    agg_now = c.score_weights
    # t in [0, 1) maps to a raw weight ref * t / (1 - t): t = 1/2 is the current weight.
    size = _GRID if c.plain else _SCALE_WEIGHT_GRID if c.on_scale else _SLOW_GRID
    t_grid = np.linspace(0.0, 1.0, size)[:-1]
    rows = []
    groups = (
        ("competency", process.competency_names, c.comp_w),
        ("interviewer", process.interviewer_names, c.person_w),
    )
    person_of_slot = m.slot_person
    for group, names, raw in groups:
        positive = raw[raw > 0]
        slot_of = m.slot_competency if group == "competency" else person_of_slot
        for i, name in enumerate(names):
            if not np.any(slot_of == i):
                continue  # never rated: this weight cannot matter
            ref = raw[i] if raw[i] > 0 else (positive.mean() if positive.size else 1.0)

            def batch(
                t: np.ndarray, group: str = group, i: int = i, raw: np.ndarray = raw, ref=ref
            ) -> np.ndarray:
                table = np.repeat(raw[None, :], np.size(t), axis=0)
                table[:, i] = ref * np.asarray(t, dtype=float) / (1.0 - np.asarray(t))
                comp = table if group == "competency" else c.comp_w
                person = table if group == "interviewer" else c.person_w
                if c.plain:
                    return c.hire(c.mean_s, debrief_weights(m, comp, person))
                if c.on_scale and c.sampled is None:  # the same ratings, other lattice points
                    rows = table.shape[0]
                    comp = np.broadcast_to(comp, (rows, c.comp_w.size))
                    person = np.broadcast_to(person, (rows, c.person_w.size))
                    pairs = zip(comp, person, strict=True)
                    return np.array([reweighted_hire(process, c.masses, a, b) for a, b in pairs])
                return np.array([_rebuilt(c, group, row) for row in table])

            def prob(t: float, batch=batch) -> float:
                return float(batch(np.array([t]))[0])

            t_now = 0.5 if raw[i] > 0 else 0.0
            probs = batch(t_grid)
            up, down = t_grid >= t_now, t_grid <= t_now
            # The crossing nearest to the current weight, each way.
            bracket_up = bracket(t_grid[up], probs[up], 0.5)
            bracket_down = bracket(t_grid[down][::-1], probs[down][::-1], 0.5)
            solve = refine if c.plain or not c.on_scale else bisect if c.sampled else refine_short
            t_up = math.nan if bracket_up is None else solve(prob, bracket_up, 0.5)
            t_down = math.nan if bracket_down is None else solve(prob, bracket_down, 0.5)
            lower = math.nan if math.isnan(t_down) else ref * t_down / (1 - t_down)
            upper = math.nan if math.isnan(t_up) else ref * t_up / (1 - t_up)
            rows.append(
                {
                    "group": group,
                    "name": name,
                    "weight": float(raw[i]),
                    "share": float(agg_now[slot_of == i].sum()),
                    "decision": "Hire" if hired else "No Hire",
                    "flips_below": lower,
                    "flips_above": upper,
                    "stable_range": _range_text(lower, upper),
                }
            )
    return pd.DataFrame(rows)


def _rebuilt(c: _Candidate, group: str, weights: np.ndarray) -> float:
    """Hire probability with one group of debrief weights replaced (NaN if invalid)."""
    process = c.process
    names = process.competency_names if group == "competency" else process.interviewer_names
    table = dict(zip(names, weights.tolist(), strict=True))
    key = "competency_weights" if group == "competency" else "interviewer_weights"
    try:
        changed = replace(process, debrief=replace(process.debrief, **{key: table}))
        return c.hire_with(changed)
    except SpecError:  # e.g. every competency weight zero
        return math.nan


def _range_text(lower: float, upper: float) -> str:
    low = "0" if math.isnan(lower) else f"{lower:.3g}"
    high = "no limit" if math.isnan(upper) else f"{upper:.3g}"
    return f"{low} .. {high}"


def weight_stability(process: Process, profile: Profile) -> pd.DataFrame:
    """How far each debrief weight can move before the candidate's decision flips.

    One weight moves at a time over ``[0, inf)``; the aggregate renormalises,
    so the other weights are rescaled. The decision is Hire when the hire
    probability is at least 50 %.

    Parameters
    ----------
    process : Process
        Latent scores: a debrief with a Gaussian closed form (see
        :func:`sim.hire_probability`). On the scale: the exact lattice law, or
        where it has none (:func:`sim.closed_form.exact_obstacle`) or its lattice
        is over :data:`~sim.closed_form.lattice.SWAY_LATTICE` points, Monte Carlo on
        4,000 common draws; ``attrs`` say which (``method``, ``draws``, ``error``).
    profile : Profile

    Returns
    -------
    DataFrame
        One row per competency weight (``group == "competency"``) and per
        interviewer weight (``group == "interviewer"``). Columns ``group``,
        ``name``, ``weight`` (raw weight now), ``share`` (its share of the
        aggregate now), ``decision`` (now), ``flips_below`` and ``flips_above``
        (raw weights at which the decision flips, nearest each way; NaN when it
        never flips that way) and ``stable_range`` (text).

    Examples
    --------
    >>> import sim
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> profile = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    >>> table = weight_stability(process, profile).set_index("name")
    >>> table.loc["dollar_impact", "decision"]
    'Hire'
    """
    c = _Candidate(process, profile)
    table = _weights_stability(c)
    table.attrs.update(_method(c))
    return table


# --------------------------------------------------------------------------- framing
def _framing(c: _Candidate) -> pd.DataFrame:
    process, m, scale = c.process, c.model, c.process.scale
    values = np.array([-1.0, c.phi, 1.0])
    mean_s = c.mean_s[None, :] + (values - c.phi)[:, None] * m.framing[None, :]
    probs = c.hire(mean_s)
    w = c.score_weights
    if c.on_scale and c.sampled is None:  # what the committee is expected to count
        mean_s = np.array([expected_said(process, row) for row in mean_s])
    table = pd.DataFrame(
        {
            "framing": values,
            "hire_probability": probs,
            "aggregate_mean": scale.to_points(mean_s @ w + c.score_shift),
        },
        index=pd.Index(["framing -1", "as given", "framing +1"], name="scenario"),
    )
    for k, name in enumerate(process.competency_names):
        mine = (m.slot_competency == k) & (w > 0)
        if not mine.any():
            mine = m.slot_competency == k
            if not mine.any():
                continue
            share = np.full(mine.sum(), 1.0 / mine.sum())
        else:
            share = w[mine] / w[mine].sum()
        table[name] = scale.to_points(mean_s[:, mine] @ share)
    return table


def framing_effect(process: Process, profile: Profile) -> pd.DataFrame:
    """Hire probability and expected views with framing -1, as given, and +1.

    The article's story: the same facts framed as model internals (-1) or as
    dollar impact (+1) read as 4/10 or 8/10 on strategic alignment.

    Parameters
    ----------
    process : Process
        Latent scores: a debrief with a Gaussian closed form (see
        :func:`sim.hire_probability`). On the scale: the exact lattice law, or
        where it has none (:func:`sim.closed_form.exact_obstacle`) or its lattice
        is over :data:`~sim.closed_form.lattice.SWAY_LATTICE` points, Monte Carlo on
        4,000 common draws; ``attrs`` say which (``method``, ``draws``, ``error``).
    profile : Profile

    Returns
    -------
    DataFrame
        Rows ``"framing -1"``, ``"as given"``, ``"framing +1"``; columns
        ``framing``, ``hire_probability``, ``aggregate_mean`` (points), then one
        column per assessed competency: the committee's expected view of it
        (points; interviewer-weighted mean of its expected scores).

    Examples
    --------
    >>> import sim
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> profile = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    >>> table = framing_effect(process, profile)
    >>> table["strategic_alignment"].round(1).tolist()
    [4.3, 8.2, 8.2]
    """
    c = _Candidate(process, profile)
    table = _framing(c)
    table.attrs.update(_method(c))
    return table


# --------------------------------------------------------------------------- all together
@dataclass(frozen=True)
class Sway:
    """What sways the decision on one profile (see :func:`sway`).

    Attributes
    ----------
    process, profile : str
        Names.
    probability : HireProbability
        Exact outcome probabilities now.
    contributions, tipping_points, weight_stability, framing : DataFrame
        As returned by the functions of the same names.
    """

    process: str
    profile: str
    probability: HireProbability
    contributions: pd.DataFrame
    tipping_points: pd.DataFrame
    weight_stability: pd.DataFrame
    framing: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (NaN stays NaN; the CLI prints it as null)."""
        return {
            "process": self.process,
            "profile": self.profile,
            "hire_probability": self.probability.hire,
            "hold_probability": self.probability.hold,
            "reach_debrief": self.probability.reach_debrief,
            "aggregate_mean": self.probability.aggregate_mean,
            "aggregate_sd": self.probability.aggregate_sd,
            "threshold": self.contributions.attrs["threshold"],
            "contributions": _records(self.contributions),
            "tipping_points": _records(self.tipping_points.reset_index()),
            "weight_stability": _records(self.weight_stability),
            "framing": _records(self.framing.reset_index()),
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict("records"):
        out.append({k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()})
    return out


def sway(process: Process, profile: Profile) -> Sway:
    """Contributions, tipping points, weight stability and framing of one profile.

    Parameters
    ----------
    process : Process
        Latent scores: a debrief with a Gaussian closed form (see
        :func:`sim.hire_probability`). On the scale: the exact lattice law, or
        where it has none (:func:`sim.closed_form.exact_obstacle`) or its lattice
        is over :data:`~sim.closed_form.lattice.SWAY_LATTICE` points, Monte Carlo on
        4,000 common draws; ``attrs`` say which (``method``, ``draws``, ``error``).
    profile : Profile

    Returns
    -------
    Sway

    Examples
    --------
    >>> import sim
    >>> from sim.analysis import sway
    >>> process = sim.load_process("amex_ai_pm_2026")
    >>> result = sway(process, sim.load_profiles("amex_ai_pm_2026")["impact_framer"])
    >>> given = result.framing.loc["as given", "hire_probability"]
    >>> bool(abs(result.probability.hire - given) < 1e-12)
    True
    """
    c = _Candidate(process, profile)
    tables = {"weight_stability": _weights_stability(c), "framing": _framing(c)}
    for table in tables.values():
        table.attrs.update(_method(c))
    return Sway(
        process=process.name,
        profile=profile.name,
        probability=hire_probability(process, profile),
        contributions=contribution_waterfall(process, profile),
        tipping_points=_tipping_points(c, 0.5),
        **tables,
    )
