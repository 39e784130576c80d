"""A jurisdiction's full name ("芮城县古魏镇城东社区"), for many at once, from the stored paths."""

import pytest

from departments.models import Jurisdiction, full_names

pytestmark = pytest.mark.django_db


def test_the_full_names_of_a_whole_county_cost_no_query_beyond_reading_it(
    world, django_assert_num_queries
):
    county = list(world.county.subtree().order_by("path"))
    with django_assert_num_queries(0):
        names = full_names(county)
    assert names == {j.pk: j.full_name for j in county}
    assert names[world.village_a.pk] == "芮城县古魏镇城东社区"
    assert names[world.county.pk] == "芮城县"


def test_the_areas_above_a_few_villages_are_read_in_one_query(world, django_assert_num_queries):
    for i in range(3):
        Jurisdiction.objects.create(
            name=f"第{i}村", code=f"140830101{i:03d}", level="village", parent=world.town_b
        )
    villages = list(Jurisdiction.objects.filter(level="village"))
    with django_assert_num_queries(1):
        names = full_names(villages)
    assert names == {j.pk: j.full_name for j in villages}
    assert sorted(names.values()) == [
        "芮城县古魏镇城东社区",
        "芮城县风陵渡镇第0村",
        "芮城县风陵渡镇第1村",
        "芮城县风陵渡镇第2村",
    ]


def test_a_county_is_named_alone_and_no_names_cost_nothing(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert full_names([world.other_county]) == {world.other_county.pk: "永济市"}
        assert full_names([]) == {}
