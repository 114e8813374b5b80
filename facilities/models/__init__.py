"""Facilities (cơ sở trợ giúp xã hội), their licences, inspections and the stays of residents."""

from .facility import Facility
from .inspection import Inspection
from .licensing import Licence, LicenceApplication, LicenceStatusChange
from .stay import Stay, StayExtension

__all__ = [
    "Facility", "Inspection", "Licence", "LicenceApplication", "LicenceStatusChange", "Stay", "StayExtension",
]
