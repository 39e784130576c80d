"""The consultations section of the case page, registered on import (by
``ConsultationsConfig.ready``)."""

from consultations import selectors
from disputes.sections import CaseSection, register

register(
    CaseSection("consultations", "consultations/_case_section.html", selectors.case_section, 30),
    CaseSection(
        "supervision", "consultations/_supervision_section.html", selectors.supervision_section, 31
    ),
)
