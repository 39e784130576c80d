"""Error pages: Chinese, in the site's layout, with the reason the code gave and a way back."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from config import errors
from tests import scenarios

pytestmark = pytest.mark.django_db

LAYOUT = "社会保险费征缴争议处理中心"  # the navbar brand of base.html


def test_an_unknown_page_is_a_chinese_404_in_the_layout_with_the_home_link(client, world):
    client.force_login(world.clerk)
    response = client.get("/no-such-page/", HTTP_REFERER="http://testserver/cases/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and LAYOUT in page
    assert 'id="home-link"' in page and 'href="/"' in page
    assert 'href="http://testserver/cases/" id="back-link"' in page
    assert "Not Found" not in page and "Resolver404" not in page


def test_a_case_out_of_sight_says_not_found_and_nothing_more(client, world):
    d = scenarios.registered(world)
    client.force_login(world.clerk_b)
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    assert "页面不存在" in page
    assert "No such case" not in page  # internal messages stay in the code


def test_a_translated_404_message_is_shown(client, world):
    d = scenarios.registered(world)
    client.force_login(world.clerk)
    response = client.get(reverse("reports:document", args=[d.number, "payslip"]))
    assert response.status_code == 404
    assert "没有“payslip”这种文书" in response.content.decode()


def test_a_403_gives_the_reason_the_code_raised(client, world):
    client.force_login(world.clerk)
    response = client.get(reverse("reports:access_log"))
    assert response.status_code == 403
    page = response.content.decode()
    assert LAYOUT in page and "无权访问" in page
    assert "只有督办人员可以查看访问日志" in page
    assert 'id="home-link"' in page


def test_a_back_link_to_another_site_is_not_offered(client, world):
    client.force_login(world.clerk)
    page = client.get("/nope/", HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in page and 'id="back-link"' not in page


def test_an_expired_form_is_a_chinese_403(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "表单已过期" in page and 'id="home-link"' in page
    assert "CSRF verification failed" not in page


def test_the_500_page_renders_without_a_request_context():
    page = render_to_string("500.html")
    assert "服务器出错" in page and LAYOUT in page and 'id="home-link"' in page
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


def test_a_view_that_crashes_answers_the_chinese_500(client, world, settings):
    settings.ROOT_URLCONF = "tests.reports.crashing_urls"
    client.raise_request_exception = False
    response = client.get("/crash/")
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()
