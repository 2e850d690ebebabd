"""Calibration speed, side by side with the reference REML libraries, in one run.

    .venv/bin/python benchmarks/bench_calibrate.py

1. A crossed design of ~75,000 ratings (3,000 interviewers x 1,100 candidates, one
   competency, unbalanced: interviewers' shares of the ratings are log-normal):
   ``sim.calibrate`` (everything it reports) and its REML alone, against mixedlm's
   ``lmer`` (lme4's REML, the reference) and gpboost's ``GPModel`` (ML; gpboost has no
   REML), on the same data. Target: <= 3x the fastest reference.
2. 100,000 ratings across 10 competencies (5 two-competency rounds, two interviewers
   of a 200-strong pool per round, labels, recommendations and decisions): the whole
   ``sim.calibrate``. Target: <= 10 s on two cores.

Each time is the best of ``--repeat`` runs. Figures depend on the machine's load;
the ratios within one run are what to compare.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

import sim
from sim.calibrate.variance import fit_crossed


def crossed(seed: int = 0) -> pd.DataFrame:
    """~75k ratings, 3,000 interviewers x 1,100 candidates, integer scores 1-10."""
    rng = np.random.default_rng(seed)
    share = rng.lognormal(0.0, 1.0, 3000)
    cand = rng.integers(0, 1100, 75_000)
    rater = rng.choice(3000, 75_000, p=share / share.sum())
    frame = pd.DataFrame({"candidate": cand, "interviewer": rater}).drop_duplicates()
    y = (
        5.5
        + rng.normal(0, 1.0, 1100)[frame["candidate"]]
        + rng.normal(0, 0.3, 3000)[frame["interviewer"]]
        + rng.normal(0, 0.8, len(frame))
    )
    return pd.DataFrame(
        {
            "candidate": "c" + frame["candidate"].astype(str),
            "interviewer": "i" + frame["interviewer"].astype(str),
            "competency": "depth",
            "score": np.clip(np.rint(y), 1, 10),
        }
    ).reset_index(drop=True)


def wide(seed: int = 1, n_candidates: int = 5000) -> pd.DataFrame:
    """100k ratings: 10 competencies, 5 rounds, 2 of 40 interviewers per round, decisions."""
    rng = np.random.default_rng(seed)
    k, per_round, seats = 10, 2, 2
    corr = np.full((k, k), 0.3) + 0.7 * np.eye(k)
    theta = rng.standard_normal((n_candidates, k)) @ np.linalg.cholesky(corr).T
    lenient, noise, halo = rng.normal(0, 0.3, 200), rng.uniform(0.5, 0.9, 200), 0.3
    label_cuts = np.array([4.5, 6.5, 8.5]) + rng.normal(0, 0.3, (200, 3))
    parts = []
    for r in range(5):
        comps = np.arange(per_round * r, per_round * r + per_round)
        pool = np.arange(40 * r, 40 * r + 40)
        for s in range(seats):
            who = rng.choice(pool, n_candidates)
            impression = rng.standard_normal(n_candidates)
            for c in comps:
                points = 5.5 + 1.5 * (
                    theta[:, c]
                    + lenient[who]
                    + halo * impression
                    + noise[who] * rng.standard_normal(n_candidates)
                )
                label = (points[:, None] >= label_cuts[who]).sum(axis=1)
                parts.append(
                    pd.DataFrame(
                        {
                            "candidate": np.arange(n_candidates),
                            "round": f"round_{r}",
                            "interviewer": who + 1000 * s * 0,
                            "competency": f"comp_{c}",
                            "score": np.clip(np.rint(points), 1, 10),
                            "label": np.array(["weak", "mixed", "strong", "exceptional"])[label],
                            "points": points,
                        }
                    )
                )
    sheet = pd.concat(parts, ignore_index=True)
    sheet = sheet.drop_duplicates(["candidate", "interviewer", "competency", "round"])
    view = sheet.groupby(["candidate", "interviewer"])["points"].transform("mean")
    sheet["recommendation"] = np.array(["Strong No", "No", "Yes", "Strong Yes"])[
        np.searchsorted([4.0, 5.5, 7.0], view.to_numpy())
    ]
    agg = sheet.groupby("candidate")["points"].mean() + rng.normal(0, 0.3, n_candidates)
    decision = np.where(agg >= 6.5, "hire", "no_hire")
    sheet["decision"] = decision[sheet["candidate"].to_numpy()]
    sheet["interviewer"] = "p" + sheet["interviewer"].astype(str)
    return sheet.drop(columns="points")


def best(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall time and the CPU time of that run (CPU ~ wall on an idle machine for
    single-threaded code; a shared machine inflates the wall time, not the CPU time)."""
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    data = crossed()
    cand = pd.factorize(data["candidate"])[0]
    rater = pd.factorize(data["interviewer"])[0]
    y = data["score"].to_numpy(float)
    print(
        f"1. crossed design: {len(data):,} ratings, {data['interviewer'].nunique():,} "
        f"interviewers x {data['candidate'].nunique():,} candidates, one competency"
    )
    rows = {
        "sim.calibrate (everything)": best(
            lambda: sim.calibrate(data, scale=(1, 10)), args.repeat
        ),
        "sim.calibrate REML only": best(
            lambda: _one_thread(fit_crossed, y, cand, rater), args.repeat
        ),
    }
    ours = fit_crossed(y, cand, rater)
    refs: dict[str, tuple[float, float]] = {}
    try:
        import mixedlm

        refs["mixedlm 1.3 lmer (REML)"] = best(
            lambda: mixedlm.lmer("score ~ 1 + (1|candidate) + (1|interviewer)", data), args.repeat
        )
        ref = mixedlm.lmer("score ~ 1 + (1|candidate) + (1|interviewer)", data)
        vc = ref.VarCorr().groups
        agree = max(
            abs(ours.candidate_var / float(vc["candidate"].variance["(Intercept)"]) - 1),
            abs(ours.interviewer_var / float(vc["interviewer"].variance["(Intercept)"]) - 1),
            abs(ours.residual_var / float(ref.sigma) ** 2 - 1),
        )
        print(f"   variance components vs mixedlm: largest relative difference {agree:.1e}")
    except ImportError:
        print("   mixedlm not installed (pip install mixedlm)")
    try:
        import gpboost

        groups = np.column_stack([cand, rater])

        def gp() -> None:
            model = gpboost.GPModel(group_data=groups, likelihood="gaussian")
            model.fit(y=y, X=np.ones((y.size, 1)))

        refs["gpboost 1.8 GPModel (ML)"] = best(gp, args.repeat)
    except ImportError:
        print("   gpboost not installed (pip install gpboost)")
    fastest = min(wall for wall, _ in refs.values()) if refs else float("nan")
    print(f"   {'':34s} {'wall s':>8s} {'CPU s':>8s} {'wall / fastest reference':>25s}")
    for name, (wall, cpu) in {**rows, **refs}.items():
        print(f"   {name:34s} {wall:8.2f} {cpu:8.2f} {wall / fastest:25.2f}")
    print("   target: sim.calibrate <= 3x the fastest reference")

    sheet = wide()
    print(
        f"\n2. {len(sheet):,} ratings across {sheet['competency'].nunique()} competencies "
        f"({sheet['candidate'].nunique():,} candidates, {sheet['interviewer'].nunique()} "
        "interviewers; labels, recommendations, decisions)"
    )
    wall, cpu = best(lambda: sim.calibrate(sheet, scale=(1, 10)), args.repeat)
    print(f"   sim.calibrate: {wall:.2f} s wall, {cpu:.2f} s CPU (target <= 10 s)")


def _one_thread(fn: Callable[..., object], *args: object) -> object:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # as sim.calibrate runs it
        return fn(*args)


if __name__ == "__main__":
    main()
