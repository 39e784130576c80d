"""The case search: fragments of names and case numbers through the index, whole numbers
exactly (disputes.search)."""

import pytest
from django.db import connection
from django.urls import reverse

from disputes import search
from disputes.models import Dispute, Party, Payer
from disputes.services import PartyData, PayerData
from tests.conftest import credit_code, resident_id

pytestmark = pytest.mark.django_db


def _company_case(world, name, serial):
    party = PartyData(
        payer=PayerData(kind="employer", name=name, id_number=credit_code(serial)),
        is_representative=True,
    )
    return world.make_dispute(payers=[party])


def _listed(client, q):
    response = client.get(reverse("disputes:list"), {"q": q})
    assert response.status_code == 200
    return {d.number for d in response.context["page"]}, response


def test_two_characters_in_the_middle_of_a_company_name_find_its_case(client, world):
    ours = _company_case(world, "芮城县晋南机械有限公司", 901)
    other = _company_case(world, "运城市黄河物流有限公司", 902)
    client.force_login(world.coordinator)
    found, _ = _listed(client, "晋南")
    assert ours.number in found and other.number not in found
    found, _ = _listed(client, "有限公司")
    assert {ours.number, other.number} <= found


def test_a_latin_fragment_is_found_whatever_its_case(client, world):
    ours = _company_case(world, "ABB芮城电气有限公司", 903)
    client.force_login(world.coordinator)
    assert ours.number in _listed(client, "abb")[0]


def test_a_fragment_of_a_case_number_finds_the_case(client, world):
    d = world.make_dispute()
    world.make_dispute()
    client.force_login(world.coordinator)
    found, _ = _listed(client, d.number[-6:])
    assert d.number in found
    assert _listed(client, d.number)[0] == {d.number}


def test_one_character_is_refused_with_a_message_and_lists_nothing(client, world):
    world.make_dispute()
    client.force_login(world.coordinator)
    found, response = _listed(client, "申")
    assert found == set()
    assert "请至少输入两个字" in response.content.decode()


def test_a_whole_phone_finds_the_cases_registered_with_it_however_it_is_typed(client, world):
    party = PartyData(
        payer=PayerData(
            kind="employee", name="郭晓燕", id_number=resident_id(904), phone="13903590001"
        ),
        is_representative=True,
    )
    d = world.make_dispute(payers=[party])
    client.force_login(world.coordinator)
    assert _listed(client, "139-0359-0001")[0] == {d.number}


def test_the_search_is_a_set_of_keys_the_list_intersects_with_what_the_user_sees(world):
    d = _company_case(world, "芮城县晋南机械有限公司", 905)
    assert set(Dispute.objects.filter(pk__in=search.cases_matching("晋南"))) == {d}
    code = Party.objects.get(dispute=d).payer.id_number
    assert set(Dispute.objects.filter(pk__in=search.cases_of_payer_number(code))) == {d}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN indexes are PostgreSQL's")
@pytest.mark.parametrize(
    ("model", "field", "index"),
    [(Payer, "name", "payer_name_bigrams"), (Dispute, "number", "dispute_number_bigrams")],
)
def test_postgresql_answers_a_fragment_from_the_bigram_index(world, model, field, index):
    _company_case(world, "芮城县晋南机械有限公司", 906)
    # As the search asks it (search.cases_matching): the keys, in no order.
    qs = model.objects.filter(search.text_contains(field, "晋南")).order_by().values("pk")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="an encoding is PostgreSQL's")
def test_a_database_not_in_utf8_is_an_error_at_start_up():
    import psycopg2
    from django.db.backends.postgresql.base import DatabaseWrapper

    from disputes.checks import check_database_encoding, encoding_error

    assert check_database_encoding(databases=["default"]) == []
    name = f"{connection.settings_dict['NAME']}_latin1"
    admin = psycopg2.connect(
        host=connection.settings_dict["HOST"] or None,
        port=connection.settings_dict["PORT"] or None,
        user=connection.settings_dict["USER"],
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f"CREATE DATABASE \"{name}\" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' "
                    "TEMPLATE template0")  # fmt: skip
    other = DatabaseWrapper({**connection.settings_dict, "NAME": name}, alias="latin1")
    try:
        error = encoding_error(other)
    finally:
        other.close()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE "{name}"')
        admin.close()
    assert error is not None and error.id == "disputes.E003"
    assert "LATIN1" in error.msg and "UTF-8" in error.msg
