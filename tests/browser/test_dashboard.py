"""The dashboard in a real browser: the supervisor opens it, every chart is drawn, no script
fails, the labels do not run into each other, shares read in per cent, and a click on a bar (or
on a number in the figures list) opens the ledger listing as many cases as the figure."""

import re

import pytest

from tests.reports.dashboard_cases import build_county

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERIOD = "from=2025-01-01&to=2025-06-20"


def overlapping_labels(page, name: str) -> list:
    """The pairs of texts of one chart that overlap (axis labels, bar labels, legend): each
    text's box turned as it is drawn (the months are slanted), compared by separating axes."""
    return page.evaluate(
        """(name) => {
            const corners = (t) => {
                const b = t.getBBox(), m = t.getScreenCTM();
                return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height],
                        [b.x, b.y + b.height]].map(([x, y]) =>
                    [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
            };
            const apart = (p, q) => [p, q].some((poly) => poly.some((a, i) => {
                const b = poly[(i + 1) % 4], axis = [a[1] - b[1], b[0] - a[0]];
                const span = (ps) => ps.map(([x, y]) => x * axis[0] + y * axis[1]);
                const sp = span(p), sq = span(q);
                const length = Math.hypot(axis[0], axis[1]) || 1;
                return (Math.min(Math.max(...sp), Math.max(...sq)) -
                        Math.max(Math.min(...sp), Math.min(...sq))) / length <= 1;
            }));
            const texts = Array.from(document.querySelectorAll(`#chart-${name} svg text`))
                .filter((t) => t.textContent.trim())
                .map((t) => [t.textContent, corners(t)]);
            const pairs = [];
            for (let i = 0; i < texts.length; i++) {
                for (let j = i + 1; j < texts.length; j++) {
                    if (!apart(texts[i][1], texts[j][1])) pairs.push([texts[i][0], texts[j][0]]);
                }
            }
            return pairs;
        }""",
        name,
    )


def bar_point(page, name: str, key: str) -> dict:
    """Where on the page the middle of a bar is, read from the chart (convertToPixel)."""
    return page.evaluate(
        """([name, key]) => {
            const el = document.getElementById(`chart-${name}`);
            // At once: Bootstrap scrolls smoothly, and the box is read just after.
            el.scrollIntoView({block: "center", behavior: "instant"});
            const chart = echarts.getInstanceByDom(el);
            const data = chart.getOption().series[0].data;
            const i = data.findIndex((d) => d.item.key === key);
            const sideways = chart.getOption().yAxis[0].type === "category";
            const at = sideways ? [data[i].value / 2, i] : [i, data[i].value / 2];
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, at);
            const box = el.getBoundingClientRect();
            return {x: box.left + x, y: box.top + y, url: data[i].url, value: data[i].value};
        }""",
        [name, key],
    )


def ledger_count(page) -> int:
    return int(page.locator("#ledger-count").inner_text().rstrip("+"))


def test_the_supervisor_reads_the_charts_and_clicks_through_to_the_ledger(world, page, login):
    build_county(world)
    errors = []

    def console(message):
        # The browser asks every site for /favicon.ico, which this one does not serve.
        if message.type == "error" and "favicon.ico" not in message.location.get("url", ""):
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1400, "height": 900})
    login("supervisor")
    page.goto(f"/dashboard/?{PERIOD}")
    page.wait_for_selector("#dashboard[data-ready='1']")

    charts = page.eval_on_selector_all(".dashboard-chart", "els => els.map(e => e.id)")
    assert len(charts) == 20
    for chart in charts:
        # Every series of this county has figures: each chart is drawn, none is empty.
        assert page.locator(f"#{chart} svg").count() == 1, chart
        name = chart.removeprefix("chart-")
        assert overlapping_labels(page, name) == [], name
    assert page.locator("#hotspots table td a").count() > 0
    assert page.locator("#total-received").inner_text() == "22"

    texts = page.locator("#chart-on_time_by_department svg text").all_text_contents()
    assert "87.5%" in texts  # HR: seven of its eight limits met
    hr = page.locator("#figures-on_time_by_department li[data-key=hrss]").inner_text()
    assert hr.startswith("芮城县人社局：87.5%（8个时限中按时7个，涉及"), hr
    declines = page.locator("#figures-declines_by_department li[data-key=hrss]").inner_text()
    assert "件中回退2件" in declines, declines
    pie = " ".join(page.locator("#chart-by_payer_kind svg text").all_text_contents())
    assert re.search(r"企业\s*6（27\.3%）", pie), pie
    assert "第90百分位数" in page.locator("#chart-reply_days_by_classification").text_content()
    # The rates: centre A's two rated cases both satisfied, one of its three replied redone.
    rated = page.locator("#figures-satisfaction_by_centre li[data-key=GA]").inner_text()
    assert rated == "古魏镇处理中心：100.0%（已评价2件中满意或基本满意2件）", rated
    redone = page.locator("#figures-redo_by_department li[data-key=tax]").inner_text()
    assert redone == "芮城县税务局：33.3%（已答复3件中重办1件）", redone

    # A bar: the tax bureau's overdue cases.
    bar = bar_point(page, "overdue_by_department", "tax")
    page.mouse.click(bar["x"], bar["y"])
    page.wait_for_url("**/ledger/**")
    assert page.url.endswith(bar["url"])
    assert "department=tax" in page.url and "deadline=overdue_now" in page.url
    assert ledger_count(page) == bar["value"] > 0

    # A number in a chart's figures list: February's intake.
    page.go_back()
    page.wait_for_selector("#dashboard[data-ready='1']")
    link = page.locator("#figures-by_month li[data-key='2025-02'] a")
    assert link.inner_text() == "4"
    link.click()
    page.wait_for_url("**/ledger/**")
    assert ledger_count(page) == 4
    assert errors == []
