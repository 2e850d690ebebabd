"""What was said in one simulated debrief: the transcript, as a table and as text.

A consumer of the layers below: it simulates one candidate with the engine,
replays their debrief with :func:`sim.rules.run_debrief` to see every stated
judgment, and writes it down. Every number it shows is in points of the scale.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from .engine import as_seed_sequence, simulate
from .errors import fail
from .model import DECISIONS, NO_HIRE, compile_model
from .rules import DebriefOutcome, DebriefPlan, debrief_plan, run_debrief, with_rule
from .rules.decide import (
    ABOVE,
    BELOW,
    GATE,
    IN_BAND,
    MAJORITY_NO,
    MAJORITY_YES,
    NOT_UNANIMOUS,
    VETOED,
    VOTE_YES,
)
from .spec import Process, Profile, category_index
from .validation import check_type

__all__ = ["debrief_transcript", "transcript_dict", "transcript_text"]


def _points(process: Process, z: Any) -> Any:
    return process.scale.to_points(z)


def _role_phrase(role: str) -> str:
    head = role.split(" (")[0]
    return head[:1].lower() + head[1:] if head[1:2].islower() else head


def _recommendation(process: Process, plan: DebriefPlan, q: int, view: float) -> str:
    return process.scale.recommendations[int(category_index(view, plan.speaker_cuts[q]))]


def _reason_text(process: Process, plan: DebriefPlan, out: DebriefOutcome, stage: int) -> str:
    scale = process.scale
    d = process.debrief
    code = int(out.reason[0])
    score = _points(process, out.score[0])
    name = {
        "median": "median judgment",
        "trimmed_mean": "trimmed mean",
        "discretion": "hiring manager's reading of the aggregate",
    }.get(plan.rule, "aggregate")
    if code == GATE:
        rnd = process.rounds[stage]
        return f"left at the {rnd.title.lower()} gate (needs a mean of {rnd.gate:g})"
    if code == ABOVE:
        return f"{name} {score:.2f} is at or above the hire line {d.threshold + d.hold_band:g}"
    if code == BELOW:
        line = d.threshold - d.hold_band
        word = "at or below" if d.hold_band > 0 else "below"
        return f"{name} {score:.2f} is {word} the line {line:g}"
    if code == IN_BAND:
        return (
            f"{name} {score:.2f} is within {d.hold_band:g} of the threshold {d.threshold:g}: "
            "more information needed"
        )
    if code in (VETOED, NOT_UNANIMOUS):
        q = int(out.blocker[0])
        person = process.interviewer(plan.speakers[q])
        said = _recommendation(process, plan, q, float(out.spoken_view[0, q]))
        if code == VETOED:
            return f"blocked by the {_role_phrase(person.role)}'s veto ({person.name}: {said})"
        return f"blocked: no consensus ({person.name} said {said})"
    if code in (MAJORITY_YES, MAJORITY_NO):
        yes = int(out.spoken_yes[0].sum())
        verb = "a majority" if code == MAJORITY_YES else "no majority"
        return f"{verb} for hire: {yes} of {plan.n_speakers} recommended hire"
    assert out.votes is not None
    yes = int(out.votes[0].sum())
    text = f"vote {yes}-{plan.n_speakers - yes} {'for' if code == VOTE_YES else 'against'} hire"
    if out.cascade_after is not None and out.cascade_after[0] >= 0:
        k = int(out.cascade_after[0])
        direction = "Hire" if out.votes[0, out.order[0, k - 1]] else "No Hire"
        text += f"; a cascade for {direction} began after vote {k}"
    del scale
    return text


def debrief_transcript(
    process: Process,
    profile: Profile,
    rng: int | np.random.SeedSequence | np.random.Generator | None = None,
    rule: str | None = None,
) -> pd.DataFrame:
    """What was said in one simulated debrief of ``profile``, in speaking order.

    Parameters
    ----------
    process : Process
    profile : Profile
    rng : int, SeedSequence, Generator or None
        Seed of the one simulated candidate.
    rule : str, optional
        Decide under this rule instead of the process's (see :func:`sim.rules.with_rule`).

    Returns
    -------
    DataFrame
        One row per stated judgment: ``position`` (speaking turn, from 1),
        ``speaker``, ``role``, ``round``, ``competency`` (title), ``weight``
        (share of the aggregate), ``written`` and ``spoken`` (points; on the
        scale unless the committee counts latent scores), ``score`` (the
        written score of the spoken judgment), ``counted`` (what the committee
        counts: the spoken score, or its label's value under ``aggregate:
        labels``), ``term`` (``weight * counted``: the terms sum to the
        aggregate), ``label`` (the speaker's verbal judgment) and ``sentence``
        ("Strategic alignment: strong"). Empty when the candidate left at a gate. ``frame.attrs``
        holds the rest: ``speakers`` (per speaker: written and spoken views and
        recommendations, vote), ``aggregate``, ``score``, ``threshold``,
        ``decision``, ``reason`` and the settings. Render with
        :func:`transcript_text` or :func:`transcript_dict`.

    Examples
    --------
    >>> import sim
    >>> amex = sim.load_process("amex_ai_pm_2026")
    >>> profile = sim.load_profiles("amex_ai_pm_2026")["impact_framer"]
    >>> frame = debrief_transcript(amex, profile, rng=3)
    >>> frame["sentence"].iloc[0], frame.attrs["decision"]
    ('Motivation: strong', 'Hire')
    """
    check_type("process", process, Process, "see sim.load_process")
    check_type("profile", profile, Profile, "see sim.load_profiles")
    note = ""
    if rule is not None and rule != process.debrief.rule:
        variant, note = with_rule(process, rule)
        if variant is None:
            raise fail("rule", note, rule)
        process = variant
    seed = rng if isinstance(rng, int) else None
    root = as_seed_sequence(rng)
    result = simulate(process, profile, n=1, rng=root, keep="all")
    plan = debrief_plan(process)
    stage = int(result.stage[0])
    assert result.perceived is not None and result.debrief_draws is not None
    out = run_debrief(plan, np.nan_to_num(result.perceived), result.debrief_draws)
    reached = stage == len(process.rounds)
    if not reached:
        out = replace(
            out,
            decision=np.array([NO_HIRE], dtype=np.int8),
            reason=np.array([GATE], dtype=np.int8),
        )
    rows, speakers = [], []
    for position, q in enumerate(out.order[0] if reached else (), start=1):
        rows += _sentences(process, plan, out, int(q), position)
        speakers.append(_speaker(process, plan, out, int(q), position))
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    frame.attrs = _attrs(process, profile, seed, note, plan, out, stage, speakers)
    return frame


def _attrs(process, profile, seed, note, plan, out, stage, speakers) -> dict[str, Any]:
    """The transcript's settings and outcome (``frame.attrs``)."""
    reached = stage == len(process.rounds)
    return {
        **_settings(process, profile, seed, note),
        "stage": "debrief" if reached else process.rounds[stage].name,
        "speakers": speakers,
        "aggregate": float(_points(process, out.aggregate[0])) if reached else math.nan,
        "score": float(_points(process, out.score[0])) if reached else math.nan,
        "decision": DECISIONS[int(out.decision[0])],
        "reason": _reason_text(process, plan, out, stage),
        "cascade_after": None
        if out.cascade_after is None or not reached or out.cascade_after[0] < 0
        else int(out.cascade_after[0]),
    }


_COLUMNS = [
    "position", "speaker", "role", "round", "competency", "weight",
    "written", "spoken", "score", "counted", "term", "label", "sentence",
]  # fmt: skip


def _sentences(
    process: Process, plan: DebriefPlan, out: DebriefOutcome, q: int, position: int
) -> list[dict[str, Any]]:
    """The one-sentence judgments of speaker ``q`` (one row per rating they gave)."""
    m, scale = compile_model(process), process.scale
    person = process.interviewer(plan.speakers[q])
    rows = []
    for j in np.flatnonzero(plan.slot_speaker == q):
        spoken = float(_points(process, out.spoken[0, j]))
        label = scale.labels[int(category_index(out.spoken[0, j], m.label_cuts[j]))]
        title = process.competencies[m.slot_competency[j]].title
        weight = float(plan.aggregate_weights[j])
        counted = float(_points(process, out.counted[0, j]))
        rows.append(
            {
                "position": position,
                "speaker": person.name,
                "role": person.role,
                "round": process.rounds[m.slot_round[j]].title,
                "competency": title,
                "weight": weight,
                "written": float(_points(process, out.written[0, j])),
                "spoken": spoken,
                "score": scale.written(spoken),
                "counted": counted,
                "term": weight * counted,
                "label": label,
                "sentence": f"{title}: {label}",
            }
        )
    return rows


def _speaker(
    process: Process, plan: DebriefPlan, out: DebriefOutcome, q: int, position: int
) -> dict[str, Any]:
    """Speaker ``q``'s overall view and recommendation, written and spoken, and their vote."""
    person = process.interviewer(plan.speakers[q])
    written_view, spoken_view = float(out.written_view[0, q]), float(out.spoken_view[0, q])
    return {
        "position": position,
        "speaker": person.name,
        "role": person.role,
        "seniority": person.seniority,
        "written_view": float(_points(process, written_view)),
        "spoken_view": float(_points(process, spoken_view)),
        "written_recommendation": _recommendation(process, plan, q, written_view),
        "spoken_recommendation": _recommendation(process, plan, q, spoken_view),
        "vote": None if out.votes is None else ("Hire" if out.votes[0, q] else "No Hire"),
    }


def _settings(process: Process, profile: Profile, seed: int | None, note: str) -> dict[str, Any]:
    """The debrief's settings, as the transcript's header shows them."""
    d = process.debrief
    return {
        "process": process.name,
        "title": process.title,
        "profile": profile.name,
        "seed": seed,
        "rule": d.rule,
        "note": note,
        "protocol": d.protocol,
        "speaking_order": d.speaking_order
        if isinstance(d.speaking_order, str)
        else list(d.speaking_order),
        "anchoring": d.anchoring,
        "senior_pull": d.senior_pull,
        "peeking": d.peeking,
        "threshold": d.threshold,
        "hold_band": d.hold_band,
        "aggregate_of": d.aggregate,
        "scale": {"min": process.scale.min, "max": process.scale.max, "step": process.scale.step},
    }


def _check_frame(frame: object) -> pd.DataFrame:
    check_type("frame", frame, pd.DataFrame, "from sim.debrief.debrief_transcript")
    if "speakers" not in frame.attrs or "decision" not in frame.attrs:
        raise fail("frame", "is not a transcript (see sim.debrief.debrief_transcript)")
    return frame


def transcript_dict(frame: pd.DataFrame) -> dict[str, Any]:
    """A transcript as plain data (JSON-ready): settings, ``sentences`` and ``speakers``."""
    data = dict(_check_frame(frame).attrs)
    data["sentences"] = frame.to_dict("records")
    return data


def _number_format(attrs: dict[str, Any]) -> Any:
    """How a score is printed: with the decimals of the scale's step (2 when continuous)."""
    step = float(attrs.get("scale", {}).get("step", 0.0) or 0.0)
    if attrs.get("aggregate_of") == "latent" or step == 0:
        return lambda x: f"{x:5.2f}"
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    return lambda x: f"{x:{3 + decimals + (decimals > 0)}.{decimals}f}"


def transcript_text(frame: pd.DataFrame) -> str:
    """Render a transcript from :func:`debrief_transcript` as plain text."""
    a = _check_frame(frame).attrs
    seed = "" if a["seed"] is None else f", seed {a['seed']}"
    lines = [f"Debrief: {a['title']}", f"Candidate: {a['profile']}{seed}"]
    order = a["speaking_order"]
    order = order if isinstance(order, str) else " > ".join(order)
    rule = a["rule"] + (f" - {a['note']}" if a["note"] else "")
    lines.append(f"Rule: {rule}; threshold {a['threshold']:g}, hold band {a['hold_band']:g}")
    lines.append(
        f"Protocol: {a['protocol']}; speaking order: {order}; anchoring {a['anchoring']:g}; "
        f"senior pull {a['senior_pull']:g}; peeking {a['peeking']:g}"
    )
    if a["stage"] != "debrief":
        lines.append("")
        lines.append(f"No debrief: the candidate left at {a['stage']}.")
        lines.append(f"Decision: {a['decision']} - {a['reason']}")
        return "\n".join(lines)
    width = max(len(s) for s in frame["sentence"]) if len(frame) else 0
    num = _number_format(a)
    labels = a.get("aggregate_of") == "labels"
    for speaker in a["speakers"]:
        lines.append("")
        lines.append(f"{speaker['position']}. {speaker['role']} [{speaker['speaker']}]")
        mine = frame[frame["speaker"] == speaker["speaker"]]
        for row in mine.itertuples():
            counts = f"counts {row.counted:.2f} " if labels else ""
            lines.append(
                f"   {row.sentence:<{width}}  written {num(row.written)}  spoken "
                f"{num(row.spoken)}  {counts}x {row.weight:.4f} = {row.term:.4f}"
            )
        overall = (
            f"   Overall: {speaker['spoken_recommendation']} "
            f"(written {num(speaker['written_view'])} {speaker['written_recommendation']}, "
            f"spoken {num(speaker['spoken_view'])} {speaker['spoken_recommendation']})"
        )
        if speaker["vote"] is not None:
            overall += f"; votes {speaker['vote']}"
        lines.append(overall)
    lines.append("")
    what = {"labels": "weighted label values", "latent": "weighted latent points"}.get(
        a.get("aggregate_of", ""), "weighted written scores"
    )
    lines.append(
        f"Aggregate ({what}, the sum of the terms): {a['aggregate']:.4f} points "
        f"(threshold {a['threshold']:g})"
    )
    if a["rule"] in ("median", "trimmed_mean", "discretion"):
        lines.append(f"Rule's score: {a['score']:.2f} points")
    lines.append(f"Decision: {a['decision']} - {a['reason']}")
    return "\n".join(lines)
