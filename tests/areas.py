"""A second county in the installation (永济市), with its own tax bureau and centre.

The world's departments serve the whole installation except the government office; these
serve 永济市 only, so no form or service may hand them a case of 芮城县.
"""

from types import SimpleNamespace

from departments.models import Centre, Department


def second_county(w):
    other = SimpleNamespace(county=w.other_county)
    # Codes sorting before the world's, so that "the first one" is never the right answer.
    other.tax = Department.objects.create(
        name="永济市税务局", code="a_tax_yj", kind="tax", jurisdiction=w.other_county
    )
    other.court = Department.objects.create(
        name="永济市人民法院", code="a_court_yj", kind="court", jurisdiction=w.other_county
    )
    other.centre = Centre.objects.create(
        name="永济市争议处理中心",
        kind="processing_centre",
        code="YJ",
        jurisdiction=w.other_county,
    )
    return other
