"""The referral world of issue 13: a Lạng Sơn border post refers a woman and her child to a Hà Nội
centre. Distinctive words are planted in every part of the file, so a body can be searched for them."""

import datetime
from types import SimpleNamespace

from accounts.roles import Role
from tests.support.factories import make_case
from tests.victims.factories import CaseChildFactory, PersonFactory, agency, consented, member
from victims import referrals
from victims.models import SharedPart, SharingParty

WORDS = {
    "name": "Lương Thị Dịu", "child": "Lương Văn Tít", "health": "Viêm phổi mãn tính",
    "trafficking": "Bị giữ hộ chiếu ở Quảng Tây", "id_number": "020199004321",
}


def referral_world(*, consent=(SharingParty.SOCIAL_CENTRE,)):
    border = agency("border_guard", "lang son", code="BP-LS", name="Đồn Biên phòng Hữu Nghị")
    centre = agency("social_centre", "ha noi", code="TT-HN", name="Trung tâm Công tác xã hội Hà Nội")
    outsider_agency = agency("social_centre", "nghe an", code="TT-NA", name="Trung tâm Bảo trợ xã hội Nghệ An")
    case = make_case(owner=border, full_name=WORDS["name"], sex="female", birth_year=1998, home=None,
                     id_paper_type="cccd", id_paper_number=WORDS["id_number"],
                     received_on=datetime.date(2025, 10, 1))
    case.health_notes = WORDS["health"]
    case.means_of_control = WORDS["trafficking"]
    case.save(update_fields=["health_notes", "means_of_control"])
    child = CaseChildFactory(case=case, person=PersonFactory(full_name=WORDS["child"], sex="male", birth_year=2021),
                             created_by=case.created_by)
    if consent is not None:
        consented(case, *consent)
    return SimpleNamespace(
        border=border, centre=centre, outsider_agency=outsider_agency, case=case, child=child,
        sender=member(border, Role.CASEWORKER, user__username="bp_caseworker", user__full_name="Hoàng Văn Biên"),
        border_manager=member(border, Role.AGENCY_MANAGER, user__username="bp_manager"),
        receiver=member(centre, Role.CASEWORKER, user__username="hn_caseworker", user__full_name="Trần Thu Hà"),
        receiver2=member(centre, Role.CASEWORKER, user__username="hn_caseworker2", user__full_name="Ngô Minh"),
        receiver_approver=member(centre, Role.APPROVER, user__username="hn_approver"),
        outsider=member(outsider_agency, Role.CASEWORKER, user__username="na_caseworker"),
    )


def send(world, parts=(SharedPart.IDENTITY,), **kwargs):
    return referrals.referral_send(
        user=world.sender, case=world.case, receiving_agency=world.centre, reason="Cần nơi tạm trú an toàn",
        services=["shelter", "medical"], shared_parts=list(parts), **kwargs,
    )


def hand_over(world, referral, **kwargs):
    fields = {
        "handed_over_on": datetime.date.today(), "place": "Cửa khẩu Hữu Nghị, Lạng Sơn",
        "handed_by_name": "Hoàng Văn Biên, Đội trưởng", "received_by_name": "Trần Thu Hà, cán bộ công tác xã hội",
        "children": [world.child], "escort_name": "Nông Văn Hộ", "escort_role": "Chiến sĩ, Đồn Biên phòng Hữu Nghị",
        "papers": "Giấy xác nhận của Công an", "belongings": "01 ba lô, 01 điện thoại",
    }
    fields.update(kwargs)
    return referrals.handover_record(user=world.sender, referral=referral, **fields)
