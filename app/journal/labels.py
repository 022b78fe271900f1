"""What each audit action code means, in words (French; English through the catalogue).

A code is ``<subject>.<act>``. A state change writes ``<subject>.<transition name>``
(``app.transitions.engine``): its labels are built from the machines' transition names, so every
transition of ``workflows.machine`` has one as soon as its act is worded in ``TRANSITION_ACTS``.
A unit test scans the code for every code written and fails on one without a label.

A juror's declaration is one code, ``conflict.declare``, with or without a conflict: its row's
data (``has_conflict``) tells which, for old rows as for new ones, so the log reads it as two
actions (``NO_CONFLICT`` names the second one in the filter).
"""

from __future__ import annotations

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l

from workflows.machine import CANDIDATURE, NATIONAL, REGION

SUBJECTS = {
    "user": _l("Compte"),
    "candidature": _l("Dossier"),
    "attachment": _l("Pièce jointe"),
    "region": _l("Région"),
    "edition": _l("Concours"),
    "jury": _l("Jury"),
    "conflict": _l("Conflit d’intérêts"),
    "scoresheet": _l("Fiche de notation"),
    "export": _l("Téléchargement"),
    "message": _l("Message"),
}
MACHINES = {"candidature": CANDIDATURE, "region": REGION, "edition": NATIONAL}

# Each transition's act, whatever it moves (a dossier, a region or the contest).
TRANSITION_ACTS = {
    "submit": _l("dépôt"),
    "withdraw": _l("retrait par le candidat"),
    "enter_emailed_dossier": _l("saisi par l’ARS (dossier reçu par courriel)"),
    "declare_inadmissible": _l("déclaration d’irrecevabilité"),
    "requalify": _l("requalification"),
    "open_regional_jury": _l("ouverture du jury régional"),
    "select_for_nation": _l("sélection pour le national"),
    "unselect": _l("retrait de la sélection régionale"),
    "close_region": _l("clôture de la sélection régionale"),
    "excuse_region": _l("excuse de la région (pas de jury régional)"),
    "reinstate_region": _l("réintégration de la région"),
    "reopen_region": _l("réouverture de la sélection régionale"),
    "open_national_jury": _l("ouverture du jury national"),
    "declare_winner": _l("désignation du lauréat"),
    "not_select_nationally": _l("non-sélection au national"),
    "publish_results": _l("publication des résultats"),
}

# The acts that are not transitions, by code.
OTHER_ACTS = {
    "user.create": _l("création"),
    "user.grant": _l("rôle attribué"),
    "user.login": _l("connexion"),
    "user.logout": _l("déconnexion"),
    "user.verify_email": _l("adresse électronique vérifiée"),
    "user.password_reset_request": _l("demande de réinitialisation du mot de passe"),
    "user.password_reset": _l("mot de passe réinitialisé"),
    "user.export_data": _l("téléchargement de ses données personnelles"),
    "user.anonymise": _l("anonymisation (effacement des données personnelles)"),
    "user.mfa_enrol": _l("double authentification activée"),
    "user.mfa_recovery_use": _l("connexion avec un code de secours"),
    "user.mfa_recovery_regenerate": _l("nouveaux codes de secours"),
    "user.mfa_disable": _l("double authentification désactivée"),
    "user.mfa_reset": _l("double authentification réinitialisée par l’administrateur"),
    "candidature.create": _l("création"),
    "candidature.edit": _l("modification"),
    "candidature.take_over": _l("repris par le candidat (dossier saisi par l’ARS)"),
    "candidature.resend_take_over": _l("invitation à reprendre le dossier renvoyée par l’ARS"),
    "candidature.anonymise": _l("anonymisation (durée de conservation écoulée)"),
    "attachment.add": _l("ajout"),
    "attachment.replace": _l("remplacement"),
    "attachment.delete": _l("suppression"),
    "edition.load": _l("définition chargée"),
    "edition.update": _l("définition mise à jour"),
    "jury.invite": _l("juré invité"),
    "jury.add": _l("juré ajouté (compte existant)"),
    "jury.remove": _l("juré retiré"),
    "jury.remind": _l("jurés relancés"),
    "jury.accept_invitation": _l("invitation acceptée"),
    "jury.assignment_apply": _l("répartition des dossiers appliquée"),
    "jury.assignment_add": _l("juré ajouté à un dossier"),
    "jury.assignment_remove": _l("juré retiré d’un dossier"),
    "jury.assignment_cover": _l("jurés attribués à un dossier requalifié"),
    "conflict.declare": _l("lien d’intérêt déclaré par le juré"),
    "conflict.detect": _l("détecté automatiquement"),
    "conflict.record": _l("enregistré par l’organisateur"),
    "conflict.lift": _l("levé par l’organisateur"),
    "scoresheet.submit": _l("remise"),
    # A draft as well as a change to a submitted sheet (the row's data « status » tells which).
    "scoresheet.save": _l("enregistrée (brouillon, ou modification après remise)"),
    "export.candidatures": _l("tableau des candidatures"),
    "export.notes": _l("tableau des notes"),
    "export.shortlist": _l("tableau de la présélection nationale"),
    "export.book": _l("livret de la sélection nationale"),
    "export.archive": _l("archive de la sélection nationale"),
    "export.dossier": _l("dossier en PDF"),
    "export.minutes": _l("procès-verbal de délibération"),
    "export.journal": _l("journal des actions"),
    "message.send": _l("envoyé entre le candidat et l’ARS (le texte n’est pas journalisé)"),
    "export.synthesis": _l("synthèse des candidatures"),
}

NO_CONFLICT = "conflict.declare_none"
_NO_CONFLICT_ACT = _l("aucun lien d’intérêt, déclaré par le juré")


def _label(code: str, act) -> LazyString:
    subject = SUBJECTS[code.split(".", 1)[0]]
    return LazyString(lambda: gettext("%(subject)s : %(act)s", subject=subject, act=act))


def _transition_codes() -> dict[str, object]:
    return {f"{prefix}.{name}": TRANSITION_ACTS.get(name)
            for prefix, machine in MACHINES.items() for name in machine.transitions}


# Every action of the log's filter, by key: the codes, and the juror's « no conflict » read from its data.
LABELS: dict[str, LazyString] = {
    key: _label(key, act)
    for key, act in {**_transition_codes(), **OTHER_ACTS, NO_CONFLICT: _NO_CONFLICT_ACT}.items() if act is not None
}


def key_of(action: str, data: dict | None) -> str:
    """The filter's key for a row: its code, but for a juror's declaration of no conflict."""
    if action == "conflict.declare" and (data or {}).get("has_conflict") is False:
        return NO_CONFLICT
    return action


def label_of(action: str, data: dict | None) -> str:
    """The row's action in words; an unknown code (a test's, or one no longer written) as it is."""
    label = LABELS.get(key_of(action, data))
    if label is None:
        return action
    # A jury row names the juror it concerns (invited, added, removed) by the address its data keeps.
    if action.startswith("jury.") and (email := (data or {}).get("email")):
        return gettext("%(action)s : %(juror)s", action=label, juror=email)
    return str(label)
