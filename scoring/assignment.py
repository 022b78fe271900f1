"""Which jurors score which dossier when each dossier needs only ``n`` of them: a balanced proposal.

Invariants of ``propose``:
- a conflicted pair (a declared or detected conflict, the juror's own dossier) is never assigned;
- a begun sheet is kept: a juror who has a sheet on a dossier, draft or submitted, stays on it
  (unless conflicted, when the sheet no longer counts), even if the dossier then has more than n;
- every dossier gets n distinct jurors, or every eligible juror when fewer than n are; those short of
  n are reported with how many they got;
- the loads (dossiers per juror, kept sheets included) are as even as conflicts and kept sheets allow:
  no other assignment of the free seats has a smaller sum of squared loads, so with no conflict and
  no kept sheet two jurors' loads differ by at most one;
- the result depends only on the values passed in, not on their order.

How: each dossier first takes its least-loaded eligible jurors, the most constrained dossiers first;
then, while some juror has two dossiers more than another juror they can reach, a chain of moves
(juror a hands a dossier to juror b, who hands another to c, … to a juror with a load at least two
below a's) evens the loads. No such chain left is the optimality condition of a convex-cost flow.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

Pair = tuple[Hashable, Hashable]  # (juror, dossier)


@dataclass(frozen=True)
class Assignment:
    jurors_of: dict[Hashable, tuple[Hashable, ...]]  # dossier -> its jurors, in the jurors' order
    loads: dict[Hashable, int]  # juror -> number of dossiers, every juror listed
    short: dict[Hashable, int]  # dossier -> jurors it got, when fewer than n

    def pairs(self) -> set[Pair]:
        return {(juror, dossier) for dossier, jurors in self.jurors_of.items() for juror in jurors}


def propose(dossiers: Iterable[Hashable], jurors: Iterable[Hashable], n: int, *,
            conflicts: Iterable[Pair] = (), begun: Iterable[Pair] = ()) -> Assignment:
    """A balanced assignment of ``n`` jurors per dossier respecting ``conflicts`` and keeping ``begun``."""
    if n < 1:
        raise ValueError("n must be at least 1")
    dossiers, jurors = sorted(set(dossiers)), sorted(set(jurors))
    barred = set(conflicts)
    eligible = {dossier: [juror for juror in jurors if (juror, dossier) not in barred] for dossier in dossiers}
    kept = {(juror, dossier) for juror, dossier in begun if dossier in eligible and juror in eligible[dossier]}
    # One pass over the kept sheets (a large region: 5,000 dossiers × 15 begun sheets each).
    held: dict[Hashable, set[Hashable]] = {dossier: set() for dossier in dossiers}
    loads = dict.fromkeys(jurors, 0)
    for juror, dossier in kept:
        held[dossier].add(juror)
        loads[juror] += 1
    for dossier in sorted(dossiers, key=lambda dossier: len(eligible[dossier])):  # a stable sort: then by id
        free = [juror for juror in eligible[dossier] if juror not in held[dossier]]
        for juror in least_loaded(free, loads, n - len(held[dossier])):
            held[dossier].add(juror)
            loads[juror] += 1
    _even_out(held, loads, eligible, kept, jurors)
    order = {juror: index for index, juror in enumerate(jurors)}
    jurors_of = {dossier: tuple(sorted(held[dossier], key=order.__getitem__)) for dossier in dossiers}
    return Assignment(jurors_of, loads, {dossier: len(chosen) for dossier, chosen in jurors_of.items()
                                         if len(chosen) < n})


def least_loaded(free: Iterable[Hashable], loads: dict[Hashable, int], seats: int) -> list[Hashable]:
    """The ``seats`` jurors of ``free`` with the fewest dossiers, ties in ``free``'s order."""
    return sorted(free, key=loads.__getitem__)[:max(0, seats)]


def _even_out(held, loads, eligible, kept, jurors) -> None:
    """Apply chains of moves from the most loaded jurors while one lowers a load by moving it down by two."""
    while True:
        for start in sorted(jurors, key=lambda juror: -loads[juror]):
            if chain := _chain_from(start, held, loads, eligible, kept, jurors):
                for giver, dossier, taker in chain:
                    held[dossier].remove(giver)
                    held[dossier].add(taker)
                loads[start] -= 1
                loads[chain[-1][2]] += 1
                break
        else:
            return


def _chain_from(start, held, loads, eligible, kept, jurors) -> list[tuple] | None:
    """The shortest chain of (giver, dossier, taker) moves from ``start`` to a juror whose load is at
    least two below ``start``'s; a kept sheet never moves, a juror never gets a dossier twice."""
    came_from = {start: None}
    queue = deque([start])
    while queue:
        giver = queue.popleft()
        for dossier in (d for d, chosen in held.items() if giver in chosen and (giver, d) not in kept):
            for taker in eligible[dossier]:
                if taker in came_from or taker in held[dossier]:
                    continue
                came_from[taker] = (giver, dossier)
                if loads[taker] <= loads[start] - 2:
                    chain, juror = [], taker
                    while came_from[juror] is not None:
                        previous, moved = came_from[juror]
                        chain.append((previous, moved, juror))
                        juror = previous
                    return chain[::-1]
                queue.append(taker)
    return None
