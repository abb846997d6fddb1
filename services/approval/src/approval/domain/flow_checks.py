"""What is wrong with a flow version, field by field (pure): (field path, problem) pairs such as
``("branches.1.steps.0.assignees", "a step needs at least one assignee rule")``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from approval.domain.flows import STEP_MODES, Flow, FlowStep, Step, branches_by_amount

MAX_LIMIT_HOURS: Final = 24 * 365
MAX_LIMIT_MINUTES: Final = 60 * 24 * 365
MAX_MANAGER_LEVEL: Final = 10
Problems = list[tuple[str, str]]


def flow_problems(flow: Flow) -> Problems:
    """The problems of `flow`'s branches and steps; empty when it makes a flow."""
    if not flow.branches:
        return [("branches", "a flow needs at least one branch (the default one)")]
    problems: Problems = []
    last = len(flow.branches) - 1
    names: dict[str, int] = {}
    for index, branch in enumerate(flow.branches):
        at = f"branches.{index}"
        if index == last and branch.condition is not None:
            problems.append((f"{at}.condition", "the last branch is the default: no condition"))
        elif index < last and branch.condition is None:
            problems.append((f"{at}.condition", "only the last branch is the default"))
        if branch.name and branch.name in names:
            problems.append((f"{at}.name", f"the same name as branches.{names[branch.name]}"))
        if branch.name:
            names.setdefault(branch.name, index)
        if not branch.steps:
            problems.append((f"{at}.steps", "a branch needs at least one step"))
        for number, step in enumerate(branch.steps):
            problems += step_problems(step, f"{at}.steps.{number}")
    return problems


def step_problems(step: Step, at: str) -> Problems:
    """The problems of one step at the path `at`."""
    problems: Problems = []
    if step.mode not in STEP_MODES:
        problems.append((f"{at}.mode", f"one of {', '.join(STEP_MODES)}"))
    problems += _limit_problems(step.time_limit_hours, step.time_limit_minutes, at)
    if not step.assignees:
        return [*problems, (f"{at}.assignees", "a step needs at least one assignee rule")]
    seen: dict[object, int] = {}
    for index, rule in enumerate(step.assignees):
        where = f"{at}.assignees.{index}"
        if rule.kind == "role" and not rule.role:
            problems.append((f"{where}.role", "a role rule names the role"))
        if rule.kind == "manager_chain" and not 1 <= rule.level <= MAX_MANAGER_LEVEL:
            problems.append((f"{where}.level", f"from 1 to {MAX_MANAGER_LEVEL}"))
        if rule.kind == "people" and not rule.logins:
            problems.append((f"{where}.logins", "a people rule names at least one login"))
        if len(set(rule.logins)) != len(rule.logins):
            problems.append((f"{where}.logins", "a login is listed twice"))
        if rule in seen:
            problems.append((where, f"the same rule as assignees.{seen[rule]}"))
        seen.setdefault(rule, index)
    single_person = len(step.assignees) == 1 and len(step.assignees[0].logins) <= 1
    if step.mode == "single" and not single_person:
        problems.append(
            (f"{at}.assignees", "a single step has one assignee rule (one login): use any_of or "
             "all_of for several")
        )  # fmt: skip
    return problems


def _limit_problems(hours: int | None, minutes: int | None, at: str) -> Problems:
    problems: Problems = []
    if hours is not None and minutes is not None:
        problems.append((f"{at}.time_limit_minutes", "give time_limit_hours or _minutes, not both"))
    if hours is not None and not 1 <= hours <= MAX_LIMIT_HOURS:
        problems.append((f"{at}.time_limit_hours", f"from 1 to {MAX_LIMIT_HOURS}"))
    if minutes is not None and not 1 <= minutes <= MAX_LIMIT_MINUTES:
        problems.append((f"{at}.time_limit_minutes", f"from 1 to {MAX_LIMIT_MINUTES}"))
    return problems


def legacy_step_problems(steps: Sequence[FlowStep]) -> Problems:
    """What is wrong with steps of the earlier shape (role and amount band each)."""
    problems: Problems = []
    if not steps:
        problems.append(("steps", "a flow needs at least one step"))
    for index, step in enumerate(steps):
        low, high = step.min_amount_exclusive, step.max_amount_inclusive
        if low is not None and high is not None and low >= high:
            problems.append(
                (f"steps.{index}.max_amount_inclusive", "must be greater than min_amount_exclusive")
            )
        problems += _limit_problems(
            step.time_limit_hours, step.time_limit_minutes, f"steps.{index}"
        )
    if steps and not problems and any(not b.steps for b in branches_by_amount(steps)):
        problems.append(("steps", "every amount needs at least one step (a band leaves a gap)"))
    return problems
