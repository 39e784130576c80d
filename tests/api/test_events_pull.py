"""GET /api/v1/events/: a system pulls the events of the cases it handed in, in order, since
the last delivery id it has; nobody else's; errors in the API's JSON shape, in Chinese."""

import json
import re

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import delivery
from api.events import record_event
from api.models import SystemKey
from tests.api.conftest import api_client, handed_in

URL = "/api/v1/events/"


def test_the_route_is_named_events():
    assert reverse("api:events") == URL


def events(world, system, n):
    out = []
    for i in range(n):
        d = handed_in(world, system)
        with transaction.atomic():
            out.append(record_event(dispute=d, kind="accepted", data={"i": i}))
    return out


def test_a_system_pulls_its_events_since_a_delivery_id_a_page_at_a_time(world, puller):
    recorded = events(world, puller, 5)
    client = api_client(puller)
    first = client.get(URL, {"since": 0, "limit": 2})
    assert first.status_code == 200
    body = first.json()
    assert [e["delivery_id"] for e in body["events"]] == [1, 2]
    assert (body["last"], body["more"]) == (2, True)
    assert body["events"][0] == recorded[0].payload
    rest = client.get(URL, {"since": body["last"], "limit": 500}).json()
    assert [e["delivery_id"] for e in rest["events"]] == [3, 4, 5]
    assert (rest["last"], rest["more"]) == (5, False)
    assert [e["event_id"] for e in rest["events"]] == [str(e.uid) for e in recorded[2:]]
    nothing_new = client.get(URL, {"since": 5}).json()
    assert nothing_new == {"events": [], "last": 5, "more": False}


def test_the_defaults_are_since_0_and_100_events(world, puller):
    events(world, puller, 3)
    body = api_client(puller).get(URL).json()
    assert [e["delivery_id"] for e in body["events"]] == [1, 2, 3]


def test_a_pulled_event_is_the_one_pushed(world, hotline, receiver):
    (event,) = events(world, hotline, 1)
    delivery.attempt(event.delivery.pk)
    (pushed,) = receiver.received
    (pulled,) = api_client(hotline).get(URL).json()["events"]
    assert pulled == json.loads(pushed.body)
    assert pulled["delivery_id"] == pushed.delivery_id
    assert pulled["event_id"] == pushed.headers["X-Event-Id"]


def test_a_system_sees_only_its_own_events(world, hotline, puller):
    mine = events(world, puller, 2)
    events(world, hotline, 3)
    body = api_client(puller).get(URL).json()
    assert [e["event_id"] for e in body["events"]] == [str(e.uid) for e in mine]
    other = api_client(hotline).get(URL).json()
    assert len(other["events"]) == 3
    assert not {e["event_id"] for e in other["events"]} & {str(e.uid) for e in mine}


def test_without_a_key_it_is_401_in_json(world, puller, client):
    events(world, puller, 1)
    response = client.get(URL)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"]
    body = response.json()
    assert body["error"] == "not_authenticated" and body["message"]
    assert "events" not in body


def test_an_unknown_key_is_401_and_a_revoked_one_403(world, puller):
    client = api_client(puller)
    SystemKey.objects.filter(system=puller).update(revoked=True)
    assert client.get(URL).status_code == 403
    client.credentials(HTTP_AUTHORIZATION="Api-Key abcdefgh.not-a-key")
    assert client.get(URL).status_code == 401


def test_staff_logged_in_to_the_site_cannot_read_the_api(world, puller, client):
    events(world, puller, 1)
    client.force_login(world.clerk)
    assert client.get(URL).status_code == 401


SINCE = "“since” 应为已收到的最后一个送达编号：不小于 0 的整数。"
LIMIT = "“limit” 为本次返回的事件数：1 至 500 的整数。"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"since": "abc"}, "since", SINCE),
        ({"since": "-1"}, "since", SINCE),
        ({"since": "1.5"}, "since", SINCE),
        ({"since": str(2**63)}, "since", SINCE),
        ({"limit": "0"}, "limit", LIMIT),
        ({"limit": "501"}, "limit", LIMIT),
        ({"limit": "many"}, "limit", LIMIT),
    ],
)
def test_a_bad_since_or_limit_is_400_with_a_chinese_message(world, puller, query, field, message):
    response = api_client(puller).get(URL, query)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert body["fields"] == {field: [message]}


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    since=st.one_of(st.integers(), st.text(max_size=30)),
    limit=st.one_of(st.integers(), st.text(max_size=30)),
)
def test_no_query_string_gets_a_server_error(puller, since, limit):
    response = api_client(puller).get(URL, {"since": since, "limit": limit})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert set(response.json()["fields"]) <= {"since", "limit"}


def test_the_schema_describes_every_field_in_chinese_and_english(client):
    schema = client.get(reverse("api:docs-schema"), {"format": "json"}).json()
    operation = schema["paths"][URL]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["limit", "since"]
    described = [(p["name"], p["description"]) for p in operation["parameters"]]
    components = schema["components"]["schemas"]
    for name in ("EventPage", "Event", "PullError"):
        described += [
            (f"{name}.{k}", v.get("description", ""))
            for k, v in components[name]["properties"].items()
        ]
    for field, text in described:
        # (drf-spectacular appends an enum's choices on lines of their own)
        chinese, slash, english = text.split("\n")[0].partition(" / ")
        assert slash and any("\u4e00" <= c <= "\u9fff" for c in chinese), field
        assert re.search("[a-z]{3}", english) and english.isascii(), field
    assert set(components["Event"]["properties"]) == {
        "delivery_id", "event_id", "event", "work_order", "case", "state", "state_name",
        "stage", "stage_name", "due_at", "at", "data",
    }  # fmt: skip
