"""Receptions with the person (one row per reception) and the children who came with them.

A row is checked by the intake wizard's own forms (reception, identity, address, trafficking, needs)
and written by the intake services: the reception, then the declaration. A person already known by
the same identity-paper number is not registered twice: the reception becomes a new case of hers.
Probable duplicates by name go to the department's review queue, as after any intake.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.text import fold
from victims import services
from victims.forms.intake import (
    AddressForm,
    ChildForm,
    IdentityForm,
    NeedsForm,
    ReceptionForm,
    TraffickingForm,
    destination_choices,
    nationality_choices,
)
from victims.matching import paper_key
from victims.models import Case, CaseChild, DuplicateProposal, Person, StatusTransition
from victims.models.choices import (
    ChildRelationship,
    IdPaperType,
    ReceptionChannel,
    Sex,
    TraffickingPurpose,
)
from victims.models.reference import EthnicGroup

from .base import LINE, REGISTER_NUMBER, Column, ColumnType, ImportContext, Kind, RowError

T = ColumnType


def _ethnic_groups():
    return [(str(pk), name) for pk, name in EthnicGroup.objects.order_by("sort_order", "code").values_list("pk", "name")]


def _countries():
    return [(code, name) for code, name in destination_choices() if code]


def _nationalities():
    return [(code, name) for code, name in nationality_choices() if code]


def _choices(choices):
    return lambda: [(code, label) for code, label in choices if code]


class ImportReceptionForm(ReceptionForm):
    token = None  # the form's one-time token guards a browser's double submit; a row has its reference


PERSON_FIELDS = ("other_names", "ethnicity", "nationality", "id_paper_type", "id_paper_number", "home_province",
                 "home_commune", "home_address_detail")
CASE_FIELDS = ("destination_country", "purposes", "trafficked_from", "trafficked_until", "health_notes")
RECEPTION_FIELDS = ("reception_channel", "received_on", "reception_place", "reception_province", "full_name", "sex",
                    "date_of_birth", "birth_year", "immediate_needs")


def resolve_place(ctx: ImportContext, column: str, province: str, district: str = "", ward: str = ""):
    """The current province and commune of a place as written (old names included). An old ward
    split among several communes asks the user to pick once for the whole file."""
    match = ctx.places.resolve(province or "", district or "", ward or "")
    if match.ambiguous:
        key = fold(match.original)
        chosen = ctx.batch.resolutions.get(key)
        allowed = {unit.pk: unit for unit in match.candidates}
        if chosen and int(chosen) in allowed:
            unit = allowed[int(chosen)]
            return (unit if unit.level == "province" else match.province or unit.parent), (
                unit if unit.level == "commune" else None), match
        ctx.run.ambiguous_place(key, match.original, match.candidates)
        raise RowError({column: [match.problem or _("Pick the current unit of “%(place)s”.") % {"place": match.original}]})
    if match.problem:
        raise RowError({column: [match.problem]})
    return match.province, match.commune, match


class ReceptionKind(Kind):
    code = "reception"
    title = gettext_lazy("Receptions")
    columns = (
        REGISTER_NUMBER,
        Column("received_on", gettext_lazy("Date received"), gettext_lazy("dd/mm/yyyy."), T.DATE, True, example="15/03/2019"),
        Column("reception_channel", gettext_lazy("How received"), gettext_lazy("Pick from the list."), T.CHOICE, True,
               _choices(ReceptionChannel.choices), example=str(ReceptionChannel.HANDED_BACK_AT_BORDER.label)),
        Column("reception_place", gettext_lazy("Place received"), gettext_lazy("E.g. the border gate, the police station."),
               example="Cửa khẩu Hữu Nghị"),
        Column("reception_province", gettext_lazy("Province received"),
               gettext_lazy("The province, old (before 1/7/2025) or current."), T.PLACE, example="Lạng Sơn"),
        Column("full_name", gettext_lazy("Full name"), gettext_lazy("Family name, middle name, given name."), required=True,
               example="Nguyễn Thị Hoa"),
        Column("other_names", gettext_lazy("Other names"), gettext_lazy("Names used abroad or nicknames.")),
        Column("sex", gettext_lazy("Sex"), gettext_lazy("Pick from the list."), T.CHOICE, choices=_choices(Sex.choices),
               example=str(Sex.FEMALE.label)),
        Column("date_of_birth", gettext_lazy("Date of birth"), gettext_lazy("dd/mm/yyyy; or give only the year of birth."),
               T.DATE, example="02/09/2001"),
        Column("birth_year", gettext_lazy("Year of birth"), gettext_lazy("When the date of birth is not known."), T.INTEGER),
        Column("ethnicity", gettext_lazy("Ethnicity"), gettext_lazy("Pick from the list."), T.CHOICE, choices=_ethnic_groups,
               example="Kinh"),
        Column("nationality", gettext_lazy("Nationality"), gettext_lazy("Pick from the list; empty when stateless or unknown."),
               T.CHOICE, choices=_nationalities, example="Việt Nam"),
        Column("id_paper_type", gettext_lazy("Identity paper"), gettext_lazy("Pick from the list."), T.CHOICE,
               choices=_choices(IdPaperType.choices)),
        Column("id_paper_number", gettext_lazy("Identity paper number"),
               gettext_lazy("A person already registered with this number is linked, not registered twice.")),
        Column("home_province", gettext_lazy("Home province"),
               gettext_lazy("As written in the register: a former province (63 before 1/7/2025) is converted."),
               T.PLACE, example="Hà Giang"),
        Column("home_district", gettext_lazy("Home district (before 1/7/2025)"),
               gettext_lazy("Districts no longer exist: kept as written, used to find the commune."), T.PLACE),
        Column("home_commune", gettext_lazy("Home commune or ward"),
               gettext_lazy("Old or current; when an old commune became several, you pick after the check."), T.PLACE),
        Column("home_address_detail", gettext_lazy("Village, street, house number"), gettext_lazy("Free text.")),
        Column("destination_country", gettext_lazy("Destination country"), gettext_lazy("Pick from the list."), T.CHOICE,
               choices=_countries, example="Trung Quốc"),
        Column("purposes", gettext_lazy("Purposes of trafficking"),
               gettext_lazy("One or more from the list, separated by “;”."), T.CHOICES,
               choices=_choices(TraffickingPurpose.choices), example=str(TraffickingPurpose.FORCED_MARRIAGE.label)),
        Column("trafficked_from", gettext_lazy("Trafficked from"), gettext_lazy("dd/mm/yyyy."), T.DATE),
        Column("trafficked_until", gettext_lazy("Trafficked until"), gettext_lazy("dd/mm/yyyy."), T.DATE),
        Column("immediate_needs", gettext_lazy("Immediate needs"), gettext_lazy("Free text.")),
        Column("health_notes", gettext_lazy("Health notes"),
               gettext_lazy("Shared only with agencies given the health part.")),
    )
    aliases = {"person": "full_name", "idempotency_key": "register_number"}

    FORMS = (ImportReceptionForm, IdentityForm, TraffickingForm, NeedsForm)

    def clean(self, ctx, values):
        data = dict(values)
        province, commune, match = resolve_place(
            ctx, "home_commune" if values.get("home_commune") else "home_province",
            values.get("home_province", ""), values.get("home_district", ""), values.get("home_commune", ""),
        )
        reception_province = None
        if values.get("reception_province"):
            reception_province, _commune, _match = resolve_place(ctx, "reception_province", values["reception_province"])
        data.update(
            home_province=province.pk if province else None, home_commune=commune.pk if commune else None,
            reception_province=reception_province.pk if reception_province else None,
        )
        if (values.get("home_commune") or values.get("home_district")) and commune is None:
            # The old district or commune has no single current commune: keep it as written.
            kept = ", ".join(part for part in (values.get("home_commune"), values.get("home_district")) if part)
            detail = values.get("home_address_detail", "")
            data["home_address_detail"] = f"{detail}, {kept}" if detail else kept
        data.setdefault("sex", Sex.UNKNOWN)
        cleaned, errors = {"register_number": values["register_number"]}, {}
        for form_class in self.FORMS:
            form = form_class(data=data)
            if form.is_valid():
                cleaned.update(form.cleaned_data)
            else:
                errors.update(RowError.from_form(form).errors)
        address = AddressForm(data=data, list_communes=False)
        if address.is_valid():
            cleaned.update(address.cleaned_data)
        else:
            errors.update(RowError.from_form(address, {"home_province": "home_province"}).errors)
        if errors:
            raise RowError(errors)
        if data.get("home_address_detail") and not values.get("home_address_detail"):
            cleaned["home_address_detail"] = data["home_address_detail"]
        return {key: cleaned.get(key) for key in ("register_number", *RECEPTION_FIELDS, *PERSON_FIELDS, *CASE_FIELDS)}

    def _known_person(self, cleaned) -> Person | None:
        key = paper_key(cleaned.get("id_paper_number") or "")
        if not key:
            return None
        return Person.objects.filter(id_paper_key=key, merged_into__isnull=True).order_by("pk").first()

    def create(self, ctx, case, cleaned):
        known = self._known_person(cleaned)
        reception = {name: cleaned[name] for name in RECEPTION_FIELDS}
        for name in ("reception_place", "immediate_needs"):
            reception[name] = reception[name] or ""
        # The whole declaration in one write (one duplicate search); a known person keeps her identity.
        declaration = {name: cleaned[name] for name in (*PERSON_FIELDS, *CASE_FIELDS)
                       if cleaned[name] not in (None, "", []) and (known is None or name in CASE_FIELDS)}
        case = services.case_register_reception(user=ctx.user, agency=ctx.agency, person=known, **reception,
                                                **declaration)
        if known is not None:
            ctx.run.linked_person()
        if known is None:
            scores = list(DuplicateProposal.objects.filter(
                Q(person_low=case.person) | Q(person_high=case.person)).values_list("score", flat=True))
            if scores:
                ctx.run.for_review(ctx.row, ctx.reference, max(scores))
        return case

    def update(self, ctx, obj, cleaned, previous):
        case = obj
        changed = {name for name in cleaned if _stored(cleaned[name]) != previous.get(name)}
        person_fields = {name: cleaned[name] for name in changed if name in {*PERSON_FIELDS, "full_name", "sex",
                                                                            "date_of_birth", "birth_year"}}
        case_fields = {name: cleaned[name] for name in changed if name in {*CASE_FIELDS, "reception_channel",
                                                                          "received_on", "reception_place",
                                                                          "reception_province", "immediate_needs"}}
        for name in ("reception_place", "immediate_needs", "health_notes", "other_names", "id_paper_number",
                     "home_address_detail", "id_paper_type", "nationality"):
            for fields in (person_fields, case_fields):
                if name in fields and fields[name] is None:
                    fields[name] = ""
        if person_fields:
            services.person_update_declaration(user=ctx.user, person=case.person, **person_fields)
        if case_fields:
            case = services.case_update_declaration(user=ctx.user, case=case, **case_fields)
        return case

    def changed_since(self, obj: Case, when: datetime.datetime) -> bool:
        if obj.updated_at > when or obj.person.updated_at > when:
            return True
        # A status moved, a share given, a referral or a support request made since: the file is in use.
        return (
            StatusTransition.objects.filter(case=obj, at__gt=when).exists()
            or obj.access_grants.exists()
            or obj.referrals.exists()
        )

    def undo(self, ctx, obj: Case) -> None:
        person = obj.person
        children = [link.person for link in obj.children.all()]
        DuplicateProposal.objects.filter(person_low=person).delete()
        DuplicateProposal.objects.filter(person_high=person).delete()
        obj.delete()
        for child in children:
            if not child.cases.exists() and not child.child_links.exists():
                child.delete()
        if not person.cases.exists() and not person.child_links.exists():
            person.delete()


def _stored(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


class ChildKind(Kind):
    code = "child"
    title = gettext_lazy("Accompanying children")
    columns = (
        REGISTER_NUMBER, LINE,
        Column("full_name", gettext_lazy("Child's full name"), gettext_lazy("Family name, middle name, given name."),
               required=True, example="Nguyễn Văn An"),
        Column("sex", gettext_lazy("Sex"), gettext_lazy("Pick from the list."), T.CHOICE, choices=_choices(Sex.choices),
               example=str(Sex.MALE.label)),
        Column("date_of_birth", gettext_lazy("Date of birth"), gettext_lazy("dd/mm/yyyy; or give only the year of birth."),
               T.DATE),
        Column("birth_year", gettext_lazy("Year of birth"), gettext_lazy("When the date of birth is not known."), T.INTEGER,
               example="2017"),
        Column("relationship", gettext_lazy("Relationship"), gettext_lazy("Pick from the list."), T.CHOICE, True,
               _choices(ChildRelationship.choices), example=str(ChildRelationship.CHILD.label)),
        Column("relationship_note", gettext_lazy("Note"), gettext_lazy("Free text.")),
    )

    def clean(self, ctx, values):
        data = {"sex": Sex.UNKNOWN, **values}
        form = ChildForm(data=data)
        if not form.is_valid():
            raise RowError.from_form(form)
        return {"register_number": values["register_number"], "line": values["line"], **form.cleaned_data}

    def create(self, ctx, case, cleaned):
        fields = {key: value for key, value in cleaned.items() if key not in ("register_number", "line")}
        fields["relationship_note"] = fields.get("relationship_note") or ""
        return services.case_add_child(user=ctx.user, case=case, **fields)

    def update(self, ctx, obj: CaseChild, cleaned, previous):
        fields = {name: cleaned[name] for name in ("full_name", "sex", "date_of_birth", "birth_year")
                  if _stored(cleaned[name]) != previous.get(name)}
        if fields:
            services.person_update_declaration(user=ctx.user, person=obj.person, **fields)
        if cleaned["relationship"] != previous.get("relationship") or cleaned.get("relationship_note") != previous.get(
                "relationship_note"):
            raise RowError({"relationship": [_("The relationship of a child already imported is corrected on the case page.")]})
        return obj

    def changed_since(self, obj: CaseChild, when) -> bool:
        return obj.person.updated_at > when

    def undo(self, ctx, obj: CaseChild) -> None:
        person = obj.person
        obj.delete()
        if not person.cases.exists() and not person.child_links.exists():
            person.delete()
