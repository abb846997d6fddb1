"""Planning (pure, vectorised over items): classes, forecasts, safety stock and policies.

`plan.plan(history, terms, settings)` is one planning run; the service, the simulator and the
benchmark all call it.
"""
