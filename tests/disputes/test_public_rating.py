"""The payer rates the reply on the status page, with the case number and query code."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from disputes import limits, services
from disputes.models import FollowUp, Satisfaction
from routing.models import Deadline, Stage
from tests import scenarios

pytestmark = pytest.mark.django_db

RATE = "/status/rate/"


@pytest.fixture(autouse=True)
def _no_earlier_guesses():
    cache.delete(limits._status_key("127.0.0.1"))
    yield
    cache.delete(limits._status_key("127.0.0.1"))


def rate(client, d, satisfaction="satisfied", remarks="", code=None):
    return client.post(
        RATE,
        {
            "number": d.number,
            "code": d.query_code if code is None else code,
            "satisfaction": satisfaction,
            "remarks": remarks,
        },
    )


def test_the_status_page_offers_the_rating_once_the_reply_is_given(client, world):
    scenarios.default_policies()
    d = scenarios.awaiting_reply(world)
    page = client.post("/status/", {"number": d.number, "code": d.query_code}).content.decode()
    assert 'id="rate-reply"' not in page
    services.dispute_reply(dispute=d, actor=world.clerk, text="答复")
    page = client.post("/status/", {"number": d.number, "code": d.query_code}).content.decode()
    assert 'id="rate-reply"' in page and "您对答复是否满意" in page
    assert reverse("public_rate") == RATE


def test_a_rating_is_recorded_changed_and_closes_the_follow_up_limit(client, world):
    scenarios.default_policies()
    d = scenarios.replied(world)
    page = rate(client, d, "dissatisfied").content.decode()
    assert "请说明您不满意的原因" in page
    assert not FollowUp.objects.exists()

    page = rate(client, d, "dissatisfied", remarks="没有解释清楚").content.decode()
    assert "感谢您的评价" in page and 'id="your-rating"' in page and "不满意" in page
    page = rate(client, d, "basically").content.decode()
    assert "基本满意" in page
    rating = FollowUp.objects.get(dispute=d)
    assert rating.method == FollowUp.Method.ONLINE and rating.satisfaction == "basically"
    assert rating.recorded_by is None
    d.refresh_from_db()
    assert d.satisfaction == Satisfaction.BASICALLY
    clock = Deadline.objects.get(dispute=d, stage=Stage.FOLLOW_UP)
    assert clock.status == Deadline.Status.MET
    # The timeline names the payer, not "the system".
    detail = client.get(reverse("disputes:detail", args=[d.number]))
    assert detail.status_code == 302  # not logged in: the case page is not public
    client.force_login(world.clerk)
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    assert "缴费人（进度查询页面）" in page and "缴费人修改了网上评价" in page


def test_a_wrong_code_rates_nothing_and_counts_as_a_wrong_guess(client, world):
    d = scenarios.replied(world)
    page = rate(client, d, code="AAAAAAAA").content.decode()
    assert "没有与该案件编号和查询码相符的案件" in page
    assert not FollowUp.objects.exists()
    for _ in range(limits.STATUS_ATTEMPTS):
        rate(client, d, code="AAAAAAAA")
    page = rate(client, d).content.decode()  # the right code, but locked out now
    assert "尝试次数过多" in page
    assert not FollowUp.objects.exists()


def test_a_closed_case_keeps_its_rating(client, world):
    d = scenarios.replied(world)
    rate(client, d, "satisfied")
    services.dispute_accept(dispute=d, actor=world.clerk)
    page = rate(client, d, "dissatisfied", remarks="改主意了").content.decode()
    assert "已办结，评价不能再修改" in page
    assert 'id="rate-reply"' not in page  # no form once closed
    assert FollowUp.objects.get(dispute=d).satisfaction == "satisfied"
    page = client.post("/status/", {"number": d.number, "code": d.query_code}).content.decode()
    assert 'id="your-rating"' in page and 'id="rate-reply"' not in page


def test_garbage_gets_a_message_not_an_error(client, world):
    d = scenarios.replied(world)
    for data in ({}, {"number": d.number}, {"number": d.number, "code": d.query_code}):
        response = client.post(RATE, {**data, "satisfaction": "delighted"})
        assert response.status_code == 200
    assert not FollowUp.objects.exists()
    assert client.get(RATE).status_code == 405
