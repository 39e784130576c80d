"""Log-in hardening: lockout after repeated failures, expiry after inactivity, CSRF."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def attempt(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


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
