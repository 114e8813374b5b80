"""The admin shows no personal data: victim-data models are registered with VictimDataAdmin, which
lists its columns explicitly and never a personal field or a shelter's address."""

from django.contrib import admin

from accounts.admin_privacy import VictimDataAdmin
from facilities.models import Facility
from tests.onedoor.unscoped import VICTIM_DATA_MODELS


def victim_data_admins():
    return {model: model_admin for model, model_admin in admin.site._registry.items()
            if model.__name__ in VICTIM_DATA_MODELS or model is Facility}


def test_every_admin_of_victim_data_is_a_victim_data_admin():
    admins = victim_data_admins()
    assert {"Case", "Stay", "SupportRequest", "Facility"} <= {model.__name__ for model in admins}
    assert all(isinstance(model_admin, VictimDataAdmin) for model_admin in admins.values())


def test_victim_data_admins_list_their_columns_and_none_is_personal():
    for model, model_admin in victim_data_admins().items():
        assert model_admin.fields, f"{model.__name__}: list the fields explicitly"
        assert model_admin.personal_fields, f"{model.__name__}: name its personal fields"
        shown = {name.removesuffix("_id") for name in [*model_admin.fields, *model_admin.list_display]}
        assert not shown & model_admin.personal_fields - {"person", "accompanying"}, model.__name__
        assert not {*model_admin.fields, *model_admin.list_display} & model_admin.personal_fields, model.__name__


def test_victim_data_admins_are_read_only(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    for model_admin in victim_data_admins().values():
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
