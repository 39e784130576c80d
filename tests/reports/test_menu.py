"""The menu offers each persona exactly the desks their rules open: every link it shows
answers, and no desk page that would refuse them (403) is offered."""

import re

import pytest
from django.urls import reverse

PERSONAS = [
    "outsider", "clerk", "coordinator", "clerk_b", "officer_tax", "officer_hr",
    "officer_medical", "officer_gov", "lgo", "leader", "supervisor", "mediator", "cyber",
]  # fmt: skip
DESKS = [
    "disputes:create",
    "consultations:tasks",
    "consultations:workbench",
    "consultations:meetings",
    "reports:documents",
    "reports:access_log",
    "reports:dashboard",
    "reports:ledger",
]
# The oversight pages do not exist for those who do not oversee (404, not 403).
HIDDEN = {"reports:dashboard", "reports:ledger"}


def _menu(html: str) -> set[str]:
    nav = html[html.index('<ul class="navbar-nav me-auto">') :]
    nav = nav[: nav.index("</ul>")]
    return set(re.findall(r'href="([^"]+)"', nav))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_menu_offers_the_desks_that_open_and_no_other(client, world, persona):
    client.force_login(getattr(world, persona))
    menu = _menu(client.get(reverse("reports:home")).content.decode())
    for name in DESKS:
        url = reverse(name)
        status = client.get(url).status_code
        if url in menu:
            assert status == 200, (name, status)
        elif name in HIDDEN:
            assert status == 404, (name, status)
        else:
            assert status in (200, 403), (name, status)
            if name != "consultations:meetings":  # the meetings list opens, empty, for anyone
                assert status == 403, (name, status)


def test_each_desk_is_in_someones_menu(client, world):
    offered = set()
    for persona in PERSONAS:
        client.force_login(getattr(world, persona))
        offered |= _menu(client.get(reverse("reports:home")).content.decode())
    assert {reverse(name) for name in DESKS} <= offered
