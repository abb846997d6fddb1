"""PostgreSQL behind the ports: tables, the repository and its set-based statements, the unit of
work, the API's read queries, and the expiry and retention jobs."""
