"""A department with no officer gets work nobody hears of: the administrators are warned."""

import pytest
from django.core import checks
from django.urls import reverse

from departments.models import Department, departments_without_officer

pytestmark = pytest.mark.django_db


def test_the_system_check_warns_of_a_department_without_officer(world):
    Department.objects.create(name="芮城县民政局", code="civil", kind="finance")
    Department.objects.create(name="已撤销的局", code="old", kind="finance", active=False)
    warnings = [m for m in checks.run_checks(databases=["default"]) if m.id == "departments.W001"]
    assert len(warnings) == 1
    assert "芮城县民政局" in warnings[0].msg and "已撤销的局" not in warnings[0].msg
    assert world.tax.name not in warnings[0].msg  # it has an officer
    # Without a database (a plain ``check``, or before migrating) it stays quiet.
    assert not [m for m in checks.run_checks() if m.id == "departments.W001"]


def test_an_inactive_officer_does_not_staff_a_department(world):
    world.officer_medical.is_active = False
    world.officer_medical.save()
    assert list(departments_without_officer()) == [world.medical]


def test_the_admins_department_list_shows_which_have_no_officer(world, client, django_user_model):
    Department.objects.create(name="芮城县民政局", code="civil", kind="finance")
    admin = django_user_model.objects.create_superuser("root", password="pw-Secret-123")
    client.force_login(admin)
    page = client.get(reverse("admin:departments_department_changelist")).content.decode()
    assert "芮城县民政局" in page
    assert "没有承办人" in page  # the warning above the list
