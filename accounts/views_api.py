"""The agency manager's pages for the partner API: clients, their tokens (shown once) and the
history of webhook deliveries (with replay). Every write goes through accounts.apiclients."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import apiclients
from .forms_api import ApiClientForm, RotateForm, TokenForm, WebhookForm
from .formviews import apply_service_errors
from .models import ApiToken
from .roles import Action
from .web import acting_agency, requires


def _detail(request, client, *, secret=None, webhook_secret=None, token_form=None, webhook_form=None, status=200):
    from django.core.paginator import Paginator

    deliveries = Paginator(apiclients.deliveries_visible_to(request.user).filter(client=client), 25)
    return render(request, "accounts/api_client_detail.html", {
        "client": client, "tokens": client.tokens.select_related("created_by", "revoked_by").order_by("-created"),
        "token_form": token_form or TokenForm(), "rotate_form": RotateForm(),
        "webhook_form": webhook_form or WebhookForm(initial={
            "webhook_url": client.webhook_url, "webhook_events": client.webhook_events}),
        "deliveries": deliveries.get_page(request.GET.get("page")),
        "secret": secret, "webhook_secret": webhook_secret,
    }, status=status)


@requires(Action.AGENCY_MANAGE)
def api_clients(request):
    agency = acting_agency(request, Action.AGENCY_MANAGE)
    form = ApiClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = apiclients.api_client_create(user=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The API client has been created. Create a token for it below."))
            return _detail(request, client, webhook_secret=client.webhook_secret or None)
    clients = apiclients.clients_visible_to(request.user)
    return render(request, "accounts/api_clients.html", {"clients": clients, "form": form, "agency": agency},
                  status=400 if form.errors else 200)


@requires(Action.AGENCY_MANAGE)
def api_client_detail(request, pk):
    return _detail(request, apiclients.client_get(user=request.user, pk=pk))


@require_POST
@requires(Action.AGENCY_MANAGE)
def api_token_create(request, pk):
    client = apiclients.client_get(user=request.user, pk=pk)
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, secret = apiclients.api_token_create(user=request.user, client=client, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The token has been created. Copy it now: it is shown only once."))
            return _detail(request, client, secret=secret)
    return _detail(request, client, token_form=form, status=400)


def _token_of(request, client, token_pk):
    from django.http import Http404

    try:
        return client.tokens.get(token_key=token_pk)
    except (ApiToken.DoesNotExist, ApiToken.MultipleObjectsReturned):
        raise Http404("No token matches the given query.") from None


@require_POST
@requires(Action.AGENCY_MANAGE)
def api_token_rotate(request, pk, token_pk):
    client = apiclients.client_get(user=request.user, pk=pk)
    form = RotateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A token is valid for 1 to %(max)s days.") % {"max": apiclients.MAX_TOKEN_DAYS})
        return redirect("accounts:api_client", pk=client.pk)
    try:
        _token, secret = apiclients.api_token_rotate(user=request.user, token=_token_of(request, client, token_pk),
                                                     expires_in_days=form.cleaned_data["expires_in_days"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("accounts:api_client", pk=client.pk)
    messages.success(request, _("A new token replaces the old one, which no longer works. Copy it now: it is shown only once."))
    return _detail(request, client, secret=secret)


@require_POST
@requires(Action.AGENCY_MANAGE)
def api_token_revoke(request, pk, token_pk):
    client = apiclients.client_get(user=request.user, pk=pk)
    apiclients.api_token_revoke(user=request.user, token=_token_of(request, client, token_pk))
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:api_client", pk=client.pk)


@require_POST
@requires(Action.AGENCY_MANAGE)
def api_client_webhook(request, pk):
    client = apiclients.client_get(user=request.user, pk=pk)
    form = WebhookForm(request.POST)
    if form.is_valid():
        old_secret = client.webhook_secret
        try:
            client = apiclients.api_client_set_webhook(user=request.user, client=client, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The webhook has been saved."))
            new_secret = client.webhook_secret if client.webhook_secret != old_secret else None
            return _detail(request, client, webhook_secret=new_secret or None)
    return _detail(request, client, webhook_form=form, status=400)


@require_POST
@requires(Action.AGENCY_MANAGE)
def api_client_deactivate(request, pk):
    client = apiclients.client_get(user=request.user, pk=pk)
    apiclients.api_client_deactivate(user=request.user, client=client)
    messages.success(request, _("The API client has been stopped; its tokens no longer work."))
    return redirect("accounts:api_client", pk=client.pk)


@require_POST
@requires(Action.AGENCY_MANAGE)
def webhook_replay(request, pk, delivery_pk):
    from .models import WebhookDelivery

    client = apiclients.client_get(user=request.user, pk=pk)
    try:
        apiclients.webhook_replay(user=request.user, delivery=WebhookDelivery(pk=delivery_pk))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The event will be sent again."))
    return redirect("accounts:api_client", pk=client.pk)
