"""`evaluation.decide` over arrays: which subjects of a rule raise and which open alerts resolve,
from the masks of its condition and recovery over every stock point of a round.

`decide` needs each stock point's facts; a round has the answer of every stock point already
(`vectorised.holds`), so it settles here without them: an open alert resolves when no stock
point of its subject fires and the ones it named all meet the recovery (hysteresis), a subject
without one raises with the stock points that fire (its text takes their figures off the same
arrays, `alert_text.figures_of`). `test_alerting_settling.py` pins that this answers what
`decide` answers."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from alerting.domain.language import KEY_FIELDS
from alerting.domain.points import StockPoint

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]


class Subjects:
    """Each stock point's subject under a dedupe key, and the stock points of each subject,
    computed once per distinct key in a round (rules share their keys)."""

    def __init__(self, points: Sequence[StockPoint]) -> None:
        self._points = points
        self._of: dict[str, list[str]] = {}
        self._members: dict[str, dict[str, list[int]]] = {}
        self._attributes: list[dict[str, str]] | None = None

    def of(self, dedupe_key: str) -> list[str]:
        """The subject of each stock point, in order."""
        if dedupe_key not in self._of:
            if self._attributes is None:
                self._attributes = [
                    {name: p.attribute(name) for name in KEY_FIELDS} for p in self._points
                ]
            self._of[dedupe_key] = [dedupe_key.format(**a) for a in self._attributes]
        return self._of[dedupe_key]

    def members(self, dedupe_key: str, subject: str) -> Ints:
        """The stock points whose subject it is."""
        if dedupe_key not in self._members:
            grouped: dict[str, list[int]] = {}
            for n, each in enumerate(self.of(dedupe_key)):
                grouped.setdefault(each, []).append(n)
            self._members[dedupe_key] = grouped
        return np.asarray(self._members[dedupe_key].get(subject, []), dtype=np.int64)


@dataclass
class Settled:
    """What a rule's round changes: subjects to raise (-> the stock points that fire, in
    order) and the open subjects that resolve."""

    raise_: dict[str, list[int]] = field(default_factory=dict)
    resolve: list[str] = field(default_factory=list)


def settle(
    dedupe_key: str,
    subjects: Subjects,
    inside: Bools,
    firing: Bools,
    recovered: Bools | None,
    open_items: Mapping[str, Collection[int]],
) -> Settled:
    """`decide` on masks: `inside` the rule's scope, `firing` its condition (in scope),
    `recovered` its recovery (None: the condition no longer holding is enough), `open_items`:
    open subject -> the stock points its alert named (those of the round)."""
    settled = Settled()
    of = subjects.of(dedupe_key)
    for subject, named_points in open_items.items():
        members = subjects.members(dedupe_key, subject)
        members = members[inside[members]]
        if members.size == 0 or firing[members].any():
            continue  # no stock point of it in the round, or still firing: stays as it is
        named = np.intersect1d(members, np.fromiter(named_points, dtype=np.int64))
        named = named if named.size else members
        if recovered is None or bool(recovered[named].all()):
            settled.resolve.append(subject)
    for n in np.flatnonzero(firing).tolist():
        if of[n] not in open_items:
            settled.raise_.setdefault(of[n], []).append(n)
    return settled
