"""Contest definition: one TOML file per edition, read into frozen dataclasses.

Invariants of a ``Contest`` returned by ``loads_contest``:
- the TOML holds no unknown key and every key without a default is present, with its type;
- every datetime carries a UTC offset, and the calendar is in order: submissions_open <
  submission_deadline < ceremony day, week_start <= ceremony <= week_end;
- every string is non-blank; an English wording (``label_en``, ``hint_en``, ``description_en``) is
  optional and needs its French one (the app shows the French, marked lang="fr", when it is absent);
  every list is non-empty unless its field has a default, and holds
  distinct items (tables are told apart by their first field: key, code, value, extension);
- integers and numbers respect their declared minimum (``_at_least``);
- tie_break names every criterion exactly once; scale levels cover min..max once each;
  quota.min <= quota.max; the timezone is known to zoneinfo; data.retention_months >= 1 (24 when
  the table is left out).
Errors are all collected, then raised once as ``ContestError``, each naming the file and the
dotted key. Nothing here reads the clock.
"""

from __future__ import annotations

import copy
import tomllib
import types
import typing
from collections.abc import Iterator
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workflows.identifiers import FORMATS as IDENTIFIER_FORMATS
from workflows.texts import Instant, Text, _l

CONTESTS_DIR = Path(__file__).parent / "contests"

_frozen = dataclass(frozen=True, slots=True, kw_only=True)


def _at_least(minimum: int, default=MISSING):
    return field(default=default, metadata={"min": minimum})


def _english_needs_french(item, *pairs: tuple[str, str]) -> Iterator[tuple[str, str]]:
    for french, english in pairs:
        if getattr(item, english) and not getattr(item, french):
            yield english, f"demande aussi « {french} » (le texte français)"


@_frozen
class Choice:
    key: str
    label: str
    label_en: str = ""
    hint: str = ""
    hint_en: str = ""
    requires_text: bool = False
    identifiers: tuple[str, ...] = ()  # for applicant categories: finess, siret, rna, rpps

    def problems(self) -> Iterator[tuple[str, str]]:
        yield from _english_needs_french(self, ("hint", "hint_en"))
        if unknown := [kind for kind in self.identifiers if kind not in IDENTIFIER_FORMATS]:
            yield "identifiers", "identifiants inconnus : " + ", ".join(unknown)


@_frozen
class Criterion:
    key: str
    label: str
    label_en: str = ""
    description: str = ""
    description_en: str = ""
    weight: int = _at_least(1, default=1)

    def problems(self) -> Iterator[tuple[str, str]]:
        yield from _english_needs_french(self, ("description", "description_en"))


@_frozen
class ScaleLevel:
    value: int
    label: str
    label_en: str = ""


@_frozen
class Scale:
    levels: tuple[ScaleLevel, ...]
    min: int = 0
    max: int = 5

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.min >= self.max:
            yield "max", f"doit être supérieur à min ({self.min})"
            return
        expected = set(range(self.min, self.max + 1))
        present = {level.value for level in self.levels}
        if missing := sorted(expected - present):
            yield "levels", "niveaux manquants : " + ", ".join(map(str, missing))
        if outside := sorted(present - expected):
            yield "levels", (f"niveaux hors de l’échelle {self.min}–{self.max} : "
                             + ", ".join(map(str, outside)))


@_frozen
class FileType:
    extension: str
    mime: str
    label: str
    label_en: str = ""


@_frozen
class AttachmentRules:
    file_types: tuple[FileType, ...]
    max_count: int = _at_least(1)
    max_bytes: int = _at_least(1, default=10 * 1024 * 1024)
    examples: tuple[str, ...] = ()


@_frozen
class Region:
    code: str
    name: str


@_frozen
class Quota:
    min: int = _at_least(0)
    max: int = _at_least(1)

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.min > self.max:
            yield "min", f"ne doit pas dépasser max ({self.max})"


@_frozen
class Attestation:
    key: str
    label: str
    label_en: str = ""
    required: bool


@_frozen
class Limits:
    """Maximum lengths, in characters, of the texts typed into the forms."""

    project_title: int = _at_least(1)
    summary: int = _at_least(1)
    description: int = _at_least(1)
    criterion_answer: int = _at_least(1)
    reason: int = _at_least(1)


@_frozen
class DataRules:
    """How long personal data is kept once the contest is over (house choice: not in the note)."""

    # Counted from the publication of the results; then ``retention apply`` anonymises the dossiers.
    retention_months: int = _at_least(1, default=24)


@_frozen
class Calendar:
    submission_deadline: datetime
    week_start: date
    week_end: date
    ceremony: date
    submissions_open: datetime | None = None

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.submissions_open is not None and self.submissions_open >= self.submission_deadline:
            yield "submission_deadline", "doit suivre l’ouverture des dépôts (submissions_open)"
        if self.submission_deadline.date() >= self.ceremony:
            yield "ceremony", "doit avoir lieu après la date limite de dépôt"
        if not self.week_start <= self.ceremony <= self.week_end:
            yield "ceremony", "doit avoir lieu pendant la semaine (de week_start à week_end)"


@_frozen
class Contest:
    slug: str
    name: str
    title: str
    edition: int = _at_least(1)
    organisers: tuple[str, ...]
    timezone: str
    cross_sector_note: str
    calendar: Calendar
    categories: tuple[Choice, ...]
    sectors: tuple[Choice, ...]
    modalities: tuple[Choice, ...]
    project_stages: tuple[Choice, ...]
    domains: tuple[Choice, ...]
    criteria: tuple[Criterion, ...]
    scale: Scale
    tie_break: tuple[str, ...]
    disagreement_threshold: Fraction = _at_least(0)
    winners: int = _at_least(1)
    attachments: AttachmentRules
    regions: tuple[Region, ...]
    quota: Quota
    attestations: tuple[Attestation, ...] = ()
    limits: Limits
    # Optional so that an edition stored before the key existed still reads: 24 months.
    data: DataRules = DataRules()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def deadline_local(self) -> datetime:
        return self.calendar.submission_deadline.astimezone(self.tz)

    @property
    def deadline_label(self) -> Text:
        """As the note words it: « dimanche 15 octobre 2017 à minuit, heure de Paris »."""
        city = self.timezone.rsplit("/", 1)[-1].replace("_", " ")
        return _l("%(moment)s, heure de %(city)s", moment=Instant(self.deadline_local), city=city)

    def is_before_deadline(self, now: datetime) -> bool:
        """True while ``now`` (timezone-aware) is strictly before the deadline instant."""
        return now < self.calendar.submission_deadline

    def region(self, code: str) -> Region:
        return _find(self.regions, "code", code)

    def criterion(self, key: str) -> Criterion:
        return _find(self.criteria, "key", key)

    def problems(self) -> Iterator[tuple[str, str]]:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            yield "timezone", f"fuseau horaire inconnu : « {self.timezone} »"
        keys = [criterion.key for criterion in self.criteria]
        for key in self.tie_break:
            if key not in keys:
                yield "tie_break", f"critère inconnu : « {key} »"
        if absent := [key for key in keys if key not in self.tie_break]:
            yield "tie_break", "critères absents : " + ", ".join(f"« {key} »" for key in absent)


def _find(items, attribute: str, value: str):
    for item in items:
        if getattr(item, attribute) == value:
            return item
    raise KeyError(value)


class ContestError(Exception):
    """A contest file that cannot be used; ``errors`` lists every problem found, in French."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def load_contest(path: str | Path) -> Contest:
    path = Path(path)
    return loads_contest(path.read_text(encoding="utf-8"), source=path.name)


def loads_contest(text: str, source: str = "<string>") -> Contest:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContestError([f"{source}: TOML illisible : {exc}"]) from None
    reader = _Reader(source)
    contest = reader.contest(data)
    if reader.errors:
        raise ContestError(reader.errors)
    return contest


def shift_calendar(data: dict, delta: timedelta) -> dict:
    """Deep copy of raw TOML data with every date and datetime of ``calendar`` moved by delta."""
    shifted = copy.deepcopy(data)
    calendar = shifted.get("calendar", {})
    for key, value in calendar.items():
        if isinstance(value, date):  # datetime is a date too
            calendar[key] = value + delta
    return shifted


# Scalar fields of Contest live in two TOML tables; every other field is a top-level key.
_SECTIONS = {
    "contest": ("slug", "name", "title", "edition", "organisers", "timezone",
                "cross_sector_note"),
    "judging": ("tie_break", "disagreement_threshold", "winners"),
}
_SECTION_OF = {name: section for section, names in _SECTIONS.items() for name in names}
_EXPECTED = {
    str: "doit être une chaîne de caractères",
    int: "doit être un entier",
    bool: "doit valoir true ou false",
    date: "doit être une date (AAAA-MM-JJ)",
    datetime: "doit être une date et heure avec fuseau (ex. 2017-10-16T00:00:00+02:00)",
    Fraction: "doit être un nombre",
}


class _Invalid:
    """Marks a value that could not be read; its error is already recorded."""


_INVALID = _Invalid()


def _join(path: str, key: str) -> str:
    return ".".join(part for part in (path, key) if part)


def _has_type(raw, hint) -> bool:
    # bool is an int and datetime is a date for isinstance, not for a contest file.
    if hint in (int, Fraction, date) and isinstance(raw, bool | datetime):
        return False
    return isinstance(raw, (int, float) if hint is Fraction else hint)


class _Reader:
    """Reads raw TOML data into dataclasses, recording every error instead of stopping."""

    def __init__(self, source: str):
        self.source = source
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{self.source}: {path}: {message}")

    def contest(self, data: dict) -> Contest | _Invalid:
        before = len(self.errors)
        spec = typing.get_type_hints(Contest)
        fields_by_name = {f.name: f for f in fields(Contest)}
        values = {}
        for section, names in _SECTIONS.items():
            section_spec = {name: spec.pop(name) for name in names}
            if section in data:
                values |= self.table(data[section], section, section_spec, fields_by_name)
            else:
                self.error(section, "clé obligatoire manquante")
        rest = {key: value for key, value in data.items() if key not in _SECTIONS}
        values |= self.table(rest, "", spec, fields_by_name)
        if len(self.errors) > before:
            return _INVALID
        return self.checked(Contest(**values), lambda name: _join(_SECTION_OF.get(name, ""), name))

    def table(self, raw, path: str, spec: dict, fields_by_name: dict) -> dict:
        if not isinstance(raw, dict):
            self.error(path, "doit être une table")
            return {}
        for key in sorted(raw.keys() - spec.keys()):
            self.error(_join(path, key), "clé inconnue")
        values = {}
        for name, hint in spec.items():
            f = fields_by_name[name]
            if name in raw:
                values[name] = self.value(raw[name], _join(path, name), hint,
                                          f.metadata.get("min"), may_be_empty=f.default == ())
            elif f.default is MISSING:
                self.error(_join(path, name), "clé obligatoire manquante")
        return values

    def value(self, raw, path: str, hint, minimum=None, may_be_empty=False):
        if isinstance(hint, types.UnionType):  # ``X | None``: None only by leaving the key out
            hint = next(arm for arm in typing.get_args(hint) if arm is not type(None))
        if typing.get_origin(hint) is tuple:
            return self.list(raw, path, typing.get_args(hint)[0], may_be_empty)
        if is_dataclass(hint):
            return self.object(raw, path, hint)
        if not _has_type(raw, hint):
            self.error(path, _EXPECTED[hint])
            return _INVALID
        if isinstance(raw, str) and not raw.strip():
            self.error(path, "ne doit pas être vide")
        if isinstance(raw, datetime) and raw.utcoffset() is None:
            self.error(path, "la date doit porter un fuseau horaire (ex. +02:00)")
        value = Fraction(str(raw)) if hint is Fraction else raw
        if minimum is not None and value < minimum:
            self.error(path, f"doit être supérieur ou égal à {minimum}")
        return value

    def list(self, raw, path: str, item_hint, may_be_empty: bool):
        if not isinstance(raw, list):
            self.error(path, "doit être une liste")
            return _INVALID
        if not raw and not may_be_empty:
            self.error(path, "la liste ne doit pas être vide")
        items = tuple(self.value(item, f"{path}[{i}]", item_hint) for i, item in enumerate(raw))
        seen = set()
        for i, item in enumerate(items):
            if item is _INVALID:
                continue
            identity_field = fields(item)[0].name if is_dataclass(item) else ""
            identity = getattr(item, identity_field) if identity_field else item
            if identity in seen:
                self.error(_join(f"{path}[{i}]", identity_field),
                           f"« {identity} » figure déjà plus haut")
            seen.add(identity)
        return items

    def object(self, raw, path: str, cls):
        before = len(self.errors)
        values = self.table(raw, path, typing.get_type_hints(cls), {f.name: f for f in fields(cls)})
        if len(self.errors) > before:
            return _INVALID
        return self.checked(cls(**values), lambda name: _join(path, name))

    def checked(self, obj, path_of):
        """Record the cross-field problems ``obj`` reports about itself."""
        for name, message in obj.problems() if hasattr(obj, "problems") else ():
            self.error(path_of(name), message)
        return obj
