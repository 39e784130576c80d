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
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.models import SystemKey
from tests.api.systems import make_system

spec = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(spec)


class InTestHandler(WSGIHandler):
    """Django's WSGI handler, but keeping the test's database connection (inside the test's
    transaction) across requests, as Django's test client does: a plain handler closes it when
    a request ends (``close_old_connections`` on ``request_started`` / ``request_finished``)."""

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = super().__call__(environ, start_response)
            body = b"".join(response)
            response.close()  # sends request_finished, here without closing the connection
            return [body]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


schema.app = InTestHandler()

EXAMPLES = int(os.environ.get("SCHEMA_EXAMPLES", "15"))
# The test system's key, known before any test runs (the schema's explicit examples are built
# at collection): the fixture stores it, hashed, as the system's key. The auth provider sends it,
# so that Schemathesis knows the Authorization header is the credentials, not a field to mangle.
KEY = "schemath.esis-test-key-of-the-hotline-system"


@schema.auth()
class SystemKeyAuth:
    def get(self, case, context):
        return KEY

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Api-Key {data}"}


@pytest.fixture
def key(world, policies):
    world.centre_a.duty_clerk = world.clerk
    world.centre_a.save()
    system = make_system(world, areas=[world.county])
    system.rate = "100000/min"
    system.save()
    prefix = KEY.partition(".")[0]
    hashed = SystemKey.objects.key_generator.hash(KEY)
    SystemKey.objects.create(
        id=f"{prefix}.{hashed}", prefix=prefix, hashed_key=hashed, system=system, name="测试"
    )
    return KEY


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
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    # A request that carried the key was judged by its input (some leave the key out on
    # purpose, to see that the API refuses them).
    if (case.headers or {}).get("Authorization") == f"Api-Key {key}":
        assert response.status_code != 401, response.text
