from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import translation

from departments.models import ROLE_GROUP_NAMES, Department, Role
from disputes.models import Category, Channel, InsuranceType
from routing.models import RoutingRule
from routing.reference_data import CATEGORIES, INSURANCE_TYPES, install_reference_data

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "groups": Group.objects.count(),
        "departments": Department.objects.count(),
        "categories": Category.objects.count(),
        "insurance_types": InsuranceType.objects.count(),
        "channels": Channel.objects.count(),
        "rules": RoutingRule.objects.count(),
        "rule_co_departments": RoutingRule.co_departments.through.objects.count(),
    }


def _rule(category: str, insurance_type: str | None = None) -> RoutingRule:
    rules = RoutingRule.objects.filter(category__code=category, county__isnull=True)
    if insurance_type is None:
        return rules.get(insurance_type__isnull=True)
    return rules.get(insurance_type__code=insurance_type)


def _co(rule: RoutingRule) -> set[str]:
    return set(rule.co_departments.values_list("code", flat=True))


def test_installing_twice_duplicates_nothing_and_changes_no_count():
    install_reference_data()
    first = _counts()
    summary = install_reference_data()

    assert _counts() == first
    assert sum(summary.created.values()) == 0


def test_it_installs_every_role_group_one_department_per_kind_and_the_lists():
    install_reference_data()

    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_GROUP_NAMES.values())
    assert len(ROLE_GROUP_NAMES) == len(Role)
    kinds = list(Department.objects.values_list("kind", flat=True))
    assert sorted(kinds) == sorted(Department.Kind.values)
    for department in Department.objects.all():
        assert department.code == department.kind
        assert department.jurisdiction is None
        assert department.duties
    assert Category.objects.count() == 14
    assert InsuranceType.objects.count() == 6
    assert Channel.objects.filter(code="window", online=False).exists()
    assert Channel.objects.filter(code="etax", online=True).exists()


def test_every_category_has_an_installation_wide_rule():
    install_reference_data()

    for category in Category.objects.all():
        assert _rule(category.code).lead_department is not None


def test_every_rule_names_a_known_category_and_insurance_type():
    codes = {row["code"] for row in CATEGORIES}
    types = {row["code"] for row in INSURANCE_TYPES}
    install_reference_data()

    for rule in RoutingRule.objects.select_related("category", "insurance_type"):
        assert rule.category.code in codes
        assert rule.insurance_type is None or rule.insurance_type.code in types
        assert rule.lead_department_id not in set(rule.co_departments.values_list("pk", flat=True))


def test_rules_follow_the_departments_duties():
    install_reference_data()

    base = _rule("contribution_base")
    assert base.lead_department.code == "tax"
    assert "hrss" in _co(base)
    assert _rule("benefits").lead_department.code == "hrss"
    assert _rule("benefits", "employee_medical").lead_department.code == "medical"
    assert "tax" in _co(_rule("benefits"))
    assert _rule("refund").lead_department.code == "tax"
    assert {"hrss", "finance"} <= _co(_rule("refund", "enterprise_pension"))
    assert {"medical", "finance"} <= _co(_rule("refund", "resident_medical"))
    employee = _rule("employee_employer")
    assert employee.lead_department.code == "hrss"
    assert {"tax", "trade_union"} <= _co(employee)
    for category in ("system_fault", "service_complaint"):
        assert _rule(category).lead_department.code == "tax"
        assert _rule(category).suggested_classification == "simple"
    for insurance_type in ("enterprise_pension", "work_injury", "unemployment"):
        assert _rule("special_payment", insurance_type).lead_department.code == "hrss"
    for insurance_type in ("employee_medical", "resident_medical"):
        assert _rule("special_payment", insurance_type).lead_department.code == "medical"


def test_reinstalling_keeps_what_an_administrator_localised():
    install_reference_data()
    tax = Department.objects.get(code="tax")
    tax.name = "芮城县税务局"
    tax.save()
    rule = _rule("late_fee")
    rule.active = False
    rule.save()

    install_reference_data()

    assert Department.objects.get(code="tax").name == "芮城县税务局"
    assert _rule("late_fee").active is False


def test_reinstalling_restores_a_changed_installation_wide_rule():
    install_reference_data()
    rule = _rule("refund")
    rule.co_departments.clear()

    install_reference_data()

    assert {"hrss", "medical", "finance"} <= _co(_rule("refund"))


def test_the_command_says_what_it_installed():
    first, second = StringIO(), StringIO()
    with translation.override("en"):
        call_command("load_reference_data", stdout=first)
        call_command("load_reference_data", stdout=second)

    assert "dispute categories: 14 (14 new)" in first.getvalue()
    assert second.getvalue().count("(0 new)") == 6
