"""Who plays in the demonstration, and what their dossiers say.

Every account shares one password. Addresses are under ``demo.example.org`` (a domain reserved
for examples that the email check accepts). Each region has its ARS, its jurors and a project
holder whose dossiers it judges; three regions have larger juries, to show a jury at work.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflows.definition import Contest
from workflows.dossier import FIELDS
from workflows.states import Role

PASSWORD = "demo-concours-ssp"  # printed by the command; the demo refuses to run in production
# The authenticator key of every demo account whose role requires a second factor (organisers, the
# administrator), printed beside the password: one entry in an authenticator app signs them all in.
TOTP_SECRET = "DEMOCONCOURSSSPDEMOCONCOURSSSP23"
DOMAIN = "demo.example.org"
# Regions whose story the demo tells: a jury that closed early, three juries still scoring (the
# largest with its dossiers assigned, ASSIGNED_N jurors each), and a region that never managed to
# gather its jury (excused at the national stage).
CLOSED_EARLY, ASSIGNED, NO_JURY = "HDF", "CVL", "COR"
STILL_SCORING = ("IDF", "ARA", ASSIGNED)
LARGE_JURIES = (CLOSED_EARLY, *STILL_SCORING)
ASSIGNED_N, ASSIGNED_JURORS = 3, 6
FIRST_NAMES = ("Paul", "Sophie", "Nadia", "Louis", "Claire", "Yann", "Inès", "Hugo", "Léa", "Omar", "Julie",
               "Marc", "Chloé", "Samir", "Anne", "Théo", "Rose")
LAST_NAMES = ("Lefebvre", "Nguyen", "Morel", "Garnier", "Petit", "Rousseau", "Blanc", "Faure", "Mercier",
              "Bonnet", "Lambert", "Fontaine", "Chevalier", "Robin", "Masson", "Gauthier", "Perrin")


@dataclass(frozen=True)
class Account:
    email: str
    role: Role
    region: str | None
    name: str


def email(local: str) -> str:
    return f"{local}@{DOMAIN}"


def jurors_in(code: str) -> int:
    return ASSIGNED_JURORS if code == ASSIGNED else 3 if code in LARGE_JURIES else 2


def accounts(contest: Contest) -> list[Account]:
    """Every account of the demo, in the order the command prints them."""
    people = [Account(email("candidat"), Role.CANDIDATE, None, "Jeanne Martin"),
              Account(email("candidat2"), Role.CANDIDATE, None, "Karim Benali")]
    people += [Account(email(f"porteur.{r.code.lower()}"), Role.CANDIDATE, None, f"Porteur de projets ({r.name})")
               for r in contest.regions]
    people += [Account(email(f"ars.{r.code.lower()}"), Role.REGIONAL_ORGANISER, r.code, f"ARS {r.name}")
               for r in contest.regions]
    for index, region in enumerate(contest.regions):
        for seat in range(jurors_in(region.code)):
            local = f"jure{seat + 1 if seat else ''}.{region.code.lower()}"
            name = f"{FIRST_NAMES[(index + seat) % len(FIRST_NAMES)]} {LAST_NAMES[(index * 3 + seat) % len(LAST_NAMES)]}"
            people.append(Account(email(local), Role.REGIONAL_JUROR, region.code, name))
    people += [Account(email("national"), Role.NATIONAL_ORGANISER, None, "DGOS — organisation nationale"),
               Account(email("jure.national"), Role.NATIONAL_JUROR, None, "Marc Durand"),
               Account(email("jure2.national"), Role.NATIONAL_JUROR, None, "Aïcha Diallo"),
               Account(email("admin"), Role.ADMIN, None, "Administrateur")]
    return people


# Projects as candidates describe them; each region's holder submits some of them.
PROJECTS = (
    ("Patients traceurs de leur sortie d’hospitalisation", "Centre hospitalier"),
    ("Identito-vigilance : le patient acteur de son bracelet", "Maison de santé"),
    ("Un carnet de liaison partagé en EHPAD", "EHPAD"),
    ("Bien se servir de ses médicaments à domicile", "Association de patients"),
    ("Des usagers formateurs pour les internes", "Centre hospitalier universitaire"),
    ("Le check-list opératoire expliquée aux patients", "Clinique"),
    ("Prévenir les chutes avec les aidants", "Service de soins infirmiers à domicile"),
    ("Un comité patients-soignants pour les événements indésirables", "Groupement hospitalier de territoire"),
    ("La douleur racontée par les enfants", "Hôpital pédiatrique"),
    ("Hygiène des mains : les visiteurs s’engagent", "Centre hospitalier"),
)
FEATURED = {"candidat": ("HDF", PROJECTS[0]), "candidat2": ("IDF", PROJECTS[1])}
# Holders of these themes (whatever their setting) tick only the required attestations: they do not
# consent to publication (the public results count their picked projects, nothing more).
PRIVATE = {PROJECTS[3][0], PROJECTS[6][0], PROJECTS[8][0]}

# Where the holders carried their projects out: a theme of PROJECTS and one of these gives each dossier
# a title no other region's resembles (app.duplicates would flag it), but the one sent to two regions.
SETTINGS = (
    "dans les services de médecine gériatrique", "avec les équipes de nuit et les familles",
    "auprès des personnes en situation de handicap", "dans un territoire rural sans hôpital proche",
    "pour les patients sous chimiothérapie orale", "au sein d’un réseau de maisons de santé",
    "dans les unités de soins de longue durée", "en lien avec les pharmaciens d’officine",
)


def project(number: int) -> tuple[str, str]:
    """The holders' ``number``-th project (title, structure): distinct for as many as there are pairs."""
    title, structure = PROJECTS[(number + 2) % len(PROJECTS)]
    return f"{title} {SETTINGS[number // len(PROJECTS) % len(SETTINGS)]}", structure


# One project sent to two ARS by the same association: the same SIRET (fictitious, with a valid key)
# and, in the second region, its title retyped.
DUPLICATED = {"regions": ("BRE", "PDL"), "structure": "Association Patients formateurs de l’Ouest",
              "titles": ("Des usagers formateurs pour les internes en pédiatrie",
                         "Des usagers-formateurs pour nos internes en Pédiatrie"),
              "changes": {"category": "association", "identifier": "12345678200010"}}


def draft(title: str) -> dict:
    """A dossier begun with its title only, as the form sends it (see app.candidatures.forms)."""
    return {field: None for field in FIELDS} | {"title": title, "sectors": [], "modalities": [], "domains": [],
                                                "answers": {}, "attestations": {}, "partners": []}


def dossier(contest: Contest, title: str, structure: str, contact: Account) -> dict:
    """Every field the definition asks for, as a candidate types it (see workflows.dossier)."""
    domains = [choice.key for choice in contest.domains if not choice.requires_text]
    modalities = [choice.key for choice in contest.modalities if not choice.requires_text]
    # Spread over the definition's choices (a synthesis of the demo reads like a real year's), always
    # the same for a title: one sector in two dossiers out of three, else two.
    spread = sum(title.encode())
    sectors = contest.sectors[spread % len(contest.sectors):][:1 if spread // 5 % 3 else 2]
    return {
        "category": contest.categories[len(title) % len(contest.categories)].key,
        "structure_name": structure,
        "identifier": None,
        "sectors": [choice.key for choice in sectors],
        "contact_name": contact.name,
        "contact_function": "Chargée de mission qualité et gestion des risques",
        "contact_email": contact.email,
        "contact_phone": "03 20 00 00 00",
        "title": title,
        "summary": f"{title} : des usagers et des soignants conçoivent ensemble une action de sécurité des soins.",
        "description": ("Le projet réunit la commission des usagers, une association de patients et l’équipe de "
                        "soins. Il a été conçu en ateliers communs, testé pendant six mois puis évalué."),
        "modalities": [modalities[spread // 7 % len(modalities)]],
        "domains": [domains[len(title) % len(domains)]],
        "domain_other": None,
        "project_stage": contest.project_stages[spread // 11 % len(contest.project_stages)].key,
        "link": None,
        "answers": {c.key: f"Notre réponse sur « {c.label} » : le projet a été mené à deux voix." for c in contest.criteria},
        "attestations": {a.key: a.required or not title.startswith(tuple(PRIVATE))
                         for a in contest.attestations},
        "partners": [
            {"side": "usager", "name": "Association des usagers", "organisation": "France Assos Santé",
             "role": "Co-pilote du projet"},
            {"side": "soignant", "name": "Dr Claire Petit", "organisation": structure, "role": "Médecin référente"},
        ],
    }
