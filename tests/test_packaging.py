"""Packaging: the core stays light, the console script exists, presets ship with it."""

from __future__ import annotations

import subprocess
import sys

import sim


def test_import_sim_does_not_import_ui_or_jupyter() -> None:
    code = (
        "import sys, sim\n"
        "heavy = ('ipywidgets', 'plotly', 'jupyter', 'IPython', 'notebook', 'voila', 'SALib')\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_api_is_listed() -> None:
    for name in sim.__all__:
        assert hasattr(sim, name), name


def test_presets_found() -> None:
    presets = sim.list_presets()
    assert {"amex_ai_pm_2026", "amazon_style_loop"} <= {p["name"] for p in presets["processes"]}
