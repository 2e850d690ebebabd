"""plotly.js for many pages: loaded by URL, once per browser, before any figure exists.

A plotly FigureWidget is an anywidget whose state carries plotly's whole
JavaScript bundle (~5 MB). The browser evaluates it from a blob (it cannot
cache that), and anywidget gives a model two seconds from its creation to load
its module: a model that misses the deadline drops every message that follows,
so the figure shows empty axes. With ten pages opening at once that happened
to every page (measured with ``benchmarks/bench_room.py``: 10 of 10 empty).

So, in the server process only:

* :func:`serve_by_url` makes every FigureWidget send a three-line module that
  imports the bundle from this server (``/static/assets/widgetbundle.js``,
  published by :mod:`sim.app.serve` from plotly's ``package_data``), so the
  browser fetches and compiles it once and caches it;
* :class:`BundleLoader`, displayed first on every page, imports that bundle
  in the background and reports back; the page builds its explorers only
  then, so each figure's import is already in the browser's module map and its
  model is ready at once.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["BUNDLE_PATH", "BundleLoader", "bundle_url_js", "serve_by_url"]

#: Where the server publishes plotly's widget bundle (relative to its root).
BUNDLE_PATH = "static/assets/widgetbundle.js"


def bundle_url_js() -> str:
    """A JavaScript expression: the bundle's absolute URL on the server that sent the page."""
    import plotly

    return (
        "`${window.location.origin}${(window.solara && window.solara.rootPath) || ''}"
        f"/{BUNDLE_PATH}?v={plotly.__version__}`"
    )


def serve_by_url() -> None:
    """Make every FigureWidget created in this process import plotly.js by URL."""
    from plotly.basewidget import BaseFigureWidget

    BaseFigureWidget._esm = (
        f"const bundle = await import({bundle_url_js()});\nexport default bundle.default;\n"
    )


class BundleLoader(anywidget.AnyWidget):
    """An invisible widget that loads plotly.js in the browser and says when it is done.

    ``loaded`` turns True once the bundle is imported; ``error`` holds the
    browser's message if the import failed. Its own module is a few lines, so
    it is ready well within anywidget's two seconds; the import runs after.
    """

    _esm = (
        "export default {\n"
        "  initialize({ model }) {\n"
        f"    import({bundle_url_js()}).then(\n"
        "      () => { model.set('loaded', true); model.save_changes(); },\n"
        "      (e) => { model.set('error', String(e)); model.save_changes(); });\n"
        "  },\n"
        "  render() {},\n"
        "};\n"
    )
    loaded = traitlets.Bool(False).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
