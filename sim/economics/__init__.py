"""Speed against judgment: the requisition end to end, its costs, its value, and ICE.

A longer process informs the committee and loses candidates. :func:`requisitions`
simulates one opening at a time: applicants arrive, wait between the rounds of the
process's schedule (``Round.day``, ``debrief.day``), may withdraw while they wait,
meet the committee (:func:`sim.simulate` decides, as everywhere else), get an offer
made from the offer policy, accept it or not; a decline goes to the next approved
candidate; the requisition closes on the first acceptance or at its deadline.

The parameters live in data (``data/economics/<process>.yaml``, :func:`load_economics`);
:mod:`sim.economics.value` holds the analytic cross-checks (Brogden-Cronbach-Gleser
with Murphy's offer-rejection correction) and :mod:`sim.economics.ice` ranks process
changes by Impact, Complexity and Execution risk.
"""

from __future__ import annotations

from ..engine import RandomLike
from ..errors import fail
from ..spec import Process
from .io import economics_from_dict, load_economics
from .requisition import BLOCK, OUTCOMES, run_blocks
from .result import RequisitionResult, reference_offer
from .spec import (
    Acceptance,
    Applicants,
    Arrivals,
    Costs,
    Economics,
    OfferPart,
    OfferPolicy,
    Schedule,
    Value,
    Withdrawal,
)

__all__ = [
    "BLOCK",
    "OUTCOMES",
    "Acceptance",
    "Applicants",
    "Arrivals",
    "Costs",
    "Economics",
    "OfferPart",
    "OfferPolicy",
    "RequisitionResult",
    "Schedule",
    "Value",
    "Withdrawal",
    "economics_from_dict",
    "load_economics",
    "reference_offer",
    "requisitions",
]


def requisitions(
    process: Process,
    economics: Economics | None = None,
    *,
    n: int = 1000,
    rng: RandomLike = None,
    chunk_size: int = 4 * BLOCK,
    workers: int = 1,
) -> RequisitionResult:
    """Simulate ``n`` requisitions of ``process``, each one opening filled or not.

    Parameters
    ----------
    process : Process
    economics : Economics, optional
        Arrivals, withdrawal, acceptance, offer policy, costs and value; default
        the process's preset (:func:`load_economics`).
    n : int
        Requisitions.
    rng : int, SeedSequence, Generator or None
        The one source of randomness.
    chunk_size : int
        Requisitions per task (whole blocks of :data:`BLOCK`); does not change the result.
    workers : int
        Threads; does not change the result.

    Returns
    -------
    RequisitionResult

    Raises
    ------
    SpecError
        When ``economics`` does not fit ``process`` (see :meth:`Economics.check`).

    Examples
    --------
    >>> import sim
    >>> amex = sim.load_process("amex_ai_pm_2026")
    >>> a = sim.requisitions(amex, n=600, rng=1)
    >>> b = sim.requisitions(amex, n=600, rng=1, chunk_size=1, workers=2)
    >>> a.summary() == b.summary()
    True
    >>> sorted(a.applicants().outcome.unique())
    ['closed', 'declined', 'hired', 'rejected', 'withdrew']
    """
    if not isinstance(process, Process):
        raise fail("process", "must be a Process (see sim.load_process)", type(process).__name__)
    if economics is None:
        economics = load_economics(process)
    elif not isinstance(economics, Economics):
        raise fail(
            "economics", "must be an Economics (see load_economics)", type(economics).__name__
        )
    economics.check(process)
    flows = run_blocks(process, economics, n, rng, chunk_size=chunk_size, workers=workers)
    return RequisitionResult(process=process, economics=economics, flows=tuple(flows))
