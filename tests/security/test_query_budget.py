"""The filtered queue and list cost the same queries for 10 visible cases as for 10,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disputes import reach
from disputes.models import Dispute, State
from disputes.pagination import COUNT_FLOOR


def add_cases(w, n, start):
    """Cases written in bulk, past the signals: their reach rows are written by hand, as the
    demo's bulk generator does (disputes.reach.rebuild)."""
    made = Dispute.objects.bulk_create(
        Dispute(
            number=f"Q-{start + i:06d}",
            centre=w.centre_a,
            registered_centre=w.centre_a,
            first_responder=w.clerk,
            channel=w.window,
            jurisdiction=w.town_a,
            category=w.category,
            claim="c",
            summary="s",
            lead_department=w.tax,
            state=State.JOINT_HANDLING,
        )
        for i in range(n)
    )
    reach.rebuild(d.pk for d in made)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    paginator = response.context["page"].paginator
    return len(ctx.captured_queries), (paginator.count, paginator.capped)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["reports:home", "disputes:list"])
def test_the_queue_costs_the_same_for_10_and_for_10000_visible_cases(client, world, url_name):
    client.force_login(world.officer_tax)
    url = reverse(url_name)
    add_cases(world, 10, 0)
    few, count_few = queries_for(client, url)
    add_cases(world, 9_990, 10)
    many, count_many = queries_for(client, url)
    assert count_few == ((10, False) if url_name == "disputes:list" else count_few)
    # The first page counts no further than the count's floor, and says there are more.
    assert count_many == ((COUNT_FLOOR, True) if url_name == "disputes:list" else count_many)
    assert few == many
