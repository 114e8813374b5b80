"""The one way to write a form view, and the helpers every app's forms and services share.

A form view parses with a form and writes with a service (which validates and raises
`ValidationError`); `submit` ties the two together, so no view repeats the block:

    form = FacilityForm(request.POST or None)
    if done := submit(request, form, lambda data: services.facility_create(user=request.user, **data),
                      success=_("The facility has been registered."),
                      then=lambda facility: redirect("facilities:detail", pk=facility.pk)):
        return done
    return render(request, "facilities/facility_form.html", {"form": form})

- On GET or an invalid form, `submit` returns None and the view renders the form (with its errors,
  and everything typed kept).
- On a valid POST it calls `write(cleaned_data)`. A `ValidationError` from the service goes next to
  the fields it names (`apply_service_errors`), the rest above the form, and None is returned.
- Forms with a one-time `form_token` field are acted on once: the second send of the same form
  (double click, resend) answers `already_done()` instead of writing again.
- `success` may depend on what was written (`success=lambda stays: ...`); `refused(error)` may answer
  a service's refusal itself (e.g. "this request has already been decided": a message and a
  redirect) instead of showing it on the form.
- Forms of several parts (formsets) validate all of them and pass `valid=`; `prefixed` shows an
  error keyed "lines.3.quantity" next to that line's field. A form may declare `error_aliases`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping

import pghistory
from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from .actor import as_user

FORM_TOKEN_SECONDS = 6 * 60 * 60


class FieldErrors:
    """Collects field errors from several objects and checks into one ValidationError."""

    def __init__(self):
        self.errors: dict = {}

    def add(self, field, message, code=None, **params):
        self.errors.setdefault(field, []).append(ValidationError(message, code=code, params=params or None))

    def has(self, field) -> bool:
        return field in self.errors

    def clean(self, obj, exclude=None, trusted=()):
        """`trusted`: foreign keys the service set itself from rows it has just read or checked (the
        acting user, the acting agency, the locked case), whose existence full_clean would look up
        again with one query each; foreign keys from the user's input are never in it."""
        exclude = [*(exclude or ()), *trusted] or None
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self.errors = error.update_error_dict(self.errors)

    def raise_if_any(self):
        if self.errors:
            raise ValidationError(self.errors)


def history_context(actor):
    """The pghistory context of a service's writes: who acted (inside a request the middleware
    adds the request id and the agency)."""
    return pghistory.context(user=as_user(actor).pk)


def apply_service_errors(
    form: forms.Form, error: ValidationError, *, aliases: Mapping[str, str] | None = None,
    prefixed: Mapping[str, forms.Form] | None = None,
) -> None:
    """Put a service's ValidationError next to the fields it names; the rest above `form`.

    `aliases` moves an error onto the field that caused it in this form (a date of birth after a
    reception date this step changes shows next to the reception date). `prefixed` maps a key prefix
    ("lines.3") to the sub-form that shows it: "lines.3.quantity" goes to that form's `quantity`,
    "lines.3" to its top. An error already shown on a field is not repeated. Without `aliases`, the
    form's own `error_aliases` (if it declares any) are used.
    """
    if aliases is None:
        aliases = getattr(form, "error_aliases", None)
    aliases, prefixed = aliases or {}, prefixed or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    # A field's own errors first; an error moved onto it by an alias (the year derived from a date of
    # birth) is left out when the field already says what is wrong, so two messages never contradict.
    for key, errors in sorted(error.error_dict.items(), key=lambda item: item[0] in aliases):
        aliased = key in aliases
        target, field = form, aliases.get(key, key)
        for prefix, sub_form in prefixed.items():
            if key == prefix:
                target, field = sub_form, None
                break
            if key.startswith(prefix + "."):
                target, field = sub_form, key[len(prefix) + 1:]
                break
        if field == NON_FIELD_ERRORS or (field is not None and field not in target.fields):
            field = None
        if aliased and field is not None and field in target.errors:
            continue
        shown = {str(message) for message in target.errors.get(field or NON_FIELD_ERRORS, [])}
        errors = [item for item in errors if item.message not in shown and str(item.message) not in shown]
        if errors:
            target.add_error(field, errors)


class OneTimeForm(forms.Form):
    """A hidden one-time token: a form sent twice (double click, resend) is acted on once."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4().hex)


def claim_form_token(token: str) -> bool:
    """True the first time a form's token is sent; a second send is not acted on."""
    if not token:
        return True
    return cache.add(f"forms:token:{token}", 1, FORM_TOKEN_SECONDS)


def release_form_token(token: str) -> None:
    if token:
        cache.delete(f"forms:token:{token}")


def submit(
    request, form: forms.Form, write: Callable[[dict], object], *,
    success: str | Callable[[object], str] = "", then: Callable[[object], object],
    already_done: Callable[[], object] | None = None,
    refused: Callable[[ValidationError], object | None] | None = None,
    prefixed: Mapping[str, forms.Form] | None = None, aliases: Mapping[str, str] | None = None,
    valid: bool | None = None,
):
    """Handle the POST of a form view (see the module's docstring); None means: render the form.

    `valid` lets a view that validated several forms at once (formsets) pass the result.
    """
    if request.method != "POST":
        return None
    if valid is None:
        valid = form.is_valid()
    if not valid:
        return None
    token = form.cleaned_data.get("form_token", "") if "form_token" in form.fields else ""
    if not claim_form_token(token):
        messages.info(request, _("This form was already sent; it was saved once."))
        return already_done() if already_done else then(None)
    try:
        result = write(form.cleaned_data)
    except ValidationError as error:
        release_form_token(token)
        if refused is not None and (answer := refused(error)) is not None:
            return answer
        apply_service_errors(form, error, prefixed=prefixed, aliases=aliases)
        return None
    except BaseException:
        release_form_token(token)
        raise
    if callable(success):
        success = success(result)
    if success:
        messages.success(request, success)
    return then(result)
