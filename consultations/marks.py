"""The 督办 mark on the cases of every list, registered on import (by
``ConsultationsConfig.ready``)."""

from django.utils.translation import gettext_lazy as _

from consultations import selectors
from disputes.marks import CaseMark, register

register(CaseMark("supervised", _("Under supervision"), selectors.supervised, "danger", 10))
