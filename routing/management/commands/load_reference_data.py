from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from routing.reference_data import install_reference_data


class Command(BaseCommand):
    help = (
        "Install the role groups, departments, dispute categories, insurance types, channels and "
        "default routing rules. Safe to run again: nothing is duplicated."
    )

    def handle(self, *args, **options):
        summary = install_reference_data()
        labels = {
            "groups": _("role groups"),
            "departments": _("departments"),
            "categories": _("dispute categories"),
            "insurance_types": _("insurance types"),
            "channels": _("channels"),
            "routing_rules": _("routing rules"),
        }
        for kind, label in labels.items():
            self.stdout.write(
                _("%(label)s: %(total)d (%(created)d new)")
                % {
                    "label": label,
                    "total": summary.total.get(kind, 0),
                    "created": summary.created.get(kind, 0),
                }
            )
        self.stdout.write(self.style.SUCCESS(_("Reference data installed.")))
