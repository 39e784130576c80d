"""Lists count as far as the page asked for needs (within a floor and a ceiling) and fetch a
page by its keys, in the list's order."""

import pytest
from django.urls import reverse

from disputes.models import Dispute
from disputes.pagination import BoundedPaginator

pytestmark = pytest.mark.django_db


def _cases(world, n):
    return [world.make_dispute() for _ in range(n)]


def test_a_page_holds_the_lists_rows_in_its_order(world):
    made = _cases(world, 7)
    qs = Dispute.objects.order_by("-received_at", "-pk").select_related("centre")
    paginator = BoundedPaginator(qs, 3)
    assert paginator.count == 7 and not paginator.capped
    pages = [list(paginator.page(n)) for n in (1, 2, 3)]
    expected = list(qs)
    assert [d.pk for page in pages for d in page] == [d.pk for d in expected]
    assert {d.pk for d in made} == {d.pk for d in expected}
    assert pages[0][0].centre == world.centre_a  # the relations came with the rows


def test_a_long_list_counts_past_the_page_asked_for_and_says_it_has_more(world, monkeypatch):
    _cases(world, 9)
    monkeypatch.setattr(BoundedPaginator, "count_floor", 4)
    monkeypatch.setattr(BoundedPaginator, "count_ceiling", 6)
    qs = Dispute.objects.order_by("pk")
    first = BoundedPaginator(qs, 2)
    page = first.get_page(1)
    assert first.count == 4 and first.capped and page.has_next()
    # Page 2 counts to the end of page 3, within the ceiling of 6.
    second = BoundedPaginator(qs, 2)
    page = second.get_page(2)
    assert second.count == 6 and second.capped and page.has_next()
    assert [d.pk for d in page] == [d.pk for d in qs[2:4]]
    # Past the ceiling: the last counted page, which says the list goes on.
    last = BoundedPaginator(qs, 2)
    page = last.get_page(5)
    assert page.number == 3 and not page.has_next() and last.capped
    monkeypatch.setattr(BoundedPaginator, "count_ceiling", 100)
    whole = BoundedPaginator(qs, 20)
    whole.get_page(1)
    assert whole.count == 9 and not whole.capped


def test_the_case_list_shows_a_capped_count_with_a_plus_and_the_way_to_narrow_it(
    client, world, monkeypatch
):
    _cases(world, 4)
    monkeypatch.setattr(BoundedPaginator, "count_floor", 2)
    monkeypatch.setattr(BoundedPaginator, "count_ceiling", 2)
    client.force_login(world.coordinator)
    page = client.get(reverse("disputes:list"), {"page": 1}).content.decode()
    assert ">2+</span>" in page
    response = client.get(reverse("disputes:list"), {"page": 2})
    # One page of 25 holds both counted rows: no pager, but the list says it stops there.
    assert "请用筛选条件缩小范围" in response.content.decode()


def test_past_the_first_page_one_walk_gives_the_count_and_the_keys(
    world, django_assert_num_queries
):
    _cases(world, 7)
    qs = Dispute.objects.order_by("-received_at", "-pk")
    # The first page: the count (stopping at the cap), its keys, its rows.
    with django_assert_num_queries(3):
        first = list(BoundedPaginator(qs, 3).get_page(1))
    assert [d.pk for d in first] == [d.pk for d in qs[:3]]
    # Any later page: the keys up to the cap, which are the count too, then its rows.
    with django_assert_num_queries(2):
        third = BoundedPaginator(qs, 3).get_page(3)
        rows = list(third)
        count, capped = third.paginator.count, third.paginator.capped
    assert [d.pk for d in rows] == [d.pk for d in qs[6:7]]
    assert (count, capped) == (7, False)
