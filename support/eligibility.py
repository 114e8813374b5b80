"""Eligibility: the ONE function that says whether a person may receive an entitlement item.

    check_eligibility(person=, case=, item=, on=, situation=) -> Eligibility(eligible, reasons)

Everything it weighs comes from data: the policy version in force on the date (for the case's
province), the item's eligible person categories, conditions and application window, and the facts
of the case file (identification outcome and its confirmation date, nationality, age, whether the
person is the victim or an accompanying child). The reasons are plain sentences in the user's
language (Vietnamese first), e.g. "Người chưa thành niên đi cùng nạn nhân không thuộc đối tượng hỗ
trợ học nghề theo NĐ 09/2013".

Limits that depend on quantities (maximum days, one-off items already received) are enforced by
the services, which know the person's other requests (`support.services.remaining_for`).
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from victims.models import Case, CaseChild, IdentificationResult, Person
from victims.selectors import latest_outcome
from victims.text import add_months

from .models import Condition, DocumentType, EntitlementItem, PersonCategory, PolicyVersion
from .policy import version_in_force

MISSION_ABROAD = "mission_abroad"

# Which documents prove a documentary condition.
CONDITION_DOCUMENTS: dict[str, frozenset[str]] = {
    Condition.POOR_HOUSEHOLD: frozenset({DocumentType.POOR_HOUSEHOLD_CERTIFICATE}),
    Condition.HARDSHIP_CERTIFIED: frozenset({
        DocumentType.POOR_HOUSEHOLD_CERTIFICATE, DocumentType.NEAR_POOR_CERTIFICATE,
        DocumentType.COMMUNE_HARDSHIP_CONFIRMATION,
    }),
}


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Situation:
    """What the request says about the person's circumstances on the application date."""

    in_facility_stay: bool = False
    document_types: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reason:
    code: str
    message: str

    def __str__(self):
        return self.message


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    category: str | None = None
    reasons: tuple[Reason, ...] = ()

    def __bool__(self):
        return self.eligible

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    @property
    def messages(self) -> list[str]:
        return [r.message for r in self.reasons]


@dataclass
class Facts:
    """The facts about one person in one case on one date (computed once, reused for many items)."""

    person: Person
    case: Case
    on: datetime.date
    version: PolicyVersion | None
    category: str | None
    category_reasons: list[Reason] = field(default_factory=list)
    confirmed_on: datetime.date | None = None


def identification_state(case: Case) -> tuple[str | None, datetime.date | None]:
    """(latest identification result or None, date of the confirming document when identified)."""
    outcome = latest_outcome(case)
    if outcome is None:
        return None, None
    confirmed = outcome.document_date if outcome.outcome == IdentificationResult.IDENTIFIED else None
    return outcome.outcome, confirmed


# The category of a child who came with an adult, by the adult's category (Law 53/2024 Art. 37(2)-(3)).
CHILD_CATEGORY = {
    PersonCategory.VICTIM_CITIZEN: PersonCategory.ACCOMPANYING_MINOR,
    PersonCategory.FOREIGN_VICTIM: PersonCategory.MINOR_WITH_FOREIGNER,
    PersonCategory.FOREIGNER_UNDER_IDENTIFICATION: PersonCategory.MINOR_WITH_FOREIGNER,
    PersonCategory.UNDER_IDENTIFICATION: PersonCategory.MINOR_WITH_UNDER_IDENTIFICATION,
    PersonCategory.UNDER_IDENTIFICATION_ABROAD: PersonCategory.MINOR_WITH_UNDER_IDENTIFICATION_ABROAD,
}


def _adult_category(case: Case, result: str | None) -> str:
    """The category of the case's victim: identified or under identification, citizen (or stateless
    resident) or foreigner, in Viet Nam or abroad (a case held by a mission abroad)."""
    adult = case.person
    lives_here = bool(adult.home_province_id or adult.home_commune_id)
    citizen = adult.nationality == "VN" or (not adult.nationality and lives_here)
    if result == IdentificationResult.IDENTIFIED:
        return PersonCategory.VICTIM_CITIZEN if citizen else PersonCategory.FOREIGN_VICTIM
    if case.owning_agency.type.code == MISSION_ABROAD:
        return PersonCategory.UNDER_IDENTIFICATION_ABROAD
    return PersonCategory.UNDER_IDENTIFICATION if citizen else PersonCategory.FOREIGNER_UNDER_IDENTIFICATION


@dataclass(frozen=True)
class CaseState:
    """What the facts of every person of one case share on one date: read once for all of them."""

    case_id: int
    on: datetime.date
    result: str | None
    confirmed_on: datetime.date | None
    version: PolicyVersion | None
    child_ids: frozenset[int] | None = None  # None: asked of the database when a person is not the victim


def case_state(case: Case, on: datetime.date, *, child_ids=None) -> CaseState:
    result, confirmed_on = identification_state(case)
    children = None if child_ids is None else frozenset(child_ids)
    return CaseState(case.pk, on, result, confirmed_on, version_in_force(on, case.province), children)


def facts_for(*, person: Person, case: Case, on: datetime.date, state: CaseState | None = None) -> Facts:
    """The facts eligibility reads for this person of this case on `on`; `state` (case_state) when
    the facts of several persons of the same case are read together."""
    if state is None or (state.case_id, state.on) != (case.pk, on):
        state = case_state(case, on)
    result, confirmed_on, version = state.result, state.confirmed_on, state.version
    reasons: list[Reason] = []
    category = None
    is_victim = person.pk == case.person_id
    if is_victim:
        is_child = False
    elif state.child_ids is not None:
        is_child = person.pk in state.child_ids
    else:
        is_child = CaseChild.objects.filter(case=case, person=person).exists()

    if not (is_victim or is_child):
        reasons.append(Reason("not_in_case", _(
            "This person is neither the victim nor an accompanying child in this case."
        )))
    elif result == IdentificationResult.NOT_VICTIM:
        reasons.append(Reason("not_victim", _(
            "The person was found not to be a victim of trafficking, so no support applies."
        )))
    elif is_child:
        if person.age_on(on) is None:
            reasons.append(Reason("child_age_unknown", _(
                "The accompanying child's date or year of birth is not recorded."
            )))
        elif not person.is_minor_on(on):
            reasons.append(Reason("child_adult", _(
                "The accompanying person is 18 or older on %(date)s."
            ) % {"date": _date(on)}))
        else:
            category = CHILD_CATEGORY[_adult_category(case, result)]
    else:
        category = _adult_category(case, result)
    return Facts(person=person, case=case, on=on, version=version, category=category,
                 category_reasons=reasons, confirmed_on=confirmed_on)


def check_eligibility(
    *, person: Person, case: Case, item: EntitlementItem, on: datetime.date,
    situation: Situation | None = None, facts: Facts | None = None,
) -> Eligibility:
    """Is `person` (the victim of `case` or a child who came with them) eligible for `item` on `on`?

    `on` is the application date: it chooses the policy version. `facts` may be passed when checking
    many items for the same person, case and date.
    """
    situation = situation or Situation()
    if facts is None or (facts.person.pk, facts.case.pk, facts.on) != (person.pk, case.pk, on):
        facts = facts_for(person=person, case=case, on=on)
    version = item.version
    reasons: list[Reason] = []

    if facts.version is None:
        reasons.append(Reason("no_version", _("No support policy is in force on %(date)s.") % {"date": _date(on)}))
    elif facts.version.pk != version.pk:
        reasons.append(Reason("version_not_in_force", _(
            "%(version)s is not the policy in force on %(date)s (%(current)s is)."
        ) % {"version": version.short_name, "date": _date(on), "current": facts.version.short_name}))

    reasons.extend(facts.category_reasons)
    if facts.category and facts.category not in item.eligible_categories:
        reasons.append(Reason("category", _("%(category)s is not eligible for %(item)s under %(version)s.") % {
            "category": PersonCategory(facts.category).label, "item": item.name_in_sentence,
            "version": version.short_name,
        }))

    for condition in item.conditions:
        reason = _check_condition(condition, item, person, situation, on)
        if reason:
            reasons.append(reason)

    if item.application_window_months and facts.category in item.eligible_categories:
        months = item.application_window_months
        if facts.confirmed_on is None:
            reasons.append(Reason("window_no_confirmation", _(
                "%(item)s must be applied for within %(months)s months of the confirmation that the "
                "person is a victim; there is no such confirmation yet."
            ) % {"item": item.name, "months": months}))
        else:
            until = add_months(facts.confirmed_on, months)
            if on > until:
                reasons.append(Reason("window_expired", _(
                    "%(item)s must be applied for within %(months)s months of the confirmation of "
                    "%(date)s, that is by %(until)s."
                ) % {"item": item.name, "months": months, "date": _date(facts.confirmed_on),
                     "until": _date(until)}))

    return Eligibility(eligible=not reasons, category=facts.category, reasons=tuple(reasons))


def _check_condition(
    condition: str, item: EntitlementItem, person: Person, situation: Situation, on: datetime.date,
) -> Reason | None:
    if condition in CONDITION_DOCUMENTS:
        if situation.document_types & CONDITION_DOCUMENTS[condition]:
            return None
        if condition == Condition.POOR_HOUSEHOLD:
            return Reason(condition, _(
                "%(item)s is only for victims from a poor household: attach the poor-household certificate."
            ) % {"item": item.name})
        return Reason(condition, _(
            "%(item)s needs a poor or near-poor household certificate, or the commune's confirmation "
            "of hardship."
        ) % {"item": item.name})
    if condition == Condition.FACILITY_STAY:
        if situation.in_facility_stay:
            return None
        return Reason(condition, _("%(item)s is paid only during a stay in a support facility.") % {
            "item": item.name,
        })
    if condition == Condition.NEEDS_INTERPRETER:
        if person.interpreter_needed:
            return None
        return Reason(condition, _(
            "%(item)s is for persons who need an interpreter (see the declaration)."
        ) % {"item": item.name})
    if condition == Condition.UNDER_18:
        if person.is_minor_on(on):
            return None
        if person.age_on(on) is None:
            return Reason(condition, _(
                "%(item)s is for persons under 18: the date or year of birth is not recorded."
            ) % {"item": item.name})
        return Reason(condition, _("%(item)s is for persons under 18 on %(date)s.") % {
            "item": item.name, "date": _date(on),
        })
    return Reason("unknown_condition", _("The condition %(condition)s cannot be checked.") % {
        "condition": condition,
    })
