"""The administration of the online channels: systems, keys shown once, revoked and rotated,
the call log and the work orders read only; and the centres' duty clerks.

A key's primary key holds the library's hash: no admin page may carry it.
"""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.request import Request

from api.authentication import SystemKeyAuthentication
from api.models import ApiCall, ChannelSystem, SystemKey, WorkOrder
from departments.models import Role, Staff, role_group
from tests import scenarios

pytestmark = pytest.mark.django_db

KEY = re.compile(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}")


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def system(world):
    return ChannelSystem.objects.create(
        name="12345热线", code="hotline-12345", channel=scenarios.online_channel(world)
    )


def shown_keys(response) -> list[str]:
    return [k for m in get_messages(response.wsgi_request) for k in KEY.findall(str(m))]


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def authenticates(key: str):
    request = Request(RequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Api-Key {key}"))
    return SystemKeyAuthentication().authenticate(request)


def add_key(admin, system, name="接口调用", **extra):
    return admin.post(
        reverse("admin:api_systemkey_add"),
        {"name": name, "system": system.pk, "expiry_date_0": "", "expiry_date_1": "", **extra},
        follow=True,
    )


# -- the pages render --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:api_channelsystem_changelist",
        "admin:api_channelsystem_add",
        "admin:api_systemkey_changelist",
        "admin:api_systemkey_add",
        "admin:api_apicall_changelist",
        "admin:api_workorder_changelist",
        "admin:departments_centre_add",
    ],
)
def test_the_lists_and_add_pages_render_for_the_administrator(admin, system, url_name):
    page(admin.get(reverse(url_name)))


def test_the_pages_read_chinese(admin, system):
    index = page(admin.get(reverse("admin:index")))
    assert "线上渠道" in index and "对接系统" in index and "API 密钥" in index
    assert "接口调用记录" in index and "工单" in index
    listing = page(admin.get(reverse("admin:api_channelsystem_changelist")))
    assert "已设置回调地址" in listing and "可用密钥数" in listing


def test_the_librarys_own_key_model_is_not_offered(admin):
    assert "rest_framework_api_key" not in page(admin.get(reverse("admin:index")))


# -- systems -----------------------------------------------------------------------------


def test_the_administrator_adds_a_system_scoped_to_centres_and_areas(admin, world):
    channel = scenarios.online_channel(world)
    response = admin.post(
        reverse("admin:api_channelsystem_add"),
        {
            "name": "12366热线",
            "code": "hotline-12366",
            "channel": channel.pk,
            "active": "on",
            "centres": [world.centre_a.pk],
            "jurisdictions": [world.town_b.pk],
            "callback_url": "https://12366.example.cn/callback",
            "rate": "20/s",
        },
    )
    assert response.status_code == 302, page(response)[:3000]
    made = ChannelSystem.objects.get(code="hotline-12366")
    assert list(made.centres.all()) == [world.centre_a]
    assert list(made.jurisdictions.all()) == [world.town_b]
    assert made.rate == "20/s" and made.callback_secret
    assert not made.user.is_active and not made.user.has_usable_password()


def test_only_online_channels_are_offered(admin, world, system):
    form = admin.get(reverse("admin:api_channelsystem_add")).context["adminform"].form
    offered = list(form.fields["channel"].queryset)
    assert scenarios.online_channel(world) in offered
    assert world.window not in offered


def change_data(system, **changes):
    return {
        "name": system.name,
        "code": system.code,
        "channel": system.channel_id,
        "active": "on",
        "centres": [],
        "jurisdictions": [],
        "callback_url": system.callback_url,
        "rate": system.rate,
        **changes,
    }


@pytest.mark.parametrize("rate", ["fast", "600", "0/min", "600/week", "-5/s", "10/"])
def test_a_limit_the_throttle_cannot_read_is_refused_in_chinese(admin, system, rate):
    url = reverse("admin:api_channelsystem_change", args=[system.pk])
    response = admin.post(url, change_data(system, rate=rate, name="改了名字"))
    assert "请按“次数/周期”填写请求上限" in page(response)
    system.refresh_from_db()
    assert (system.rate, system.name) == ("600/min", "12345热线")


def test_a_good_limit_is_saved(admin, system):
    url = reverse("admin:api_channelsystem_change", args=[system.pk])
    response = admin.post(url, change_data(system, rate="10000/day"))
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.rate == "10000/day"


def test_the_signing_secret_is_shown_and_regenerated_on_request(admin, system):
    url = reverse("admin:api_channelsystem_change", args=[system.pk])
    old = system.callback_secret
    assert f'<code id="signing-secret">{old}</code>' in page(admin.get(url))
    # An ordinary save keeps it.
    assert admin.post(url, change_data(system)).status_code == 302
    system.refresh_from_db()
    assert system.callback_secret == old
    response = admin.post(
        url,
        change_data(system, callback_url="https://12345.example.cn/hook", _regenerate_secret="1"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    system.refresh_from_db()
    assert system.callback_secret != old and len(system.callback_secret) >= 40
    assert system.callback_url == "https://12345.example.cn/hook"  # the edits saved with it
    body = page(response)
    assert system.callback_secret in body and old not in body
    assert "签名密钥已重新生成" in body


def test_a_system_is_switched_off_not_deleted(admin, system):
    url = reverse("admin:api_channelsystem_delete", args=[system.pk])
    assert admin.post(url, {"post": "yes"}).status_code == 403
    assert ChannelSystem.objects.filter(pk=system.pk).exists()


# -- keys --------------------------------------------------------------------------------


def test_a_key_is_shown_once_and_works(admin, system):
    response = add_key(admin, system)
    (key,) = shown_keys(response)
    body = page(response)
    assert key in body and "请立即复制，此后不再显示" in body
    stored = SystemKey.objects.get()
    assert (stored.system, stored.name, stored.prefix) == (system, "接口调用", key.split(".")[0])
    assert SystemKey.objects.get_from_key(key) == stored
    assert key not in stored.hashed_key and key not in stored.pk
    user, auth = authenticates(key)
    assert user == system.user and auth == stored
    # Never again.
    again = page(admin.get(reverse("admin:api_systemkey_changelist")))
    assert stored.prefix in again and key not in again


def test_a_key_is_created_from_its_systems_page(admin, system):
    body = page(admin.get(reverse("admin:api_channelsystem_change", args=[system.pk])))
    link = f"{reverse('admin:api_systemkey_add')}?system={system.pk}"
    assert f'href="{link}"' in body
    form = admin.get(link).context["adminform"].form
    assert str(form["system"].value()) == str(system.pk)


def test_a_key_may_expire_but_not_in_the_past(admin, system):
    past = timezone.localtime() - datetime.timedelta(days=1)
    response = add_key(
        admin,
        system,
        expiry_date_0=past.strftime("%Y-%m-%d"),
        expiry_date_1=past.strftime("%H:%M:%S"),
    )
    assert "过期时间必须晚于现在。" in page(response)
    assert not SystemKey.objects.exists()
    later = timezone.localtime() + datetime.timedelta(days=365)
    add_key(
        admin,
        system,
        expiry_date_0=later.strftime("%Y-%m-%d"),
        expiry_date_1=later.strftime("%H:%M:%S"),
    )
    expiry = timezone.localtime(SystemKey.objects.get().expiry_date)
    assert expiry.replace(microsecond=0) == later.replace(microsecond=0)


def make_key(system, name="接口调用"):
    return SystemKey.objects.create_key(system=system, name=name)


def act(admin, action, keys):
    return admin.post(
        reverse("admin:api_systemkey_changelist"),
        {"action": action, "index": "0", "_selected_action": [k.prefix for k in keys]},
        follow=True,
    )


def test_revoking_refuses_the_selected_keys_only(admin, system):
    (first, first_raw), (second, second_raw) = make_key(system), make_key(system, "备用")
    response = act(admin, "revoke_keys", [first])
    assert "已吊销" in page(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.revoked and not second.revoked
    with pytest.raises(SystemKey.DoesNotExist):
        SystemKey.objects.get_from_key(first_raw)
    with pytest.raises(exceptions.PermissionDenied):
        authenticates(first_raw)
    assert SystemKey.objects.get_from_key(second_raw) == second


def test_rotating_shows_a_new_key_once_and_leaves_the_old_one_usable(admin, system):
    old, old_raw = make_key(system)
    response = act(admin, "rotate_keys", [old])
    (new_raw,) = shown_keys(response)
    body = page(response)
    assert "请立即复制，此后不再显示" in body
    assert f"原密钥{old.prefix}在吊销之前仍可使用" in body
    new = SystemKey.objects.get_from_key(new_raw)
    assert new != old and (new.system, new.name) == (system, old.name)
    assert SystemKey.objects.get_from_key(old_raw) == old
    # Then the old one is revoked; the new one goes on working.
    act(admin, "revoke_keys", [old])
    assert authenticates(new_raw)[1] == new
    with pytest.raises(exceptions.PermissionDenied):
        authenticates(old_raw)


def test_a_revoked_key_is_not_rotated(admin, system):
    old, _raw = make_key(system)
    SystemKey.objects.filter(pk=old.pk).update(revoked=True)
    response = act(admin, "rotate_keys", [old])
    assert shown_keys(response) == []
    assert "已吊销的密钥不轮换" in page(response)
    assert SystemKey.objects.count() == 1


def test_a_key_is_read_by_its_prefix_and_never_edited_or_deleted(admin, system):
    key, _raw = make_key(system)
    detail = reverse("admin:api_systemkey_change", args=[key.prefix])
    body = page(admin.get(detail))
    assert key.prefix in body and "接口调用" in body
    assert admin.post(detail, {"name": "改名"}).status_code == 403
    delete = reverse("admin:api_systemkey_delete", args=[key.prefix])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    key.refresh_from_db()
    assert key.name == "接口调用"


def test_no_admin_page_carries_a_keys_hash(admin, system):
    add_key(admin, system)
    key = SystemKey.objects.get()
    act(admin, "revoke_keys", [key])
    pages = [
        reverse("admin:index"),
        reverse("admin:api_systemkey_changelist"),
        reverse("admin:api_systemkey_change", args=[key.prefix]),
        reverse("admin:api_systemkey_history", args=[key.prefix]),
        reverse("admin:api_channelsystem_change", args=[system.pk]),
        reverse("admin:api_channelsystem_changelist"),
    ]
    # The digest itself, however a link may quote the characters around it ("$" → "_24").
    digest = key.hashed_key.rsplit("$", 1)[-1]
    assert len(digest) >= 64
    for url in pages:
        assert digest not in page(admin.get(url)), url
    history = page(admin.get(reverse("admin:api_systemkey_history", args=[key.prefix])))
    assert "已添加" in history and "已修改" in history


# -- the call log and the work orders ----------------------------------------------------


def test_the_call_log_is_read_only_and_filtered(admin, system):
    at = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)
    ApiCall.objects.create(
        system=system,
        method="POST",
        endpoint="/api/v1/work-orders/",
        status=201,
        duration_ms=35,
        at=at,
    )
    ApiCall.objects.create(
        system=system,
        method="GET",
        endpoint="/api/v1/cases/{number}/",
        status=404,
        duration_ms=8,
        at=at + datetime.timedelta(minutes=5),
    )
    url = reverse("admin:api_apicall_changelist")

    def listed(**query):
        response = admin.get(url, query)
        assert response.status_code == 200
        return sorted(call.endpoint for call in response.context["cl"].result_list)

    both = ["/api/v1/cases/{number}/", "/api/v1/work-orders/"]
    assert listed() == both
    assert listed(status=404) == ["/api/v1/cases/{number}/"]
    assert listed(endpoint="/api/v1/work-orders/") == ["/api/v1/work-orders/"]
    assert listed(system__id__exact=system.pk) == both
    assert listed(at__year=2026, at__month=11, at__day=30) == both
    assert listed(at__year=2026, at__month=12) == []
    assert admin.get(reverse("admin:api_apicall_add")).status_code == 403


def test_the_work_orders_link_to_their_cases(admin, world, system):
    d = scenarios.registered_online(world)
    order = WorkOrder.objects.create(
        system=system,
        number="GD202612030001",
        dispute=d,
        fingerprint="0" * 64,
        due_at=timezone.now() + datetime.timedelta(days=5),
    )
    body = page(admin.get(reverse("admin:api_workorder_changelist")))
    assert order.number in body
    assert f'href="{reverse("disputes:detail", args=[d.number])}"' in body
    assert admin.get(reverse("admin:api_workorder_add")).status_code == 403
    detail = reverse("admin:api_workorder_change", args=[order.pk])
    assert admin.post(detail, {"number": "X"}).status_code == 403


# -- the centres' duty clerks ------------------------------------------------------------


def test_the_duty_clerk_is_chosen_among_the_centres_active_clerks_and_coordinators(admin, world):
    gone = get_user_model().objects.create_user(username="clerk_gone", is_active=False)
    gone.groups.add(role_group(Role.CLERK))
    Staff.objects.create(user=gone, full_name="已调离", centre=world.centre_a)
    url = reverse("admin:departments_centre_change", args=[world.centre_a.pk])
    form = admin.get(url).context["adminform"].form
    offered = set(form.fields["duty_clerk"].queryset)
    assert offered == {world.clerk, world.coordinator}
    labels = {label for _value, label in form.fields["duty_clerk"].choices}
    assert labels == {"---------", "王丽（clerk_a）", "张强（coord_a）"}


def centre_data(centre, **changes):
    return {
        "name": centre.name,
        "kind": centre.kind,
        "code": centre.code,
        "jurisdiction": centre.jurisdiction_id,
        "parent": centre.parent_id or "",
        "address": "",
        "phone": "",
        "email": "",
        "duty_clerk": "",
        "active": "on",
        **changes,
    }


def test_another_centres_clerk_cannot_be_the_duty_clerk(admin, world):
    url = reverse("admin:departments_centre_change", args=[world.centre_a.pk])
    response = admin.post(url, centre_data(world.centre_a, duty_clerk=world.clerk_b.pk))
    assert "选择一个有效的选项" in page(response)
    world.centre_a.refresh_from_db()
    assert world.centre_a.duty_clerk is None


def test_the_duty_clerk_is_saved_and_listed(admin, world):
    url = reverse("admin:departments_centre_change", args=[world.centre_a.pk])
    response = admin.post(url, centre_data(world.centre_a, duty_clerk=world.coordinator.pk))
    assert response.status_code == 302, page(response)[:3000]
    world.centre_a.refresh_from_db()
    assert world.centre_a.duty_clerk == world.coordinator
    listing = page(admin.get(reverse("admin:departments_centre_changelist")))
    assert "值班受理人员" in listing and "张强" in listing


def test_a_new_centre_has_nobody_to_choose_yet(admin):
    form = admin.get(reverse("admin:departments_centre_add")).context["adminform"].form
    assert list(form.fields["duty_clerk"].queryset) == []
