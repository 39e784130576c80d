"""Cases that a system handed in, brought to each state by tests/scenarios.py."""

from tests.api.conftest import handed_in


class HandedIn:
    """The world, except that its cases are handed in by ``system`` (with their work order):
    ``scenarios.closed(HandedIn(world, hotline))`` is a 12345 case taken to the end."""

    def __init__(self, world, system):
        self._world = world
        self._system = system

    def __getattr__(self, name):
        return getattr(self._world, name)

    def make_dispute(self, **kw):
        return handed_in(self._world, self._system, **kw)
