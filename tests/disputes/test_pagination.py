"""Lists count at most a cap and fetch a page by its keys, in the list's order."""

import pytest
from django.urls import reverse

from disputes import pagination
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


def test_a_list_longer_than_the_cap_counts_to_the_cap_and_says_so(world, monkeypatch):
    _cases(world, 6)
    monkeypatch.setattr(BoundedPaginator, "count_cap", 4)
    paginator = BoundedPaginator(Dispute.objects.order_by("pk"), 2)
    assert paginator.count == 4 and paginator.capped
    assert paginator.num_pages == 2
    assert not paginator.page(2).has_next()


def test_the_case_list_shows_a_capped_count_with_a_plus_and_the_way_to_narrow_it(
    client, world, monkeypatch
):
    _cases(world, 4)
    monkeypatch.setattr(BoundedPaginator, "count_cap", 2)
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    client.force_login(world.coordinator)
    page = client.get(reverse("disputes:list"), {"page": 1}).content.decode()
    assert ">2+</span>" in page
    response = client.get(reverse("disputes:list"), {"page": 2})
    # One page of 25 holds both counted rows: no pager, but the list says it stops there.
    assert "请用筛选条件缩小范围" in response.content.decode()
