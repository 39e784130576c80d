"""Payers check progress on the public status page with the case number and query code."""

import os
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from config.cache import SharedFileCache
from disputes import limits
from disputes.models import QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH
from reports.documents.render import render_pdf
from tests import scenarios
from tests.reports.pdf import read

pytestmark = pytest.mark.django_db

URL = "/status/"
NO_MATCH = "没有与该案件编号和查询码相符的案件"


@pytest.fixture(autouse=True)
def _no_earlier_guesses():
    # Only this page's counters: on Redis the cache shares its server with Celery.
    for address in ("127.0.0.1", "10.1.2.3"):
        cache.delete(limits._status_key(address))
    yield
    for address in ("127.0.0.1", "10.1.2.3"):
        cache.delete(limits._status_key(address))


def ask(client, number, code, address="127.0.0.1", **headers):
    return client.post(URL, {"number": number, "code": code}, REMOTE_ADDR=address, **headers)


def test_the_page_is_at_status_and_needs_no_log_in(client):
    assert reverse("public_status") == URL
    response = client.get(URL)
    assert response.status_code == 200
    assert "查询码" in response.content.decode()


def test_a_payer_sees_the_state_of_their_case_and_nothing_personal(client, world):
    d = scenarios.joint_handling(world)
    payer = d.parties.get().payer

    page = ask(client, d.number, d.query_code).content.decode()

    assert 'id="case-status"' in page
    assert d.number in page and "联办中" in page and world.centre_a.name in page
    for secret in (payer.name, payer.id_number, payer.masked_id_number, payer.phone, d.claim):
        assert secret not in page


def test_the_code_may_be_typed_in_lower_case_with_spaces(client, world):
    d = scenarios.registered(world)
    page = ask(client, f" {d.number.lower()} ", f" {d.query_code.lower()} ").content.decode()
    assert 'id="case-status"' in page


def test_a_wrong_code_says_no_more_than_an_unknown_number(client, world):
    d = scenarios.registered(world)
    wrong = "2" * QUERY_CODE_LENGTH if d.query_code != "2" * QUERY_CODE_LENGTH else "3" * 8

    wrong_code = ask(client, d.number, wrong).content.decode()
    unknown = ask(client, "GA-2026-999999", d.query_code).content.decode()

    assert NO_MATCH in wrong_code and NO_MATCH in unknown
    assert 'id="case-status"' not in wrong_code and 'id="case-status"' not in unknown
    assert d.get_state_display() not in wrong_code


def test_ten_wrong_guesses_lock_the_address_out_for_a_while(client, world):
    d = scenarios.registered(world)
    for _ in range(limits.STATUS_ATTEMPTS):
        ask(client, d.number, "WRONGXX2")

    locked = ask(client, d.number, d.query_code).content.decode()
    assert "尝试次数过多" in locked and 'id="case-status"' not in locked
    elsewhere = ask(client, d.number, d.query_code, address="10.1.2.3").content.decode()
    assert 'id="case-status"' in elsewhere


def test_every_case_gets_a_code_of_its_own(world):
    codes = [scenarios.registered(world).query_code for _ in range(20)]
    assert len(set(codes)) == 20
    assert all(len(c) == QUERY_CODE_LENGTH and set(c) <= set(QUERY_CODE_ALPHABET) for c in codes)


def test_the_case_page_shows_the_code_only_to_those_who_handle_the_case(client, world):
    d = scenarios.joint_handling(world)
    client.force_login(world.clerk)
    assert d.query_code in client.get(f"/cases/{d.number}/").content.decode()
    client.force_login(world.supervisor)
    assert d.query_code not in client.get(f"/cases/{d.number}/").content.decode()


def test_the_receipt_gives_the_code_and_where_to_check(settings, world):
    d = scenarios.registered(world)
    assert d.query_code in read(render_pdf("receipt", d)).flat

    settings.PUBLIC_BASE_URL = "https://sbf.example.gov.cn/"
    assert "https://sbf.example.gov.cn/status/" in read(render_pdf("receipt", d)).flat


def test_rotating_ipv6_addresses_inside_one_64_are_one_guesser(client, world):
    d = scenarios.registered(world)
    for n in range(limits.STATUS_ATTEMPTS):
        ask(client, d.number, "WRONGXX2", address=f"2001:db8:1:2::{n + 1:x}")

    locked = ask(client, d.number, d.query_code, address="2001:db8:1:2:ffff::9").content.decode()
    assert "尝试次数过多" in locked and 'id="case-status"' not in locked
    neighbour = ask(client, d.number, d.query_code, address="2001:db8:1:3::1").content.decode()
    assert 'id="case-status"' in neighbour


def test_behind_a_trusted_proxy_each_payer_is_counted_by_their_own_address(client, world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    d = scenarios.registered(world)
    for _ in range(limits.STATUS_ATTEMPTS):
        ask(client, d.number, "WRONGXX2", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")

    def via_proxy(payer):
        return ask(
            client, d.number, d.query_code, address="10.0.0.2", HTTP_X_FORWARDED_FOR=payer
        ).content.decode()

    assert "尝试次数过多" in via_proxy("198.51.100.7")
    assert 'id="case-status"' in via_proxy("198.51.100.8")


def test_a_forwarded_for_header_from_anyone_but_a_trusted_proxy_is_ignored(client, world):
    d = scenarios.registered(world)
    for n in range(limits.STATUS_ATTEMPTS):
        ask(client, d.number, "WRONGXX2", address="10.1.2.3", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    locked = ask(client, d.number, d.query_code, address="10.1.2.3").content.decode()
    assert "尝试次数过多" in locked


# -- the counter, shared by the processes of the embedded default -----------------------------

_GUESSER = """
import django, sys
django.setup()
from disputes import limits
for _ in range(int(sys.argv[1])):
    limits.status_failed("203.0.113.9")
print(limits.status_locked_out("203.0.113.9"))
"""


def _embedded_process(var_dir, guesses):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "PYTEST_XDIST_WORKER"}
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings", VAR_DIR=str(var_dir))
    return subprocess.Popen(
        [sys.executable, "-c", _GUESSER, str(guesses)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_the_embedded_default_counts_the_guesses_of_every_web_process_together(tmp_path):
    # Two web processes of `make run` (no Redis): each sees fewer wrong guesses than the limit.
    half = limits.STATUS_ATTEMPTS // 2
    first = _embedded_process(tmp_path, half)
    assert first.communicate(timeout=120)[0].strip() == "False"
    second = _embedded_process(tmp_path, limits.STATUS_ATTEMPTS - half)
    assert second.communicate(timeout=120)[0].strip() == "True"


_COUNTER = """
import sys
from config.cache import SharedFileCache
cache = SharedFileCache(sys.argv[1], {})
for _ in range(int(sys.argv[2])):
    cache.incr("n")
"""


def test_counting_in_the_file_cache_loses_nothing_when_processes_count_at_once(tmp_path):
    counter = SharedFileCache(str(tmp_path), {})
    counter.add("n", 0, 3600)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _COUNTER, str(tmp_path), "150"], cwd=settings.BASE_DIR
        )
        for _ in range(4)
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0
    assert SharedFileCache(str(tmp_path), {}).get("n") == 600


def test_counting_in_the_file_cache_keeps_the_window_it_was_started_with(tmp_path):
    counter = SharedFileCache(str(tmp_path), {"TIMEOUT": 300})
    with time_machine.travel(0, tick=False) as clock:
        counter.add("n", 1, limits.STATUS_WINDOW_SECONDS)
        clock.shift(limits.STATUS_WINDOW_SECONDS - 60)
        assert counter.incr("n") == 2
        clock.shift(59)
        assert counter.get("n") == 2  # not restarted with the cache's default 300 seconds ...
        clock.shift(2)
        assert counter.get("n") is None  # ... and over when the window is
        with pytest.raises(ValueError):
            counter.incr("n")
