"""Fast paths give the answers of the paths they shortcut (the one derivation, faster).

- ``compile_model`` of a debrief variant re-uses the rating side of a compiled
  process: every field equals a fresh build;
- ``Scale.written_z`` in place gives the bits of ``to_z(written(to_points(z)))``;
- ``engine.redecisions`` gives ``redecide``'s decisions, also for weight variants
  decided together (``sim.rules.batched``);
- ``closed_form.line_laws.hire_lines`` gives ``written_laws``'s hire probabilities
  along every competency's line, and the quadrature's node count (chosen per
  process) agrees with the 96-node reference.
"""

from __future__ import annotations

import contextlib
from dataclasses import fields, replace

import numpy as np
import pytest

import sim
from sim.closed_form import lattice
from sim.closed_form import lines as line_laws
from sim.engine import redecide, redecisions
from sim.model import _build, compile_model
from sim.rules import batched, debrief_plan
from sim.rules.batched import batchable

PRESETS = ["amazon_style_loop", "amex_ai_pm_2026", "google_style_committee"]


def _same(x, y) -> bool:
    if isinstance(x, np.ndarray):
        return np.array_equal(x, y, equal_nan=True)
    return x == y or (x != x and y != y)


@pytest.mark.parametrize("name", PRESETS)
def test_debrief_variant_model_equals_fresh_build(name):
    process = sim.load_process(name)
    base = compile_model(process)
    d = process.debrief
    variants = [
        replace(d, threshold=d.threshold + 0.1),
        replace(d, aggregate="labels"),
        replace(d, aggregate="latent", hold_band=0.3),
        replace(d, competency_weights={**d.competency_weights, process.competency_names[0]: 3.0}),
    ]
    for debrief in variants:
        variant = replace(process, debrief=debrief)
        model = compile_model(variant)
        assert model is not base and model.process is variant
        fresh = _build(variant)
        for f in fields(model):
            if f.name != "process":
                assert _same(getattr(model, f.name), getattr(fresh, f.name)), f.name
    # the base model is untouched by its variants
    assert _same(compile_model(process).aggregate_weights, _build(process).aggregate_weights)


@pytest.mark.parametrize("name", PRESETS)
def test_written_z_in_place_is_bitwise_the_composed_path(name):
    scale = sim.load_process(name).scale
    z = np.random.default_rng(7).normal(size=(5000, 9)) * 1.8
    z[:3, 0] = scale.to_z(np.array([scale.min + 0.5 * scale.step, scale.max, scale.min]))
    composed = scale.to_z(scale.written(scale.to_points(z)))
    assert np.array_equal(scale.written_z(z), composed)
    assert np.array_equal(scale.written_z(z[:1, :1].copy()), composed[:1, :1])


@pytest.mark.parametrize("name", PRESETS)
def test_redecisions_equal_redecide(name):
    process = sim.load_process(name)
    result = sim.simulate(process, n=3000, rng=11, keep="all")
    d = process.debrief
    others = [
        process,
        replace(process, debrief=replace(d, threshold=d.threshold + 0.3)),
        replace(process, debrief=replace(d, rule="consensus")),
    ]
    for decision, other in zip(redecisions(result, others), others, strict=True):
        assert np.array_equal(decision, redecide(result, other).decision)


@pytest.mark.parametrize("name", PRESETS)
def test_hire_lines_equal_written_laws(name):
    process = sim.load_process(name)
    if lattice.exact_obstacle(process) is not None:
        pytest.skip(lattice.exact_obstacle(process))
    m = compile_model(process)
    t = np.linspace(-2.0, 2.0, 7)
    for profile in sim.load_profiles(name).values():
        mean = m.perceived_mean(profile.theta(process), profile.framing)
        lines = line_laws.hire_lines(process, mean, m.A)
        for k, line in enumerate(lines):
            exact = lattice.written_laws(process, mean + t[:, None] * m.A[k])["hire"]
            np.testing.assert_allclose(line(t), exact, rtol=0, atol=1e-12)


def test_hire_lines_under_discretion_and_a_hold_band():
    process = sim.load_process("amex_ai_pm_2026")
    d = process.debrief
    for debrief in (
        replace(d, rule="discretion", manager_noise=0.4, manager_bias=0.2),
        replace(d, hold_band=0.3),
        replace(d, rule="consensus"),
    ):
        variant = replace(process, debrief=debrief)
        if lattice.exact_obstacle(variant) is not None:
            continue
        m = compile_model(variant)
        profile = sim.load_profiles("amex_ai_pm_2026")["balanced_strong"]
        mean = m.perceived_mean(profile.theta(variant), profile.framing)
        t = np.linspace(-1.5, 1.5, 5)
        for k, line in enumerate(line_laws.hire_lines(variant, mean, m.A)):
            exact = lattice.written_laws(variant, mean + t[:, None] * m.A[k])["hire"]
            np.testing.assert_allclose(line(t), exact, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", PRESETS)
def test_chosen_node_count_matches_the_reference_rule(name):
    process = sim.load_process(name)
    built = lattice._structure(process)
    if isinstance(built, str):
        pytest.skip(built)
    assert built.nodes.size in lattice.NODE_COUNTS
    m = compile_model(process)
    means = np.array(
        [m.perceived_mean(p.theta(process), p.framing) for p in sim.load_profiles(name).values()]
    )
    means = np.concatenate([means + s for s in (-1.0, 0.0, 1.0)])
    got = lattice.written_laws(process, means)["hire"]
    x, w = lattice._rule(lattice.REFERENCE_NODES)
    lattice._CACHE[process] = replace(built, nodes=x, weights=w)
    try:
        reference = lattice.written_laws(process, means)["hire"]
    finally:
        lattice._CACHE[process] = built
    np.testing.assert_allclose(got, reference, rtol=0, atol=1e-9)


def _weight_variants(process):
    """Each competency's weight zeroed and tripled, and one speaker's competencies all zeroed."""
    d = process.debrief
    weights = {c: d.competency_weight(c) for c in process.competency_names}
    rows = []
    for name in process.competency_names:
        for factor in (0.0, 3.0):
            rows.append({**weights, name: weights[name] * factor})
    # A speaker none of whose judgments weighs: they neither vote nor hold a veto.
    plan = debrief_plan(process)
    m = compile_model(process)
    speaker = plan.veto[0] if plan.veto.size else 0
    theirs = {process.competency_names[k] for k in m.slot_competency[plan.slot_speaker == speaker]}
    rows.append({c: (0.0 if c in theirs else w) for c, w in weights.items()})
    variants = []
    for row in rows:
        with contextlib.suppress(sim.SpecError):  # e.g. nothing weighed is left
            variants.append(replace(process, debrief=replace(d, competency_weights=row)))
    return variants


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize(
    "debrief",
    [
        {},
        {"rule": "consensus"},
        {"rule": "veto", "anchoring": 0.5},
        {"anchoring": 0.6, "speaking_order": "random"},
        {"aggregate": "labels", "anchoring": 0.3, "hold_band": 0.4},
        {"aggregate": "latent", "rule": "consensus", "anchoring": 0.4},
        {"rule": "trimmed_mean", "trim": 0.0},
        {"rule": "median"},
    ],
    ids=lambda d: ",".join(f"{k}={v}" for k, v in d.items()) or "as_shipped",
)
def test_weight_variants_decided_together_equal_one_by_one(name, debrief):
    process = sim.load_process(name)
    d = process.debrief
    if debrief.get("rule") == "veto" and not d.veto:
        debrief = {**debrief, "veto": (debrief_plan(process).speakers[-1],)}
    process = replace(process, debrief=replace(d, **debrief))
    result = sim.simulate(process, n=3000, rng=5, keep="all")
    variants = _weight_variants(process)
    together = redecisions(result, variants)
    assert batchable(debrief_plan(process)) == (debrief.get("rule") != "median")
    changed = 0
    for decision, variant in zip(together, variants, strict=True):
        alone = redecide(result, variant).decision
        assert np.array_equal(decision, alone)
        changed += int((alone != result.decision).any())
    assert changed > 0  # the variants are not all the same debrief


def test_weight_variants_in_chunks(monkeypatch):
    """The batch reads the pool in row chunks: any chunk length gives the same decisions."""
    process = sim.load_process("amex_ai_pm_2026")
    process = replace(process, debrief=replace(process.debrief, anchoring=0.5))
    result = sim.simulate(process, n=2000, rng=8, keep="all")
    variants = _weight_variants(process)
    whole = redecisions(result, variants)
    monkeypatch.setattr(batched, "_CHUNK_ELEMENTS", 7 * len(variants) * 14)
    for a, b in zip(whole, redecisions(result, variants), strict=True):
        assert np.array_equal(a, b)


def test_weight_variant_batch_refuses_other_rules():
    process = sim.load_process("amex_ai_pm_2026")
    plan = debrief_plan(replace(process, debrief=replace(process.debrief, rule="median")))
    with pytest.raises(ValueError, match="median"):
        batched.weight_variant_decisions(plan, np.zeros((2, 14)), None, np.ones((1, 10)))
