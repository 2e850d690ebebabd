"""Score sheets in: the long CSV / Parquet format and Greenhouse Harvest scorecards.

The long format has one row per rating:

==================  ========  ====================================================
column              required  meaning
==================  ========  ====================================================
``candidate``       yes       candidate id (any text)
``interviewer``     yes       interviewer id (any text)
``competency``      yes       what was rated
``score``           yes       the written score; blank, ``NA`` or ``no decision``
                              is a missing rating (dropped and counted), not zero
``round``           no        interview round (a seat is candidate x interviewer x
                              round)
``label``           no        the interviewer's verbal judgment of this rating
``recommendation``  no        their overall recommendation (same on every row of
                              the seat)
``decision``        no        ``hire`` / ``no_hire`` / ``hold``, one per candidate
``date``            no        when (kept, not used)
==================  ========  ====================================================

Greenhouse's ``GET /v1/scorecards`` list maps to it: ``candidate_id`` ->
candidate, ``interviewer`` (or ``submitted_by``) ``name`` -> interviewer,
``interview`` (or ``interview_step.name``) -> round, ``interviewed_at`` -> date,
each attribute's ``name`` -> competency and its ``rating`` word -> a score on
1-5 (``definitely_not`` 1, ``no`` 2, ``mixed`` 3, ``yes`` 4, ``strong_yes`` 5;
``no_decision`` is missing), ``overall_recommendation`` -> recommendation
(Strong No / No / Yes / Strong Yes; ``mixed`` and ``no_decision`` are missing).

Every refusal is a :class:`sim.SpecError` with one issue naming the file, the
row (CSV: the line in the file; Parquet: the row, from 1) or JSON path, the
column and the value.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Issue, SpecError
from ..spec import Process

__all__ = [
    "DECISION_CODES",
    "GREENHOUSE_RATINGS",
    "GREENHOUSE_RECOMMENDATIONS",
    "ScoreSheet",
    "long_format",
    "read_scores",
    "score_sheet",
]

REQUIRED = ("candidate", "interviewer", "competency", "score")
OPTIONAL = ("round", "label", "recommendation", "decision", "date")
#: Decision words (normalised: lower case, spaces and dashes as ``_``) to codes.
DECISION_CODES: dict[str, int] = {"no_hire": 0, "nohire": 0, "hire": 1, "hold": 2}
#: Greenhouse attribute ratings to scores on 1-5 (``no_decision`` is missing).
GREENHOUSE_RATINGS: dict[str, float] = {
    "definitely_not": 1.0,
    "no": 2.0,
    "mixed": 3.0,
    "yes": 4.0,
    "strong_yes": 5.0,
}
#: Greenhouse overall recommendations to the process's recommendation names.
GREENHOUSE_RECOMMENDATIONS: dict[str, str] = {
    "definitely_not": "Strong No",
    "no": "No",
    "yes": "Yes",
    "strong_yes": "Strong Yes",
}
_MISSING_WORDS = {"", "na", "n/a", "nan", "none", "null", "-", "no_decision", "nodecision"}
_FORMATS = ("csv", "parquet", "greenhouse")


def _norm(word: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(word).strip().lower())


@dataclass(frozen=True, eq=False)
class ScoreSheet:
    """Validated ratings, ready to calibrate.

    Attributes
    ----------
    ratings : DataFrame
        One row per non-missing rating: ``candidate``, ``interviewer``,
        ``competency``, ``round`` (``""`` when not given), ``score`` (points),
        ``label`` and ``recommendation`` (None when not given).
    decisions : Series
        Decision code per candidate (0 no hire, 1 hire, 2 hold); may be empty.
    source : str
        File name (or ``"<DataFrame>"``).
    scale : tuple of float
        ``(min, max, step)`` of the input scale; ``step`` 0 means continuous.
    labels, recommendations : tuple of str or None
        Ordered verbal labels and recommendations, when the sheet has them.
    n_missing : int
        Ratings given as missing ("no decision", blank), dropped.
    warnings : tuple of str
        Thin data and assumptions, in words.
    """

    ratings: pd.DataFrame
    decisions: pd.Series
    source: str
    scale: tuple[float, float, float]
    labels: tuple[str, ...] | None
    recommendations: tuple[str, ...] | None
    n_missing: int
    warnings: tuple[str, ...]

    @property
    def n_ratings(self) -> int:
        """Number of (non-missing) ratings."""
        return len(self.ratings)


# --------------------------------------------------------------------------- reading
def read_scores(
    path: str | os.PathLike[str],
    format: str | None = None,
    scale: tuple[float, float] | None = None,
    process: Process | None = None,
) -> ScoreSheet:
    """Read and validate a score-sheet file.

    Parameters
    ----------
    path : str or path
        A ``.csv`` or ``.parquet`` file in the long format, or a Greenhouse
        scorecards ``.json`` list.
    format : {"csv", "parquet", "greenhouse"}, optional
        Default: from the file's suffix.
    scale : (float, float), optional
        ``(min, max)`` of the scale; default the process's, else the observed range.
    process : Process, optional
        Supplies the scale, label and recommendation names.

    Raises
    ------
    SpecError
        One issue naming the file, row or JSON path, column and value.
    """
    source = os.fspath(path)
    fmt = format or {
        ".csv": "csv",
        ".parquet": "parquet",
        ".pq": "parquet",
        ".json": "greenhouse",
    }.get(Path(source).suffix.lower())
    if fmt not in _FORMATS:
        raise SpecError(
            [
                Issue(
                    "",
                    f"unknown score-sheet format; use one of {', '.join(_FORMATS)}",
                    format or Path(source).suffix,
                )
            ],
            source=source,
        )
    if not Path(source).is_file():
        raise SpecError([Issue("", "file not found")], source=source)
    try:
        if fmt == "greenhouse":
            frame, rows = _read_greenhouse(source)
            if scale is not None and tuple(scale) != (1.0, 5.0):
                raise SpecError([Issue("--scale", "Greenhouse ratings are on 1-5", list(scale))])
            scale = (1.0, 5.0)
        elif fmt == "csv":
            frame = pd.read_csv(source, dtype=str, keep_default_na=False, skipinitialspace=True)
            rows = [f"row {i + 2}" for i in range(len(frame))]  # line in the file
        else:
            frame = pd.read_parquet(source)
            rows = [f"row {i + 1}" for i in range(len(frame))]
    except SpecError as exc:
        raise exc.with_source(source) from None
    except (OSError, ValueError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SpecError([Issue("", f"cannot read as {fmt}: {message}")], source=source) from None
    return score_sheet(frame, source=source, scale=scale, process=process, rows=rows)


def score_sheet(
    frame: pd.DataFrame,
    *,
    source: str = "<DataFrame>",
    scale: tuple[float, float] | None = None,
    process: Process | None = None,
    rows: list[str] | None = None,
) -> ScoreSheet:
    """Validate a long-format table (see the module docstring) into a :class:`ScoreSheet`."""
    try:
        sheet = _validate(
            frame, scale, process, rows or [f"row {i + 1}" for i in range(len(frame))]
        )
    except SpecError as exc:
        raise exc.with_source(source) from None
    return replace(sheet, source=source)


def _fail(row: str, column: str, message: str, value: Any = None) -> SpecError:
    where = f"{row}, column {column!r}" if row else f"column {column!r}"
    if value is None:
        return SpecError([Issue(where, message)])
    return SpecError([Issue(where, message, value)])


def _validate(
    frame: pd.DataFrame,
    scale: tuple[float, float] | None,
    process: Process | None,
    rows: list[str],
) -> ScoreSheet:
    header = "row 1" if rows and rows[0] == "row 2" else ""
    columns = [str(c).strip() for c in frame.columns]
    for column in columns:
        if column not in REQUIRED + OPTIONAL:
            expected = f"{', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}"
            raise _fail(header, column, f"unknown column; expected {expected}")
    for column in REQUIRED:
        if column not in columns:
            raise _fail(header, column, "is missing (required)")
    frame = frame.set_axis(columns, axis=1)
    if frame.empty:
        raise SpecError([Issue("", "holds no ratings")])
    rows_a = np.array(rows, dtype=object)
    text = {c: _text(frame[c]) for c in columns if c not in ("score",)}
    for column in ("candidate", "interviewer", "competency"):
        empty = np.flatnonzero(text[column] == "")
        if empty.size:
            raise _fail(rows[empty[0]], column, "is empty")
    score, missing = _scores(frame["score"], rows)
    low, high, step = _scale(score[~missing], scale, process, rows_a[~missing])
    decisions = _decisions(text.get("decision"), text["candidate"], rows)
    keep = ~missing
    ratings = pd.DataFrame(
        {
            "candidate": text["candidate"][keep],
            "interviewer": text["interviewer"][keep],
            "competency": text["competency"][keep],
            "round": text["round"][keep] if "round" in text else "",
            "score": score[keep],
            "label": _optional(text.get("label"), keep),
            "recommendation": _optional(text.get("recommendation"), keep),
        }
    ).reset_index(drop=True)
    if ratings.empty:
        raise SpecError([Issue("column 'score'", "every rating is missing")])
    kept_rows = rows_a[keep]
    _duplicates(ratings, kept_rows)
    labels = _ordered(ratings, "label", process.scale.labels if process else None, kept_rows)
    recs = _ordered(
        ratings, "recommendation", process.scale.recommendations if process else None, kept_rows
    )
    _seat_recommendations(ratings, kept_rows)
    warnings = _design(ratings, scale is None and process is None, (low, high))
    return ScoreSheet(
        ratings=ratings,
        decisions=decisions,
        source="",
        scale=(low, high, step),
        labels=labels,
        recommendations=recs,
        n_missing=int(missing.sum()),
        warnings=tuple(warnings),
    )


def _text(column: pd.Series) -> np.ndarray:
    """Stripped text of a column; missing values as ""."""
    text = column.astype(object).where(column.notna(), "").astype(str).str.strip()
    return text.to_numpy(dtype=object)


def _norm_all(values: np.ndarray) -> np.ndarray:
    """:func:`_norm` of every value, vectorised."""
    unique, inverse = np.unique(np.asarray(values, dtype=str), return_inverse=True)
    return np.array([_norm(v) for v in unique], dtype=object)[inverse]


def _is_na(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _optional(values: np.ndarray | None, keep: np.ndarray) -> np.ndarray:
    if values is None:
        return np.full(int(keep.sum()), None, dtype=object)
    kept = values[keep]
    return np.where(np.isin(_norm_all(kept), list(_MISSING_WORDS)), None, kept)


def _scores(column: pd.Series, rows: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Scores as floats, and which are missing ("no decision", blank, NA)."""
    raw = column.astype(object).to_numpy()
    na = column.isna().to_numpy()
    missing = na | np.isin(_norm_all(raw), list(_MISSING_WORDS))
    numbers = pd.to_numeric(pd.Series(np.where(missing, "0", raw), dtype=object), errors="coerce")
    score = numbers.to_numpy(dtype=float, copy=True)
    is_bool = (
        np.array([isinstance(v, bool | np.bool_) for v in raw])
        if raw.dtype == object
        else np.zeros(raw.size, bool)
    )
    bad = np.flatnonzero(~missing & (np.isnan(score) | is_bool))
    if bad.size:
        raise _fail(rows[bad[0]], "score", "is not a number", raw[bad[0]])
    bad = np.flatnonzero(~missing & ~np.isfinite(score))
    if bad.size:
        raise _fail(rows[bad[0]], "score", "must be a finite number", raw[bad[0]])
    score[missing] = np.nan
    return score, missing


def _scale(
    score: np.ndarray,
    scale: tuple[float, float] | None,
    process: Process | None,
    rows: np.ndarray,
) -> tuple[float, float, float]:
    """(min, max, step): given, or the process's, or observed; every score on it."""
    if scale is not None:
        low, high = float(scale[0]), float(scale[1])
        if not high > low:
            raise SpecError([Issue("--scale", "MAX must be greater than MIN", list(scale))])
    elif process is not None:
        low, high = process.scale.min, process.scale.max
    else:
        low, high = float(np.min(score, initial=0.0)), float(np.max(score, initial=1.0))
    off = np.flatnonzero((score < low) | (score > high))
    if off.size:
        more = f" ({off.size - 1} more rows too)" if off.size > 1 else ""
        raise _fail(
            rows[off[0]],
            "score",
            f"is off the scale [{low:g}, {high:g}]{more}",
            float(score[off[0]]),
        )
    step = 0.0
    for candidate in (1.0, 0.5):
        if np.allclose(np.rint((score - low) / candidate) * candidate, score - low):
            step = candidate
            break
    return low, high, step


def _decisions(decision: np.ndarray | None, candidate: np.ndarray, rows: list[str]) -> pd.Series:
    """One decision code per candidate; two different decisions are an error."""
    if decision is None:
        return pd.Series(dtype=np.int8)
    keys = _norm_all(decision)
    given = ~np.isin(keys, list(_MISSING_WORDS))
    unknown = np.flatnonzero(given & ~np.isin(keys, list(DECISION_CODES)))
    if unknown.size:
        i = int(unknown[0])
        raise _fail(rows[i], "decision", "must be hire, no_hire or hold", decision[i])
    idx = np.flatnonzero(given)
    frame = pd.DataFrame(
        {"candidate": candidate[idx], "code": [DECISION_CODES[k] for k in keys[idx]], "row": idx}
    )
    first = frame.drop_duplicates("candidate")
    clash = frame.merge(first, on="candidate", suffixes=("", "_first"))
    clash = clash[clash["code"] != clash["code_first"]]
    if not clash.empty:
        i, j = int(clash["row"].iloc[0]), int(clash["row_first"].iloc[0])
        raise _fail(
            rows[i],
            "decision",
            f"candidate {candidate[i]!r} already has decision {decision[j]!r} "
            f"({rows[j]}); one decision per candidate",
            decision[i],
        )
    return pd.Series(first["code"].to_numpy(), index=first["candidate"].to_numpy(), dtype=np.int8)


def _duplicates(ratings: pd.DataFrame, rows: np.ndarray) -> None:
    key = ["candidate", "interviewer", "competency", "round"]
    dup = ratings.duplicated(key, keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        first = ratings.index[ratings.duplicated(key, keep="last")][0]
        r = ratings.iloc[i]
        raise _fail(
            rows[i],
            "competency",
            f"{r.interviewer!r} rated {r.candidate!r} on this twice (also {rows[first]})",
            r.competency,
        )


def _ordered(
    ratings: pd.DataFrame, column: str, known: tuple[str, ...] | None, rows: np.ndarray
) -> tuple[str, ...] | None:
    """The ordered names of a verbal column: the process's, or by mean score."""
    values = ratings[column].to_numpy(dtype=object)
    given = ratings[column].notna().to_numpy()
    if not given.any():
        return None
    if column == "recommendation" and known is None:
        known = ("Strong No", "No", "Yes", "Strong Yes")
        if not set(values[given]) <= set(known):
            known = None
    if known is not None:
        bad = np.flatnonzero(given & ~np.isin(values.astype(str), list(known)))
        if bad.size:
            raise _fail(rows[bad[0]], column, f"must be one of {', '.join(known)}", values[bad[0]])
        return tuple(known)
    means = ratings[given].groupby(column)["score"].mean().sort_values()
    return tuple(str(n) for n in means.index)


def _seat_recommendations(ratings: pd.DataFrame, rows: np.ndarray) -> None:
    """A seat (candidate x interviewer x round) gives one overall recommendation."""
    given = ratings[ratings["recommendation"].notna()]
    if given.empty:
        return
    counts = given.groupby(["candidate", "interviewer", "round"])["recommendation"].nunique()
    if (counts > 1).any():
        cand, who, rnd = counts[counts > 1].index[0]
        mine = given[
            (given.candidate == cand) & (given.interviewer == who) & (given["round"] == rnd)
        ]
        i = int(mine.index[1])
        raise _fail(
            rows[i],
            "recommendation",
            f"{who!r} gives {cand!r} two different recommendations in one seat",
            mine["recommendation"].iloc[1],
        )


def _design(ratings: pd.DataFrame, inferred_scale: bool, scale: tuple[float, float]) -> list[str]:
    """Refuse confounded designs; count thin data in warnings."""
    per_candidate = ratings.groupby("candidate")["interviewer"].nunique()
    if (per_candidate <= 1).all():
        raise SpecError(
            [
                Issue(
                    "column 'interviewer'",
                    "every candidate is rated by one interviewer only: interviewer "
                    "leniency and candidate level cannot be separated",
                )
            ]
        )
    per_interviewer = ratings.groupby("interviewer")["candidate"].nunique()
    if (per_interviewer <= 1).all():
        raise SpecError(
            [
                Issue(
                    "column 'candidate'",
                    "every interviewer rated one candidate only: leniency and "
                    "occasion noise cannot be separated",
                )
            ]
        )
    warnings = []
    if inferred_scale:
        warnings.append(
            f"scale not given: taken as the observed range [{scale[0]:g}, "
            f"{scale[1]:g}] (use --scale MIN MAX or --process)"
        )
    one_rating = int((ratings.groupby("interviewer").size() == 1).sum())
    if one_rating:
        warnings.append(
            f"{one_rating} interviewer(s) with one rating only (kept; their "
            "leniency is shrunk to the committee's)"
        )
    once = int((per_candidate == 1).sum())
    if once:
        warnings.append(
            f"{once} candidate(s) seen by one interviewer only (kept; they inform "
            "the candidate variance, not leniency)"
        )
    return warnings


# --------------------------------------------------------------------------- greenhouse
def _read_greenhouse(source: str) -> tuple[pd.DataFrame, list[str]]:
    """Greenhouse scorecards JSON -> long-format rows, each with its JSON path."""
    doc = json.loads(Path(source).read_text(encoding="utf-8"))
    if not isinstance(doc, list):
        raise SpecError(
            [
                Issue(
                    "", "must be the JSON list that GET /v1/scorecards returns", type(doc).__name__
                )
            ]
        )
    records, where = [], []
    for i, card in enumerate(doc):
        path = f"[{i}]"
        if not isinstance(card, Mapping):
            raise SpecError([Issue(path, "must be a scorecard object", card)])
        base = _greenhouse_seat(card, path)
        attributes = card.get("attributes")
        if not isinstance(attributes, list):
            raise SpecError([Issue(f"{path}.attributes", "must be a list", attributes)])
        for j, attr in enumerate(attributes):
            apath = f"{path}.attributes[{j}]"
            if not isinstance(attr, Mapping) or not isinstance(attr.get("name"), str):
                raise SpecError(
                    [
                        Issue(
                            f"{apath}.name",
                            "must be the attribute's name",
                            attr.get("name") if isinstance(attr, Mapping) else attr,
                        )
                    ]
                )
            rating = attr.get("rating")
            key = None if rating is None else _norm(rating)
            if key is not None and key not in GREENHOUSE_RATINGS and key not in _MISSING_WORDS:
                words = ", ".join([*GREENHOUSE_RATINGS, "no_decision"])
                raise SpecError([Issue(f"{apath}.rating", f"must be one of {words}", rating)])
            records.append(
                {
                    **base,
                    "competency": attr["name"].strip(),
                    "score": GREENHOUSE_RATINGS.get(key or ""),
                }
            )
            where.append(apath)
    if not records:
        raise SpecError([Issue("", "holds no rated attributes")])
    return pd.DataFrame.from_records(records), where


def _greenhouse_seat(card: Mapping[str, Any], path: str) -> dict[str, Any]:
    """The seat fields of one scorecard: candidate, interviewer, round, recommendation."""
    cand = card.get("candidate_id")
    if isinstance(cand, bool) or not isinstance(cand, int | str) or str(cand).strip() == "":
        raise SpecError([Issue(f"{path}.candidate_id", "must be the candidate's id", cand)])
    person = card.get("interviewer") or card.get("submitted_by")
    field = "interviewer" if card.get("interviewer") else "submitted_by"
    if not isinstance(person, Mapping) or not (person.get("name") or person.get("id")):
        raise SpecError([Issue(f"{path}.{field}", "must be a user with a name or id", person)])
    interview = card.get("interview")
    if isinstance(interview, Mapping):  # newer exports nest it
        interview = interview.get("name")
    if interview is None and isinstance(card.get("interview_step"), Mapping):
        interview = card["interview_step"].get("name")
    rec = card.get("overall_recommendation")
    key = None if rec is None else _norm(rec)
    allowed = {*GREENHOUSE_RECOMMENDATIONS, "mixed", "no_decision"}
    if key is not None and key not in allowed:
        raise SpecError(
            [
                Issue(
                    f"{path}.overall_recommendation",
                    f"must be one of {', '.join(sorted(allowed))}",
                    rec,
                )
            ]
        )
    return {
        "candidate": str(cand).strip(),
        "interviewer": str(person.get("name") or person.get("id")).strip(),
        "round": "" if interview is None else str(interview).strip(),
        "recommendation": GREENHOUSE_RECOMMENDATIONS.get(key or ""),
        "date": card.get("interviewed_at"),
    }


# --------------------------------------------------------------------------- engine output
def long_format(result: Any) -> pd.DataFrame:
    """A simulated :class:`sim.Result` as a long-format score sheet (one row per rating).

    ``score``, ``label`` come from :meth:`sim.Result.scores`; ``recommendation`` is
    each interviewer's written recommendation (:meth:`sim.Result.recommendations`,
    candidates who reached the debrief); ``decision`` from
    :meth:`sim.Result.decisions` (``No Hire`` for those who left at a gate).

    Examples
    --------
    >>> import sim
    >>> res = sim.simulate(sim.load_process("amex_ai_pm_2026"), n=3, rng=0)
    >>> print(" ".join(long_format(res).columns))
    candidate round interviewer competency score label recommendation decision
    """
    scores = result.scores()
    frame = scores[["candidate", "round", "interviewer", "competency", "score", "label"]].astype(
        {"round": str, "interviewer": str, "competency": str, "label": str}
    )
    recs = result.recommendations()[["candidate", "interviewer", "written_recommendation"]]
    recs = recs.astype({"interviewer": str, "written_recommendation": str}).rename(
        columns={"written_recommendation": "recommendation"}
    )
    frame = frame.merge(recs, on=["candidate", "interviewer"], how="left")
    decisions = result.decisions()[["candidate", "decision"]].astype({"decision": str})
    words = {"Hire": "hire", "No Hire": "no_hire", "Hold": "hold"}
    decisions["decision"] = decisions["decision"].map(words)
    return frame.merge(decisions, on="candidate", how="left")
