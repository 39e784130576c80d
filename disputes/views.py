from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from departments.http import client_address
from departments.models import Jurisdiction
from disputes import (
    access_log,
    exports,
    followup,
    grants,
    limits,
    reveals,
    rules,
    services,
    spreadsheet,
)
from disputes.actions import CaseAction, actions_for, get_action
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.forms import (
    AcceptForm,
    ArchiveForm,
    AttachmentForm,
    CaseFilterForm,
    CloseExplainedForm,
    DisputeForm,
    FollowUpForm,
    GrantForm,
    ObjectForm,
    OutcomeForm,
    PayerFormSet,
    PayerLookupForm,
    PublicRatingForm,
    PublicStatusForm,
    RedoForm,
    ReplyForm,
    ReturnForm,
    RevealForm,
    WithdrawForm,
)
from disputes.marks import MarkedPaginator
from disputes.memo import case_memo
from disputes.models import AccessLog, Attachment, Party, TimelineEntry
from disputes.pagination import BoundedPaginator
from disputes.sections import sections_for
from disputes.selectors import (
    duplicates_seen_by,
    get_dispute_for_user,
    payer_seen_at_intake,
    public_case,
    visible_disputes,
)
from disputes.uploads import content_type_of, download_response

PAGE_SIZE = 25


def paginate(request, queryset, size=PAGE_SIZE):
    return BoundedPaginator(queryset, size).get_page(request.GET.get("page"))


def paginate_cases(request, queryset, size=PAGE_SIZE, *, ref="pk"):
    """A page of a list of cases (or of rows naming a case: ``ref``), its rows marked
    (``disputes.marks``)."""
    return MarkedPaginator(queryset, size, ref=ref).get_page(request.GET.get("page"))


def message_form_errors(request, form) -> None:
    """A refused form of a page that redirects back: its errors become messages."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@login_required
@require_GET
def dispute_list(request):
    form = CaseFilterForm(request.GET or None, user=request.user)
    qs = (
        form.apply(visible_disputes(request.user))
        .with_list_relations()
        .prefetch_related(Prefetch("parties", queryset=Party.objects.select_related("payer")))
    )
    page = paginate_cases(request, qs.order_by("-received_at", "-pk"))
    return render(request, "disputes/list.html", {"form": form, "page": page})


def _jurisdictions_for(centre):
    county = centre.jurisdiction.county
    return Jurisdiction.objects.filter(path__startswith=county.path).order_by("path")


@login_required
def dispute_create(request):
    centre = rules.intake_centre(request.user)
    if centre is None:
        raise PermissionDenied(_("Only clerks, coordinators and grid mediators register cases."))
    jurisdictions = _jurisdictions_for(centre)
    duplicates, duplicates_elsewhere = [], False
    if request.method == "POST":
        formset = PayerFormSet(request.POST, prefix="payer")
        form = DisputeForm(request.POST, request.FILES, jurisdictions=jurisdictions)
        valid = form.is_valid() & formset.is_valid()  # both, so every error shows at once
        category = form.cleaned_data.get("category")
        if formset.is_valid() and category is not None:
            # From the cleaned numbers: as stored, and never more forms than the formset allows.
            duplicates, duplicates_elsewhere = duplicates_seen_by(
                request.user,
                services.likely_duplicates(id_numbers=formset.numbers(), category_id=category.pk),
            )
            form.set_duplicates(duplicates)
        if valid:
            data = form.cleaned_data
            if (duplicates or duplicates_elsewhere) and not data["confirm_duplicates"]:
                form.add_error(
                    "confirm_duplicates",
                    _("This payer already has open cases in this category; check them first."),
                )
            else:
                try:
                    dispute = _register(request, centre, form, formset, duplicates)
                except DisputeError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(
                        request, _("Case %(number)s registered.") % {"number": dispute.number}
                    )
                    return redirect("disputes:detail", number=dispute.number)
    else:
        form = DisputeForm(
            jurisdictions=jurisdictions,
            initial={"jurisdiction": centre.jurisdiction_id},
        )
        formset = PayerFormSet(prefix="payer")
    return render(
        request,
        "disputes/create.html",
        {
            "form": form,
            "formset": formset,
            "centre": centre,
            "duplicates": duplicates,
            "duplicates_elsewhere": duplicates_elsewhere,
        },
    )


def _register(request, centre, form, formset, duplicates):
    data = form.cleaned_data
    representative = data.get("representative") or 0
    parties = [
        services.PartyData(
            payer=services.PayerData(
                kind=f.cleaned_data["kind"],
                name=f.cleaned_data["name"],
                id_number=f.cleaned_data["id_number"],
                phone=f.cleaned_data.get("phone", ""),
                address=f.cleaned_data.get("address", ""),
                contact_person=f.cleaned_data.get("contact_person", ""),
                jurisdiction_id=data["jurisdiction"].pk,
            ),
            side=f.cleaned_data["side"],
            is_representative=(index == representative),
        )
        for index, f in enumerate(formset.forms)
    ]
    chosen = set(data.get("link_to") or [])
    is_mediator = centre != getattr(getattr(request.user, "staff", None), "centre", None)
    return services.dispute_register(
        actor=request.user,
        centre=centre,
        parties=parties,
        channel=data["channel"],
        jurisdiction=data["jurisdiction"],
        category=data["category"],
        claim=data["claim"],
        summary=data["summary"],
        received_at=data["received_at"],
        insurance_types=data["insurance_types"],
        amount=data["amount"],
        period_start=data["period_start"],
        period_end=data["period_end"],
        is_group_dispute=data["is_group_dispute"],
        is_public_opinion_risk=data["is_public_opinion_risk"],
        is_large_arrears=data["is_large_arrears"],
        sms_opt_in=data["sms_opt_in"],
        reported_by=request.user if is_mediator else None,
        link_to=[d for d in duplicates if d.number in chosen],
        attachments=data["attachments"],
    )


@login_required
@require_GET
def payer_lookup(request):
    """Find a payer by identity number while a clerk fills in the intake form.

    Prefills only what the asker already sees (the payer on a case of their own centre that is
    visible to them); elsewhere it says at most that the payer is known. Every lookup is logged.
    """
    centre = rules.intake_centre(request.user)
    if centre is None:
        raise PermissionDenied
    form = PayerLookupForm(request.GET)
    number = form.cleaned_data["id_number"] if form.is_valid() else ""
    if len(number) != 18:
        return JsonResponse({"found": False})
    # "Known elsewhere" or not answers a guess at a number: logged, and counted in the same
    # daily allowance as a search by number.
    try:
        access_log.number_search(user=request.user, number=number, kind=AccessLog.Kind.LOOKUP)
    except DisputeError as exc:
        return JsonResponse({"found": False, "refused": exc.message})
    party, open_cases, known = payer_seen_at_intake(request.user, centre=centre, id_number=number)
    if party is None:
        return JsonResponse({"found": False, "known_elsewhere": known})
    return JsonResponse(
        {
            "found": True,
            "kind": party.payer.kind,
            "name": party.payer.name,
            "phone": party.masked_phone,
            "address": party.address,
            "contact_person": party.contact_person,
            "open_cases": open_cases,
        }
    )


@login_required
@require_GET
def dispute_detail(request, number):
    # The page's actions and sections ask the same questions of the case: answer each once.
    with case_memo():
        return _dispute_detail(request, number)


def _dispute_detail(request, number):
    dispute = get_dispute_for_user(request.user, number)
    access_log.log_access(user=request.user, kind=AccessLog.Kind.VIEW, dispute=dispute)
    user = request.user
    numbers = rules.number_display(dispute, user, revealed=_revealed_payers(request, dispute))
    parties = [
        (party, numbers.for_payer(party.payer_id))
        for party in dispute.parties.select_related("payer")
    ]
    context = {
        "dispute": dispute,
        "parties": parties,
        "timeline": TimelineEntry.objects.filter(dispute=dispute).select_related("actor__staff"),
        "insurance_types": dispute.insurance_types.all(),
        "co_departments": dispute.co_departments.all(),
        "attachments": dispute.attachments.select_related("uploaded_by__staff"),
        "linked": dispute.linked_disputes.all(),
        "actions": actions_for(dispute, user),
        "can_attach": rules.can_handle_at_centre(dispute, user) and dispute.is_open,
        "attachment_form": AttachmentForm(),
        "numbers": numbers,
        "can_share": rules.may_grant(dispute, user),
        "sections": sections_for(request, dispute),
    }
    return render(request, "disputes/detail.html", context)


# Numbers shown in full, remembered in the session: "<dispute pk>:<payer pk>" -> until when (a
# timestamp), as ``reveals.reveal`` returned it.
_REVEALED = "revealed"


def _remember_reveal(request, dispute, payer, until) -> None:
    revealed = request.session.get(_REVEALED, {})
    revealed[f"{dispute.pk}:{payer.pk}"] = until.timestamp()
    request.session[_REVEALED] = revealed


def _revealed_payers(request, dispute) -> set[int]:
    """The payers of the case whose numbers this session still sees in full."""
    now = timezone.now().timestamp()
    prefix = f"{dispute.pk}:"
    return {
        int(key[len(prefix) :])
        for key, until in request.session.get(_REVEALED, {}).items()
        if key.startswith(prefix) and until > now
    }


@login_required
@require_POST
def reveal_number(request, number):
    dispute = get_dispute_for_user(request.user, number)
    form = RevealForm(request.POST, dispute=dispute)
    if not form.is_valid():
        message_form_errors(request, form)
        return redirect("disputes:detail", number=dispute.number)
    payer = form.cleaned_data["payer"]
    try:
        until = reveals.reveal(
            user=request.user, dispute=dispute, payer=payer, reason=form.cleaned_data["reason"]
        )
    except ActionNotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    except DisputeError as exc:
        messages.error(request, exc.message)
    else:
        _remember_reveal(request, dispute, payer, until)
        messages.info(
            request,
            _("The numbers of %(name)s are shown in full for %(minutes)d minutes; this is logged.")
            % {"name": payer.name, "minutes": reveals.REVEAL_MINUTES},
        )
    return redirect("disputes:detail", number=dispute.number)


@login_required
def access_grants(request, number):
    """Share the case with another centre or department (a guardian grant to its group)."""
    dispute = get_dispute_for_user(request.user, number)
    if not rules.may_grant(dispute, request.user):
        raise PermissionDenied(_("Only the coordinator or the leading-group office shares a case."))
    form = GrantForm(request.POST or None, dispute=dispute)
    if request.method == "POST" and form.is_valid():
        try:
            grants.access_grant(
                dispute=dispute,
                actor=request.user,
                group=form.cleaned_data["unit"].group,
                reason=form.cleaned_data["reason"],
            )
        except DisputeError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Access granted."))
            return redirect("disputes:access", number=dispute.number)
    rows = [(g, grants.unit_of(g.group)) for g in grants.grants_of(dispute)]
    return render(
        request, "disputes/access.html", {"dispute": dispute, "form": form, "grants": rows}
    )


@login_required
@require_POST
def access_revoke(request, number, group_id):
    dispute = get_dispute_for_user(request.user, number)
    group = get_object_or_404(Group, pk=group_id)
    try:
        grants.access_revoke(dispute=dispute, actor=request.user, group=group)
    except ActionNotPermitted as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, _("Access withdrawn."))
    return redirect("disputes:access", number=dispute.number)


@login_required
@require_GET
def dispute_export(request):
    """The filtered list as CSV (UTF-8 with BOM, for spreadsheet programs), numbers masked
    (``rules.number_display``), every cell as text (``spreadsheet.writer``), newest first. A
    list of more than ``EXPORT_MAX_ROWS`` cases is refused with a message, not cut short.

    Streamed: the rows are read in chunks while they are sent (``disputes.exports``), so a
    large export keeps the worker's memory flat. It is logged when it starts.
    """
    form = CaseFilterForm(request.GET or None, user=request.user)
    qs = form.apply(visible_disputes(request.user)).order_by("-received_at", "-pk")
    if form.errors:  # e.g. a search too long, or past the day's number searches
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("disputes:list")
    limit = settings.EXPORT_MAX_ROWS
    if qs[: limit + 1].count() > limit:
        # Refused whole rather than cut short: a file of the newest rows alone would pass for
        # the whole list.
        messages.error(
            request,
            _(
                "An export holds at most %(limit)s cases, and this list has more. Narrow it "
                "with the filters (state, category, centre, dates) and export again."
            )
            % {"limit": f"{limit:,}"},
        )
        return redirect(f"{reverse('disputes:list')}?{request.GET.urlencode()}")
    access_log.log_access(  # the filters as typed (log_access masks any number in them)
        user=request.user,
        kind=AccessLog.Kind.EXPORT,
        detail=" ".join(f"{key}={value}" for key, value in request.GET.items() if value),
    )
    rows = exports.case_rows(qs, numbers=rules.number_display(None, request.user), limit=limit)
    response = StreamingHttpResponse(
        spreadsheet.stream(rows, header=exports.case_header()),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
    return response


@login_required
@require_POST
def attachment_upload(request, number):
    dispute = get_dispute_for_user(request.user, number)
    if not rules.can_handle_at_centre(dispute, request.user):
        raise PermissionDenied(_("Only the owning centre adds attachments to this case."))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachments_add(
                dispute=dispute,
                actor=request.user,
                uploads=form.cleaned_data["files"],
                description=form.cleaned_data["description"],
            )
        except DisputeError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Attachments added."))
    else:
        for error in form.errors.get("files", []):
            messages.error(request, error)
    return redirect("disputes:detail", number=dispute.number)


@login_required
@require_GET
def attachment_download(request, number, pk):
    dispute = get_dispute_for_user(request.user, number)
    attachment = get_object_or_404(Attachment, pk=pk, dispute=dispute)
    access_log.log_access(
        user=request.user, kind=AccessLog.Kind.DOWNLOAD, dispute=dispute, detail=attachment.name
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from storage.")) from exc
    return download_response(
        handle, filename=attachment.name, content_type=content_type_of(attachment.name)
    )


@method_decorator(login_required, name="dispatch")
class CaseActionView(View):
    """GET shows the action's form; POST performs it through a service function.

    Not visible → 404; visible but not this user's action → 403; the state no longer allows
    it → back to the case page with a message.
    """

    action_key: str = ""
    form_class = None
    template_name = "disputes/action.html"
    intro = ""

    def dispatch(self, request, *args, number, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.dispute = get_dispute_for_user(request.user, number)
        self.action: CaseAction = get_action(self.action_key)
        with case_memo():  # the checks ask once; the action itself asks afresh
            self.load()
            permitted = self.action.is_permitted(self.dispute, request.user)
            possible = permitted and self.action.is_possible(self.dispute)
        if not permitted:
            raise PermissionDenied(_("You are not allowed to take this action on this case."))
        if not possible:
            reason = self.action.reason_not_possible(self.dispute)
            messages.warning(
                request,
                reason
                or _("“%(action)s” is not possible while the case is “%(state)s”.")
                % {"action": self.action.label, "state": self.dispute.get_state_display()},
            )
            return redirect("disputes:detail", number=self.dispute.number)
        return super().dispatch(request, *args, **kwargs)

    def load(self) -> None:
        """Load what the action works on besides the case; raise Http404 when the case has
        no such thing (a court report on a case never sent to the court)."""

    def get_form_kwargs(self):
        return {}

    def get_initial(self):
        return {}

    def get(self, request, *args, **kwargs):
        initial = {"expected_state": self.dispute.state, **self.get_initial()}
        return self.render(self.form_class(initial=initial, **self.get_form_kwargs()))

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, request.FILES, **self.get_form_kwargs())
        if form.is_valid():
            try:
                self.perform(form, expected_state=form.cleaned_data.get("expected_state") or None)
            except ActionNotPermitted as exc:
                raise PermissionDenied(exc.message) from exc
            except DisputeError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, self.success_message())
                return redirect(self.success_url())
        return self.render(form)

    def perform(self, form, *, expected_state):
        raise NotImplementedError

    def success_message(self) -> str:
        return _("%(action)s: done.") % {"action": self.action.label}

    def success_url(self) -> str:
        return reverse("disputes:detail", kwargs={"number": self.dispute.number})

    def get_context_data(self, **kwargs):
        return {"dispute": self.dispute, "action": self.action, "intro": self.intro, **kwargs}

    def render(self, form):
        return render(
            request=self.request,
            template_name=self.template_name,
            context=self.get_context_data(form=form),
        )


class ReplyView(CaseActionView):
    action_key = "reply"
    form_class = ReplyForm

    def get_initial(self):
        return {"text": self.dispute.handling_opinion}

    def perform(self, form, *, expected_state):
        services.dispute_reply(
            dispute=self.dispute,
            actor=self.request.user,
            text=form.cleaned_data["text"],
            expected_state=expected_state,
        )


class AcceptView(CaseActionView):
    action_key = "accept"
    form_class = AcceptForm

    def perform(self, form, *, expected_state):
        services.dispute_accept(
            dispute=self.dispute,
            actor=self.request.user,
            note=form.cleaned_data["note"],
            expected_state=expected_state,
        )


class FollowUpView(CaseActionView):
    action_key = "follow_up"
    form_class = FollowUpForm
    intro = gettext_lazy(
        "Record how the payer was reached after the reply and how satisfied they are. When "
        "they are not satisfied, the coordinator decides whether to explain and close the "
        "case, or to redo it."
    )

    def get_initial(self):
        party = self.dispute.parties.select_related("payer").first()
        return {
            "visited_at": timezone.localtime().replace(second=0, microsecond=0),
            "contact": party.payer.name if party else "",
        }

    def perform(self, form, *, expected_state):
        data = form.cleaned_data
        followup.record_follow_up(
            dispute=self.dispute,
            actor=self.request.user,
            method=data["method"],
            contact=data["contact"],
            visited_at=data["visited_at"],
            satisfaction=data["satisfaction"],
            remarks=data["remarks"],
        )

    def success_message(self) -> str:
        return _("The follow-up visit is recorded.")


class RedoView(CaseActionView):
    action_key = "redo"
    form_class = RedoForm
    intro = gettext_lazy(
        "The case goes back to the departments that handled it: they give their opinions "
        "again, the opinions are consolidated and a new reply is given, within the redo's own "
        "time limit. The earlier reply stays in the case's history."
    )

    def perform(self, form, *, expected_state):
        followup.dispute_redo(
            dispute=self.dispute,
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
            expected_state=expected_state,
        )


class CloseExplainedView(CaseActionView):
    action_key = "close_explained"
    form_class = CloseExplainedForm
    intro = gettext_lazy(
        "The reply stands: the case is closed with the explanation given to the payer, who "
        "keeps every other route (mediation, reconsideration, arbitration, litigation)."
    )

    def perform(self, form, *, expected_state):
        followup.dispute_close_explained(
            dispute=self.dispute,
            actor=self.request.user,
            explanation=form.cleaned_data["explanation"],
            expected_state=expected_state,
        )


class ObjectView(CaseActionView):
    action_key = "object"
    form_class = ObjectForm

    def perform(self, form, *, expected_state):
        services.dispute_object(
            dispute=self.dispute,
            actor=self.request.user,
            route=form.cleaned_data["route"],
            note=form.cleaned_data["note"],
            expected_state=expected_state,
        )


class OutcomeView(CaseActionView):
    action_key = "record_outcome"
    form_class = OutcomeForm

    def perform(self, form, *, expected_state):
        services.dispute_record_outcome(
            dispute=self.dispute,
            actor=self.request.user,
            outcome=form.cleaned_data["outcome"],
            expected_state=expected_state,
        )


class ArchiveView(CaseActionView):
    action_key = "archive"
    form_class = ArchiveForm

    def perform(self, form, *, expected_state):
        services.dispute_archive(
            dispute=self.dispute,
            actor=self.request.user,
            note=form.cleaned_data["note"],
            expected_state=expected_state,
        )


class WithdrawView(CaseActionView):
    action_key = "withdraw"
    form_class = WithdrawForm

    def perform(self, form, *, expected_state):
        services.dispute_withdraw(
            dispute=self.dispute,
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
            expected_state=expected_state,
        )


class ReturnView(CaseActionView):
    """退单: the owning centre returns a case handed in online as not within its remit."""

    action_key = "return"
    form_class = ReturnForm
    intro = gettext_lazy(
        "The case goes back to the channel it came through as not within the centres' remit "
        "and ends withdrawn. The channel is told the reason and the basis."
    )

    def perform(self, form, *, expected_state):
        services.dispute_return(
            dispute=self.dispute,
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
            basis=form.cleaned_data["basis"],
            expected_state=expected_state,
        )


@require_http_methods(["GET", "POST"])
def public_status(request):
    """Payers check a case's progress with its number and the query code on their receipt.

    No log-in, no personal data: the state, the dates and the unit that handles it. Wrong
    guesses from one address are limited (``limits.STATUS_ATTEMPTS``)."""
    form = PublicStatusForm(request.POST or None)
    case = None
    address = client_address(request)
    if request.method == "POST":
        if limits.status_locked_out(address):
            form.is_valid()
            form.add_error(None, _("Too many wrong attempts. Please try again in 15 minutes."))
        elif form.is_valid():
            case = public_case(form.cleaned_data["number"], form.cleaned_data["code"])
            if case is None:
                limits.status_failed(address)
                form.add_error(
                    None,
                    _("No case matches this number and query code. Check both on your receipt."),
                )
    return _status_page(request, form, case)


def _status_page(request, form, case, rating_form=None):
    context = {"form": form, "case": case}
    if case is not None:
        rated = followup.online_rating(case)
        context["rating"] = rated
        if case.state == "replied":
            context["rating_form"] = rating_form or PublicRatingForm(
                initial={
                    "number": case.number,
                    "code": case.query_code,
                    "satisfaction": rated.satisfaction if rated else None,
                    "remarks": rated.remarks if rated else "",
                }
            )
    return render(request, "disputes/public_status.html", context)


@require_POST
def public_rate(request):
    """The payer rates the reply with the case number and query code (the same limits on
    wrong guesses as the status page): once per reply, changeable until the case is closed."""
    address = client_address(request)
    rating_form = PublicRatingForm(request.POST)
    status_form = PublicStatusForm(
        {"number": request.POST.get("number", ""), "code": request.POST.get("code", "")}
    )
    status_form.is_valid()  # bound, so that the errors below can be added to it
    if limits.status_locked_out(address):
        status_form.add_error(None, _("Too many wrong attempts. Please try again in 15 minutes."))
        return _status_page(request, status_form, None)
    if not rating_form.is_valid() and not {"number", "code"} <= set(rating_form.cleaned_data):
        status_form.add_error(None, _("Enter the case number and the query code again."))
        return _status_page(request, status_form, None)
    data = rating_form.cleaned_data
    case = public_case(data["number"], data["code"])
    if case is None:
        limits.status_failed(address)
        status_form.add_error(
            None, _("No case matches this number and query code. Check both on your receipt.")
        )
        return _status_page(request, status_form, None)
    if rating_form.is_valid():
        try:
            followup.rate_online(
                dispute=case, satisfaction=data["satisfaction"], remarks=data["remarks"]
            )
        except DisputeError as exc:
            # The case moved on meanwhile (closed, say): the page says so, without the form.
            messages.warning(request, exc.message)
        else:
            messages.success(request, _("Thank you: your rating is recorded."))
        case.refresh_from_db()
        return _status_page(request, status_form, case)
    return _status_page(request, status_form, case, rating_form)
