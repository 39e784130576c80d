"""Where the rules live (issue 11): each app's "who may do what" is in its ``rules.py``.

A newcomer looking for the rule that an officer gives an opinion finds it in
``consultations/rules.py`` and nowhere else: predicates are not defined in services, views,
action registries or sections, and views ask the rules instead of reading roles themselves.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ("departments", "disputes", "routing", "consultations", "reports")
PREDICATE_PREFIXES = ("may_", "can_")


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts or "management" in path.parts:
            continue
        yield path


def _functions(path: pathlib.Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def _imported_names(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names |= {alias.name for alias in node.names}
    return names


@pytest.mark.parametrize("app", APPS)
def test_permission_predicates_are_defined_only_in_the_apps_rules(app):
    found = [
        f"{path.relative_to(ROOT)}:{name}"
        for path in _modules(app)
        if path.name != "rules.py"
        for name in _functions(path)
        if name.lstrip("_").startswith(PREDICATE_PREFIXES)
    ]
    assert found == []


@pytest.mark.parametrize("app", APPS)
def test_views_and_case_registries_ask_the_rules_instead_of_reading_roles(app):
    """Views, action registries and case-page sections read no role themselves."""
    readers = [
        path.relative_to(ROOT).as_posix()
        for path in _modules(app)
        if path.stem in ("views", "actions", "sections")
        and _imported_names(path) & {"Role", "roles_of"}
    ]
    assert readers == []


@pytest.mark.parametrize("module", ["consultations/actions.py", "routing/actions.py"])
def test_an_action_registry_defines_no_predicate_of_its_own(module):
    """The registry only registers: what it passes as ``permitted`` and ``possible`` are the
    rules' predicates."""
    assert _functions(ROOT / module) == []


def test_the_officers_opinion_rule_is_in_the_consultations_rules():
    from consultations import rules
    from disputes.actions import get_action

    assert get_action("opinion").permitted is rules.owes_opinion
    assert get_action("decline").permitted is rules.owes_opinion
    assert get_action("court_report").permitted is rules.may_report_for_court


def test_the_menu_asks_the_rules_which_desks_to_offer():
    template = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert "current_roles" not in template
    assert "is_superuser" not in template
