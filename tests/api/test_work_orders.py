"""A hotline's work order becomes a case through the window's intake, once; the hotline reads
its status back, urges and cancels it, and sees nothing it did not send or deliver."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from api.models import ApiCall, SystemKey, WorkOrder
from departments.models import Centre
from disputes.forms import PayerForm
from disputes.models import Attachment, Dispute, Notification, Payer, State
from routing import services as routing_services
from tests.api.systems import client_for, make_system, work_order
from tests.conftest import resident_id

URL = "/api/v1/work-orders/"


@pytest.fixture
def hotline(world, policies):
    world.centre_a.duty_clerk = world.coordinator
    world.centre_a.save()
    return make_system(world)


def post(system, body, **extra):
    return client_for(system).post(URL, body, format="json", **extra)


# -- handing in -----------------------------------------------------------------------------


def test_a_work_order_becomes_a_case_at_the_centre_of_its_place(world, hotline):
    response = post(hotline, work_order(world))
    assert response.status_code == 201, response.content
    body = response.json()
    case = Dispute.objects.get(number=body["case"])
    assert body["work_order"] == "GD20261203001"
    assert body["query_code"] == case.query_code
    assert body["status_url"].endswith(f"/api/v1/cases/{case.number}/")
    # The village's town centre, the system's channel, the duty clerk first, the system's
    # account as the one who registered it.
    assert case.centre == world.centre_a
    assert case.channel == hotline.channel
    assert case.first_responder == world.coordinator
    assert case.delivered_by == hotline.user
    assert case.state == State.REGISTERED
    assert case.number.startswith("GA-")
    assert str(case.amount) == "3200.50"
    assert list(case.insurance_types.all()) == [world.pension]
    entry = case.timeline.get()
    assert entry.action == "disputes.case.registered" and entry.actor == hotline.user
    order = WorkOrder.objects.get(dispute=case)
    assert order.system == hotline and order.due_at is not None
    assert order.attachment_links == [
        {"name": "录音.mp3", "url": "https://12345.example.invalid/files/1"}
    ]
    assert Attachment.objects.get(dispute=case).name == "工资单.pdf"
    # The duty clerk hears of it.
    note = Notification.objects.get(user=world.coordinator, dispute=case)
    assert "GD20261203001" in note.message


def test_the_payers_other_open_cases_are_shown_on_the_case_page_not_in_the_notice(
    world, hotline, client
):
    first = post(hotline, work_order(world)).json()["case"]
    second = post(hotline, work_order(world, number="GD20261203002")).json()["case"]
    note = Notification.objects.get(user=world.coordinator, dispute__number=second)
    assert first not in note.message
    client.force_login(world.clerk)
    assert first in client.get(f"/cases/{second}/").content.decode()


def test_the_case_is_in_the_clerks_queue_and_classifying_it_works(world, hotline, client):
    number = post(hotline, work_order(world)).json()["case"]
    client.force_login(world.clerk)
    assert number in client.get("/cases/").content.decode()
    case = routing_services.dispute_classify(
        dispute=Dispute.objects.get(number=number),
        actor=world.clerk,
        classification="general",
        lead_department=world.tax,
    )
    assert case.state == State.JOINT_HANDLING


def test_the_case_page_names_the_system_on_the_timeline(world, hotline, client):
    number = post(hotline, work_order(world)).json()["case"]
    client.force_login(world.clerk)
    page = client.get(f"/cases/{number}/").content.decode()
    assert "12345热线" in page and "system-hotline-12345" not in page
    # The files the hotline keeps are links on the case's work-order card.
    assert 'href="https://12345.example.invalid/files/1"' in page and "录音.mp3" in page


def test_without_a_duty_clerk_a_clerk_of_the_centre_answers_first(world, policies):
    system = make_system(world)
    response = post(system, work_order(world))
    assert response.status_code == 201
    assert Dispute.objects.get().first_responder == world.clerk


def test_a_centre_with_no_clerk_refuses_the_order_and_keeps_nothing(world, policies):
    lonely = Centre.objects.create(
        name="城东处理中心", kind="processing_centre", code="CD", jurisdiction=world.village_a
    )
    system = make_system(world, centres=[lonely])
    response = post(system, work_order(world))
    assert response.status_code == 400
    assert response.json()["message"] == "城东处理中心没有可接收线上案件的值班受理人员。"
    assert not Dispute.objects.exists() and not Payer.objects.exists()


# -- idempotency ----------------------------------------------------------------------------


def test_the_same_work_order_again_is_the_same_case(world, hotline):
    first = post(hotline, work_order(world))
    again = post(hotline, work_order(world) | {})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Dispute.objects.count() == 1 and WorkOrder.objects.count() == 1


def test_the_same_content_in_another_key_order_is_the_same_work_order(world, hotline):
    body = work_order(world)
    post(hotline, body)
    reordered = dict(reversed(list(body.items())))
    assert post(hotline, reordered).status_code == 200


def test_the_same_number_with_other_content_is_a_conflict(world, hotline):
    case = post(hotline, work_order(world)).json()["case"]
    response = post(hotline, work_order(world, claim="请求退还多缴费用。"))
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "conflict" and case in body["message"]
    assert Dispute.objects.count() == 1


def test_another_system_may_use_the_same_number(world, hotline):
    other = make_system(world, code="hotline-12366", name="12366热线")
    assert post(hotline, work_order(world)).status_code == 201
    assert post(other, work_order(world, serial=902)).status_code == 201
    assert Dispute.objects.count() == 2


# -- invalid input: the window's messages, nothing kept ----------------------------------


def _fields(response):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid"
    return body["fields"]


def _form_message(**data):
    form = PayerForm({"kind": "employee", "name": "张三", "side": "applicant", **data})
    assert not form.is_valid()
    return form.errors


def test_a_missing_field_is_named(world, hotline):
    body = work_order(world)
    for name in ("number", "received_at", "caller", "jurisdiction", "category", "claim"):
        body.pop(name)
    fields = _fields(post(hotline, body))
    assert set(fields) >= {"number", "received_at", "caller", "jurisdiction", "category"}
    assert fields["claim"] == ["该字段是必填项。"]


def test_a_wrong_check_digit_gets_the_windows_message(world, hotline):
    wrong = resident_id(901)[:-1] + ("0" if resident_id(901)[-1] != "0" else "1")
    body = work_order(world)
    body["caller"]["id_number"] = wrong
    fields = _fields(post(hotline, body))
    assert fields["caller"]["id_number"] == _form_message(id_number=wrong)["id_number"]
    assert not Dispute.objects.exists() and not Payer.objects.exists()


def test_a_bad_phone_gets_the_windows_message(world, hotline):
    body = work_order(world)
    body["caller"]["phone"] = "12345"
    fields = _fields(post(hotline, body))
    expected = _form_message(id_number=resident_id(901), phone="12345")["phone"]
    assert fields["caller"]["phone"] == expected


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"jurisdiction": "999999999999"}, "jurisdiction", "代码"),
        ({"category": "nonsense"}, "category", "nonsense"),
        ({"insurance_types": ["enterprise_pension", "nope"]}, "insurance_types", "nope"),
        ({"amount": "-1"}, "amount", "0"),
        ({"amount": "1.234"}, "amount", "2"),
        ({"amount": "lots"}, "amount", "数"),
        ({"number": "工单/1"}, "number", "64"),
        ({"received_at": "yesterday"}, "received_at", "日期"),
        ({"claim": ""}, "claim", "不能为空"),
        ({"summary": "内容\x00"}, "summary", "空字符"),
    ],
)
def test_each_bad_field_is_refused_with_its_reason(world, hotline, change, field, words):
    fields = _fields(post(hotline, work_order(world, **change)))
    assert field in fields, fields
    assert words.lower() in json.dumps(fields[field], ensure_ascii=False).lower(), fields
    assert not Dispute.objects.exists()


def test_a_time_received_in_the_future_is_refused(world, hotline):
    later = (timezone.localtime() + datetime.timedelta(days=2)).isoformat()
    fields = _fields(post(hotline, work_order(world, received_at=later)))
    assert fields["received_at"] == ["受理时间不能晚于当前时间。"]


def test_a_place_outside_the_systems_scope_is_refused(world, hotline):
    far = Centre.objects.create(
        name="永济市处理中心", kind="processing_centre", code="YJ", jurisdiction=world.other_county
    )
    assert far.pk
    fields = _fields(post(hotline, work_order(world, jurisdiction=world.other_county.code)))
    assert world.other_county.name in fields["jurisdiction"][0]


def test_an_area_scope_admits_every_centre_inside_it(world, policies):
    system = make_system(world, centres=[], areas=[world.county])
    assert post(system, work_order(world)).status_code == 201
    far = make_system(world, code="far", name="外县热线", centres=[], areas=[world.other_county])
    assert post(far, work_order(world, serial=903)).status_code == 400


def test_attachments_are_checked_like_the_windows(world, hotline):
    bad = work_order(world, attachments=[{"name": "a.pdf", "content_base64": "%%%"}])
    assert "base64" in json.dumps(_fields(post(hotline, bad)), ensure_ascii=False)
    fake = work_order(
        world, attachments=[{"name": "a.pdf", "content_base64": "PGh0bWw+PC9odG1sPg=="}]
    )
    fields = _fields(post(hotline, fake))
    assert "attachments" in fields
    both = work_order(world, attachments=[{"name": "a.pdf"}])
    assert "attachments" in _fields(post(hotline, both))
    assert not Dispute.objects.exists() and not Attachment.objects.exists()


def test_a_body_that_is_not_json_is_refused_in_chinese(world, hotline):
    response = client_for(hotline).post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"
    assert "JSON" in response.json()["message"]


@override_settings(API_MAX_BODY_BYTES=2048)
def test_a_body_over_the_limit_is_413(world, hotline):
    response = post(hotline, work_order(world, summary="很长" * 2000))
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert not Dispute.objects.exists()
    # Refused before the URL was resolved, and logged all the same.
    call = ApiCall.objects.get()
    assert (call.endpoint, call.status, call.system) == ("api:work_orders", 413, None)


# -- who may call ---------------------------------------------------------------------------


def test_no_key_is_401_with_the_scheme_named(world, hotline):
    response = client_for().post(URL, work_order(world), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["error"] == "not_authenticated"


def test_an_unknown_key_is_401(world, hotline):
    prefix = hotline.raw_key.split(".")[0]
    for key in ("nonsense", f"{prefix}.wrongsecret", "a.b"):
        response = client_for(key=key).get(f"{URL}X/")
        assert response.status_code == 401, key
        assert response.json()["message"] == "API 密钥无效。"


def test_a_revoked_or_expired_key_or_a_switched_off_system_is_403(world, hotline):
    key = SystemKey.objects.get(system=hotline)
    key.revoked = True
    key.save()
    response = post(hotline, work_order(world))
    assert response.status_code == 403 and "吊销" in response.json()["message"]

    _k, fresh = SystemKey.objects.create_key(
        system=hotline, name="旧", expiry_date=timezone.now() - datetime.timedelta(days=1)
    )
    response = client_for(key=fresh).post(URL, work_order(world), format="json")
    assert response.status_code == 403 and "过期" in response.json()["message"]

    _k, third = SystemKey.objects.create_key(system=hotline, name="新")
    hotline.active = False
    hotline.save()
    response = client_for(key=third).post(URL, work_order(world), format="json")
    assert response.status_code == 403 and "停用" in response.json()["message"]
    assert not Dispute.objects.exists()


def test_the_systems_account_cannot_log_in(world, hotline, client):
    assert not hotline.user.is_active and not hotline.user.has_usable_password()
    response = client.post("/accounts/login/", {"username": hotline.user.username, "password": "x"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_each_system_is_throttled_at_its_own_rate(world, hotline):
    hotline.rate = "3/min"
    hotline.save()
    other = make_system(world, code="hotline-12366", name="12366热线")
    cache.clear()
    statuses = [client_for(hotline).get(f"{URL}X/").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    response = client_for(hotline).get(f"{URL}X/")
    assert response.json()["error"] == "throttled" and "请求" in response.json()["message"]
    assert client_for(other).get(f"{URL}X/").status_code == 404


def test_every_call_is_logged(world, hotline):
    post(hotline, work_order(world))
    client_for(key="abcdefgh.nope").get(f"{URL}X/")
    calls = list(ApiCall.objects.order_by("id"))
    assert [(c.system, c.status, c.endpoint, c.method) for c in calls] == [
        (hotline, 201, "api:work_orders", "POST"),
        (None, 401, "api:work_order", "GET"),
    ]
    assert calls[0].key_prefix == hotline.raw_key.split(".")[0]
    assert calls[1].key_prefix == "abcdefgh"
    assert all(c.duration_ms >= 0 and c.address == "127.0.0.1" for c in calls)


# -- reading back ---------------------------------------------------------------------------


def test_status_follows_the_case_and_shows_no_payer_numbers(world, hotline):
    receipt = post(hotline, work_order(world)).json()
    case = Dispute.objects.get(number=receipt["case"])
    status = client_for(hotline).get(f"{URL}GD20261203001/").json()
    assert status["state"] == "registered" and status["state_label"] == "已登记"
    assert status["stage"] == "classification" and status["due_at"]
    assert status["handling_unit"] == world.centre_a.name
    assert status["reply"] == "" and status["system_due_at"]

    routing_services.dispute_classify(
        dispute=case, actor=world.clerk, classification="general", lead_department=world.tax
    )
    by_case = client_for(hotline).get(f"/api/v1/cases/{case.number}/").json()
    assert by_case["state"] == "joint_handling"
    assert by_case["handling_unit"] == world.tax.name
    text = json.dumps(by_case, ensure_ascii=False)
    for secret in (resident_id(901), "13912345678", "张三", "古魏镇城东社区"):
        assert secret not in text


def test_a_system_reads_only_what_it_handed_in(world, hotline):
    other = make_system(world, code="hotline-12366", name="12366热线")
    case = post(hotline, work_order(world)).json()["case"]
    window_case = world.make_dispute()
    for path in (
        f"{URL}GD20261203001/",
        f"/api/v1/cases/{case}/",
        f"/api/v1/cases/{window_case.number}/",
    ):
        response = client_for(other).get(path)
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"
    assert client_for(hotline).get(f"/api/v1/cases/{window_case.number}/").status_code == 404


# -- urging and cancelling ------------------------------------------------------------------


def test_urging_tells_the_centre_and_is_on_the_timeline(world, hotline):
    case = post(hotline, work_order(world)).json()["case"]
    response = client_for(hotline).post(
        f"{URL}GD20261203001/urge/", {"note": "来电人再次来电催问。"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "registered"
    entry = Dispute.objects.get(number=case).timeline.get(action="disputes.case.urged")
    assert entry.actor == hotline.user and entry.note == "来电人再次来电催问。"
    told = set(
        Notification.objects.filter(kind="disputes.case.urged").values_list("user", flat=True)
    )
    assert told == {world.clerk.pk, world.coordinator.pk}


def test_cancelling_withdraws_the_case_once(world, hotline):
    case = post(hotline, work_order(world)).json()["case"]
    cancel = f"{URL}GD20261203001/cancel/"
    response = client_for(hotline).post(cancel, {"reason": "来电人撤回诉求。"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    d = Dispute.objects.get(number=case)
    assert d.state == State.WITHDRAWN and d.withdrawal_reason == "来电人撤回诉求。"
    assert d.timeline.get(action="disputes.case.withdrawn").actor == hotline.user
    again = client_for(hotline).post(cancel, {"reason": "再次撤单"}, format="json")
    assert again.status_code == 200 and again.json()["message"] == "该案件此前已撤回。"
    assert d.timeline.filter(action="disputes.case.withdrawn").count() == 1
    # Urging a withdrawn case is a conflict; a reason is required to cancel.
    urge = client_for(hotline).post(f"{URL}GD20261203001/urge/", {}, format="json")
    assert urge.status_code == 409
    assert _fields(client_for(hotline).post(cancel, {}, format="json"))["reason"]


def test_a_closed_case_cannot_be_cancelled(world, hotline):
    case = post(hotline, work_order(world)).json()["case"]
    routing_services.dispute_classify(
        dispute=Dispute.objects.get(number=case),
        actor=world.clerk,
        classification="simple",
        note="当场答复",
    )
    response = client_for(hotline).post(
        f"{URL}GD20261203001/cancel/", {"reason": "撤单"}, format="json"
    )
    assert response.status_code == 409
    assert Dispute.objects.get(number=case).state == State.RESOLVED_ON_SPOT


def test_a_system_cannot_urge_or_cancel_another_systems_order(world, hotline):
    other = make_system(world, code="hotline-12366", name="12366热线")
    post(hotline, work_order(world))
    for action in ("urge", "cancel"):
        response = client_for(other).post(
            f"{URL}GD20261203001/{action}/", {"reason": "x"}, format="json"
        )
        assert response.status_code == 404
    assert Dispute.objects.get().state == State.REGISTERED


# -- the documentation ----------------------------------------------------------------------


def test_the_schema_and_its_pages_are_served_from_our_own_files(client, db):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    spec = json.loads(schema.content)
    assert "/api/v1/work-orders/" in spec["paths"]
    caller = spec["components"]["schemas"]["CallerRequest"]["properties"]
    assert all(" / " in p["description"] for p in caller.values())
    for page in ("/api/docs/", "/api/redoc/"):
        html = client.get(page).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn" not in html.lower() and "unpkg" not in html.lower()


def test_a_check_names_the_centres_an_active_system_reaches_without_a_duty_clerk(world):
    from api.checks import online_centres_have_duty_clerks

    assert online_centres_have_duty_clerks(databases=["default"]) == []
    make_system(world, centres=[], areas=[world.county])
    warning = online_centres_have_duty_clerks(databases=["default"])[0]
    assert warning.id == "api.W001"
    assert world.centre_a.name in warning.msg and world.centre_b.name in warning.msg
    world.centre_a.duty_clerk = world.clerk
    world.centre_a.save()
    world.centre_b.duty_clerk = world.clerk_b
    world.centre_b.save()
    assert online_centres_have_duty_clerks(databases=["default"]) == []


def test_an_unknown_query_parameter_is_refused(world, hotline):
    response = client_for(hotline).get(f"{URL}GD20261203001/?verbose=1")
    assert response.status_code == 400
    assert response.json()["fields"] == {"verbose": ["该接口没有这一查询参数。"]}
    pulled = client_for(hotline).get("/api/v1/events/?sinse=3")
    assert pulled.status_code == 400 and "sinse" in pulled.json()["fields"]
    assert client_for(hotline).get("/api/v1/events/?since=0&limit=5").status_code == 200
    twice = client_for(hotline).get("/api/v1/events/?since=1&since=0")
    assert twice.status_code == 400 and twice.json()["fields"] == {
        "since": ["该查询参数只能给出一次。"]
    }
    for empty in ("since=", "limit="):
        assert client_for(hotline).get(f"/api/v1/events/?{empty}").status_code == 400, empty


def test_the_call_log_keeps_its_period(world, hotline, settings):
    from api.calls import purge_old

    settings.API_CALL_KEEP_DAYS = 30
    client_for(hotline).get(f"{URL}X/")
    old = ApiCall.objects.create(
        system=hotline,
        method="GET",
        endpoint="api:work_order",
        status=200,
        duration_ms=3,
        at=timezone.now() - datetime.timedelta(days=31),
    )
    assert purge_old() == 1 and purge_old() == 0
    assert not ApiCall.objects.filter(pk=old.pk).exists() and ApiCall.objects.count() == 1
