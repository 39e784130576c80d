"""The API against its own schema: Schemathesis generates requests for every operation (valid
and invalid, a bounded number per operation) and checks each answer — never a server error,
status codes, content types and bodies as the schema documents them, invalid input refused.

``positive_data_acceptance`` is left out: input of the right shape is still refused when the
window's rules refuse it (a wrong check digit, an unknown area code), with 400 as documented.
"""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.systems import make_system

spec = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(spec)
schema.app = WSGIHandler()

EXAMPLES = int(os.environ.get("SCHEMA_EXAMPLES", "15"))


@pytest.fixture
def key(world, policies):
    world.centre_a.duty_clerk = world.clerk
    world.centre_a.save()
    system = make_system(world, areas=[world.county])
    system.rate = "100000/min"
    system.save()
    return system.raw_key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_answers_as_its_schema_says(case, key):
    case.call_and_validate(
        headers={"Authorization": f"Api-Key {key}"},
        excluded_checks=[positive_data_acceptance],
    )
