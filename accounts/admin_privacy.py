"""The admin of victim-data models: read-only, ids and workflow only, every page in the access log.

The admin is for the system administrator, who has no case work and so no right to victims' names,
addresses, narratives or shelter addresses. A `VictimDataAdmin` shows only the columns it lists
(`fields`, `list_display`), which must not name a personal field; related persons appear by id
(`Person.__str__` is the id). Case work goes through the services (validation, scope, history), never
through the admin.
"""

from .admin_base import ReadOnlyAdmin


class VictimDataAdmin(ReadOnlyAdmin):
    # Fields a subclass must never list (checked by tests/onedoor/test_admin.py).
    personal_fields: frozenset[str] = frozenset()

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            _log(request, changelist.result_list, "admin.list")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original")
        if original is not None:
            _log(request, [original], "admin.view")
        return response


def _log(request, objects, action: str) -> None:
    from victims.readmodel import log_request_reads

    log_request_reads(request, list(objects), action)
