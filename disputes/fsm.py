"""The one place that reads django-fsm's internals.

django-fsm's public functions (``transition``, ``can_proceed``, the generated
``get_available_user_<field>_transitions``) answer "may this transition fire now, conditions
included". The case code also needs what they do not offer: the permission alone (so a
permitted user whose case only waits for something is told why, not "not allowed"), the
permission in any source state, the ``custom`` data a transition declares, where a
transition leads from a state, and every transition of a model (for the system checks). These
read the metadata django-fsm keeps on each transition method (``method._django_fsm``), which is
not a documented interface: when django-fsm changes it, this module is the only one to adapt.
"""

from collections.abc import Iterator
from typing import Any

from django_fsm import GET_STATE, RETURN_VALUE, FSMFieldMixin, Transition


def _meta(method: Any):
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise TypeError(f"{getattr(method, '__name__', method)!r} is not a django-fsm transition")
    return meta


def transitions_of(model: type, name: str) -> list[Transition]:
    """The transitions declared by the method ``name`` of ``model``, one per source state."""
    return list(_meta(getattr(model, name)).transitions.values())


def next_states(model: type, name: str, state: str) -> tuple[str, ...]:
    """The states the transition method ``name`` may lead to when fired in ``state``: one, or
    the several a target decided by the method's result allows (``RETURN_VALUE``, ``GET_STATE``),
    or none when the transition does not leave from ``state``."""
    transition = _meta(getattr(model, name)).get_transition(state)
    if transition is None:
        return ()
    target = transition.target
    if isinstance(target, RETURN_VALUE | GET_STATE):
        return tuple(target.allowed_states)
    return (state,) if target is None else (target,)


def custom(model: type, name: str) -> dict[str, Any]:
    """The ``custom`` data the transition method ``name`` declares (its first declaration's)."""
    return transitions_of(model, name)[0].custom


def permitted_in_some_state(model: type, name: str, instance, user) -> bool:
    """Whether the transition's permission admits ``user`` for ``instance`` from any of its
    source states (the state and the conditions are not looked at)."""
    return any(t.has_perm(instance, user) for t in transitions_of(model, name))


def permitted_now(bound_method, user) -> bool:
    """Whether the permission of the transition from the instance's current state admits
    ``user`` (the conditions are not looked at; False when no transition leaves that state)."""
    meta = _meta(bound_method)
    instance = bound_method.__self__
    return meta.has_transition_perm(instance, meta.field.get_state(instance), user)


def all_transitions(model: type) -> Iterator[Transition]:
    """Every transition of every state field of ``model`` (none for a model without one)."""
    for field in model._meta.get_fields():
        if isinstance(field, FSMFieldMixin):
            # Filled for each concrete model when its class is prepared.
            for method in field.transitions.get(model, {}).values():
                yield from _meta(method).transitions.values()
