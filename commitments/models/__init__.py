"""The commitments app's models, one module per concern."""

from .commitments import Commitment, Milestone
from .declaration import Declaration, Pillar
from .trail import StatusUpdate
from .users import Organisation, User, validate_time_zone

__all__ = [
    "Commitment",
    "Declaration",
    "Milestone",
    "Organisation",
    "Pillar",
    "StatusUpdate",
    "User",
    "validate_time_zone",
]
