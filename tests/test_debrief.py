"""The debrief room: rules, dynamics, votes, closed forms, transcripts, common random numbers."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest
from helpers import assert_binomial, latent
from scipy import stats

import sim
from sim.debrief import (
    REASONS,
    compare_rules,
    debrief_plan,
    debrief_transcript,
    effective_aggregate_weights,
    random_orders,
    redecide,
    run_debrief,
    sequential_votes,
    transcript_dict,
    transcript_text,
    weighted_median,
    weighted_trimmed_mean,
    with_rule,
)
from sim.model import compile_model
from sim.theory import cascade_probabilities, condorcet_majority

# This module is about the latent Gaussian model (issue 10: presets aggregate what is written).
pytestmark = pytest.mark.usefixtures("latent_presets")


@pytest.fixture(scope="session")
def amex() -> sim.Process:
    return latent(sim.io.load_process("amex_ai_pm_2026"))


@pytest.fixture(scope="session")
def amazon() -> sim.Process:
    return latent(sim.io.load_process("amazon_style_loop"))


def with_debrief(process: sim.Process, **changes: object) -> sim.Process:
    return replace(process, debrief=replace(process.debrief, **changes))


@pytest.fixture(scope="module")
def google() -> sim.Process:
    return latent(sim.load_process("google_style_committee"))


@pytest.fixture(scope="module")
def amex_pool(amex: sim.Process) -> sim.Result:
    """One AmEx pool, re-decided under many debriefs (common random numbers)."""
    return sim.simulate(amex, n=20_000, rng=2024)


# --------------------------------------------------------------------------- stylised panels
def panel(n_voters: int, *, rule: str, threshold: float = 5.5, **debrief: object) -> sim.Process:
    """One competency rated by ``n_voters`` independent interviewers (no halo, no leniency).

    Each interviewer rates the same 15 minutes of evidence with noise SD 1 (z), so
    for a candidate at level ``theta`` (z) each says "yes" (score >= 5.5 = centre)
    independently with probability ``Phi(theta)``.
    """
    names = tuple(f"member_{i}" for i in range(n_voters))
    return sim.Process(
        name="panel",
        competencies=(sim.Competency("skill"),),
        interviewers=tuple(
            sim.Interviewer(n, noise_sd=1.0, seniority=i) for i, n in enumerate(names)
        ),
        rounds=tuple(
            sim.Round(f"round_{i}", minutes=15, day=1, competencies=("skill",), interviewers=(n,))
            for i, n in enumerate(names)
        ),
        debrief=sim.Debrief(
            threshold=threshold, competency_weights={"skill": 1.0}, rule=rule, **debrief
        ),
        pool=sim.Pool(("skill",), (0.0,), (1.0,), ((1.0,),), framing_sd=0.0),
        truth=sim.Truth(weights={"skill": 1.0}, noise_sd=1.0),
    )


def profile_with_accuracy(p: float) -> sim.Profile:
    """A candidate whom each panel member independently recommends with probability ``p``."""
    return sim.Profile("candidate", {"skill": 5.5 + 1.5 * float(stats.norm.ppf(p))})


CONDORCET_CASES = [(n, p) for n in (3, 5, 7) for p in (0.55, 0.7, 0.85)]


@pytest.mark.parametrize(("seed", "case"), list(enumerate(CONDORCET_CASES)))
def test_majority_of_independent_voters_matches_condorcet(seed: int, case: tuple) -> None:
    n_voters, p = case
    n = 20_000
    result = sim.simulate(
        panel(n_voters, rule="majority"), profile_with_accuracy(p), n=n, rng=seed
    )
    exact = condorcet_majority(p, n_voters)
    rate = result.hired.mean()
    se = math.sqrt(exact * (1 - exact) / n)
    assert abs(rate - exact) < 5 * se, f"n={n_voters}, p={p}: {rate:.4f} vs {exact:.4f}"


@pytest.mark.parametrize("seed", range(5))
def test_consensus_and_veto_of_independent_voters(seed: int) -> None:
    """Consensus hires iff everyone says yes (p^n); one veto holder blocks with 1 - p."""
    p, n = 0.8, 20_000
    # The scale's bottom: the aggregate (mean 0.84, SD 0.45 in z) clears it with certainty
    # (over 8 SDs), so only the votes matter.
    low_bar = {"threshold": 1.0}
    candidate = profile_with_accuracy(p)
    consensus = sim.simulate(panel(5, rule="consensus", **low_bar), candidate, n=n, rng=seed)
    assert_binomial(int(consensus.hired.sum()), n, p**5)
    veto = panel(5, rule="veto", veto=("member_2",), **low_bar)
    assert_binomial(int(sim.simulate(veto, candidate, n=n, rng=seed).hired.sum()), n, p)


# --------------------------------------------------------------------------- cascades
CASCADE_CASES = [(p, tie) for p in (0.6, 0.7, 0.85) for tie in ("coin", "own_signal")]


@pytest.mark.parametrize(("seed", "case"), list(enumerate(CASCADE_CASES)))
def test_sequential_votes_reproduce_bhw_cascade_probabilities(seed: int, case: tuple) -> None:
    p, tie_rule = case
    n, q = 40_000, 10
    rng = np.random.default_rng(seed)
    signals = rng.random((n, q)) < p  # True = the correct action
    coins = rng.random((n, q)) < 0.5
    votes = sequential_votes(signals, coins, tie_rule)
    for m in (2, 4, 6, 10):
        exact = cascade_probabilities(p, m, tie_rule=tie_rule)
        started = (votes.cascade_after >= 0) & (votes.cascade_after <= m)
        for observed, expected in (
            (started & votes.cascade_hire, exact.correct_cascade),
            (started & ~votes.cascade_hire, exact.incorrect_cascade),
            (~started, exact.no_cascade),
        ):
            assert_binomial(int(observed.sum()), n, float(expected))


@pytest.mark.parametrize("seed", range(3))
def test_public_vote_in_the_debrief_reproduces_bhw(seed: int) -> None:
    """Through the engine: written recommendations are the private signals (accuracy p)."""
    p, n, members = 0.7, 30_000, 7
    process = panel(members, rule="public_vote", speaking_order="random")
    result = sim.simulate(process, profile_with_accuracy(p), n=n, rng=seed)
    out = run_debrief(process, result.perceived, result.debrief_draws)
    assert out.votes is not None and out.cascade_after is not None
    # Cascades only start after an even number of votes, and everyone later follows.
    assert set(np.unique(out.cascade_after)) <= {-1, 2, 4, 6}
    for m in (2, 4, 6):
        exact = cascade_probabilities(p, m)
        started = (out.cascade_after >= 0) & (out.cascade_after <= m)
        hire_side = np.take_along_axis(out.votes, out.order, axis=1)[:, -1]
        assert_binomial(int((started & hire_side).sum()), n, float(exact.correct_cascade))
        assert_binomial(int((started & ~hire_side).sum()), n, float(exact.incorrect_cascade))


def test_written_votes_avoid_cascades() -> None:
    """With written votes first, the public vote is the independent majority (Condorcet)."""
    p, n = 0.7, 40_000
    spoken = panel(5, rule="public_vote")
    written = with_debrief(spoken, protocol="written_first")
    majority = with_debrief(spoken, rule="majority")
    base = sim.simulate(spoken, profile_with_accuracy(p), n=n, rng=5)
    votes_written = redecide(base, written)
    np.testing.assert_array_equal(votes_written.decision, redecide(base, majority).decision)
    assert_binomial(int(votes_written.hired.sum()), n, condorcet_majority(p, 5))
    # Aloud, cascades make the committee no more accurate than its first two votes allow.
    aloud = base.hired.mean()
    assert aloud < votes_written.hired.mean()


def test_sequential_votes_examples() -> None:
    follow = sequential_votes(np.array([[True, True, False, False, False]]), tie_rule="own_signal")
    assert follow.votes.tolist() == [[True, True, True, True, True]]
    assert follow.cascade_after.tolist() == [2] and follow.cascade_hire.tolist() == [True]
    balanced = sequential_votes(np.array([[True, False, False, True]]), tie_rule="own_signal")
    assert balanced.votes.tolist() == [[True, False, False, True]]
    assert balanced.cascade_after.tolist() == [-1]
    coin = sequential_votes(
        np.array([[True, False], [True, False]]), np.array([[False, True], [False, False]])
    )
    assert coin.votes[:, 1].tolist() == [True, False]  # indifferent: the coin decides
    with pytest.raises(sim.SpecError, match="coins"):
        sequential_votes(np.ones((1, 2), bool))


# --------------------------------------------------------------------------- speaking order
def test_order_matters_only_with_anchoring(amex: sim.Process, amex_pool: sim.Result) -> None:
    speakers = list(debrief_plan(amex).speakers)
    shares = []
    for alpha in (0.0, 0.1, 0.2, 0.5):
        forward = redecide(amex_pool, with_debrief(amex, anchoring=alpha, speaking_order=speakers))
        backward = redecide(
            amex_pool, with_debrief(amex, anchoring=alpha, speaking_order=speakers[::-1])
        )
        shares.append(float((forward.decision != backward.decision).mean()))
    assert shares[0] == 0.0
    assert 0 < shares[1] < shares[2] < shares[3]


def test_alpha_zero_any_order_gives_identical_decisions(
    amex: sim.Process, amex_pool: sim.Result
) -> None:
    reference = redecide(amex_pool, amex)
    for order in ("random", "reverse_seniority", list(debrief_plan(amex).speakers)[::-1]):
        other = redecide(amex_pool, with_debrief(amex, speaking_order=order))
        np.testing.assert_array_equal(other.decision, reference.decision)
        np.testing.assert_array_equal(other.aggregate_z, reference.aggregate_z)


def test_written_first_removes_anchoring(amex: sim.Process, amex_pool: sim.Result) -> None:
    anchored = with_debrief(amex, anchoring=0.6, senior_pull=1.0, speaking_order="random")
    written = with_debrief(anchored, protocol="written_first")
    np.testing.assert_array_equal(
        redecide(amex_pool, written).decision, redecide(amex_pool, amex).decision
    )
    assert (redecide(amex_pool, anchored).decision != amex_pool.decision).any()


def test_anchoring_mechanics_by_hand(amex: sim.Process) -> None:
    """Second speaker moves alpha of the way toward the first speaker's spoken view."""
    alpha = 0.4
    speakers = list(debrief_plan(amex).speakers)
    process = with_debrief(amex, anchoring=alpha, speaking_order=speakers)
    plan = debrief_plan(process)
    perceived = np.random.default_rng(0).standard_normal((50, compile_model(amex).n_slots))
    out = run_debrief(process, perceived)
    first, second = 0, 1
    np.testing.assert_allclose(out.spoken_view[:, first], out.written_view[:, first])
    expected = out.written_view[:, second] + alpha * (
        out.spoken_view[:, first] - out.written_view[:, second]
    )
    np.testing.assert_allclose(out.spoken_view[:, second], expected)
    # Every judgment of a speaker moves by the same amount.
    mine = plan.slot_speaker == second
    moves = out.spoken[:, mine] - out.written[:, mine]
    np.testing.assert_allclose(moves, moves[:, :1].repeat(mine.sum(), axis=1))


def test_senior_pull_weights_the_anchor() -> None:
    process = panel(
        3, rule="weighted_mean", anchoring=0.5, senior_pull=2.0, speaking_order="listed"
    )
    out = run_debrief(process, np.array([[1.0, 2.0, 0.0]]))
    # Seniorities 0, 1, 2 give anchor weights 1, 3, 5.
    second = 2.0 + 0.5 * (1.0 - 2.0)
    third = 0.0 + 0.5 * ((1 * 1.0 + 3 * second) / 4 - 0.0)
    np.testing.assert_allclose(out.spoken[0], [1.0, second, third])


def test_seniority_order(google: sim.Process) -> None:
    plan = debrief_plan(google)
    seniority = plan.seniority[plan.order]
    assert (np.diff(seniority) <= 0).all()
    reverse = debrief_plan(with_debrief(google, speaking_order="reverse_seniority"))
    np.testing.assert_array_equal(reverse.order, plan.order[::-1])


def test_random_orders_are_uniform() -> None:
    normals = np.random.default_rng(3).standard_normal(60_000)
    orders = random_orders(normals, 4)
    assert (np.sort(orders, axis=1) == np.arange(4)).all()
    codes = orders @ (4 ** np.arange(4))
    _, counts = np.unique(codes, return_counts=True)
    assert counts.size == 24
    expected = 60_000 / 24
    assert stats.chisquare(counts, np.full(24, expected)).pvalue > 1e-6


def test_peeking_pulls_scorecards_toward_earlier_ones(
    amex: sim.Process, amex_pool: sim.Result
) -> None:
    process = with_debrief(amex, peeking=0.6)
    reached = amex_pool.reached
    perceived = amex_pool.perceived[reached]
    honest = run_debrief(amex, perceived)
    peeked = run_debrief(process, perceived)
    first_round = compile_model(amex).slot_round == 0
    np.testing.assert_array_equal(peeked.written[:, first_round], perceived[:, first_round])
    assert not np.allclose(peeked.written[:, ~first_round], perceived[:, ~first_round])

    def agreement(views: np.ndarray) -> float:
        corr = np.corrcoef(views.T)
        return float(corr[np.triu_indices_from(corr, 1)].mean())

    assert agreement(peeked.written_view) > agreement(honest.written_view) + 0.1
    # Gates use the interviewers' own scores: the funnel does not change.
    fresh = sim.simulate(process, n=amex_pool.n, rng=2024, keep="decisions")
    np.testing.assert_array_equal(fresh.stage, amex_pool.stage)


# --------------------------------------------------------------------------- veto and hold
def views_by_hand(process: sim.Process, perceived: np.ndarray) -> dict[str, np.ndarray]:
    """Each interviewer's spoken overall view (z), straight from the spec (not the plan).

    The written view is the competency-weighted mean of all the interviewer's
    ratings; in speaking order (seniority, ties as listed) each view moves
    ``anchoring`` of the way toward the pull-weighted mean of the views spoken before.
    """
    d = process.debrief
    assert d.speaking_order == "seniority" and d.peeking == 0
    m = compile_model(process)
    weight = np.array(
        [d.competency_weights.get(process.competency_names[k], 0.0) for k in m.slot_competency]
    )
    rater = np.array([m.seat_interviewer[p] for p in m.slot_seat])
    people = [p for p in process.interviewers if p.name in set(rater)]
    alpha = 0.0 if d.protocol == "written_first" else d.anchoring
    spoken, total, mass = {}, 0.0, 0.0
    for person in sorted(people, key=lambda p: -p.seniority):
        mine = rater == person.name
        view = perceived[:, mine] @ weight[mine] / weight[mine].sum()
        if mass > 0:
            view = view + alpha * (total / mass - view)
        spoken[person.name] = view
        pull = 1.0 + d.senior_pull * person.seniority
        total, mass = total + pull * view, mass + pull
    return spoken


def yes_cut(process: sim.Process, name: str) -> float:
    """The view (z) at which ``name`` starts recommending "yes", from the spec."""
    cuts = process.interviewer(name).recommendation_cuts or process.scale.recommendation_cuts
    return process.scale.to_z(cuts[len(process.scale.recommendations) // 2 - 1])


def test_nobody_the_veto_holder_said_no_to_is_hired(amazon: sim.Process) -> None:
    for anchoring in (0.0, 0.4):
        process = with_debrief(amazon, anchoring=anchoring, rule="veto")
        result = sim.simulate(process, n=30_000, rng=7)
        reached = result.reached
        spoken = views_by_hand(process, result.perceived[reached])
        said_no = spoken["bar_raiser"] < yes_cut(process, "bar_raiser")
        assert said_no.any()
        hired = result.hired[reached]
        assert not hired[said_no].any()
        above = result.aggregate[reached] >= process.debrief.threshold  # no hold band here
        assert (above & said_no).any()  # the veto mattered
        # The holder's "yes" never blocks: then the aggregate alone decides.
        np.testing.assert_array_equal(hired[~said_no], above[~said_no])
        out = run_debrief(process, result.perceived[reached], result.debrief_draws[reached])
        blocked = out.reason == REASONS.index("blocked by a veto")
        np.testing.assert_array_equal(blocked, above & said_no)
        assert (out.blocker[blocked] == debrief_plan(process).speakers.index("bar_raiser")).all()


def test_consensus_any_no_blocks(google: sim.Process) -> None:
    result = sim.simulate(google, n=20_000, rng=8)
    reached = result.reached
    spoken = views_by_hand(google, result.perceived[reached])  # written first: no anchoring
    anyone_no = np.any([spoken[name] < yes_cut(google, name) for name in spoken], axis=0)
    assert anyone_no.any()
    assert (result.decision[reached][anyone_no] == sim.NO_HIRE).all()
    d = google.debrief
    above = result.aggregate[reached] >= d.threshold + d.hold_band
    assert (above & anyone_no).any()  # the block mattered
    np.testing.assert_array_equal(result.hired[reached][~anyone_no], above[~anyone_no])


@pytest.mark.parametrize(
    "rule", ["weighted_mean", "median", "trimmed_mean", "consensus", "veto", "discretion"]
)
def test_hold_appears_only_inside_the_band(
    rule: str, amex: sim.Process, amex_pool: sim.Result
) -> None:
    band = 0.3
    process, _ = with_rule(with_debrief(amex, hold_band=band), rule)
    result = redecide(amex_pool, process)
    held = result.decision == sim.HOLD
    assert held.any()
    margin = np.abs(result.score[held] - amex.debrief.threshold)
    assert (margin < band).all()
    # Inside the band nobody is hired.
    inside = result.reached & (np.abs(result.score - amex.debrief.threshold) < band)
    assert not result.hired[inside].any()
    if rule in ("weighted_mean", "median", "trimmed_mean", "discretion"):
        assert held.sum() == inside.sum()  # no veto: everyone inside the band is held


@pytest.mark.parametrize("rule", ["majority", "public_vote"])
def test_vote_rules_never_hold(rule: str, amex: sim.Process, amex_pool: sim.Result) -> None:
    process, _ = with_rule(with_debrief(amex, hold_band=0.3), rule)
    assert not (redecide(amex_pool, process).decision == sim.HOLD).any()


# --------------------------------------------------------------------------- robust rules
def test_weighted_median_and_trimmed_mean() -> None:
    rng = np.random.default_rng(1)
    values = rng.standard_normal((200, 7))
    weights = rng.random(7)
    mean = values @ weights / weights.sum()
    np.testing.assert_allclose(weighted_trimmed_mean(values, weights, 0.0), mean)
    np.testing.assert_allclose(weighted_median(values, np.ones(7)), np.median(values, axis=1))
    np.testing.assert_allclose(
        weighted_median(values[:, :6], np.ones(6)), np.median(values[:, :6], axis=1)
    )
    np.testing.assert_allclose(
        weighted_trimmed_mean(values, weights, 0.4999999), weighted_median(values, weights)
    )
    # Integer weights are repeated values.
    repeated = np.repeat(values[:, :3], [1, 2, 3], axis=1)
    np.testing.assert_allclose(
        weighted_median(values[:, :3], np.array([1.0, 2.0, 3.0])), np.median(repeated, axis=1)
    )
    # An outlier moves the mean but not the median.
    outlier = values.copy()
    outlier[:, 0] += 100
    np.testing.assert_allclose(
        weighted_median(outlier, np.ones(7))[outlier[:, 0] < 50],
        weighted_median(values, np.ones(7))[outlier[:, 0] < 50],
    )
    with pytest.raises(sim.SpecError, match="trim"):
        weighted_trimmed_mean(values, weights, 0.5)


# --------------------------------------------------------------------------- closed forms
CLOSED_FORM_DEBRIEFS = {
    "anchoring": {"anchoring": 0.4, "senior_pull": 1.0},
    "peeking": {"peeking": 0.5, "anchoring": 0.2},
    "random_order": {"anchoring": 0.5, "speaking_order": "random"},
    "discretion": {"rule": "discretion", "manager_noise": 0.8, "manager_bias": 0.3},
    "discretion_self": {
        "rule": "discretion",
        "hiring_manager": "hiring_manager",
        "manager_self_weight": 0.5,
        "anchoring": 0.3,
    },
    "consensus_hold": {"rule": "consensus", "hold_band": 0.3},
}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("name", list(CLOSED_FORM_DEBRIEFS))
def test_monte_carlo_matches_closed_form(
    name: str, seed: int, amex: sim.Process, amex_profiles: dict[str, sim.Profile]
) -> None:
    senior = tuple(replace(p, seniority=float(i)) for i, p in enumerate(amex.interviewers))
    process = with_debrief(replace(amex, interviewers=senior), **CLOSED_FORM_DEBRIEFS[name])
    n = 10_000
    profiles = [amex_profiles["impact_framer"], amex_profiles["balanced_strong"]]
    result = sim.simulate(process, profiles, n=n, rng=seed, keep="decisions")
    for i, profile in enumerate(profiles):
        exact = sim.hire_probability(process, profile)
        decisions = result.decision[i * n : (i + 1) * n]
        assert_binomial(int((decisions == sim.HIRE).sum()), n, exact.hire)
        assert_binomial(int((decisions == sim.HOLD).sum()), n, exact.hold)


def test_contributions_include_anchoring(
    amex: sim.Process, amex_profiles: dict[str, sim.Profile]
) -> None:
    process = with_debrief(amex, anchoring=0.5, speaking_order="random", peeking=0.3)
    weights = effective_aggregate_weights(process)
    assert weights.sum() == pytest.approx(1.0)
    assert not np.allclose(weights, compile_model(amex).aggregate_weights)
    profile = amex_profiles["balanced_strong"]
    table = sim.contributions(process, profile)
    exact = sim.hire_probability(process, profile)
    assert table["contribution"].sum() == pytest.approx(
        exact.aggregate_mean - amex.debrief.threshold, abs=1e-9
    )
    # Monte Carlo mean of the spoken aggregate (gates removed) agrees with the closed form.
    no_gate = replace(process, rounds=tuple(replace(r, gate=None) for r in process.rounds))
    agg = sim.simulate(no_gate, profile, n=20_000, rng=1).aggregate
    assert abs(agg.mean() - exact.aggregate_mean) < 5 * agg.std() / math.sqrt(agg.size)


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"rule": "median"}, "debrief.rule"),
        ({"rule": "trimmed_mean"}, "debrief.rule"),
        ({"rule": "majority"}, "debrief.rule"),
        ({"rule": "public_vote"}, "debrief.rule"),
    ],
)
def test_closed_form_refuses_nonlinear_rules(
    changes: dict, path: str, amex: sim.Process, amex_profiles: dict[str, sim.Profile]
) -> None:
    with pytest.raises(sim.SpecError, match=path):
        sim.hire_probability(with_debrief(amex, **changes), amex_profiles["impact_framer"])


def test_closed_form_trimmed_mean_without_trim_is_the_mean(
    amex: sim.Process, amex_profiles: dict[str, sim.Profile]
) -> None:
    profile = amex_profiles["impact_framer"]
    untrimmed = with_debrief(amex, rule="trimmed_mean", trim=0.0)
    assert sim.hire_probability(untrimmed, profile).hire == pytest.approx(
        sim.hire_probability(amex, profile).hire, abs=1e-12
    )


def test_closed_form_refuses_large_random_mixtures() -> None:
    process = panel(7, rule="weighted_mean", anchoring=0.2, speaking_order="random")
    with pytest.raises(sim.SpecError, match=r"debrief\.speaking_order"):
        sim.hire_probability(process, profile_with_accuracy(0.6))


# --------------------------------------------------------------------------- common random numbers
@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"threshold": 6.5},
        {"rule": "median"},
        {"rule": "discretion", "manager_noise": 0.7},
        {"rule": "public_vote", "speaking_order": "random"},
        {"anchoring": 0.3, "speaking_order": "random", "peeking": 0.2},
    ],
)
def test_redecide_equals_a_fresh_simulation(changes: dict, amex: sim.Process) -> None:
    variant = with_debrief(amex, **changes)
    base = sim.simulate(amex, n=5000, rng=11)
    fresh = sim.simulate(variant, n=5000, rng=11)
    again = redecide(base, variant)
    np.testing.assert_array_equal(again.decision, fresh.decision)
    np.testing.assert_allclose(again.aggregate_z, fresh.aggregate_z, equal_nan=True, atol=1e-12)
    np.testing.assert_array_equal(again.performance, base.performance)


def test_redecide_refuses_other_ratings(amex: sim.Process, amex_pool: sim.Result) -> None:
    harsher = tuple(replace(p, leniency=p.leniency - 1) for p in amex.interviewers)
    with pytest.raises(sim.SpecError, match=r"process\.interviewers"):
        redecide(amex_pool, replace(amex, interviewers=harsher))
    with pytest.raises(sim.SpecError, match=r"process\.rounds"):
        longer = (replace(amex.rounds[0], minutes=60), *amex.rounds[1:])
        redecide(amex_pool, replace(amex, rounds=longer))
    lean = sim.simulate(amex, n=100, rng=1, keep="decisions")
    with pytest.raises(ValueError, match="keep='all'"):
        redecide(lean, amex)


def test_compare_rules(amex: sim.Process) -> None:
    table = compare_rules(amex, n=20_000, rng=3)
    assert list(table.metrics.index) == list(sim.spec.RULES)
    d = table.disagreement
    np.testing.assert_array_equal(d.to_numpy(), d.to_numpy().T)
    assert (np.diag(d.to_numpy()) == 0).all()
    base = sim.simulate(amex, n=20_000, rng=3)
    for rule in ("weighted_mean", "majority", "veto"):
        variant, _ = with_rule(amex, rule)
        assert table.metrics.loc[rule, "hire_rate"] == redecide(base, variant).hired.mean()
    # The veto only removes hires: weighted mean and veto disagree exactly on those vetoed.
    gap = table.metrics.loc["weighted_mean", "hire_rate"] - table.metrics.loc["veto", "hire_rate"]
    assert d.loc["weighted_mean", "veto"] == pytest.approx(gap)
    assert math.isnan(table.metrics.loc["majority", "validity"])
    assert "hiring_manager" in table.metrics.loc["veto", "note"]
    assert table.to_dict()["rules"][0]["rule"] == "weighted_mean"


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rule": "coinflip"}, "rule: must be one of"),
        ({"anchoring": 1.5}, "anchoring: must be <= 1"),
        ({"peeking": -0.1}, "peeking: must be >= 0"),
        ({"trim": 0.5}, "trim: must be < 0.5"),
        ({"protocol": "shouting"}, "protocol: must be one of spoken, written_first"),
        ({"speaking_order": "alphabetical"}, "speaking_order: must be one of"),
        ({"tie_rule": "dice"}, "tie_rule"),
        ({"rule": "veto"}, "veto: rule 'veto' needs at least one veto holder"),
        ({"manager_self_weight": 0.5}, "manager_self_weight: needs hiring_manager"),
    ],
)
def test_debrief_fields_are_validated(changes: dict, message: str, amex: sim.Process) -> None:
    with pytest.raises(sim.SpecError, match=message):
        with_debrief(amex, **changes)


def test_cross_checks_of_speakers(amex: sim.Process) -> None:
    speakers = list(debrief_plan(amex).speakers)
    with pytest.raises(sim.SpecError, match=r"debrief.speaking_order: must list every"):
        with_debrief(amex, speaking_order=speakers[:-1])
    with pytest.raises(sim.SpecError, match=r"debrief.speaking_order.ghost: unknown interviewer"):
        with_debrief(amex, speaking_order=[*speakers, "ghost"])
    with pytest.raises(sim.SpecError, match=r"debrief.hiring_manager: unknown interviewer"):
        with_debrief(amex, hiring_manager="ghost")


def test_seniority_validated() -> None:
    with pytest.raises(sim.SpecError, match="seniority: must be >= 0"):
        sim.Interviewer("x", seniority=-1)


# --------------------------------------------------------------------------- presets
def test_google_preset(google: sim.Process) -> None:
    assert (google.scale.min, google.scale.max) == (1.0, 4.0)
    assert google.debrief.rule == "consensus" and google.debrief.protocol == "written_first"
    profiles = sim.load_profiles("google_style_committee", process=google)
    assert len(profiles) == 3
    result = sim.simulate(google, list(profiles.values()), n=4000, rng=0, keep="decisions")
    by_profile = result.decision.reshape(3, -1)
    assert (by_profile == sim.HOLD).any(axis=1).all()
    hire = dict(zip(profiles, (by_profile == sim.HIRE).mean(axis=1), strict=True))
    assert hire["strong_generalist"] > hire["borderline"] > hire["deep_specialist"]
    summary = sim.simulate(google, n=50_000, rng=0, keep="decisions").summary()
    assert 0.35 < summary["validity"] < 0.5  # near structured-interview validity (.42)


# --------------------------------------------------------------------------- transcripts
EXPECTED_TRANSCRIPT = """\
Debrief: Google-style hiring committee (written packets, consensus)
Candidate: borderline, seed 1
Rule: consensus; threshold 3, hold band 0.15
Protocol: spoken; speaking order: seniority; anchoring 0.3; senior pull 0.2; peeking 0

1. Leadership interviewer [interviewer_leadership]
   Leadership: good                 written  3.17  spoken  3.17  x 0.2353 = 0.7452
   Overall: Yes (written  3.17 Yes, spoken  3.17 Yes)

2. Problem-solving interviewer [interviewer_gca]
   General cognitive ability: good  written  3.43  spoken  3.35  x 0.1412 = 0.4732
   Overall: Strong Yes (written  3.43 Strong Yes, spoken  3.35 Strong Yes)

3. Googleyness interviewer [interviewer_googleyness]
   Googleyness: good                written  2.18  spoken  2.50  x 0.2353 = 0.5888
   Overall: Yes (written  2.18 No, spoken  2.50 Yes)

4. Phone screener [phone_screener]
   General cognitive ability: good  written  2.54  spoken  2.64  x 0.0706 = 0.1864
   Role-related knowledge: good     written  2.93  spoken  3.04  x 0.0588 = 0.1786
   Overall: Yes (written  2.67 Yes, spoken  2.77 Yes)

5. Role-knowledge interviewer [interviewer_rrk]
   Role-related knowledge: good     written  3.45  spoken  3.30  x 0.1176 = 0.3885
   General cognitive ability: good  written  3.45  spoken  3.30  x 0.1412 = 0.4659
   Overall: Strong Yes (written  3.45 Strong Yes, spoken  3.30 Strong Yes)

Aggregate (weighted latent points, the sum of the terms): 3.0266 points (threshold 3)
Decision: Hold - aggregate 3.03 is within 0.15 of the threshold 3: more information needed"""


def test_transcript_is_stable(google: sim.Process) -> None:
    """Spoken aloud, the Googleyness interviewer's written No becomes a Yes: Hold, not No Hire."""
    spoken = with_debrief(google, protocol="spoken")
    profile = sim.load_profiles("google_style_committee")["borderline"]
    frame = debrief_transcript(spoken, profile, rng=1)
    assert transcript_text(frame) == EXPECTED_TRANSCRIPT
    # The same candidate on written packets: that No blocks under consensus.
    written = debrief_transcript(google, profile, rng=1)
    assert written.attrs["decision"] == "No Hire"
    assert written.attrs["reason"].startswith("blocked: no consensus (interviewer_googleyness")


def test_transcript_frame(amazon: sim.Process) -> None:
    process = with_debrief(amazon, anchoring=0.3)
    profile = sim.load_profiles("amazon_style_loop")["loved_by_team"]
    frame = debrief_transcript(process, profile, rng=3)
    assert list(frame.columns) == [
        "position", "speaker", "role", "round", "competency", "weight",
        "written", "spoken", "score", "counted", "term", "label", "sentence",
    ]  # fmt: skip
    assert len(frame) == compile_model(amazon).n_slots
    assert frame["position"].is_monotonic_increasing
    assert frame["sentence"].str.fullmatch(r"[A-Z][\w ]+: (weak|mixed|strong|exceptional)").all()
    assert frame["weight"].sum() == pytest.approx(1.0)
    assert frame.attrs["reason"].startswith("blocked by the bar raiser's veto")
    data = transcript_dict(frame)
    assert data["decision"] == "No Hire" and len(data["sentences"]) == len(frame)
    assert [s["position"] for s in data["speakers"]] == list(range(1, 7))
    # The same seed gives the same transcript; the rule can be switched.
    assert transcript_text(debrief_transcript(process, profile, rng=3)) == transcript_text(frame)
    votes = debrief_transcript(process, profile, rng=3, rule="public_vote")
    assert {s["vote"] for s in votes.attrs["speakers"]} <= {"Hire", "No Hire"}
    assert "vote" in votes.attrs["reason"]


def test_transcript_of_a_candidate_who_left_at_the_gate(amex: sim.Process) -> None:
    weak = sim.Profile("weak", default_level=2.0)
    frame = debrief_transcript(amex, weak, rng=0)
    assert frame.empty and frame.attrs["decision"] == "No Hire"
    assert "left at the recruiter screen gate" in frame.attrs["reason"]
    assert "No debrief" in transcript_text(frame)


# --------------------------------------------------------------------------- review fixes
def test_random_order_weights_are_the_average_over_every_fixed_order(amex: sim.Process) -> None:
    """The subset recursion equals the plain average over all 120 fixed speaking orders."""
    senior = tuple(replace(p, seniority=float(i)) for i, p in enumerate(amex.interviewers))
    dynamics = {"anchoring": 0.4, "senior_pull": 1.5, "peeking": 0.3}
    process = with_debrief(replace(amex, interviewers=senior), speaking_order="random", **dynamics)
    speakers = debrief_plan(process).speakers
    average = np.mean(
        [
            effective_aggregate_weights(with_debrief(process, speaking_order=list(order)))
            for order in itertools.permutations(speakers)
        ],
        axis=0,
    )
    np.testing.assert_allclose(effective_aggregate_weights(process), average, rtol=0, atol=1e-15)


def test_many_random_speakers_refuse_the_mixture_before_enumerating() -> None:
    """12 speakers would be 479 million orders: a SpecError, not a MemoryError."""
    process = panel(12, rule="weighted_mean", anchoring=0.3, speaking_order="random")
    with pytest.raises(sim.SpecError, match=r"debrief\.speaking_order: random with anchoring"):
        sim.hire_probability(process, profile_with_accuracy(0.6))


@pytest.mark.parametrize("seed", range(5))
def test_effective_weights_of_many_random_speakers_match_monte_carlo(seed: int) -> None:
    """Ten speakers (3.6 million orders): exact expected aggregate without enumerating orders."""
    process = panel(
        10, rule="weighted_mean", anchoring=0.5, senior_pull=1.0, speaking_order="random"
    )
    # A different true level per member makes the order matter for the expected aggregate.
    perceived_mean = np.linspace(-1.0, 1.0, 10)
    weights = effective_aggregate_weights(process)
    assert weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert (np.diff(weights) > 0).all()  # more senior members pull the others harder
    n = 20_000
    draws = np.random.default_rng(seed).standard_normal((n, 10 + 3))
    out = run_debrief(process, perceived_mean + draws[:, :10], draws[:, 10:])
    se = out.aggregate.std() / math.sqrt(n)
    assert abs(out.aggregate.mean() - perceived_mean @ weights) < 5 * se
    table = sim.contributions(process, sim.Profile("c", {"skill": 6.0}))
    assert table["weight"].sum() == pytest.approx(1.0, abs=1e-12)


def with_ghost_veto(amex: sim.Process) -> sim.Process:
    """AmEx with an interviewer ``ghost`` who rates nothing but is named the veto holder."""
    return replace(
        amex,
        interviewers=(*amex.interviewers, sim.Interviewer("ghost")),
        debrief=replace(amex.debrief, rule="veto", veto=("ghost",)),
    )


def test_a_veto_holder_who_rated_nothing_is_refused(amex: sim.Process) -> None:
    """It used to be dropped silently: the hire rate was the weighted mean's."""
    message = r"debrief\.veto\.ghost: rated nothing, so cannot veto"
    with pytest.raises(sim.SpecError, match=message):
        process = with_ghost_veto(amex)  # the spec's cross-check, or else the debrief plan
        sim.simulate(process, n=100, rng=0)


def with_unweighed_rater(n_voters: int, rule: str, **debrief: object) -> sim.Process:
    """``panel`` plus a ``charmer`` who rates only ``charm``, a competency the debrief weighs 0."""
    late = {key: debrief.pop(key) for key in ("speaking_order", "veto") if key in debrief}
    base = panel(n_voters, rule="weighted_mean", **debrief)
    charmer = sim.Interviewer("charmer", noise_sd=1.0)
    extra = sim.Round(
        "charm_chat", minutes=15, day=1, competencies=("charm",), interviewers=("charmer",)
    )
    return replace(
        base,
        competencies=(*base.competencies, sim.Competency("charm")),
        interviewers=(*base.interviewers, charmer),
        rounds=(*base.rounds, extra),
        debrief=replace(
            base.debrief, rule=rule, competency_weights={"skill": 1.0, "charm": 0.0}, **late
        ),
        pool=sim.Pool(("skill", "charm"), (0.0, 0.0), (1.0, 1.0), ((1.0, 0.0), (0.0, 1.0))),
    )


def test_a_rater_of_unweighed_competencies_neither_votes_nor_vetoes() -> None:
    """Slots: the members' skill ratings, then the charmer's charm (z; the yes cut is 0)."""
    consensus = with_unweighed_rater(3, "consensus")
    out = run_debrief(consensus, np.array([[1.0, 1.0, 1.0, -3.0]]))
    assert not out.written_yes[0, -1]  # the charmer says "no" ...
    assert out.decision.tolist() == [sim.HIRE]  # ... and it does not block
    majority = with_unweighed_rater(2, "majority")
    # One member for, one against: the charmer's "yes" must not break the tie.
    out = run_debrief(majority, np.array([[1.0, -1.0, 3.0]]))
    assert out.written_yes[0].tolist() == [True, False, True]
    assert out.decision.tolist() == [sim.NO_HIRE]
    # The charmer still speaks: their judgment anchors the next speaker.
    order = ["charmer", "member_0", "member_1"]
    anchored = with_unweighed_rater(2, "weighted_mean", anchoring=0.5, speaking_order=order)
    out = run_debrief(anchored, np.array([[1.0, -1.0, 3.0]]))
    assert out.spoken[0, 0] == pytest.approx(1.0 + 0.5 * (3.0 - 1.0))
    # Naming them a veto holder is refused when the process is built.
    with pytest.raises(sim.SpecError, match=r"debrief\.veto\.charmer: rates only competencies"):
        with_unweighed_rater(2, "veto", veto=("charmer",))


@pytest.mark.parametrize("rule", ["median", "trimmed_mean", "discretion"])
def test_aggregate_is_the_weighted_mean_and_score_is_the_rules(
    rule: str, amex: sim.Process
) -> None:
    """Validity is corr(aggregate, Y) as DESIGN.md defines it, whatever the rule."""
    debrief = {"trim": 0.25, "manager_noise": 0.8, "manager_bias": 0.2}
    process, _ = with_rule(with_debrief(amex, **debrief), rule)
    result = sim.simulate(process, n=20_000, rng=5)
    reached = result.reached
    # No anchoring or peeking: the aggregate is the weighted mean of the ratings themselves.
    expected = result.perceived[reached] @ compile_model(amex).aggregate_weights
    np.testing.assert_allclose(result.aggregate_z[reached], expected, rtol=0, atol=1e-12)
    validity = np.corrcoef(expected, result.performance[reached])[0, 1]
    assert result.summary()["validity"] == pytest.approx(validity, abs=1e-12)
    # The rule decided on its own score, which differs from the aggregate.
    score = result.score
    assert not np.allclose(score[reached], result.aggregate[reached])
    hired = result.hired
    assert (score[hired] >= amex.debrief.threshold).all()
    assert (score[reached & ~hired] < amex.debrief.threshold).all()
    table = result.decisions()
    np.testing.assert_array_equal(table["score"].to_numpy(), score)
    np.testing.assert_array_equal(table["aggregate"].to_numpy(), result.aggregate)
    # Re-deciding stores the same aggregate and score as a fresh simulation.
    again = redecide(sim.simulate(amex, n=20_000, rng=5), process)
    np.testing.assert_allclose(again.aggregate_z, result.aggregate_z, equal_nan=True, atol=1e-12)
    np.testing.assert_allclose(again.score, score, equal_nan=True, atol=1e-12)
    np.testing.assert_array_equal(again.decision, result.decision)


def test_compare_rules_validity_is_the_rules_score(amex: sim.Process) -> None:
    table = compare_rules(amex, n=5000, rng=4, rules=["weighted_mean", "median"])
    base = sim.simulate(amex, n=5000, rng=4)
    reached = base.reached
    for rule in ("weighted_mean", "median"):
        result = redecide(base, with_rule(amex, rule)[0])
        want = np.corrcoef(result.score[reached], base.performance[reached])[0, 1]
        assert table.metrics.loc[rule, "validity"] == pytest.approx(want, abs=1e-12)
    assert "score" not in base.decisions().columns  # the weighted mean decides on the aggregate


def test_recommendations_are_the_views_the_decision_used(amazon: sim.Process) -> None:
    """A veto holder seated twice has one view (all their judgments), and only its "no" blocks."""
    rounds = tuple(
        replace(r, interviewers=(*r.interviewers, "bar_raiser"))
        if r.name == "peer_technical"
        else r
        for r in amazon.rounds
    )
    process = replace(amazon, rounds=rounds)
    result = sim.simulate(process, n=20_000, rng=3)
    reached = result.reached
    recs = result.recommendations()
    holder = recs[recs["interviewer"] == "bar_raiser"]
    np.testing.assert_array_equal(holder["candidate"], np.flatnonzero(reached))
    # The holder's view from the spec: competency-weighted mean of all their ratings (alpha 0).
    m = compile_model(process)
    mine = np.array([m.seat_interviewer[p] == "bar_raiser" for p in m.slot_seat])
    weights = np.array(
        [
            process.debrief.competency_weights[process.competency_names[k]]
            for k in m.slot_competency
        ]
    )[mine]
    view = process.scale.to_points(result.perceived[reached][:, mine] @ weights / weights.sum())
    np.testing.assert_allclose(holder["points"], view, rtol=0, atol=1e-9)
    np.testing.assert_allclose(holder["written_points"], view, rtol=0, atol=1e-9)
    yes_cut = process.interviewer("bar_raiser").recommendation_cuts[1]
    said_no = holder["recommendation"].isin(["Strong No", "No"]).to_numpy()
    np.testing.assert_array_equal(said_no, view < yes_cut)
    assert holder["veto"].all() and not recs.loc[recs["interviewer"] != "bar_raiser", "veto"].any()
    blocked = holder["candidate"].to_numpy()[said_no]
    assert not result.hired[blocked].any()
    assert (result.aggregate[blocked] >= process.debrief.threshold).any()  # the veto mattered
    # Everyone the holder said yes to is decided by the aggregate alone.
    cleared = holder["candidate"].to_numpy()[~said_no]
    above = result.aggregate[cleared] >= process.debrief.threshold
    np.testing.assert_array_equal(result.hired[cleared], above)
    # Speaking order: seniority, the same for every candidate here.
    assert (recs["position"].to_numpy().reshape(-1, 6) == np.arange(1, 7)).all()
    speakers = recs["interviewer"].to_numpy().reshape(-1, 6)
    assert (speakers == speakers[0]).all()
