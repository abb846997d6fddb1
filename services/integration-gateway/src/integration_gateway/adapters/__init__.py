"""Everything that touches the database or the network: tables, repositories, the unit of
work, the webhook sender, retention."""
