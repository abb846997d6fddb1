"""Where a KPI rule's alert goes: the channels of the routes it matches (by severity, team and
the scope of its stock points), held back during a route's quiet hours."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from alerting.domain.language import QuietHours, Route, RuleDefinition
from alerting.domain.points import StockPoint

Target = tuple[str, datetime | None]
"""A channel and when to send at the earliest (None: now)."""


def _matches(route: Route, definition: RuleDefinition, points: Sequence[StockPoint]) -> bool:
    if route.severities and definition.severity not in route.severities:
        return False
    if route.teams and definition.team not in route.teams:
        return False
    for wanted, name in (
        (route.abc_classes, "abc_class"),
        (route.categories, "category"),
        (route.locations, "location"),
    ):
        if wanted and not any(point.attribute(name) in wanted for point in points):
            return False
    return True


def quiet_until(quiet: QuietHours, now: datetime) -> datetime | None:
    """The end of the quiet hours `now` falls in (None when it is outside them)."""
    local = now.astimezone(ZoneInfo(quiet.timezone))
    start = local.replace(hour=quiet.start.hour, minute=quiet.start.minute, second=0, microsecond=0)
    end = local.replace(hour=quiet.end.hour, minute=quiet.end.minute, second=0, microsecond=0)
    if quiet.start <= quiet.end:
        return end if start <= local < end else None
    if local >= start:  # spans midnight: quiet until tomorrow's end
        return end + timedelta(days=1)
    return end if local < end else None


def targets(
    definition: RuleDefinition, points: Sequence[StockPoint], now: datetime
) -> list[Target] | None:
    """The channels of every matching route (a critical alert ignores quiet hours); without a
    matching route the rule's own channels, and None when it names none (every enabled
    channel)."""
    found: dict[str, datetime | None] = {}
    for route in definition.routes:
        if not _matches(route, definition, points):
            continue
        wait = None
        if route.quiet_hours is not None and definition.severity != "critical":
            wait = quiet_until(route.quiet_hours, now)
        for channel in route.channel_ids:
            earlier = found.get(channel, wait)
            found[channel] = None if earlier is None or wait is None else min(earlier, wait)
    if found:
        return list(found.items())
    if definition.channel_ids:
        return [(channel, None) for channel in definition.channel_ids]
    return None
