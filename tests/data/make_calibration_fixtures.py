"""Write the calibration fixtures, all simulated by our own engine (nothing here is real data).

    .venv/bin/python tests/data/make_calibration_fixtures.py

* ``tests/data/greenhouse_scorecards.json``: a Greenhouse Harvest ``GET /v1/scorecards``
  list (fields from Greenhouse's public Harvest documentation: id, created_at,
  updated_at, interview, interview_step, candidate_id, application_id,
  interviewed_at, submitted_by, interviewer, submitted_at, overall_recommendation,
  attributes[{name, type, note, rating}], ratings, questions) for a 1-5 process where
  each candidate meets one or two interviewers per round out of a pool.
* ``data/score_sheets/amex_committee_simulated.csv``: the long format, from a variant of
  ``amex_ai_pm_2026`` whose committee *acts* on other weights than it states (dollar
  impact counts double, technical depth hardly) and reads the aggregate with noise, with
  two-person panels in the product and technical rounds. Notebook 07 calibrates it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import yaml

import sim
from sim.calibrate import long_format

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

WORDS = {1: "definitely_not", 2: "no", 3: "mixed", 4: "yes", 5: "strong_yes"}
RECS = {"Strong No": "definitely_not", "No": "no", "Yes": "yes", "Strong Yes": "strong_yes"}
GH_PROCESS = """
name: greenhouse_fixture
scale: {min: 1, max: 5, center: 3.0, points_per_sd: 0.9,
        labels: [weak, fair, strong], label_cuts: [2.5, 3.5],
        recommendations: [Strong No, "No", "Yes", Strong Yes],
        recommendation_cuts: [2.2, 3.0, 3.8]}
competencies: [{name: Communication}, {name: Problem Solving}, {name: Product Judgment},
               {name: Technical Depth}, {name: Collaboration}, {name: Ownership}]
interviewers:
  - {name: Kate Austen, leniency: 0.3, noise_sd: 0.6, halo: 0.3}
  - {name: Jack Shephard, leniency: -0.2, noise_sd: 0.7, halo: 0.2}
  - {name: Sayid Jarrah, leniency: 0.0, noise_sd: 0.5, halo: 0.4}
  - {name: Juliet Burke, leniency: -0.4, noise_sd: 0.6, halo: 0.2}
  - {name: Hugo Reyes, leniency: 0.5, noise_sd: 0.8, halo: 0.5}
  - {name: Ben Linus, leniency: -0.1, noise_sd: 0.7, halo: 0.3}
rounds:
  - {name: Phone Screen, minutes: 30, day: 2, competencies: [Communication, Ownership],
     interviewers: [Kate Austen, Hugo Reyes]}
  - {name: Technical Interview, minutes: 60, day: 9,
     competencies: [Problem Solving, Technical Depth],
     interviewers: [Jack Shephard, Juliet Burke, Ben Linus]}
  - {name: Product Interview, minutes: 45, day: 16,
     competencies: [Product Judgment, Communication, Collaboration],
     interviewers: [Sayid Jarrah, Kate Austen, Juliet Burke]}
debrief: {rule: weighted_mean, threshold: 3.6,
          competency_weights: {Communication: 1, Problem Solving: 1, Product Judgment: 1,
                               Technical Depth: 1, Collaboration: 1, Ownership: 1}}
truth: {weights: {Problem Solving: 1, Product Judgment: 1}, noise_sd: 1.0}
"""


def greenhouse(path: Path, n: int = 70, seed: int = 5) -> None:
    process = sim.io.process_from_dict(yaml.safe_load(GH_PROCESS))
    sheet = long_format(sim.simulate(process, n=n, rng=seed))
    rng = np.random.default_rng(seed)
    seats = sheet[["candidate", "round", "interviewer"]].drop_duplicates()
    # Real schedules: one or two of each round's interviewers meet a candidate.
    keep = rng.random(len(seats)) < np.where(seats["round"] == "Phone Screen", 0.55, 0.5)
    first = ~seats.duplicated(["candidate", "round"])
    seats = seats[keep | (first & (rng.random(len(seats)) < 0.6))]
    people = {name: 4000 + i for i, name in enumerate(process.interviewer_names)}
    cards = []
    for i, (key, group) in enumerate(
        sheet.merge(seats).groupby(["candidate", "round", "interviewer"], sort=True)
    ):
        cand, rnd, who = key
        step = [r.name for r in process.rounds].index(rnd)
        day = 2 + 7 * step
        stamp = f"2026-0{3 + int(cand) % 6}-{1 + day:02d}T15:00:00.000Z"
        first_name, last_name = who.split(" ", 1)
        user = {
            "id": people[who],
            "first_name": first_name,
            "last_name": last_name,
            "name": who,
            "employee_id": f"E{people[who]}",
        }
        attributes = []
        for _, row in group.iterrows():
            word = WORDS[int(row["score"])]
            if rng.random() < 0.03:
                word = "no_decision"
            attributes.append(
                {
                    "name": row["competency"],
                    "type": "Skills",
                    "note": "Clear, structured answers." if rng.random() < 0.2 else None,
                    "rating": word,
                }
            )
        rec = (
            RECS.get(group["recommendation"].iloc[0])
            if group["recommendation"].notna().iloc[0]
            else None
        )
        if rec is None or rng.random() < 0.04:
            rec = "no_decision"
        ratings = {
            w: [a["name"] for a in attributes if a["rating"] == w]
            for w in ("definitely_not", "no", "mixed", "yes", "strong_yes")
        }
        cards.append(
            {
                "id": 90000 + i,
                "updated_at": stamp,
                "created_at": stamp,
                "interview": rnd,
                "interview_step": {"id": 7000 + step, "name": rnd},
                "candidate_id": 120000 + int(cand),
                "application_id": 450000 + int(cand),
                "interviewed_at": stamp,
                "submitted_by": user,
                "interviewer": user,
                "submitted_at": stamp,
                "overall_recommendation": rec,
                "attributes": attributes,
                "ratings": ratings,
                "questions": [
                    {
                        "id": None,
                        "question": "Key Take-Aways",
                        "answer": "Simulated scorecard (hiring-sim engine).",
                    }
                ],
            }
        )
    path.write_text(json.dumps(cards, indent=1) + "\n", encoding="utf-8")


def amex_committee(path: Path, n: int = 700, seed: int = 2026) -> None:
    base = sim.load_process("amex_ai_pm_2026")
    extra = (
        sim.Interviewer(
            name="senior_pm_2",
            role="Senior product manager",
            leniency=0.35,
            noise_sd=0.6,
            halo=0.3,
        ),
        sim.Interviewer(
            name="staff_engineer",
            role="Staff ML engineer",
            leniency=-0.45,
            noise_sd=0.8,
            halo=0.2,
            framing_sensitivity=0.5,
            label_cuts=(5.2, 7.1, 8.8),
        ),
    )
    rounds = tuple(
        replace(r, interviewers=(*r.interviewers, "senior_pm_2"))
        if r.name == "product_sense"
        else replace(r, interviewers=(*r.interviewers, "staff_engineer"))
        if r.name == "technical_depth"
        else r
        for r in base.rounds
    )
    acted = {
        **base.debrief.competency_weights,
        "dollar_impact": 6.0,
        "technical_depth": 0.1,
        "culture_fit": 2.5,
    }
    debrief = replace(
        base.debrief,
        rule="discretion",
        manager_noise=0.35,
        hiring_manager="hiring_manager",
        competency_weights=acted,
    )
    truth = replace(
        base,
        name="amex_committee_as_it_acts",
        interviewers=(*base.interviewers, *extra),
        rounds=rounds,
        debrief=debrief,
    )
    sheet = long_format(sim.simulate(truth, n=n, rng=seed))
    sheet.to_csv(path, index=False)


if __name__ == "__main__":
    greenhouse(HERE / "greenhouse_scorecards.json")
    amex_committee(ROOT / "data" / "score_sheets" / "amex_committee_simulated.csv")
