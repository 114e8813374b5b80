"""The one way to write a form view: accounts.formviews.submit."""

import uuid

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.translation import gettext

from accounts.formviews import OneTimeForm, submit


class NameForm(OneTimeForm):
    name = forms.CharField(max_length=20)
    born = forms.IntegerField(required=False)

    error_aliases = {"birth_year": "born"}


def _request(method="post", **data):
    request = getattr(RequestFactory(), method)("/", data)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request):
    return [str(message) for message in get_messages(request)]


def _ok(result):
    return HttpResponse(f"done {result}")


def test_a_get_or_an_invalid_form_is_shown_again_without_writing():
    written = []
    assert submit(_request("get"), NameForm(), written.append, then=_ok) is None
    form = NameForm({"name": ""})
    assert submit(_request(name=""), form, written.append, then=_ok) is None
    assert written == [] and "name" in form.errors


def test_a_valid_form_is_written_then_reported_with_a_message_that_may_depend_on_the_result():
    request = _request(name="Lan")
    response = submit(request, NameForm({"name": "Lan"}), lambda data: data["name"].upper(),
                      success=lambda result: f"Saved {result}.", then=_ok)
    assert response.content == b"done LAN"
    assert _messages(request) == ["Saved LAN."]


def test_the_services_errors_go_next_to_their_fields_through_the_forms_aliases_and_the_rest_on_top():
    def refuse(data):
        raise ValidationError({"name": "Taken.", "birth_year": "Too late.", "other": "Not here."})

    form = NameForm({"name": "Lan", "born": "2030"})
    assert submit(_request(name="Lan"), form, refuse, success="Saved.", then=_ok) is None
    assert form.errors["name"] == ["Taken."]
    assert form.errors["born"] == ["Too late."]
    assert form.non_field_errors() == ["Not here."]


def test_a_refusal_the_view_answers_itself_is_not_shown_on_the_form():
    def refuse(data):
        raise ValidationError({"name": ValidationError("Decided.", code="already_decided")})

    form = NameForm({"name": "Lan"})
    response = submit(_request(name="Lan"), form, refuse, then=_ok,
                      refused=lambda error: HttpResponse("already") if "name" in error.error_dict else None)
    assert response.content == b"already" and not form.errors


def test_a_form_sent_twice_is_written_once():
    token = uuid.uuid4().hex
    written = []
    first = submit(_request(name="Lan"), NameForm({"name": "Lan", "form_token": token}), written.append, then=_ok)
    second_request = _request(name="Lan")
    second = submit(second_request, NameForm({"name": "Lan", "form_token": token}), written.append, then=_ok,
                    already_done=lambda: HttpResponse("again"))
    assert first.status_code == 200 and second.content == b"again"
    assert len(written) == 1
    assert _messages(second_request) == [gettext("This form was already sent; it was saved once.")]


def test_a_refused_write_frees_its_token_so_the_corrected_form_can_be_sent():
    token = uuid.uuid4().hex

    def refuse(data):
        raise ValidationError("No.")

    assert submit(_request(name="Lan"), NameForm({"name": "Lan", "form_token": token}), refuse, then=_ok) is None
    written = []
    submit(_request(name="Lan"), NameForm({"name": "Lan", "form_token": token}), written.append, then=_ok)
    assert len(written) == 1
