"""Django's own form messages, worded again for our Vietnamese catalogue.

Django's Vietnamese catalogue has awkward wording ("Đảm bảo giá trị này lớn hơn hoặc bằng với 0 ."
with a space before the stop, "kí tự (hiện có 4999)"). Our catalogue (LOCALE_PATHS) is read first,
so listing the English messages here lets `make messages` extract them and locale/vi give them in
plain Vietnamese. Never called: the markers only feed the catalogue.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = [
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is %(limit_value)s (it is %(show_value)s)."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    # The administration: Django's and django-axes' words the Vietnamese catalogues lack.
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
]
