"""Log-in hardening: lockout after repeated failures, expiry after inactivity, CSRF."""

import datetime

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse

from departments.http import client_address, counted

pytestmark = pytest.mark.django_db


def attempt(client, username, password, address="127.0.0.1", **headers):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def test_a_good_password_logs_in(client, world):
    response = attempt(client, "clerk_a", "pw-Secret-123")
    assert response.status_code == 302 and response.url == reverse("reports:home")


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(
    client, world, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "clerk_a", "wrong").status_code == 200
    assert attempt(client, "clerk_a", "wrong").status_code == 429  # the limit-th failure locks
    locked = attempt(client, "clerk_a", "pw-Secret-123")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_account_is_locked_after_failures_from_many_addresses(client, world, settings):
    limit = settings.LOGIN_FAILURE_LIMITS["username"]
    for n in range(limit):
        attempt(client, "clerk_a", "wrong", address=f"198.51.100.{n + 1}")

    locked = attempt(client, "clerk_a", "pw-Secret-123", address="203.0.113.77")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_account_lock_ends_after_the_cool_off(client, world, settings):
    for n in range(settings.LOGIN_FAILURE_LIMITS["username"]):
        attempt(client, "clerk_a", "wrong", address=f"198.51.100.{n + 1}")
    assert attempt(client, "clerk_a", "pw-Secret-123").status_code == 429

    with time_machine.travel(datetime.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)):
        assert attempt(client, "clerk_a", "pw-Secret-123").status_code == 302


def test_an_address_trying_many_accounts_is_locked_out_of_every_account(client, world, settings):
    limit = settings.LOGIN_FAILURE_LIMITS["ip_address"]
    assert limit > settings.LOGIN_FAILURE_LIMITS["username"]
    for n in range(limit - 1):
        attempt(client, f"guess{n}", "wrong", address="203.0.113.5")
    # One below the address's limit, and no account has failed more than once: not locked.
    assert attempt(Client(), "coord_a", "pw-Secret-123", address="203.0.113.5").status_code == 302

    attempt(client, "guess-last", "wrong", address="203.0.113.5")
    locked = attempt(client, "clerk_a", "pw-Secret-123", address="203.0.113.5")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    # The accounts themselves are not locked: their owners log in from elsewhere.
    assert attempt(Client(), "clerk_a", "pw-Secret-123", address="192.0.2.10").status_code == 302


def test_a_good_password_does_not_wipe_an_address_s_failures_on_other_accounts(
    client, world, settings
):
    limit = settings.LOGIN_FAILURE_LIMITS["ip_address"]
    for n in range(limit - 1):
        attempt(client, f"guess{n}", "wrong", address="203.0.113.5")
    assert attempt(Client(), "clerk_a", "pw-Secret-123", address="203.0.113.5").status_code == 302

    attempt(client, "guess-last", "wrong", address="203.0.113.5")
    assert attempt(client, "coord_a", "pw-Secret-123", address="203.0.113.5").status_code == 429


def test_rotating_addresses_inside_one_ipv6_64_counts_as_one_address(client, world, settings):
    for n in range(settings.LOGIN_FAILURE_LIMITS["ip_address"]):
        attempt(client, f"guess{n}", "wrong", address=f"2001:db8:1:2::{n + 1:x}")

    assert (
        attempt(client, "clerk_a", "pw-Secret-123", address="2001:db8:1:2:ffff::9").status_code
        == 429
    )
    assert (
        attempt(Client(), "clerk_a", "pw-Secret-123", address="2001:db8:1:3::1").status_code == 302
    )


def test_a_forwarded_for_header_is_ignored_unless_a_trusted_proxy_sent_it(client, world, settings):
    # Nothing trusted (the default): a client cannot escape the count by claiming addresses.
    for n in range(settings.LOGIN_FAILURE_LIMITS["ip_address"]):
        attempt(
            client, f"guess{n}", "wrong", address="203.0.113.5", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}"
        )
    assert attempt(client, "clerk_a", "pw-Secret-123", address="203.0.113.5").status_code == 429


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(client, world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    for n in range(settings.LOGIN_FAILURE_LIMITS["ip_address"]):
        attempt(
            client, f"guess{n}", "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7"
        )

    via = {"address": "10.0.0.2"}
    same = attempt(Client(), "clerk_a", "pw-Secret-123", HTTP_X_FORWARDED_FOR="198.51.100.7", **via)
    other = attempt(
        Client(), "clerk_a", "pw-Secret-123", HTTP_X_FORWARDED_FOR="198.51.100.8", **via
    )
    assert same.status_code == 429 and other.status_code == 302


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.5", "", "203.0.113.5"),
        ("203.0.113.5", "198.51.100.7", "203.0.113.5"),  # not from a proxy: not believed
        ("10.0.0.2", "198.51.100.7", "198.51.100.7"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client's claim is ignored
        ("10.0.0.2", "198.51.100.7, 10.0.0.3", "198.51.100.7"),  # two proxies
        ("10.0.0.2", "10.0.0.4, 10.0.0.3", "10.0.0.4"),  # all trusted: the farthest
        ("10.0.0.2", "nonsense, 198.51.100.7", "198.51.100.7"),
        ("10.0.0.2", "198.51.100.7, nonsense", "10.0.0.2"),  # a broken chain ends at the proxy
        ("::ffff:203.0.113.5", "", "203.0.113.5"),
        ("", "198.51.100.7", ""),
    ],
)
def test_the_client_address(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_addresses_are_counted_by_ipv4_address_and_ipv6_64():
    assert counted("203.0.113.5") == "203.0.113.5"
    assert counted("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::"
    assert counted("2001:DB8:1:2::1") == counted("2001:db8:1:2:ffff::") != counted("2001:db8:1:3::")


def test_a_session_expires_after_inactivity(client, world, settings):
    attempt(client, "clerk_a", "pw-Secret-123")
    assert client.get(reverse("reports:home")).status_code == 200
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(idle):
        response = client.get(reverse("reports:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_activity_keeps_the_session_alive(client, world, settings):
    attempt(client, "clerk_a", "pw-Secret-123")
    step = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE * 2 // 3)
    with time_machine.travel(step):
        assert client.get(reverse("reports:home")).status_code == 200
        with time_machine.travel(step):
            assert client.get(reverse("reports:home")).status_code == 200


def test_a_state_change_without_the_csrf_token_is_refused(world):
    from tests import scenarios

    d = scenarios.registered(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.clerk)
    response = client.post(reverse("disputes:withdraw", args=[d.number]), {"reason": "x"})
    assert response.status_code == 403
    d.refresh_from_db()
    assert d.state == "registered"
