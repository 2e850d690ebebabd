"""Calibrate from your own score sheets: estimate how *your* committee rates and decides.

:func:`calibrate` reads a long-format CSV / Parquet score sheet or a Greenhouse
Harvest scorecards export (:mod:`sim.calibrate.io` documents both), estimates
per competency the crossed candidate x interviewer variance components by REML
(:mod:`.variance`), each interviewer's leniency, halo and occasion noise
(:mod:`.raters`), their own cut points (:mod:`.cutpoints`) and the weights the
committee's decisions reveal (:mod:`.weights`), and returns a
:class:`CalibrationResult` whose :meth:`~CalibrationResult.to_process` is a
process every command, notebook and explorer loads (:mod:`.fitted_yaml`).

``import sim`` does not import this package; ``sim.calibrate`` loads it on first use,
and the package itself is callable: ``sim.calibrate(scores, ...)`` is
``sim.calibrate.calibrate(scores, ...)``.
"""

import sys as _sys
import types as _types

from .fit import calibrate
from .io import ScoreSheet, long_format, read_scores, score_sheet
from .result import CalibrationResult

__all__ = [
    "CalibrationResult",
    "ScoreSheet",
    "calibrate",
    "long_format",
    "read_scores",
    "score_sheet",
]


class _CallablePackage(_types.ModuleType):
    """``sim.calibrate(...)`` calls :func:`calibrate` (the package is also a namespace)."""

    def __call__(self, *args, **kwargs):
        return calibrate(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallablePackage
