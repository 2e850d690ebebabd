"""A calibration written as a process YAML, every fitted number with its source.

Estimates (points of the input scale) map to the engine's parameters (z units,
``z = points / points_per_sd``):

* ``scale.center`` = the mean competency intercept; ``points_per_sd`` = the root
  mean true-level variance, so the fitted pool's SDs average 1.
* ``leniency`` = overall leniency / pps; ``halo`` = impression SD / pps;
  ``noise_sd`` = occasion-noise SD / pps, times ``sqrt(minutes per competency /
  evidence_minutes)`` (the engine scales noise by the evidence a round gives).
* The pool: the candidates' perceived-level covariance, less the share the
  engine adds itself through each rater's halo on the round's mean level; the
  pool's framing SD is 0 (score sheets cannot tell framing from level; its share
  is inside the fitted levels) while competencies keep BASE's framing effects
  for what-if profiles.
* Own cut points: each interviewer's posterior cut points; the scale's: pooled.
* Debrief: with revealed weights, ``rule: discretion`` (the committee reads the
  aggregate with the fitted noise SD) or, when the decisions separate,
  ``weighted_mean``; anchoring and peeking are 0 (the revealed weights already
  carry whatever the room did). Without decisions, BASE's debrief.

What the data cannot give (the truth model, dollars, the timeline, framing)
comes from ``--process BASE`` and says so; without a BASE it is a marked
assumption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

if TYPE_CHECKING:
    from .result import CalibrationResult

__all__ = ["fitted_yaml", "goodness_of_fit"]


def _flow(value: Any) -> str:
    """One YAML scalar or flow sequence."""
    if isinstance(value, float | np.floating):
        value = round(float(value), 4) + 0.0
    if isinstance(value, list | tuple):
        value = [
            round(float(v), 4) + 0.0 if isinstance(v, float | np.floating) else v for v in value
        ]
    return (
        yaml.safe_dump(value, default_flow_style=True, width=10_000)
        .strip()
        .removesuffix("\n...")
        .removesuffix("...")
        .strip()
    )


class _Doc:
    """YAML lines with comments."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, indent: int, key: str, value: Any = None, note: str = "") -> None:
        text = " " * indent + (f"{key}:" if value is None else f"{key}: {_flow(value)}")
        self.lines.append(f"{text}  # {note}" if note else text)

    def item(self, indent: int, key: str, value: Any, note: str = "") -> None:
        self.add(indent, f"- {key}", value, note)

    def comment(self, text: str, indent: int = 0) -> None:
        self.lines.append(" " * indent + f"# {text}")


def _pm(est: float, se: float, unit: str = "points") -> str:
    se_text = f"{se:.2g}" if np.isfinite(se) else "n/a"
    return f"{est:.3g} ± {se_text} {unit}"


# --------------------------------------------------------------------------- mapping
def _halo_z(res: CalibrationResult, pps: float) -> np.ndarray:
    halo = res.interviewers["halo"].to_numpy()
    known = np.isfinite(res.interviewers["halo_var"].to_numpy())
    return np.where(known, halo / pps, 0.0)


def _pool(res: CalibrationResult, base: Any) -> dict[str, Any]:
    """pps, centre, pool means, SDs and correlations, undoing the engine's halo level term."""
    comps = list(res.competencies.index)
    k = len(comps)
    intercept = (res.competencies["intercept"] - res.competencies["rater_leniency"]).to_numpy(
        float
    )
    cov = res.level_covariance.to_numpy(float).copy()
    diag = np.where(np.isfinite(np.diag(cov)), np.diag(cov), np.nanmean(np.diag(cov)))
    np.fill_diagonal(cov, np.maximum(diag, 1e-6))
    sd0 = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd0, sd0)
    known = np.isfinite(corr)
    fill = np.full(
        (k, k),
        float(np.nanmean(np.where(np.eye(k, dtype=bool), np.nan, corr)))
        if (known & ~np.eye(k, dtype=bool)).any()
        else 0.3,
    )
    if base is not None:
        bcomps = list(base.competency_names)
        bcorr = np.asarray(base.pool.correlation)
        for i, a in enumerate(comps):
            for j, b in enumerate(comps):
                if a in bcomps and b in bcomps:
                    fill[i, j] = bcorr[bcomps.index(a), bcomps.index(b)]
    corr = np.where(known, np.clip(corr, -0.99, 0.99), fill)
    np.fill_diagonal(corr, 1.0)
    level_cov = corr * np.outer(sd0, sd0)
    # Each competency's average rater halo and round-mean loading: levels = T theta.
    load = np.zeros((k, k))
    counts = np.zeros(k)
    for rnd in res.rounds:
        idx = [comps.index(c) for c in rnd["competencies"]]
        n_r = len(idx)
        for c in idx:
            load[c, idx] += 1.0 / n_r
            counts[c] += 1
    load /= np.maximum(counts, 1)[:, None]
    centre = float(np.mean(intercept))
    pps = float(np.sqrt(np.mean(np.diag(level_cov))))
    for _ in range(20):
        h = _rater_halo_by_competency(res, _halo_z(res, pps))
        t = np.eye(k) + h[:, None] * load
        t_inv = np.linalg.inv(t)
        theta_cov = t_inv @ level_cov @ t_inv.T
        new = float(np.sqrt(np.mean(np.clip(np.diag(theta_cov), 1e-9, None))))
        if abs(new - pps) < 1e-9:
            break
        pps = new
    values, vectors = np.linalg.eigh(0.5 * (theta_cov + theta_cov.T))
    theta_cov = (vectors * np.clip(values, 1e-6 * values.max(), None)) @ vectors.T
    sd = np.sqrt(np.diag(theta_cov))
    return {
        "comps": comps,
        "pps": pps,
        "centre": centre,
        "mean": t_inv @ (intercept - centre) / pps,
        "sd": sd / pps,
        "corr": theta_cov / np.outer(sd, sd),
        "observed": known,
    }


def _rater_halo_by_competency(res: CalibrationResult, halo_z: np.ndarray) -> np.ndarray:
    """Rating-weighted mean halo (z) of the raters of each competency, shape (K,)."""
    by = res.leniency_by_competency
    comps = list(res.competencies.index)
    people = list(res.interviewers.index)
    out = np.zeros(len(comps))
    for c, name in enumerate(comps):
        mine = by[by["competency"] == name]
        if mine.empty:
            continue
        w = mine["n_ratings"].to_numpy(float)
        h = halo_z[[people.index(p) for p in mine["interviewer"]]]
        out[c] = float(w @ h / w.sum())
    return out


def _rounds(res: CalibrationResult, base: Any, evidence: float) -> list[dict[str, Any]]:
    """Rounds with minutes, day and gate: BASE's for a round of the same name."""
    named = {r.name: r for r in base.rounds} if base is not None else {}
    rounds = sorted(
        res.rounds,
        key=lambda r: list(named).index(r["name"]) if r["name"] in named else len(named),
    )
    window = base.window_days if base is not None else 45.0
    out, last_day = [], 0.0
    for i, rnd in enumerate(rounds):
        ref = named.get(rnd["name"])
        minutes = ref.minutes if ref is not None else evidence * len(rnd["competencies"])
        day = ref.day if ref is not None else window * (i + 1) / (len(rounds) + 1)
        day = max(day, last_day)
        last_day = day
        gate = ref.gate if ref is not None and ref.gate is not None else None
        if gate is not None and not res.scale[0] <= gate <= res.scale[1]:
            gate = None
        out.append(
            {
                **rnd,
                "name": rnd["name"] or "interview",
                "minutes": minutes,
                "day": day,
                "gate": gate,
                "from_base": ref is not None,
            }
        )
    return out


def _noise_factor(res: CalibrationResult, rounds: list[dict[str, Any]], evidence: float):
    """Per interviewer: mean sqrt(minutes per competency / evidence) over their rounds."""
    out = {}
    for who in res.interviewers.index:
        mine = [
            np.sqrt(r["minutes"] / len(r["competencies"]) / evidence)
            for r in rounds
            if who in r["interviewers"]
        ]
        out[who] = float(np.mean(mine)) if mine else 1.0
    return out


def _ordered_cuts(values: np.ndarray, low: float, high: float) -> list[float]:
    cuts = np.clip(np.asarray(values, float), low, high)
    for i in range(1, cuts.size):
        cuts[i] = max(cuts[i], cuts[i - 1] + 0.01)
    if cuts.size and cuts[-1] > high:
        cuts = np.linspace(low, high, cuts.size + 2)[1:-1]
    return [round(float(c), 3) for c in cuts]


# --------------------------------------------------------------------------- writing
def fitted_yaml(res: CalibrationResult, name: str | None = None) -> str:
    """The process YAML of a calibration (see the module docstring)."""
    base = res.base
    evidence = base.evidence_minutes if base is not None else 15.0
    pool = _pool(res, base)
    rounds = _rounds(res, base, evidence)
    src = res.source
    from_base = f"[from BASE: {base.name}]" if base is not None else "[assumption: no BASE]"
    doc = _Doc()
    doc.comment(
        f"Calibrated by sim.calibrate from the score sheet {src}: {res.n_ratings} "
        f"ratings of {res.n_candidates} candidates by {res.n_interviewers} interviewers."
    )
    doc.comment("[fitted: FILE, estimate ± SE, n ratings] numbers are estimated from it;")
    doc.comment(f"{from_base} numbers are what score sheets cannot give (the truth model,")
    doc.comment("dollars, the timeline, framing); [assumption] marks our own choices.")
    title = f"{base.title} (calibrated)" if base is not None else f"Calibrated from {src}"
    doc.add(0, "name", name or (f"{base.name}_calibrated" if base is not None else "calibrated"))
    doc.add(0, "title", title)
    doc.add(0, "source", f"calibrated from {src}")
    doc.add(0, "window_days", base.window_days if base is not None else 45.0, from_base)
    doc.add(0, "evidence_minutes", evidence, from_base)
    _scale(doc, res, pool, base, from_base)
    _competencies(doc, pool["comps"], base, from_base)
    _interviewers(doc, res, pool["pps"], _noise_factor(res, rounds, evidence), base, from_base)
    _write_rounds(doc, rounds, from_base)
    _debrief(doc, res, base, from_base)
    _write_pool(doc, res, pool)
    _truth(doc, pool["comps"], base, from_base)
    if base is not None and base.compensation:
        doc.comment(f"{from_base} compensation (score sheets say nothing about pay)")
        comp = yaml.safe_dump({"compensation": dict(base.compensation)}, sort_keys=False)
        doc.lines.extend(comp.rstrip().splitlines())
    return "\n".join(doc.lines) + "\n"


def _fitted(res: CalibrationResult, what: str, n: int) -> str:
    return f"[fitted: {res.source}, {what}, {n} ratings]"


def _scale(doc: _Doc, res: CalibrationResult, pool: dict, base: Any, from_base: str) -> None:
    low, high, _ = res.scale
    comps = res.competencies
    doc.add(0, "scale")
    doc.add(2, "min", low, f"[fitted: {res.source}, the input scale]")
    doc.add(2, "max", high, f"[fitted: {res.source}, the input scale]")
    se = float(np.sqrt(np.nanmean(comps.get("intercept_se", pd.Series([np.nan])) ** 2)))
    doc.add(
        2,
        "center",
        pool["centre"],
        _fitted(res, f"mean competency intercept {_pm(pool['centre'], se)}", res.n_ratings),
    )
    doc.add(
        2,
        "points_per_sd",
        pool["pps"],
        _fitted(res, "root mean true-level variance (halo's share removed)", res.n_ratings),
    )
    for kind, names, table in (
        ("label", res.labels, res.label_cuts),
        ("recommendation", res.recommendations, res.recommendation_cuts),
    ):
        key = "labels" if kind == "label" else "recommendations"
        if names is not None and table is not None and (kind == "label" or len(names) % 2 == 0):
            pooled = table.groupby("cut")[["pooled", "spread"]].first()
            cuts = _ordered_cuts(pooled["pooled"].to_numpy(), low, high)
            spread = ", ".join(f"{s:.2g}" for s in pooled["spread"])
            doc.add(2, key, list(names), f"[fitted: {res.source}, the sheet's {key}]")
            doc.add(
                2,
                f"{kind}_cuts",
                cuts,
                _fitted(
                    res,
                    f"pooled cut points, spread across interviewers {spread} points",
                    int(table.groupby("interviewer")["n"].first().sum()),
                ),
            )
        elif base is not None and base.scale.min == low and base.scale.max == high:
            doc.add(2, key, list(getattr(base.scale, key)), from_base)
            doc.add(2, f"{kind}_cuts", list(getattr(base.scale, f"{kind}_cuts")), from_base)
        else:
            default = (
                ["weak", "mixed", "strong", "exceptional"]
                if kind == "label"
                else ["Strong No", "No", "Yes", "Strong Yes"]
            )
            doc.add(2, key, default, "[assumption]")
            doc.add(
                2,
                f"{kind}_cuts",
                list(np.linspace(low, high, 5)[1:-1]),
                "[assumption] evenly spaced",
            )


def _competencies(doc: _Doc, comps: list[str], base: Any, from_base: str) -> None:
    doc.add(0, "competencies")
    known = set(base.competency_names) if base is not None else set()
    for name in comps:
        ref = base.competency(name) if name in known else None
        doc.item(2, "name", name)
        doc.add(4, "title", ref.title if ref is not None else name.replace("_", " ").title())
        doc.add(
            4,
            "framing_effect",
            ref.framing_effect if ref is not None else 0.0,
            from_base if ref is not None else "[assumption] framing is not in score sheets",
        )


def _interviewers(
    doc: _Doc,
    res: CalibrationResult,
    pps: float,
    factor: dict[str, float],
    base: Any,
    from_base: str,
) -> None:
    doc.add(0, "interviewers")
    doc.comment("leniency, noise_sd, halo in SDs of the fitted pool (points / points_per_sd)", 2)
    known = set(base.interviewer_names) if base is not None else set()
    low, high, _ = res.scale
    for who, row in res.interviewers.iterrows():
        ref = base.interviewer(who) if who in known else None
        n = int(row["n_ratings"])
        doc.item(2, "name", str(who))
        doc.add(4, "role", ref.role if ref is not None else str(who).replace("_", " ").title())
        doc.add(
            4,
            "leniency",
            row["leniency"] / pps,
            _fitted(res, f"leniency {_pm(row['leniency'], row['leniency_se'])}", n),
        )
        halo_known = np.isfinite(row["halo_var"])
        noise_note = f"occasion noise {_pm(row['noise_sd'], row['noise_sd_se'])}"
        if not halo_known:
            noise_note += ", includes the halo (not identifiable)"
        doc.add(4, "noise_sd", row["noise_sd"] / pps * factor[who], _fitted(res, noise_note, n))
        if halo_known:
            doc.add(
                4,
                "halo",
                row["halo"] / pps,
                _fitted(
                    res,
                    f"impression SD {_pm(row['halo'], row['halo_se'])}, "
                    f"{int(row['halo_pairs'])} pairs",
                    n,
                ),
            )
        else:
            doc.add(4, "halo", 0.0, "[assumption] not identifiable here: inside noise_sd")
        doc.add(
            4,
            "framing_sensitivity",
            ref.framing_sensitivity if ref is not None else 1.0,
            from_base if ref is not None else "[assumption]",
        )
        for kind, table in (
            ("label_cuts", res.label_cuts),
            ("recommendation_cuts", res.recommendation_cuts),
        ):
            if table is None or (
                kind == "recommendation_cuts" and len(res.recommendations or ()) % 2
            ):
                continue
            mine = table[table["interviewer"] == who]
            if mine.empty or mine["n"].iloc[0] == 0:
                continue
            sds = ", ".join(f"{s:.2g}" for s in mine["sd"])
            doc.add(
                4,
                kind,
                _ordered_cuts(mine["cut_point"].to_numpy(), low, high),
                _fitted(
                    res,
                    f"own cut points ± {sds} points (partially pooled)",
                    int(mine["n"].iloc[0]),
                ),
            )
        if ref is not None and ref.seniority:
            doc.add(4, "seniority", ref.seniority, from_base)


def _write_rounds(doc: _Doc, rounds: list[dict[str, Any]], from_base: str) -> None:
    doc.add(0, "rounds")
    for rnd in rounds:
        note = from_base if rnd["from_base"] else "[assumption]"
        doc.item(2, "name", rnd["name"])
        doc.add(4, "minutes", float(rnd["minutes"]), note)
        doc.add(4, "day", float(rnd["day"]), note)
        doc.add(4, "competencies", list(rnd["competencies"]), "[fitted: who rated what]")
        doc.add(4, "interviewers", list(rnd["interviewers"]), "[fitted: who rated what]")
        if rnd["gate"] is not None:
            doc.add(4, "gate", float(rnd["gate"]), from_base)


def _debrief(doc: _Doc, res: CalibrationResult, base: Any, from_base: str) -> None:
    comps = list(res.competencies.index)
    people = list(res.interviewers.index)
    low, high, _ = res.scale
    d = base.debrief if base is not None else None
    doc.add(0, "debrief")
    doc.add(2, "minutes", d.minutes if d is not None else 90.0, from_base)
    fit = res.revealed["fit"] if res.revealed is not None else None
    weights = None if fit is None else np.clip(fit.weights, 0.0, None)
    if weights is not None and weights.sum() > 0:
        _revealed_rule(doc, res, fit, weights, comps, people, d)
    elif d is not None:
        rule = d.rule
        veto = [v for v in d.veto if v in people]
        if rule == "veto" and not veto:
            rule = "weighted_mean"
        doc.add(2, "rule", rule, from_base)
        doc.add(2, "threshold", float(np.clip(d.threshold, low, high)), from_base)
        doc.add(2, "hold_band", d.hold_band, from_base)
        if veto:
            doc.add(2, "veto", veto, from_base)
        for key in (
            "anchoring",
            "senior_pull",
            "protocol",
            "peeking",
            "trim",
            "tie_rule",
            "manager_noise",
            "manager_bias",
        ):
            doc.add(2, key, getattr(d, key), from_base)
        if isinstance(d.speaking_order, str):
            doc.add(2, "speaking_order", d.speaking_order, from_base)
        if d.hiring_manager in people:
            doc.add(2, "hiring_manager", d.hiring_manager, from_base)
            doc.add(2, "manager_self_weight", d.manager_self_weight, from_base)
        stated = {c: d.competency_weights.get(c, 0.0) for c in comps}
        if not any(stated.values()):
            stated = dict.fromkeys(comps, 1.0)
        doc.add(2, "competency_weights")
        for c, w in stated.items():
            doc.add(4, c, w, from_base + " (no decisions in the sheet: stated weights)")
    else:
        doc.add(2, "rule", "weighted_mean", "[assumption] no decisions and no BASE")
        doc.add(2, "threshold", float(low + 0.7 * (high - low)), "[assumption]")
        doc.add(2, "competency_weights")
        for c in comps:
            doc.add(4, c, 1.0, "[assumption] equal weights")
    person_w = d.interviewer_weights if d is not None else {}
    known = {p: w for p, w in person_w.items() if p in people}
    if known:
        doc.add(2, "interviewer_weights")
        for p, w in known.items():
            doc.add(4, p, w, from_base)


def _revealed_rule(
    doc: _Doc,
    res: CalibrationResult,
    fit: Any,
    weights: np.ndarray,
    comps: list[str],
    people: list[str],
    d: Any,
) -> None:
    """The debrief the decisions reveal: weights, threshold, hold band and reading noise."""
    low, high, _ = res.scale
    n = fit.n
    sep = fit.separated

    def note(what: str) -> str:
        return f"[fitted: {res.source}, {what}, {n} candidates]"

    rule = "weighted_mean" if sep else "discretion"
    doc.add(
        2,
        "rule",
        rule,
        "[fitted] the decisions separate on the ratings: a deterministic rule"
        if sep
        else "[fitted] the committee reads the aggregate with noise",
    )
    doc.add(
        2,
        "threshold",
        float(np.clip(fit.threshold, low, high)),
        note(f"revealed threshold {_pm(fit.threshold, fit.threshold_se)}"),
    )
    band = min(fit.hold_band, 0.49 * (high - low))
    doc.add(
        2,
        "hold_band",
        float(band),
        note("half-width of the hold zone" if band else "no holds in the sheet"),
    )
    if not sep:
        doc.add(
            2,
            "manager_noise",
            fit.noise_sd,
            note(f"reading noise {_pm(fit.noise_sd, fit.noise_se)}"),
        )
        doc.add(2, "manager_bias", 0.0, "[fitted] inside the threshold")
        if d is not None and d.hiring_manager in people:
            doc.add(2, "hiring_manager", d.hiring_manager, "[from BASE]")
    doc.add(2, "anchoring", 0.0, "[fitted] the revealed weights already carry the room's dynamics")
    doc.add(2, "competency_weights")
    for c, w, raw, se in zip(comps, weights, fit.weights, fit.se, strict=True):
        what = f"revealed share {_pm(raw, se, '')}".rstrip()
        if raw < 0:
            what += ", negative: set to 0"
        # Two decimals of a share: far inside its SE (about .05), and short fractions keep
        # the committee's written aggregate on a small exact lattice (sim.hire_probability).
        doc.add(4, c, round(float(w), 2), note(what))


def _write_pool(doc: _Doc, res: CalibrationResult, pool: dict[str, Any]) -> None:
    comps, known = pool["comps"], pool["observed"]
    pairs = res.level_pairs.to_numpy()
    doc.add(0, "pool")
    doc.add(2, "mean")
    for c, v in zip(comps, pool["mean"], strict=True):
        doc.add(
            4,
            c,
            float(v),
            _fitted(res, "competency intercept", int(res.competencies.loc[c, "n_ratings"])),
        )
    doc.add(2, "sd")
    for c, v in zip(comps, pool["sd"], strict=True):
        doc.add(
            4,
            c,
            float(v),
            _fitted(
                res,
                "true-level SD (REML candidate variance)",
                int(res.competencies.loc[c, "n_ratings"]),
            ),
        )
    doc.add(2, "correlation")
    doc.add(4, "default", 0.0, "[assumption] every pair is listed below")
    doc.add(4, "pairs")
    for i in range(len(comps)):
        for j in range(i + 1, len(comps)):
            r = float(np.clip(pool["corr"][i, j], -0.99, 0.99))
            note = (
                _fitted(res, "cross-seat level correlation", int(pairs[i, j]))
                if known[i, j]
                else "[assumption] never rated together: mean or BASE"
            )
            doc.lines.append(f"      - [{comps[i]}, {comps[j]}, {round(r, 4) + 0.0}]  # {note}")
    doc.add(2, "framing")
    doc.add(4, "mean", 0.0, "[fitted] framing cannot be told from level in score sheets")
    doc.add(4, "sd", 0.0, "[fitted] its share is inside the fitted levels")


def _truth(doc: _Doc, comps: list[str], base: Any, from_base: str) -> None:
    doc.add(0, "truth")
    weights = {c: base.truth.weights.get(c, 0.0) for c in comps} if base is not None else {}
    note = from_base
    if not any(weights.values()):
        weights, note = dict.fromkeys(comps, 1.0), "[assumption] equal truth weights"
    doc.add(2, "weights")
    for c, w in weights.items():
        doc.add(4, c, w, note)
    t = base.truth if base is not None else None
    doc.add(2, "noise_sd", t.noise_sd if t is not None else 1.0, from_base)
    doc.add(2, "performance_bar", t.performance_bar if t is not None else 0.0, from_base)
    doc.add(2, "sd_y_dollars", t.sd_y_dollars if t is not None else 0.0, from_base)


# --------------------------------------------------------------------------- check
def goodness_of_fit(
    res: CalibrationResult, ratings: pd.DataFrame, n: int = 20_000, rng: Any = 0
) -> pd.DataFrame:
    """Observed vs simulated score distribution per interviewer (see CalibrationResult)."""
    from ..engine import simulate

    process = res.to_process()
    sim_scores = simulate(process, n=n, rng=rng).scores()
    values = np.arange(res.scale[0], res.scale[1] + 1e-9, res.scale[2] or 1.0)
    rows = []
    for who in res.interviewers.index:
        obs = ratings.loc[ratings["interviewer"] == who, "score"].to_numpy(float)
        sim = sim_scores.loc[sim_scores["interviewer"] == who, "score"].to_numpy(float)
        if obs.size == 0 or sim.size == 0:
            continue
        p_obs = np.array([(np.abs(obs - v) < 1e-9).mean() for v in values])
        p_sim = np.array([(np.abs(sim - v) < 1e-9).mean() for v in values])
        floor = 0.5 * np.sum(np.sqrt(2 * p_obs * (1 - p_obs) / (np.pi * obs.size)))
        rows.append(
            {
                "interviewer": who,
                "n_observed": obs.size,
                "n_simulated": sim.size,
                "mean_observed": obs.mean(),
                "mean_simulated": sim.mean(),
                "sd_observed": obs.std(ddof=1) if obs.size > 1 else np.nan,
                "sd_simulated": sim.std(ddof=1),
                "tv_distance": 0.5 * np.abs(p_obs - p_sim).sum(),
                "tv_floor": floor,
            }
        )
    return pd.DataFrame(rows).set_index("interviewer")
