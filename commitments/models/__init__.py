"""The commitments app's models, one module per concern."""

from .commitments import Commitment, CommitmentContext, Milestone
from .declaration import Declaration, OfficialClause, Pillar, SourceDocument
from .proposals import SHARED_TERMS, ProposalState, SharedTermChange
from .trail import StatusUpdate
from .users import Organisation, User, validate_time_zone

__all__ = [
    "SHARED_TERMS",
    "Commitment",
    "CommitmentContext",
    "Declaration",
    "Milestone",
    "OfficialClause",
    "Organisation",
    "Pillar",
    "ProposalState",
    "SharedTermChange",
    "SourceDocument",
    "StatusUpdate",
    "User",
    "validate_time_zone",
]
