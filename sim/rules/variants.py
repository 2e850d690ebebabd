"""A process's debrief switched to another rule, for comparing rules on the same ratings."""

from __future__ import annotations

from dataclasses import replace

from ..errors import fail
from ..spec import RULES, Process
from ..validation import check_type

__all__ = ["default_manager", "with_rule"]


def default_manager(process: Process) -> str | None:
    """The hiring manager: named in the debrief, else an interviewer called or titled so."""
    if process.debrief.hiring_manager is not None:
        return process.debrief.hiring_manager
    for person in process.interviewers:
        if person.name == "hiring_manager" or "hiring manager" in person.role.lower():
            return person.name
    return None


def with_rule(process: Process, rule: str) -> tuple[Process | None, str]:
    """``process`` with its debrief switched to ``rule`` alone, and a note on what was assumed.

    Other rules drop the process's veto holders, so each rule is seen on its
    own. Rule ``veto`` keeps the process's holders, or gives the veto to the
    hiring manager when the process names none (``None`` when there is no one
    to hold it).

    Examples
    --------
    >>> import sim
    >>> variant, note = with_rule(sim.load_process("amex_ai_pm_2026"), "veto")
    >>> variant.debrief.veto, note
    (('hiring_manager',), 'veto held by hiring_manager (the process names no veto holder)')
    """
    check_type("process", process, Process, "see sim.load_process")
    if rule not in RULES:
        raise fail("rule", f"must be one of {', '.join(RULES)}", rule)
    d = process.debrief
    notes = []
    veto: tuple[str, ...] = ()
    if rule == "veto":
        veto = d.veto
        if not veto:
            manager = default_manager(process)
            if manager is None:
                return None, "no veto holder and no hiring manager in the process"
            veto = (manager,)
            notes.append(f"veto held by {manager} (the process names no veto holder)")
    elif d.veto and rule != "consensus":
        notes.append(f"veto of {', '.join(d.veto)} not applied")
    if rule == "discretion":
        notes.append(
            f"manager reads the aggregate with noise SD {d.manager_noise:g} and bias "
            f"{d.manager_bias:+g} points"
            + (f", own view weighted {d.manager_self_weight:g}" if d.manager_self_weight else "")
        )
    if rule == "trimmed_mean":
        notes.append(f"{d.trim:.0%} of the weight trimmed from each tail")
    if rule == "public_vote":
        if d.protocol == "written_first":
            notes.append("written votes first: independent, no cascade")
        else:
            notes.append(f"votes aloud in speaking order ({d.tie_rule} on ties)")
    variant = replace(process, debrief=replace(d, rule=rule, veto=veto))
    return variant, "; ".join(notes)
