"""Pushing events to a real HTTP receiver on 127.0.0.1: signed, in order per case, retried with
a doubling wait for a day, then given up; the beat's catch-up; the administrator's replay.

The clock is moved with time_machine (the delivery machinery reads the real time); the
attempts are driven by calling the task, as the worker would when its countdown ends."""

import datetime
import hashlib
import itertools
import json
import socket

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from api import delivery
from api.events import record_event
from api.models import ChannelSystem, Delivery, Event
from api.tasks import deliver_event, send_due_deliveries
from tests.api.conftest import SECRET, handed_in
from tests.api.receivers import Received, Receiver

T0 = datetime.datetime(2025, 3, 10, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def event_of(world, hotline, kind="accepted", dispute=None, **data):
    """An event recorded (and its delivery queued) as a transition records it."""
    d = dispute or handed_in(world, hotline)
    with transaction.atomic():
        return record_event(dispute=d, kind=kind, data=data)


def test_an_event_is_posted_signed_with_the_systems_secret(
    world, hotline, receiver, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(world, hotline, reply="答复内容")
    (got,) = receiver.received
    assert got.path == "/hook"
    assert got.headers["Content-Type"] == "application/json; charset=utf-8"
    assert got.headers["X-Delivery-Id"] == "1"
    assert got.headers["X-Event-Id"] == str(event.uid)
    assert got.headers["X-Timestamp"] == str(int(T0.timestamp()))
    assert got.signed_with(SECRET)
    assert not got.signed_with("another secret")
    body = got.json
    assert body == event.payload
    assert (body["delivery_id"], body["event"], body["case"]) == (
        1,
        "accepted",
        event.dispute.number,
    )
    assert body["data"] == {"reply": "答复内容"}
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.DELIVERED
    assert (row.attempts, row.last_status, row.last_error) == (1, 200, "")
    assert row.delivered_at == T0 and row.last_attempt_at == T0
    assert row.last_duration_ms is not None and row.next_attempt_at is None


def test_a_signature_covers_the_timestamp_and_the_exact_body(world, hotline, receiver, clock):
    event = event_of(world, hotline)
    delivery.attempt(event.delivery.pk)
    (got,) = receiver.received
    forged = got.body.replace(b'"accepted"', b'"closed"')
    assert forged != got.body
    assert not Received(got.path, got.headers, forged).signed_with(SECRET)
    moved = {**got.headers, "X-Timestamp": str(int(got.headers["X-Timestamp"]) + 600)}
    assert not Received(got.path, moved, got.body).signed_with(SECRET)
    # The body is UTF-8 JSON, its Chinese as it is.
    assert '"state_name":"已登记"'.encode() in got.body


def test_a_case_waits_behind_its_undelivered_event_and_other_cases_do_not(
    world, hotline, receiver, clock, django_capture_on_commit_callbacks
):
    d = handed_in(world, hotline)
    other = handed_in(world, hotline)
    receiver.answer_for[1] = 500
    with django_capture_on_commit_callbacks(execute=True):
        first = event_of(world, hotline, dispute=d)
        second = event_of(world, hotline, kind="replied", dispute=d)
        third = event_of(world, hotline, dispute=other)
    # The first failed; the second was not sent; the other case's went through.
    assert receiver.delivery_ids() == [1, 3]
    assert deliver_event(second.delivery.pk) == "waiting"
    assert receiver.delivery_ids() == [1, 3]
    assert Delivery.objects.get(event=third).status == Delivery.Status.DELIVERED
    second_row = Delivery.objects.get(event=second)
    assert (second_row.status, second_row.attempts) == (Delivery.Status.PENDING, 0)

    # The receiver is back; the first's retry delivers it, and its case's next follows.
    del receiver.answer_for[1]
    clock.shift(30)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_event(first.delivery.pk) == "delivered"
    assert receiver.delivery_ids() == [1, 3, 1, 2]
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}


def test_a_given_up_event_holds_back_the_later_ones_of_its_case(
    world, hotline, receiver, clock, settings
):
    settings.API_DELIVERY_GIVE_UP_SECONDS = 60
    d = handed_in(world, hotline)
    first = event_of(world, hotline, dispute=d)
    second = event_of(world, hotline, kind="replied", dispute=d)
    receiver.answers = [500, 500]
    assert delivery.attempt(first.delivery.pk) == "retry"
    clock.shift(60)
    assert delivery.attempt(first.delivery.pk) == "failed"
    assert delivery.attempt(second.delivery.pk) == "waiting"
    assert delivery.send_due() == 0
    assert receiver.delivery_ids() == [1, 1]


def test_a_failing_receiver_is_tried_again_after_30_then_60_seconds(
    world, hotline, receiver, clock, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 500]  # then 200
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(world, hotline)
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.last_status) == (Delivery.Status.PENDING, 1, 500)
    assert "500" in row.last_error
    assert row.next_attempt_at == T0 + datetime.timedelta(seconds=30)

    clock.shift(29)
    assert deliver_event(row.pk) == "not due"  # a task that comes early changes nothing
    clock.shift(1)
    assert deliver_event(row.pk) == "retry"
    row.refresh_from_db()
    assert (row.attempts, row.last_status) == (2, 500)
    assert row.next_attempt_at == T0 + datetime.timedelta(seconds=30 + 60)

    clock.shift(60)
    assert deliver_event(row.pk) == "delivered"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status, row.last_error) == (
        Delivery.Status.DELIVERED,
        3,
        200,
        "",
    )
    # Three times the same event: the same delivery id and event id, each signed afresh.
    assert [r.headers["X-Event-Id"] for r in receiver.received] == [str(event.uid)] * 3
    assert receiver.delivery_ids() == [1, 1, 1]
    assert [int(r.headers["X-Timestamp"]) - int(T0.timestamp()) for r in receiver.received] == [
        0,
        30,
        90,
    ]
    assert all(r.signed_with(SECRET) for r in receiver.received)


def test_after_a_day_of_failures_the_delivery_is_given_up(world, hotline, receiver, clock):
    receiver.answer_for[1] = 503
    event = event_of(world, hotline)
    row = event.delivery
    outcomes = [delivery.attempt(row.pk)]
    while outcomes[-1] == "retry":
        row.refresh_from_db()
        clock.move_to(row.next_attempt_at)
        outcomes.append(deliver_event(row.pk))
    row.refresh_from_db()
    assert row.status == Delivery.Status.FAILED and row.next_attempt_at is None
    assert row.last_status == 503
    stamps = [int(r.headers["X-Timestamp"]) for r in receiver.received]
    waits = [b - a for a, b in itertools.pairwise(stamps)]
    # Doubling from 30 seconds up to an hour, then hourly …
    assert waits[:8] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert set(waits[7:]) == {3600}
    # … until the first attempt a day or more after the first one, which gives up.
    day = 24 * 3600
    assert stamps[-2] - stamps[0] < day <= stamps[-1] - stamps[0]
    assert row.attempts == len(stamps) == len(outcomes)
    assert outcomes[-1] == "failed"
    # Nothing more is sent: not by a late task, not by the beat.
    clock.shift(3600)
    assert deliver_event(row.pk) == "not pending"
    assert send_due_deliveries() == 0
    assert len(receiver.received) == len(stamps)


def test_a_redirect_is_not_followed(world, hotline, receiver, clock):
    with Receiver() as elsewhere:
        receiver.answers = [302]
        receiver.redirect_to = elsewhere.url
        event = event_of(world, hotline)
        assert delivery.attempt(event.delivery.pk) == "retry"
        assert elsewhere.received == []
    row = Delivery.objects.get()
    assert row.last_status == 302
    assert elsewhere.url in row.last_error


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_system_is_tried_again_later(world, hotline, clock):
    hotline.callback_url = f"http://127.0.0.1:{free_port()}/hook"
    hotline.save()
    event = event_of(world, hotline)
    assert delivery.attempt(event.delivery.pk) == "retry"
    row = Delivery.objects.get()
    assert row.last_status is None and row.last_error
    assert row.next_attempt_at == T0 + datetime.timedelta(seconds=30)


def test_a_receiver_that_does_not_answer_in_time_is_tried_again_later(
    world, hotline, receiver, clock, settings
):
    settings.API_DELIVERY_READ_TIMEOUT = 1
    receiver.hold = 2  # seconds: longer than the centre waits
    event = event_of(world, hotline)
    assert delivery.attempt(event.delivery.pk) == "retry"
    row = Delivery.objects.get()
    assert (row.last_status, row.last_error) == (None, "接收方未在时限内应答。")


def test_only_http_and_https_urls_are_posted_to(world, hotline, clock):
    # Past the admin's URL validation (a row written some other way): nothing is read.
    ChannelSystem.objects.filter(pk=hotline.pk).update(callback_url="file:///etc/passwd")
    event = event_of(world, hotline)
    assert delivery.attempt(event.delivery.pk) == "retry"
    row = Delivery.objects.get()
    assert row.last_status is None and "unknown url type: file" in row.last_error


def test_the_beat_sends_what_is_due_and_lost_once(world, hotline, receiver, clock):
    # Recorded outside a captured on_commit: their tasks were never queued (a worker died).
    first = event_of(world, hotline)
    second = event_of(world, hotline)
    assert receiver.received == []
    assert send_due_deliveries() == 2
    assert sorted(receiver.delivery_ids()) == [1, 2]
    assert send_due_deliveries() == 0  # idempotent: nothing twice
    assert len(receiver.received) == 2
    for event in (first, second):
        assert Delivery.objects.get(event=event).status == Delivery.Status.DELIVERED


def test_an_attempt_under_way_is_left_alone_until_its_claim_runs_out(
    world, hotline, receiver, clock
):
    event = event_of(world, hotline)
    row = event.delivery
    # A worker took it and died mid-POST (its claim stands, nothing was recorded).
    assert delivery._claim(row.pk, timezone.now()) is not None
    assert deliver_event(row.pk) == "not due"
    assert send_due_deliveries() == 0
    clock.shift(delivery.lease().total_seconds())
    assert send_due_deliveries() == 1  # sent again: at least once
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Delivery.Status.DELIVERED, 2)
    assert receiver.delivery_ids() == [1]


def test_a_system_without_callback_url_any_more_gives_its_deliveries_up(
    world, hotline, receiver, clock
):
    event = event_of(world, hotline)
    hotline.callback_url = ""
    hotline.save()
    assert delivery.attempt(event.delivery.pk) == "failed"
    assert receiver.received == []


# -- the administrator ---------------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw-Secret-123")
    client.force_login(root)
    return client


def test_the_administrator_replays_a_delivery_with_the_same_ids(
    world, hotline, receiver, clock, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = event_of(world, hotline)
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.DELIVERED
    clock.shift(600)  # within the session's idle limit
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:api_delivery_changelist"),
            {"action": "replay_selected", "_selected_action": [row.pk], "index": 0},
        )
    assert response.status_code == 302
    assert response.url == reverse("admin:api_delivery_changelist")
    first, again = receiver.received
    assert again.headers["X-Delivery-Id"] == first.headers["X-Delivery-Id"] == "1"
    assert again.headers["X-Event-Id"] == first.headers["X-Event-Id"] == str(event.uid)
    assert again.body == first.body and again.signed_with(SECRET)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.replays) == (Delivery.Status.DELIVERED, 2, 1)
    assert row.replayed_at == T0 + datetime.timedelta(minutes=10)
    assert LogEntry.objects.filter(object_id=str(row.pk)).count() == 1


def test_a_given_up_delivery_is_highlighted_and_replayed(
    world, hotline, receiver, clock, admin_client, settings, django_capture_on_commit_callbacks
):
    settings.API_DELIVERY_GIVE_UP_SECONDS = 0
    receiver.answers = [500]
    d = handed_in(world, hotline)
    failed = event_of(world, hotline, dispute=d)
    waiting = event_of(world, hotline, kind="replied", dispute=d)
    assert delivery.attempt(failed.delivery.pk) == "failed"
    page = admin_client.get(reverse("admin:api_delivery_changelist")).content.decode()
    assert 'class="delivery-failed"' in page
    assert page.count('class="delivery-failed"') == 1
    assert d.number in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:api_delivery_changelist"),
            {"action": "replay_selected", "_selected_action": [failed.delivery.pk], "index": 0},
        )
    # Delivered now, and the event behind it followed.
    assert receiver.delivery_ids() == [1, 1, 2]
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}
    assert Delivery.objects.get(event=waiting).attempts == 1


def test_the_delivery_list_filters_and_costs_a_fixed_number_of_queries(
    world, hotline, receiver, clock, admin_client, django_assert_max_num_queries
):
    for _ in range(3):
        event_of(world, hotline)
    url = reverse("admin:api_delivery_changelist")
    # session, user, the count, the filtered count, the rows (with event, system, case and
    # whether each waits), the systems for the filter, and the savepoints around them.
    with django_assert_max_num_queries(12) as few:
        assert admin_client.get(url).status_code == 200
    for _ in range(20):
        event_of(world, hotline)
    with django_assert_max_num_queries(12) as many:
        page = admin_client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert page.content.decode().count("12345热线") >= 23
    filtered = admin_client.get(url, {"status__exact": "pending", "event__kind__exact": "accepted"})
    assert filtered.status_code == 200


def test_an_event_is_shown_read_only_in_the_admin(world, hotline, receiver, clock, admin_client):
    event = event_of(world, hotline)
    page = admin_client.get(reverse("admin:api_event_change", args=[event.pk])).content.decode()
    assert str(event.uid) in page and event.dispute.number in page
    assert admin_client.get(reverse("admin:api_event_add")).status_code == 403
    assert admin_client.post(reverse("admin:api_event_delete", args=[event.pk])).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_body_digest_is_stable_across_attempts(world, hotline, receiver, clock):
    receiver.answers = [500]
    event = event_of(world, hotline)
    delivery.attempt(event.delivery.pk)
    clock.shift(30)
    delivery.attempt(event.delivery.pk)
    digests = {hashlib.sha256(r.body).hexdigest() for r in receiver.received}
    assert len(digests) == 1
    assert json.loads(receiver.received[0].body) == event.payload
