"""A case is shared only with the units of its own county (and installation-wide
departments): the share form offers no other, and the service refuses a crafted request."""

import pytest
from django.urls import reverse

from departments.models import Centre
from disputes import grants
from disputes.exceptions import DisputeError
from disputes.models import DisputeGroupObjectPermission
from tests.areas import second_county

pytestmark = pytest.mark.django_db


def test_the_centre_selector_keeps_the_cases_county(world):
    other = second_county(world)
    Centre.objects.create(
        name="已撤销中心",
        kind="acceptance_point",
        code="OLD",
        jurisdiction=world.town_a,
        active=False,
    )
    ours = {world.lgo_centre, world.centre_a, world.centre_b}
    assert set(Centre.objects.serving(world.village_a)) == ours
    assert set(Centre.objects.serving(world.other_county)) == {other.centre}
    for centre in Centre.objects.all():
        for area in (world.village_a, world.town_b, world.other_county):
            assert centre.serves(area) == (centre in set(Centre.objects.serving(area)))


def test_the_share_form_offers_only_units_of_the_cases_county(client, world):
    other = second_county(world)
    d = world.make_dispute()
    client.force_login(world.coordinator)
    url = reverse("disputes:access", args=[d.number])
    form = client.get(url).context["form"]
    departments = set(form.fields["department"].queryset)
    centres = set(form.fields["centre"].queryset)
    assert world.tax in departments and other.tax not in departments
    assert world.centre_b in centres and other.centre not in centres
    for data in ({"department": other.tax.pk}, {"centre": other.centre.pk}):
        response = client.post(url, {"reason": "请协查", **data})
        assert response.status_code == 200 and response.context["form"].errors
    assert not DisputeGroupObjectPermission.objects.filter(content_object=d).exists()


def test_the_share_service_refuses_another_countys_unit(world):
    other = second_county(world)
    d = world.make_dispute()
    for unit in (other.tax, other.centre):
        with pytest.raises(DisputeError) as refused:
            grants.access_grant(
                dispute=d, actor=world.coordinator, group=unit.group, reason="请协查"
            )
        assert unit.name in str(refused.value.message)
        assert "不负责" in str(refused.value.message)
    assert not DisputeGroupObjectPermission.objects.filter(content_object=d).exists()
    grants.access_grant(dispute=d, actor=world.coordinator, group=world.centre_b.group, reason="r")
    assert DisputeGroupObjectPermission.objects.filter(content_object=d).exists()
