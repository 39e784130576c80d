"""The grid mediator who registers a dispute in the village: the payer's receipt, the query
code and the numbers they typed are theirs to hand over; another mediator's cases are not."""

import pytest
from django.urls import reverse

from departments.models import Role
from disputes import rules
from disputes.models import AccessLog
from tests import scenarios
from tests.reports import pdf


@pytest.fixture
def other_mediator(world):
    from django.contrib.auth import get_user_model

    from departments.models import Staff, role_group

    user = get_user_model().objects.create_user(username="mediator2", password="pw-Secret-123")
    user.groups.add(role_group(Role.GRID_MEDIATOR))
    Staff.objects.create(user=user, full_name="周亮", jurisdiction=world.village_a)
    return user


def reported(world, **kw):
    return scenarios.registered(world, actor=world.mediator, reported_by=world.mediator, **kw)


def test_the_reporting_mediator_reads_the_numbers_and_the_query_code(client, world):
    d = reported(world)
    number = d.parties.get().payer.id_number
    client.force_login(world.mediator)
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    assert number in page
    assert "13912345678" in page
    assert d.query_code in page and 'id="query-code"' in page


def test_the_reporting_mediator_downloads_the_receipt_and_it_is_logged(client, world):
    d = reported(world)
    client.force_login(world.mediator)
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    receipt = reverse("reports:document", args=[d.number, "receipt"])
    assert receipt in page
    response = client.get(receipt)
    assert response.status_code == 200
    text = pdf.read(response.content).flat
    assert "受理回执" in text and d.query_code in text
    assert AccessLog.objects.get(kind=AccessLog.Kind.DOWNLOAD, user=world.mediator).dispute == d


def test_the_reporting_mediator_takes_away_only_the_receipt(client, world):
    d = scenarios.referred(world, actor=world.mediator, reported_by=world.mediator)
    client.force_login(world.mediator)
    sheet = reverse("reports:document", args=[d.number, "referral_sheet"])
    assert client.get(sheet).status_code == 403
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    assert sheet not in page
    assert reverse("reports:document", args=[d.number, "receipt"]) in page


def test_another_mediator_neither_sees_nor_handles_the_case(client, world, other_mediator):
    d = reported(world)
    assert rules.handles_case(d, world.mediator)
    assert not rules.handles_case(d, other_mediator)
    client.force_login(other_mediator)
    assert client.get(reverse("disputes:detail", args=[d.number])).status_code == 404
    assert client.get(reverse("reports:document", args=[d.number, "receipt"])).status_code == 404


def test_a_mediator_who_did_not_report_the_case_does_not_handle_it(world):
    d = scenarios.registered(world)
    assert not rules.handles_case(d, world.mediator)
    assert not rules.reported_case(d, world.mediator)
