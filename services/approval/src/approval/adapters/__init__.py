"""Everything that touches the database, behind the ports.

`tables` (the schema, kept in step with the migrations), the repositories `flows`,
`approvers` and `instances`, the `task_list` read query, and `unit_of_work`, the SQL unit of
work that carries them.
"""
