"""Searching by a payer's number cannot undo the masking (issue 10, items 1 and 24).

A search that names an identity number, credit code or phone is logged like a reveal, matches
only a whole normalised number, and is limited per user and day; the access log is scoped like
the cases and never shows a full number; the admin's payer pages mask numbers too.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from departments.models import Centre, Role, Staff, role_group
from disputes.models import AccessLog
from disputes.services import PartyData, PayerData
from tests import scenarios
from tests.conftest import credit_code, resident_id


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def listing(client, q, url="disputes:list"):
    response = client.get(reverse(url), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def searches(user, kind="search"):
    return AccessLog.objects.filter(user=user, kind=kind)


def test_a_search_by_a_full_number_is_logged_with_the_number_masked(client, world):
    d = scenarios.joint_handling(world)
    payer = d.parties.get().payer
    client.force_login(world.supervisor)
    assert d.number in listing(client, payer.id_number)
    entry = searches(world.supervisor).get()
    assert entry.at is not None and payer.id_number not in entry.detail
    assert payer.masked_id_number in entry.detail
    assert d.number in listing(client, payer.phone)
    assert searches(world.supervisor).count() == 2


def test_a_search_from_the_home_queue_and_the_export_is_logged_too(client, world):
    d = scenarios.registered(world)
    payer = d.parties.get().payer
    client.force_login(world.clerk)
    assert d.number in listing(client, payer.id_number, url="reports:home")
    export = client.get(reverse("disputes:export"), {"q": payer.id_number})
    assert d.number in export.getvalue().decode("utf-8-sig")
    assert searches(world.clerk).count() == 2
    exported = AccessLog.objects.get(kind="export")
    assert payer.id_number not in exported.detail


def test_only_a_whole_normalised_number_matches(client, world):
    employer = PayerData(kind="employer", name="某公司", id_number=credit_code(7), phone="")
    d = scenarios.registered(world)
    e = world.make_dispute(payers=[PartyData(payer=employer, is_representative=True)])
    number = d.parties.get().payer.id_number
    client.force_login(world.clerk)
    # Full-width digits, spaces and hyphens, a lower-case credit code: the same number.
    full_width = number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    assert d.number in listing(client, full_width)
    assert d.number in listing(client, f"{number[:6]} {number[6:14]}-{number[14:]}")
    assert d.number in listing(client, "139-1234-5678")
    assert e.number in listing(client, credit_code(7).lower())
    # Any part of a number finds nothing by number.
    masked = d.parties.get().payer.masked_id_number
    for partial in (number[:17], number[1:], number[:14], number[-4:], masked, "1391234567"):
        page = listing(client, partial)
        assert d.number not in page and e.number not in page, partial
    assert e.number not in listing(client, credit_code(7)[:10])


def test_past_the_daily_limit_a_number_search_is_refused_and_the_refusal_logged(
    client, world, settings
):
    settings.NUMBER_SEARCHES_PER_DAY = 3
    d = scenarios.joint_handling(world)
    client.force_login(world.supervisor)
    for serial in range(3):
        listing(client, resident_id(100 + serial))
    # The same number again (the next page, the export) is logged but not counted again.
    listing(client, resident_id(100))
    assert searches(world.supervisor).count() == 4
    page = listing(client, d.parties.get().payer.id_number)
    assert "今天已按 3 个不同的证件号码或电话查询" in page
    assert d.number not in page
    assert searches(world.supervisor).count() == 4
    refused = searches(world.supervisor, "refused").get()
    assert d.parties.get().payer.id_number not in refused.detail
    log = client.get(reverse("reports:access_log"), {"kind": "refused"}).content.decode()
    assert world.supervisor.staff.full_name in log and refused.detail in log
    # Searching by name or case number is not limited.
    assert d.number in listing(client, d.number)
    assert d.number in listing(client, "申请人")


def test_the_limit_is_per_user(client, world, settings):
    settings.NUMBER_SEARCHES_PER_DAY = 1
    d = scenarios.registered(world)
    number = d.parties.get().payer.id_number
    client.force_login(world.clerk)
    listing(client, resident_id(500))
    assert d.number not in listing(client, number)
    client.force_login(world.coordinator)
    assert d.number in listing(client, number)


def test_the_cyberspace_office_cannot_search_by_a_number(client, world):
    d = scenarios.registered(world, is_public_opinion_risk=True)
    client.force_login(world.cyber)
    assert d.number in listing(client, d.number)
    page = listing(client, d.parties.get().payer.id_number)
    assert d.number not in page and "您的角色不能按缴费人号码查询" in page
    assert searches(world.cyber, "refused").count() == 1


@pytest.mark.parametrize("url", ["disputes:list", "reports:home"])
def test_a_very_long_search_gets_a_message_not_a_server_error(client, world, url):
    d = scenarios.registered(world)
    client.force_login(world.clerk)
    response = client.get(reverse(url), {"q": "张" * 100_000})
    assert response.status_code == 200
    page = response.content.decode()
    assert "搜索内容最多 100 个字符" in page and d.number not in page


def test_an_export_with_a_refused_search_goes_back_to_the_list_with_the_message(
    client, world, settings
):
    settings.NUMBER_SEARCHES_PER_DAY = 0
    d = scenarios.registered(world)
    client.force_login(world.clerk)
    response = client.get(reverse("disputes:export"), {"q": "张" * 100_000}, follow=True)
    assert response.status_code == 200
    assert "搜索内容最多 100 个字符" in response.content.decode()
    response = client.get(
        reverse("disputes:export"), {"q": d.parties.get().payer.id_number}, follow=True
    )
    assert "今天已按 0 个不同的证件号码或电话查询" in response.content.decode()
    assert not AccessLog.objects.filter(kind="export").exists()
    assert searches(world.clerk, "refused").count() == 1


def test_a_very_long_case_number_on_the_forms_page_gets_a_message(client, world):
    scenarios.registered(world)
    client.force_login(world.supervisor)
    response = client.get(reverse("reports:documents"), {"number": "GA" * 50_000})
    assert response.status_code == 200
    assert "搜索内容最多" in response.content.decode()


def other_county(world):
    """A centre, a clerk and a supervisor of 永济市, and one case of theirs."""
    centre = Centre.objects.create(
        name="永济市处理中心", kind="processing_centre", code="YJ", jurisdiction=world.other_county
    )
    users = get_user_model().objects

    clerk = users.create_user(username="clerk_y", password="pw-Secret-123")
    clerk.groups.add(role_group(Role.CLERK))
    Staff.objects.create(user=clerk, full_name="冯雪", centre=centre)
    supervisor = users.create_user(username="supervisor_y", password="pw-Secret-123")
    supervisor.groups.add(role_group(Role.SUPERVISOR))
    Staff.objects.create(user=supervisor, full_name="蒋涛", jurisdiction=world.other_county)
    d = world.make_dispute(actor=clerk, centre=centre)
    return clerk, supervisor, d


def test_a_supervisor_does_not_see_another_countys_log_entries(client, world):
    clerk_y, supervisor_y, d_y = other_county(world)
    number_y = d_y.parties.get().payer.id_number
    client.force_login(clerk_y)
    client.get(reverse("disputes:detail", args=[d_y.number]))
    client.get(reverse("disputes:export"), {"q": number_y})
    d_x = scenarios.registered(world)
    client.force_login(world.clerk)
    client.get(reverse("disputes:export"), {"q": d_x.parties.get().payer.id_number})

    client.force_login(world.supervisor)
    for kind in ("view", "export", "search"):
        page = client.get(reverse("reports:access_log"), {"kind": kind}).content.decode()
        assert "冯雪" not in page and d_y.number not in page, kind
    page = client.get(reverse("reports:access_log"), {"kind": "export"}).content.decode()
    assert "王丽" in page  # the own county's clerk

    client.force_login(supervisor_y)
    for kind in ("view", "export", "search"):
        page = client.get(reverse("reports:access_log"), {"kind": kind}).content.decode()
        assert "冯雪" in page and "王丽" not in page, kind


def test_the_access_log_never_shows_a_full_number(client, world):
    d = scenarios.joint_handling(world)
    payer = d.parties.get().payer
    client.force_login(world.clerk)
    client.get(reverse("disputes:export"), {"q": payer.id_number})
    client.get(reverse("disputes:list"), {"q": payer.phone})
    client.force_login(world.supervisor)
    client.post(
        reverse("disputes:reveal", args=[d.number]),
        {"payer": payer.pk, "reason": f"核对 {payer.id_number} 与 {payer.phone}"},
    )
    for entry in AccessLog.objects.all():
        text = entry.detail + entry.reason
        assert payer.id_number not in text and payer.phone not in text, entry.kind
    assert sorted(AccessLog.objects.values_list("kind", flat=True)) == [
        "export",
        "reveal",
        "search",
        "search",
    ]
    for kind in AccessLog.Kind.values:
        page = client.get(reverse("reports:access_log"), {"kind": kind}).content.decode()
        assert payer.id_number not in page and payer.phone not in page, kind
    page = client.get(reverse("reports:access_log"), {"kind": "export"}).content.decode()
    assert payer.masked_id_number in page


def test_the_admin_payer_pages_mask_numbers_and_a_reveal_is_logged(client, world, admin_user):
    d = scenarios.registered(world)
    payer = d.parties.get().payer
    client.force_login(admin_user)
    pages = [
        client.get(reverse("admin:disputes_payer_changelist")),
        client.get(reverse("admin:disputes_payer_change", args=[payer.pk])),
        client.get(reverse("admin:disputes_dispute_change", args=[d.pk])),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert payer.id_number not in body and payer.phone not in body
    assert payer.masked_id_number in pages[1].content.decode()
    assert not AccessLog.objects.exists()

    reveal = reverse("admin:disputes_payer_reveal", args=[payer.pk])
    assert client.post(reveal, {"reason": " "}).status_code == 200
    assert not AccessLog.objects.exists()
    shown = client.post(reveal, {"reason": "核对缴费人身份"}).content.decode()
    assert payer.id_number in shown and payer.phone in shown
    entry = AccessLog.objects.get(kind="reveal")
    assert (entry.user, entry.reason) == (admin_user, "核对缴费人身份")
    assert payer.name in entry.detail and payer.id_number not in entry.detail
    assert client.get(reveal).status_code == 200
    assert payer.id_number not in client.get(reveal).content.decode()


def test_the_admin_payer_search_by_number_is_logged_and_limited(
    client, world, admin_user, settings
):
    settings.NUMBER_SEARCHES_PER_DAY = 1
    d = scenarios.registered(world)
    payer = d.parties.get().payer
    client.force_login(admin_user)
    changelist = reverse("admin:disputes_payer_changelist")
    found = client.get(changelist, {"q": payer.id_number}).content.decode()
    assert payer.name in found
    assert searches(admin_user).count() == 1
    refused = client.get(changelist, {"q": resident_id(500)})
    assert refused.status_code == 200
    assert searches(admin_user, "refused").count() == 1


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:disputes_payer_changelist",
        "admin:disputes_accesslog_changelist",
        "admin:departments_jurisdiction_changelist",
        "admin:auth_user_changelist",
        "admin:consultations_meeting_changelist",
    ],
)
def test_a_very_long_admin_search_gets_a_message_not_a_server_error(
    client, world, admin_user, changelist
):
    client.force_login(admin_user)
    response = client.get(reverse(changelist), {"q": "x" * 100_000}, follow=True)
    assert response.status_code == 200
    assert "搜索内容最多 100 个字符" in response.content.decode()
