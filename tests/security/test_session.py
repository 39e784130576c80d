"""The session expires after SESSION_COOKIE_AGE of inactivity without being written on every
request: it is renewed at most once every SESSION_RENEW_SECONDS (departments.sessions)."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.security.test_login import attempt

pytestmark = pytest.mark.django_db

HOME = reverse("reports:home")


def session_writes(client, url=HOME):
    """The response, and the statements that wrote the session table while answering."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT", "DELETE")) and "django_session" in q["sql"]
    ]
    return response, writes


def sets_the_session_cookie(response, settings) -> bool:
    return settings.SESSION_COOKIE_NAME in response.cookies


def test_a_page_soon_after_logging_in_does_not_write_the_session(client, world, settings):
    attempt(client, "clerk_a", "pw-Secret-123")
    for _ in range(3):
        response, writes = session_writes(client)
        assert response.status_code == 200
        assert writes == [] and not sets_the_session_cookie(response, settings)


def test_a_forced_log_in_counts_as_a_renewal_too(client, world, settings):
    client.force_login(world.clerk)
    response, writes = session_writes(client)
    assert response.status_code == 200 and writes == []


def test_the_session_is_renewed_once_the_renewal_interval_has_passed(client, world, settings):
    attempt(client, "clerk_a", "pw-Secret-123")
    key = client.session.session_key
    with time_machine.travel(datetime.timedelta(seconds=settings.SESSION_RENEW_SECONDS + 1)):
        response, writes = session_writes(client)
        assert response.status_code == 200
        assert len(writes) == 1 and sets_the_session_cookie(response, settings)
        expires = Session.objects.get(session_key=key).expire_date
        assert expires > datetime.datetime.now(datetime.UTC) + datetime.timedelta(
            seconds=settings.SESSION_COOKIE_AGE - 5
        )
        # Renewed: the next pages write nothing again.
        response, writes = session_writes(client)
        assert writes == [] and not sets_the_session_cookie(response, settings)


def test_an_idle_session_older_than_the_limit_is_logged_out(client, world, settings):
    attempt(client, "clerk_a", "pw-Secret-123")
    half = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE // 2)
    with time_machine.travel(half):
        assert client.get(HOME).status_code == 200  # renewed here
        with time_machine.travel(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)):
            response = client.get(HOME)
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_activity_in_the_second_half_of_the_window_extends_it(client, world, settings):
    attempt(client, "clerk_a", "pw-Secret-123")
    age = settings.SESSION_COOKIE_AGE
    with time_machine.travel(datetime.timedelta(seconds=age * 3 // 4)):
        assert client.get(HOME).status_code == 200
        # Past the first window (1.5 × the limit after logging in), alive thanks to the above.
        with time_machine.travel(datetime.timedelta(seconds=age * 3 // 4)):
            assert client.get(HOME).status_code == 200


def test_inactivity_counts_from_the_last_renewal_at_most_the_interval_before_the_last_page(
    client, world, settings
):
    """The price of not writing every request: logged out up to SESSION_RENEW_SECONDS early,
    never late."""
    attempt(client, "clerk_a", "pw-Secret-123")
    early = datetime.timedelta(seconds=settings.SESSION_RENEW_SECONDS // 2)
    with time_machine.travel(early):
        assert client.get(HOME).status_code == 200  # too soon to renew
        idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - early.seconds + 1)
        with time_machine.travel(idle):
            response = client.get(HOME)
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_an_anonymous_visit_creates_no_session(client, world, settings):
    response, writes = session_writes(client, reverse("accounts:login"))
    assert response.status_code == 200
    assert writes == [] and not sets_the_session_cookie(response, settings)
    assert not Session.objects.exists()


def test_logging_out_ends_the_session_for_good(client, world, settings):
    attempt(client, "clerk_a", "pw-Secret-123")
    key = client.session.session_key
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    with time_machine.travel(datetime.timedelta(seconds=settings.SESSION_RENEW_SECONDS + 1)):
        response = client.get(HOME)
    assert response.status_code == 302 and not Session.objects.exists()
