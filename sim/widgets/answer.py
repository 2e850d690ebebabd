"""An exercise's answer that stays folded until someone opens it, even after Run All.

JupyterLab unfolds a cell's output whenever the cell runs, so a solution cell with
hidden output still shows its answer after Run All. Printing inside
:func:`answer` puts the text in a closed accordion instead: the room sees
"Answer (click to show)" under each exercise and opens it when it is time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import ipywidgets as widgets

__all__ = ["answer"]


@contextmanager
def answer(title: str = "Answer (click to show)") -> Iterator[widgets.Accordion]:
    """Show everything printed or displayed in the block in a closed accordion.

    Examples
    --------
    >>> from sim.widgets import answer
    >>> with answer("Answer") as box:  # outside a notebook, display() prints the widget
    ...     pass
    Accordion(children=(Output(),), titles=('Answer',), _dom_classes=('hcs-answer',))
    >>> box.selected_index is None  # closed
    True
    """
    from IPython.display import display

    out = widgets.Output()
    box = widgets.Accordion(children=[out], titles=(title,), selected_index=None)
    box.add_class("hcs-answer")
    display(box)
    with out:
        yield box
