"""The conditions joint handling and the leading group put on the case's transitions,
registered on import (by ``ConsultationsConfig.ready``)."""

from consultations import selectors
from disputes import conditions

conditions.register(
    "consolidate", selectors.opinions_settled, why_not=selectors.consolidation_waits_for
)
# A case sent to the court is followed until the court reports back: only then is the file
# complete enough to archive.
conditions.register("archive", selectors.court_reported, why_not=selectors.court_awaited)
# Nor is a file complete while a task the meeting decided is still open.
conditions.register("archive", selectors.tasks_done, why_not=selectors.tasks_awaited)
# Nor while the leading-group office still supervises the case: it concludes first.
conditions.register(
    "archive", selectors.supervision_concluded, why_not=selectors.supervision_awaited
)
