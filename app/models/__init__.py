"""All models, importable from one place (Alembic autogenerate sees every table)."""

from app.models.audit import AuditChainHead, AuditEntry
from app.models.candidatures import Attachment, Candidature, Partner
from app.models.editions import Edition, Region
from app.models.exports import ExportJob
from app.models.jury import ConflictDeclaration, JuryAssignment, Mark, RegionalPick, Scoresheet
from app.models.messages import Message
from app.models.outbox import OutboxEmail
from app.models.types import UTCDateTime
from app.models.users import MfaRecoveryCode, RoleMembership, User, UserToken

__all__ = [
    "Attachment",
    "AuditChainHead",
    "AuditEntry",
    "Candidature",
    "ConflictDeclaration",
    "Edition",
    "ExportJob",
    "JuryAssignment",
    "Mark",
    "Message",
    "MfaRecoveryCode",
    "OutboxEmail",
    "Partner",
    "Region",
    "RegionalPick",
    "RoleMembership",
    "Scoresheet",
    "User",
    "UserToken",
    "UTCDateTime",
]
