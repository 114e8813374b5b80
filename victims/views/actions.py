"""Actions on a case, one small view each: GET shows the form, POST calls one service.

On a validation error the form comes back with what was typed and the errors next to the fields
(in Vietnamese, from the services' messages); on success the browser goes back to the case page.
Each view checks the role first (403: this kind of action is never allowed to the user), then the
scope through the selectors (404: the case does not exist for this user).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from accounts.formviews import submit
from accounts.roles import Action
from accounts.web import require_action
from victims import selectors, services
from victims.forms import cases as forms
from victims.models import CaseAccessGrant, Consent
from victims.workflow import PLAN_STATUSES, Status

from .cases import (
    VERIFICATION_STATUSES,
    case_url,
    log_case_view,
)


class CaseActionView(LoginRequiredMixin, View):
    """One action on one case. Subclasses set the form, the role action and the service; the form's
    fields are the service's keyword arguments (override `perform` where they are not)."""

    http_method_names = ["get", "post"]
    action: str = Action.CASE_EDIT  # the role action, and the scope the case is fetched in
    form_class: type = None
    service = None  # services.<noun>_<verb>(user=, case=, **the form's fields)
    title = ""
    submit_label = gettext_lazy("Save")
    success_message = ""
    confirm = ""  # a confirmation prompt before submitting (irreversible actions)
    allowed_statuses: frozenset[str] | None = None
    template_name = "victims/action_form.html"
    multipart = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require_action(request, self.action)
        self.case = selectors.case_get(user=request.user, pk=kwargs["pk"], action=self.action)
        self.check(request)
        return super().dispatch(request, *args, **kwargs)

    def check(self, request) -> None:
        """Refuse with 403 what the role allows in general but not on this case."""

    def form_kwargs(self) -> dict:
        return {}

    def get_form(self, data=None, files=None):
        return self.form_class(data, files, **self.form_kwargs())

    def get(self, request, pk):
        return self.render(request, self.get_form())

    def post(self, request, pk):
        form = self.get_form(request.POST, request.FILES)
        if done := submit(request, form, lambda data: self.perform(form), success=self.success_message,
                          then=lambda result: redirect(case_url(self.case))):
            return done
        return self.render(request, form, status=200)

    def perform(self, form) -> None:
        data = {name: value for name, value in form.cleaned_data.items() if name != "form_token"}
        type(self).service(user=self.request.user, case=self.case, **data)

    def not_available(self) -> str:
        """Why the action cannot be done in the case's current status ('' when it can)."""
        if self.allowed_statuses is not None and self.case.status not in self.allowed_statuses:
            return _("This cannot be done while the case is “%(status)s”.") % {
                "status": Status(self.case.status).label,
            }
        return ""

    def extra_context(self) -> dict:
        return {}

    def render(self, request, form, status=200):
        log_case_view(request, self.case)
        return render(request, self.template_name, {
            "case": self.case, "form": form, "title": self.title, "submit_label": self.submit_label,
            "confirm": self.confirm, "multipart": self.multipart, "not_available": self.not_available(),
            "identity_visible": selectors.can_see_identity(request.user, self.case),
            **self.extra_context(),
        }, status=status)


class VerificationRequestView(CaseActionView):
    form_class = forms.VerificationRequestForm
    service = services.verification_request
    title = gettext_lazy("Request verification from a police unit")
    submit_label = gettext_lazy("Send the request")
    success_message = gettext_lazy("The police unit has been asked to verify and identify the person.")
    allowed_statuses = VERIFICATION_STATUSES


class IdentificationOutcomeView(CaseActionView):
    action = Action.CASE_VERIFY
    form_class = forms.IdentificationOutcomeForm
    title = gettext_lazy("Record the identification outcome")
    submit_label = gettext_lazy("Record the outcome")
    success_message = gettext_lazy("The identification outcome has been recorded.")
    multipart = True

    def check(self, request):
        # Only police caseworkers of a unit asked to verify the case (or of a police unit owning it).
        if not selectors.case_permissions(request.user, self.case).record_outcome:
            raise PermissionDenied

    def not_available(self):
        if self.case.status == Status.CLOSED:
            return _("This cannot be done while the case is “%(status)s”.") % {
                "status": Status(self.case.status).label,
            }
        return ""

    def perform(self, form):
        data = form.cleaned_data
        services.identification_record_outcome(
            user=self.request.user, case=self.case, outcome=data["outcome"],
            document_type=data["document_type"], document_number=data["document_number"],
            document_date=data["document_date"], issuing_body=data["issuing_body"],
            scan=data["scan"] or None, note=data["note"],
        )


class TransitionView(CaseActionView):
    form_class = forms.TransitionForm
    service = services.case_transition
    title = gettext_lazy("Change the status")
    submit_label = gettext_lazy("Change the status")
    success_message = gettext_lazy("The status has been changed.")

    def form_kwargs(self):
        return {"case": self.case}

    def get_form(self, data=None, files=None):
        form = super().get_form(data, files)
        if data is None and self.request.GET.get("to"):
            form.initial["to_status"] = self.request.GET["to"]
        return form

    def not_available(self):
        if not forms.transition_targets(self.case.status):
            return _("This cannot be done while the case is “%(status)s”.") % {
                "status": Status(self.case.status).label,
            }
        return ""


class ReintegrationPlanView(CaseActionView):
    form_class = forms.ReintegrationPlanForm
    service = services.reintegration_plan_create
    title = gettext_lazy("Reintegration plan")
    submit_label = gettext_lazy("Save the plan")
    success_message = gettext_lazy("The reintegration plan has been saved.")
    allowed_statuses = PLAN_STATUSES


class FollowUpVisitView(CaseActionView):
    form_class = forms.FollowUpVisitForm
    service = services.followup_visit_record
    title = gettext_lazy("Record a follow-up visit")
    submit_label = gettext_lazy("Record the visit")
    success_message = gettext_lazy("The follow-up visit has been recorded.")
    allowed_statuses = frozenset({Status.FOLLOW_UP})


class CloseCaseView(CaseActionView):
    form_class = forms.ClosureForm
    service = services.case_close
    title = gettext_lazy("Close the case")
    submit_label = gettext_lazy("Close the case")
    success_message = gettext_lazy("The case has been closed.")
    confirm = gettext_lazy("Close this case? A closed case cannot be reopened.")
    allowed_statuses = frozenset(Status) - {Status.CLOSED}


class GrantView(CaseActionView):
    action = Action.CASE_GRANT
    form_class = forms.GrantForm
    service = services.case_grant_access
    title = gettext_lazy("Share the case with another agency")
    submit_label = gettext_lazy("Share the case")
    success_message = gettext_lazy("The case has been shared.")

    def form_kwargs(self):
        return {"case": self.case}


@login_required
@require_POST
def revoke_grant(request, pk, grant_pk):
    """End an agency's access to the case (POST only; the button asks for confirmation)."""
    require_action(request, Action.CASE_GRANT)
    case = selectors.case_get(user=request.user, pk=pk, action=Action.CASE_GRANT)
    grant = CaseAccessGrant.objects.visible_to(request.user, Action.CASE_GRANT).filter(
        case_id=case.pk, pk=grant_pk,
    ).first()
    if grant is None:
        raise Http404("No grant matches the given query.")
    try:
        services.case_revoke_grant(user=request.user, grant=grant)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The access has been revoked."))
    return redirect(case_url(case))


@login_required
@require_POST
def withdraw_consent(request, pk, consent_pk):
    """The victim withdraws a consent: the shares it allowed end now (POST only, confirmed)."""
    require_action(request, Action.CASE_EDIT)
    case = selectors.case_get(user=request.user, pk=pk, action=Action.CASE_EDIT)
    consent = Consent.objects.visible_to(request.user, Action.CASE_EDIT).filter(case_id=case.pk, pk=consent_pk).first()
    if consent is None:
        raise Http404("No consent matches the given query.")
    try:
        services.consent_withdraw(user=request.user, consent=consent)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The consent has been withdrawn; the shares it allowed have ended."))
    return redirect(case_url(case))
