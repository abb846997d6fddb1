"""Replenishment use cases, typed against `replenishment.ports`: load, let the domain decide,
store (and commit, for commands).

Consumed events: `master_data` (items, locations, suppliers, demand), `availability` (runs of
availability changes, set-based), `approvals` (decisions on requisitions). The threshold rule
is applied by `threshold` for every path. Commands: `policies` (a policy set over the API).
Planning: `planning_inputs` and `planning_runs` (a run), `scheduling` (the planner and its
schedule), `advice` (suggestions, exceptions and snoozes).
"""
