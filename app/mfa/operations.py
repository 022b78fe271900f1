"""The second factor of staff accounts: enrolling, checking a code, recovery codes, reset.

Organisers and administrators must have one; jurors may; candidates are never asked (who must and
who may: ``Role.requires_second_factor`` and ``Role.offers_second_factor``). Each change
writes one audit row (never the secret nor a code) and the caller commits. Refusals are worded in
French, like every operation's (``workflows.refusals``): the command line raises them too.
"""

from __future__ import annotations

from datetime import datetime

from app.audit import record
from app.extensions import db
from app.mfa.codes import CODE, matching_step, new_recovery_codes, new_secret, normalise, recovery_hash
from app.models import MfaRecoveryCode, User
from app.models.users import new_session_token
from workflows.texts import _l
from workflows.refusals import Invalid, Refused
from workflows.states import Role

def enrolment_secret(user: User) -> str:
    """The secret being enrolled: made at the first visit and kept until a code confirms it, so that
    reloading the page shows the QR code already scanned."""
    if user.second_factor_enrolled:
        raise Refused([_l("La double authentification est déjà activée sur ce compte.")])
    if user.mfa_secret is None:
        user.mfa_secret = new_secret()
        db.session.flush()
    return user.mfa_secret


def confirm_enrolment(user: User, typed: str, *, now: datetime) -> list[str]:
    """Enrol the authenticator that shows ``typed``; returns the new recovery codes, to show once."""
    if user.second_factor_enrolled:
        raise Refused([_l("La double authentification est déjà activée sur ce compte.")])
    step = matching_step(user.mfa_secret, normalise(typed), now=now, after=None) if user.mfa_secret else None
    if step is None:
        raise Invalid({"code": _l("Ce code ne correspond pas : saisissez les 6 chiffres que l’application "
                                  "affiche en ce moment pour « Concours SSP ».")})
    user.mfa_enrolled_at, user.mfa_last_step = now, step
    codes = _replace_recovery_codes(user, now)
    record("user.mfa_enrol", actor=user, role=None, at=now)
    db.session.flush()
    return codes


def check_second_factor(user: User, typed: str, *, now: datetime) -> bool:
    """Accept a code of the authenticator not used before, or an unused recovery code (used up now)."""
    typed = normalise(typed)
    if not user.second_factor_enrolled:
        return False
    if CODE.fullmatch(typed):
        return _use_step(user, typed, now)
    return _use_recovery_code(user, typed, now)


def _use_step(user: User, typed: str, now: datetime) -> bool:
    step = matching_step(user.mfa_secret, typed, now=now, after=user.mfa_last_step)
    if step is None:
        return False
    # Conditional: of two requests carrying the same code at the same instant, one only passes.
    result = db.session.execute(
        db.update(User).where(User.id == user.id, db.or_(User.mfa_last_step.is_(None), User.mfa_last_step < step))
        .values(mfa_last_step=step))
    db.session.refresh(user)
    return result.rowcount == 1


def _use_recovery_code(user: User, typed: str, now: datetime) -> bool:
    result = db.session.execute(
        db.update(MfaRecoveryCode)
        .where(MfaRecoveryCode.user_id == user.id, MfaRecoveryCode.code_hash == recovery_hash(typed),
               MfaRecoveryCode.used_at.is_(None))
        .values(used_at=now))
    if result.rowcount != 1:
        return False
    record("user.mfa_recovery_use", actor=user, role=None, at=now, data={"left": recovery_codes_left(user)})
    return True


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(db.select(db.func.count(MfaRecoveryCode.id))
                             .filter_by(user_id=user.id, used_at=None))


def regenerate_recovery_codes(user: User, typed: str, *, now: datetime) -> list[str]:
    """New recovery codes (the old ones stop working) for whoever proves the second factor again."""
    _prove(user, typed, now)
    codes = _replace_recovery_codes(user, now)
    record("user.mfa_recovery_regenerate", actor=user, role=None, at=now)
    db.session.flush()
    return codes


def turn_off(user: User, typed: str, *, now: datetime) -> None:
    """A juror's choice to sign in with the password alone again; refused to the roles that require it."""
    if user.second_factor_required:
        raise Refused([_l("La double authentification est obligatoire pour votre rôle : elle reste activée.")])
    _prove(user, typed, now)
    _erase(user)
    record("user.mfa_disable", actor=user, role=None, at=now)
    db.session.flush()


def reset(user: User, *, actor: User | None, now: datetime) -> None:
    """A lost authenticator: erase the second factor and end the account's sessions. The person
    signs in again with the password and, if their role requires it, enrols a new device."""
    if user.mfa_secret is None:
        raise Refused([_l("Ce compte n’a pas de double authentification à réinitialiser.")])
    if actor is not None and actor.id == user.id:
        raise Refused([_l("Un administrateur ne réinitialise pas sa propre double authentification : "
                          "un autre administrateur ou la commande « flask user reset-mfa » le fait.")])
    _erase(user)
    user.session_token = new_session_token()
    record("user.mfa_reset", actor=actor, role=Role.ADMIN.value if actor else None, at=now,
           data={"user_id": user.id})
    db.session.flush()


def _prove(user: User, typed: str, now: datetime) -> None:
    if not check_second_factor(user, typed, now=now):
        raise Invalid({"code": _l("Code incorrect ou déjà utilisé.")})


def _erase(user: User) -> None:
    user.mfa_secret = user.mfa_enrolled_at = user.mfa_last_step = None
    db.session.execute(db.delete(MfaRecoveryCode).filter_by(user_id=user.id))


def _replace_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(db.delete(MfaRecoveryCode).filter_by(user_id=user.id))
    codes = new_recovery_codes()
    db.session.add_all(MfaRecoveryCode(user_id=user.id, code_hash=recovery_hash(code), created_at=now)
                       for code in codes)
    return codes
