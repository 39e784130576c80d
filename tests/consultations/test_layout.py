"""Where the consultations' code lives: each rule in one home (issue 11).

Services change things; reads are in ``consultations.selectors``; who may do what is in
``consultations.rules``. The leading group's services are cut by concept: meetings, their
minutes, the court's follow-up.
"""

import importlib
import inspect
import pkgutil

import consultations.services

SERVICE_MODULES = [
    importlib.import_module(f"consultations.services.{info.name}")
    for info in pkgutil.iter_modules(consultations.services.__path__)
]


def _defined_in(module) -> dict[str, object]:
    return {
        name: obj
        for name, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module.__name__
    }


def test_no_permission_predicate_is_defined_in_a_service_module():
    found = [
        f"{module.__name__}.{name}"
        for module in SERVICE_MODULES
        for name in _defined_in(module)
        if name.lstrip("_").startswith("may_")
    ]
    assert found == []


def test_the_predicates_of_meetings_tasks_and_the_court_are_in_the_rules():
    from consultations import rules

    defined = _defined_in(rules)
    for name in ("may_see_meeting", "may_sign_off", "may_complete_task", "may_record_court_report"):
        assert name in defined, name


def test_the_reads_of_meetings_minutes_and_the_court_are_in_the_selectors():
    from consultations import selectors

    defined = _defined_in(selectors)
    reads = (
        "court_of",
        "signers_for",
        "open_cases_for_agenda",
        "court_reported",
        "court_awaited",
        "tasks_done",
        "tasks_awaited",
    )
    for name in reads:
        assert name in defined, name
        for module in SERVICE_MODULES:
            assert name not in _defined_in(module), f"{module.__name__}.{name}"


def test_the_leading_group_services_are_cut_by_concept():
    from consultations.services import court, meetings, minutes

    homes = {
        meetings: ("meeting_create", "agenda_add", "meeting_record_held", "item_decide"),
        minutes: ("minutes_save", "minutes_submit", "minutes_sign_off", "minutes_issue"),
        court: ("court_send", "court_report"),
    }
    for module, names in homes.items():
        for name in names:
            assert name in _defined_in(module), f"{module.__name__}.{name}"
    assert "decision_task_complete" in _defined_in(minutes)
