"""Dossiers that may be one project sent to two regions: the same identifier, or near-identical titles.

Invariants: a pair is only ever made of two dossiers of different regions (a region sees its own
dossiers whole already); the caller passes the dossiers of one edition that count (submitted, not
withdrawn); the result advises the ARS, it never decides anything.

Identifiers (FINESS, SIRET, SIREN, RNA, RPPS) match when equal once typed spaces and dots are gone,
and a SIRET matches the SIREN made of its first 9 digits (the company and one of its
establishments). Two different SIRETs of one SIREN do not match: the establishments of one company
(the hospitals of a national association, say) may each run their own project; a real resubmission
among them still shows by its title. A 9-digit FINESS has the shape of a SIREN: a FINESS equal to a
SIRET's first 9 digits by chance would be flagged, a one-in-a-billion coincidence an advice can bear.

Titles are compared once normalised (case, accents, ligatures, punctuation, spaces; ``title_key``), by the
better of two rapidfuzz scores out of 100: ``ratio`` (the same text, a typo or a hyphen apart:
"Identito-vigilance" and "Identitovigilance") and ``token_sort_ratio`` (the same words in another
order: "Prévenir les chutes avec les aidants", "Avec les aidants, prévenir les chutes"). THRESHOLD
90 keeps a plural, a typo or a changed article ("pour les internes" / "pour nos internes": 95) and
leaves out two projects on one theme ("… les visiteurs s’engagent" / "… les soignants s’engagent":
88; "… aux urgences" / "… au bloc": 87).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from workflows.folding import fold
from workflows.identifiers import normalise

THRESHOLD = 90
SIRET, SIREN = re.compile(r"\d{14}"), re.compile(r"\d{9}")


class Shared(StrEnum):
    """What two dossiers' identifiers have in common."""

    IDENTIFIER = "identifier"  # the same number
    COMPANY = "company"  # a SIRET and the SIREN of its company


@dataclass(frozen=True)
class Entry:
    """What the matching reads of a dossier."""

    id: int
    region_id: int
    title: str | None
    identifier: str | None


@dataclass(frozen=True)
class Match:
    """Dossier ``one`` may be the same project as dossier ``other``, of another region."""

    one: int
    other: int
    shared: Shared | None  # None: the identifiers differ or one is missing
    title_score: int | None  # out of 100, when at least THRESHOLD


def title_key(title: str | None) -> str:
    """The title without case, accents, punctuation nor extra spaces: what people retype differently."""
    return " ".join(re.sub(r"[\W_]+", " ", fold(title)).split())


def _identifier_pairs(entries: list[Entry]) -> dict[tuple[int, int], Shared]:
    """(index, index) of entries whose identifiers match, both orders."""
    by_value: dict[str, list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        if entry.identifier and (value := normalise(entry.identifier)):
            by_value[value].append(index)
    pairs = {}
    for value, indexes in by_value.items():
        pairs |= {(a, b): Shared.IDENTIFIER for a in indexes for b in indexes if a != b}
        if SIRET.fullmatch(value):
            for company in by_value.get(value[:9], []):
                pairs |= {(a, company): Shared.COMPANY for a in indexes} | {(company, a): Shared.COMPANY for a in indexes}
    return pairs


def _title_scores(entries: list[Entry], queries: list[int]) -> dict[tuple[int, int], int]:
    """(query index, index) -> score for the titles at least THRESHOLD alike, of dossiers of other regions.

    A query is compared with the other regions' titles only: a pair within one region is never made,
    and a region of thousands of dossiers on one theme would otherwise cost millions of comparisons."""
    plain = [title_key(entry.title) for entry in entries]
    # token_sort_ratio is ratio on the sorted words: sorting once here spares rapidfuzz doing it per pair.
    sorted_words = [" ".join(sorted(key.split())) for key in plain]
    regions = {entries[query].region_id for query in queries}
    scores: dict[tuple[int, int], float] = {}
    for keys in (plain, sorted_words):
        # index -> title of the dossiers outside each region, built once per region asked about
        outside = {region: {index: keys[index] for index, entry in enumerate(entries) if entry.region_id != region}
                   for region in regions}
        for query in queries:
            if not keys[query]:
                continue
            for _choice, score, index in process.extract(keys[query], outside[entries[query].region_id],
                                                         scorer=fuzz.ratio, processor=None,
                                                         score_cutoff=THRESHOLD, limit=None):
                scores[query, index] = max(score, scores.get((query, index), 0))
    return {pair: round(score) for pair, score in scores.items()}


def find_matches(entries: Iterable[Entry], of: Collection[int] | None = None) -> list[Match]:
    """The pairs of dossiers of different regions that may be one project, each once.

    With ``of`` (dossier ids), only the pairs holding one of them, that dossier as ``one``; without
    it, every pair, the lower id as ``one``. Sorted by ``one`` then ``other``.
    """
    entries = list(entries)
    queries = [index for index, entry in enumerate(entries) if of is None or entry.id in of]
    identifiers, titles = _identifier_pairs(entries), _title_scores(entries, queries)
    asked = set(queries)
    found = []
    for a, b in set(titles) | {pair for pair in identifiers if pair[0] in asked}:
        one, other = entries[a], entries[b]
        if one.region_id == other.region_id:
            continue
        if (of is None or other.id in of) and other.id < one.id:  # the pair is met from both ends
            continue
        found.append(Match(one.id, other.id, identifiers.get((a, b)), titles.get((a, b)) or titles.get((b, a))))
    return sorted(found, key=lambda match: (match.one, match.other))
