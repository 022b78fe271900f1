"""The dossier form, built from the edition's definition.

The form only parses and displays: which values are acceptable is decided by
``workflows.dossier.dossier_problems`` in the operation, whatever the browser sends, so choice
fields do not validate their own choices here.
"""

from __future__ import annotations

from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from app.i18n import language, worded
from workflows.definition import Contest
from workflows.dossier import FIELDS, dossier_key
from workflows.identifiers import normalise

PARTNER_ROWS = 4


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(items) -> list[SelectChoice]:
    return [SelectChoice(item.key, worded(item)) for item in items]


class PartnerForm(Form):
    side = SelectField(_l("Côté"), validate_choice=False, choices=[
        SelectChoice("", "—"), SelectChoice("usager", _l("Usagers")), SelectChoice("soignant", _l("Professionnels de santé")),
    ])
    name = StringField(_l("Nom"))
    organisation = StringField(_l("Organisation"))
    role = StringField(_l("Rôle dans le projet"))


class CandidatureCreateForm(FlaskForm):
    region = SelectField(_l("Région (agence régionale de santé)"), validate_choice=False,
                         description=_l("La candidature est examinée par l’ARS et le jury de cette région."))


class DossierBaseForm(FlaskForm):
    version = HiddenField()
    category = RadioField(_l("Catégorie du candidat"), validate_choice=False)
    structure_name = StringField(_l("Nom de la structure ou du candidat"))
    identifier = StringField(_l("Identifiant (FINESS, SIRET, RNA ou RPPS)"),
                             description=_l("Facultatif : FINESS pour un établissement, SIRET ou RNA pour une association, RPPS pour un professionnel."))
    sectors = MultiCheckboxField(_l("Secteurs concernés"), validate_choice=False,
                                 description=_l("Les projets menés en coopération entre secteurs sont bienvenus."))
    contact_name = StringField(_l("Personne à contacter"))
    contact_function = StringField(_l("Fonction"))
    contact_email = EmailField(_l("Adresse électronique de contact"))
    contact_phone = TelField(_l("Téléphone"))
    title = StringField(_l("Titre du projet"))
    summary = TextAreaField(_l("Résumé du projet"))
    description = TextAreaField(_l("Description du projet"))
    partners = FieldList(FormField(PartnerForm), min_entries=PARTNER_ROWS, max_entries=12)
    modalities = MultiCheckboxField(_l("Modalités du partenariat"), validate_choice=False)
    domains = MultiCheckboxField(_l("Domaines du partenariat"), validate_choice=False)
    domain_other = StringField(_l("Précisez le domaine « autre »"))
    project_stage = RadioField(_l("État d’avancement du projet"), validate_choice=False)
    link = URLField(_l("Lien (par exemple une vidéo)"), description=_l("Facultatif. Commence par https://"))

    dossier_keys: tuple[str, ...] | None = None  # the dossier keys whose fields the form has (None: every one)

    def holds(self, key: str) -> bool:
        return self.dossier_keys is None or key in self.dossier_keys


def dossier_form_class(contest: Contest, keys: tuple[str, ...] | None = None) -> type[DossierBaseForm]:
    """A form class with one answer field per criterion and one box per attestation; with ``keys`` (a
    step's dossier keys), only the fields of those keys: a step's page builds, parses and shows its own
    fields, not the forty of the whole dossier."""
    return _dossier_form_class(contest, language(), keys)


# Built once per definition, language and step, not on each request: WTForms binds a class's fields once,
# and the wordings read from the definition depend on the page's language only.
@lru_cache(maxsize=64)
def _dossier_form_class(contest: Contest, _language: str, keys: tuple[str, ...] | None) -> type[DossierBaseForm]:
    fields = {
        f"answer_{criterion.key}": TextAreaField(
            worded(criterion), description=_l("%(max)s caractères au maximum.", max=contest.limits.criterion_answer)
        )
        for criterion in contest.criteria
    }
    fields |= {f"attestation_{a.key}": BooleanField(worded(a)) for a in contest.attestations}
    if keys is not None:
        # A field set to None in a subclass is not one of its fields (WTForms): the other steps' go.
        fields = {name: field for name, field in fields.items() if dossier_key(name) in keys}
        fields |= {name: None for name in (*FIELDS, "partners") if dossier_key(name) not in keys}
    return type("DossierForm", (DossierBaseForm,), {"dossier_keys": keys, **fields})


def set_choices(form: DossierBaseForm, contest: Contest) -> None:
    """The definition's lists and lengths on the fields the form has (a step's form has its own only)."""
    for name, choices in _choice_lists(contest, language()).items():
        if name in form:
            form[name].choices = choices
    for name, limit in (("summary", contest.limits.summary), ("description", contest.limits.description)):
        if name in form:
            form[name].description = _l("%(max)s caractères au maximum.", max=limit)


@lru_cache(maxsize=32)
def _choice_lists(contest: Contest, _language: str) -> dict[str, list[SelectChoice]]:
    """The choices of the definition's lists, per field (shared by the forms of every request: never changed)."""
    return {"category": _choices(contest.categories), "sectors": _choices(contest.sectors),
            "modalities": _choices(contest.modalities), "domains": _choices(contest.domains),
            "project_stage": _choices(contest.project_stages)}


def _clean(value):
    """Stripped text; blank is None, as a field never filled in."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def dossier_from_form(form: DossierBaseForm, contest: Contest) -> dict:
    """The dossier as typed, for the keys the form has (a step's form: its own): plain values, blank
    partner rows dropped."""
    dossier = {field: _clean(form[field].data) for field in FIELDS if form.holds(field)}
    for field in ("sectors", "modalities", "domains"):
        if field in dossier:
            dossier[field] = list(dossier[field] or [])
    if form.holds("answers"):
        answers = {c.key: _clean(form[f"answer_{c.key}"].data) for c in contest.criteria}
        dossier["answers"] = {key: text for key, text in answers.items() if text}
    if form.holds("attestations"):
        dossier["attestations"] = {a.key: bool(form[f"attestation_{a.key}"].data) for a in contest.attestations}
    if form.holds("partners"):
        dossier["partners"] = [
            {key: _clean(row.form[key].data) or "" for key in ("side", "name", "organisation", "role")}
            for row in form.partners
            if any(_clean(row.form[key].data) for key in ("name", "organisation", "role"))
        ]
    return dossier


def form_data(dossier: dict, contest: Contest, version: int) -> dict:
    """What the form shows for a stored dossier."""
    data = {field: dossier.get(field) for field in FIELDS}
    data["version"] = version
    data |= {f"answer_{key}": value for key, value in (dossier.get("answers") or {}).items()}
    data |= {f"attestation_{key}": value for key, value in (dossier.get("attestations") or {}).items()}
    partners = list(dossier.get("partners") or [])
    data["partners"] = partners + [{}] * max(0, PARTNER_ROWS - len(partners))
    return data


def stored_differences(form: DossierBaseForm, stored: dict, contest: Contest) -> dict[str, dict]:
    """Where the stored dossier differs from what was typed: field name -> its label and the stored value shown."""
    typed = dossier_from_form(form, contest)
    if typed.get("identifier"):
        typed["identifier"] = normalise(typed["identifier"])  # as the save compares it
    differences = {}

    def differ(name: str, label, mine, theirs, shown: str) -> None:
        if mine != theirs:
            differences[name] = {"label": str(label), "value": shown or _("(vide)")}

    for name in (name for name in FIELDS if name in typed):
        field, theirs = form[name], stored.get(name)
        if isinstance(field, SelectMultipleField):
            differ(name, field.label.text, sorted(typed[name]), sorted(theirs or []), _labels(field, theirs or []))
        elif isinstance(field, RadioField):
            differ(name, field.label.text, typed[name], _clean(theirs), _labels(field, [theirs] if theirs else []))
        else:
            differ(name, field.label.text, typed[name], _clean(theirs), _clean(theirs) or "")
    for criterion in contest.criteria if "answers" in typed else ():
        theirs = _clean((stored.get("answers") or {}).get(criterion.key))
        differ(f"answer_{criterion.key}", worded(criterion), typed["answers"].get(criterion.key), theirs, theirs or "")
    for attestation in contest.attestations if "attestations" in typed else ():
        theirs = bool((stored.get("attestations") or {}).get(attestation.key))
        differ(f"attestation_{attestation.key}", worded(attestation), typed["attestations"][attestation.key], theirs,
               _("cochée") if theirs else _("non cochée"))
    if "partners" not in typed:
        return differences
    partners = [{key: partner.get(key) or "" for key in ("side", "name", "organisation", "role")}
                for partner in stored.get("partners") or ()]
    sides = {choice.value: str(choice.label) for choice in form.partners[0].form.side.choices}
    differ("partners", _("Partenaires"), typed["partners"], partners, "\n".join(
        f"{sides.get(p['side'], p['side'])} : {', '.join(filter(None, (p['name'], p['organisation'], p['role'])))}"
        for p in partners))
    return differences


def _labels(field, keys) -> str:
    """The labels of the chosen keys in the form's order (an unknown key as it is, last)."""
    known = {choice.value for choice in field.choices}
    return ", ".join([str(choice.label) for choice in field.choices if choice.value in keys]
                     + [key for key in keys if key not in known])
