"""scripts/callback_receiver.py, the README's little receiver: it verifies what the centre
posts, prints one line an event, and answers 200."""

import importlib.util
import io
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import transaction

from api import delivery
from api.events import record_event
from api.models import Delivery
from tests.api.conftest import SECRET, handed_in

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "callback_receiver.py"


def load_script():
    spec = importlib.util.spec_from_file_location("callback_receiver", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def script_receiver(hotline):
    """The script's handler on a random port, with the secret given; the hotline posts to it."""
    script = load_script()
    out = io.StringIO()

    def serve(secret, **options):
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), script.make_handler(secret, out=out, **options)
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        hotline.callback_url = f"http://127.0.0.1:{server.server_address[1]}/"
        hotline.save()
        return out

    servers = []
    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def push(world, hotline, number):
    d = handed_in(world, hotline, number=number)
    with transaction.atomic():
        event = record_event(dispute=d, kind="accepted", data={})
    return event, delivery.attempt(event.delivery.pk)


def test_it_prints_a_verified_event_and_answers_200(world, hotline, script_receiver):
    out = script_receiver(SECRET)
    event, outcome = push(world, hotline, "GD20250310001")
    assert outcome == "delivered"
    line = out.getvalue().strip()
    assert line == (
        f"delivery 1  event accepted  work order GD20250310001  case {event.dispute.number}"
        "  state registered  verified yes"
    )


def test_with_the_wrong_secret_it_says_not_verified(world, hotline, script_receiver):
    out = script_receiver("not the secret")
    _event, outcome = push(world, hotline, "GD20250310002")
    assert outcome == "delivered"  # it answers 200 all the same: it is for watching
    assert out.getvalue().strip().endswith("verified no")


def test_strict_it_refuses_what_it_cannot_verify(world, hotline, script_receiver):
    out = script_receiver("not the secret", strict=True)
    _event, outcome = push(world, hotline, "GD20250310003")
    assert outcome == "retry"
    assert Delivery.objects.get().last_status == 401
    assert out.getvalue().strip().endswith("verified no")


def test_an_old_timestamp_is_not_verified():
    script = load_script()
    body = b'{"event":"accepted"}'
    headers = {
        "X-Timestamp": "1000",
        "X-Signature": script.expected_signature(SECRET, "1000", body),
    }
    assert script.verified(SECRET, headers, body, max_age=300, now=1000 + 300)
    assert not script.verified(SECRET, headers, body, max_age=300, now=1000 + 301)
    assert not script.verified("other", headers, body, max_age=300, now=1000)
    assert not script.verified(SECRET, {**headers, "X-Timestamp": "abc"}, body, max_age=300)


def test_its_signature_is_the_centres(world, hotline):
    script = load_script()
    body = b'{"a":1}'
    assert script.expected_signature(SECRET, "1741570200", body) == delivery.signature(
        SECRET, 1741570200, body
    )
