"""Several of a known list, chosen with a tick each.

A multiple-choice list box (ipywidgets' SelectMultiple) needs Ctrl or Cmd
held to choose a second item, which trainees who are not used to it never
find, and it scrolls its items out of sight. The audiences page (networks,
formats) and the crisis protocol (channels) tick their lists with this one.
"""

from __future__ import annotations

import ipywidgets as widgets
import traitlets


class CheckList(widgets.Box):
    """`value`: the ticked options' values, in the options' order (as SelectMultiple's)."""

    value = traitlets.Tuple()

    def __init__(self, options: list[tuple[str, object]], value=(), *, disabled: bool = False,
                 width: str = "170px"):
        self.options = list(options)
        chosen = set(value)
        self.boxes = [widgets.Checkbox(value=v in chosen, description=label, indent=False,
                                       disabled=disabled,
                                       # as wide as its label, at least `width` (sweep 3: "Crisis
                                       # page (dark site)" ran into the next tick at 170 px)
                                       layout=widgets.Layout(width="auto", min_width=width,
                                                             margin="0 14px 2px 0"))
                      for label, v in self.options]
        super().__init__(self.boxes, layout=widgets.Layout(flex_flow="row wrap"))
        self.add_class("cm-check-list")
        self.value = tuple(chosen)
        for box in self.boxes:
            box.observe(self._ticked, names="value")
        self.observe(self._shown, names="value")

    def box(self, value) -> widgets.Checkbox:
        """The tick of the option whose value is `value`."""
        return self.boxes[[v for _, v in self.options].index(value)]

    _syncing = False

    @traitlets.validate("value")
    def _in_options_order(self, proposal) -> tuple:
        """Whatever order code sets, the value (and what is saved) keeps the list's order."""
        chosen = set(proposal["value"])
        return tuple(v for _, v in self.options if v in chosen)

    def _ticked(self, _change) -> None:
        if self._syncing:  # the boxes follow a value set by code: it is already the value
            return
        self.value = tuple(v for (_, v), box in zip(self.options, self.boxes, strict=True)
                           if box.value)

    def _shown(self, change) -> None:
        """A value set from the code ticks the boxes to match: one change, one save."""
        chosen = set(change["new"])
        self._syncing = True
        try:
            for (_, v), box in zip(self.options, self.boxes, strict=True):
                box.value = v in chosen
        finally:
            self._syncing = False

    @property
    def disabled(self) -> bool:
        return all(box.disabled for box in self.boxes)

    @disabled.setter
    def disabled(self, off: bool) -> None:
        for box in self.boxes:
            box.disabled = off
