"""The case timeline's labels for what the archive and the documents record, registered on
import (by ``ReportsConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from disputes.timeline import register_labels

register_labels(
    {
        "reports.archive.frozen": _("Case file frozen in the archive"),
        "reports.document.issued": _("Document issued"),
        "reports.accountability.decided": _("Accountability outcome recorded"),
    }
)
