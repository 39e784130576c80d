"""The error pages in a real browser: Chinese, the site's layout, and a way back that works."""

import pytest

from tests import scenarios

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_out_of_sight_is_a_chinese_404_with_ways_back(world, page, login):
    d = scenarios.registered(world)
    login("clerk_b")
    page.goto("/cases/")
    with page.expect_navigation() as navigation:  # followed from a page: the browser says whence
        page.evaluate(f"location.href = '/cases/{d.number}/'")
    assert navigation.value.status == 404
    assert page.locator("#error-page h1").inner_text() == "页面不存在"
    assert page.locator("nav.navbar").count() == 1  # the site's layout, the menu included
    page.click("#back-link")
    page.wait_for_url("**/cases/")
    page.goto(f"/cases/{d.number}/")
    page.click("#home-link")
    page.wait_for_url(lambda url: url.endswith("/"))
    assert page.locator("h1").first.inner_text().startswith("待我办理的案件")


def test_a_refusal_says_why_in_chinese(world, page, login):
    login("clerk_a")
    response = page.goto("/access-log/")
    assert response.status == 403
    assert page.locator("#error-reason").inner_text() == "只有督办人员可以查看访问日志。"
