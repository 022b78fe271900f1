"""Contest rules without Flask: the definition of an edition and the state machines.

Invariant: nothing in this package imports flask, sqlalchemy or wtforms, nor reads the clock.
``workflows.diagram`` is not imported here so that ``python -m workflows.diagram`` runs cleanly.
"""

from workflows.definition import (
    CONTESTS_DIR,
    AttachmentRules,
    Attestation,
    Calendar,
    Choice,
    Contest,
    ContestError,
    Criterion,
    FileType,
    Limits,
    Quota,
    Region,
    Scale,
    ScaleLevel,
    load_contest,
    loads_contest,
    shift_calendar,
)
from workflows.machine import (
    CANDIDATURE,
    NATIONAL,
    REGION,
    Facts,
    Machine,
    NationalFacts,
    RegionFacts,
    Transition,
    available,
    blockers,
    check,
)
from workflows.refusals import Invalid, Refused, Stale
from workflows.states import NationalStage, RegionStage, Role, State
from workflows.texts import french_date

__all__ = [
    "CANDIDATURE", "CONTESTS_DIR", "NATIONAL", "REGION",
    "AttachmentRules", "Attestation", "Calendar", "Choice", "Contest", "ContestError",
    "Criterion", "Facts", "FileType", "Limits", "Machine", "NationalFacts", "NationalStage",
    "Quota", "Region", "RegionFacts", "RegionStage", "Role", "Scale", "ScaleLevel", "State",
    "Invalid", "Refused", "Stale", "Transition",
    "available", "blockers", "check", "french_date", "load_contest", "loads_contest",
    "shift_calendar",
]
