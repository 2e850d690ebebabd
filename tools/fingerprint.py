"""Fingerprint of seeded outputs across the public API (a refactoring check).

Run it on two revisions and diff the output: every line is ``key sha256-prefix``, so a
refactoring that keeps behaviour prints the same lines (bitwise: floats are hashed by
their bytes or their ``repr``).

    python tools/fingerprint.py > after.txt
    PYTHONPATH=/path/to/old/checkout python tools/fingerprint.py > before.txt
    diff before.txt after.txt
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import replace

import numpy as np
import pandas as pd

import sim
from sim import analysis


def digest(obj: object) -> str:
    h = hashlib.sha256()

    def feed(x: object) -> None:
        if isinstance(x, np.ndarray):
            h.update(str(x.dtype).encode() + str(x.shape).encode())
            h.update(np.ascontiguousarray(x).tobytes())
        elif isinstance(x, pd.DataFrame):
            feed(list(map(str, x.columns)))
            feed(list(map(str, x.index)))
            for c in x.columns:
                col = x[c]
                if col.dtype.kind in "fiub":
                    feed(col.to_numpy())
                else:
                    feed([str(v) for v in col])
            feed({k: v for k, v in x.attrs.items()})
        elif isinstance(x, pd.Series):
            feed(x.to_frame())
        elif isinstance(x, dict):
            for k in sorted(x, key=str):
                feed(str(k))
                feed(x[k])
        elif isinstance(x, list | tuple):
            h.update(b"[")
            for v in x:
                feed(v)
            h.update(b"]")
        elif isinstance(x, float | np.floating):
            h.update(repr(float(x)).encode())
        else:
            h.update(repr(x).encode())

    feed(obj)
    return h.hexdigest()[:16]


def main() -> None:
    print("# sim from", sim.__file__, file=sys.stderr)
    out: list[tuple[str, str]] = []

    def rec(key: str, value: object) -> None:
        out.append((key, digest(value)))

    for name in ("amex_ai_pm_2026", "amazon_style_loop", "google_style_committee"):
        p = sim.load_process(name)
        profiles = sim.load_profiles(name)
        r = sim.simulate(p, n=40_000, rng=1)
        for field in (
            "stage",
            "aggregate_z",
            "decision",
            "performance",
            "framing",
            "theta",
            "perceived",
            "debrief_draws",
            "score_z",
        ):
            rec(f"{name}.simulate.{field}", getattr(r, field))
        rec(f"{name}.summary", r.summary())
        rec(f"{name}.decisions", r.decisions().head(2000))
        rec(f"{name}.scores", r.scores().head(5000))
        rec(f"{name}.recommendations", r.recommendations().head(2000))
        chunks = list(sim.engine.iter_chunks(p, n=70_000, rng=2, chunk_size=32_768, workers=2))
        rec(f"{name}.iter_chunks", [c.aggregate_z for c in chunks])
        rp = sim.simulate(p, list(profiles.values()), n=3000, rng=5)
        rec(f"{name}.profiles.decision", rp.decision)
        rec(f"{name}.profiles.aggregate", rp.aggregate_z)
        for pname, prof in profiles.items():
            try:
                hp = sim.hire_probability(p, prof)
                rec(
                    f"{name}.{pname}.hire_probability",
                    [
                        hp.hire,
                        hp.hold,
                        hp.no_hire,
                        hp.reach_debrief,
                        hp.aggregate_mean,
                        hp.aggregate_sd,
                    ],
                )
            except sim.SpecError as exc:
                rec(f"{name}.{pname}.hire_probability", str(exc))
            rec(f"{name}.{pname}.contributions", sim.contributions(p, prof))
            try:
                s = analysis.sway(p, prof)
                rec(f"{name}.{pname}.sway", json.dumps(s.to_dict(), default=str, sort_keys=True))
            except sim.SpecError as exc:
                rec(f"{name}.{pname}.sway", str(exc))
            for seed in (0, 3):
                t = sim.debrief.debrief_transcript(p, prof, rng=seed)
                rec(f"{name}.{pname}.transcript{seed}", sim.debrief.transcript_text(t))
                rec(f"{name}.{pname}.transcript_df{seed}", t)
        for rule in sim.spec.RULES:
            variant, note = sim.debrief.with_rule(p, rule)
            rec(f"{name}.with_rule.{rule}", note)
            if variant is None:
                continue
            rd = sim.debrief.redecide(r, variant)
            rec(f"{name}.redecide.{rule}", [rd.decision, rd.aggregate_z, rd.score_z])
            for pname, prof in list(profiles.items())[:2]:
                t = sim.debrief.debrief_transcript(variant, prof, rng=7)
                rec(f"{name}.{rule}.{pname}.transcript", sim.debrief.transcript_text(t))
        cmp_ = sim.debrief.compare_rules(p, n=20_000, rng=4)
        rec(f"{name}.compare_rules", [cmp_.metrics, cmp_.disagreement])
        rec(f"{name}.decision_swing", analysis.decision_swing(sim.simulate(p, n=8000, rng=3)))
        rec(f"{name}.decision_quality", analysis.decision_quality(r))
        rec(f"{name}.sensitivity", analysis.global_sensitivity(p, n=5000, rng=1))
        rec(f"{name}.noise_audit", analysis.noise_audit(p, n=300, rng=1))
        rec(f"{name}.panel_icc", analysis.panel_icc(p, n=300, rng=1))
        rec(f"{name}.panel_reliability", analysis.panel_reliability(p, rng=1))
        rec(f"{name}.selection_check", analysis.selection_check(0.4, 0.1, 0.5, n=20_000, rng=1))
    # Debrief dynamics on the reference process.
    amex = sim.load_process("amex_ai_pm_2026")
    prof = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    d = amex.debrief
    variants = {
        "anchoring": replace(d, anchoring=0.4, senior_pull=0.5),
        "random": replace(d, anchoring=0.3, speaking_order="random"),
        "peeking": replace(d, peeking=0.3),
        "discretion": replace(
            d,
            rule="discretion",
            hiring_manager="hiring_manager",
            manager_self_weight=0.5,
            manager_bias=0.3,
        ),
        "veto": replace(d, rule="veto", veto=("hiring_manager",)),
        "hold": replace(d, hold_band=0.3),
        "public": replace(d, rule="public_vote", tie_rule="own_signal"),
    }
    for key, deb in variants.items():
        pv = replace(amex, debrief=deb)
        r = sim.simulate(pv, n=30_000, rng=11)
        rec(f"dyn.{key}.simulate", [r.decision, r.aggregate_z, r.score_z])
        try:
            hp = sim.hire_probability(pv, prof)
            rec(
                f"dyn.{key}.hire_probability",
                [hp.hire, hp.hold, hp.aggregate_mean, hp.aggregate_sd],
            )
        except sim.SpecError as exc:
            rec(f"dyn.{key}.hire_probability", str(exc))
        rec(f"dyn.{key}.contributions", sim.contributions(pv, prof))
        try:
            rec(f"dyn.{key}.waterfall", analysis.contribution_waterfall(pv, prof))
        except sim.SpecError as exc:
            rec(f"dyn.{key}.waterfall", str(exc))
        t = sim.debrief.debrief_transcript(pv, prof, rng=2)
        rec(f"dyn.{key}.transcript", sim.debrief.transcript_text(t))
    width = max(len(k) for k, _ in out)
    for key, value in out:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    sys.exit(main())
