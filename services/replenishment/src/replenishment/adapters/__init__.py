"""Everything of replenishment that touches the database, behind the ports.

`tables` (the schema, kept in step with the migrations), `statements` (the set-based statements
of the consumer's batches), the repositories (`stock`, `purchasing`, `demand`, `planning`,
`planning_runs`) and `uow`, the SQL unit of work that carries them.
"""
