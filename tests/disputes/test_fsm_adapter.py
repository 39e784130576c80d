"""django-fsm's internals are read in one module, disputes/fsm.py, and nowhere else."""

from pathlib import Path

from disputes import fsm, services
from disputes.models import Dispute, State


def test_only_the_adapter_module_reads_the_internals_of_the_fsm_library():
    root = Path(__file__).resolve().parents[2]
    not_ours = {"node_modules", "var", "staticfiles"}  # and the hidden ones: .venv, .git
    folders = [
        f for f in root.iterdir() if f.is_dir() and f.name[0] != "." and f.name not in not_ours
    ]
    files = [*root.glob("*.py"), *(p for f in folders for p in f.rglob("*.py"))]
    attribute = "_django" + "_fsm"  # spelt in two so that this file is not a reader itself
    readers = sorted(str(p.relative_to(root)) for p in files if attribute in p.read_text())
    assert readers == ["disputes/fsm.py"]


def test_the_adapter_reads_what_the_case_code_asks_for():
    assert fsm.custom(Dispute, "archive")["action"] == services.transition_action("archive")
    assert services.transition_action("archive") == "disputes.case.archived"
    sources = {t.source for t in fsm.transitions_of(Dispute, "archive")}
    assert sources == {State.CLOSED, State.RESOLVED_ON_SPOT, State.WITHDRAWN}


def test_the_adapter_tells_where_a_transition_leads_from_a_state():
    assert fsm.next_states(Dispute, "reply", State.AWAITING_REPLY) == (State.REPLIED,)
    assert fsm.next_states(Dispute, "transfer", State.REGISTERED) == (State.REGISTERED,)
    assert fsm.next_states(Dispute, "archive", State.WITHDRAWN) == (State.ARCHIVED,)
    # classify() returns its state: every one it may return.
    assert set(fsm.next_states(Dispute, "classify", State.REGISTERED)) == {
        State.RESOLVED_ON_SPOT,
        State.JOINT_HANDLING,
        State.ESCALATED,
    }
    assert fsm.next_states(Dispute, "reply", State.REGISTERED) == ()
    # 退单 leaves registration only, for the withdrawn state.
    assert fsm.next_states(Dispute, "return_to_channel", State.REGISTERED) == (State.WITHDRAWN,)
    assert fsm.next_states(Dispute, "return_to_channel", State.JOINT_HANDLING) == ()
