"""The ledger's table (django-tables2): one ``LedgerRow`` a line, as ``reports.exports`` reads
them. The rows come sorted and paginated by the database (``exports.SORTS``, a bounded count):
the table draws them and the sort links in its header, and sorts nothing itself."""

import django_tables2 as tables
from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2.data import TableListData

from departments.templatetags.ui import state_style
from disputes.models import Dispute
from disputes.pagination import BoundedPaginator
from reports.exports import Overdue, Tick, ledger_rows

TICK_STYLES = {
    Tick.MET: "success",
    Tick.LATE: "warning",
    Tick.OPEN: "info",
    Tick.OVERDUE: "danger",
}
DAY = "n月j日"
MOMENT = "Y-m-d H:i"
SUMMARY_CHARS = 40


class SortedAlready(TableListData):
    """The page's rows in the order the database gave them: a header click asks the database
    again (the ``sort`` parameter), it never re-sorts the one page."""

    def order_by(self, aliases):
        return None


def _moment(value):
    return date_format(value, MOMENT) if value else "—"


class LedgerTable(tables.Table):
    number = tables.Column(gettext_lazy("Case number"), attrs={"td": {"class": "text-nowrap"}})
    received = tables.Column(gettext_lazy("Received"), accessor="received_at")
    channel = tables.Column(gettext_lazy("Channel"), orderable=False)
    payer_kind = tables.Column(gettext_lazy("Payer kind"), orderable=False)
    payers = tables.Column(gettext_lazy("Payers"), orderable=False)
    category = tables.Column(gettext_lazy("Category"), orderable=False)
    summary = tables.Column(gettext_lazy("Main content"), orderable=False)
    insurance_types = tables.Column(gettext_lazy("Insurance types"), orderable=False)
    amount = tables.Column(
        gettext_lazy("Amount in dispute (yuan)"),
        orderable=False,
        attrs={"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}},
    )
    jurisdiction = tables.Column(gettext_lazy("Jurisdiction"), orderable=False)
    centre = tables.Column(gettext_lazy("Owning centre"), orderable=False)
    classification = tables.Column(gettext_lazy("Classification"), orderable=False)
    lead_department = tables.Column(gettext_lazy("Lead department"), orderable=False)
    co_departments = tables.Column(gettext_lazy("Co-handling departments"), orderable=False)
    state = tables.Column(gettext_lazy("State"))
    current_stage = tables.Column(gettext_lazy("Current stage and due"), orderable=False)
    working_days = tables.Column(
        gettext_lazy("Working days used"), orderable=False, attrs={"td": {"class": "text-end"}}
    )
    overdue = tables.Column(gettext_lazy("Overdue"), orderable=False)
    replied_at = tables.Column(gettext_lazy("Replied at"), orderable=False)
    closed_at = tables.Column(gettext_lazy("Closed at"), orderable=False)
    response = tables.Column(gettext_lazy("Payer's response"), orderable=False)
    archive_number = tables.Column(gettext_lazy("Archive number"), orderable=False)
    satisfaction = tables.Column(gettext_lazy("Payer's satisfaction"), orderable=False)
    redo_count = tables.Column(
        gettext_lazy("Times redone"), orderable=False, attrs={"td": {"class": "text-end"}}
    )
    tick_offs = tables.Column(gettext_lazy("Time limits (tick-off)"), orderable=False)

    class Meta:
        template_name = "django_tables2/bootstrap5.html"
        order_by_field = "sort"
        empty_text = gettext_lazy("No cases.")
        attrs = {
            "class": "table table-sm table-hover align-middle ledger-table mb-0",
            "id": "ledger-table",
        }

    def __init__(self, rows, *, sort: str, narrow: bool = False, **kwargs):
        super().__init__(SortedAlready(list(rows)), order_by=sort, **kwargs)
        # A list short enough to sort at once sorts by the columns no index serves too.
        for name in ("amount", "replied_at", "closed_at"):
            self.columns[name].column.orderable = narrow
        self.order_by = sort  # again: a column made orderable above may be the one sorted by

    # Every value is shown, even an empty one (a dash), so the row reads as the paper one.
    def render_number(self, record):
        flags = []
        if record.is_group_dispute:
            flags.append(("danger", _("Group")))
        if record.is_public_opinion_risk:
            flags.append(("warning", _("Public opinion")))
        return format_html(
            '<a href="{}">{}</a>{}',
            reverse("disputes:detail", kwargs={"number": record.number}),
            record.number,
            format_html_join(
                "", ' <span class="badge text-bg-{}">{}</span>', ((s, t) for s, t in flags)
            ),
        )

    def render_received(self, value):
        return _moment(value)

    def render_payers(self, value):
        return format_html_join(mark_safe("<br>"), "{}", ((p,) for p in value)) or "—"

    def render_summary(self, value):
        short = value if len(value) <= SUMMARY_CHARS else value[:SUMMARY_CHARS] + "…"
        return format_html('<span title="{}">{}</span>', value, short)

    def render_insurance_types(self, value):
        return "、".join(value) or "—"

    def render_co_departments(self, value):
        return "、".join(value) or "—"

    def render_amount(self, value):
        return f"{value:,.2f}"

    def render_state(self, record):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            state_style(record.state),
            record.state_label,
        )

    def render_current_stage(self, record):
        if not record.current_stage:
            return "—"
        return format_html(
            '{}<div class="small text-body-secondary text-nowrap">{}</div>',
            record.current_stage,
            _("due %(day)s") % {"day": date_format(record.stage_due, DAY)},
        )

    def render_overdue(self, record):
        if not record.overdue:
            return "—"
        style = "danger" if record.overdue == Overdue.NOW else "warning"
        late = (
            _("%(days)s working days late") % {"days": record.days_late} if record.days_late else ""
        )
        return format_html(
            '<span class="badge text-bg-{}">{}</span><div class="small text-nowrap">{}</div>',
            style,
            record.overdue_label,
            late,
        )

    def render_replied_at(self, value):
        return _moment(value)

    def render_closed_at(self, value):
        return _moment(value)

    def render_redo_count(self, value):
        return value or "—"

    def render_tick_offs(self, value):
        if not value:
            return "—"
        return format_html(
            '<div class="tick-offs">{}</div>',
            format_html_join(
                "",
                '<span class="badge rounded-pill text-bg-{} tick tick-{}" title="{}">'
                "{} · {} {}</span>",
                (
                    (
                        TICK_STYLES[t.state],
                        t.state,
                        t.summary,
                        f"{t.stage_label}（{t.department}）" if t.department else t.stage_label,
                        t.state_label,
                        date_format(t.day, DAY),
                    )
                    for t in value
                ),
            ),
        )


class LedgerPaginator(BoundedPaginator):
    """The ledger's pages: counted up to ``LEDGER_COUNT_CAP`` rows at most (a COUNT over a
    LIMIT: "10,000+" beyond), each page's rows read by ``exports.ledger_rows`` from its keys
    (a fixed number of queries a page, whatever its cases hang on to)."""

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_floor = self.count_ceiling = settings.LEDGER_COUNT_CAP
        self.numbers = numbers

    def fetch(self, pks: list) -> list:
        rows = {
            row.pk: row
            for row in ledger_rows(Dispute.objects.filter(pk__in=pks), numbers=self.numbers)
        }
        return [rows[pk] for pk in pks if pk in rows]
