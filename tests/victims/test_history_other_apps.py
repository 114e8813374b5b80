"""Records of other apps on the case history: values hidden from users without identity access
unless the app registered which of its fields are sensitive (fail closed)."""

from types import SimpleNamespace

from victims.history import HIDDEN, _clean


def event(model, data):
    return SimpleNamespace(pgh_obj_model=model, pgh_data=dict(data), pgh_diff=None)


def test_an_unregistered_model_shows_nothing_but_its_links_without_identity_access():
    e = event("someapp.Unregistered", {"id": 1, "case_id": 7, "amount": 1000000, "note": "Hoa"})
    _clean(e, identity_visible=False)
    assert e.pgh_data == {"id": 1, "case_id": 7, "amount": HIDDEN, "note": HIDDEN}


def test_registered_sensitive_fields_are_hidden_and_the_rest_shown():
    e = event("facilities.Stay", {"id": 1, "case_id": 7, "admitted_on": "2026-01-02",
                                  "admission_reason": "bị bạo lực", "bed": "3"})
    _clean(e, identity_visible=False)
    assert e.pgh_data["admitted_on"] == "2026-01-02"
    assert e.pgh_data["admission_reason"] == HIDDEN and e.pgh_data["bed"] == HIDDEN


def test_identity_access_sees_every_value():
    e = event("someapp.Unregistered", {"id": 1, "note": "Hoa"})
    _clean(e, identity_visible=True)
    assert e.pgh_data == {"id": 1, "note": "Hoa"}
